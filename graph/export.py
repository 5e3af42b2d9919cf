"""`craftgraph export`: the current snapshot in formats other tools read.

- csv: nodes/<Label>.csv and edges/<TYPE>.csv (lists joined with `;`)
- parquet: the snapshot's own tables
- graphml: one graph.graphml for networkx, Gephi, Cytoscape (lists joined with `;`)
- neo4j-import: CSV files with neo4j-admin headers (values as they are: a machine format, not for
  spreadsheets; the csv format is formula-neutral) and an import.sh for
  `neo4j-admin database import full` (the fastest way to load a large graph into an empty database)

The data dictionary and the licences are written alongside every export.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Any

import networkx as nx

from graph.defaults import EXPORT_FORMATS
from graph.safe_text import csv_cell
from graph.schema import NODE_BY_NAME, REL_BY_NAME, data_dictionary
from graph.store import Graph

FORMATS = EXPORT_FORMATS
NEO4J_TYPES = {
    "str": "string",
    "date": "string",
    "float": "double",
    "int": "long",
    "bool": "boolean",
    "list": "string[]",
}
ARRAY_DELIMITER = ";"  # in the csv and graphml exports (for people and spreadsheets)
IMPORT_ARRAY_DELIMITER = "\x1f"  # in the neo4j-import files: the unit separator never occurs in our text


def onet_attribution(version: str | None = None) -> str:
    """O*NET's required credit for modified information, in its own words (onetcenter.org/license_db.html),
    naming the release the build read."""
    db = f"O*NET {version} Database" if version else "O*NET Database"
    return (
        f"This product includes information from the {db} by the U.S. Department of Labor, Employment and "
        "Training Administration (USDOL/ETA). Used under the CC BY 4.0 license. O*NET® is a trademark of "
        "USDOL/ETA. CraftGraph has modified all or some of this information. USDOL/ETA has not approved, "
        "endorsed, or tested these modifications."
    )


def onet_version(manifest: dict) -> str | None:
    """The O*NET release a build read (from its manifest), or None."""
    ps = manifest.get("public_sources")
    onet = ps.get("onet") if isinstance(ps, dict) else None
    return str(onet["version"]) if isinstance(onet, dict) and onet.get("version") else None


def licences(version: str | None = None) -> str:
    """LICENCES.md of an export: each licence once, O*NET's attribution as O*NET requires it."""
    return f"""# Licences and attribution

- Curated catalog (nodes and relationships with origin `catalog`): written by the CraftGraph team; every
  fact names its sources (Source nodes: url, publisher, date). Vendor statements are marked `vendor_claim`.
- O*NET data (origin `onet-*`) and the O*NET-SOC crosswalks, CC BY 4.0: {onet_attribution(version)}
- BLS OEWS and QCEW estimates and the SOC crosswalks: U.S. Bureau of Labor Statistics, public domain.
- Published exposure studies, Epoch AI and the AI Incident Database: each under its own terms, listed in
  data/sources.yaml (licence, citation) and in the build manifest (`public_sources`).
"""


LICENCES = licences()


def _cell(v: Any, ptype: str | None = None, delimiter: str = ARRAY_DELIMITER) -> object:
    if ptype == "int" and v is not None and not (isinstance(v, float) and v != v):
        return int(v)  # parquet → pandas turns whole numbers with gaps into floats
    if isinstance(v, (list, tuple)):
        return delimiter.join(v)
    if v is None or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return v


def _write_csv(path: Path, header: list[str], rows, neutral: bool = False) -> None:
    """neutral: text a spreadsheet would run as a formula gets a leading apostrophe (graph.safe_text)."""
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        for r in rows:
            cells = [_cell(v) for v in r]
            w.writerow([csv_cell(v) for v in cells] if neutral else cells)


def export_csv(g: Graph, dest: Path) -> None:
    """One CSV per label and relationship type, for spreadsheets and other tools: formula-neutral."""
    for kind, tables in (("nodes", g.nodes), ("edges", g.edges)):
        (dest / kind).mkdir(parents=True, exist_ok=True)
        for name, df in tables.items():
            _write_csv(dest / kind / f"{name}.csv", list(df.columns), df.itertuples(index=False), neutral=True)


