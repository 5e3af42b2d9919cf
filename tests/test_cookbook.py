"""The Cypher cookbook: graph/queries/*.cypher rendered into docs/cookbook.md, every query run on the
embedded store and on Neo4j against a snapshot of the real catalog (data/catalog), and the public-data
queries against a snapshot built with the shared public datasets (../shared/data; marked fulldata).

On both stores the answers must agree: the columns named by `@compare` (else all), as a multiset of
rows, lists compared as sets (collect() order is not defined) and floats to 9 decimals.
"""

from __future__ import annotations

import re

import pytest

from graph import cookbook, queries, snapshot

ALL = queries.load_all()
NAMES = sorted(ALL)
PUBLIC = sorted(n for n in NAMES if cookbook.needs_public_data(ALL[n]))
CURATED = sorted(set(NAMES) - set(PUBLIC))
BOTH = sorted(n for n in NAMES if {"embedded", "neo4j"} <= set(ALL[n].stores))


# ------------------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def catalog_graph(catalog_home):
    from graph.store import load

    g = load(catalog_home)
    yield g
    g.close()


@pytest.fixture(scope="module")
def full_graph(full_home):
    from graph.store import load

    g = load(full_home)
    yield g
    g.close()


def loaded(store, home):
    """`store` holding the current snapshot of `home` (loaded unless Neo4j already holds the same content)."""
    from graph.neo4j_store import count_differences, load_snapshot

    snap = snapshot.current_dir(home)
    manifest = snapshot.read_manifest(snap)
    b = store.loaded_build()
    if not b or b.get("content_hash") != manifest["content_hash"] or b.get("loading"):
        load_snapshot(store, snap, force=True)
        assert count_differences(manifest["counts"], store.counts()) == []
    return store


def example(q: queries.NamedQuery) -> dict:
    return q.example_params()


def comparable(q: queries.NamedQuery, columns: list[str], rows: list[list]) -> list:
    keep = [columns.index(c) for c in q.compare] if q.compare else range(len(columns))
    return sorted((tuple(_norm(r[i]) for i in keep) for r in rows), key=repr)


def _norm(v):
    if isinstance(v, float):
        return round(v, 9)
    if isinstance(v, (list, tuple)):
        return tuple(sorted((_norm(x) for x in v), key=repr))
    return v


# ------------------------------------------------------------------------------------------ the document


def test_the_cookbook_has_at_least_twenty_questions():
    assert len(ALL) >= 20, sorted(ALL)


def test_docs_cookbook_is_up_to_date():
    assert cookbook.DOC.exists(), "run `craftgraph cookbook --write`"
    assert cookbook.DOC.read_text() == cookbook.render(), "docs/cookbook.md is stale: run `craftgraph cookbook --write`"


def test_the_cookbook_shows_every_query_its_parameters_and_both_dialects():
    text = cookbook.render()
    for name, q in ALL.items():
        assert f"### {name}\n" in text
        for p in q.params:
            assert f"`${p.name}`" in text
        for store in q.stores:
            assert q.text(store) in text
    assert "shortestPath(" in text and "SHORTEST 1..8" in text  # the dialect-specific shortest path, both forms


@pytest.mark.parametrize("name", NAMES)
def test_header_says_what_it_answers_its_parameters_and_stores(name):
    q = ALL[name]
    assert len(q.description) > 20 and cookbook.question(q), name
    if name[:1].isdigit():  # the cookbook's own questions open with the question itself
        assert cookbook.question(q).endswith("?"), f"{name}: the header should open with the question"
    assert q.stores, name
    for store in q.stores:
        text = q.text(store)
        assert set(re.findall(r"\$(\w+)", text)) == {p.name for p in q.params}, f"{name} ({store}): parameters"
    for p in q.params:
        assert p.example not in (None, "") and p.description, f"{name}: @param {p.name} needs an example and words"


def test_the_questions_the_issue_asks_for_are_answered():
    wanted = {
        "21_tool_craft_paths_with_sources",  # tools that touch a craft through a capability, with sources
        "20_crafts_exposed_to_ai_type",  # crafts exposed to voice cloning
        "capability_limitations",  # limitations that hold back a capability
        "capability_milestones",  # milestones of a capability in date order
        "22_new_roles_and_origins",  # new job roles and the crafts they grow from
        "23_tools_with_licensed_training_data",
        "24_crafts_without_tools",
        "40_occupation_gap_vs_study",  # largest gap between CraftGraph and a study
        "39_tool_craft_route",  # shortest path between a tool and a craft (both dialects)
        "25_tool_occupation_employment",  # employment of occupations reached from a tool
    }
    assert wanted <= set(ALL)
    assert set(ALL["39_tool_craft_route"].stores) == {"embedded", "neo4j"}
    assert ALL["39_tool_craft_route"].files["embedded"] != ALL["39_tool_craft_route"].files["neo4j"]


# ------------------------------------------------------------------------------------------ embedded store


@pytest.mark.parametrize("name", [n for n in NAMES if "embedded" in ALL[n].stores])
def test_query_runs_on_the_embedded_store_of_the_catalog(catalog_graph, name):
    q = ALL[name]
    res = catalog_graph.run(q.text("embedded"), example(q))
    assert len(set(res.columns)) == len(res.columns)
    for c in q.compare:
        assert c in res.columns
    if name not in PUBLIC:
        assert res.rows, f"{name} returned no rows on data/catalog with its example parameters"


