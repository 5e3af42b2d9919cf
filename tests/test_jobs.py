"""Craft headcounts, wages and jobs exposed (graph/jobs.py) on a small hand-made graph, and the QCEW trend."""

from __future__ import annotations

import pandas as pd
import pytest

from graph import jobs


def _est(area: str, naics: str, soc: str, emp, median=None) -> dict:
    row = {"id": f"oews:2025.{area}.{naics}.{soc}", "naics_code": naics, "employment": emp}
    wages = dict(zip(jobs.WAGE_COLS, (None,) * 5, strict=True))
    if median is not None:
        wages = {"wage_p10": median * 0.5, "wage_p25": median * 0.75, "median_wage": median}
        wages |= {"wage_p75": median * 1.25, "wage_p90": median * 2}
    return row | wages


def _graph():
    est = [
        _est("us", "512100", "27-4032", 300, 80000),
        _est("us", "516000", "27-4032", 100, 60000),
        _est("us", "513200", "27-4032", 50, 90000),
        _est("us", "711000", "27-4031", None, 50000),  # employment suppressed
        _est("metro-31080", "000000", "27-4032", 200, 100000),
    ]
    nodes = {
        "JobsEstimate": pd.DataFrame(est),
        "Occupation": pd.DataFrame({"id": ["onet:27-4032.00", "onet:27-4031.00"], "employment": [1000.0, 500.0]}),
    }
    of = pd.DataFrame({"src": [e["id"] for e in est], "dst": [f"onet:{e['id'][-7:]}.00" for e in est]})
    ca = pd.DataFrame(
        {
            "src": ["craft:editor", "craft:assistant", "craft:camera"],
            "dst": ["onet:27-4032.00", "onet:27-4032.00", "onet:27-4031.00"],
            "share": [1.0, 1.0, 1.0],
        }
    )
    return nodes, {"ESTIMATE_OF": of, "CLASSIFIED_AS": ca}


def test_headcount_split_and_range():
    hc = jobs.craft_headcounts(_graph()).set_index(["craft_id", "area_id"])
    ed = hc.loc[("craft:editor", "area:us")]
    # two crafts share 27-4032 equally: point = (300 + 100) / 2, low = 512100 only, high = + 513200
    assert (ed["headcount"], ed["headcount_low"], ed["headcount_high"], ed["all_industries"]) == (200, 150, 225, 500)
    assert ed["median_wage"] == 80000 and ed["wage_basis"].endswith("NAICS 512100, national")
    assert "floor" in ed["self_employed"] and "default media industries" in ed["rests_on"]
    assert "main 512100; also 512200 (read as not published)+516000+711000; possible 513200" in ed["rests_on"]
    la = hc.loc[("craft:editor", "area:metro-31080")]
    # metro all-industry 200 / 2 = 100, times the national industry shares 200/500, 150/500, 225/500
    assert (la["headcount"], la["headcount_low"], la["headcount_high"]) == (40, 30, 45)
    assert la["median_wage"] == 100000
    assert pd.isna(hc.loc[("craft:editor", "area:metro-35620"), "headcount"])  # no figures there
    # the camera craft's only media-industry cell is suppressed: no estimate rather than a false 0
    assert "craft:camera" not in hc.index.get_level_values(0)


def test_crafts_never_count_a_job_twice():
    hc = jobs.craft_headcounts(_graph())
    us = hc[hc["area_id"] == "area:us"]
    assert us["headcount"].sum() == 400  # all of 27-4032 in the media industries, once


def test_jobs_exposed_with_band():
    ex = pd.DataFrame(
        {
            "entity_id": ["craft:editor", "craft:assistant", "craft:camera"] * 2,
            "label": ["Craft"] * 6,
            "year": [2026] * 3 + [2030] * 3,
            "median": [0.5, 0.1, 0.9, 0.6, 0.3, 0.9],
            "low": [0.4, 0.05, 0.8, 0.5, 0.2, 0.8],
            "high": [0.6, 0.2, 1.0, 0.7, 0.4, 1.0],
        }
    )
    rows = jobs.with_jobs(ex, _graph())
    ed = rows[(rows["entity_id"] == "craft:editor") & (rows["year"] == 2026)].iloc[0]
    assert (ed["jobs_exposed"], ed["jobs_exposed_low"], ed["jobs_exposed_high"]) == (100, 60, 135)
    total = jobs.jobs_exposed(ex, _graph(), thresholds=(0.25,)).set_index("year")
    assert total.loc[2026, "jobs_exposed"] == 100 + 20 and total.loc[2026, "crafts"] == 2  # camera: no headcount
    assert total.loc[2026, "workers_above_25pct"] == 200 and total.loc[2030, "workers_above_25pct"] == 400
    assert total.loc[2026, "jobs_exposed_low"] <= 120 <= total.loc[2026, "jobs_exposed_high"]


