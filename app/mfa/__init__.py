"""The staff's second factor: TOTP codes from an authenticator app, single-use recovery codes.

The sign-in asks for the code between the password and the session (``app.auth.pending``); an
account whose role requires a second factor it has not enrolled reaches only the enrolment
(``app.access``).
"""
