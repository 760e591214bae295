import pytest

from translation.sentences import split_sentences


@pytest.mark.parametrize("text, sentences", [
    ("One. Two! Three? Four", ["One.", "Two!", "Three?", "Four"]),
    ("Hola. ¿Qué tal? ¡Bien!", ["Hola.", "¿Qué tal?", "¡Bien!"]),
    ("Dr. Silva and Sr. Pérez came. Then we left.", ["Dr. Silva and Sr. Pérez came.", "Then we left."]),
    ("Version 2.5 is out. Great", ["Version 2.5 is out.", "Great"]),
    ("see e.g. Curitiba", ["see e.g. Curitiba"]),
    ("lowercase after. stays together", ["lowercase after. stays together"]),
    ("Run ⟦0⟧. ⟦1⟧ next", ["Run ⟦0⟧.", "⟦1⟧ next"]),
    ("", [""]),
])
def test_split(text, sentences):
    pairs = split_sentences(text)
    assert [s for s, _ in pairs] == sentences
    assert "".join(s + w for s, w in pairs) == text
