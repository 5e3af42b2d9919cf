"""The Cypher cookbook: docs/cookbook.md, rendered from the named queries in graph/queries/*.cypher.

Every query file carries its own header (what it answers, its parameters with example values, the
stores it runs on; see graph/queries/__init__.py), so the cookbook is generated, never written by hand:

    craftgraph cookbook --write      # regenerate docs/cookbook.md
    craftgraph cookbook --check      # exit 1 when docs/cookbook.md is stale (a test does the same)
    craftgraph cookbook --list       # the questions, one a line
    craftgraph cookbook --run 24_crafts_without_tools
    craftgraph cookbook --run craft_tools --param craft=craft:colorist [--neo4j]

Queries whose header says "Needs the public datasets" only answer on a snapshot built with
`craftgraph build --sources DIR` (O*NET, BLS OEWS, the exposure studies); on a catalog-only build they
run and return no rows or empty columns.
"""

from __future__ import annotations

import re
from pathlib import Path

from graph import queries

DOC = Path(__file__).resolve().parents[1] / "docs" / "cookbook.md"
PUBLIC_DATA_MARK = "Needs the public datasets"
STORE_NAMES = {"embedded": "embedded (LadybugDB)", "neo4j": "Neo4j"}


def needs_public_data(q: queries.NamedQuery) -> bool:
    return PUBLIC_DATA_MARK.lower() in q.description.lower()


def question(q: queries.NamedQuery) -> str:
    """The query's first sentence (up to `.`, `?` or `:` outside parentheses): what it answers."""
    d, depth, end = q.description, 0, len(q.description)
    for i, ch in enumerate(d):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch in ".?:" and depth == 0 and (i + 1 == len(d) or d[i + 1].isspace()):
            end = i + 1
            break
    text = d[:end].rstrip(":.").strip()
    return text[0].upper() + text[1:] if text else q.name


def ordered(all_queries: dict[str, queries.NamedQuery]) -> list[queries.NamedQuery]:
    """Numbered cookbook queries (NN_name) first in their order, then the rest by name."""
    return sorted(all_queries.values(), key=lambda q: (not q.name[:1].isdigit(), q.name))


def _anchor(name: str) -> str:
    return re.sub(r"[^a-z0-9_-]", "", name.lower().replace(" ", "-"))


def _param_cli(q: queries.NamedQuery) -> str:
    parts = [f"craftgraph cookbook --run {q.name}"]
    for p in q.params:
        v = p.example
        text = ("true" if v else "false") if isinstance(v, bool) else str(v)
        parts.append(f"--param {p.name}={text}")
    return " ".join(parts)


def _relpath(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path(__file__).resolve().parents[1]))
    except ValueError:
        return path.name


def render(directory: Path = queries.HERE) -> str:
    """docs/cookbook.md as text, from the .cypher files in `directory`."""
    qs = ordered(queries.load_all(directory))
    out = [
        "# CraftGraph Cypher cookbook",
        "",
        "Generated from `graph/queries/*.cypher` by `craftgraph cookbook --write`; do not edit by hand "
        "(a test fails when this file is stale). Each query file opens with a header saying what it answers, "
        "its parameters with example values and the stores it runs on; edit the file, then regenerate.",
        "",
        "## How to run a query",
        "",
        "- Command line, embedded store (parameters default to the examples below):",
        "  `craftgraph cookbook --run NAME [--param key=value ...]`; add `--neo4j` to ask the Neo4j server "
        "(`NEO4J_URI`, after `craftgraph load`). `craftgraph cookbook --list` lists the questions.",
        '- Any Cypher text: `craftgraph query "MATCH ..." --param key=value [--neo4j]`.',
        "- Python (notebooks/05_cypher_from_python.ipynb does this for every query):",
        "",
        "  ```python",
        "  import graph",
        "  from graph import queries",
        '  q = queries.get("craft_tools")',
        '  graph.load().cypher(q.text("embedded"), {**q.example_params(), "craft": "craft:colorist"})',
        "  ```",
        "",
        "- Neo4j Browser or cypher-shell: paste the Neo4j text and set the parameters, e.g. "
        "`:param craft => 'craft:colorist'`.",
        "",
        "Where the two stores' dialects differ (shortest paths, list comprehensions, `type(r)`, `labels(n)`), "
        "a query comes as twins, `NAME.embedded.cypher` and `NAME.neo4j.cypher`, and both texts are shown; "
        "`docs/cypher.md` lists the dialect differences. Every query runs in the tests on both stores "
        "(`tests/test_cookbook.py`) against a snapshot of `data/catalog`.",
        "",
        "Queries marked **public data** need a snapshot built with the public datasets "
        "(`craftgraph build --sources DIR`: O*NET, BLS OEWS, the published exposure studies, Epoch AI, the AI "
        "Incident Database); on a catalog-only build they run but return no rows or empty columns. The O*NET, "
        "BLS and study data keep their own licences and citations: see `docs/citing.md`.",
        "",
        "Results are claims with sources: most rows carry `source_ids` (Source node ids: `MATCH (s:Source "
        "{id: $id}) RETURN s.title, s.publisher, s.url`). Capability → task weights are curated judgements "
        "of the share of a task a capability can do at full maturity; the exposure engine "
        "(`graph.exposure.api`, `docs/method.md`) adds maturity, limitations and uncertainty.",
        "",
        "## Questions",
        "",
        "| query | question | stores | public data |",
        "|---|---|---|---|",
    ]
    for q in qs:
        stores = ", ".join(q.stores)
        out.append(
            f"| [`{q.name}`](#{_anchor(q.name)}) | {question(q)} | {stores} | {'yes' if needs_public_data(q) else ''} |"
        )
    out.append("")
    for q in qs:
        out += [f"### {q.name}", ""]
        tags = [f"runs on: {', '.join(STORE_NAMES[s] for s in q.stores)}"]
        if needs_public_data(q):
            tags.append("**public data**")
        if q.compare:
            tags.append(f"stores agree on: {', '.join(q.compare)}")
        out += [q.description, "", " · ".join(tags), ""]
        if q.params:
            out += ["| parameter | example | meaning |", "|---|---|---|"]
            for p in q.params:
                ex = ("true" if p.example else "false") if isinstance(p.example, bool) else repr(p.example)
                if isinstance(p.example, str):
                    ex = f'"{p.example}"'
                out.append(f"| `${p.name}` | `{ex}` | {p.description} |")
            out.append("")
        texts = {s: q.texts[s] for s in q.stores}
        if len(set(texts.values())) == 1:
            store = q.stores[0]
            out += [f"`{_relpath(q.files[store])}`", "", "```cypher", texts[store], "```", ""]
        else:
            for s in q.stores:
                out += [f"{STORE_NAMES[s]}: `{_relpath(q.files[s])}`", "", "```cypher", texts[s], "```", ""]
        out += ["```bash", _param_cli(q), "```", ""]
    return "\n".join(out).rstrip() + "\n"


def check(path: Path | None = None) -> bool:
    path = path or DOC
    return path.exists() and path.read_text() == render()
