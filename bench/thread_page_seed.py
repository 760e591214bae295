"""Seed for bench.thread_page: a migrated database with one 10-post Spanish thread, translated."""
from __future__ import annotations

from flask_migrate import upgrade

from bench.posting import SlowEngine, seed_thread
from forum import create_app, jobs
from forum.extensions import db
from forum.threads import services


def main() -> None:
    app = create_app({"TRANSLATION_ENGINES": [SlowEngine(0)], "TRANSLATION_WORKER": "off"})
    with app.app_context():
        upgrade()
        body = ("Perdemos cerca del **30 %** del agua que bombeamos. Hoy atendemos unas 20,000 fugas al año.\n\n"
                "1. ¿Sectorizaron la red?\n2. ¿Qué sensores usaron?\n\nNuestro tablero: https://agua.example.org")
        thread = seed_thread("¿Cómo redujeron las fugas?", body)
        for i in range(9):
            services.add_reply(thread, thread.author, f"Respuesta {i}: {body}", "es")
        jobs.run_pending()
        db.session.remove()


if __name__ == "__main__":
    main()
