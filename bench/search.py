"""Search benchmark (make bench): search latency on 100,000 posts, and what indexing costs a post.

    python -m bench.search                 (BENCH_SEARCH_POSTS=20000 for a quicker run)

For SQLite (a file) and PostgreSQL (BENCH_POSTGRES_URL, default the local `bench_search` database,
created if missing; skipped with a message when no server answers):
1. 100,000 generated posts in 10,000 threads, a third each in English, Spanish and Portuguese, each
   with its two translations (word-for-word from a shared vocabulary, so a query in one language
   finds posts written in the others): 300,000 search documents, indexed by the forum's own code.
2. p50 and p95 of a whole search (forum.search.results.search: the engine's query, the posts in
   the reader's language, snippets) for one-word, two-word and phrase queries.
3. Posting p50 (forum.threads.services.add_reply, with its translation jobs) with the search index
   kept in step and with it switched off, interleaved in one run: what indexing adds to a post.
Results go to the terminal and to docs/search-benchmark.md.
"""
from __future__ import annotations

import html
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POSTS = int(os.environ.get("BENCH_SEARCH_POSTS", "100000"))
PER_THREAD = 10
QUERIES = 100
POSTINGS = 100
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/bench_search")

# One meaning per line, in en / es / pt: posts are drawn from these, and translated word for word.
TERMS = """
water agua água|leak fuga vazamento|pipe tubería tubo|meter medidor medidor|network red rede
budget presupuesto orçamento|city ciudad cidade|waste residuos resíduos|recycling reciclaje reciclagem
street calle rua|lighting alumbrado iluminação|traffic tránsito trânsito|bus autobús ônibus
school escuela escola|health salud saúde|hospital hospital hospital|park parque parque
tree árbol árvore|flood inundación enchente|drain desagüe bueiro|bridge puente ponte|road carretera estrada
housing vivienda moradia|permit permiso licença|tax impuesto imposto|contract contrato contrato
tender licitación licitação|employee empleado funcionário|training capacitación treinamento
software software software|data datos dados|portal portal portal|citizen ciudadano cidadão
complaint reclamo reclamação|police policía polícia|fire incendio incêndio|emergency emergencia emergência
energy energía energia|solar solar solar|lamp lámpara lâmpada|pump bomba bomba|valve válvula válvula
pressure presión pressão|sensor sensor sensor|report informe relatório|plan plan plano|project proyecto projeto
council concejo câmara|mayor alcalde prefeito|law ley lei|rule norma norma|market mercado mercado
tourism turismo turismo|culture cultura cultura|library biblioteca biblioteca|museum museo museu
sidewalk acera calçada|bicycle bicicleta bicicleta|parking estacionamiento estacionamento
garbage basura lixo|truck camión caminhão|route ruta rota|schedule horario horário|cost costo custo
""".strip()
MEANINGS = [line.split() for block in TERMS.split("\n") for line in block.split("|") if line.strip()]
LANGUAGES = ("en", "es", "pt")
GLUE = {"en": ["the", "of", "and", "in", "we", "our", "with", "for", "new", "how"],
        "es": ["el", "de", "y", "en", "nuestra", "con", "para", "nuevo", "cómo", "la"],
        "pt": ["o", "de", "e", "em", "nossa", "com", "para", "novo", "como", "a"]}


def _sentence(rng: random.Random) -> list:
    """A sentence as tokens: ints name a meaning (translated), strings are glue by position."""
    tokens = []
    for _ in range(rng.randint(8, 18)):
        if rng.random() < 0.45:
            tokens.append(("glue", rng.randrange(10)))
        else:
            tokens.append(("term", min(int(rng.paretovariate(1.1)) - 1, len(MEANINGS) - 1)
                           if rng.random() < 0.6 else rng.randrange(len(MEANINGS))))
    return tokens


def _render(tokens, language: str) -> str:
    index = LANGUAGES.index(language)
    words = [GLUE[language][n] if kind == "glue" else MEANINGS[n][index] for kind, n in tokens]
    return " ".join(words).capitalize() + "."


