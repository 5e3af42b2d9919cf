"""`craftgraph catalog-report`: where the curated catalog is thin, so curators see the gaps."""

from __future__ import annotations

import pandas as pd

from graph.provenance import basis_counts, claim_frames, date_coverage, date_end
from graph.schema import GRADES
from graph.store import Graph

RECENT_DAYS = 365  # a domain's "recent" claims became public within this many days of the catalog's as-of date


def _edges(g: Graph, rel: str) -> pd.DataFrame:
    return g.edges.get(rel, pd.DataFrame(columns=["src", "dst", "source_ids"]))


def _nodes(g: Graph, label: str) -> pd.DataFrame:
    return g.nodes.get(label, pd.DataFrame(columns=["id", "name"]))


def craft_coverage(g: Graph) -> pd.DataFrame:
    """Per craft: department, tasks, tasks some capability touches, tools reaching it."""
    crafts = _nodes(g, "Craft")[["id", "name"]].rename(columns={"id": "craft"})
    dept = _edges(g, "IN_DEPARTMENT")[["src", "dst"]].rename(columns={"src": "craft", "dst": "department"})
    has = _edges(g, "HAS_TASK")
    has = has[has["src_label"] == "Craft"][["src", "dst"]].rename(columns={"src": "craft", "dst": "task"})
    performs = _edges(g, "PERFORMS")[["src", "dst"]].rename(columns={"src": "capability", "dst": "task"})
    provides = _edges(g, "PROVIDES")[["src", "dst"]].rename(columns={"src": "tool", "dst": "capability"})
    linked = has.merge(performs, on="task")
    tools = linked.merge(provides, on="capability")
    out = crafts.merge(dept, on="craft", how="left")
    out["tasks"] = out["craft"].map(has.groupby("craft").size()).fillna(0).astype(int)
    out["tasks_linked"] = out["craft"].map(linked.groupby("craft")["task"].nunique()).fillna(0).astype(int)
    out["capabilities"] = out["craft"].map(linked.groupby("craft")["capability"].nunique()).fillna(0).astype(int)
    out["tools"] = out["craft"].map(tools.groupby("craft")["tool"].nunique()).fillna(0).astype(int)
    return out.sort_values(["department", "craft"]).reset_index(drop=True)


def department_coverage(g: Graph) -> pd.DataFrame:
    c = craft_coverage(g)
    return (
        c.groupby("department", dropna=False)
        .agg(
            crafts=("craft", "count"),
            tasks=("tasks", "sum"),
            tasks_linked=("tasks_linked", "sum"),
            tools=("tools", "max"),
        )
        .reset_index()
    )


def ai_type_coverage(g: Graph) -> pd.DataFrame:
    types = _nodes(g, "AIType")[["id", "name"]]
    is_a = _edges(g, "IS_A")
    counts = is_a.groupby("dst").size()
    types = types.assign(tools=types["id"].map(counts).fillna(0).astype(int))
    return types.sort_values("tools", ascending=False).reset_index(drop=True)


def claims_by_source_kind(g: Graph) -> pd.DataFrame:
    """How many claims (relationships with sources) rest on each kind of source."""
    sources = _nodes(g, "Source")
    kind = dict(zip(sources["id"], sources.get("kind", pd.Series(dtype=str)), strict=False))
    vendor = dict(zip(sources["id"], sources.get("vendor_claim", pd.Series(dtype=object)), strict=False))
    rows = []
    for rel, df in g.edges.items():
        if "source_ids" not in df.columns or rel == "CITES":
            continue
        for sids in df["source_ids"]:
            for sid in sids or ():
                rows.append({"relationship": rel, "kind": kind.get(sid), "vendor_claim": bool(vendor.get(sid))})
    if not rows:
        return pd.DataFrame(columns=["kind", "claims", "vendor_claims"])
    df = pd.DataFrame(rows)
    return (
        df.groupby("kind")
        .agg(claims=("relationship", "size"), vendor_claims=("vendor_claim", "sum"))
        .reset_index()
        .sort_values("claims", ascending=False)
    )


