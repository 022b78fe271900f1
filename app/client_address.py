"""The client address used for rate limits.

``X-Forwarded-For`` is only trusted when the app runs behind a declared number of proxies
(``TRUSTED_PROXIES``, applied by ProxyFix in create_app); otherwise a client could pick its own
address and escape throttling.
"""

from flask import request


def client_address() -> str:
    return request.remote_addr or "unknown"
