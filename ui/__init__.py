"""The Gradio chat: an adapter over the agent only."""
