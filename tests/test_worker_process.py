"""Translation jobs run outside the web process's interpreter, each under a wall-clock limit.

The engines here (testkit.StuckEngine, GatedEngine) are handed to a real worker process:
one is stuck in a regex inside C code, holding its GIL and deaf to signals, as the old
code-span pattern was on "Hola " + "`" * 100; one waits for a file the test writes; one
makes its process die mid-job.
"""
from __future__ import annotations

import os
import time

import pytest

from testkit import GatedEngine, StuckEngine, stored_jobs, use_engines
from forum.models import JobStatus
from forum.workers.embedded import embedded_worker

FAILED_BADGE = "Translation failed; showing the original"


def _wait_for(predicate, seconds: float = 60, step: float = 0.1):
    """Bounded polling (never a timing assertion): the value once predicate() is truthy."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()


@pytest.fixture
def embedded(app):
    """The app in its default mode: the web starts a worker process with its first request."""
    app.config.update(TRANSLATION_WORKER="process", TRANSLATION_POLL_SECONDS=0.2,
                      TRANSLATION_JOB_TIME_LIMIT=2, TRANSLATION_MAX_ATTEMPTS=1)
    yield app
    supervisor = embedded_worker(app)
    supervisor.stop(grace=1)
    assert supervisor.horse_pid is None


def _reply(client, thread, body: str, language: str = "en") -> int:
    response = client.post(f"/t/{thread.id}/reply", data={"body": body, "language": language})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return int(response.headers["Location"].rsplit("#post-", 1)[1])


def _jobs_of(post_id: int, status: JobStatus | None = None):
    return [j for j in stored_jobs(post_id) if status is None or j.status is status]


def test_a_job_stuck_holding_the_gil_never_stalls_the_web_and_is_stopped(
        embedded, client, auth, member, make_thread):
    use_engines(embedded, [StuckEngine()])
    thread = make_thread(member, title="Fugas", body="Hola.", language="es")
    auth.login(member)
    stuck_post = _reply(client, thread, "HANG " + "`" * 100, language="es")
    assert _wait_for(lambda: _jobs_of(stuck_post, JobStatus.RUNNING)), stored_jobs()
    supervisor = embedded_worker(embedded)
    assert supervisor.horse_pid not in (None, os.getpid())

    # The worker is inside a regex that never returns; the web still answers every request.
    for _ in range(20):
        assert client.get(f"/t/{thread.id}").status_code == 200
    assert _jobs_of(stuck_post, JobStatus.RUNNING)

    # Past the 2 s limit the worker is killed; the job fails like any error (1 attempt here),
    # then the other language's job does the same.
    failed = _wait_for(lambda: len(_jobs_of(stuck_post, JobStatus.FAILED)) == 2, seconds=90)
    assert failed, [(j.status, j.last_error) for j in stored_jobs(stuck_post)]
    assert all("time limit exceeded (2 s)" in j.last_error for j in stored_jobs(stuck_post))
    assert supervisor.restarts >= 2  # a fresh worker process after each stopped job

    # The post is shown in its original, with the failed badge.
    page = client.get(f"/t/{thread.id}?lang=en").get_data(as_text=True)
    assert page.count(FAILED_BADGE) == 1 and "HANG" in page

    # A fresh worker translates the next post.
    next_post = _reply(client, thread, "How do you fix leaks?")
    assert _wait_for(lambda: len(_jobs_of(next_post, JobStatus.DONE)) == 2), stored_jobs(next_post)


def test_posting_returns_while_the_worker_is_inside_a_slow_engine(embedded, client, auth, member, make_thread,
                                                                  tmp_path):
    started, gate = tmp_path / "started", tmp_path / "gate"
    use_engines(embedded, [GatedEngine(str(started), str(gate))])
    embedded.config["TRANSLATION_JOB_TIME_LIMIT"] = 60
    auth.login(member)
    response = client.post("/c/questions/new", data={"title": "Leaks", "body": "How do you fix leaks?",
                                                      "language": "en"})
    assert response.status_code == 302              # answered...
    assert _wait_for(started.exists, seconds=30)     # ...while the worker is inside the engine
    assert {j.status for j in stored_jobs()} >= {JobStatus.RUNNING}
    assert client.get(response.headers["Location"]).status_code == 200
    gate.write_text("go")
    assert _wait_for(lambda: {j.status for j in stored_jobs()} == {JobStatus.DONE}), stored_jobs()


def test_a_worker_process_that_dies_mid_job_is_replaced_and_the_job_retried(embedded, client, auth, member,
                                                                            make_thread, tmp_path):
    started, gate = tmp_path / "started", tmp_path / "gate"
    gate.write_text("open")
    use_engines(embedded, [GatedEngine(str(started), str(gate), die_on="DIE")])
    embedded.config["TRANSLATION_MAX_ATTEMPTS"] = 2
    thread = make_thread(member, title="Fugas", body="Hello.", language="en")
    auth.login(member)
    dying = _reply(client, thread, "DIE now")
    assert _wait_for(lambda: len(_jobs_of(dying, JobStatus.FAILED)) == 2, seconds=90), stored_jobs(dying)
    assert all(j.attempts == 2 and "the worker process died (exit code 3)" in j.last_error
               for j in stored_jobs(dying))
    healthy = _reply(client, thread, "Fine now")
    assert _wait_for(lambda: len(_jobs_of(healthy, JobStatus.DONE)) == 2), stored_jobs(healthy)


def test_a_post_written_outside_a_request_wakes_the_running_worker(embedded, client, member, make_thread):
    use_engines(embedded, [StuckEngine()])
    embedded.config["TRANSLATION_POLL_SECONDS"] = 120  # only a wake-up can explain a prompt translation
    assert client.get("/").status_code == 200  # the first request starts the worker
    supervisor = embedded_worker(embedded)
    assert _wait_for(lambda: supervisor.horse_pid, seconds=30)
    time.sleep(0.5)  # let it finish its first round and go to sleep
    post_id = make_thread(member, title="Leaks", body="Written by a command.", language="en").first_post_id
    assert _wait_for(lambda: len(_jobs_of(post_id, JobStatus.DONE)) == 2, seconds=60), stored_jobs(post_id)


@pytest.mark.parametrize("mode", ["process", "rq"])
def test_the_worker_command_stops_a_stuck_job_at_the_limit(app, runner, member, make_thread, mode, request):
    if mode == "rq":
        redis_url = request.getfixturevalue("redis_url")
        app.config.update(REDIS_URL=redis_url, TRANSLATION_WORKER="rq")
    use_engines(app, [StuckEngine()])
    app.config.update(TRANSLATION_JOB_TIME_LIMIT=1, TRANSLATION_MAX_ATTEMPTS=5)
    post_id = make_thread(member, title="Fugas", body="HANG", language="es").first_post_id
    result = runner.invoke(args=["translation", "worker", "--burst"])
    assert result.exit_code == 0, result.output
    jobs = stored_jobs(post_id)
    assert [j.status for j in jobs] == [JobStatus.FAILED] * 2, [(j.status, j.last_error) for j in jobs]
    assert all("time limit exceeded (1 s)" in j.last_error for j in jobs)
    # An overrun is tried once more, not five times: one post cannot hold the worker for long.
    assert [j.attempts for j in jobs] == [2, 2]


def test_stopping_the_worker_mid_job_gives_the_job_back_unspent(embedded, client, auth, member, tmp_path):
    started, gate = tmp_path / "started", tmp_path / "gate"  # the gate never opens
    use_engines(embedded, [GatedEngine(str(started), str(gate))])
    embedded.config["TRANSLATION_JOB_TIME_LIMIT"] = 60
    auth.login(member)
    client.post("/c/questions/new", data={"title": "Leaks", "body": "How do you fix leaks?", "language": "en"})
    assert _wait_for(started.exists, seconds=30)
    embedded_worker(embedded).stop(grace=0.5)  # a shutdown: the job cannot finish in time
    running = [j for j in stored_jobs() if j.attempts or j.status is not JobStatus.PENDING]
    assert running == [], [(j.status, j.attempts, j.last_error) for j in stored_jobs()]
    assert any(j.last_error == "the worker was stopped" for j in stored_jobs())


def test_a_process_squatting_the_wake_up_address_cannot_stop_translation(embedded, client, member, make_thread):
    """Anyone on the machine can bind an abstract socket address; the active worker is chosen by
    a private lock file instead, and without its wake-ups it still polls."""
    import socket

    from forum.workers.wakeup import address

    use_engines(embedded, [StuckEngine()])
    squatter = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    squatter.bind(address(embedded.config["SQLALCHEMY_DATABASE_URI"]))
    try:
        post_id = make_thread(member, title="Leaks", body="Still translated.", language="en").first_post_id
        assert client.get("/").status_code == 200  # starts the worker
        assert _wait_for(lambda: len(_jobs_of(post_id, JobStatus.DONE)) == 2, seconds=60), stored_jobs(post_id)
    finally:
        squatter.close()


def test_two_web_processes_run_one_active_worker(embedded, make_app, member, make_thread):
    """A second app (another web process on the same database) starts a worker that stands by."""
    use_engines(embedded, [StuckEngine()])
    other = make_app(TRANSLATION_WORKER="process", TRANSLATION_POLL_SECONDS=0.2, TRANSLATION_ENGINES=[StuckEngine()])
    first, second = embedded_worker(embedded), embedded_worker(other)
    first.start()
    second.start()
    try:
        assert _wait_for(lambda: first.horse_pid and second.horse_pid, seconds=30)
        post_id = make_thread(member, title="Leaks", body="Once.", language="en").first_post_id
        assert _wait_for(lambda: len(_jobs_of(post_id, JobStatus.DONE)) == 2, seconds=60)
        assert all(j.attempts == 1 for j in stored_jobs(post_id))
        first.stop(grace=1)  # the active one goes away: the other takes over
        later = make_thread(member, title="Leaks", body="Again.", language="en").first_post_id
        assert _wait_for(lambda: len(_jobs_of(later, JobStatus.DONE)) == 2, seconds=60), stored_jobs(later)
    finally:
        second.stop(grace=1)
