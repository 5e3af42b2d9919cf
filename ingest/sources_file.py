"""data/sources.yaml as a validated model: the external files CraftGraph reads, pinned by sha256.

One parser for both users of the file: `craftgraph fetch` (where each file comes from) and the build
manifest (whether a file read is the pinned version). A malformed file raises SourcesFileError naming
the file and the key, e.g. `data/sources.yaml: sources[3] (bls-oews-2025).files[0].sha256: ...`.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import ErrorDetails

REPO = Path(__file__).resolve().parents[1]
SOURCES_YAML = REPO / "data" / "sources.yaml"
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser where PyYAML has it: 10× faster

Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
Url = Annotated[str, Field(pattern=r"^https?://\S+$")]
Text = Annotated[str, Field(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PinnedFile(_Strict):
    """One file in the local layout (a directory laid out like ../shared/data)."""

    path: Text  # relative path in the layout
    url: Url  # the publisher's URL (of the archive, when `member` is set)
    sha256: Sha256  # of the file itself, never of an archive
    member: Text | None = None  # the file inside the archive at `url` (matched by path, else by name)
    mirror: Url | None = None  # a byte-identical copy at a pinned commit
    bytes: Annotated[int, Field(ge=0)] | None = None


class PublicSource(_Strict):
    id: Text
    title: Text
    version: Text
    publisher: Text
    licence: Text
    citation: Text
    landing: Url | None = None
    notes: str | None = None
    files: Annotated[list[PinnedFile], Field(min_length=1)]


class SourcesFile(_Strict):
    version: Literal[1]
    sources: list[PublicSource]

    @model_validator(mode="after")
    def _unique(self) -> SourcesFile:
        for what, values in (("source id", [s.id for s in self.sources]), ("path", [f.path for f in self.files()])):
            seen: set[str] = set()
            for v in values:
                if v in seen:
                    raise ValueError(f"{what} {v!r} appears more than once")
                seen.add(v)
        return self

    def files(self) -> list[PinnedFile]:
        return [f for s in self.sources for f in s.files]

    def source_of(self, path: str) -> PublicSource:
        return next(s for s in self.sources if any(f.path == path for f in s.files))

    def pinned(self) -> dict[str, str]:
        """{layout path: sha256}."""
        return {f.path: f.sha256 for f in self.files()}

    def select(self, names: Iterable[str] | None) -> list[PinnedFile]:
        """The files of the sources named (source ids or file paths; all when None).
        An unknown name is a ValueError listing the known source ids."""
        if names is None:
            return self.files()
        wanted = list(names)
        ids = [s.id for s in self.sources]
        unknown = [n for n in wanted if n not in ids and n not in self.pinned()]
        if unknown:
            raise ValueError(
                f"unknown source(s) {', '.join(unknown)}; known: {', '.join(sorted(ids))} (or a file path)"
            )
        return [f for s in self.sources for f in s.files if s.id in wanted or f.path in wanted]


class SourcesFileError(ValueError):
    """data/sources.yaml (or a file like it) is missing, not YAML, or does not fit the model."""


def load(path: Path = SOURCES_YAML) -> SourcesFile:
    """The validated file (cached while the file is unchanged)."""
    path = Path(path)
    try:
        stat = path.stat()
    except OSError as e:
        raise SourcesFileError(f"{path}: cannot read ({e.strerror or e})") from e
    return _load(path.resolve(), stat.st_mtime_ns, stat.st_size)


@cache
def _load(path: Path, _mtime: int, _size: int) -> SourcesFile:
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        raise SourcesFileError(f"{path}: not readable YAML ({e})") from e
    try:
        return SourcesFile.model_validate(doc)
    except ValidationError as e:
        raise SourcesFileError("\n".join(_describe(path, doc, err) for err in e.errors())) from None


def _describe(path: Path, doc: object, err: ErrorDetails) -> str:
    """`file: sources[3] (bls-oews-2025).files[0].sha256: message (got ...)` for one validation error."""
    key = ""
    node = doc
    for part in err["loc"]:
        if isinstance(part, int):
            key += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(node, dict) and node.get("id") and key.count("[") == 1:
                key += f" ({node['id']})"
        else:
            key += f".{part}" if key else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    got = "" if err["type"] in ("missing", "extra_forbidden") else f" (got {err.get('input')!r})"
    message = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
    return f"{path}: {key or '(top level)'}: {message}{got}"


def pinned_hashes(path: Path = SOURCES_YAML) -> dict[str, str]:
    """{layout path: sha256} from data/sources.yaml ({} when there is no such file)."""
    return load(path).pinned() if Path(path).exists() else {}
