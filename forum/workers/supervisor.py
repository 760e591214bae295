"""The supervisor: keeps one horse running and gives every job a wall-clock limit.

It only waits on a pipe (no CPU, the GIL released), so it can live on a thread of the web
process. A horse that stays on one job past TRANSLATION_JOB_TIME_LIMIT is killed (SIGKILL:
a pattern stuck in C code does not see signals) and its job is retried or failed like any
other error; a horse that dies is replaced, with a growing pause if it keeps dying.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import threading
import time

from flask import Flask

from . import horse

log = logging.getLogger(__name__)

_SPAWN = multiprocessing.get_context("spawn")  # a fresh interpreter: no inherited locks or sockets
STOP_GRACE_SECONDS = 10.0
TIME_LIMIT_ATTEMPTS = 2  # tries for a job that overran its limit (at most TRANSLATION_MAX_ATTEMPTS)


def horse_config(app: Flask) -> dict:
    """The app's settings as the horse gets them (it builds its own app from them)."""
    config = {}
    for key, value in app.config.items():
        try:
            pickle.dumps(value)
        except Exception:
            if key == "TRANSLATION_ENGINES":  # silently using other engines would be worse
                raise TypeError("TRANSLATION_ENGINES must be picklable to run in the worker process") from None
            continue
        config[key] = value
    return config


class Supervisor:
    def __init__(self, app: Flask, kind: str) -> None:
        self.app = app
        self.kind = kind
        self.time_limit = float(app.config["TRANSLATION_JOB_TIME_LIMIT"])
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._process = None
        self._lock = threading.Lock()
        self._grace = STOP_GRACE_SECONDS
        self.restarts = 0

    # --- in the background (the web process) ---------------------------------------------
    def start(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._stop.clear()
                # The horse is spawned from this long-lived thread: Linux's parent-death signal
                # follows the thread that created a child, and request threads come and go.
                self._thread = threading.Thread(target=self.run, name="translation-supervisor", daemon=True)
                self._thread.start()

    def stop(self, grace: float = STOP_GRACE_SECONDS) -> None:
        self._grace = grace
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(grace + 5)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def horse_pid(self) -> int | None:
        process = self._process
        return process.pid if process is not None and process.is_alive() else None

    # --- the loop (a thread, or the main thread of `flask translation worker`) -------------
    def run(self) -> None:
        """Until stopped; a one-off kind (burst) returns when its horse is done."""
        pause = 1.0
        config = horse_config(self.app)
        while not self._stop.is_set():
            started = time.monotonic()
            outcome = self._run_one_horse(config, self.kind)
            if self.kind in horse.ONE_OFF and outcome != "job lost":
                return
            if self._stop.is_set():
                return
            if outcome == "job lost":
                pause = 1.0  # the job killed it, or overran: the next job deserves a fresh horse now
            elif time.monotonic() - started > 60:
                pause = 1.0
            else:
                pause = min(pause * 2, 60.0)  # dying at once, again and again: slow down
            self.restarts += 1
            self._stop.wait(pause)

    def _run_one_horse(self, config: dict, kind: str) -> str:
        ours, theirs = _SPAWN.Pipe(duplex=True)
        process = _SPAWN.Process(target=horse.main, args=(config, kind, theirs, os.getpid()),
                                 name=f"translation-{kind}", daemon=False)
        process.start()
        theirs.close()
        self._process = process
        current: int | None = None
        deadline = 0.0
        try:
            while True:
                if self._stop.is_set():
                    self._stop_horse(process, current)
                    return "stopped"
                if ours.poll(0.5):
                    try:
                        current = ours.recv()
                    except (EOFError, OSError):  # the horse is gone; join below tells how
                        process.join(5)
                    else:
                        deadline = time.monotonic() + self.time_limit
                        continue
                if not process.is_alive():
                    process.join()
                    if current is not None:
                        self._job_lost(current, f"the worker process died (exit code {process.exitcode})")
                        return "job lost"
                    if process.exitcode not in (0, None):
                        log.warning("translation worker process exited with code %s", process.exitcode)
                    return "exited"
                if current is not None and time.monotonic() > deadline:
                    process.kill()
                    process.join()
                    log.warning("translation job %s ran over its %.0f s limit; its worker was stopped",
                                current, self.time_limit)
                    # One more try (the machine may have been overloaded), then failed: a post that
                    # always overruns must not hold the only worker for attempts x limit seconds.
                    self._job_lost(current, f"time limit exceeded ({self.time_limit:.0f} s)",
                                   max_attempts=TIME_LIMIT_ATTEMPTS)
                    return "job lost"
        finally:
            ours.close()
            self._process = None

    def _stop_horse(self, process, current: int | None) -> None:
        process.terminate()  # SIGTERM: the current job may finish
        process.join(self._grace)
        if process.is_alive():
            process.kill()
            process.join()
            if current is not None:  # not the job's fault: back to pending, no attempt spent
                self._record(current, lambda jobs: jobs.release(current, "the worker was stopped"))

    def _job_lost(self, job_id: int, reason: str, max_attempts: int | None = None) -> None:
        self._record(job_id, lambda jobs: jobs.give_up_attempt(job_id, reason, max_attempts))

    def _record(self, job_id: int, change) -> None:
        from .. import jobs
        from ..extensions import db

        try:
            with self.app.app_context():
                change(jobs)
                db.session.remove()
        except Exception:  # the lease will bring it back; the sweeper has the last word
            log.exception("could not record the failure of translation job %s", job_id)