def _percentile(values, q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _app(url: str):
    from flask_migrate import upgrade

    from forum import create_app
    from forum.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TRANSLATION_WORKER": "off",
                      "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        upgrade()
        db.session.remove()
    return app


def _seed(app, rng: random.Random) -> float:
    """Posts, threads and translations in bulk, then the forum's indexer; returns indexing seconds."""
    from forum.extensions import db
    from forum.models import Category, City, Post, PostTranslation, Thread, User, utcnow
    from forum.search import documents

    with app.app_context():
        cities = [City(name=f"City {i}", country="MX", default_language=LANGUAGES[i % 3]) for i in range(20)]
        db.session.add_all(cities)
        db.session.flush()
        users = [User(email=f"bench{i}@example.org", display_name=f"Bench {i}", language=LANGUAGES[i % 3],
                      city_id=cities[i % 20].id, password_hash="x") for i in range(60)]
        db.session.add_all(users)
        db.session.flush()
        category_id = db.session.execute(db.select(Category.id).filter_by(slug="questions")).scalar_one()
        now = utcnow()
        threads = POSTS // PER_THREAD
        thread_rows, post_rows, translation_rows = [], [], []
        post_id = 0
        for t in range(1, threads + 1):
            language = LANGUAGES[t % 3]
            author = users[t % 60].id
            title_tokens = _sentence(rng)[:6]
            thread_rows.append({"id": t, "category_id": category_id, "author_id": author,
                                "title": _render(title_tokens, language)[:200], "language": language,
                                "created_at": now, "last_activity_at": now, "reply_count": PER_THREAD - 1})
            for p in range(PER_THREAD):
                post_id += 1
                tokens = [tok for _ in range(rng.randint(2, 4)) for tok in _sentence(rng)]
                post_language = language if p == 0 else LANGUAGES[rng.randrange(3)]
                body = _render(tokens, post_language)
                post_rows.append({"id": post_id, "thread_id": t, "author_id": users[(t + p) % 60].id,
                                  "body": body, "body_html": f"<p>{html.escape(body)}</p>\n",
                                  "language": post_language, "revision": 1, "created_at": now})
                for target in LANGUAGES:
                    if target == post_language:
                        continue
                    translated = _render(tokens, target)
                    translation_rows.append({
                        "post_id": post_id, "language": target, "revision": 1,
                        "title": _render(title_tokens, target)[:200] if p == 0 else None,
                        "body": translated, "body_html": f"<p>{html.escape(translated)}</p>\n",
                        "engine": "bench", "model_version": "1", "source_hash": "x", "translated_at": now})
        db.session.execute(db.insert(Thread), thread_rows)
        for start in range(0, len(post_rows), 5000):
            db.session.execute(db.insert(Post), post_rows[start:start + 5000])
        db.session.execute(db.update(Thread).values(first_post_id=(Thread.id - 1) * PER_THREAD + 1))
        for start in range(0, len(translation_rows), 5000):
            db.session.execute(db.insert(PostTranslation), translation_rows[start:start + 5000])
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            for table in ("threads", "posts", "post_translations", "users", "cities"):
                db.session.execute(db.text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
            db.session.commit()
        started = time.perf_counter()
        for start in range(1, post_id + 1, documents.CHUNK):
            documents.refresh(range(start, min(post_id, start + documents.CHUNK - 1) + 1))
            db.session.commit()
        seconds = time.perf_counter() - started
        if db.engine.dialect.name == "postgresql":
            db.session.execute(db.text("ANALYZE"))
            db.session.commit()
        else:
            db.session.execute(db.text("INSERT INTO search_fts(search_fts) VALUES ('optimize')"))
            db.session.commit()
        return seconds


def _queries(rng: random.Random) -> dict[str, list[tuple[str, str]]]:
    """(query, reader language) per kind; words from the whole vocabulary, common and rare."""
    def word(language):
        return MEANINGS[rng.randrange(len(MEANINGS))][LANGUAGES.index(language)]

    kinds = {"one word": [], "two words": [], "phrase": []}
    for _ in range(QUERIES):
        language = LANGUAGES[rng.randrange(3)]
        kinds["one word"].append((word(language), language))
        kinds["two words"].append((f"{word(language)} {word(language)}", language))
        tokens = _sentence(rng)
        rendered = _render(tokens, language).rstrip(".").lower().split()
        start = rng.randrange(max(1, len(rendered) - 2))
        kinds["phrase"].append(('"' + " ".join(rendered[start:start + 2]) + '"', language))
    return kinds


def _search_latency(app, kinds) -> dict[str, tuple[float, float, float]]:
    from forum.search.results import search

    figures = {}
    with app.test_request_context():
        search("water", "en")  # warm: first-use costs (stemmers, statement cache) are not a search's
        for kind, queries in kinds.items():
            times, found = [], 0
            for text, language in queries:
                started = time.perf_counter()
                results = search(text, language)
                times.append((time.perf_counter() - started) * 1000)
                found += bool(results.threads)
            figures[kind] = (statistics.median(times), _percentile(times, 0.95), found / len(queries))
    return figures


def _posting_cost(app) -> tuple[float, float]:
    """Posting p50 (ms) with the index kept in step, and with it off, interleaved."""
    from forum.extensions import db
    from forum.models import Thread, User
    from forum.search import documents
    from forum.threads import services

    real = documents.refresh
    with_index, without = [], []
    with app.test_request_context():
        thread = db.session.get(Thread, 1)
        author = db.session.get(User, 1)
        for i in range(POSTINGS * 2):
            indexed = i % 2 == 0
            documents.refresh = real if indexed else (lambda ids, executor=None: 0)
            try:
                started = time.perf_counter()
                services.add_reply(thread, author, f"Reply {i}: the water pipe network needs a new pump.", "en")
                elapsed = (time.perf_counter() - started) * 1000
            finally:
                documents.refresh = real
            (with_index if indexed else without).append(elapsed)
    return statistics.median(with_index), statistics.median(without)


def _postgres_ready() -> bool:
    import sqlalchemy as sa

    base, _, name = POSTGRES_URL.rpartition("/")
    try:
        engine = sa.create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            if not conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first():
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        engine = sa.create_engine(POSTGRES_URL)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
        return True
    except Exception as exc:  # no server here: say so, measure SQLite
        print(f"PostgreSQL skipped: {exc.__class__.__name__}: {str(exc).splitlines()[0]}")
        return False


def main() -> None:
    sys.path.insert(0, str(ROOT))
    folder = Path(tempfile.mkdtemp(prefix="bench-search-"))
    targets = [("SQLite", f"sqlite:///{folder / 'search.db'}")]
    if _postgres_ready():
        targets.append(("PostgreSQL", POSTGRES_URL))
    lines = [f"# Search benchmark\n", f"{POSTS:,} posts ({POSTS // PER_THREAD:,} threads), each with its two "
             f"translations: {POSTS * 3:,} search documents. {QUERIES} queries of each kind, a whole search "
             "each (engine, posts in the reader's language, snippets). Goal: p50 < 50 ms, p95 < 200 ms.\n",
             "| database | query | p50 ms | p95 ms | queries with results |", "|---|---|---|---|---|"]
    posting = []
    for name, url in targets:
        rng = random.Random(7)
        app = _app(url)
        seconds = _seed(app, rng)
        print(f"{name}: indexed {POSTS * 3:,} documents in {seconds:.0f} s")
        for kind, (p50, p95, found) in _search_latency(app, _queries(random.Random(11))).items():
            lines.append(f"| {name} | {kind} | {p50:.1f} | {p95:.1f} | {found:.0%} |")
        posting.append((name, *_posting_cost(app), seconds))
    lines += ["", "Posting (a reply with its translation jobs) with the index kept in step against without it, "
              "interleaved in one run:", "", "| database | posting p50 ms, indexed | without index | "
              f"indexing {POSTS * 3:,} documents, s |", "|---|---|---|---|"]
    lines += [f"| {n} | {a:.1f} | {b:.1f} | {s:.0f} |" for n, a, b, s in posting]
    report = "\n".join(lines) + "\n"
    print(report)
    (ROOT / "docs" / "search-benchmark.md").write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
