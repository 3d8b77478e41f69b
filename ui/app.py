"""The Gradio chat: a ``gr.ChatInterface`` streaming the agent's steps, with a side panel of cards and visuals.

An adapter over :class:`whyrec.agent.runtime.Agent` only: each browser tab is one agent session;
tool steps stream as ``gr.ChatMessage`` with ``metadata`` (title, pending/done, duration); the final
result fills the side panel (recommendation cards with thumbs up/down, the "why" chart, the what-if
table, the effect chart and its DAG). Errors become a friendly line, never a traceback.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator
from typing import Any, Protocol

import gradio as gr
import pandas as pd

from whyrec.agent.runtime import AgentEvent, Final, ReplyToken, ToolStep, TurnResult
from whyrec.agent.state import SessionProfile
from whyrec.errors import WhyrecError
from whyrec.ui import charts, render

log = logging.getLogger(__name__)
ITEM_CHOICES = 3000  # most-rated films offered in the profile editor (plus any already in the profile)
NEW = "new"
EXAMPLES = [
    "Recommend something like Heat but newer, no horror",
    "Why the first one?",
    "What if I watched more comedies?",
    "Does featuring a film on the home page make people watch it?",
    "Tell me about The Matrix",
]
CSS = """
.whyrec-card {border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 6px 10px; margin: 2px 0;}
.whyrec-card-title {font-weight: 600;} .whyrec-card-meta, .whyrec-card-reason {font-size: 0.85em; opacity: 0.85;}
.whyrec-card-details {font-size: 0.75em; opacity: 0.7;} .whyrec-card-details summary {cursor: pointer;}
.whyrec-card-row {gap: 4px !important; align-items: flex-start !important; flex-wrap: nowrap !important;}
.whyrec-card-row > .html-container, .whyrec-card-row > div:first-child {
  flex: 1 1 auto !important; min-width: 0 !important;}
button.whyrec-thumb {flex: 0 0 auto !important; min-width: 0 !important; width: 2.2em !important;
  height: 2.2em !important; padding: 0 !important; margin-top: 6px !important; font-size: 1em !important;
  line-height: 1 !important;}
