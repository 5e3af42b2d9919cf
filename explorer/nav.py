"""The explorer's pages, by key; app.py fills it so pages can link to each other."""

from __future__ import annotations

PAGES: dict = {}
