"""Markdown segmentation: exact round trips and protected spans that never change."""
from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from translation.markdown import Span, assemble, segment_markdown, segment_text
from translation.placeholders import TOKEN_RE, Run


def _runs(parts):
    return [Run.from_pieces(p.pieces) if isinstance(p, Span) else p for p in parts]


def translate_with(text: str, engine, fmt: str = "markdown") -> str:
    parts = _runs(segment_markdown(text) if fmt == "markdown" else segment_text(text))
    runs = [p for p in parts if isinstance(p, Run)]
    return assemble(parts, [engine(r.text) for r in runs])


def identity(text: str) -> str:
    return text


def shout(text: str) -> str:
    """A 'marking' engine: uppercases prose and wraps the run, keeps placeholders."""
    return "«" + TOKEN_RE.sub(lambda m: m.group(0), text.upper()) + "»"


def drop_placeholders(text: str) -> str:
    return "«" + TOKEN_RE.sub("", text).upper() + "»"


def reverse_words(text: str) -> str:
    return " ".join(reversed(text.upper().split(" ")))


def runs_text(text: str) -> list[str]:
    return [Run.from_pieces(p.pieces).text for p in segment_markdown(text) if isinstance(p, Span)]


SAMPLE = """# Cutting water leaks ##

How did **Curitiba** go from 20,000 leaks to 2.000 a day? Ask @ana_rj or see #water.
Read [the guide](https://example.org/guide_(v2) "Guide") and ![the map](img/map.png).
Run `make test` with `q=agua`, visit https://example.com/a?b=c&d=e or <https://x.org>.
Tom &amp; Jerry &#169; 2024, mail bob@example.org, escaped \\*star\\*, line break\\
> A quoted line with *emphasis* and ~~strike~~
> - quoted list item

1. First step
2) Second step
   - [ ] a task
   - [x] done task

Code below:

    indented code stays

```python
print("do not translate")
```

~~~
tilde fence
~~~

| City | Leaks per day | Notes |
|:-----|--------------:|:-----:|
| São Paulo | 1,200 | uses `a|b` here |
| Lima | 300 | escaped \\| pipe |

Setext heading
==============

---
[guide]: https://example.org/ref "Ref"
<div class="x">
raw html block
</div>

Last line without newline"""


def test_identity_round_trip_of_a_rich_document():
    assert translate_with(SAMPLE, identity) == SAMPLE


@pytest.mark.parametrize("engine", [shout, drop_placeholders, reverse_words])
def test_protected_spans_survive_a_marking_engine(engine):
    out = translate_with(SAMPLE, engine)
    protected = [
        "# ", " ##\n", "**", "20,000", "2.000", "@ana_rj", "#water", "[", "](https://example.org/guide_(v2) \"Guide\")",
        "![", "](img/map.png)", "`make test`", "`q=agua`", "https://example.com/a?b=c&d=e", "<https://x.org>",
        "&amp;", "&#169;", "2024", "bob@example.org", "\\*", "\\\n> ", "*", "~~", "\n> - ",
        "\n\n1. ", "\n2) ", "\n   - [ ] ", "\n   - [x] ", "\n\n", "\n\n    indented code stays\n\n",
        '```python\nprint("do not translate")\n```\n\n~~~\ntilde fence\n~~~\n\n| ',
        " | ", " |\n|:-----|--------------:|:-----:|\n| ", "1,200", "`a|b`", "\\|",
        "\n==============\n\n---\n[guide]: https://example.org/ref \"Ref\"\n<div class=\"x\">\nraw html block\n</div>\n\n",
    ]
    pos = 0
    for piece in protected:
        found = out.find(piece, pos)
        assert found != -1, f"{piece!r} missing or out of order after {out[max(0, pos - 40):pos]!r}"
        pos = found + len(piece)
    assert "⟦" not in out and "⟧" not in out
    assert out.count("\n") == SAMPLE.count("\n")


def test_translatable_text_includes_link_text_alt_text_cells_and_headings():
    out = translate_with(SAMPLE, shout)
    for translated in ["«CUTTING WATER LEAKS»", "[THE GUIDE](", "![THE MAP](", "«CITY»", "«LEAKS PER DAY»", "«SÃO PAULO»",
                       "«SETEXT HEADING»", "«FIRST STEP»", "«A TASK»", "«A QUOTED LINE WITH", "«LAST LINE WITHOUT NEWLINE»"]:
        assert translated in out


