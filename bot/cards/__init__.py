"""The card workflow: who may act, and what take, update, reassign and resolve change."""
