"""Translate-on-write benchmark: posting latency with translations pending, and worker throughput.

    python -m bench.posting            (make bench runs it after the translation benchmark)

1. Latency of a reply POST (Flask test client, SQLite file, the embedded worker process) with
   no translation at all, and with every post queuing two jobs for a slow engine (1 s per
   call) that keeps the worker busy the whole time: the request must not wait.
2. Throughput of `flask translation worker --burst` processes with Apertium (a real engine)
   on varied Spanish posts: one worker against two, on the same database.
"""
from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import product
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class SlowEngine:
    name = "slow"

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def status(self):
        from translation import EngineStatus

        return EngineStatus(self.name, True)

    def pairs(self):
        from translation import PairInfo

        langs = ("en", "es", "pt")
        return [PairInfo(s, t, self.name, "1") for s in langs for t in langs if s != t]

    def translate(self, texts, source, target):
        time.sleep(self.seconds)
        return [f"[{target}] {t}" for t in texts]


def _app(db_path: Path, **config):
    from flask_migrate import upgrade

    from forum import create_app
    from forum.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}", "SECRET_KEY": "bench",
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, **config})
    with app.app_context():
        upgrade()
        db.session.remove()
    return app


BENCH_EMAIL, BENCH_PASSWORD = "bench@example.org", "bench password 1"


def seed_thread(title: str, body: str):
    """In an app context: a Spanish-speaking member and a thread of theirs in Questions."""
    from forum.extensions import db
    from forum.models import Category, City, User
    from forum.threads import services

    city = City(name="Bench", country="Nowhere", default_language="es")
    user = User(email=BENCH_EMAIL, display_name="Bench", language="es", city=city)
    user.set_password(BENCH_PASSWORD)
    db.session.add(user)
    db.session.commit()
    category = db.session.execute(db.select(Category).filter_by(slug="questions")).scalar_one()
    return services.create_thread(category, user, title, body, "es")


def _seed_member(app):
    with app.app_context():
        return seed_thread("Hilo de prueba", "Primer mensaje.").id


def _post_latencies(app, thread_id: int, n: int) -> list[float]:
    client = app.test_client()
    client.post("/login", data={"email": BENCH_EMAIL, "password": BENCH_PASSWORD})
    latencies = []
    for i in range(n):
        started = time.perf_counter()
        response = client.post(f"/t/{thread_id}/reply", data={"body": f"Respuesta número {i} sobre las fugas.",
                                                               "language": "es"})
        latencies.append(time.perf_counter() - started)
        assert response.status_code == 302, response.status_code
    return latencies


def posting_latency(n: int = 40) -> dict:
    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, config in (
            ("no translation", {"TRANSLATION_WORKER": "off", "TRANSLATION_ENGINES": []}),
            ("2 jobs per post, slow engine busy (1 s/call)",
             {"TRANSLATION_WORKER": "process", "TRANSLATION_ENGINES": [SlowEngine(1.0)],
              "TRANSLATION_POLL_SECONDS": 0.5}),
        ):
            app = _app(Path(tmp) / f"{len(results)}.db", **config)
            thread_id = _seed_member(app)
            latencies = _post_latencies(app, thread_id, n)
            results[label] = latencies
            from forum.workers.embedded import embedded_worker

            embedded_worker(app).stop(grace=0.1)
    return results


SUBJECTS = ["La ciudad", "El equipo de agua", "La alcaldía", "Nuestro municipio", "La oficina de datos",
            "El consejo", "La secretaría de movilidad", "El área de presupuesto"]
VERBS = ["redujo", "publicó", "mejoró", "midió", "revisó", "aprobó"]
OBJECTS = ["las fugas de la red", "el informe anual", "los tiempos de reparación", "el plan de movilidad",
           "la calidad del aire", "los contratos de obra", "el mapa de riesgos", "las rutas de autobús"]


def _varied_posts(count: int) -> list[str]:
    sentences = [f"{s} {v} {o} este año." for s, v, o in product(SUBJECTS, VERBS, OBJECTS)]
    per_post = 4
    return [" ".join(sentences[i * per_post:(i + 1) * per_post]) + "\n\n¿Qué opinan ustedes?"
            for i in range(count)]


def worker_throughput(posts: int = 36) -> dict:
    if shutil.which("apertium") is None:
        return {}
    results = {}
    for workers in (1, 2):
        with tempfile.TemporaryDirectory() as tmp:
            db_path = Path(tmp) / "forum.db"
            app = _app(db_path, TRANSLATION_WORKER="off", TRANSLATION_ENGINES=[])
            from forum.extensions import db
            from forum.threads import services

            with app.app_context():
                thread = seed_thread("Hilo", "Inicio.")
                for body in _varied_posts(posts):
                    services.add_reply(thread, thread.author, body, "es")
                db.session.remove()
            env = {**os.environ, "DATABASE_URL": f"sqlite:///{db_path}", "ARGOS_DATA_DIR": str(Path(tmp) / "argos"),
                   "SECRET_KEY": "bench", "TRANSLATION_WORKER": "process", "PYTHONPATH": str(ROOT)}
            env.pop("REDIS_URL", None)
            flask = [sys.executable, "-m", "flask", "--app", "wsgi", "translation", "worker", "--burst"]
            started = time.perf_counter()
            procs = [subprocess.Popen(flask, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                     for _ in range(workers)]
            for proc in procs:
                proc.wait()
            elapsed = time.perf_counter() - started
            with app.app_context():
                from forum.models import JobStatus, TranslationJob

                states = dict(db.session.execute(db.select(TranslationJob.status, db.func.count())
                                                 .group_by(TranslationJob.status)).all())
                db.session.remove()
            if set(states) != {JobStatus.DONE}:
                raise RuntimeError(f"not every job finished: {states}")
            results[workers] = (states[JobStatus.DONE], elapsed)
    return results


def main() -> None:
    print("Posting latency (reply POST, test client, SQLite):")
    latency = posting_latency()
    base = statistics.median(latency["no translation"])
    for label, values in latency.items():
        values = sorted(values)
        p50, p95 = statistics.median(values), values[int(len(values) * 0.95) - 1]
        print(f"  {label:48} p50 {p50 * 1000:6.1f} ms  p95 {p95 * 1000:6.1f} ms  ({p50 / base:.2f}x)")
    print("Worker throughput (Apertium es->en and es->pt, `flask translation worker --burst`):")
    throughput = worker_throughput()
    if not throughput:
        print("  Apertium not installed: skipped")
    for workers, (count, elapsed) in throughput.items():
        print(f"  {workers} worker{'s' if workers > 1 else ' '}: {count} jobs in {elapsed:5.1f} s "
              f"= {count / elapsed:5.2f} jobs/s  ({(count / elapsed) / (throughput[1][0] / throughput[1][1]):.2f}x)")


if __name__ == "__main__":
    main()
