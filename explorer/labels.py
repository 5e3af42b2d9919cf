"""Plain labels for tables: human column titles with help, shares as percentages, Yes/No/Unknown, lists as
text, id columns hidden (the CSV downloads keep them). No Streamlit: column configs are plain dicts that
st.dataframe accepts."""

from __future__ import annotations

import re

import pandas as pd

from explorer import glossary

# share columns (fractions 0..1 in the data; shown as percentages)
PCT_NAMES = frozenset(
    {
        "median",
        "low",
        "high",
        "automation",
        "augmentation",
        "potential",
        "mean",
        "share",
        "contribution",
        "held_back",
        "task_exposure",
        "maturity",
        "damped_maturity",
        "importance_share",
        "share_of_work",
        "baseline",
        "custom",
        "change",
        "current",
        "share_of_held_back",
        "p_by_end",
        "technical_median",
        "technical_low",
        "technical_high",
        "coverage",
        "weight",
        "range_low",
        "range_high",
    }
)
# column -> (title, help); the help of a column the glossary defines comes from the glossary
COLUMNS: dict[str, tuple[str, str]] = {
    "rank": ("Rank", "Rank by median exposure among the assessed entities"),
    "name": ("Name", ""),
    "title": ("Title", ""),
    "department": ("Department", ""),
    "soc_code": ("SOC code", "Standard Occupational Classification code"),
    "year": ("Year", ""),
    "scenario": ("Scenario", "slow, expected or fast maturing of capabilities"),
    "median": ("Exposure (median)", "Median of the draws: the permitted reach, with legal and contractual terms"),
    "low": ("Low (10th pct.)", "Lower end of the 80% band"),
    "high": ("High (90th pct.)", "Upper end of the 80% band"),
    "mean": ("Mean", "Mean of the draws"),
    "automation": ("Through automation", "Points of the mean exposure through links where AI does the task"),
    "augmentation": ("Through augmentation", "Points of the mean exposure through links where AI assists"),
    "potential": ("Potential", "Exposure if every capability were fully mature"),
    "technical_median": ("Technical reach", "What AI could do without legal and contractual limits (median)"),
    "coverage": ("Coverage", "Share of the task weight that some capability in the catalog reaches"),
    "coverage_status": ("Assessed?", "assessed, partly assessed, or not assessed (no score, not a zero)"),
    "coverage_reason": ("Why not assessed", ""),
    "basis": ("Basis", "How the score is derived (own tasks or the crafts classified under it)"),
    "method_version": ("Method", "Version of the exposure method"),
    "share": ("Share", ""),
    "contribution": ("Contribution", "Share of the score this row accounts for"),
    "held_back": ("Held back", "Points of exposure this limitation holds back"),
    "task_exposure": ("Task exposure", ""),
    "maturity": ("Maturity", "How far the capability is from research (0%) to industry standard (100%)"),
    "damped_maturity": ("Maturity after limits", "Maturity after the limitations damp it"),
    "importance_share": ("Share of the craft's work", "The task's importance as a share of the craft's tasks"),
    "share_of_work": ("Share of work", ""),
    "baseline": ("Baseline", "Median exposure in the base scenario"),
    "custom": ("With your changes", "Median exposure in the custom scenario"),
    "change": ("Change", "Custom minus baseline, in points"),
    "weight": ("Weight", "How much of the task the capability can do"),
    "mode": ("Mode", "automate (AI does it) or augment (AI assists)"),
    "rationale": ("Why", ""),
    "sources": ("Sources", ""),
    "vendor_claim": ("Vendor claim?", "The fact rests on the vendor's own statement"),
    "url": ("Link", ""),
    "publisher": ("Publisher", ""),
    "date": ("Date", ""),
    "accessed": ("Read on", "The day the curator last read the page"),
    "grade": ("Evidence grade", "primary, secondary, vendor or aggregator (docs/curation.md)"),
    "known_on": ("Known on", "When the fact became public (from its sources or its own date)"),
    "checked_on": ("Checked on", "When the fact was last checked against its sources"),
    "kind": ("Kind", ""),
    "count": ("Count", ""),
    "p_by_end": ("Chance by 2036", "Probability the link crosses the threshold by the end of the horizon"),
    "technical_low": ("Technical low", ""),
    "range_low": ("Scenarios: lowest", ""),
    "range_high": ("Scenarios: highest", ""),
    "technical_high": ("Technical high", ""),
}
ID_COLUMNS = frozenset({"id", "entity_id", "src", "dst", "source_ids"})
ID_VALUE = re.compile(r"^[a-z][a-z0-9_-]*:\S+$")  # craft:…, task:craft:…, cap:…, onet:…


