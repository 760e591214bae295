"""Demo content: one answered question (a reply accepted by its asker) and one still unanswered.

Called with the demo members (forum/demo_data.py's e-mails as keys) after they exist; running it
again adds nothing twice (threads are recognised by their title).
"""
from __future__ import annotations

from ..extensions import db
from ..models import Category, City, Thread, User
from ..threads import services as threads
from . import services

ANSWERED = {
    "title": "¿Qué sistema usan para las solicitudes ciudadanas (311)?",
    "language": "es",
    "author": "andres.rios@medellin.example.org",
    "body": """En Medellín recibimos unas 4.000 solicitudes por semana (baches, alumbrado, basuras) por teléfono,
web y WhatsApp, y cada secretaría las lleva en su propia hoja de cálculo.

¿Qué sistema usan ustedes para centralizarlas y medir el tiempo de respuesta?""",
    "replies": [
        ("sam.carter@tucson.example.org", "en",
         """Tucson moved to an open-source 311 platform three years ago. Every request gets one ticket,
whatever the channel, and each department works from the same queue.

- Median time to close a pothole request went from 11 days to 4
- We publish the open tickets as open data every night

The biggest win was one definition of "closed" for every department."""),
        ("joao.lima@recife.example.org", "pt",
         "Em Recife usamos um sistema próprio, mas estamos avaliando migrar. Também queremos ver os números."),
    ],
    "accepted": 0,  # the index of the accepted reply
}

UNANSWERED = {
    "title": "How do you publish procurement contracts as open data?",
    "language": "en",
    "author": "priya.nair@halifax.example.org",
    "body": """Halifax wants to publish every signed contract over $25,000 with its amendments.
Which format do you use (OCDS?), and how do you handle redactions of personal data?""",
    "replies": [
        ("marina.souza@curitiba.example.org", "pt",
         "Boa pergunta! Curitiba publica só os editais por enquanto; vou perguntar à equipe de compras."),
    ],
    "accepted": None,
}


def seed(users: dict[str, User], cities: dict[str, City] | None = None) -> None:
    questions = db.session.execute(db.select(Category).filter_by(slug="questions")).scalar_one()
    for spec in (ANSWERED, UNANSWERED):
        if db.session.execute(db.select(Thread.id).filter_by(title=spec["title"])).first():
            continue
        asker = users[spec["author"]]
        thread = threads.create_thread(questions, asker, spec["title"], spec["body"], spec["language"])
        replies = [threads.add_reply(thread, users[email], body, language)
                   for email, language, body in spec["replies"]]
        if spec["accepted"] is not None:
            services.accept(thread, replies[spec["accepted"]], asker)
