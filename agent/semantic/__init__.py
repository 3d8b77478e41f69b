"""The deterministic semantic planner: intent by nearest labeled exemplars, slots by lexicons and title linking."""