def export_parquet(g: Graph, dest: Path) -> None:
    for kind in ("nodes", "edges"):
        shutil.copytree(g.path / kind, dest / kind, dirs_exist_ok=True)


def export_graphml(g: Graph, dest: Path) -> Path:
    G = nx.MultiDiGraph()
    for label, df in g.nodes.items():
        for r in df.to_dict("records"):
            G.add_node(r["id"], label=label, **{k: _cell(v) for k, v in r.items() if k != "id" and _cell(v) != ""})
    for rel, df in g.edges.items():
        for r in df.to_dict("records"):
            props = {k: _cell(v) for k, v in r.items() if k not in ("src", "dst") and _cell(v) != ""}
            G.add_edge(r["src"], r["dst"], key=rel, type=rel, **props)
    path = dest / "graph.graphml"
    nx.write_graphml(G, path)
    return path


def export_neo4j_import(g: Graph, dest: Path) -> Path:
    """Files for `neo4j-admin database import full`; ids are global (their prefixes keep them unique)."""
    (dest / "nodes").mkdir(parents=True, exist_ok=True)
    (dest / "relationships").mkdir(parents=True, exist_ok=True)
    args = []
    for label, df in sorted(g.nodes.items()):
        spec = NODE_BY_NAME[label]
        cols = [p for p in spec.all_props if p.name != "id"]
        header = ["id:ID", ":LABEL"] + [f"{p.name}:{NEO4J_TYPES[p.type]}" for p in cols]
        rows = (
            [r["id"], label, *(_cell(r.get(p.name), p.type, IMPORT_ARRAY_DELIMITER) for p in cols)]
            for r in df.to_dict("records")
        )
        _write_csv(dest / "nodes" / f"{label}.csv", header, rows)
        args.append(f"--nodes=nodes/{label}.csv")
    for rel, df in sorted(g.edges.items()):
        rel_spec = REL_BY_NAME[rel]
        cols = list(rel_spec.all_props)
        header = [":START_ID", ":END_ID", ":TYPE"] + [f"{p.name}:{NEO4J_TYPES[p.type]}" for p in cols]
        rows = (
            [r["src"], r["dst"], rel, *(_cell(r.get(p.name), p.type, IMPORT_ARRAY_DELIMITER) for p in cols)]
            for r in df.to_dict("records")
        )
        _write_csv(dest / "relationships" / f"{rel}.csv", header, rows)
        args.append(f"--relationships=relationships/{rel}.csv")
    script = dest / "import.sh"
    script.write_text(
        "#!/usr/bin/env bash\n"
        "# Import into an EMPTY, STOPPED database: neo4j-admin database import full overwrites it.\n"
        "#   NEO4J_ADMIN='/path/to/neo4j-admin' ./import.sh [database]   (NEO4J_ADMIN may be a command with\n"
        "#   arguments, e.g. 'scripts/neo4j-server admin')\n"
        'set -euo pipefail\ncd "$(dirname "$0")"\n'
        "# shellcheck disable=SC2086\n"
        '${NEO4J_ADMIN:-neo4j-admin} database import full "${1:-neo4j}" --overwrite-destination=true '
        "--array-delimiter=$'\\x1f' --multiline-fields=true \\\n  " + " \\\n  ".join(args) + "\n"
    )
    script.chmod(0o755)
    return script


def export(g: Graph, fmt: str, dest: Path) -> Path:
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    dest.mkdir(parents=True, exist_ok=True)
    {"csv": export_csv, "parquet": export_parquet, "graphml": export_graphml, "neo4j-import": export_neo4j_import}[fmt](
        g, dest
    )
    (dest / "DATA_DICTIONARY.md").write_text(data_dictionary())
    (dest / "LICENCES.md").write_text(licences(onet_version(g.manifest)))
    (dest / "manifest.json").write_text((g.path / "manifest.json").read_text())
    return dest


def read_graphml(path: Path) -> nx.MultiDiGraph:
    return nx.read_graphml(path, force_multigraph=True)
