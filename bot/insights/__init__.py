"""Insights: what the frontline is hearing, across items — similar requests, merges, search,
the weekly report for leads and export."""
