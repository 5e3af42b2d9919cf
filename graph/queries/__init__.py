"""The named Cypher queries in graph/queries/*.cypher, shared by the CLI, the app, notebooks and docs.

A file `name.cypher` runs on both stores; a query whose dialects differ has twins
`name.embedded.cypher` (LadybugDB) and `name.neo4j.cypher`. Each file opens with a comment header:

    // What the query answers, in plain words (any number of lines).
    // @param capability "cap:generate-video-from-text"  what the parameter is (example value as JSON)
    // @stores embedded neo4j
    // @compare hops            (optional: the columns that must agree between stores; default all)

    from graph import queries
    q = queries.get("tools_for_capability")
    q.text("neo4j"), q.params, q.example_params()
    graph.load().run(q.text("embedded"), {"capability": "cap:..."})
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
STORES = ("embedded", "neo4j")
_PARAM = re.compile(r"^@param\s+(\w+)\s+(\S+)\s*(.*)$")


@dataclass(frozen=True)
class Param:
    name: str
    example: object
    description: str


@dataclass
class NamedQuery:
    name: str
    description: str
    params: list[Param] = field(default_factory=list)
    stores: tuple[str, ...] = ()
    compare: tuple[str, ...] = ()  # columns compared across stores (empty: all)
    texts: dict[str, str] = field(default_factory=dict)  # store -> Cypher (without the header)
    files: dict[str, Path] = field(default_factory=dict)

    def text(self, store: str = "neo4j") -> str:
        if store not in self.texts:
            raise KeyError(f"query {self.name} does not run on the {store} store (it runs on {', '.join(self.stores)})")
        return self.texts[store]

    def example_params(self) -> dict:
        return {p.name: p.example for p in self.params}


def parse(path: Path) -> tuple[str, list[Param], tuple[str, ...], tuple[str, ...], str]:
    """(description, params, stores, compare, body) of one .cypher file."""
    lines = path.read_text().splitlines()
    desc: list[str] = []
    params: list[Param] = []
    stores: tuple[str, ...] = ()
    compare: tuple[str, ...] = ()
    i = 0
    while i < len(lines) and lines[i].lstrip().startswith("//"):
        line = lines[i].lstrip()[2:].strip()
        i += 1
        if line.startswith("@param"):
            m = _PARAM.match(line)
            if not m:
                raise ValueError(f"{path}: bad @param line: {line!r}")
            params.append(Param(m.group(1), json.loads(m.group(2)), m.group(3).strip()))
        elif line.startswith("@stores"):
            stores = tuple(line.split()[1:])
            bad = set(stores) - set(STORES)
            if bad:
                raise ValueError(f"{path}: unknown store(s) {sorted(bad)}")
        elif line.startswith("@compare"):
            compare = tuple(line.split()[1:])
        elif line.startswith("@"):
            raise ValueError(f"{path}: unknown header directive {line.split()[0]}")
        else:
            desc.append(line)
    body = "\n".join(lines[i:]).strip()
    return " ".join(d for d in desc if d).strip(), params, stores, compare, body


def load_all(directory: Path = HERE) -> dict[str, NamedQuery]:
    out: dict[str, NamedQuery] = {}
    for path in sorted(directory.glob("*.cypher")):
        parts = path.name[: -len(".cypher")].split(".")
        name, variant = parts[0], (parts[1] if len(parts) > 1 else None)
        if variant is not None and variant not in STORES:
            raise ValueError(f"{path}: a variant must be one of {STORES}")
        desc, params, stores, compare, body = parse(path)
        if not stores:
            raise ValueError(f"{path}: the header needs an `@stores` line")
        if variant is not None and stores != (variant,):
            raise ValueError(f"{path}: a {variant} twin must say `@stores {variant}`")
        q = out.setdefault(name, NamedQuery(name, desc, params))
        if variant is None or not q.description:
            q.description = desc
        if not q.params:
            q.params = params
        elif [p.name for p in params] != [p.name for p in q.params]:
            raise ValueError(f"{path}: its parameters differ from its twin's")
        for s in stores:
            if s in q.texts:
                raise ValueError(f"{path}: a second {s} text for query {name}")
            q.texts[s] = body
            q.files[s] = path
        q.stores = tuple(s for s in STORES if s in q.texts)
        q.compare = q.compare or compare
    return out


def get(name: str) -> NamedQuery:
    queries = load_all()
    if name not in queries:
        raise KeyError(f"no query {name!r}; known: {', '.join(sorted(queries))}")
    return queries[name]


def names() -> list[str]:
    return sorted(load_all())
