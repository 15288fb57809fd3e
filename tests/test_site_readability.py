"""Every Danish info page is easy to read: LIX 35 or below."""
from pathlib import Path

import pytest

from readability import lix, markdown_readability, markdown_sentences, words

CONTENT = Path(__file__).resolve().parent.parent / "content"
DANISH_PAGES = sorted(CONTENT.glob("*.md"))
MAX_LIX = 35


def test_lix_of_short_sentences_with_short_words_is_words_per_sentence():
    # 10 words, 2 sentences, no word longer than six letters: 10/2 + 0 = 5.
    assert lix("Katten sidder på måtten. Hunden løber efter bolden i haven.") == 5.0


def test_lix_counts_words_longer_than_six_letters_as_long():
    # 4 words, 1 sentence; "kontaktperson" and "tirsdag" are long, "ringer"
    # (six letters) is not: 4/1 + 100 * 2/4.
    assert lix("Din kontaktperson ringer tirsdag.") == pytest.approx(4 + 100 * 2 / 4)


def test_lix_of_a_known_text():
    text = (
        "Du har ret til at se din sag. Det kaldes aktindsigt. "
        "Kommunen skal svare hurtigst muligt!"
    )
    # 16 words in 3 sentences; 3 long words (aktindsigt, Kommunen, hurtigst):
    # 16/3 + 100 * 3/16 = 24.08.
    assert lix(text) == 24.1


def test_lix_rises_with_long_sentences():
    short = "Du ringer. Vi svarer. Du kommer. Vi taler."
    long = "Du ringer til kommunen og vi svarer dig og du kommer ind og vi taler sammen om det hele."
    assert lix(long) > lix(short)


def test_empty_text_scores_zero():
    assert lix("") == 0.0


def test_numbers_are_not_words():
    assert words("Fra 0 til 10 på skalaen, 7 arbejdsdage") == ["Fra", "til", "på", "skalaen", "arbejdsdage"]


def test_abbreviations_do_not_end_a_sentence():
    assert markdown_sentences("Det kan fx være skolen. Ring kl. 9 i morgen.") == [
        "Det kan fx være skolen.",
        "Ring kl. 9 i morgen.",
    ]


def test_headings_list_items_and_table_cells_count_as_sentences():
    text = (
        "---\ndescription: Front matter is not read.\n---\n"
        "# Jeres plan\n\n"
        "Det her er en sætning. Og en til\n\n"
        "- første punkt\n- andet punkt\n\n"
        "| Hvem | Hvad |\n|---|---|\n| Skolen | Ekstra støtte |\n\n"
        "```\nkode tæller ikke\n```\n"
    )
    assert markdown_sentences(text) == [
        "Jeres plan",
        "Det her er en sætning.",
        "Og en til",
        "første punkt",
        "andet punkt",
        "Hvem",
        "Hvad",
        "Skolen",
        "Ekstra støtte",
    ]


def test_links_count_by_their_text_not_their_address():
    assert markdown_sentences("Læs om [dine rettigheder](rettigheder.md).") == [
        "Læs om dine rettigheder."
    ]


def test_longest_sentences_come_first():
    result = markdown_readability("Kort. En lidt længere sætning. Den allerlængste sætning af dem alle her.")
    assert result.longest_sentences(2) == [
        "Den allerlængste sætning af dem alle her.",
        "En lidt længere sætning.",
    ]


def test_there_are_danish_pages_to_check():
    assert len(DANISH_PAGES) >= 9


@pytest.mark.parametrize("page", DANISH_PAGES, ids=lambda p: p.name)
def test_danish_page_is_easy_to_read(page):
    result = markdown_readability(page.read_text(encoding="utf-8"))
    print(f"\nLIX {page.name}: {result.score}")
    longest = "\n".join(f"  - {s}" for s in result.longest_sentences(3))
    assert result.score <= MAX_LIX, (
        f"{page.name} has LIX {result.score} (max {MAX_LIX}). "
        f"Shorten these sentences first:\n{longest}"
    )
