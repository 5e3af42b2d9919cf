"""Craft headcounts and wages from the BLS OEWS industry-specific and metro estimates, and the jobs each
exposure touches.

Headcount of a craft c (payroll jobs, May 2025), from the JobsEstimate nodes:

- An OEWS estimate of SOC code s is split evenly over the O*NET-SOC occupations it is ESTIMATE_OF (as the
  national file is on Occupation.employment), and an occupation's jobs are split over the crafts
  CLASSIFIED_AS it in proportion to their `share`: w(c,o) = share(c,o) / sum of shares of all crafts on o.
  Summing crafts therefore never counts a job twice.
- **Point**: jobs of the craft's occupations in the media and entertainment industries MEDIA (512100
  motion picture and video, 512200 sound recording, 516000 broadcasting and content providers, 711000
  performing arts, spectator sports and related; disjoint NAICS 2022 codes), times w.
- **Low**: the same in 512100 (motion picture and video) alone.
- **High**: the point plus software publishers (513200, which holds video-game publishers).
  The same occupations in all industries (the national cross-industry figure, Occupation.employment)
  is given as `all_industries`, for context only: for an accountant or a carpenter it is mostly other
  work. The range is the uncertainty of which industries a craft works in; no curated craft → industry
  links exist yet, so every craft uses these three readings (stated in `rests_on`).
- Per metro (Los Angeles, New York, Atlanta; OEWS publishes metros for all industries only): the metro's
  all-industry jobs of the occupation times the national industry share of the point/low/high reading
  (the metro is assumed to have the national industry mix, which understates film-heavy Los Angeles);
  empty when every cell is suppressed.
- Suppressed cells (footnote 8) count as 0 and are listed: the figure is then a floor.
- OEWS excludes the self-employed, and many crafts are freelance or paid through loan-outs: **every
  headcount is a floor** (`self_employed` says so); no adjustment factor is applied, since no sourced
  self-employment share by craft is in the graph.

Wages: the annual percentiles of the craft's occupations in 512100 (else the MEDIA industry with most
jobs, else all industries), employment-weighted across occupations when a craft has several (an
approximation: a weighted mean of medians is not the median of the pooled workers).

Jobs exposed: headcount × exposure (the engine's median), band = headcount low × exposure low to
headcount high × exposure high.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

FILM = "512100"
MEDIA = ("512100", "512200", "516000", "711000")
WIDER = ("513200",)  # software publishers, incl. video-game publishers (NAICS 2022)
METROS = {"area:metro-31080": "Los Angeles", "area:metro-35620": "New York", "area:metro-12060": "Atlanta"}
WAGE_COLS = ("wage_p10", "wage_p25", "median_wage", "wage_p75", "wage_p90")
SELF_EMPLOYED = (
    "floor: OEWS counts payroll jobs and excludes the self-employed (freelancers, loan-outs); no adjustment applied"
)


def _num(v) -> float:
    """A count, 0 when missing or NaN."""
    return float(v) if v is not None and v == v else 0.0


def _parts(graph) -> tuple[dict, dict]:
    return (graph[0], graph[1]) if isinstance(graph, tuple) else (graph.nodes, graph.edges)


def _weights(edges: dict) -> dict[str, dict[str, float]]:
    """craft → {occupation: w(c,o)} (the craft's part of the occupation's jobs)."""
    ca = edges.get("CLASSIFIED_AS")
    if ca is None or ca.empty:
        return {}
    share = ca["share"].astype(float)
    total = share.groupby(ca["dst"]).transform("sum")
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for c, o, s, t in zip(ca["src"], ca["dst"], share, total, strict=True):
        if t > 0:
            out[c][o] = out[c].get(o, 0.0) + s / t
    return out


def occupation_jobs(graph) -> pd.DataFrame:
    """Per (O*NET occupation, area, industry code or 000000): jobs (split evenly over the occupations an
    estimate is ESTIMATE_OF), wage percentiles, and whether employment was suppressed."""
    nodes, edges = _parts(graph)
    est, of = nodes.get("JobsEstimate"), edges.get("ESTIMATE_OF")
    if est is None or of is None or est.empty:
        return pd.DataFrame(columns=["occupation", "area", "naics", "jobs", "suppressed", *WAGE_COLS])
    n_targets = of.groupby("src")["dst"].transform("count")
    e = est.set_index("id")
    df = pd.DataFrame({"estimate": of["src"], "occupation": of["dst"], "split": n_targets})
    df["area"] = ["area:" + i.split(".")[1] for i in df["estimate"]]
    df["naics"] = df["estimate"].map(e["naics_code"])
    emp = df["estimate"].map(e["employment"]).astype(float)
    df["suppressed"] = emp.isna()
    df["jobs"] = (emp / df["split"]).fillna(0.0)
    for c in WAGE_COLS:
        df[c] = df["estimate"].map(e[c]).astype(float)
    return df.drop(columns=["split"])


def craft_headcounts(graph) -> pd.DataFrame:
    """One row per (craft, area) for the nation and the three metros: headcount, low, high, wage
    percentiles, what the figure rests on, and the self-employment caveat. Crafts whose occupations
    have no industry estimate are left out."""
    nodes, edges = _parts(graph)
    jobs = occupation_jobs(graph)
    if jobs.empty:
        return pd.DataFrame()
    occ = nodes["Occupation"].set_index("id")
    all_ind = occ["employment"].astype(float) if "employment" in occ.columns else pd.Series(dtype=float)
    nat = jobs[jobs["area"] == "area:us"]
    frames = {k: g.set_index("occupation") for k, g in nat.groupby("naics")}
    weights = _weights(edges)
    links = industry_links(edges, set(weights))
    leaves = {k: _cells(f) for k, f in _leaf_jobs(frames).items()}
    by = {k: _cells(f) for k, f in frames.items()}
    metros = {a: _cells(jobs[jobs["area"] == a].set_index("occupation")) for a in METROS}
    alloc = _allocation(edges, links, leaves)
    own = _own_shares(edges)
    rows = []
    for craft, ws in sorted(weights.items()):
        national = _national(craft, ws, own[craft], links[craft], (leaves, alloc, by), all_ind)
        if national is None:
            continue
        rows.append(national)
        for area, name in METROS.items():
            rows.append(_metro(craft, ws, metros[area], national, area, name, all_ind))
    return pd.DataFrame(rows)


# Crafts without curated WORKS_IN links use the media industries as before: film main, the other media
# industries also, software publishers (video games) possible.
DEFAULT_LINKS = {"512100": "main", "512200": "also", "516000": "also", "711000": "also", "513200": "possible"}
READINGS = {"low": ("main",), "point": ("main", "also"), "high": ("main", "also", "possible")}


def industry_links(edges: dict, crafts: set[str]) -> dict[str, dict[str, str]]:
    """craft → {NAICS code: role}: the curated WORKS_IN links, else DEFAULT_LINKS (marked by `curated`)."""
    wi = edges.get("WORKS_IN")
    out: dict[str, dict[str, str]] = defaultdict(dict)
    if wi is not None and not wi.empty:
        for c, d, r in zip(wi["src"], wi["dst"], wi["role"], strict=True):
            out[c][str(d).removeprefix("naics:")] = r
    return {c: dict(out[c]) if c in out else dict(DEFAULT_LINKS) for c in crafts}


def curated(edges: dict, craft: str) -> bool:
    wi = edges.get("WORKS_IN")
    return wi is not None and not wi.empty and bool((wi["src"] == craft).any())


def _stem(code: str) -> str:
    return code.rstrip("0") or code


def _under(code: str, parent: str) -> bool:
    return code != parent and code.startswith(_stem(parent))


def _leaf_jobs(by: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Per published code: its jobs less those of the published codes directly under it (the remainder),
    so that leaves never overlap, e.g. 512100 less 512130 (production, distribution and post-production
    without exhibition). A suppressed parent cell gives 0; suppressed children count as 0 (floor)."""
    codes = sorted(by)
    out = {}
    for p in codes:
        kids = [c for c in codes if _under(c, p) and not any(_under(c, m) and _under(m, p) for m in codes)]
        f = by[p][["jobs", "suppressed"]].copy()
        for k in kids:
            f["jobs"] = f["jobs"] - by[k]["jobs"].reindex(f.index).fillna(0.0)
        f["jobs"] = f["jobs"].clip(lower=0.0)
        out[p] = f
    return out


