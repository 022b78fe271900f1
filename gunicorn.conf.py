"""Gunicorn's settings for Concours, read from the directory it starts in (``gunicorn 'app:create_app()'``
from the project's root, README « PostgreSQL in production »)."""

import gc


def post_worker_init(worker):
    """Once the worker has loaded the app, its long-lived objects (modules, the app, its mappers, the
    contest definitions) leave the garbage collector's scans for good: a full collection of them took
    about 100 ms, and the objects a large page keeps while it works (a region's ranking of 5,000
    dossiers) set one off in every second or third such request (bench/README.md, « Staff pages »).
    The requests' own objects are collected as before. Not at the end of ``create_app``: tests and
    commands create apps and drop them, and frozen objects are never freed.

    Here rather than in ``post_fork``: without ``--preload`` a worker loads the app after the fork."""
    gc.collect()  # what is garbage already is freed, not kept frozen
    gc.freeze()