def _claims(g: Graph) -> pd.DataFrame:
    """One row per claim: a relationship or a sourced node row, with the source ids it rests on."""
    frames = []
    for rel, df in g.edges.items():
        if rel != "CITES" and "source_ids" in df.columns:
            frames.append(pd.DataFrame({"claim": rel, "source_ids": df["source_ids"]}))
    for label, df in g.nodes.items():
        if label != "Source" and "source_ids" in df.columns and (df.get("origin") == "catalog").any():
            rows = df[df["origin"] == "catalog"]
            frames.append(pd.DataFrame({"claim": label, "source_ids": rows["source_ids"]}))
    if not frames:
        return pd.DataFrame(columns=["claim", "source_ids"])
    out = pd.concat(frames, ignore_index=True)
    return out[out["source_ids"].map(lambda s: s is not None and len(s) > 0)].reset_index(drop=True)


def grade_mix(g: Graph) -> pd.DataFrame:
    """Sources per evidence grade, and the claims that cite a source of that grade."""
    sources = _nodes(g, "Source")
    grades = sources.get("grade", pd.Series(index=sources.index, dtype=object)).fillna("(none)")
    by_id = dict(zip(sources["id"], grades, strict=True))
    cites = _claims(g)["source_ids"].explode().map(by_id).fillna("(none)")
    out = pd.DataFrame({"grade": [*GRADES, "(none)"]})
    out["sources"] = out["grade"].map(grades.value_counts()).fillna(0).astype(int)
    out["citations"] = out["grade"].map(cites.value_counts()).fillna(0).astype(int)
    out["share_of_sources"] = (out["sources"] / max(len(sources), 1)).round(3)
    return out[(out["grade"] != "(none)") | (out["sources"] > 0)].reset_index(drop=True)


def aggregator_only(g: Graph) -> pd.DataFrame:
    """Per kind of claim: how many rest only on aggregator sources (listings, mirrors, wikis)."""
    sources = _nodes(g, "Source")
    agg = set(sources.loc[sources.get("grade", pd.Series(index=sources.index, dtype=object)) == "aggregator", "id"])
    claims = _claims(g)
    claims["aggregator_only"] = claims["source_ids"].map(lambda s: all(sid in agg for sid in s))
    out = claims.groupby("claim").agg(claims=("claim", "size"), aggregator_only=("aggregator_only", "sum"))
    out.loc["(all)"] = out.sum()
    out["share"] = (out["aggregator_only"] / out["claims"].clip(lower=1)).round(3)
    return out.reset_index().sort_values(["aggregator_only", "claim"], ascending=[False, True]).reset_index(drop=True)


def _claim_domains(g: Graph) -> pd.DataFrame:
    """(domain, known_on) per claim that concerns capabilities: milestones, tools and their links, limitation
    and task links of capabilities, capabilities themselves. A tool counts in each domain it provides."""
    caps = _nodes(g, "Capability")
    domains = caps["domain"] if "domain" in caps.columns else pd.Series(None, index=caps.index)
    dom = {c: (d if isinstance(d, str) and d else "other") for c, d in zip(caps["id"], domains, strict=True)}
    tool_doms = _edges(g, "PROVIDES")[["src", "dst"]].assign(domain=lambda d: d["dst"].map(dom))
    tool_dom = tool_doms.groupby("src")["domain"].agg(lambda x: sorted(set(x.dropna())))
    marks = dict(zip(_edges(g, "MARKS")["src"], _edges(g, "MARKS")["dst"], strict=True))
    ends = {  # which end's capability (or tool) places a claim in a domain
        "Milestone": lambda r: [dom.get(marks.get(r["id"]))],
        "Capability": lambda r: [dom.get(r["id"])],
        "Tool": lambda r: tool_dom.get(r["id"], []),
        "IS_A": lambda r: tool_dom.get(r["src"], []),
        "HAS_LIMITATION": lambda r: tool_dom.get(r["src"], []),
        "PROVIDES": lambda r: [dom.get(r["dst"])],
        "CONSTRAINED_BY": lambda r: [dom.get(r["src"])],
        "PERFORMS": lambda r: [dom.get(r["src"])],
        "DEMONSTRATES": lambda r: [dom.get(r["dst"])],
    }
    rows: list[dict] = []
    for kind, df, mask in claim_frames(g):
        place = ends.get(kind)
        if place is None:
            continue
        for r in df[mask].to_dict("records"):
            # an access-day bound says nothing of how fresh the fact is: it counts as undated here
            date = None if r.get("known_on_basis") == "accessed" else r.get("known_on")
            rows.extend({"domain": d, "known_on": date} for d in place(r) if d)
    return pd.DataFrame(rows, columns=["domain", "known_on"])


