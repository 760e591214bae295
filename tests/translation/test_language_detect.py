import pytest

from translation import detect_language
from translation.detect import strip_non_prose


@pytest.mark.parametrize("text, language", [
    ("Muito obrigado pela ajuda!", "pt"),
    ("¡Gracias!", "es"),
    ("Gracias", "es"),
    ("Sim", "pt"),
    ("Não", "pt"),
    ("Sí", "es"),
    ("Thx!", "en"),
    ("Hola, equipo", "es"),
    ("Obrigado", "pt"),
    ("How did you cut water leaks from 20,000 a day to 2,000?", "en"),
    ("¿Cómo redujeron las fugas de agua en su ciudad?", "es"),
    ("Vocês usaram sensores acústicos para achar os vazamentos?", "pt"),
])
def test_short_and_ordinary_posts(text, language):
    result = detect_language(text)
    assert result.language == language
    assert result.reliable and result.confidence >= 0.8


def test_code_urls_mentions_and_quotes_are_ignored():
    post = """> The original question was in English, quoted here at length for context.

Probé esto y no funciona con `requests.get(url)`:

```python
for item in items:
    print(item.name, the_value)  # English-looking code
```

Ver https://example.com/api?query=water_leaks y @john_smith #help"""
    assert "print" not in strip_non_prose(post) and "English" not in strip_non_prose(post)
    result = detect_language(post)
    assert result.language == "es" and result.reliable


def test_low_confidence_uses_the_callers_fallback():
    # valid in both Spanish and Portuguese: the text alone cannot decide
    unsure = detect_language("Excelente iniciativa")
    assert not unsure.reliable
    assert detect_language("Excelente iniciativa", fallback="es").language == "es"
    assert detect_language("Excelente iniciativa", fallback="pt").language == "pt"


def test_a_reliable_detection_beats_the_fallback():
    assert detect_language("Muito obrigado pela ajuda!", fallback="en").language == "pt"


def test_nothing_but_code_falls_back():
    result = detect_language("```\nx = 1\n```\n`y` https://x.org @ana", fallback="pt")
    assert result.language == "pt" and result.confidence == 0.0 and not result.reliable


def test_unknown_fallback_is_a_programming_error():
    with pytest.raises(ValueError):
        detect_language("hello", fallback="fr")


def test_scores_cover_the_three_languages():
    scores = detect_language("The city council approved the budget").scores
    assert set(scores) == {"en", "es", "pt"} and abs(sum(scores.values()) - 1) < 1e-6
