import re

from cli.main import main
from graph import schema


def test_every_relationship_pair_names_known_labels():
    for rel in schema.RELS:
        for a, b in rel.pairs:
            assert a in schema.NODE_BY_NAME, (rel.name, a)
            assert b in schema.NODE_BY_NAME, (rel.name, b)


def test_naming_conventions():
    for n in schema.NODES:
        assert re.fullmatch(r"[A-Z][A-Za-z]+", n.name)
        for p in n.all_props:
            assert re.fullmatch(r"[a-z][a-z0-9_]*", p.name)
    for r in schema.RELS:
        assert re.fullmatch(r"[A-Z][A-Z_]+", r.name)


def test_ids_map_to_one_label():
    samples = {
        "tool:runway-gen-4": "Tool",
        "onet:27-4032.00": "Occupation",
        "task:onet:12345": "Task",
        "task:craft:picture-editor.assemble": "Task",
        "dwa:4.A.2.a.1.I01.D01": "WorkActivity",
        "src:t-adobe": "Source",
    }
    for node_id, label in samples.items():
        assert schema.label_of_id(node_id) == label
    assert schema.label_of_id("Tool:Runway") is None
    assert schema.label_of_id("onet:27-4032") is None


def test_check_value_types_and_ranges():
    weight = schema.REL_BY_NAME["PERFORMS"].prop("weight")
    assert schema.check_value(weight, 0.5) is None
    assert "outside" in schema.check_value(weight, 1.5)
    assert "missing" in schema.check_value(weight, None)
    date = schema.NODE_BY_NAME["Milestone"].prop("date")
    for ok in ("2024", "2024-06", "2024-06-30"):
        assert schema.check_value(date, ok) is None
    for bad in ("2024-13", "24-06", "June 2024", "2024-06-31x"):
        assert schema.check_value(date, bad)
    level = schema.NODE_BY_NAME["Milestone"].prop("level")
    assert "not one of" in schema.check_value(level, "beta")


def test_neo4j_statements_cover_every_label():
    stmts = schema.neo4j_schema_statements()
    for n in schema.NODES:
        assert any(f"FOR (n:{n.name}) REQUIRE n.id IS UNIQUE" in s for s in stmts)
    assert all("IF NOT EXISTS" in s for s in stmts)


def test_data_dictionary_is_current(capsys):
    # Fails when graph/schema.py changed without `craftgraph schema --write`.
    assert main(["schema", "--check"]) == 0, capsys.readouterr().err
