"""`craftgraph suggest-links`: candidate capability → task / DWA links for curators to review.

Ranks pairs by TF-IDF cosine similarity between a capability (name and description) and a task
statement or DWA title, for the tasks of the occupations in scope (default: the occupations crafts
are classified as, plus SOC 27 arts, design, entertainment, sports and media) and the crafts' own
tasks. Pairs already in the graph are left out. The output is a review file in the column layout of
data/catalog/capability_tasks.csv plus `score` and `text`: nothing enters the graph until a curator
fills in weight, mode and rationale, cites a source and moves the row into the catalog.
"""

from __future__ import annotations

import pandas as pd

from graph.store import Graph

REVIEW_COLUMNS = ["capability_id", "task_id", "weight", "mode", "rationale", "confidence", "source_ids"]


def candidate_targets(g: Graph, soc_prefixes: tuple[str, ...] = ("27-",)) -> pd.DataFrame:
    """Tasks and DWAs in scope, with their text: columns id, text, kind."""
    occ = g.nodes.get("Occupation", pd.DataFrame(columns=["id", "soc_code"]))
    classified = g.edges.get("CLASSIFIED_AS", pd.DataFrame(columns=["dst"]))
    scope = set(classified["dst"]) | set(occ[occ["soc_code"].astype(str).str.startswith(soc_prefixes)]["id"])
    has = g.edges.get("HAS_TASK", pd.DataFrame(columns=["src", "dst", "src_label"]))
    task_ids = set(has[has["src"].isin(scope) | (has["src_label"] == "Craft")]["dst"])
    tasks = g.nodes.get("Task", pd.DataFrame(columns=["id", "text"]))
    tasks = tasks[tasks["id"].isin(task_ids)][["id", "text"]].assign(kind="task")
    involves = g.edges.get("INVOLVES", pd.DataFrame(columns=["src", "dst"]))
    dwa_ids = set(involves[involves["src"].isin(task_ids)]["dst"])
    wa = g.nodes.get("WorkActivity", pd.DataFrame(columns=["id", "title", "level"]))
    dwas = wa[wa["id"].isin(dwa_ids) & (wa["level"] == "dwa")][["id", "title"]].rename(columns={"title": "text"})
    return pd.concat([tasks, dwas.assign(kind="dwa")], ignore_index=True)


def suggest(g: Graph, per_capability: int = 15, min_score: float = 0.05) -> pd.DataFrame:
    from sklearn.feature_extraction.text import TfidfVectorizer  # imported here: slow, and only needed here
    from sklearn.metrics.pairwise import linear_kernel

    caps = g.nodes["Capability"][["id", "name", "description"]].copy()
    caps["text"] = caps["name"].fillna("") + ". " + caps["description"].fillna("")
    targets = candidate_targets(g)
    if targets.empty:
        return pd.DataFrame(columns=[*REVIEW_COLUMNS, "score", "text"])
    vec = TfidfVectorizer(stop_words="english", ngram_range=(1, 2), sublinear_tf=True, min_df=1)
    vec.fit(pd.concat([caps["text"], targets["text"]]))
    sim = linear_kernel(vec.transform(caps["text"]), vec.transform(targets["text"]))
    performs = g.edges.get("PERFORMS", pd.DataFrame(columns=["src", "dst"]))
    existing = set(zip(performs["src"], performs["dst"], strict=True))
    rows = []
    for i, cap in enumerate(caps["id"]):
        order = sim[i].argsort()[::-1]
        kept = 0
        for j in order:
            score = float(sim[i, j])
            if score < min_score or kept >= per_capability:
                break
            target = targets.iloc[j]
            if (cap, target["id"]) in existing:
                continue
            rows.append(
                {"capability_id": cap, "task_id": target["id"], "score": round(score, 4), "text": target["text"]}
            )
            kept += 1
    out = pd.DataFrame(rows, columns=["capability_id", "task_id", "score", "text"])
    for c in REVIEW_COLUMNS:
        if c not in out.columns:
            out[c] = ""
    return out[[*REVIEW_COLUMNS, "score", "text"]].sort_values(["capability_id", "score"], ascending=[True, False])
