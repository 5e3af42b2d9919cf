"""Epoch AI, "Data on AI Models" (notable models) → AIModel nodes, as dated events.

File: `<root>/epoch_ai/notable_ai_models.csv` (CC BY 4.0; multi-line quoted cells). Only the models
a curated mapping names become nodes: `model_id` in the catalog's model_capabilities*.csv
(DEMONSTRATES edges, written by curators with a rationale and sources). The manifest says how many
of the file's models that is.

Ids: `model:<slug of the Model column>` (lower case; runs of other characters → `-`; accents
dropped), e.g. "DALL·E 2" → `model:dall-e-2`, "Stable Diffusion (LDM-KL-8-G)" →
`model:stable-diffusion-ldm-kl-8-g`. Two models with the same slug are an error only if a mapping
names that slug.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

from graph.schema import DATE_RE
from graph.tables import WHERE, Problem, TableBuilder, Tables
from ingest.base import Context, finish
from ingest.catalog_links import cite, mapping_ids
from ingest.checks import records
from ingest.manifest import new_entry, record_file
from ingest.reader import LINE, FileProblems, read_table

NAME = "epoch"
ORIGIN = "epoch-notable-models"
REL = "epoch_ai/notable_ai_models.csv"
SOURCE_ID = "src:pd-epoch-notable-models"
MAPPING = "model_capabilities"
COLS = ["Model", "Organization", "Publication date", "Domain"]


def model_id(name: str) -> str:
    return f"model:{slugify(name)}"


def slugify(text: str) -> str:
    """Lower case, accents dropped, every run of other characters one "-"."""
    # drop accents (combining marks), then every run of other characters becomes one "-"
    s = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()
    s = re.sub(r"[^a-z0-9._-]+", "-", s)
    s = re.sub(r"-{2,}", "-", s).strip("-._")
    return s or "x"


def read(ctx: Context) -> tuple[Tables, dict]:
    root, problems = ctx.root, ctx.problems
    entry = new_entry(ORIGIN, "notable_ai_models.csv (snapshot 2026-07)", "Epoch AI, Data on AI Models: notable models")
    fp = FileProblems(root / REL, problems)
    df = read_table(fp, COLS)
    if df is None:
        return Tables(), entry
    record_file(entry, root, REL, len(df))
    wanted = mapping_ids(ctx.catalog_dir, MAPPING, "model_id", problems)
    index: dict[str, list[dict]] = {}
    for r in records(df):
        index.setdefault(model_id(r["Model"]), []).append(r)
    tb = TableBuilder()
    sources = cite(ctx, SOURCE_ID, entry) if wanted else None
    for ident, refs in sorted(wanted.items()):
        rows = index.get(ident)
        if not rows:
            near = difflib.get_close_matches(ident, list(index), n=3, cutoff=0.6)
            hint = f"; close: {', '.join(near)}" if near else ""
            for f, line in refs:
                problems.append(Problem(f, line, "model_id", f"{ident!r} is not an Epoch AI notable model{hint}"))
            continue
        if len(rows) > 1:
            lines = ", ".join(str(r[LINE]) for r in rows)
            fp.add(
                int(rows[1][LINE]),
                "Model",
                f"{ident!r} names {len(rows)} models (lines {lines}); the mapping is ambiguous",
            )
            continue
        r = rows[0]
        date = r["Publication date"] or None
        if date and not DATE_RE.match(date):
            fp.add(int(r[LINE]), "Publication date", f"expected YYYY-MM-DD, got {date!r}")
            date = None
        tb.node(
            "AIModel",
            {
                "id": ident,
                "name": r["Model"],
                "organization": r["Organization"] or None,
                "date": date,
                "domain": r["Domain"] or None,
                "source_ids": sources,
                "origin": ORIGIN,
                WHERE: fp.where(int(r[LINE])),
            },
        )
    t = finish(tb)
    n = len(t.nodes.get("AIModel", []))
    entry["totals"] = {"models_in_file": len(df), "models_mapped": len(wanted), "ai_model_nodes": n}
    entry["notes"].append(f"only models named in the catalog's {MAPPING}*.csv become AIModel nodes: {n} of {len(df)}")
    t.notes += [f"{ORIGIN}: {x}" for x in entry["notes"]]
    return t, entry
