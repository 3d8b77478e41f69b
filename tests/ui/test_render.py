"""Rendering of agent events and results, without a browser or an agent."""

from __future__ import annotations

import pandas as pd

from tests.ui.fake_agent import FakeAgent, fake_items
from whyrec.ui import render


def test_step_message_carries_title_status_and_duration() -> None:
    pending = render.step_message("recommend", {"query": "heat", "k": 10, "genres_exclude": []}, "pending")
    assert pending.metadata["title"] == "Ranking with the GCN…"
    assert pending.metadata["status"] == "pending"
    assert "duration" not in pending.metadata
    assert "query='heat'" in pending.content and "genres_exclude" not in pending.content
    done = render.step_message("estimate_effect", {}, "done", 1.23456)
    assert done.metadata == {"title": "Estimating the effect…", "status": "done", "duration": 1.235}


def test_failed_step_says_so_and_unknown_tools_keep_their_name() -> None:
    failed = render.step_message("explain_recommendation", {"item_id": 1}, "error", 0.1, "not in your top 10")
    assert failed.metadata["title"] == "Checking the counterfactual… (failed)"
    assert failed.metadata["status"] == "done"
    assert "not in your top 10" in failed.content
    assert render.step_title("brand_new_tool", "Doing a new thing") == "Doing a new thing"


def test_reply_shows_notes_and_never_an_empty_bubble() -> None:
    msg = render.reply_message("Here you go.", ["the language model did not answer"])
    assert msg.content.startswith("Here you go.") and "*Note: the language model did not answer*" in msg.content
    assert render.reply_message("   ").content
    quoted = render.reply_message("Done.\n\nNote: not available here", ["not available here"])
    assert quoted.content.count("not available here") == 1


def test_cards_from_recommend_and_whatif_outputs() -> None:
    output = FakeAgent()._recommend(FakeAgent().profile("s"))
    cards = render.cards_from_output("recommend", output)
    assert [c["item_id"] for c in cards] == [1, 6, 260, 296, 318]
    after = render.cards_from_output("simulate_intervention", FakeAgent._whatif())
    assert after[0]["item_id"] == 296 and "new after the what-if" in render.card_reason(after[0])
    assert render.card_reason(after[1]) == "ranked for your taste by LightGCN"
    assert render.cards_from_output("lookup_item", {"item_id": 1}) == []


def test_card_html_escapes_titles_and_shows_year_genres_score_reason() -> None:
    card = {"item_id": 7, "title": "<script>x</script>", "year": 2001, "genres": ["Drama", "War"], "score": 0.5,
            "reasons": ["because you liked Heat"]}  # fmt: skip
    html = render.card_html(card, 2)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "2. " in html and "(2001)" in html and "Drama, War<" in html and "score 0.500" in html
    assert "because you liked Heat" in html and 'data-item-id="7"' in html


def test_whatif_html_shows_movement_entries_and_exits() -> None:
    html = render.whatif_html(FakeAgent._whatif())
    assert "if you watched more Comedy" in html and "Forrest Gump" in html
    rows = html.split("<tr>")[2:]
    assert "Pulp Fiction" in rows[0] and ">new<" in rows[0]  # entered at #1
    assert "Toy Story" in rows[1] and "▼1" in rows[1]  # #1 -> #2
    assert "=" in rows[2]  # Star Wars stays #3
    assert "Shawshank Redemption, The (out)" in rows[3]


def test_user_summaries_count_ratings_and_top_genres() -> None:
    items = fake_items()
    ratings = pd.DataFrame({"user_id": [5, 5, 5, 9], "item_id": [6, 2571, 58559, 1], "rating": [4.0, 5.0, 3.0, 2.0]})
    summaries = render.user_summaries(ratings, items)
    assert summaries[5] == "user 5 · 3 ratings · Action, Crime"
    assert summaries[9].startswith("user 9 · 1 ratings · ")


def test_profile_markdown_lists_likes_and_dislikes() -> None:
    text = render.profile_markdown("user 5", ["Heat (1995)"], [])
    assert "user 5" in text and "Heat (1995)" in text and "nothing disliked yet" in text
