import pandas as pd

import graph
from cli.main import main
from graph.pipeline import build
from graph.suggest import suggest


def test_suggestions_rank_matching_tasks_and_skip_existing_links(catalog_copy, tmp_path):
    with (catalog_copy / "capabilities.csv").open("a") as f:
        f.write(
            "cap:frame-action,frame and follow the action automatically,Robotic framing of moving action.,video,"
            "src:fx-paper\n"
        )
    build(catalog_copy, home=tmp_path / "h", with_scores=False)
    g = graph.load(tmp_path / "h")
    out = suggest(g, per_capability=3, min_score=0.01)
    mine = out[out["capability_id"] == "cap:frame-action"]
    assert mine.iloc[0]["task_id"] == "task:craft:camera-operator.frame"
    assert list(mine["score"]) == sorted(mine["score"], reverse=True)
    existing = set(zip(g.edges["PERFORMS"]["src"], g.edges["PERFORMS"]["dst"], strict=True))
    assert not existing & set(zip(out["capability_id"], out["task_id"], strict=True))
    assert (out["weight"] == "").all() and (out["rationale"] == "").all()


def test_command_writes_a_review_file_outside_the_catalog(fixture_home, tmp_path, capsys):
    dest = tmp_path / "review" / "links.csv"
    assert main(["suggest-links", "--home", str(fixture_home), "--out", str(dest), "--min-score", "0.01"]) == 0
    df = pd.read_csv(dest)
    assert list(df.columns)[:7] == [
        "capability_id",
        "task_id",
        "weight",
        "mode",
        "rationale",
        "confidence",
        "source_ids",
    ]
    assert "nothing else enters the graph" in capsys.readouterr().out
