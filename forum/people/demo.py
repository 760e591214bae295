"""Demo positions and departments for the demo members (forum/demo_data.py's e-mails as keys).

`flask demo seed` calls `seed(users, cities)` after creating the members. Idempotent: a member who
already has a position or department (set by the member, or by an earlier run) is left alone.
"""
from __future__ import annotations

from ..extensions import db
from ..models import City, User

# e-mail -> (position, department), in the member's own language.
PROFILES = {
    "admin@network.example.org": ("Network coordinator", "Secretariat"),
    "lucia.garza@monterrey.example.org": ("Directora de Operación Hidráulica", "Servicios de Agua y Drenaje"),
    "andres.rios@medellin.example.org": ("Profesional de Movilidad", "Secretaría de Movilidad"),
    "marina.souza@curitiba.example.org": ("Coordenadora de Dados Abertos", "Instituto de Pesquisa e Planejamento"),
    "joao.lima@recife.example.org": ("Analista de Orçamento", "Secretaria de Finanças"),
    "sam.carter@tucson.example.org": ("Water Conservation Manager", "Tucson Water"),
    "priya.nair@halifax.example.org": ("Senior Planner", "Planning and Development"),
}


def seed(users: dict[str, User], cities: dict[str, City] | None = None) -> None:
    changed = False
    for email, (position, department) in PROFILES.items():
        user = users.get(email)
        if user is None or user.position or user.department:
            continue
        user.position, user.department = position, department
        changed = True
    if changed:
        db.session.commit()