def test_a_few_catalog_answers_make_sense(catalog_graph):
    run = lambda name, **kw: catalog_graph.cypher(ALL[name].text("embedded"), {**example(ALL[name]), **kw})  # noqa: E731
    voice = run("20_crafts_exposed_to_ai_type")
    assert "craft:dialogue-adr-editor" in set(voice["craft"])
    no_tools = run("24_crafts_without_tools")
    reached = set(run("craft_tools", craft=no_tools["craft"].iloc[0])["tool"])
    assert reached == set()  # a craft listed as unreached has no tool in craft_tools either
    lic = run("23_tools_with_licensed_training_data")
    assert len(lic) == int((catalog_graph.nodes["Tool"]["training_data_licensed"] == True).sum())  # noqa: E712
    route = run("39_tool_craft_route")
    assert route["types"].iloc[0] == ["PROVIDES", "PERFORMS", "HAS_TASK"]
    depts = run("26_department_reach")
    assert depts["crafts"].sum() == len(catalog_graph.nodes["Craft"])
    roles = run("22_new_roles_and_origins")
    assert len(roles) == len(catalog_graph.nodes["JobRole"])


@pytest.mark.fulldata
@pytest.mark.parametrize("name", PUBLIC)
def test_public_data_query_answers_on_the_full_build(full_graph, name):
    q = ALL[name]
    res = full_graph.run(q.text("embedded"), example(q))
    assert res.rows, f"{name} returned no rows on the full build with its example parameters"


@pytest.mark.fulldata
def test_tool_reaches_employment_on_the_full_build(full_graph):
    q = ALL["25_tool_occupation_employment"]
    df = full_graph.cypher(q.text("embedded"), example(q))
    assert df["employment"].notna().all() and (df["employment"] > 0).all()


# ------------------------------------------------------------------------------------------ Neo4j


@pytest.mark.neo4j
@pytest.mark.parametrize("name", BOTH)
def test_neo4j_gives_the_embedded_answer_on_the_catalog(neo4j_store, catalog_home, catalog_graph, name):
    q = ALL[name]
    store = loaded(neo4j_store, catalog_home)
    n = store.query(q.text("neo4j"), example(q))
    e = catalog_graph.run(q.text("embedded"), example(q))
    assert n.columns == e.columns
    assert comparable(q, n.columns, n.rows) == comparable(q, e.columns, e.rows)
    if name not in PUBLIC:
        assert n.rows


@pytest.mark.neo4j
@pytest.mark.fulldata
@pytest.mark.parametrize("name", [n for n in PUBLIC if n in BOTH])
def test_neo4j_gives_the_embedded_answer_on_the_full_build(neo4j_store, full_home, full_graph, name):
    q = ALL[name]
    store = loaded(neo4j_store, full_home)
    n = store.query(q.text("neo4j"), example(q))
    e = full_graph.run(q.text("embedded"), example(q))
    assert n.rows
    assert n.columns == e.columns
    assert comparable(q, n.columns, n.rows) == comparable(q, e.columns, e.rows)


# ------------------------------------------------------------------------------------------ command line


def _cli(argv: list[str]) -> int:
    from cli.main import main

    return main(argv)


def test_cli_check_list_and_run(catalog_home, capsys):
    assert _cli(["cookbook", "--check"]) == 0
    assert _cli(["cookbook", "--list"]) == 0
    out = capsys.readouterr().out
    assert "24_crafts_without_tools" in out and "[public data]" in out
    voice = "capability=cap:clone-a-voice-from-a-short-sample"
    run = ["--run", "29_locals_for_capability", "--home", str(catalog_home), "--format", "csv", "--param", voice]
    assert _cli(["cookbook", *run]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("local,local_name")
    assert _cli(["cookbook", "--run", "no_such_query", "--home", str(catalog_home)]) == 2
    assert _cli(["cookbook", "--run", "24_crafts_without_tools", "--param", "nope=1", "--home", str(catalog_home)]) == 2
    assert "no parameter" in capsys.readouterr().err


def test_cli_check_fails_when_stale(tmp_path, monkeypatch, capsys):
    stale = tmp_path / "cookbook.md"
    stale.write_text("# old\n")
    monkeypatch.setattr(cookbook, "DOC", stale)
    assert _cli(["cookbook", "--check"]) == 1
    assert "stale" in capsys.readouterr().err
    assert _cli(["cookbook", "--write"]) == 0
    assert _cli(["cookbook", "--check"]) == 0


def test_cli_run_falls_back_like_query(catalog_home, capsys, monkeypatch):
    """`cookbook --run --neo4j` goes through query's path: an unreachable server is one line, then the snapshot."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("NEO4J_URI", f"bolt://127.0.0.1:{port}")
    run = ["cookbook", "--run", "24_crafts_without_tools", "--neo4j", "--home", str(catalog_home), "--format", "csv"]
    assert _cli(run) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[0].startswith("craft,")
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cookbook: cannot reach Neo4j")
    assert lines[0].endswith("answering from the embedded snapshot instead")
    assert _cli([*run, "--no-fallback"]) == 2
    assert capsys.readouterr().err.startswith("cookbook: cannot reach Neo4j")
