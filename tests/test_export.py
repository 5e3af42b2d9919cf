import csv

import pytest

import graph
from graph.export import FORMATS, export, read_graphml


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_writes_dictionary_and_licences(fixture_home, tmp_path, fmt):
    dest = export(graph.load(fixture_home), fmt, tmp_path / fmt)
    assert "O*NET" in (dest / "LICENCES.md").read_text()
    assert "# CraftGraph data dictionary" in (dest / "DATA_DICTIONARY.md").read_text()


def test_graphml_loads_back_with_networkx(fixture_home, tmp_path):
    g = graph.load(fixture_home)
    export(g, "graphml", tmp_path)
    G = read_graphml(tmp_path / "graph.graphml")
    assert G.number_of_nodes() == g.manifest["counts"]["total_nodes"]
    assert G.number_of_edges() == g.manifest["counts"]["total_edges"]
    assert G.nodes["tool:video-a"]["label"] == "Tool"
    assert G.nodes["tool:video-a"]["source_ids"] == "src:fx-runway"


def test_csv_round_trip_counts(fixture_home, tmp_path):
    g = graph.load(fixture_home)
    export(g, "csv", tmp_path)
    for label, df in g.nodes.items():
        with (tmp_path / "nodes" / f"{label}.csv").open() as f:
            assert sum(1 for _ in csv.reader(f)) - 1 == len(df)


def test_neo4j_import_headers(fixture_home, tmp_path):
    export(graph.load(fixture_home), "neo4j-import", tmp_path)
    header = (tmp_path / "nodes" / "Limitation.csv").read_text().splitlines()[0]
    assert header.startswith("id:ID,:LABEL,") and "severity:double" in header and "source_ids:string[]" in header
    rel_header = (tmp_path / "relationships" / "PERFORMS.csv").read_text().splitlines()[0]
    assert rel_header.startswith(":START_ID,:END_ID,:TYPE,") and "weight:double" in rel_header
    assert "--relationships=relationships/PERFORMS.csv" in (tmp_path / "import.sh").read_text()


@pytest.mark.neo4j
def test_neo4j_import_files_load_with_the_real_neo4j_admin(fixture_home, tmp_path):
    """The export is imported by neo4j-admin into a second throwaway server; counts match the snapshot."""
    import os
    import subprocess
    from pathlib import Path

    from neo4j import GraphDatabase

    if not os.environ.get("NEO4J_URI"):
        pytest.skip('NEO4J_URI is not set (eval "$(scripts/neo4j-server start)")')
    root = Path(__file__).resolve().parents[1]
    script = str(root / "scripts" / "neo4j-server")
    g = graph.load(fixture_home)
    export(g, "neo4j-import", tmp_path / "import")

    env = {k: v for k, v in os.environ.items() if k != "CRAFTGRAPH_NEO4J_STATE" and not k.startswith("NEO4J_")}
    out = subprocess.run([script, "init"], env=env, capture_output=True, text=True, check=True).stdout
    settings = dict(line.removeprefix("export ").split("=", 1) for line in out.splitlines() if "=" in line)
    settings = {k: v.strip("'\"") for k, v in settings.items()}
    env["CRAFTGRAPH_NEO4J_STATE"] = settings["CRAFTGRAPH_NEO4J_STATE"]
    try:
        imp = subprocess.run(
            ["bash", str(tmp_path / "import" / "import.sh")],
            capture_output=True,
            text=True,
            env={**env, "NEO4J_ADMIN": f"{script} admin"},
        )
        assert imp.returncode == 0, imp.stderr[-2000:] + imp.stdout[-2000:]
        subprocess.run([script, "restart-same"], env=env, capture_output=True, text=True, check=True)
        auth = (settings["NEO4J_USERNAME"], settings["NEO4J_PASSWORD"])
        with GraphDatabase.driver(settings["NEO4J_URI"], auth=auth) as driver:
            labels = {
                r["label"]: r["n"]
                for r in driver.execute_query("MATCH (n) RETURN labels(n)[0] AS label, count(*) AS n").records
            }
            rels = {
                r["type"]: r["n"]
                for r in driver.execute_query("MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n").records
            }
            lim = driver.execute_query(
                "MATCH (l:Limitation {id: 'lim:temporal'}) RETURN l.severity AS s, l.source_ids AS ids"
            ).records[0]
        assert labels == {k: n for k, n in g.manifest["counts"]["nodes"].items() if n}
        assert rels == {k: n for k, n in g.manifest["counts"]["edges"].items() if n}
        assert lim["s"] == 0.5 and lim["ids"] == ["src:fx-paper"]
    finally:
        subprocess.run([script, "stop"], env=env, capture_output=True, text=True)
