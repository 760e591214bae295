"""Seed for bench.thread_page: a migrated database with one 10-post Spanish thread, translated."""
from __future__ import annotations

from flask_migrate import upgrade

from bench.posting import SlowEngine
from forum import create_app, jobs
from forum.extensions import db
from forum.models import Category, City, User
from forum.threads import services


def main() -> None:
    app = create_app({"TRANSLATION_ENGINES": [SlowEngine(0)], "TRANSLATION_WORKER": "off"})
    with app.app_context():
        upgrade()
        city = City(name="Monterrey", country="Mexico", default_language="es")
        user = User(email="bench@example.org", display_name="Bench", language="es", city=city, password_hash="x")
        db.session.add(user)
        db.session.commit()
        category = db.session.execute(db.select(Category).filter_by(slug="questions")).scalar_one()
        body = ("Perdemos cerca del **30 %** del agua que bombeamos. Hoy atendemos unas 20,000 fugas al año.\n\n"
                "1. ¿Sectorizaron la red?\n2. ¿Qué sensores usaron?\n\nNuestro tablero: https://agua.example.org")
        thread = services.create_thread(category, user, "¿Cómo redujeron las fugas?", body, "es")
        for i in range(9):
            services.add_reply(thread, user, f"Respuesta {i}: {body}", "es")
        jobs.run_pending()
        db.session.remove()


if __name__ == "__main__":
    main()
