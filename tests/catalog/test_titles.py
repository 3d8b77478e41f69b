import pytest

from whyrec.catalog.titles import normalize, parse_title


@pytest.mark.parametrize(
    ("raw", "title", "year", "alt"),
    [
        ("Matrix, The (1999)", "The Matrix", 1999, None),
        ("Toy Story (1995)", "Toy Story", 1995, None),
        ("  Runaway Brain (1995) ", "Runaway Brain", 1995, None),
        ("Babylon 5", "Babylon 5", None, None),
        ("Death Note: Desu nôto (2006–2007)", "Death Note: Desu nôto", 2006, None),
        ("City of Lost Children, The (Cité des enfants perdus, La) (1995)", "The City of Lost Children", 1995,
         "La Cité des enfants perdus"),
        ("Seven (a.k.a. Se7en) (1995)", "Seven", 1995, "a.k.a. Se7en"),
        ("Assembly (Ji jie hao) (2007) ", "Assembly", 2007, "Ji jie hao"),
        ("2001: A Space Odyssey (1968)", "2001: A Space Odyssey", 1968, None),
        ("Haunting, The (1963)", "The Haunting", 1963, None),
        ("Dernier métro, Le (Last Metro, The) (1980)", "Le Dernier métro", 1980, "The Last Metro"),
        ("Ocean's Eleven (2001)", "Ocean's Eleven", 2001, None),
        ("Shawshank Redemption, The   (1994)", "The Shawshank Redemption", 1994, None),
        ("Homme et une femme, Un (1966)", "Un Homme et une femme", 1966, None),
        ("Ami de mon amie, L' (1987)", "L'Ami de mon amie", 1987, None),
    ],
)  # fmt: skip
def test_parse_title(raw: str, title: str, year: int | None, alt: str | None) -> None:
    parsed = parse_title(raw)
    assert (parsed.title, parsed.year, parsed.alt_title) == (title, year, alt)


def test_number_in_parentheses_is_part_of_the_title() -> None:
    parsed = parse_title("Rocky (1) (1976)")
    assert parsed.title == "Rocky (1)"
    assert parsed.year == 1976


def test_empty_title_falls_back_to_raw() -> None:
    assert parse_title("(2004)").title == "(2004)"


def test_normalize_folds_accents_case_and_punctuation() -> None:
    assert normalize("Amélie (Fabuleux destin d'Amélie Poulain, Le)") == "amelie fabuleux destin d amelie poulain le"
    assert normalize("Fast & Furious") == "fast and furious"
