"""Published exposure measures: Eloundou et al., Felten et al. (AIOE, LM, IG), Anthropic Economic Index."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pandas as pd
import pytest

from ingest import anthropic_index, eloundou, felten
from ingest.base import Context, shared_data_dir

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "public"))
mkroot = importlib.import_module("mkroot")

FULL = shared_data_dir()


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    return mkroot.make_root(tmp_path_factory.mktemp("pub"))


def read(mod, root: Path, catalog: Path | None = mkroot.CATALOG):
    problems: list = []
    t, entry = mod.read(Context(root, problems, catalog=catalog))
    assert problems == []
    return t, entry


def rates(t) -> dict[tuple[str, str, str], float]:
    r = t.edges["RATES"]
    return {(s, d, m): v for s, d, m, v in zip(r["src"], r["dst"], r["measure"], r["score"], strict=True)}


def test_eloundou_occupations_and_tasks(root):
    t, entry = read(eloundou, root)
    study = t.nodes["Study"].iloc[0]
    assert study["id"] == "study:eloundou-2023" and study["code_vintage"].startswith("O*NET-SOC 2019")
    assert study["match_rate"] == 1.0 and study["source_ids"] == ["src:pd-eloundou-2023"]
    r = rates(t)
    s = "study:eloundou-2023"
    assert r[(s, "onet:27-4032.00", "gpt4_beta")] == 0.45
    assert r[(s, "onet:27-4032.00", "human_gamma")] == 0.5
    # task level: E2 from GPT-4 → alpha 0, beta 0.5, gamma 1; the human label E0 → 0
    assert r[(s, "task:onet:90050", "gpt4_alpha")] == 0.0
    assert r[(s, "task:onet:90050", "gpt4_beta")] == 0.5
    assert r[(s, "task:onet:90050", "gpt4_gamma")] == 1.0
    assert r[(s, "task:onet:90050", "human_beta")] == 0.0
    assert r[(s, "task:onet:90001", "human_alpha")] == 1.0  # "90001.0" read as Task ID 90001
    assert not any(d == "task:onet:80999" for _, d, _ in r)  # dropped since O*NET 27.2
    assert entry["match"]["occupations"] == 1.0 and entry["match"]["tasks"] == 0.8
    measures = {m for _, _, m in r}
    assert measures == {f"{w}_{x}" for w in ("gpt4", "human") for x in ("alpha", "beta", "gamma")}


def test_eloundou_task_paths_agree(root, monkeypatch):
    """The column-wise task rates are the ones the row-by-row path (taken when a label is wrong) makes."""
    fast, fast_entry = read(eloundou, root)
    monkeypatch.setattr(eloundou, "_all_labels_ok", lambda *a: False)
    slow, slow_entry = read(eloundou, root)
    assert fast_entry == slow_entry and list(fast.edges) == list(slow.edges)
    for name in fast.edges:
        pd.testing.assert_frame_equal(fast.edges[name], slow.edges[name], check_exact=True)


def test_felten_soc2010_mapped_and_averaged(root):
    t, entry = read(felten, root)
    studies = t.nodes["Study"].set_index("id")
    assert set(studies.index) == {"study:felten-2021-aioe", "study:felten-2023-lm-aioe", "study:felten-2023-img-aioe"}
    assert set(studies["code_vintage"]) == {"SOC 2010"}
    assert studies.loc["study:felten-2021-aioe", "match_rate"] == pytest.approx(5 / 6, abs=1e-4)  # 19-1020: no route
    r = rates(t)
    a = "study:felten-2021-aioe"
    assert r[(a, "onet:15-1252.00", "aioe")] == pytest.approx(1.0)  # mean of 15-1132 (1.5) and 15-1133 (0.5)
    assert r[(a, "onet:27-2012.03", "aioe")] == r[(a, "onet:27-2012.00", "aioe")] == pytest.approx(0.3)
    assert r[(a, "onet:27-4015.00", "aioe")] == pytest.approx(-0.2)  # 27-4099 (2010) → 27-4015 (2018)
    assert r[("study:felten-2023-img-aioe", "onet:27-4032.00", "img_aioe")] == pytest.approx(1.1)
    assert entry["match"]["aioe"]["codes"] == pytest.approx(0.8333, abs=1e-4)
    assert any("19-1020" in n for n in entry["notes"])


def test_anthropic_index_shares(root):
    t, entry = read(anthropic_index, root)
    r = rates(t)
    s = "study:anthropic-economic-index-2025-02"
    # "write and test code…" (60 %) is in two O*NET 20.1 occupations: 30 each, both land on task 90001
    assert r[(s, "task:onet:90001", "aei_task_share")] == pytest.approx(60.0)
    assert r[(s, "task:onet:90040", "aei_task_share")] == pytest.approx(9.0)  # matched by text, 27-4099→27-4015
    assert r[(s, "onet:27-4032.00", "aei_occ_share")] == pytest.approx(30.0)  # 20 + "log tapes" 10
    assert sum(v for (_, _, m), v in r.items() if m == "aei_occ_share") == pytest.approx(99.0)  # all but "none"
    m = entry["match"]
    assert m["task_texts_to_tasks"] == 0.75 and m["task_share_to_tasks"] == pytest.approx(89 / 99, abs=1e-4)
    assert m["occupation_share_mapped"] == 1.0
    assert any("none" in n for n in entry["notes"])


def test_no_source_ids_without_catalog_sources(root, tmp_path):
    t, entry = read(eloundou, root, catalog=tmp_path)  # an empty catalog: nothing to cite
    assert t.nodes["Study"].iloc[0]["source_ids"] is None
    assert any("not in the catalog" in n for n in entry["notes"])


@pytest.mark.fulldata
@pytest.mark.skipif(not FULL.is_dir(), reason="shared data not present")
def test_full_match_rates():
    problems: list = []
    ctx = Context(FULL, problems)
    _, el = eloundou.read(ctx)
    _, fe = felten.read(ctx)
    _, ae = anthropic_index.read(ctx)
    assert problems == []
    # codes meant to match: >= 95 %
    assert el["match"]["occupations"] >= 0.95
    assert el["match"]["tasks"] >= 0.95  # O*NET 27.2 task IDs found in 29.1
    for measure in ("aioe", "lm_aioe", "img_aioe"):
        assert fe["match"][measure]["codes"] >= 0.95
        assert fe["match"][measure]["onet_occupations_rated"] >= 900
    assert ae["match"]["task_texts_to_statements"] >= 0.99
    assert ae["match"]["occupation_share_mapped"] >= 0.95
    # AEI rates O*NET 20.1 (2015) tasks: many were rewritten by 29.1, so fewer reach a current Task
    assert ae["match"]["task_texts_to_tasks"] >= 0.85
    for entry in (el, fe, ae):
        assert all(f["pinned"] for f in entry["files"])
