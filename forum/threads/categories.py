"""Names of the four kinds of category, in the reader's language."""
from flask_babel import lazy_gettext as _l

from ..models import CategoryKind

NAMES = {
    CategoryKind.QUESTIONS: _l("Questions"),
    CategoryKind.JOBS: _l("Job descriptions"),
    CategoryKind.BEST_PRACTICES: _l("Best practices"),
    CategoryKind.GENERAL: _l("General"),
}

DESCRIPTIONS = {
    CategoryKind.QUESTIONS: _l("Ask your peers in other cities how they solved a problem."),
    CategoryKind.JOBS: _l("Job descriptions that cities share, to hire and to compare roles."),
    CategoryKind.BEST_PRACTICES: _l("Curated threads on what worked, with numbers."),
    CategoryKind.GENERAL: _l("News, events and everything else."),
}
