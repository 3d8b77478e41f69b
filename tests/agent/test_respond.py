from __future__ import annotations

from typing import Any

from whyrec.agent.outcomes import ToolOutcome
from whyrec.agent.respond import render
from whyrec.agent.templates import render_outcome

EXPLANATION: dict[str, Any] = {
    "item_id": 58559, "title": "The Dark Knight", "k": 10, "rank_before": 2, "rank_after": 31,
    "removal": [{"item_id": 2571, "title": "The Matrix"}, {"item_id": 1, "title": "Toy Story"}],
    "found": True, "verified": True, "max_size": 10, "history_size": 40,
    "influences": [{"item_id": 2571, "title": "The Matrix", "new_rank": 9, "margin_change": -0.1}],
}  # fmt: skip
ESTIMATE: dict[str, Any] = {
    "treatment": "featured", "outcome": "watched", "value": 0.075, "ci_low": 0.067, "ci_high": 0.082,
    "method": "backdoor.propensity_score_weighting", "estimand": "backdoor", "n": 97600, "naive": 0.233,
    "refutations": [{"name": "placebo", "passed": True}, {"name": "random common cause", "passed": False}],
    "warnings": [], "true_value": None,
}  # fmt: skip


def test_why_answers_lead_with_the_counterfactual() -> None:
    text = render_outcome(ToolOutcome("explain_recommendation", {}, True, EXPLANATION))
    assert text.startswith(
        "The Dark Knight is in your list because of your ratings of The Matrix and Toy Story: "
        "without them it falls from #2 to #31 (checked by re-ranking without them)."
    )
    assert "without The Matrix alone it would be #9" in text


def test_an_overdetermined_film_is_there_because_of_the_ratings_as_a_whole() -> None:
    whole = {**EXPLANATION, "found": False, "removal": [], "rank_after": None, "rank_before": 1, "takes": 22}
    text = render_outcome(ToolOutcome("explain_recommendation", {}, True, whole))
    assert text.startswith(
        "The Dark Knight is #1 in your list because of your ratings as a whole: removing up to 10 of them "
        "(40 in all) does not push it out of the top 10; it takes removing about 22 of them, the ones that "
        "support it most."
    )
    never = render_outcome(ToolOutcome("explain_recommendation", {}, True, {**whole, "takes": None}))
    assert "does not push it out of the top 10." in never and "it takes" not in never


def test_chat_users_hear_about_the_films_they_named() -> None:
    chat = {**EXPLANATION, "history": "chat", "rank_after": None}
    text = render_outcome(ToolOutcome("explain_recommendation", {}, True, chat))
    assert "because of The Matrix and Toy Story: without them it falls from #2 to out of the top 50" in text
    nothing = {**chat, "found": False, "removal": [], "history_size": 0, "influences": []}
    assert "you have not told me about any film yet" in render_outcome(
        ToolOutcome("explain_recommendation", {}, True, nothing)
    )


def test_an_effect_answer_states_each_fact_once_answer_first() -> None:
    answer = {"question": "ate", "estimate": ESTIMATE, "rows": [], "facts": ["featuring changes the chance by +0.075"]}
    text = render_outcome(ToolOutcome("estimate_effect", {}, True, answer))
    first = text.splitlines()[0]
    assert first.startswith(
        "Yes: featuring a film changes the chance it is watched by +0.075 (95% CI +0.067 to +0.082)"
    )
    assert "raw gap between featured and other films is +0.233" in first
    assert text.count("95% CI") == 1 and text.count("0.233") == 1
    assert "1 of 2 refutation checks passed (not: random common cause)" in text
    assert "backdoor.propensity_score_weighting on 97,600 impressions" in text


def test_the_naive_question_is_answered_with_why_the_gap_misleads() -> None:
    facts = ["naive +0.233; causal +0.075", "the logging policy features popular films", "adjusting removes it"]
    answer = {"question": "naive_vs_causal", "estimate": ESTIMATE, "rows": [], "facts": facts}
    text = render_outcome(ToolOutcome("estimate_effect", {}, True, answer))
    assert text.startswith("Partly they would watch anyway: the raw gap between featured and other films is +0.233")
    assert "- the logging policy features popular films" in text and "naive +0.233" not in text


def test_errors_and_notes_are_plain() -> None:
    text = render("item_info", [ToolOutcome("lookup_item", {}, False, None, "unknown item id: 9")], ["slow llm"])
    assert text == "I couldn't do that: unknown item id: 9\n\nNote: slow llm"
    assert render("chitchat", [], []).startswith("I'm whyrec.")


def test_noting_a_liked_film_offers_recommendations_and_a_dislike_does_not() -> None:
    liked = ToolOutcome("record_feedback", {}, True, {"item_id": 1, "title": "Toy Story", "liked": True})
    disliked = ToolOutcome("record_feedback", {}, True, {"item_id": 2, "title": "Jumanji", "liked": False})
    text = render("feedback", [liked, disliked], [])
    assert text.startswith("Noted: you liked Toy Story.") and text.count('Say "yes"') == 1
    assert 'Say "yes"' not in render("feedback", [disliked], [])


def test_whatif_answers_list_what_enters_leaves_and_moves() -> None:
    move = {"item_id": 1, "title": "Toy Story", "rank_before": None, "rank_after": 3, "cause": "shares Comedy"}
    whatif = {
        "kind": "more_genre", "description": "if you liked 5 more Comedy films", "k": 10, "intervened": [],
        "before": [], "after": [{"item_id": 1, "title": "Toy Story", "rank": 3, "score": 0.5}],
        "entered": [move], "left": [], "moved": [],
    }  # fmt: skip
    text = render_outcome(ToolOutcome("simulate_intervention", {}, True, whatif))
    assert text.splitlines()[0] == "If you liked 5 more Comedy films, Toy Story would enter your top 10."
    assert "- Toy Story enters (not listed → #3): shares Comedy" in text
