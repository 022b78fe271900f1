"""Every state change of the contest, one operation per named transition of ``workflows.machine``.

``engine`` holds the common steps (lock, facts, check, change, audit); ``candidate``, ``regional``
and ``national`` hold the operations, by who fires them, each owning its side effects (data,
audit rows, emails in ``emails``). Operations flush and never commit.
"""
