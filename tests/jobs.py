"""Jobs for real: a Huey queue on a SQLite file per test, run by the test (``queue.work()``) or by a
real consumer's worker threads (``worker``), instead of the immediate mode the other tests use."""

from __future__ import annotations

import re
import signal
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from huey import Huey
from huey.signals import SIGNAL_COMPLETE, SIGNAL_ERROR
from huey.utils import utcnow

from app import tasks
from app.extensions import db


@dataclass
class Queue:
    huey: Huey

    def pending(self) -> int:
        return self.huey.pending_count()

    def scheduled(self) -> int:
        """Jobs waiting for a later time (a retry)."""
        return self.huey.scheduled_count()

    def later(self, delay: timedelta) -> datetime:
        """A moment ``delay`` from now on Huey's own clock (it dates retries on the system's time)."""
        return (utcnow() if self.huey.utc else datetime.now()) + delay

    def work(self, at: datetime | None = None, *, periodic: bool = False) -> int:
        """Run the queued jobs as a consumer's worker does (Huey's dequeue and execute) until none is
        left; how many ran. The test's own transaction ends first, as a worker's would wait for it
        (on SQLite it holds the write lock).

        ``at`` (from ``later``): run as the consumer would at that moment, without waiting for it:
        its scheduler first enqueues the retries due by then (and, with ``periodic``, the periodic
        jobs whose schedule matches it), and the worker runs every job as of then (Huey's consumer
        takes this ``now``)."""
        db.session.commit()
        if at is not None:
            for task in self.huey.read_schedule(at) + (self.huey.read_periodic(at) if periodic else []):
                self.huey.enqueue(task)
        ran = 0
        while (task := self.huey.dequeue()) is not None:
            self.huey.execute(task, at)
            ran += 1
        return ran


@pytest.fixture
def queue(app, tmp_path) -> Queue:
    """The app's jobs wait in a real SQLite queue until something runs them."""
    app.config.update(TASKS_IMMEDIATE=False, TASKS_SQLITE_FILE=str(tmp_path / "tasks.db"))
    tasks.init_app(app)
    return Queue(app.extensions["huey"])


class Worker:
    """Counts the jobs a consumer has finished (Huey's signals), for a test to wait on."""

    def __init__(self, huey: Huey):
        self.finished = 0
        self.change = threading.Condition()
        huey.signal(SIGNAL_COMPLETE, SIGNAL_ERROR)(self._finished)

    def _finished(self, signal_name, task, *args) -> None:
        with self.change:
            self.finished += 1
            self.change.notify_all()

    def wait_for(self, count: int, timeout: float = 30) -> bool:
        """Whether ``count`` jobs have finished within ``timeout`` seconds."""
        with self.change:
            return self.change.wait_for(lambda: self.finished >= count, timeout)


@pytest.fixture
def worker(queue) -> Worker:
    """A real Huey consumer (two worker threads) running the queue's jobs as they arrive."""
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    finished = Worker(queue.huey)
    consumer = queue.huey.create_consumer(workers=2, worker_type="thread", periodic=False,
                                          initial_delay=0.05, max_delay=0.2, check_worker_health=False)
    consumer.start()
    try:
        yield finished
    finally:
        consumer.stop(graceful=True)
        for number, handler in handlers.items():  # the consumer took the process's signals
            signal.signal(number, handler)


def asked(client, action: str, page: str | None = None):
    """The file a button asks for (its form's ``action``, on ``page``): the job runs at once here (Huey's
    immediate mode), then the progress page's link downloads it."""
    started = client.form(action, page=page)
    assert started.status_code == 303, started.get_data(as_text=True)
    ready = client.get(started.headers["Location"]).get_data(as_text=True)
    return client.get(re.search(r'href="(/exports/preparations/\d+/fichier)"', ready).group(1))


def prepared(client, url: str):
    """A table or the minutes, fetched from its address as a person does: it leads to the page that asks for
    it, whose button starts the job."""
    response = client.get(url)
    assert response.status_code == 303, response.status_code
    return asked(client, response.headers["Location"])
