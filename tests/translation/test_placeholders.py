from translation.placeholders import Ph, Run, normalize, token


def test_run_numbers_placeholders_in_order():
    run = Run.from_pieces(["Run ", Ph("`make`"), " then ", Ph("**"), "push", Ph("**")])
    assert run.text == "Run ⟦0⟧ then ⟦1⟧push⟦2⟧"
    assert run.fill(run.text) == "Run `make` then **push**"


def test_kept_placeholders_stay_where_the_engine_put_them():
    assert normalize("⟦1⟧ ok ⟦0⟧", 2) in ("⟦0⟧⟦1⟧ ok ", " ok ⟦0⟧⟦1⟧")  # one of them is kept in place
    assert normalize("a ⟦0⟧ b ⟦1⟧ c", 2) == "a ⟦0⟧ b ⟦1⟧ c"


def test_missing_placeholders_are_restored_before_the_next_kept_one_or_at_the_end():
    assert normalize("a b ⟦2⟧ c", 3) == "a b ⟦0⟧⟦1⟧⟦2⟧ c"
    assert normalize("nothing kept", 2) == "nothing kept⟦0⟧⟦1⟧"


def test_duplicates_unknown_and_stray_brackets_never_leak():
    out = normalize("⟦0⟧ x ⟦0⟧ y ⟦7⟧ z ⟦ ⟧", 1)
    assert out.count("⟦") == 1 and "⟦7⟧" not in out and out.startswith("⟦0⟧")


def test_engine_spacing_inside_tokens_is_tolerated():
    assert normalize("a ⟦ 0 ⟧ b", 1) == "a ⟦0⟧ b"


def test_fill_restores_every_value_whatever_the_engine_did():
    run = Run.from_pieces(["See ", Ph("["), "the docs", Ph("](https://x.org)"), " now"])
    for engine_output in ["", "Mira ⟦1⟧ los docs ⟦0⟧", "⟦0⟧⟦0⟧⟦0⟧", "Mira los docs"]:
        filled = run.fill(engine_output)
        assert "[" in filled and "](https://x.org)" in filled
        assert filled.index("[") < filled.index("](https://x.org)")
        assert "⟦" not in filled and "⟧" not in filled


def test_token_format():
    assert token(12) == "⟦12⟧"
