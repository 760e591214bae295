"""Translation workers with real components: the built Argos model, Apertium, RQ on Redis,
and a worker process killed with SIGKILL in the middle of a job."""
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from testkit import ROOT, skip_or_fail
from forum import jobs
from testkit import stored_jobs as _jobs, stored_translation as _translation
from forum.extensions import db
from forum.models import JobStatus, PostTranslation


@pytest.fixture(scope="session")
def tiny_argos_model() -> Path:
    from argos_model import build_tiny_argos_package

    cache = Path(os.environ.get("TINY_ARGOS_CACHE", ROOT / ".cache" / "argos-test"))
    return build_tiny_argos_package(cache, "en", "es")


@pytest.mark.argos
def test_backlog_runs_once_a_real_argos_model_is_installed(app, runner, member, make_thread, tiny_argos_model):
    app.config["TRANSLATION_ENGINES"] = None  # the configured engines: Argos (none yet), no Apertium
    app.config["APERTIUM_ENABLED"] = False
    app.extensions.pop("forum_translator", None)
    thread = make_thread(member, title="Thank you for the help.",
                         body="How did you reduce water leaks?\n\nWe replaced the old pipes.", language="en")
    post_id = thread.posts[0].id
    assert jobs.run_pending() == 0  # no engine: the jobs wait
    assert {j.status for j in _jobs()} == {JobStatus.PENDING}

    result = runner.invoke(args=["translation", "install", str(tiny_argos_model)])
    assert result.exit_code == 0, result.output
    assert jobs.run_pending() == 1  # en->es now has an engine; en->pt still waits
    spanish = _translation(post_id, "es")
    assert spanish.body == "¿Cómo redujeron las fugas de agua?\n\nReemplazamos las tuberías viejas."
    assert spanish.title == "Gracias por la ayuda."
    assert spanish.engine == "argos" and spanish.model_version
    assert {(j.target_language, j.status) for j in _jobs()} == {("es", JobStatus.DONE), ("pt", JobStatus.PENDING)}


@pytest.mark.apertium
def test_spanish_post_reaches_portuguese_readers_through_apertium(app, client, member, make_thread):
    if shutil.which("apertium") is None:
        skip_or_fail("Apertium is not installed (apt-get install apertium apertium-eng-spa apertium-es-pt)")
    app.config["TRANSLATION_ENGINES"] = None
    app.config["APERTIUM_ENABLED"] = True
    app.extensions.pop("forum_translator", None)
    thread = make_thread(member, title="Gracias por la ayuda", body="La ciudad tiene un problema con el agua.",
                         language="es")
    assert jobs.run_pending() == 2
    portuguese = _translation(thread.posts[0].id, "pt")
    assert portuguese.engine == "apertium"
    assert "cidade" in portuguese.body.lower() and "água" in portuguese.body.lower()
    page = client.get(f"/t/{thread.id}?lang=pt").get_data(as_text=True)
    assert portuguese.body_html in page and "La ciudad tiene un problema con el agua." in page


# --- RQ on Redis ----------------------------------------------------------------------------

@pytest.fixture
def rq_app(app, redis_url, engine):
    app.config.update(REDIS_URL=redis_url, TRANSLATION_WORKER="rq")
    jobs.set_worker_app(app)
    yield app
    jobs.set_worker_app(None)


def _rq_burst(app) -> None:
    from rq import SimpleWorker

    queue = jobs.rq_queue(app)
    SimpleWorker([queue], connection=queue.connection).work(burst=True, with_scheduler=False)
    queue.connection.close()


@pytest.mark.redis
def test_rq_workers_translate_dispatched_jobs(rq_app, client, auth, member):
    auth.login(member)
    client.post("/c/questions/new", data={"title": "Leaks", "body": "How do you fix leaks?", "language": "en"})
    assert jobs.rq_queue(rq_app).count == 2
    assert all(j.dispatched_at is not None for j in _jobs())
    _rq_burst(rq_app)
    assert {j.status for j in _jobs()} == {JobStatus.DONE}


