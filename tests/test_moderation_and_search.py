import threading

from forum import jobs
from forum.extensions import db
from forum.models import JobStatus, TranslationJob


def _failed_setup(app, member, make_thread, set_engines):
    from testkit import FakeEngine

    app.config["TRANSLATION_MAX_ATTEMPTS"] = 1
    set_engines([FakeEngine(fail=-1)])
    thread = make_thread(member, title="Fugas", body="Perdemos agua.", language="es")
    jobs.run_pending()
    return thread


def test_moderators_see_failed_translations_and_retry_them(app, client, auth, member, make_user, make_thread,
                                                          set_engines):
    from testkit import FakeEngine

    _failed_setup(app, member, make_thread, set_engines)
    auth.login(make_user(role="moderator"))
    page = client.get("/moderation/translations").get_data(as_text=True)
    assert "engine exploded" in page and "Fugas" in page and "Failed: 2" in page
    set_engines([FakeEngine()])
    assert client.post("/moderation/translations/retry").status_code == 302
    jobs.run_pending()
    db.session.expire_all()
    statuses = set(db.session.execute(db.select(TranslationJob.status)).scalars())
    assert statuses == {JobStatus.DONE}


def test_members_cannot_see_or_retry_failed_translations(app, client, auth, member, make_thread, set_engines):
    _failed_setup(app, member, make_thread, set_engines)
    auth.login(member)
    assert client.get("/moderation/translations").status_code == 403
    assert client.post("/moderation/translations/retry").status_code == 403
    db.session.expire_all()
    assert set(db.session.execute(db.select(TranslationJob.status)).scalars()) == {JobStatus.FAILED}


def test_search_page_finds_a_spanish_post_with_portuguese_words(client, member, make_thread, engine):
    thread = make_thread(member, title="Fugas", body="Perdemos agua en la red.", language="es")
    make_thread(member, title="Other", body="Nothing to see.", language="en")
    jobs.run_pending()
    page = client.get("/search?q=[pt] perdemos&lang=pt").get_data(as_text=True)
    assert "[<mark>pt</mark>] <mark>Perdemos</mark> agua en la red." in page and f"/t/{thread.id}" in page
    assert "Nothing to see." not in page
    assert client.get("/search?q=%00").status_code == 200
    assert client.get("/search").status_code == 200


def test_search_never_shows_deleted_posts(client, member, make_thread):
    from forum.threads import services

    thread = make_thread(member, body="Confidential salary table", replies=0)
    services.delete_post(thread.posts[0])
    assert "Confidential" not in client.get("/search?q=confidential").get_data(as_text=True)


def test_concurrent_workers_claim_each_job_exactly_once(app, member, make_thread, engine):
    for i in range(12):
        make_thread(member, title=f"T{i}", body=f"Body {i}.", language="en")
    claimed: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker():
        try:
            with app.app_context():
                while True:
                    job = jobs.claim()
                    if job is None:
                        break
                    with lock:
                        claimed.append(job.id)
                    db.session.execute(db.update(TranslationJob).where(TranslationJob.id == job.id)
                                       .values(status=JobStatus.DONE))
                    db.session.commit()
                db.session.remove()
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert len(claimed) == len(set(claimed)) == 24
