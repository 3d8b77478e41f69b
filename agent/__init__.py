"""The LangGraph agent: planners, the graph, the grounded responder and sessions."""
