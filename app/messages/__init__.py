"""The messages between a candidate and the ARS of their region about a dossier (one thread per
candidature): writing one (``operations``), who is emailed (``emails``), reading a thread and
which dossiers await an answer (``threads``). The pages that show a thread are the dossier's own:
the candidate's (``app.candidatures``) and the ARS's (``app.regional``)."""