def _cells(frame: pd.DataFrame) -> dict[str, dict]:
    """occupation → {column: value}: plain dicts, since the loops below look up one cell at a time."""
    f = frame[~frame.index.duplicated()]
    cols = list(f.columns)  # what to_dict("index") gives, from column lists (much faster on Arrow strings)
    values = zip(*(f[c].tolist() for c in cols), strict=True)
    return {i: dict(zip(cols, v, strict=True)) for i, v in zip(f.index.tolist(), values, strict=True)}


def covered(code: str, published: list[str]) -> list[str]:
    """The published leaves a linked code stands for: the code and every published code under it, or,
    when the code itself is not published (512110), the nearest published code above it."""
    if code in published:
        return [p for p in published if p == code or _under(p, code)]
    above = [p for p in published if _under(code, p)]
    return [max(above, key=lambda p: len(_stem(p)))] if above else []


def _allocation(edges: dict, links: dict[str, dict[str, str]], leaves: dict) -> dict:
    """(reading, leaf, occupation) → the summed CLASSIFIED_AS shares of the crafts present there, so each
    craft's part of a leaf's jobs is share / that sum and no reading counts a job twice."""
    ca = edges.get("CLASSIFIED_AS")
    tot: dict[tuple[str, str, str], float] = defaultdict(float)
    if ca is None or ca.empty:
        return tot
    published = sorted(leaves)
    for c, o, s in zip(ca["src"], ca["dst"], ca["share"].astype(float), strict=True):
        for reading, roles in READINGS.items():
            for leaf in _leaves_of(links.get(c, DEFAULT_LINKS), roles, published):
                tot[(reading, leaf, o)] += s
    return tot


