"""The customer clock and scheduled work: nudges, digest, tips, people's time zones."""
