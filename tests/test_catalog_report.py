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
