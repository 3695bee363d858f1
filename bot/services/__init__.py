"""The use cases the listeners and jobs call (today one facade, to be split)."""
