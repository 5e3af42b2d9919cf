import graph
from graph.catalog_report import report


def test_report_finds_the_gaps(fixture_home):
    sections = report(graph.load(fixture_home))
    crafts_without_tools = set(sections["crafts_without_tools"]["craft"])
    assert crafts_without_tools == {"craft:camera-operator"}
    fewest = sections["capabilities_fewest_milestones"]
    assert fewest.iloc[0]["id"] == "cap:rotoscope" and fewest.iloc[0]["milestones"] == 1
    kinds = sections["claims_by_source_kind"].set_index("kind")
    assert kinds.loc["vendor", "vendor_claims"] == kinds.loc["vendor", "claims"] > 0
    depts = sections["departments"].set_index("department")
    assert depts.loc["dept:vfx", "tasks_linked"] == 2


def test_report_shows_the_grade_mix_and_aggregator_only_claims(fixture_home):
    from graph.catalog_report import aggregator_only, grade_mix

    g = graph.load(fixture_home)
    mix = grade_mix(g).set_index("grade")
    grades = g.nodes["Source"]["grade"].value_counts()
    assert mix.loc["vendor", "sources"] == grades["vendor"] and mix.loc["secondary", "sources"] == grades["secondary"]
    assert mix["sources"].sum() == len(g.nodes["Source"])
    before = aggregator_only(g).set_index("claim").loc["(all)"]
    assert before["aggregator_only"] == 0
    # regrade the paper as an aggregator: the claims that cite only it now rest on aggregators only
    src = g.nodes["Source"]
    g.nodes["Source"] = src.assign(grade=src["grade"].where(src["id"] != "src:fx-paper", "aggregator"))
    only_paper = sum(
        1
        for df in g.edges.values()
        if "source_ids" in df.columns
        for sids in df["source_ids"]
        if sids is not None and len(sids) and set(sids) == {"src:fx-paper"}
    )
    after = aggregator_only(g).set_index("claim").loc["(all)"]
    assert after["aggregator_only"] >= only_paper > 0
    assert 0 < after["share"] <= 1
