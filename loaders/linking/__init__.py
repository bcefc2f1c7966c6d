"""Linking geokg actors to external datasets: offline ids first (offline.py)."""