def test_qcew_trend_marks_periods():
    ids = [f"qcew:512110.{a}.own5.{y}q{q}" for a in ("us", "state-06") for y in (2019, 2020) for q in (1, 2)]
    q = pd.DataFrame(
        {
            "id": ids,
            "naics_code": "512110",
            "own_code": "5",
            "year": [int(i[-6:-2]) for i in ids],
            "quarter": [int(i[-1]) for i in ids],
            "employment": [100.0, 110.0, 105.0, 55.0, 50.0, 52.0, 51.0, 20.0],
        }
    )
    t = jobs.qcew_trend(({"QcewRecord": q}, {}))
    assert [p if isinstance(p, str) else None for p in t["period"]] == [None, None, None, "covid"]
    assert list(t["California"]) == [50.0, 52.0, 51.0, 20.0]
    assert t["United States change on a year earlier"].iloc[3] == pytest.approx(55 / 110 - 1, abs=1e-4)


def test_departments_weighted_by_headcount():
    nodes, edges = _graph()
    nodes["Department"] = pd.DataFrame({"id": ["dept:post"], "name": ["Post"]})
    edges["IN_DEPARTMENT"] = pd.DataFrame(
        {"src": ["craft:editor", "craft:assistant", "craft:camera"], "dst": ["dept:post"] * 3}
    )
    ex = pd.DataFrame(
        {
            "entity_id": ["craft:editor", "craft:assistant", "craft:camera"],
            "label": "Craft",
            "year": 2026,
            "median": [0.5, 0.1, 0.9],
            "low": [0.4, 0.05, 0.8],
            "high": [0.6, 0.2, 1.0],
        }
    )
    d = jobs.departments(ex, (nodes, edges)).iloc[0]
    assert d["crafts"] == 3 and d["crafts_without_headcount"] == 1 and d["headcount"] == 400
    assert d["exposure_plain_mean"] == pytest.approx(0.5)
    assert d["exposure_headcount_weighted"] == pytest.approx((0.5 * 200 + 0.1 * 200) / 400)
    assert d["jobs_exposed"] == 120


def _curated(links: list[tuple[str, str, str]]):
    """The hand-made graph with WORKS_IN links (craft, code, role) and a 512130 child of 512100."""
    nodes, edges = _graph()
    extra = [_est("us", "512130", "27-4032", 40, 30000), _est("us", "711100", "27-4032", 60, 50000)]
    extra.append(_est("us", "512000", "27-4032", 300))  # the parent above 512100: 512110 is read as 512100, not it
    nodes["JobsEstimate"] = pd.concat([nodes["JobsEstimate"], pd.DataFrame(extra)], ignore_index=True)
    of = pd.DataFrame({"src": [e["id"] for e in extra], "dst": ["onet:27-4032.00"] * len(extra)})
    edges["ESTIMATE_OF"] = pd.concat([edges["ESTIMATE_OF"], of], ignore_index=True)
    edges["WORKS_IN"] = pd.DataFrame(
        {"src": [c for c, _, _ in links], "dst": [f"naics:{i}" for _, i, _ in links], "role": [r for *_, r in links]}
    )
    return nodes, edges


def test_curated_industries_split_jobs_by_who_works_there():
    g = _curated(
        [
            ("craft:editor", "512110", "main"),  # not published: read as 512100 less its child 512130
            ("craft:assistant", "512130", "main"),
            ("craft:assistant", "711100", "also"),
        ]
    )
    hc = jobs.craft_headcounts(g).set_index(["craft_id", "area_id"])
    ed, asst = hc.loc[("craft:editor", "area:us")], hc.loc[("craft:assistant", "area:us")]
    # 512100 less 512130 = 260, all the editor's (the assistant is not there); nothing else
    assert (ed["headcount_low"], ed["headcount"], ed["headcount_high"]) == (260, 260, 260)
    assert "512110 (read as 512100)" in ed["rests_on"] and ed["industries"] == "512110:main"
    # the assistant: 512130 = 40 (low), plus 711100 = 60 (point and high)
    assert (asst["headcount_low"], asst["headcount"], asst["headcount_high"]) == (40, 100, 100)
    assert asst["median_wage"] == 30000 and asst["wage_basis"].endswith("NAICS 512130, national")
    # summing crafts: every job of the linked leaves once, none of 516000 / 513200 (no craft works there)
    assert hc.xs("area:us", level=1)["headcount"].sum() == 260 + 40 + 60