def test_engine_sees_whole_sentences_with_placeholders():
    assert runs_text("Run `make test` before you **push**.") == ["Run ⟦0⟧ before you ⟦1⟧push⟦2⟧."]
    # leading/trailing protected spans stay outside the run
    assert runs_text("**Note:** see https://x.org") == ["Note:⟦0⟧ see"]


def test_lines_without_letters_are_not_sent():
    assert runs_text("1,200 | 3.5%\n\n`code` @ana #42\n") == []


def test_underscores_inside_words_are_protected():
    # the SentencePiece decoder in argostranslate turns "_" into spaces
    assert runs_text("Set job_id now") == ["Set ⟦0⟧ now"]
    assert runs_text("Call +55 41 3350-8484 today, 3.5% more") == ["Call ⟦0⟧ today, ⟦1⟧ more"]


def test_plain_text_format_keeps_markdown_characters_as_text():
    text = "Visit https://x.org/a_b, call @ana about 1,500 *items*\n# not a heading"
    assert translate_with(text, identity, "text") == text
    out = translate_with(text, shout, "text")
    assert "https://x.org/a_b" in out and "@ana" in out and "1,500" in out
    assert "*ITEMS*" in out and "# NOT A HEADING" in out  # markdown syntax is just text here


@pytest.mark.parametrize("text", ["", "\n", "\r\n\r\n", "a\rb", "x\u2028y\x0cz", "\ufeffhello", "   ", "⟦0⟧ literal ⟧"])
def test_odd_inputs_round_trip(text):
    assert translate_with(text, identity) == text
    assert translate_with(text, identity, "text") == text


def test_literal_placeholder_brackets_in_a_post_are_kept_as_written():
    assert translate_with("⟦0⟧ literal ⟧", shout) == "⟦0⟧ «LITERAL» ⟧"


# --- property tests --------------------------------------------------------------------
WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzñáéíóúãç", min_size=1, max_size=7)
WORDS = st.lists(WORD, min_size=1, max_size=4).map(" ".join)
PROTECTED = st.one_of(
    st.from_regex(r"`[a-z_=.|]{1,8}`", fullmatch=True),
    st.from_regex(r"https://[a-z]{1,8}\.(org|com)(/[a-z_]{1,6})?", fullmatch=True),
    st.from_regex(r"@[a-z][a-z_]{0,7}[a-z]", fullmatch=True),
    st.from_regex(r"#[a-z]{1,8}", fullmatch=True),
    st.from_regex(r"[1-9][0-9]{0,2}([.,][0-9]{3}){0,2}", fullmatch=True),
    st.sampled_from(["&amp;", "&lt;", "&#169;", "&#x1F600;"]),
)


@st.composite
def inline_line(draw, allow_pipes_in_code=True):
    """A line of prose with protected items; returns (text, protected items in order)."""
    items, protected = [], []
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["words", "protected", "link", "emphasis"]))
        if kind == "words":
            items.append(draw(WORDS))
        elif kind == "protected":
            p = draw(PROTECTED)
            if not allow_pipes_in_code:
                p = p.replace("|", "")
            items.append(p)
            protected.append(p)
        elif kind == "link":
            url = draw(PROTECTED.filter(lambda s: s.startswith("https")))
            items.append(f"[{draw(WORDS)}]({url})")
            protected += ["[", f"]({url})"]
        else:
            marker = draw(st.sampled_from(["*", "**", "_", "~~"]))
            items.append(f"{marker}{draw(WORDS)}{marker}")
            protected += [marker, marker]
    return " ".join(items), protected


