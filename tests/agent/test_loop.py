"""The model <-> tools loop over the OpenAI protocol: rounds, chained calls, grounding, and every fault.

The model is a scripted OpenAI-compatible server (``openai_fake``); the tools and the deterministic
planner are real, so each test shows what a person would get.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.agent.openai_fake import FakeOpenAI, serve_fake, text, tool_call
from whyrec.agent.llm import GRAMMAR_KEY
from whyrec.agent.llm.backend import ModelBackend
from whyrec.agent.llm.server import free_port
from whyrec.agent.runtime import Agent, Final, ReplyToken, ToolStep

MATRIX, HEAT, ALIEN, FIGHT_CLUB, HER, FARGO = 2571, 6, 1214, 2959, 106920, 608
FAST = {"timeout_s": 2.0, "queue_wait_s": 1.0}


@pytest.fixture()
def model(make_agent: Callable[..., Agent], semantic_planner: Any) -> Iterator[tuple[FakeOpenAI, Callable[..., Agent]]]:
    """A scripted model and a factory of agents planning with it (the real deterministic planner as fallback)."""
    with serve_fake() as (fake, url):

        def agent(max_steps: int = 4) -> Agent:
            llm = {**FAST, "backend": "openai", "base_url": url}
            return make_agent(planner="llm", llm=llm, agent={"max_steps": max_steps}, semantic=semantic_planner)

        yield fake, agent


def tools_of(result: Any) -> list[str]:
    return [c["name"] for c in result.tool_calls]


def test_the_model_sees_each_result_and_chains_a_call(model: Any) -> None:
    fake, make = model
    fake.script = [
        tool_call("recommend", {"like": ["The Matrix"], "k": 3}),
        tool_call("explain_recommendation", {"item": "#1"}),
        text("Here is why the first one is there."),
    ]
    message = "I loved The Matrix. Recommend 3 films like it and tell me why the first one is there"
    result = make().turn(message, session_id="s1")
    assert result.planner == "llm"
    assert [(s["round"], s["tool"]) for s in result.steps] == [(1, "recommend"), (2, "explain_recommendation")]
    first = result.items[0]["item_id"]
    assert result.tool_calls[1]["args"]["item"] == first  # "#1" is the list the first call just made
    assert result.explanation is not None and result.explanation["item_id"] == first
    assert result.reply.startswith("Here is why the first one is there.")
    assert "Here are 3 films for you" in result.reply  # the results, rendered from the tool outputs
    second = fake.requests[1]["messages"]
    assert second[-1]["role"] == "tool" and "3 films, best first: 1." in second[-1]["content"]
    named = {"type": "function", "function": {"name": "explain_recommendation"}}
    assert fake.requests[1]["tool_choice"] == named  # the why the words ask for is due once the list is made
    assert fake.requests[2].get("tool_choice") != named  # and only until it is answered


def test_a_list_asked_for_alone_leaves_the_next_round_free(model: Any) -> None:
    fake, make = model
    fake.script = [tool_call("recommend", {"like": ["The Matrix"], "k": 3}), text("Here they are.")]
    make().turn("I loved The Matrix. Recommend 3 films like it", session_id="s1")
    assert "tool_choice" not in fake.requests[1] or fake.requests[1]["tool_choice"] == "auto"


def test_two_calls_in_one_answer_run_one_after_the_other(model: Any) -> None:
    fake, make = model
    both = tool_call("recommend", {"like": ["The Matrix"], "k": 3})
    both["tool_calls"].append(tool_call("explain_recommendation", {"item": "#1"})["tool_calls"][0])
    both["tool_calls"][1]["id"] = "call_explain"
    fake.script = [both, text("Done.")]
    result = make().turn("3 films like The Matrix, and why is the first one there?", session_id="s1")
    assert [(s["round"], s["tool"]) for s in result.steps] == [(1, "recommend"), (2, "explain_recommendation")]
    assert result.tool_calls[1]["args"]["item"] == result.items[0]["item_id"]
    assert len(fake.requests) == 2  # the queued call needed no model request


def test_an_ambiguous_title_goes_back_to_the_model_with_the_candidates(model: Any) -> None:
    fake, make = model
    fake.script = [tool_call("lookup_item", {"item": "Star Wars"}), text("Which Star Wars do you mean?")]
    result = make().turn("tell me about star wars", session_id="s1")
    told = fake.requests[1]["messages"][-1]
    assert told["role"] == "tool" and "could mean several films" in told["content"]
    assert "Star Wars: Episode IV - A New Hope (1977)" in told["content"]
    assert result.reply.startswith("Which Star Wars do you mean?")
    assert "Episode V - The Empire Strikes Back (1980)" in result.reply  # the person sees the choices too


@pytest.mark.parametrize(
    ("arguments", "dropped"),
    [
        ({"like": ["Alien"], "year_min": 1900, "year_max": 2023}, ["year_min=1900", "year_max=2023"]),
        ({"like": ["Alien"], "genres_include": ["Comedy", "Western"]}, ["genres_include ['Comedy', 'Western']"]),
        ({"like": ["Alien", "The Hangover Part IV"]}, ["like ['The Hangover Part IV']"]),
        ({"like": ["Alien"], "k": 1}, ["k=1"]),
        ({"like": ["Alien"], "query": "space movie about hangovers"}, ["query"]),
    ],
)
def test_arguments_nobody_asked_for_are_dropped_before_the_tool_runs(
    model: Any, arguments: dict[str, Any], dropped: list[str]
) -> None:
    fake, make = model
    fake.script = [tool_call("recommend", arguments), text("Here you go.")]
    result = make().turn("something like alien, a space movie", session_id="s1")
    args = result.tool_calls[0]["args"]
    assert args["like"] == [ALIEN]
    assert args["year_min"] is None and args["year_max"] is None and args["genres_include"] == []
    assert args["k"] == 10 and "hangovers" not in (args["query"] or "")
    for what in dropped:
        assert any(what in change for change in result.grounding), (what, result.grounding)


def test_what_the_person_asked_for_is_kept_and_the_reader_fills_in_what_the_model_left_out(model: Any) -> None:
    fake, make = model
    fake.script = [tool_call("recommend", {"genres_exclude": ["Horror"], "year_min": 2000}), text("Newer picks.")]
    result = make().turn("something like heat but newer, no horror", session_id="s1")
    args = result.tool_calls[0]["args"]
    assert args["like"] == [HEAT] and args["genres_exclude"] == ["Horror"]
    assert args["year_min"] == 1996  # "newer than Heat (1995)", as the reader resolves it
    assert all(item["item_id"] != HEAT for item in result.items)


def test_a_genre_the_person_ruled_out_is_excluded_even_where_the_model_asked_for_it(model: Any, catalog: Any) -> None:
    fake, make = model
    fake.script = [tool_call("recommend", {"genres_include": ["Comedy", "Horror"]}), text("Scary picks.")]
    result = make().turn("horror films please, but no comedies", session_id="s1")
    args = result.tool_calls[0]["args"]
    assert args["genres_include"] == ["Horror"] and args["genres_exclude"] == ["Comedy"]
    assert any("moved ['Comedy']" in change for change in result.grounding)
    assert result.items and all("Comedy" not in catalog.item(item["item_id"]).genres for item in result.items)


def test_genres_asked_for_as_alternatives_become_an_any_of_filter_where_the_model_asked_for_all(
    model: Any, catalog: Any
) -> None:
    fake, make = model
    fake.script = [tool_call("recommend", {"genres_include": ["Comedy", "Horror"]}), text("Picks.")]
    result = make().turn("got any comedies or horror movies?", session_id="s1")
    args = result.tool_calls[0]["args"]
    assert (args["genres_include"], args["genres_any"]) == ([], ["Comedy", "Horror"])
    assert any("to genres_any" in change for change in result.grounding)
    genres = [set(catalog.item(item["item_id"]).genres) for item in result.items]
    assert genres and all(g & {"Comedy", "Horror"} for g in genres)
    assert any("Comedy" in g and "Horror" not in g for g in genres)  # not only horror-comedies


def test_an_any_of_genre_nobody_named_is_dropped(model: Any) -> None:
    fake, make = model
    fake.script = [tool_call("recommend", {"genres_any": ["Comedy", "Western"]}), text("Picks.")]
    result = make().turn("a comedy or something animated", session_id="s1")
    assert result.tool_calls[0]["args"]["genres_any"] == ["Comedy", "Animation"]
    assert any("dropped genres_any ['Western']" in change for change in result.grounding)


def test_a_catalog_listing_searches_for_the_topic_the_person_named(model: Any) -> None:
    fake, make = model
    fake.script = [tool_call("recommend", {"genres_exclude": ["Comedy"]}), text("Here they are.")]
    result = make().turn("which shark movies do you have? no comedies", session_id="s1")
    args = result.tool_calls[0]["args"]
    assert tools_of(result) == ["search_items"] and args["query"] == "shark" and args["genres_exclude"] == ["Comedy"]


def test_a_follow_up_call_the_message_does_not_ask_for_is_dropped(model: Any) -> None:
    fake, make = model
    fake.script = [tool_call("recommend", {"like": ["Heat"]}), tool_call("explain_recommendation", {"item": "#1"})]
    fake.fallback = text("Here are some.")
    result = make().turn("films like heat", session_id="s1")
    assert tools_of(result) == ["recommend"]
    assert any("does not ask for" in change for change in result.grounding)


def test_a_why_written_as_y_keeps_the_models_explanation(model: Any) -> None:
    fake, make = model
    fake.script = [tool_call("explain_recommendation", {"item": "Heat"}), text("Here is why.")]
    result = make().turn("y did u rec heat lol", session_id="s1")
    assert tools_of(result) == ["explain_recommendation"] and result.planner == "llm"


@pytest.mark.parametrize(
    ("message", "call"),
    [
        ("how did heat end up on my list??", tool_call("lookup_item", {"item": "Heat"})),
        ("whats the reason you'd recommend heat to me", tool_call("recommend", {"like": ["Heat"]})),
        (
            "what in my history made you suggest heat",
            tool_call("simulate_intervention", {"kind": "remove", "items": [HEAT]}),
        ),
    ],
)
def test_a_why_without_why_answered_about_the_same_film_is_explained(model: Any, message: str, call: Any) -> None:
    fake, make = model
    fake.script = [call, text("Here is why.")]
    result = make().turn(message, session_id="s1", user_id=1)
    assert tools_of(result) == ["explain_recommendation"] and result.tool_calls[0]["args"]["item"] == HEAT
    assert any("called as explain_recommendation" in change for change in result.grounding)
    fake.script = [tool_call("lookup_item", {"item": "Heat"}), text("Here it is.")]
    assert tools_of(make().turn("what is heat about?", session_id="s2", user_id=1)) == ["lookup_item"]


@pytest.mark.parametrize(
    ("message", "kept"),
    [
        ("just finished her, the one with joaquin phoenix. more like that pls", True),  # a film verb takes it
        ("my sister loves joaquin phoenix, find something for her", False),  # "her" is only a pronoun here
    ],
)
def test_an_everyday_one_word_title_the_model_names_needs_a_film_verb(model: Any, message: str, kept: bool) -> None:
    fake, make = model
    fake.script = [tool_call("recommend", {"like": ["Her (2013)"]}), text("Here are some.")]
    result = make().turn(message, session_id="s1")
    assert (result.tool_calls[0]["args"]["like"] == [HER]) is kept, result.grounding


def test_a_request_for_films_asks_the_server_for_one_call_and_a_why_for_two(model: Any) -> None:
    fake, make = model
    fake.script = [tool_call("recommend", {"like": ["Heat"]}), text("Here are some.")]
    make().turn("films like heat", session_id="s1")
    assert [r.get("parallel_tool_calls") for r in fake.requests] == [False, False]
    fake.requests.clear()
    fake.script = [
        tool_call("recommend", {"like": ["The Matrix"], "k": 3}),
        tool_call("explain_recommendation", {"item": "#1"}),
        text("Here is why."),
    ]
    make().turn("3 films like The Matrix, and why is the first one there?", session_id="s2")
    first, *later = (r.get("parallel_tool_calls") for r in fake.requests)
    assert first is None and later == [False, False]  # two at once only where the words ask; then one per round


def test_a_request_the_reader_plans_a_tool_for_must_be_answered_with_a_call(model: Any) -> None:
    fake, make = model
    fake.script = [tool_call("recommend", {"like": ["Heat"]}), text("Here are some.")]
    make().turn("films like heat", session_id="s1")
    assert [r.get("tool_choice") for r in fake.requests] == ["required", None]  # the closing sentence is free
    fake.requests.clear()
    fake.script = [text("Hello! Ask me for films.")]
    make().turn("hi there", session_id="s2")
    assert [r.get("tool_choice") for r in fake.requests] == [None]


def test_a_call_free_answer_that_invents_facts_falls_back(model: Any) -> None:
    fake, make = model
    fake.script = [text("You will love Titanic (1997), rated 4.9 by everyone.")]
    result = make().turn("recommend me something like The Matrix", session_id="s1")
    assert result.planner == "semantic" and tools_of(result) == ["recommend"]
    assert any("without a tool" in n for n in result.notes)


def test_a_closing_sentence_naming_facts_no_tool_returned_is_replaced_by_the_template(model: Any) -> None:
    fake, make = model
    fake.script = [tool_call("lookup_item", {"item": "The Matrix"}), text("The Matrix is great, and so is Titanic.")]
    result = make().turn("tell me about The Matrix", session_id="s1")
    assert result.reply.startswith("The Matrix (1999): Action, Sci-Fi, Thriller.")
    assert any("not in the tool results" in n and "titanic" in n for n in result.notes)


def test_a_closing_sentence_cut_at_the_length_limit_is_not_shown(model: Any) -> None:
    fake, make = model
    cut = "The Matrix (1999) is a film that many people have seen and it is about"
    fake.script = [tool_call("lookup_item", {"item": "The Matrix"}), text(cut, finish="length")]
    result = make().turn("tell me about The Matrix", session_id="s1")
    assert result.planner == "llm" and result.reply.startswith("The Matrix (1999): Action, Sci-Fi, Thriller.")
    assert cut not in result.reply and any("length limit" in n for n in result.notes)


def test_a_call_free_answer_cut_at_the_length_limit_falls_back(model: Any) -> None:
    fake, make = model
    fake.script = [text("Hello! I am whyrec and I can help you with films and many other things such as", "length")]
    result = make().turn("hello", session_id="s1")
    assert result.planner == "semantic" and result.reply.startswith("I'm whyrec.")
    assert any("length limit" in n for n in result.notes)


def test_numbers_count_as_facts_list_positions_too(model: Any) -> None:
    fake, make = model
    fake.script = [tool_call("lookup_item", {"item": "The Matrix"}), text("It is number 7 on my list.")]
    result = make().turn("tell me about The Matrix", session_id="s1")
    assert any("states 7" in n for n in result.notes)


@pytest.mark.parametrize("mode", ["500", "slow", "garbage", "die"])
def test_a_failing_model_is_answered_by_the_fallback_within_the_bounded_wait(model: Any, mode: str) -> None:
    fake, make = model
    fake.mode = mode
    agent = make()
    start = time.perf_counter()
    result = agent.turn("tell me about The Matrix", session_id="s1")
    assert time.perf_counter() - start < 5.0
    assert result.planner == "semantic" and tools_of(result) == ["lookup_item"]
    assert "The Matrix (1999)" in result.reply
    assert any("deterministic planner answered" in n for n in result.notes)


def test_a_malformed_call_is_answered_by_the_fallback(model: Any) -> None:
    fake, make = model
    fake.script = [tool_call("lookup_item", "{'item': 25")]  # not JSON: no usable call comes of it
    result = make().turn("tell me about The Matrix", session_id="s1")
    assert result.planner == "semantic" and result.tool_calls == [{"name": "lookup_item", "args": {"item": MATRIX}}]
    assert any("did not answer usably" in n for n in result.notes)


def test_a_model_server_that_is_gone_is_answered_by_the_fallback(
    make_agent: Callable[..., Agent], semantic_planner: Any
) -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    agent = make_agent(planner="llm", llm={**FAST, "backend": "openai", "base_url": url}, semantic=semantic_planner)
    start = time.perf_counter()
    result = agent.turn("tell me about The Matrix", session_id="s1")
    assert time.perf_counter() - start < 5.0
    assert "The Matrix (1999)" in result.reply and any("did not answer" in n for n in result.notes)


def test_a_model_that_keeps_calling_is_stopped_at_the_round_limit(model: Any) -> None:
    fake, make = model
    fake.script = [tool_call("lookup_item", {"item": title}) for title in ("The Matrix", "Heat", "Alien", "Fargo")]
    result = make(max_steps=2).turn("tell me about The Matrix, Heat, Alien and Fargo", session_id="s1")
    assert [s["tool"] for s in result.steps] == ["lookup_item", "lookup_item"]
    assert any("step limit" in n for n in result.notes)


def test_the_turn_streams_its_planning_step_at_once_and_the_reply_token_by_token(model: Any) -> None:
    fake, make = model
    fake.script = [tool_call("lookup_item", {"item": "The Matrix"}), text("A classic of its kind.")]
    agent = make()
    start = time.perf_counter()
    events = []
    for event in agent.stream("tell me about The Matrix", session_id="s1"):
        events.append((time.perf_counter() - start, event))
    took, first = events[0]
    assert isinstance(first, ToolStep) and first.name == "plan" and first.status == "pending" and took < 1.0
    kinds = [type(e).__name__ for _, e in events]
    assert kinds.index("ToolStep") < kinds.index("ReplyToken") < kinds.index("Final")
    assert "".join(e.text for _, e in events if isinstance(e, ReplyToken)) == "A classic of its kind."
    assert isinstance(events[-1][1], Final) and events[-1][1].result.reply.startswith("A classic of its kind.")


def test_sessions_queue_for_the_one_model_and_fall_back_past_the_bounded_wait(
    make_agent: Callable[..., Agent], semantic_planner: Any
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with serve_fake() as (fake, url):
        fake.mode = "slow"  # each model answer takes 8 s; the turn gives up after timeout_s
        llm = {"backend": "openai", "base_url": url, "timeout_s": 3.0, "queue_wait_s": 0.5}
        agent = make_agent(planner="llm", llm=llm, semantic=semantic_planner)
        with ThreadPoolExecutor(max_workers=2) as pool:
            first = pool.submit(agent.turn, "tell me about The Matrix", session_id="a")
            time.sleep(0.3)
            second = pool.submit(agent.turn, "tell me about Heat", session_id="b")
            results = [first.result(timeout=20), second.result(timeout=20)]
    assert any("busy" in n for n in results[1].notes)
    assert all("deterministic planner" in " ".join(r.notes) for r in results)
    assert agent.profile("a").last_looked_up == MATRIX and agent.profile("b").last_looked_up == HEAT


def test_a_search_the_person_did_not_ask_for_is_a_recommendation(model: Any) -> None:
    fake, make = model
    fake.script = [tool_call("search_items", {"genres_exclude": ["Comedy"]}), text("No comedies here.")]
    result = make().turn("anything except comedies", session_id="s1")
    assert tools_of(result) == ["recommend"] and result.tool_calls[0]["args"]["genres_exclude"] == ["Comedy"]
    assert any("called as recommend" in change for change in result.grounding)


@pytest.mark.parametrize(
    ("message", "planned", "expected_tool"),
    [
        ("I already saw Fargo and loved it", tool_call("simulate_intervention", {"kind": "remove", "items": ["Fargo"]}),
         "record_feedback"),  # a what-if nobody asked for
        ("are you a robot?", tool_call("lookup_item", {"item": "Are you a robot? (2019)"}), None),  # no such film
        ("help", tool_call("lookup_item", {"item": "Help!"}), None),  # an ordinary word, not the 1965 film
    ],
)  # fmt: skip
def test_a_call_the_message_does_not_support_hands_the_turn_to_the_fallback(
    model: Any, message: str, planned: dict[str, Any], expected_tool: str | None
) -> None:
    fake, make = model
    fake.script = [planned]
    result = make().turn(message, session_id="s1")
    assert result.planner == "semantic"
    assert (tools_of(result) or [None])[0] == expected_tool
    assert any("no usable tool call" in n for n in result.notes)


def test_the_effect_question_the_person_asked_wins_over_the_models_default(model: Any) -> None:
    fake, make = model
    fake.script = [tool_call("estimate_effect", {"question": "ate"}), text("It depends on the genre.")]
    result = make().turn("how does the featuring effect vary by genre?", session_id="s1")
    assert result.tool_calls[0]["args"]["question"] == "cate_genre"


def test_a_genre_put_where_films_go_becomes_the_what_if_about_that_genre(model: Any) -> None:
    fake, make = model
    fake.script = [
        tool_call("simulate_intervention", {"kind": "remove", "items": ["Horror"]}),
        text("Here is what changes."),
    ]
    result = make().turn("what if i never watched any horror at all?", session_id="s1", user_id=1)
    assert result.planner == "llm"
    assert {k: result.tool_calls[0]["args"].get(k) for k in ("kind", "genre")} == {
        "kind": "exclude_genre",
        "genre": "Horror",
    }


@pytest.mark.parametrize(
    ("message", "kind"), [("what if i had seen fargo too?", "add"), ("what if i hadn't seen fargo?", "remove")]
)
def test_a_what_if_adds_or_removes_as_the_person_put_it(model: Any, message: str, kind: str) -> None:
    fake, make = model
    flipped = "remove" if kind == "add" else "add"
    fake.script = [tool_call("simulate_intervention", {"kind": flipped, "items": ["Fargo"]}), text("Here it is.")]
    result = make().turn(message, session_id="s1", user_id=1 if kind == "remove" else None)
    assert result.planner == "llm" and result.tool_calls[0]["args"]["kind"] == kind


def test_a_hypothetical_about_the_person_s_history_planned_as_a_list_is_a_what_if(model: Any) -> None:
    fake, make = model
    fake.script = [tool_call("recommend", {"like": ["Fargo"]}), text("Here it is.")]
    result = make().turn("what if i'd liked fargo, what would you recommend me then?", session_id="s1")
    args = result.tool_calls[0]["args"]
    assert tools_of(result) == ["simulate_intervention"] and (args["kind"], args["items"]) == ("add", [FARGO])
    assert any("called as simulate_intervention" in change for change in result.grounding)
    fake.script = [tool_call("recommend", {"like": ["Fargo"]}), text("Here it is.")]
    assert tools_of(make().turn("i liked fargo, what would you recommend me?", session_id="s2")) == ["recommend"]


def test_the_films_the_person_named_are_kept_where_the_model_named_only_some(model: Any) -> None:
    fake, make = model
    fake.script = [tool_call("recommend", {"like": ["The Fellowship of the Ring"]}), text("Picks.")]
    result = make().turn("loved the lotr trilogy, more fantasy like that please", session_id="s1")
    assert result.tool_calls[0]["args"]["like"] == [4993, 5952, 7153]


def test_a_genre_what_if_given_as_the_last_lists_films_is_about_the_genre(model: Any) -> None:
    fake, make = model
    fake.script = [tool_call("recommend", {"genres_include": ["Romance"]}), text("Picks.")]
    make().turn("some romance films please", session_id="s1", user_id=1)
    listed = [f"#{n}" for n in (1, 2, 3)]
    fake.script = [tool_call("simulate_intervention", {"kind": "remove", "items": listed}), text("Here it is.")]
    result = make().turn("what if you ignored all the romance in my history", session_id="s1", user_id=1)
    args = result.tool_calls[0]["args"]
    assert (args["kind"], args.get("genre"), args.get("items") or []) == ("exclude_genre", "Romance", [])


def test_a_server_building_its_grammar_from_the_schemas_is_sent_them_narrowed(
    make_agent: Callable[..., Agent], semantic_planner: Any
) -> None:
    with serve_fake() as (fake, url):
        llm = {**FAST, "backend": "openai", "base_url": url}
        plain = make_agent(planner="llm", llm=llm, semantic=semantic_planner)
        fake.script = [tool_call("recommend", {"like": ["Heat"]}), text("Here are some.")]
        plain.turn("films like heat", session_id="s1")
        assert all(GRAMMAR_KEY not in t["function"]["parameters"] for t in fake.requests[0]["tools"])  # vLLM & co
        backend = ModelBackend(plain.planner.llm.chat_model, wait_s=1.0)  # type: ignore[union-attr]
        backend.narrows = True  # as the embedded server's handler does
        narrowing = make_agent(planner="llm", llm=llm, semantic=semantic_planner, backend=backend)
        fake.requests.clear()
        fake.script = [tool_call("recommend", {"like": ["Heat"]}), text("Here are some.")]
        result = narrowing.turn("films like heat", session_id="s2")
        grammar = {t["function"]["name"]: t["function"]["parameters"][GRAMMAR_KEY] for t in fake.requests[0]["tools"]}
        assert set(grammar["recommend"]["properties"]) == {"like", "query"} and grammar["estimate_effect"] is False
        assert result.planner == "llm" and result.tool_calls[0]["args"]["like"] == [HEAT]


def after_a_list(make: Callable[..., Agent]) -> Agent:
    """An agent whose session "s1" was last shown Heat, Fargo and Alien, in that order."""
    agent = make()
    agent.show_recorded("s1", "Here are some picks: Heat (1995), Fargo (1996), Alien (1979)")
    return agent


def test_a_why_the_reader_reads_without_a_why_word_is_kept(model: Any) -> None:
    fake, make = model
    agent = after_a_list(make)
    fake.script = [tool_call("explain_recommendation", {"item": "Fargo"}), text("Here is the reasoning.")]
    result = agent.turn("what's the reasoning behind fargo?", session_id="s1")
    assert result.planner == "llm" and result.intent == "explain", result.grounding
    assert result.tool_calls[0]["args"]["item"] == FARGO


def test_a_position_in_the_list_is_counted_by_the_reader(model: Any) -> None:
    fake, make = model
    agent = after_a_list(make)
    fake.script = [tool_call("explain_recommendation", {"item": "Heat"}), text("Here is why.")]
    result = agent.turn("why's the last one there?", session_id="s1")
    assert result.planner == "llm" and result.tool_calls[0]["args"]["item"] == ALIEN, result.grounding


def test_films_like_a_place_in_the_list_are_the_films_at_that_place(model: Any) -> None:
    fake, make = model
    agent = after_a_list(make)
    fake.script = [tool_call("recommend", {"like": ["Heat"], "k": 6}), text("Here are six.")]
    result = agent.turn("ooh the last one looks interesting, give me 6 more like that", session_id="s1")
    assert result.planner == "llm" and result.tool_calls[0]["args"]["like"] == [ALIEN], result.grounding


def test_a_supposition_opening_with_say_i_planned_as_a_list_is_a_what_if(model: Any) -> None:
    fake, make = model
    fake.script = [tool_call("recommend", {"like": ["Fargo"]}), text("Here it is.")]
    result = make().turn("say i'd also seen fargo, how would my list look then", session_id="s1", user_id=1)
    assert tools_of(result) == ["simulate_intervention"], result.grounding


def test_a_what_if_gets_every_film_the_person_named(model: Any) -> None:
    fake, make = model
    fake.script = [tool_call("simulate_intervention", {"kind": "add", "items": ["Fargo"]}), text("Here it is.")]
    result = make().turn("suppose i had seen heat and fargo, how would my list shift?", session_id="s1")
    assert result.planner == "llm" and result.tool_calls[0]["args"]["items"] == [HEAT, FARGO], result.grounding


def test_a_list_where_the_words_ask_for_a_look_up_is_dropped_for_the_readers_plan(model: Any) -> None:
    fake, make = model
    agent = after_a_list(make)
    fake.script = [tool_call("recommend", {"like": ["Alien"]})]
    result = agent.turn("whats the 3rd one about", session_id="s1")
    assert result.planner == "semantic" and tools_of(result) == ["lookup_item"], result.grounding
    assert result.tool_calls[0]["args"]["item"] == ALIEN
