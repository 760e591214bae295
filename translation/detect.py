"""Language identification for en/es/pt, robust on short posts and posts full of code.

1. Strip what is not prose: fenced/indented/inline code, URLs, e-mails, @mentions,
   #hashtags, quoted lines (someone else's words), HTML tags, link targets, numbers.
2. py3langid (ships its model, no download) restricted to en/es/pt.
3. Small cues that decide very short replies: characters (ñ ¿ ¡ -> es; ã õ ç -> pt) and
   a few frequent words that exist in one language only ("Sim", "Thx", "Hola").
4. Below a confidence threshold the caller's fallback (e.g. the author's language) wins:
   words valid in both es and pt ("Excelente iniciativa") are not decidable from the text.

Bounded: detection runs inside the request that saves a post, and a few KB of prose
decide a language, so it reads at most the first RAW_LIMIT characters of the post and
gives at most PROSE_LIMIT characters of what remains to the model and the cues. A post
that opens with more than RAW_LIMIT characters of code falls back like one with no prose.
Every pattern is linear in what it reads (no pattern retried from each character of a
long word or run, closing delimiters found by index, not searched from each opener).
"""
from __future__ import annotations

import bisect
import math
import re
import threading
from dataclasses import dataclass, field

SUPPORTED = ("en", "es", "pt")
RELIABLE_CONFIDENCE = 0.80
RAW_LIMIT = 20_000
PROSE_LIMIT = 4_000

_FENCED = re.compile(r"^[ \t]*(`{3,}|~{3,}).*?(?:^[ \t]*\1[ \t]*$|\Z)", re.M | re.S)
_BLOCKS = [
    re.compile(r"^(?: {4}|\t).*$", re.M),                                      # indented code
    re.compile(r"^[ \t]*>.*$", re.M),                                          # quotes
]
_BACKTICKS = re.compile(r"`+")
_LINK_TARGET = re.compile(r"\]\([^)]*+\)")
_TAG = re.compile(r"<[^>\n]*+>")                                                # tags, autolinks
_INLINE = [
    re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]{1,31}://|www\.)\S+"),               # URLs
    # e-mails, from a word start (or right after one: "a@b.org+c@d.org")
    re.compile(r"(?<![\w.+-])(?:[\w.+-]+@[\w-]+(?:\.[\w-]+)+)+"),
    re.compile(r"(?<!\w)[@#]\w[\w.-]*"),                                       # mentions, tags
    re.compile(r"&#?\w+;"),                                                    # entities
    # code-like tokens: from a word start, or from the symbol itself ("a/b/c": "/c")
    re.compile(r"(?<![\w.-])[\w.-]*[_/\\=(){}\[\];<>$|][\w.-]*+|[_/\\=(){}\[\];<>$|][\w.-]*+"),
    re.compile(r"\d+(?:[.,:]\d+)*"),                                           # numbers
]
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")

_CHAR_CUES = {
    "es": re.compile(r"[ñ¿¡]|ción\b|ciones\b", re.I),
    "pt": re.compile(r"[ãõç]|ção\b|ções\b|\bnh|lh", re.I),
}
_WORD_CUES = {
    "en": frozenset("thx thanks thank ty hi hello yes the and you your is are it this that what how why "
                    "please great awesome nice agreed sure ok okay cool lol yeah yep nope of to with".split()),
    "es": frozenset("hola gracias sí si muchas muchos qué cómo por favor usted ustedes también pero muy "
                    "buenos buenas días equipo está están nosotros vosotros ellos aquí hay tengo tienen "
                    "el los la las y es del al esto eso claro vale gracia saludos perfecto con una un".split()),
    "pt": frozenset("olá oi obrigado obrigada obrigados sim não você vocês também muito muita pela pelo "
                    "bom boa dia equipe está estão nós aqui tem têm os as e é do da dos das ao isso "
                    "isto valeu abraço abraços beleza perfeito com uma um".split()),
}

_identifier = None
_lock = threading.Lock()


