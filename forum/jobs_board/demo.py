"""Demo content: an open job description in Spanish and a closed one in Portuguese, and job fields for
the demo's two job threads (forum/demo_data.py) when they are there without any."""
from __future__ import annotations

from datetime import timedelta

from .. import jobs
from ..extensions import db
from ..models import City, EmploymentType, JobPosting, Post, Thread, User, utcnow
from . import services
from .services import DEPARTMENT, JobFields
from .validation import today

OPEN_TITLE = "Coordinadora de datos abiertos"
CLOSED_TITLE = "Analista de mobilidade urbana"
# forum/demo_data.py's job threads, with the fields their text gives.
DEMO_THREADS = {
    "Job description: Senior Data Analyst, Office of Performance": dict(
        employment_type=EmploymentType.FULL_TIME, days=60, apply_to="performance@tucson.example.org",
        department="Office of Performance", salary_min=72000, salary_max=91000, salary_currency="USD"),
    "Descripción de puesto: Coordinador/a de Movilidad Urbana": dict(
        employment_type=EmploymentType.FULL_TIME, days=30, apply_to="https://empleos.medellin.example.org/movilidad",
        department="Secretaría de Movilidad"),
}


def _exists(title: str) -> bool:
    return db.session.execute(db.select(JobPosting.id).join(Thread, Thread.id == JobPosting.thread_id)
                              .where(Thread.title == title)).first() is not None


def _author(users: dict[str, User], email: str, language: str) -> User:
    """The demo member with this e-mail, else one who writes in `language`, else anyone."""
    members = list(users.values())
    return users.get(email) or next((u for u in members if u.language == language), members[0])


def seed(users: dict[str, User], cities: dict[str, City]) -> None:
    """Idempotent: a job description already there (by its title) is not added again."""
    if not users:
        return
    if not _exists(OPEN_TITLE):
        author = _author(users, "lucia.garza@monterrey.example.org", "es")
        services.create_job(author, OPEN_TITLE, (
            "La ciudad busca una persona que coordine el portal de **datos abiertos**: publicación de "
            "conjuntos de datos, calidad y trabajo con las secretarías.\n\n"
            "- Experiencia con CKAN o similar\n- Conocimientos de SQL\n- Trabajo con equipos de varias áreas"),
            "es", JobFields(
                city_id=author.city_id, employment_type=EmploymentType.FULL_TIME, closes_on=today() + timedelta(days=45),
                apply_to="https://empleos.example.org/datos-abiertos", department="Secretaría de Innovación",
                salary_min=42000, salary_max=55000, salary_currency="MXN"))
    if not _exists(CLOSED_TITLE):
        author = _author(users, "joao.lima@recife.example.org", "pt")
        thread = services.create_job(author, CLOSED_TITLE, (
            "Vaga temporária para apoiar o plano de **mobilidade urbana**: contagens de tráfego, "
            "análise de dados de ônibus e participação em audiências públicas."),
            "pt", JobFields(
                city_id=author.city_id, employment_type=EmploymentType.CONTRACT, closes_on=today(),
                apply_to="selecao@prefeitura.example.org", department="Secretaria de Mobilidade",
                salary_max=9000, salary_currency="BRL"))
        # Closed: a closing date in the past cannot be entered, so it is moved there after creation.
        services.posting_for_thread(thread.id).closes_on = today() - timedelta(days=10)
        db.session.commit()
    for title, spec in DEMO_THREADS.items():
        _attach(title, dict(spec))
    del cities  # each job is in its author's city


def _attach(title: str, spec: dict) -> None:
    """Job fields for a demo thread of the Jobs category that has none yet."""
    thread = db.session.execute(db.select(Thread).filter_by(title=title)).scalars().first()
    if thread is None or thread.first_post_id is None or services.posting_for_thread(thread.id) is not None:
        return
    now = utcnow()
    days = spec.pop("days")
    db.session.add(JobPosting(thread_id=thread.id, city_id=thread.author.city_id, closes_on=today() + timedelta(days=days),
                              created_at=now, updated_at=now, **spec))
    queued = jobs.enqueue_field(db.session.get(Post, thread.first_post_id), DEPARTMENT)
    db.session.commit()
    jobs.dispatch(job.id for job in queued)
