"""The Jupyter analyses in notebooks/: committed without outputs, and each runs top to bottom.

Every notebook is executed with nbclient (kernel `python3`, i.e. this interpreter) against a snapshot
built from data/catalog in a temporary CRAFTGRAPH_HOME; any cell error fails the test. When NEO4J_URI
is set, that snapshot is loaded into Neo4j first, so 05_cypher_from_python runs the cookbook through the
neo4j driver. The notebooks that use public data (02: BLS employment, 04: the studies) also run against a
build with ../shared/data (marked fulldata).
"""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
NAMES = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
EXPECTED = {
    "01_quick_start.ipynb",
    "02_craft_exposure.ipynb",
    "03_forecasts_and_scenarios.ipynb",
    "04_literature.ipynb",
    "05_cypher_from_python.ipynb",
    "06_jobs_and_places.ipynb",
}

pytestmark = pytest.mark.notebooks


def execute(name: str, home: Path, monkeypatch) -> nbformat.NotebookNode:
    """Run one notebook in a fresh kernel with CRAFTGRAPH_HOME=home; returns it with outputs."""
    from nbclient import NotebookClient

    monkeypatch.setenv("CRAFTGRAPH_HOME", str(home))
    # `import streamlit` (the app tests) sets MPLBACKEND=Agg for the whole process; a kernel that
    # inherits it draws no inline figures, as a user's Jupyter would.
    monkeypatch.delenv("MPLBACKEND", raising=False)
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = NotebookClient(
        nb, kernel_name="python3", timeout=300, allow_errors=False, resources={"metadata": {"path": str(NOTEBOOKS)}}
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    return nb


def text_of(nb) -> str:
    """Everything the notebook printed or displayed as text."""
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream":
                out.append(o.get("text", ""))
            elif o.get("output_type") in ("execute_result", "display_data"):
                out.append(o.get("data", {}).get("text/plain", ""))
    return "\n".join(out)


def images(nb) -> int:
    return sum(
        1
        for cell in nb.cells
        for o in cell.get("outputs", [])
        if o.get("output_type") in ("execute_result", "display_data") and "image/png" in o.get("data", {})
    )


@pytest.fixture(scope="module")
def neo4j_holds_catalog(catalog_home):
    """When NEO4J_URI is set: the catalog snapshot loaded into Neo4j (else nothing: the notebook uses the
    embedded store)."""
    from graph import snapshot
    from graph.neo4j_store import configured, connect, load_snapshot

    if not configured():
        return False
    snap = snapshot.current_dir(catalog_home)
    with connect() as store:
        b = store.loaded_build()
        if not b or b.get("content_hash") != snapshot.read_manifest(snap)["content_hash"] or b.get("loading"):
            load_snapshot(store, snap, force=True)
    return True


# ------------------------------------------------------------------------------------------ static


def test_the_notebooks_are_there():
    assert set(NAMES) >= EXPECTED


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebook_has_no_outputs(name):
    """nbstripout's rule: no outputs, no execution counts, no widget state in git."""
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(nb)
    dirty = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (c.outputs or c.execution_count)]
    assert not dirty, f"{name}: cells {dirty} have outputs; strip them (nbstripout, or Clear All Outputs)"
    assert "widgets" not in nb.metadata, f"{name}: widget state in the metadata"
    for c in nb.cells:
        assert not c.get("metadata", {}).get("execution"), f"{name}: execution timing in cell metadata"


@pytest.mark.parametrize("name", NAMES)
def test_notebook_opens_with_a_title_and_loads_or_builds_the_snapshot(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "graph.load()" in code and 'build(REPO / "data" / "catalog"' in code


# ------------------------------------------------------------------------------------------ executed


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_top_to_bottom_on_the_catalog(name, catalog_home, neo4j_holds_catalog, monkeypatch):
    nb = execute(name, catalog_home, monkeypatch)
    text = text_of(nb)
    if name.startswith("02"):
        assert "no BLS employment" in text  # says so, instead of pretending to weight by workforce
        assert images(nb) >= 2
        assert "exposed paths by coverage on" in text and "exposed paths in" in text  # contracts section
    if name.startswith("03"):
        assert images(nb) >= 3
    if name.startswith("04"):
        assert "has no public data" in text and "skipped" in text
    if name.startswith("06"):
        assert "this build has no public data" in text and "skipped" in text
    if name.startswith("05"):
        store = "neo4j" if neo4j_holds_catalog else "embedded"
        assert f"queries answered on the {store} store" in text


def test_notebook_builds_a_snapshot_when_there_is_none(tmp_path, monkeypatch):
    home = tmp_path / "empty-home"
    nb = execute("01_quick_start.ipynb", home, monkeypatch)
    assert "no snapshot in" in text_of(nb)
    assert (home / "current").exists()


@pytest.mark.fulldata
@pytest.mark.parametrize("name", ["02_craft_exposure.ipynb", "04_literature.ipynb", "06_jobs_and_places.ipynb"])
def test_public_data_notebook_runs_on_the_full_build(name, full_home, monkeypatch):
    nb = execute(name, full_home, monkeypatch)
    text = text_of(nb)
    assert "has no public data" not in text and "no BLS employment" not in text
    if name.startswith("02"):
        assert "job-equivalents" in text and images(nb) >= 3
    if name.startswith("04"):
        assert "craft occupations" in text and "relation (ρ" in text and images(nb) >= 1
    if name.startswith("06"):
        assert "distinct industry sets" in text and "skipped" not in text and images(nb) >= 2
        assert "2023 strikes" in text and "crafts (headcount-weighted)" in text
