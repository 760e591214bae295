"""Demo content for corrections and reader controls: a moderator's Portuguese translation of the first
water question (shown "reviewed" to Portuguese readers), and a member who reads Portuguese. Idempotent."""
from __future__ import annotations

from ..extensions import db
from ..models import City, Thread, User
from . import services

QUESTION_TITLE = "¿Cómo redujeron las fugas en la red de agua potable?"
CORRECTOR = "marina.souza@curitiba.example.org"   # a moderator who reads Portuguese
READER = "andres.rios@medellin.example.org"       # reads Portuguese: Curitiba's replies stay in the original

TITLE_PT = "Como vocês reduziram os vazamentos na rede de água potável?"
BODY_PT = """Em Monterrey perdemos cerca de **30 %** da água que bombeamos. Hoje atendemos umas 20.000
vazamentos informados por ano e o tempo médio de reparo é de 9 dias.

Gostaria de saber de cidades que tenham reduzido esses números:

1. Vocês setorizaram a rede em distritos de medição?
2. Que sensores usaram para detectar vazamentos não visíveis?
3. Como priorizam os reparos?

Nosso painel público está em https://agua.monterrey.example.org/fugas, se quiserem comparar."""


def seed(users: dict[str, User], cities: dict[str, City]) -> None:
    reader = users.get(READER)
    if reader is not None and not reader.read_languages:
        reader.read_languages = "pt"
        db.session.commit()
    corrector = users.get(CORRECTOR)
    thread = db.session.execute(db.select(Thread).filter_by(title=QUESTION_TITLE).order_by(Thread.id)).scalars().first()
    if corrector is None or thread is None or thread.first_post_id is None:
        return
    post = thread.posts[0]
    if post.language == "pt" or services.correction_of(post, "pt") is not None:
        return
    services.save(post, corrector, "pt", BODY_PT, TITLE_PT)