def _leaves_of(links: dict[str, str], roles: tuple[str, ...], published: list[str]) -> set[str]:
    return {leaf for code, role in links.items() if role in roles for leaf in covered(code, published)}


def _reading(craft_shares: dict[str, float], leaves_: set[str], leaves: dict, alloc: dict, reading: str) -> float:
    total = 0.0
    for leaf in leaves_:
        f = leaves[leaf]
        for o, s in craft_shares.items():
            den = alloc.get((reading, leaf, o), 0.0)
            if o in f and den > 0:
                total += s / den * float(f[o]["jobs"])
    return total


def _own_shares(edges: dict) -> dict[str, dict[str, float]]:
    """craft → {occupation: CLASSIFIED_AS share}."""
    ca = edges.get("CLASSIFIED_AS")
    out: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    if ca is not None and not ca.empty:
        for c, o, s in zip(ca["src"], ca["dst"], ca["share"].astype(float), strict=True):
            out[c][o] += s
    return out


def _national(
    craft: str,
    ws: dict[str, float],
    shares: dict[str, float],
    links: dict[str, str],
    ctx: tuple[dict, dict, dict],
    all_ind: pd.Series,
) -> dict | None:
    leaves, alloc, by = ctx
    published = sorted(leaves)
    present = _leaves_of(links, READINGS["high"], published)
    counted = [o for i in present for o in ws if o in by[i] and not by[i][o]["suppressed"]]
    if not counted:  # no industry estimate of the craft's occupations, or only suppressed ones
        return None
    values = {
        r: _reading(shares, _leaves_of(links, roles, published), leaves, alloc, r) for r, roles in READINGS.items()
    }
    supp = sorted({o for i in present for o in ws if o in by[i] and bool(by[i][o]["suppressed"])})
    all_industries = sum(w * _num(all_ind.get(o)) for o, w in ws.items())
    main = sorted(_leaves_of(links, ("main",), published))
    wages, wage_basis = _wages(ws, by, main, sorted(present - set(main)))
    rests = f"OEWS May 2025, occupations {', '.join(sorted(ws))} (craft's part of each by CLASSIFIED_AS share); "
    rests += _describe(links, published)
    if supp:
        rests += f"; suppressed cells counted as 0: {', '.join(supp)}"
    point = values["point"]
    return {
        "craft_id": craft,
        "area_id": "area:us",
        "area": "United States",
        "headcount": round(point),
        "headcount_low": round(min(values["low"], point)),
        "headcount_high": round(max(values["high"], point)),
        "all_industries": round(all_industries),
        **wages,
        "wage_basis": wage_basis,
        "industries": ";".join(f"{c}:{r}" for c, r in sorted(links.items())),
        "rests_on": rests,
        "self_employed": SELF_EMPLOYED,
    }