.whyrec-whatif table {width: 100%; font-size: 0.85em;} .whyrec-caption {font-weight: 600; margin-bottom: 4px;}
.whyrec-caption small {font-weight: normal;}
.whyrec-whatif .up {color: #2ca02c;} .whyrec-whatif .down {color: #d62728;}
"""


class AgentLike(Protocol):
    """The part of :class:`whyrec.agent.runtime.Agent` the chat uses."""

    def stream(self, message: str, *, session_id: str, user_id: int | None = None) -> Iterator[AgentEvent]: ...
    def profile(self, session_id: str) -> SessionProfile: ...
    def set_user(self, session_id: str, user_id: int | None) -> SessionProfile: ...
    def update_profile(self, session_id: str, liked: list[int], disliked: list[int]) -> SessionProfile: ...
    def model_status(self) -> str | None: ...


class ChatUI:
    """The handlers behind the page; each takes the tab's session id and returns component updates."""

    def __init__(
        self, agent: AgentLike, items: pd.DataFrame, users: dict[int, str], dag: Callable[[], str], status: str
    ) -> None:
        self.agent, self.items, self.users, self.dag, self.status = agent, items, users, dag, status
        popular = items.sort_values("popularity", ascending=False).head(ITEM_CHOICES)
        self.popular = [int(i) for i in popular.index]

    def label(self, item_id: int) -> str:
        row = self.items.loc[item_id]
        return f"{row['title']} ({row['year']})" if pd.notna(row["year"]) else str(row["title"])

    # --- profile ------------------------------------------------------------------------------
    def profile_outputs(self, profile: SessionProfile) -> tuple[str, Any, Any]:
        """The profile summary and the two editable lists (their choices include the current picks)."""
        who = self.users.get(profile.user_id, f"user {profile.user_id}") if profile.user_id else render.NEW_USER
        choices = [(self.label(i), i) for i in dict.fromkeys([*profile.liked, *profile.disliked, *self.popular])]
        summary = render.profile_markdown(
            who, [self.label(i) for i in profile.liked], [self.label(i) for i in profile.disliked]
        )
        return (
            summary,
            gr.Dropdown(choices=choices, value=profile.liked, multiselect=True),
            gr.Dropdown(choices=choices, value=profile.disliked, multiselect=True),
        )

    def pick_user(self, session_id: str, choice: str) -> tuple[str, Any, Any]:
        try:
            profile = self.agent.set_user(session_id, None if choice in (None, NEW) else int(choice))
        except WhyrecError as exc:
            raise gr.Error(str(exc)) from None
        return self.profile_outputs(profile)

    def save_profile(self, session_id: str, liked: list[int], disliked: list[int]) -> tuple[str, Any, Any]:
        try:
            profile = self.agent.update_profile(session_id, [int(i) for i in liked], [int(i) for i in disliked])
        except WhyrecError as exc:
            raise gr.Error(str(exc)) from None
        gr.Info("Profile saved: the next answer uses it.")
        return self.profile_outputs(profile)

    def feedback(self, session_id: str, item_id: int, liked: bool) -> tuple[str, Any, Any]:
        """Thumbs up/down: the item joins liked (or disliked) and leaves the other list; the next turn uses it."""
        profile = self.agent.profile(session_id)
        keep, drop = (profile.liked, profile.disliked) if liked else (profile.disliked, profile.liked)
        keep = [*keep, item_id] if item_id not in keep else keep
        drop = [i for i in drop if i != item_id]
        new_liked, new_disliked = (keep, drop) if liked else (drop, keep)
        try:
            profile = self.agent.update_profile(session_id, new_liked, new_disliked)
        except WhyrecError as exc:
            raise gr.Error(str(exc)) from None
        gr.Info(f"{'👍' if liked else '👎'} {self.label(item_id)}: the next recommendations take it into account.")
        return self.profile_outputs(profile)

    # --- chat ---------------------------------------------------------------------------------
    def chat(self, message: str, history: list[Any], session_id: str) -> Iterator[tuple[Any, ...]]:
        """Stream one turn: planning and tool steps as they start and finish, the model's words as they come,
        then the reply (which may replace those words, if they did not hold) and the side panel."""
        shown: list[gr.ChatMessage] = []
        pending: dict[str, int] = {}
        cards: list[dict[str, Any]] | None = None
        written = ""
        skip = (gr.skip(),) * 9
        try:
            for event in self.agent.stream(message, session_id=session_id):
                if isinstance(event, ReplyToken):
                    written += event.text
                    yield ([*shown, gr.ChatMessage(role="assistant", content=written)], *skip)
                elif isinstance(event, ToolStep):
                    msg = render.step_message(
                        event.name, event.args, event.status, event.duration_s, event.error, event.title
                    )
                    if event.status == "pending":
                        pending[event.name] = len(shown)
                        shown.append(msg)
                    else:
                        at = pending.pop(event.name, None)
                        shown[at : at + 1 if at is not None else len(shown)] = [msg]
                        if event.status == "done" and event.output is not None:
                            cards = render.cards_from_output(event.name, event.output) or cards
                    yield (list(shown), *skip)
                elif isinstance(event, Final):
                    shown.append(render.reply_message(event.result.reply, event.result.notes))
                    yield (list(shown), *self.panel(event.result, cards, session_id))
        except Exception:  # never a traceback in the page; the log keeps it
            log.exception("chat turn failed in session %s", session_id)
            yield ([*shown, gr.ChatMessage(role="assistant", content=render.FRIENDLY_ERROR)], *skip)

    def panel(self, result: TurnResult, cards: list[dict[str, Any]] | None, session_id: str) -> tuple[Any, ...]:
        """Side-panel updates for a finished turn: (cards, tabs, why, whatif, effect, dag, profile x3)."""
        tab = "cards"
        why = whatif = effect = dag = gr.skip()
        if result.explanation:
            why, tab = gr.Plot(charts.why_figure(result.explanation), visible=True), "why"
        if result.whatif:
            whatif, tab = gr.HTML(render.whatif_html(result.whatif), visible=True), "whatif"
        if result.effect:
            effect, tab = gr.Plot(charts.effect_figure(result.effect), visible=True), "effect"
            dag = gr.Plot(charts.dag_figure(self.dag()), visible=True)
        new_cards = cards if cards is not None else gr.skip()
        profile = self.profile_outputs(self.agent.profile(session_id))
        return (new_cards, gr.Tabs(selected=tab), why, whatif, effect, dag, *profile)


def build_ui(
    agent: AgentLike, items: pd.DataFrame, users: dict[int, str], dag: Callable[[], str], status: str
) -> gr.Blocks:
    """The page: chat on the left, the person and the visuals on the right."""
    ui = ChatUI(agent, items, users, dag, status)
    user_choices = [(render.NEW_USER, NEW), *((summary, str(u)) for u, summary in sorted(users.items()))]
    with gr.Blocks(title="whyrec", analytics_enabled=False) as demo:
        session = gr.State(lambda: f"ui-{uuid.uuid4().hex}")
        cards = gr.State([])
        gr.Markdown(f"## whyrec: recommendations that can say why\n{status}")
        with gr.Row():
            left = gr.Column(scale=3)
            with gr.Column(scale=2):
                side = _side_panel(ui, session, cards, user_choices)
        with left:
            gr.ChatInterface(
                ui.chat,
                chatbot=gr.Chatbot(height=560, label="chat", elem_id="chat"),
                additional_inputs=[session],
                additional_outputs=[cards, *(side[k] for k in PANEL_OUTPUTS)],
                examples=[[e] for e in EXAMPLES],
                run_examples_on_click=False,
                fill_height=False,
                api_name="chat",
                analytics_enabled=False,
            )
        profile_out = [side["profile"], side["liked"], side["disliked"]]
        side["user"].change(ui.pick_user, inputs=[session, side["user"]], outputs=profile_out)
        side["save"].click(ui.save_profile, inputs=[session, side["liked"], side["disliked"]], outputs=profile_out)
        demo.load(lambda sid: ui.profile_outputs(agent.profile(sid)), inputs=[session], outputs=profile_out)
    demo.queue(default_concurrency_limit=8)
    return demo


PANEL_OUTPUTS = ("tabs", "why", "whatif", "effect", "dag", "profile", "liked", "disliked")


def _side_panel(ui: ChatUI, session: gr.State, cards: gr.State, user_choices: list[tuple[str, str]]) -> dict[str, Any]:
    """Who is asking and their editable profile, then tabs of cards and visuals."""
    side: dict[str, Any] = {
        "user": gr.Dropdown(user_choices, value=NEW, label="who is asking", elem_id="user"),
        "profile": gr.Markdown(render.profile_markdown(render.NEW_USER, [], []), elem_id="profile"),
    }
    with gr.Accordion("edit profile", open=False):
        side["liked"] = gr.Dropdown([], multiselect=True, label="liked")
        side["disliked"] = gr.Dropdown([], multiselect=True, label="disliked")
        side["save"] = gr.Button("Save profile", size="sm")
    profile_out = [side["profile"], side["liked"], side["disliked"]]
    with gr.Tabs(selected="cards", elem_id="visuals") as side["tabs"]:
        with gr.Tab("Cards", id="cards"):

            @gr.render(inputs=[cards])
            def show_cards(shown: list[dict[str, Any]]) -> None:
                if not shown:
                    gr.Markdown("Ask for recommendations to see cards here.")
                for n, card in enumerate(shown, 1):
                    with gr.Row(equal_height=False, elem_classes="whyrec-card-row"):
                        gr.HTML(render.card_html(card, n))
                        for liked, icon in ((True, "👍"), (False, "👎")):
                            button = gr.Button(icon, size="sm", min_width=0, scale=0, elem_classes="whyrec-thumb")
                            button.click(_thumb(ui, int(card["item_id"]), liked), inputs=[session], outputs=profile_out)

        with gr.Tab("Why", id="why"):
            side["why"] = gr.Plot(show_label=False, visible=False, elem_id="why")
        with gr.Tab("What-if", id="whatif"):
            side["whatif"] = gr.HTML(visible=False, elem_id="whatif")
        with gr.Tab("Effect", id="effect"):
            side["effect"] = gr.Plot(show_label=False, visible=False, elem_id="effect")
            side["dag"] = gr.Plot(show_label=False, visible=False, elem_id="dag")
    return side


def _thumb(ui: ChatUI, item_id: int, liked: bool) -> Callable[[str], tuple[str, Any, Any]]:
    return lambda session_id: ui.feedback(session_id, item_id, liked)