@st.composite
def documents(draw):
    """Markdown built from known pieces; returns (document, protected pieces in order)."""
    lines, protected = [], []
    for _ in range(draw(st.integers(1, 6))):
        block = draw(st.sampled_from(["line", "line", "fence", "table", "blank"]))
        if block == "line":
            prefix = draw(st.sampled_from(["", "# ", "### ", "- ", "* ", "1. ", "12) ", "> ", "> - ", "- [ ] "]))
            text, prot = draw(inline_line())
            lines.append(prefix + text)
            protected += [prefix, *prot]
        elif block == "fence":
            body = draw(st.lists(st.text(alphabet="abc xyz_=(){}<>#*|`-", max_size=12).filter(
                lambda s: "```" not in s), max_size=3))
            fence = "\n".join(["```", *body, "```"])
            lines += ["", fence, ""]
            protected.append(fence)
        elif block == "table":
            cols = draw(st.integers(1, 3))
            header = "| " + " | ".join(draw(WORDS) for _ in range(cols)) + " |"
            align = "|" + "|".join(draw(st.sampled_from(["---", ":--", "--:", ":-:"])) for _ in range(cols)) + "|"
            protected.append(align)
            rows = []
            for _ in range(draw(st.integers(0, 2))):
                cells = [draw(inline_line(allow_pipes_in_code=True)) for _ in range(cols)]
                rows.append("| " + " | ".join(c[0] for c in cells) + " |")
                for c in cells:
                    protected += ["| ", *c[1]]
            lines += ["", header, align, *rows, ""]
        else:
            lines.append("")
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\r\n"])), protected


def assert_in_order(out: str, pieces: list[str]) -> None:
    pos = 0
    for piece in pieces:
        found = out.find(piece, pos)
        assert found != -1, (piece, out)
        pos = found + len(piece)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_any_text_round_trips_exactly_with_an_identity_engine(text):
    assert translate_with(text, identity) == text
    assert translate_with(text, identity, "text") == text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_generated_markdown_round_trips_exactly(doc):
    text, _ = doc
    assert translate_with(text, identity) == text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents(), st.sampled_from([shout, drop_placeholders, reverse_words]))
def test_marking_engines_change_nothing_protected(doc, engine):
    text, protected = doc
    out = translate_with(text, engine)
    if engine is shout:
        assert_in_order(out, protected)
    else:  # the engine reordered or dropped tokens: each protected piece is still there, intact
        rest = out
        for piece in protected:
            assert piece in rest, (piece, out)
            rest = rest.replace(piece, "\x00", 1)
    assert not re.search(r"[⟦⟧]", out)
    if engine is shout:  # the engine kept every placeholder: every line stays a line
        assert len(out.splitlines()) == len(text.splitlines())
        # every line keeps its structural prefix (markers, quote, list numbering, table pipe)
        prefix = re.compile(r"^[ \t>]*(?:[-*+] |\d+[.)] |#+ |\| |\|[-:|]+\||- \[ \] )?")
        for before, after in zip(text.splitlines(), out.splitlines()):
            assert after.startswith(prefix.match(before).group(0))


def test_inline_html_at_line_start_is_a_paragraph_but_block_html_is_protected():
    assert runs_text("<b>Note</b>: read this") == ["Note⟦0⟧: read this"]
    assert runs_text("<div>\nraw text\n</div>\n\n<span class='x'>\nhello") == []


def test_html_blocks_end_where_commonmark_ends_them():
    assert runs_text("<!-- note -->\ntext after") == ["text after"]
    assert runs_text("<pre>\ncode\n\nmore\n</pre>\nafter pre") == ["after pre"]
    assert runs_text("<div>\nraw\n</div>\nstill html\n\nnow text") == ["now text"]


def test_a_paragraph_over_several_lines_is_one_run_with_soft_breaks():
    assert runs_text("First half\nsecond half.") == ["First half ⟦0⟧ second half."]
    assert runs_text("> quoted one\n> quoted two") == ["quoted one ⟦0⟧ quoted two"]
    assert runs_text("- item\n  continued\n- next") == ["item ⟦0⟧ continued", "next"]
    assert runs_text("# Title\nbody") == ["Title", "body"]  # a heading never continues


def test_soft_breaks_keep_their_markers_and_come_back_between_words():
    assert translate_with("> one two\n> three four", shout) == "> «ONE TWO\n> THREE FOUR»"
    # the engine dropped the break: it goes back at the nearest space to where it was
    assert translate_with("> one two\n> three four", drop_placeholders) == "> «ONE TWO\n> THREE FOUR»"
    assert translate_with("one two  \nthree", identity) == "one two  \nthree"  # hard break kept
