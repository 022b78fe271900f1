"""Dossiers the regions received by email, entered by their ARS on the candidate's behalf.

The ARS types the dossier in the candidate's own form, with the sender's address and when the email
arrived: that instant, which must precede the deadline (``workflows.machine.received_in_time``), is
the submission's. The sender's address owns the dossier (a new account without a password when it
has none) and is emailed a link to take it over.
"""
