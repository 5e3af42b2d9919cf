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


def test_report_shows_claim_dates_and_domain_freshness(fixture_home):
    from graph.catalog_report import domain_freshness, freshness_summary
    from graph.provenance import claim_frames

    g = graph.load(fixture_home)
    sections = report(g)
    cov = sections["claim_known_on_coverage"].set_index("claim")
    assert cov.loc["(all)", "claims"] == cov.drop("(all)")["claims"].sum() > 0
    assert cov.loc["Milestone", "known_on"] == cov.loc["Milestone", "claims"]  # milestones carry their own date
    bases = sections["severities_half_lives_weights"].set_index("figure")
    assert bases.loc["limitation severity", "judgement"] == len(g.nodes["Limitation"])
    # date every claim: video recent, rotoscoping (moved to its own domain) old; as of the latest check
    caps = g.nodes["Capability"]
    caps.loc[caps["id"] == "cap:rotoscope", "domain"] = "matte"
    for _kind, df, mask in claim_frames(g):
        df.loc[mask, "known_on"] = "2019"
        df.loc[mask, "checked_on"] = "2026-06-01"
    ms = g.nodes["Milestone"]
    ms.loc[ms["id"] == "ms:genvideo.2024-06", "known_on"] = "2026-03"
    fresh = domain_freshness(g).set_index("domain")
    video = fresh.loc["video"]
    assert video["latest"] == "2026-03" and 0 < video["recent_share"] < 1
    assert fresh.drop("video")["recent_share"].max() == 0
    ends = freshness_summary(g)
    assert list(zip(ends["end"], ends["domain"], strict=True)) == [("freshest", "video"), ("stalest", "matte")]