@dataclass(frozen=True)
class Detection:
    language: str          # best answer (the fallback when the text is not conclusive)
    confidence: float      # probability of the detected language among en/es/pt
    reliable: bool         # confidence >= RELIABLE_CONFIDENCE on some actual prose
    detected: str = ""     # what the text alone says, even when unreliable
    scores: dict[str, float] = field(default_factory=dict, compare=False)


def strip_non_prose(text: str) -> str:
    text = _FENCED.sub(" ", text)  # fenced code
    for pattern in _BLOCKS:
        text = pattern.sub(" ", text)
    text = _strip_code_spans(text)
    text = _sub_closed(_LINK_TARGET, text, ")")
    text = "\n".join(_sub_closed(_TAG, line, ">") for line in text.split("\n"))
    for pattern in _INLINE:
        text = pattern.sub(" ", text)
    return " ".join(text.split())


def _sub_closed(pattern: re.Pattern[str], text: str, closer: str) -> str:
    """``pattern.sub(" ", text)`` for a pattern that ends at ``closer``: nothing after the
    last closer can match, and searching there from each opener would read all the rest."""
    cut = text.rfind(closer) + 1
    return pattern.sub(" ", text[:cut]) + text[cut:]


def _strip_code_spans(text: str) -> str:
    """Inline code: a run of backticks up to the next run of the same length (CommonMark)."""
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(text)]
    starts: dict[int, list[int]] = {}
    for start, end in runs:
        starts.setdefault(end - start, []).append(start)
    out = []
    pos = 0
    for start, end in runs:
        if start < pos:  # inside a code span already stripped
            continue
        same = starts[end - start]
        k = bisect.bisect_right(same, start)
        if k < len(same):
            out.append(text[pos:start] + " ")
            pos = same[k] + end - start
    out.append(text[pos:])
    return "".join(out)


def detect_language(text: str, fallback: str | None = None) -> Detection:
    """Detect en/es/pt. ``fallback`` (e.g. the author's language) wins when unsure."""
    if fallback is not None and fallback not in SUPPORTED:
        raise ValueError(f"fallback must be one of {SUPPORTED}, not {fallback!r}")
    prose = strip_non_prose(text[:RAW_LIMIT])
    if len(prose) > PROSE_LIMIT:
        cut = prose.rfind(" ", 0, PROSE_LIMIT + 1)
        prose = prose[:cut if cut > 0 else PROSE_LIMIT]  # at a word boundary
    words = [w.lower() for w in _WORD.findall(prose)]
    if not words:
        return Detection(fallback or "en", 0.0, False, "", {})

    scores = dict(_get_identifier().rank(prose))
    # Cues weigh most on short text, where the character n-gram model has little to go on.
    weight = 2.5 if len(words) <= 3 else 1.0 if len(words) <= 8 else 0.3
    for lang in SUPPORTED:
        hits = sum(1 for w in words if w in _WORD_CUES[lang])
        hits += len(_CHAR_CUES[lang].findall(prose)) if lang in _CHAR_CUES else 0
        scores[lang] = scores.get(lang, 0.0) * math.exp(weight * min(hits, 4))
    total = sum(scores.values()) or 1.0
    scores = {lang: scores.get(lang, 0.0) / total for lang in SUPPORTED}
    best = max(SUPPORTED, key=lambda lang: scores[lang])
    confidence = scores[best]
    reliable = confidence >= RELIABLE_CONFIDENCE
    language = best if reliable or fallback is None else fallback
    return Detection(language, confidence, reliable, best, scores)


def warm_up() -> None:
    """Load the model now (~0.6 s), so the first post a process detects does not wait for it."""
    _get_identifier()


def _get_identifier():
    global _identifier
    if _identifier is None:
        with _lock:  # the model takes ~0.6 s to load: once per process, lazily
            if _identifier is None:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
                identifier.set_languages(list(SUPPORTED))
                _identifier = identifier
    return _identifier
