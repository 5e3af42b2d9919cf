"""The named queries in graph/queries/*.cypher: headers, and the same answers on both stores.

Every query runs on the embedded store built from tests/fixtures/catalog; when NEO4J_URI is set, the
fixture snapshot is loaded into Neo4j and every query that runs on both stores must give the same rows
(the columns named by `@compare`, else all; as a multiset for a UNION, whose order is not defined).
The core queries (CORE) must also answer on the fixture; the cookbook's queries are run with their
header examples, which name real catalog ids, and are checked on data/catalog by tests/test_cookbook.py.
"""

from __future__ import annotations

import re

import pytest

from graph import queries, snapshot

# Parameter values that exist in tests/fixtures/catalog (the headers' examples are real catalog ids).
FIXTURE_PARAMS = {"capability": "cap:generate-video", "craft": "craft:compositor", "tool": "tool:video-b"}
CORE = {
    "tools_for_capability",
    "craft_tools",
    "capability_crafts",
    "capability_milestones",
    "capability_limitations",
    "label_counts",
    "relationship_counts",
    "tool_craft_distance",
}

ALL = queries.load_all()
EMBEDDED = sorted(n for n, q in ALL.items() if "embedded" in q.stores)
NEO4J = sorted(n for n, q in ALL.items() if "neo4j" in q.stores)
BOTH = sorted(set(EMBEDDED) & set(NEO4J))


def params_for(q: queries.NamedQuery) -> dict:
    return {p.name: FIXTURE_PARAMS.get(p.name, p.example) for p in q.params}


def comparable(q: queries.NamedQuery, store: str, columns: list[str], rows: list[list]) -> list:
    keep = [columns.index(c) for c in q.compare] if q.compare else range(len(columns))
    out = [tuple(_norm(r[i]) for i in keep) for r in rows]
    # Row order is compared where the query defines it on unique keys (the core queries, no UNION);
    # otherwise (ties, UNION, the cookbook's queries) rows are compared as a multiset.
    ordered = q.name in CORE and not re.search(r"\bUNION\b", q.text(store), re.IGNORECASE)
    return out if ordered else sorted(out, key=repr)


def _norm(v):
    if isinstance(v, float):
        return round(v, 9)
    if isinstance(v, list):  # collect() order is not defined: lists compare as multisets
        return tuple(sorted((_norm(x) for x in v), key=repr))
    if isinstance(v, dict):
        return tuple(sorted((k, _norm(x)) for k, x in v.items()))
    return v


@pytest.fixture(scope="module")
def embedded(fixture_home):
    from graph.store import load

    g = load(fixture_home)
    yield g
    g.close()


@pytest.fixture(scope="module")
def neo4j_loaded(neo4j_settings, fixture_home):
    """The fixture snapshot loaded into the Neo4j server."""
    from graph.neo4j_store import connect, count_differences, load_snapshot

    snap = snapshot.current_dir(fixture_home)
    with connect(settings=neo4j_settings) as store:
        load_snapshot(store, snap, force=True)
        assert count_differences(snapshot.read_manifest(snap)["counts"], store.counts()) == []
        yield store


def test_there_are_queries_for_the_questions_we_promised():
    assert set(CORE) <= set(ALL)
    assert {"embedded", "neo4j"} <= set().union(*(ALL[n].stores for n in CORE))


@pytest.mark.parametrize("name", sorted(ALL))
def test_header_says_what_it_answers_its_parameters_and_stores(name):
    q = ALL[name]
    assert len(q.description) > 20, f"{name}: the header should say what the query answers"
    assert q.stores, name
    for store in q.stores:
        text = q.text(store)
        used = set(re.findall(r"\$(\w+)", text))
        assert used == {p.name for p in q.params}, f"{name} ({store}): parameters in the text vs the header"
    for p in q.params:
        assert p.example not in (None, "") and p.description, f"{name}: @param {p.name} needs an example and words"
        if name in CORE:
            assert p.name in FIXTURE_PARAMS, f"add a fixture value for parameter {p.name} to FIXTURE_PARAMS"


@pytest.mark.parametrize("name", EMBEDDED)
def test_query_runs_on_the_embedded_store(embedded, name):
    q = ALL[name]
    res = embedded.run(q.text("embedded"), params_for(q))
    assert res.rows or name not in CORE, f"{name} returned no rows on the fixture"
    assert len(set(res.columns)) == len(res.columns)
    for c in q.compare:
        assert c in res.columns


@pytest.mark.neo4j
@pytest.mark.parametrize("name", NEO4J)
def test_query_runs_on_neo4j(neo4j_loaded, name):
    q = ALL[name]
    res = neo4j_loaded.query(q.text("neo4j"), params_for(q))
    assert res.rows or name not in CORE, f"{name} returned no rows on the fixture"


@pytest.mark.neo4j
@pytest.mark.parametrize("name", BOTH)
def test_both_stores_give_the_same_answer(embedded, neo4j_loaded, name):
    q = ALL[name]
    e = embedded.run(q.text("embedded"), params_for(q))
    n = neo4j_loaded.query(q.text("neo4j"), params_for(q))
    assert e.columns == n.columns
    assert comparable(q, "neo4j", n.columns, n.rows) == comparable(q, "embedded", e.columns, e.rows)


def test_the_fixture_answers_are_right(embedded):
    """A few answers checked by hand against tests/fixtures/catalog, so 'both stores agree' means
    'both are right'."""
    run = lambda name: embedded.run(ALL[name].text("embedded"), params_for(ALL[name]))  # noqa: E731
    assert [r[0] for r in run("tools_for_capability").rows] == ["tool:video-a", "tool:video-b"]
    assert [r[2] for r in run("capability_milestones").rows] == [
        "ms:genvideo.2022-09",
        "ms:genvideo.2023-03",
        "ms:genvideo.2024-06",
    ]
    crafts = run("capability_crafts")
    assert [(r[0], r[3], r[4]) for r in crafts.rows] == [("craft:compositor", 1, pytest.approx(0.3))]
    lims = sorted((r[0], r[4], r[5], r[3]) for r in run("capability_limitations").rows)
    assert lims == [
        ("lim:consent", "capability", "cap:generate-video", 0.3),
        ("lim:temporal", "capability", "cap:generate-video", 0.5),
        ("lim:temporal", "tool", "tool:video-b", 0.7),
    ]
    tools = run("craft_tools").rows
    assert tools[0][:4] == ["tool:video-a", "Video A", "cap:rotoscope", "task:craft:compositor.roto"]
    assert tools[0][8] == pytest.approx(0.48)
    assert run("tool_craft_distance").rows[0][0] == 3
