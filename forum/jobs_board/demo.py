"""Demo content: an open job description in Spanish and a closed one in Portuguese."""
from __future__ import annotations

from datetime import timedelta

from ..extensions import db
from ..models import City, EmploymentType, JobPosting, Thread, User
from . import services
from .validation import today

OPEN_TITLE = "Coordinadora de datos abiertos"
CLOSED_TITLE = "Analista de mobilidade urbana"


def _exists(title: str) -> bool:
    return db.session.execute(db.select(JobPosting.id).join(Thread, Thread.id == JobPosting.thread_id)
                              .where(Thread.title == title)).first() is not None


def _author(users: dict[str, User], language: str) -> User:
    """A member who writes in `language` (the first one found), else any member."""
    members = list(users.values())
    return next((u for u in members if u.language == language), members[0])


def seed(users: dict[str, User], cities: dict[str, City]) -> None:
    """Idempotent: a job description already there (by its title) is not added again."""
    if not users:
        return
    if not _exists(OPEN_TITLE):
        author = _author(users, "es")
        services.create_job(author, OPEN_TITLE, (
            "La ciudad busca una persona que coordine el portal de **datos abiertos**: publicación de "
            "conjuntos de datos, calidad y trabajo con las secretarías.\n\n"
            "- Experiencia con CKAN o similar\n- Conocimientos de SQL\n- Trabajo con equipos de varias áreas"),
            "es", services.JobFields(
                city_id=author.city_id, employment_type=EmploymentType.FULL_TIME, closes_on=today() + timedelta(days=45),
                apply_to="https://empleos.example.org/datos-abiertos", department="Secretaría de Innovación",
                salary_min=42000, salary_max=55000, salary_currency="USD"))
    if not _exists(CLOSED_TITLE):
        author = _author(users, "pt")
        thread = services.create_job(author, CLOSED_TITLE, (
            "Vaga temporária para apoiar o plano de **mobilidade urbana**: contagens de tráfego, "
            "análise de dados de ônibus e participação em audiências públicas."),
            "pt", services.JobFields(
                city_id=author.city_id, employment_type=EmploymentType.CONTRACT, closes_on=today(),
                apply_to="selecao@prefeitura.example.org", department="Secretaria de Mobilidade",
                salary_max=9000, salary_currency="BRL"))
        # Closed: a closing date in the past cannot be entered, so it is moved there after creation.
        posting = services.posting_for_thread(thread.id)
        posting.closes_on = today() - timedelta(days=10)
        db.session.commit()
    del cities  # the authors' own cities are used
