"""The data CraftGraph ships: data/ of a source checkout, or its copy inside an installed wheel.

The wheel carries data/ as the package `craftgraph_data` (pyproject.toml), so `craftgraph build` finds
the curated catalog, and `craftgraph fetch` the list of public files, outside the repository.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

REPO_DATA = Path(__file__).resolve().parents[1] / "data"
PACKAGE = "craftgraph_data"


def data_dir() -> Path:
    """data/ of the checkout this code runs from, else the installed copy."""
    if (REPO_DATA / "catalog").is_dir():
        return REPO_DATA
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"no {REPO_DATA} and no installed {PACKAGE}: reinstall CraftGraph")
    return Path(next(iter(spec.submodule_search_locations)))


def catalog_dir() -> Path:
    """The curated catalog shipped with CraftGraph."""
    return data_dir() / "catalog"


def sources_yaml() -> Path:
    """data/sources.yaml: the public files, their layout, URLs and pinned sha256."""
    return data_dir() / "sources.yaml"
