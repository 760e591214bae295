"""Demo content for the library: a few of the demo threads promoted by the demo moderators.

Called with the demo seed's members (by e-mail) and cities (by name); running it again adds nothing.
"""
from __future__ import annotations

from ..extensions import db
from ..models import City, LibraryTopic, Thread, User
from . import services

# (thread title in forum/demo_data.py, moderator's e-mail, summary, its language, topic, city name or None)
ENTRIES = [
    ("Boas práticas: faixas exclusivas de ônibus que funcionaram", "marina.souza@curitiba.example.org",
     "Faixas exclusivas com fiscalização por câmera desde o primeiro dia cortaram até 14 minutos por viagem.",
     "pt", LibraryTopic.MOBILITY, "Curitiba"),
    ("¿Cómo redujeron las fugas en la red de agua potable?", "lucia.garza@monterrey.example.org",
     "Sectorizar la red con macromedición y reparar en 48 horas bajó las pérdidas de agua del 38 % al 26 %.",
     "es", LibraryTopic.WATER, "Curitiba"),
    ("Alguém usa sensores para monitorar alagamentos em tempo real?", "marina.souza@curitiba.example.org",
     "Sensores ultrassônicos de nível em arroios custam cerca de USD 4.500 por ponto; a manutenção é o desafio.",
     "pt", LibraryTopic.CLIMATE, "Monterrey"),
    ("Welcome to the network forum", "lucia.garza@monterrey.example.org",
     "How the forum works: write in English, Spanish or Portuguese and everyone reads it in their language.",
     "en", LibraryTopic.DIGITAL_SERVICES, None),
]


def seed(users: dict[str, User], cities: dict[str, City]) -> int:
    """Promote the demo threads that exist and are not in the library yet; returns how many were added."""
    added = 0
    for title, moderator, summary, language, topic, city in ENTRIES:
        thread = db.session.execute(db.select(Thread).filter_by(title=title)).scalars().first()
        if thread is None or moderator not in users or services.entry_for(thread) is not None:
            continue
        first = services.first_post(thread)
        if first is None or first.is_deleted or first.is_hidden:
            continue
        city_row = cities.get(city) if city else None
        services.promote(thread, users[moderator], summary, language, topic, city_row.id if city_row else None)
        added += 1
    return added