def pct_text(x, missing: str = "–") -> str:
    """0.1431 -> "14%", 0.0431 -> "4.3%" (one decimal below 10%); `missing` for a missing value."""
    try:
        if x is None or x != x:
            return missing
        v = 100 * float(x)
    except (TypeError, ValueError):
        return missing
    return f"{v:.1f}%" if abs(v) < 10 else f"{v:.0f}%"


def yes_no(v) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return "Unknown"
    if isinstance(v, str):
        return {"true": "Yes", "false": "No", "": "Unknown"}.get(v.lower(), v)
    return "Yes" if bool(v) else "No"


def _is_id_column(name: str, s: pd.Series) -> bool:
    if name in ID_COLUMNS or name.endswith("_id") or name.endswith("_ids"):
        return True
    vals = s.dropna()
    return _texty(s) and len(vals) > 0 and all(isinstance(v, str) and ID_VALUE.match(v) for v in vals.iloc[:50])


def _texty(s: pd.Series) -> bool:
    return s.dtype == object or pd.api.types.is_string_dtype(s)


def _is_bool(s: pd.Series) -> bool:
    if s.dtype == bool:
        return True
    vals = s.dropna()
    return s.dtype == object and len(vals) > 0 and all(isinstance(v, bool) for v in vals)


def _cfg(label: str, help_: str, **extra) -> dict:
    return {"label": label, **({"help": help_} if help_ else {}), **extra}


def title(col: str) -> str:
    return COLUMNS.get(col, (col.replace("_", " ").capitalize(), ""))[0]


def display(df: pd.DataFrame, pct: frozenset[str] | set[str] = PCT_NAMES) -> tuple[pd.DataFrame, dict]:
    """(the frame to show, its column config): percentages as numbers 0..100 with one decimal, booleans
    as Yes/No/Unknown, lists joined, id columns hidden when the frame has a name-like column besides."""
    out = df.copy()
    config: dict = {}
    has_name = any(not _is_id_column(c, out[c]) and _texty(out[c]) for c in out.columns)
    for c in out.columns:
        s = out[c]
        t, help_ = COLUMNS.get(c, (title(c), ""))
        help_ = glossary.help_text(c, help_)
        if has_name and _is_id_column(c, s):
            config[c] = None  # hidden; the CSV keeps it
        elif c in pct and pd.api.types.is_numeric_dtype(s):
            out[c] = s.astype(float) * 100
            config[c] = _cfg(t, help_, type_config={"type": "number", "format": "%.1f%%"})
        elif _is_bool(s):
            out[c] = s.map(yes_no)
            config[c] = _cfg(t, help_)
        else:
            if c == "measure" and _texty(s):  # a study's code, e.g. gpt4_beta: its name, the code beside it
                out[c] = s.map(lambda v: f"{glossary.name_of(v)} ({v})" if glossary.term(str(v)) else v)
            if s.dtype == object and s.map(lambda v: isinstance(v, (list, tuple))).any():
                out[c] = out[c].map(lambda v: "; ".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
            vals = out[c].dropna()
            if _texty(out[c]) and len(vals) < len(out[c]) and all(isinstance(v, str) for v in vals):
                out[c] = out[c].where(out[c].notna(), "–")  # a missing text reads as a dash, not "None"
            config[c] = _cfg(t, help_)
    return out, config