def test_a_leaf_shared_by_two_crafts_is_split_per_reading():
    g = _curated(
        [
            ("craft:editor", "512100", "main"),
            ("craft:assistant", "512110", "main"),
            ("craft:assistant", "516000", "possible"),
        ]
    )
    hc = jobs.craft_headcounts(g).set_index(["craft_id", "area_id"])
    ed, asst = hc.loc[("craft:editor", "area:us")], hc.loc[("craft:assistant", "area:us")]
    # 512100 less 512130 (260) is shared by both; 512130 (40) is the editor's alone
    assert ed["headcount"] == 130 + 40 and asst["headcount"] == 130
    # 516000 (100) only in the assistant's high reading, where no other craft is present
    assert asst["headcount_high"] == 230


def test_engine_weights_departments_by_headcount():
    from graph.exposure.config import MethodConfig
    from graph.exposure.score import Engine
    from graph.exposure.synthetic import small_graph

    kw = dict(
        caps={"cap:a": [("commercial", "2023-06")]},
        links=[("cap:a", "task:craft:x.t1", 0.5, "automate"), ("cap:a", "task:craft:y.t1", 0.1, "automate")],
        crafts={"craft:x": [("task:craft:x.t1", 1.0)], "craft:y": [("task:craft:y.t1", 1.0)]},
        classified=[("craft:x", "onet:27-0001.00", 1.0), ("craft:y", "onet:27-0002.00", 1.0)],
        departments={"dept:d": ["craft:x", "craft:y"]},
    )
    cfg = MethodConfig(draws=50, judgement=False)
    plain = Engine(*small_graph(**kw), cfg).compiled
    nodes, edges = small_graph(**kw)
    est = [_est("us", "512100", "27-0001", 300), _est("us", "512100", "27-0002", 100)]
    nodes["JobsEstimate"] = pd.DataFrame(est)
    edges["ESTIMATE_OF"] = pd.DataFrame({"src": [e["id"] for e in est], "dst": ["onet:27-0001.00", "onet:27-0002.00"]})
    weighted = Engine(nodes, edges, cfg).compiled
    for cm, basis, wx in ((plain, "crafts (equal weights)", 0.5), (weighted, "crafts (headcount-weighted)", 0.75)):
        assert cm.entities.set_index("id").loc["dept:d", "basis"] == basis
        # the department's composition: craft:x weighs 300 / (300 + 100) with headcounts, 1/2 without
        C = cm.C.toarray()
        assert C[cm.entity_index["dept:d"], cm.base_ids.index("craft:x")] == pytest.approx(wx)


@pytest.mark.fulldata
def test_curated_industries_on_the_full_build(full_home):
    """The curated links on the full data: crafts stop sharing one industry set, game and stage crafts read
    their own industries, and every craft whose occupations have an industry estimate gets a headcount."""
    from graph import snapshot

    nodes, edges = snapshot.read_tables(snapshot.current_dir(full_home))
    hc = jobs.craft_headcounts((nodes, edges))
    us = hc[hc["area_id"] == "area:us"].set_index("craft_id")
    assert us["industries"].nunique() >= 10
    assert us.loc["craft:game-qa-tester", "industries"] == "513200:main"
    assert us.loc["craft:stage-carpenter", "industries"].startswith("711110:main")
    assert "512110 (read as 512100)" in us.loc["craft:camera-operator", "rests_on"]
    assert (us["headcount_low"] <= us["headcount"]).all() and (us["headcount"] <= us["headcount_high"]).all()
    # a craft is left out only when none of its occupations has a published national cell in its own industries
    oj = jobs.occupation_jobs((nodes, edges)).query("area == 'area:us' and not suppressed")
    published = sorted(set(oj["naics"]))
    cells = set(zip(oj["occupation"], oj["naics"], strict=True))
    ca = edges["CLASSIFIED_AS"]
    links = jobs.industry_links(edges, set(ca["src"]))
    expected = {
        c
        for c, o in zip(ca["src"], ca["dst"], strict=True)
        if any((o, leaf) in cells for code in links[c] for leaf in jobs.covered(code, published))
    }
    assert expected - set(us.index) == set()
    assert "craft:upholsterer-drapery" not in expected  # its one published cell is in theatre, not its 512110
    # the engine weights departments by these headcounts where every assessed craft has one
    scores = nodes["ExposureScore"]
    basis = set(scores.loc[scores["entity_label"] == "Department", "basis"])
    assert "crafts (headcount-weighted)" in basis
