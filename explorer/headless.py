"""Driving the explorer in headless Chromium: shared by the browser tests and benchmarks/app.py."""

from __future__ import annotations

from graph import settings

# Debian's chromium; no browser is downloaded (`playwright install` is not possible here).
CHROMIUM = settings.current().chromium
# Without the background-networking flags Chromium keeps trying hosts this closed network refuses.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Rendered = no stale element (from the previous run) and no skeleton (an element whose code is still loading).
FRESH = """() => !document.querySelector('[data-stale="true"], [data-testid="stSkeleton"]')"""
