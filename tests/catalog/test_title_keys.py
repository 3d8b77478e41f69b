"""The keys a film is found under: each way people write a title gives its key, of the right kind."""

from __future__ import annotations

from whyrec.catalog.title_keys import BARE, PREFIX, RAW, SHORT, TITLE, arabic, keys_of, title_numbers

PLAIN = frozenset({"the", "of", "a", "and", "me"})


def test_display_raw_and_bare_titles() -> None:
    keys = dict(keys_of("The Matrix", "Matrix, The (1999)", None, PLAIN))
    assert keys["the matrix"] == TITLE
    assert keys["matrix the"] == RAW
    assert keys["matrix"] == BARE  # without its article


def test_series_prefix_subtitle_and_initials() -> None:
    title = "The Lord of the Rings: The Fellowship of the Ring"
    keys = keys_of(title, "Lord of the Rings: The Fellowship of the Ring, The (2001)", None, PLAIN)
    assert ("the lord of the rings", PREFIX) in keys
    assert ("the fellowship of the ring", SHORT) in keys
    assert ("lotr", SHORT) in keys
    # a subtitle that is a preposition and a word is a phrase of any sentence ("set in space"), no name
    assert not any(
        key == "in space" for key, _ in keys_of("Leprechaun 4: In Space", "Leprechaun 4: In Space (1997)", None, PLAIN)
    )
    tides = keys_of("Pirates of the Caribbean: On Stranger Tides", "Pirates ... (2011)", None, PLAIN)
    assert ("on stranger tides", SHORT) in tides


def test_roman_numerals_and_a_sequels_number() -> None:
    keys = dict(keys_of("The Godfather: Part II", "Godfather: Part II, The (1974)", None, PLAIN))
    assert "godfather part 2" in keys and "the godfather part ii" in keys
    assert arabic("rocky iv") == "rocky 4" and arabic("malcolm x") == "malcolm x"  # "x" is too often a word
    assert title_numbers("the hangover part ii") == {"2"} != title_numbers("the hangover part iv")
    listed = keys_of("The Godfather: Part II", "Godfather: Part II, The (1974)", None, PLAIN)
    assert ("godfather 2", BARE) in listed and ("the godfather 2", BARE) in listed  # typed without its "Part"
    assert "part 2" not in keys and "part ii" not in keys  # a bare part number names no film
    assert "kill bill 2" in dict(keys_of("Kill Bill: Vol. 2", "Kill Bill: Vol. 2 (2004)", None, PLAIN))


def test_shorthands_need_two_content_words() -> None:
    title = "Eternal Sunshine of the Spotless Mind"
    keys = keys_of(title, "Eternal Sunshine of the Spotless Mind (2004)", None, PLAIN)
    assert ("eternal sunshine", SHORT) in keys
    assert ("eternal sunshine of", SHORT) not in keys  # a shorthand ends in a content word
    short = [k for k, kind in keys_of("Kill Me Now", "Kill Me Now (2020)", None, PLAIN) if kind == SHORT]
    assert short == []  # "kill me": one content word


def test_hyphenated_titles_are_also_found_joined() -> None:
    keys = keys_of("Spider-Man 2", "Spider-Man 2 (2004)", None, PLAIN)
    assert ("spider man 2", TITLE) in keys and ("spiderman 2", TITLE) in keys  # "i liked spiderman 2"
    assert ("spiderman two", TITLE) in keys
    joined = keys_of("The X-Files: Fight the Future", "X-Files: Fight the Future, The (1998)", None, PLAIN)
    assert ("xfiles", PREFIX) in joined and ("x files", PREFIX) in joined
    assert "heatwave" not in dict(keys_of("Heat", "Heat (1995)", None, PLAIN))  # nothing joined without a hyphen
