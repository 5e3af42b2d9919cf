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