def _describe(links: dict[str, str], published: list[str]) -> str:
    parts = []
    for role in ("main", "also", "possible"):
        codes = sorted(c for c, r in links.items() if r == role)
        if codes:
            shown = [c if c in published else f"{c} (read as {_read_as(c, published)})" for c in codes]
            parts.append(f"{role} {'+'.join(shown)}")
    kind = "curated industries" if links != DEFAULT_LINKS else "default media industries (no curated links)"
    return f"{kind}: {'; '.join(parts)}; low = main, point = main + also, high = all"


def _read_as(code: str, published: list[str]) -> str:
    return "+".join(covered(code, published)) or "not published"


def _wages(ws: dict[str, float], by: dict, first: list[str], then: list[str]) -> tuple[dict, str]:
    """Employment-weighted wage percentiles from the craft's main industry with most of its jobs (then the
    others it works in) where its occupations have a median."""

    def most(codes: list[str]) -> list[str]:
        return sorted(codes, key=lambda i: -_sum(ws, by.get(i))[0])

    ranked = most(first) + most(then)
    for ind in ranked:
        f = by.get(ind)
        if f is None:
            continue
        got = _weighted(ws, f)
        if got is not None:
            return got, f"OEWS May 2025, NAICS {ind}, national"
    return dict.fromkeys(WAGE_COLS), "no wage published for these occupations in the craft's industries"


def _sum(ws: dict[str, float], frame: dict | None) -> tuple[float, list[str]]:
    """Σ w × jobs over the craft's occupations, and the occupations whose cell is suppressed."""
    if frame is None:
        return 0.0, []
    total, supp = 0.0, []
    for o, w in ws.items():
        if o in frame:
            total += w * float(frame[o]["jobs"])
            if bool(frame[o]["suppressed"]):
                supp.append(o)
    return total, supp


def _weighted(ws: dict[str, float], f: dict) -> dict | None:
    have = [(o, w * max(float(f[o]["jobs"]), 1.0)) for o, w in ws.items() if o in f and _num(f[o]["median_wage"])]
    if not have:
        return None
    tot = sum(w for _, w in have)
    out = {}
    for c in WAGE_COLS:
        vals = [(float(f[o][c]), w) for o, w in have if f[o][c] == f[o][c] and f[o][c] is not None]
        out[c] = round(sum(v * w for v, w in vals) / sum(w for _, w in vals), -1) if vals else None
    return out if tot > 0 else None


