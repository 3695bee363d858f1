"""Capture and routing: from what an agent typed to a stored item and its owner."""
