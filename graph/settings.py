"""Every environment variable CraftGraph reads, declared once (pydantic-settings).

`current()` reads the environment at each call, so a variable set after import (a test's monkeypatch,
`craftgraph explore` handing its flags to the app) is seen. An empty variable counts as unset. Command
line flags, where a command has them, win over these; see docs/decisions/settings.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(case_sensitive=True, env_ignore_empty=True, extra="ignore", frozen=True)

    home: Path | None = Field(
        None, validation_alias="CRAFTGRAPH_HOME", description="snapshot directory (default: a per-user data directory)"
    )
    catalog: Path | None = Field(
        None, validation_alias="CRAFTGRAPH_CATALOG", description="catalog the explorer builds from when it has none"
    )
    sources: Path | None = Field(
        None, validation_alias="CRAFTGRAPH_SOURCES", description="public sources the explorer builds with"
    )
    shared_data: Path | None = Field(
        None, validation_alias="CRAFTGRAPH_SHARED_DATA", description="public data directory (default: ../shared/data)"
    )
    find_sources: bool = Field(
        True,
        validation_alias="CRAFTGRAPH_FIND_SOURCES",
        description="a build that names no sources looks in the shared data directory and the fetch cache",
    )
    keep_snapshots: int | None = Field(
        None, validation_alias="CRAFTGRAPH_KEEP_SNAPSHOTS", ge=1, description="snapshots a build keeps (default 3)"
    )
    onet_release: str | None = Field(
        None, validation_alias="CRAFTGRAPH_ONET_RELEASE", description="O*NET release directory, e.g. db_30_1_text"
    )
    chromium: str = Field(
        "/usr/bin/chromium", validation_alias="CRAFTGRAPH_CHROMIUM", description="browser for the browser tests"
    )
    artifacts: Path | None = Field(
        None,
        validation_alias="CRAFTGRAPH_ARTIFACTS",
        description="where the browser tests save their screenshots (default: build/screenshots; scripts/test sets it)",
    )
    neo4j_state: Path | None = Field(
        None, validation_alias="CRAFTGRAPH_NEO4J_STATE", description="state directory of scripts/neo4j-server"
    )
    require_services: bool = Field(
        False, validation_alias="CRAFTGRAPH_REQUIRE_SERVICES", description="tests fail instead of skipping"
    )
    query_memory_mb: int | None = Field(
        None,
        validation_alias="CRAFTGRAPH_QUERY_MEMORY_MB",
        gt=0,
        description="memory ceiling (MB) of the engine that answers user Cypher on the embedded store (default 1024)",
    )
    workers: int | None = Field(
        None,
        validation_alias="CRAFTGRAPH_WORKERS",
        ge=0,
        description="1: a build runs in one process and one thread (default: a second process and thread where "
        "the machine allows; docs/decisions/build-workers.md)",
    )
    neo4j_uri: str | None = Field(None, validation_alias="NEO4J_URI", description="Bolt URI of a Neo4j server")
    neo4j_username: str = Field("neo4j", validation_alias="NEO4J_USERNAME")
    neo4j_password: str = Field("", validation_alias="NEO4J_PASSWORD", repr=False)
    neo4j_database: str = Field("neo4j", validation_alias="NEO4J_DATABASE")

    @classmethod
    def from_mapping(cls, env: Mapping[str, str]) -> Settings:
        """Settings from `env` alone (not the process environment); empty values count as unset.

        Every field is given explicitly (its value in `env`, else its default), because pydantic-settings
        fills fields missing from the input from the process environment."""
        data = {}
        for f in cls.model_fields.values():
            alias = str(f.validation_alias)
            value = env.get(alias, "")
            data[alias] = value if value != "" else f.get_default(call_default_factory=True)
        return cls.model_validate(data)


def fetch_cache() -> Path:
    """Where `craftgraph fetch` puts the public datasets (and `craftgraph build` looks for them)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("craftgraph", appauthor=False)) / "sources"


class SettingsError(ValueError):
    """A setting's value that cannot be used: one line per variable, naming it and its value."""


def current() -> Settings:
    """The settings from the process environment, read now. SettingsError names a bad variable."""
    try:
        return Settings()
    except ValidationError as e:
        lines = [f"${'.'.join(map(str, err['loc']))}={err.get('input')!r}: {err['msg']}" for err in e.errors()]
        raise SettingsError("bad setting: " + "; ".join(lines)) from None