def _metro(craft, ws, cells: dict, national: dict, area: str, name: str, all_ind: pd.Series) -> dict:
    f = cells or None
    high, supp = _sum(ws, f)
    nat_all = sum(w * _num(all_ind.get(o)) for o, w in ws.items())
    share_point = national["headcount"] / nat_all if nat_all else 0.0
    share_low = national["headcount_low"] / nat_all if nat_all else 0.0
    share_high = national["headcount_high"] / nat_all if nat_all else 0.0
    counted = bool(f is not None and any(o in f and not f[o]["suppressed"] for o in ws))
    wages = _weighted(ws, f) if f is not None else None
    rests = (
        f"OEWS May 2025 {name} metro, all industries, times the national media-industry share of the craft's "
        f"occupations ({share_point:.1%}; film only {share_low:.1%}, with software publishers {share_high:.1%}): "
        "assumes the national industry mix"
    )
    if supp:
        rests += f"; suppressed cells counted as 0: {', '.join(sorted(set(supp)))}"
    return {
        "craft_id": craft,
        "area_id": area,
        "area": name,
        "headcount": round(high * share_point) if counted else None,
        "headcount_low": round(high * share_low) if counted else None,
        "headcount_high": round(high * share_high) if counted else None,
        "all_industries": round(high) if counted else None,
        **(wages or dict.fromkeys(WAGE_COLS)),
        "wage_basis": f"OEWS May 2025, {name} metro, all industries" if wages else "no metro wage published",
        "rests_on": rests,
        "self_employed": SELF_EMPLOYED,
    }


def with_jobs(exposure: pd.DataFrame, graph, area: str = "area:us") -> pd.DataFrame:
    """Craft exposure rows joined with the craft's headcount and wages in `area`, and jobs exposed
    (headcount × median exposure) with its band (low × low, high × high). Other rows get empty cells."""
    hc = craft_headcounts(graph)
    cols = ["headcount", "headcount_low", "headcount_high", "median_wage", "wage_p10", "wage_p90", "wage_basis"]
    cols.append("industries")
    if hc.empty:
        out = exposure.copy()
        for c in [*cols, "jobs_exposed", "jobs_exposed_low", "jobs_exposed_high"]:
            out[c] = None
        return out
    hc = hc[hc["area_id"] == area].set_index("craft_id")[[*cols, "rests_on", "self_employed"]]
    out = exposure.join(hc, on="entity_id")
    out["jobs_exposed"] = (out["headcount"] * out["median"]).round()
    out["jobs_exposed_low"] = (out["headcount_low"] * out["low"]).round()
    out["jobs_exposed_high"] = (out["headcount_high"] * out["high"]).round()
    return out


def jobs_exposed(exposure: pd.DataFrame, graph, area: str = "area:us", thresholds=(0.1, 0.25, 0.5)) -> pd.DataFrame:
    """All crafts per year: jobs exposed with its band, the headcount covered, and the workers in crafts
    whose median exposure is at or above each threshold (with the low/high headcounts)."""
    j = with_jobs(exposure[exposure["label"] == "Craft"], graph, area)
    j = j[j["headcount"].notna()]
    rows = []
    for year, g in j.groupby("year"):
        row = {
            "year": int(year),
            "area_id": area,
            "crafts": len(g),
            "headcount": int(g["headcount"].sum()),
            "jobs_exposed": int(g["jobs_exposed"].sum()),
            "jobs_exposed_low": int(g["jobs_exposed_low"].sum()),
            "jobs_exposed_high": int(g["jobs_exposed_high"].sum()),
        }
        for t in thresholds:
            above = g[g["median"] >= t]
            row[f"workers_above_{int(t * 100)}pct"] = int(above["headcount"].sum())
            row[f"workers_above_{int(t * 100)}pct_low"] = int(above["headcount_low"].sum())
            row[f"workers_above_{int(t * 100)}pct_high"] = int(above["headcount_high"].sum())
        rows.append(row)
    return pd.DataFrame(rows)


