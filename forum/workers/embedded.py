"""The embedded worker: started by the web process with its first request, stopped at exit."""
from __future__ import annotations

import atexit
import os

from flask import Flask

from .supervisor import Supervisor

_EXTENSION = "forum_embedded_worker"


def embedded_worker(app: Flask) -> Supervisor:
    """This process's supervisor (a forked web worker gets its own, not its parent's)."""
    entry = app.extensions.get(_EXTENSION)
    if entry is None or entry[0] != os.getpid():
        entry = (os.getpid(), Supervisor(app, "embedded"))
        app.extensions[_EXTENSION] = entry
    return entry[1]


def ensure_running(app: Flask) -> None:
    supervisor = embedded_worker(app)
    if not supervisor.running:
        if not supervisor.restarts and supervisor.horse_pid is None:
            atexit.register(supervisor.stop)  # the horse goes when the web process goes
        supervisor.start()


def start_with_first_request(app: Flask) -> None:
    from ..jobs import worker_mode

    @app.before_request
    def _ensure_worker() -> None:
        if worker_mode(app) == "process":
            ensure_running(app)