def domain_freshness(g: Graph) -> pd.DataFrame:
    """Per capability domain: claims, how many are dated, the latest and median known-on date (as the catalog
    gives them), and the share that became public in the RECENT_DAYS before the catalog's as-of date (its
    latest checked-on date; a partial date counts by the end of its period). Freshest first."""
    cols = ["domain", "claims", "dated", "latest", "median", "recent_share"]
    claims = _claim_domains(g)
    if claims.empty:
        return pd.DataFrame(columns=cols)
    as_of = _as_of(g)
    claims["day"] = claims["known_on"].map(_day)
    rows = []
    for domain, grp in claims.groupby("domain"):
        dated = grp.dropna(subset=["day"]).sort_values("day")
        recent = (dated["day"] >= as_of - pd.Timedelta(days=RECENT_DAYS)).sum() if as_of is not None else 0
        rows.append(
            {
                "domain": domain,
                "claims": len(grp),
                "dated": len(dated),
                "latest": dated["known_on"].iloc[-1] if len(dated) else None,
                "median": dated["known_on"].iloc[(len(dated) - 1) // 2] if len(dated) else None,
                "recent_share": round(recent / max(len(dated), 1), 3),
            }
        )
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["recent_share", "latest"], ascending=False).reset_index(drop=True)


def _day(value: object) -> pd.Timestamp | None:
    """The last day a (partial) date can mean, as a timestamp (a fact dated 2024 is known by 2024-12-31)."""
    key = date_end(value)
    if key is None:
        return None
    y, md = divmod(int(key), 10000)
    m, d = divmod(md, 100)
    return pd.Timestamp(year=y, month=m, day=1) + pd.offsets.MonthEnd(0) if d == 31 else pd.Timestamp(y, m, d)


def _as_of(g: Graph) -> pd.Timestamp | None:
    found = [_day(v) for _, df, mask in claim_frames(g) for v in df.loc[mask, "checked_on"]]
    days = [d for d in found if d is not None]
    return max(days) if days else None


def freshness_summary(g: Graph) -> pd.DataFrame:
    """The three freshest and three stalest domains (by the share of claims known within RECENT_DAYS)."""
    f = domain_freshness(g)
    if f.empty:
        return pd.DataFrame(columns=["end", *f.columns])
    n = min(3, len(f) // 2 or 1)
    fresh = f.head(n).assign(end="freshest")
    stale = f.tail(n).iloc[::-1].assign(end="stalest")
    return pd.concat([fresh, stale], ignore_index=True)[["end", *f.columns]]


def milestone_counts(g: Graph) -> pd.DataFrame:
    caps = _nodes(g, "Capability")[["id", "name"]]
    marks = _edges(g, "MARKS")
    counts = marks.groupby("dst").size()
    caps = caps.assign(milestones=caps["id"].map(counts).fillna(0).astype(int))
    return caps.sort_values(["milestones", "id"]).reset_index(drop=True)


def report(g: Graph) -> dict[str, pd.DataFrame]:
    crafts = craft_coverage(g)
    return {
        "departments": department_coverage(g),
        "ai_types": ai_type_coverage(g),
        "claims_by_source_kind": claims_by_source_kind(g),
        "grade_mix": grade_mix(g),
        "claims_on_aggregators_only": aggregator_only(g),
        "claim_known_on_coverage": date_coverage(g),
        "freshest_and_stalest_domains": freshness_summary(g),
        "domains_by_freshness": domain_freshness(g),
        "severities_half_lives_weights": basis_counts(g),
        "capabilities_fewest_milestones": milestone_counts(g).head(15),
        "crafts_without_tools": crafts[crafts["tools"] == 0][["craft", "name", "department", "tasks"]],
        "crafts_with_few_tasks": crafts[crafts["tasks"] < 8][["craft", "name", "tasks"]],
    }
