"""The horse: a separate process that runs translation jobs and tells its supervisor which.

It is spawned (a fresh interpreter, nothing inherited from the web process but its
settings), builds its own app, loads the engines once, and reports every job it starts
and finishes over a pipe, so the supervisor can enforce the wall-clock limit from outside.
"""
from __future__ import annotations

import logging
import os
import select
import signal
import sys
from multiprocessing.connection import Connection
from pathlib import Path

log = logging.getLogger(__name__)

EMBEDDED, RQ, BURST, RQ_BURST = "embedded", "rq", "burst", "rq-burst"
ONE_OFF = (BURST, RQ_BURST)  # run what is due, then exit
STANDBY_SECONDS = 5.0


def main(config: dict, kind: str, conn: Connection, parent_pid: int) -> None:
    _die_with_parent(parent_pid)
    from forum import create_app, jobs

    app = create_app(config)
    jobs.set_job_listener(lambda job_id: conn.send(job_id))
    if kind in (RQ, RQ_BURST):
        _run_rq(app, burst=kind == RQ_BURST)
    elif kind == BURST:
        with app.app_context():
            jobs.warm_up(app)
            jobs.sweep()
            jobs.run_pending()
            _send_mail()
    else:
        _run_embedded(app, conn)


def _die_with_parent(parent_pid: int) -> None:
    """A horse stuck in a job cannot notice its parent is gone: ask Linux to kill it then."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent_pid:  # the parent died before the request above took effect
        os._exit(0)


def _run_embedded(app, conn: Connection) -> None:
    from forum import jobs
    from forum.extensions import db

    from .wakeup import Listener, address_hash

    # SIGTERM (the supervisor stopping) ends the loop after the current job; the wakeup fd
    # makes it interrupt the idle select, which would otherwise resume after the signal.
    stopping = False
    signal_r, signal_w = os.pipe()
    os.set_blocking(signal_w, False)
    signal.set_wakeup_fd(signal_w)

    def stop(*_args) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    database = app.config["SQLALCHEMY_DATABASE_URI"]
    lock = _ActiveLock(Path(app.instance_path) / f"translation-worker-{address_hash(database)}.lock")
    while not stopping and not lock.acquire():  # another horse serves this database: stand by
        if _wait([signal_r, conn], STANDBY_SECONDS, conn):
            return
    listener = Listener(database)
    if not listener.bind():  # someone else holds the wake-up address: polling still runs every job
        log.warning("translation wake-up socket is taken; polling every %s s", app.config["TRANSLATION_POLL_SECONDS"])
    try:
        with app.app_context():
            jobs.warm_up(app)
        poll = app.config["TRANSLATION_POLL_SECONDS"]
        while not stopping:
            try:
                with app.app_context():
                    jobs.sweep()
                    while not stopping and jobs.process() is not None:
                        pass
                    _send_mail()
                    db.session.remove()
            except Exception:  # the database went away for a moment: try again next round
                log.exception("translation worker iteration failed; retrying")
            awake = [signal_r, conn] + ([listener] if listener.fileno() is not None else [])
            if _wait(awake, poll, conn):
                return
            listener.drain()
    finally:
        listener.close()
        lock.release()


def _send_mail() -> None:
    """The email outbox rides along with each round (after the translations a notification email may wait for)."""
    from forum.mail import outbox

    outbox.send_round()


class _ActiveLock:
    """Which horse is active for a database: an exclusive flock on a private file in the
    instance folder (freed by the kernel when its holder dies; other local users cannot take it)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> bool:
        import fcntl

        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _wait(fds, timeout: float, conn: Connection) -> bool:
    """Sleep until a wake-up, a signal or the timeout; True when the supervisor's end of the
    pipe closed (it is gone: so are we). The supervisor never writes to the horse."""
    ready, _, _ = select.select(fds, [], [], timeout)
    if fds[0] in ready:
        os.read(fds[0], 64)  # the signal's byte; the handler already set `stopping`
    return conn in ready


def _run_rq(app, burst: bool) -> None:
    from rq import SimpleWorker

    from forum import jobs

    jobs.set_worker_app(app)
    with app.app_context():
        jobs.warm_up(app)
    queue = jobs.rq_queue(app)
    # SimpleWorker runs jobs in this process, so a loaded model serves every job; RQ's own
    # SIGTERM handling finishes the current job before it stops.
    SimpleWorker([queue], connection=queue.connection).work(burst=burst, with_scheduler=False)
