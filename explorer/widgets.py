"""Every widget whose value lives in the URL, so any view can be copied and shared: one place.

Two mechanisms, chosen per widget:
- `bound`: Streamlit's native binding (`bind="query-params"`, Streamlit 1.55+) for a widget that exists on
  one page only and whose URL value is what it shows (a tab, the graph's depth, a scenario's base...).
  Streamlit then drops the parameter while the value is the default.
- `synced`: a widget mirrored in the URL by hand, for the two cases native binding gets wrong in the
  pinned Streamlit (1.67): ids shown by name (binding writes the displayed text, not the id, to the URL:
  streamlit#14224), and keys shared by several pages (year, scenario, craft), whose parameter binding
  drops on a page switch when the previous page bound the same key, so links that carry the view would
  lose it. `synced` also keeps the value across pages.
Parameters that no single widget owns go through `param` / `set_param` (the Cypher console's query, the
graph's centre) and `list_param` / `set_list_param` (the scenario builder's overrides); the store toggle
(Neo4j or embedded) through `store_toggle`. The pages read and write the URL only through this module.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from explorer import neo4j_status
from explorer.cache import Build
from explorer.scenario import SCENARIO_NAMES, YEARS
from explorer.scores import default_year


def bound(widget: Callable, label: str, options: Sequence, key: str, **kw):
    """A one-page widget bound to the URL parameter `key` by Streamlit (see the module docstring)."""
    return widget(label, list(options), key=key, bind="query-params", **kw)


def synced(widget: Callable, label: str, options: Sequence, key: str, default=None, **kw):
    """A widget over `options` whose value is mirrored in the URL query parameter `key` (as str(value)).

    A link that carries `?key=value` sets the widget; the user's changes update the URL. Values not among
    the options are ignored. The value is kept across pages (widget state alone is per page)."""
    options = list(options)
    by_str = {str(o): o for o in options}
    skey, seen = f"w-{key}", f"_qp-{key}"
    qp = st.query_params.get(key)
    if qp in by_str and (skey not in st.session_state or qp != st.session_state.get(seen)):
        st.session_state[skey] = by_str[qp]
    elif st.session_state.get(skey) not in options:
        st.session_state[skey] = default if default in options else options[0]
    else:
        st.session_state[skey] = st.session_state[skey]  # keep the value across pages
    value = widget(label, options, key=skey, **kw)
    st.session_state[seen] = str(value)
    if st.query_params.get(key) != str(value):
        st.query_params[key] = str(value)
    return value


def pick(
    label: str, options: dict[str, str], key: str, default: str | None = None, container=None, show_id: bool = True
) -> str | None:
    """A selectbox over ids shown by name, mirrored in the URL query parameter `key`."""
    if not options:
        st.info(f"No {label.lower()} in this build.")
        return None
    ids = sorted(options, key=lambda i: str(options[i]).lower())
    fmt = (lambda i: f"{options[i]}  ({i})") if show_id else (lambda i: str(options[i]))
    return synced((container or st).selectbox, label, ids, key, default, format_func=fmt)


def choice(label: str, values: list, key: str, default=None, container=None, fmt=None, kind: str = "select"):
    """A selectbox, radio, select slider or segmented control over plain values, mirrored in the URL
    query parameter `key`."""
    box = container or st
    kw = {"format_func": fmt} if fmt else {}
    widget = {
        "select": box.selectbox,
        "radio": lambda lab, opts, **k: box.radio(lab, opts, horizontal=True, **k),
        "slider": box.select_slider,
        "segmented": lambda lab, opts, **k: box.segmented_control(lab, opts, required=True, **k),
    }[kind]
    return synced(widget, label, values, key, default, **kw)


def year_and_scenario(b: Build, cols=None) -> tuple[int, str]:
    """The year slider and scenario control every exposure page shares (URL: year, scenario)."""
    c1, c2 = cols or st.columns([3, 2])
    year = choice("Year", list(YEARS), "year", default_year(b), container=c1, kind="slider")
    scenario = choice("Scenario", list(SCENARIO_NAMES), "scenario", "expected", container=c2, kind="segmented")
    return int(year), str(scenario)


def param(key: str, default: str | None = None) -> str | None:
    """A URL query parameter (the last value when repeated)."""
    return st.query_params.get(key, default)


def set_param(key: str, value: str | None) -> None:
    """Set a URL query parameter, or remove it (None)."""
    if value is None:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get(key) != value:
        st.query_params[key] = value


def list_param(key: str) -> list[str]:
    """A repeated URL query parameter (`?key=a&key=b`)."""
    return list(st.query_params.get_all(key))


def set_list_param(key: str, values: list[str]) -> None:
    """Set a repeated URL query parameter (removed when empty)."""
    if list_param(key) != list(values):
        if values:
            st.query_params[key] = list(values)
        elif key in st.query_params:
            del st.query_params[key]


def seed_from_url(state_key: str, url_value, seed: Callable[[], None]) -> None:
    """Run `seed` (which sets widgets' session state) when the URL's value differs from the one last seen,
    so a link sets the widgets and the user's own changes are kept between reruns."""
    seen = f"_{state_key}-url"
    if state_key not in st.session_state or st.session_state.get(seen) != url_value:
        seed()
        st.session_state[seen] = url_value


def mark_seen(state_key: str, url_value) -> None:
    """Record the URL value the widgets now stand for (after the page wrote it)."""
    st.session_state[f"_{state_key}-url"] = url_value


def store_toggle(label: str, key: str, container=None) -> bool:
    """A toggle "read from Neo4j", mirrored in the URL as store=neo4j|embedded. On by default when Neo4j
    is reachable and holds the same build as the embedded snapshot; disabled (with the reason) when it
    is not reachable."""
    s = neo4j_status.status()
    wanted = st.query_params.get("store")
    default = s.ok and (wanted == "neo4j" or (wanted is None and s.in_sync))
    skey = f"{key}-{default}"  # a link that names the store sets the toggle
    value = (container or st).toggle(label, value=default, disabled=not s.ok, help=s.message, key=skey)
    use = bool(s.ok and value)
    if s.ok:
        if st.query_params.get("store") != ("neo4j" if use else "embedded"):
            st.query_params["store"] = "neo4j" if use else "embedded"
    elif "store" in st.query_params:
        del st.query_params["store"]
    return use
