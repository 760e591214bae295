"""The forum's glossary: city names are never translated, and a few civic terms have the
translations the network uses (Apertium alone turns "dashboard" into "salpicadero")."""
from __future__ import annotations

from translation import Glossary

from .extensions import db
from .models import City

PREFERRED = {
    ("en", "es"): {"dashboard": "tablero", "job description": "descripción de puesto", "open data": "datos abiertos",
                   "best practices": "buenas prácticas", "potholes": "baches"},
    ("en", "pt"): {"dashboard": "painel", "job description": "descrição de cargo", "open data": "dados abertos",
                   "best practices": "boas práticas", "potholes": "buracos"},
    ("es", "en"): {"descripción de puesto": "job description", "datos abiertos": "open data",
                   "buenas prácticas": "best practices"},
    ("es", "pt"): {"descripción de puesto": "descrição de cargo", "datos abiertos": "dados abertos",
                   "buenas prácticas": "boas práticas"},
    ("pt", "en"): {"descrição de cargo": "job description", "dados abertos": "open data",
                   "boas práticas": "best practices"},
    ("pt", "es"): {"descrição de cargo": "descripción de puesto", "dados abertos": "datos abiertos",
                   "boas práticas": "buenas prácticas"},
}


def forum_glossary() -> Glossary:
    """Built per job: the network's city names as they are now, plus the preferred terms."""
    cities = db.session.execute(db.select(City.name)).scalars().all()
    # A very short name ("Ita", "Goa" are fine; "A", "Da" are words) would freeze ordinary words.
    return Glossary(keep=[name for name in cities if len(name) >= 3], preferred=PREFERRED)