# QCEW film-production trend: private (ownership 5) employment, quarterly.
TREND_AREAS = {
    "area:us": "United States",
    "area:state-06": "California",
    "area:state-36": "New York",
    "area:state-13": "Georgia",
    "area:county-06037": "Los Angeles County",
}
# Periods a reader needs beside the series (quarters touched): the COVID production shutdown (from
# mid-March 2020; the first quarter is barely touched) and the 2023 WGA (2 May - 27 Sep) and
# SAG-AFTRA (14 Jul - 9 Nov) strikes.
PERIODS = (("covid", (2020, 2), (2020, 4)), ("2023 strikes", (2023, 2), (2023, 4)))


def period_of(year: int, quarter: int) -> str | None:
    for name, start, end in PERIODS:
        if start <= (year, quarter) <= end:
            return name
    return None


def qcew_trend(graph, naics: str = "512110", areas: dict[str, str] = TREND_AREAS) -> pd.DataFrame:
    """One row per quarter: private employment (mean of the three months) per area, the period mark, and
    the change on the same quarter a year earlier for the nation."""
    nodes, _ = _parts(graph)
    q = nodes.get("QcewRecord")
    if q is None or q.empty:
        return pd.DataFrame()
    q = q[(q["naics_code"] == naics) & (q["own_code"] == "5")]
    q = q.assign(area=[i.split(".")[1] for i in q["id"]])
    wide = q.pivot_table(index=["year", "quarter"], columns="area", values="employment", aggfunc="first")
    keep = {a.removeprefix("area:"): name for a, name in areas.items()}
    wide = wide.reindex(columns=list(keep)).rename(columns=keep).reset_index()
    wide["year"] = wide["year"].astype(int)
    wide["quarter"] = wide["quarter"].astype(int)
    wide.insert(2, "period", [period_of(y, qq) for y, qq in zip(wide["year"], wide["quarter"], strict=True)])
    nat = next(iter(keep.values()))
    prev = wide.set_index(["year", "quarter"])[nat]
    wide[f"{nat} change on a year earlier"] = [
        None if (y - 1, qq) not in prev.index else round(v / prev[(y - 1, qq)] - 1, 4)
        for y, qq, v in zip(wide["year"], wide["quarter"], wide[nat], strict=True)
    ]
    return wide


def departments(exposure: pd.DataFrame, graph, area: str = "area:us") -> pd.DataFrame:
    """Department exposure weighted by the crafts' headcounts (point), per year, beside the plain mean the
    engine reports; jobs exposed summed with its band. Crafts without a headcount are left out of the
    weighted figure and counted in `crafts_without_headcount`."""
    nodes, edges = _parts(graph)
    dep = edges.get("IN_DEPARTMENT")
    if dep is None or dep.empty:
        return pd.DataFrame()
    j = with_jobs(exposure[exposure["label"] == "Craft"], graph, area)
    j = j.merge(dep[["src", "dst"]].rename(columns={"src": "entity_id", "dst": "department_id"}), on="entity_id")
    names = nodes["Department"].set_index("id")["name"]
    rows = []
    for (d, year), g in j.groupby(["department_id", "year"]):
        w = g[g["headcount"].notna() & g["median"].notna()]
        total = float(w["headcount"].sum())
        rows.append(
            {
                "department_id": d,
                "name": names.get(d),
                "year": int(year),
                "crafts": len(g),
                "crafts_without_headcount": int(len(g) - len(w)),
                "headcount": round(total),
                "exposure_plain_mean": float(g["median"].mean()),
                "exposure_headcount_weighted": float((w["median"] * w["headcount"]).sum() / total) if total else None,
                "jobs_exposed": int(w["jobs_exposed"].sum()),
                "jobs_exposed_low": int(w["jobs_exposed_low"].sum()),
                "jobs_exposed_high": int(w["jobs_exposed_high"].sum()),
            }
        )
    return pd.DataFrame(rows)