@pytest.mark.redis
def test_a_flushed_redis_loses_nothing(rq_app, client, auth, member, engine):
    from redis import Redis

    auth.login(member)
    client.post("/c/questions/new", data={"title": "Leaks", "body": "How do you fix leaks?", "language": "en"})
    Redis.from_url(rq_app.config["REDIS_URL"]).flushdb()
    _rq_burst(rq_app)
    assert {j.status for j in _jobs()} == {JobStatus.PENDING}  # the wake-ups are gone, the rows are not
    assert jobs.sweep(redispatch_after=0) == (0, 2)
    _rq_burst(rq_app)
    assert {j.status for j in _jobs()} == {JobStatus.DONE}
    assert len(engine.calls) == 4  # two languages, body and title: each translated once


@pytest.mark.redis
def test_a_job_delivered_twice_by_rq_is_stored_once(rq_app, client, auth, member, engine):
    auth.login(member)
    client.post("/c/questions/new", data={"title": "Leaks", "body": "How do you fix leaks?", "language": "en"})
    jobs.sweep(redispatch_after=0)  # every job is now in the queue twice
    assert jobs.rq_queue(rq_app).count == 4
    _rq_burst(rq_app)
    assert len(engine.calls) == 4
    assert db.session.execute(db.select(db.func.count(PostTranslation.id))).scalar() == 2


def test_with_redis_down_posting_still_works_and_jobs_wait(app, client, auth, member, engine):
    app.config.update(REDIS_URL="redis://127.0.0.1:1/0", TRANSLATION_WORKER="rq")  # nothing listens there
    auth.login(member)
    response = client.post("/c/questions/new", data={"title": "Leaks", "body": "How do you fix leaks?",
                                                      "language": "en"})
    assert response.status_code == 302
    assert client.get(response.headers["Location"]).status_code == 200
    assert {(j.status, j.dispatched_at) for j in _jobs()} == {(JobStatus.PENDING, None)}


# --- a worker killed with SIGKILL ---------------------------------------------------------------

WORKER_SCRIPT = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from forum import create_app, jobs

    class StuckEngine:
        name = "fake"
        def status(self):
            from translation import EngineStatus
            return EngineStatus("fake", True)
        def pairs(self):
            from translation import PairInfo
            return [PairInfo("en", t, "fake", "1.0") for t in ("es", "pt")]
        def translate(self, texts, source, target):
            Path(sys.argv[2]).write_text("inside the engine")
            time.sleep(120)

    app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "SECRET_KEY": "x", "TRANSLATION_WORKER": "off",
                      "TRANSLATION_ENGINES": [StuckEngine()], "TRANSLATION_LEASE_SECONDS": 1,
                      "TRANSLATION_JOB_TIME_LIMIT": 0.5})
    with app.app_context():
        jobs.run_pending()
""")


def test_a_worker_killed_mid_job_loses_nothing_and_duplicates_nothing(app, member, make_thread, engine, tmp_path):
    post = make_thread(member, body="Hello.", language="en").posts[0]
    script, marker = tmp_path / "worker.py", tmp_path / "inside-engine"
    script.write_text(WORKER_SCRIPT)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    worker = subprocess.Popen([sys.executable, str(script), app.config["SQLALCHEMY_DATABASE_URI"], str(marker)],
                              cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        for _ in range(300):  # bounded wait for the worker to be inside the engine
            if marker.exists() or worker.poll() is not None:
                break
            time.sleep(0.1)
        assert marker.exists(), worker.communicate(timeout=5)[0].decode()[-2000:]
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.communicate(timeout=30)
    running = [j for j in _jobs() if j.status is JobStatus.RUNNING]
    assert len(running) == 1 and running[0].attempts == 1
    for _ in range(100):  # the 1-second lease runs out; the sweeper notices
        if jobs.sweep()[0]:
            break
        time.sleep(0.1)
    jobs.run_pending()
    assert [(j.status, j.attempts) for j in _jobs() if j.id == running[0].id] == [(JobStatus.DONE, 2)]
    assert {j.status for j in _jobs()} == {JobStatus.DONE}
    rows = db.session.execute(db.select(PostTranslation).filter_by(post_id=post.id)).scalars().all()
    assert sorted(r.language for r in rows) == ["es", "pt"]
