"""Task, occupation, craft, department and workforce exposure, for every year, with Monte Carlo bands.

    e_k(t)  = 1 - prod_c (1 - w_ck * M'_c(t))                 task exposure (noisy-OR over capabilities)
    E_j(t)  = sum_k a_jk * e_k(t)                            entity exposure (a_jk: share of j's work in k)
    M'_c(t) = M_c(t) * prod_l (1 - sev_cl(t))                 maturity damped by limitations

Automation and augmentation split each task's exposure in proportion to their shares of the task's
hazard H_k = -log(1 - e_k) = sum_c -log(1 - w_ck M'_c): they add up to the total exactly.

Speed: tasks with the same set of (capability, mode, weight) terms have the same exposure, so they are
evaluated once ("signatures"); the log-survival of every signature is one sparse product with the
matrix of unique (capability, weight) terms, and every entity is one sparse product with `A`. The
floor to compare with (benchmarks/exposure.py) is one sparse product per year.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy import special

from graph.exposure.config import METHOD_VERSION, YEAR_POINT, YEARS, MethodConfig
from graph.exposure.frames import edge_frame
from graph.exposure.judgement import Judgement, draw_judgement
from graph.exposure.maturity import (
    Fit,
    PreparedFit,
    draw_parameters,
    fit_capabilities,
    logit_path,
    stall_delays,
    stream,
)
from graph.exposure.model import Compiled, compile_graph
from graph.exposure.scenarios import (
    LimArrays,
    Scenario,
    apply_capability_overrides,
    get_scenario,
    severity_paths,
)

VARY = ("all", "timing", "judgement")

# ------------------------------------------------------------------------------------ structure


@dataclass
class Structure:
    task_sig: np.ndarray  # (n_tasks,) signature of each task, -1: no capability reaches it
    n_sig: int
    blocks: tuple[slice, slice, slice]  # signatures with automation only, augmentation only, both
    u_cap: np.ndarray  # (U,) capability of each unique (capability, weight, confidence) term
    u_w: np.ndarray  # (U,) its weight
    u_conf: np.ndarray  # (U,) the curator's confidence in the weight (sets its judgement uncertainty)
    P_auto: sp.csr_matrix  # (S, U) automation terms of each signature
    P_aug: sp.csr_matrix  # (S, U)
    P_blocks: tuple[sp.csr_matrix, sp.csr_matrix, sp.csr_matrix, sp.csr_matrix]  # the four used blocks
    A_sig: sp.csr_matrix  # (n_entities, S) = A @ (task -> signature)
    has_basis: np.ndarray  # (n_entities,) bool
    u_index: dict | None = None  # (capability index, weight, confidence) -> term
    u_w32: np.ndarray | None = None  # float32 copies for the hot path
    A_sig32: sp.csr_matrix | None = None

    P64: tuple | None = None  # (all terms, automation terms of the mixed block)
    P32: tuple | None = None

    def __post_init__(self) -> None:
        self.u_w32 = self.u_w.astype(np.float32)
        self.P64 = ((self.P_auto + self.P_aug).tocsr(), self.P_blocks[2])
        self.P32 = tuple(p.astype(np.float32) for p in self.P64)
        self.A_sig32 = self.A_sig.astype(np.float32)


def build_structure(compiled: Compiled) -> Structure:
    links = compiled.links
    n_tasks = len(compiled.tasks)
    terms_by_task: dict[int, list[tuple[int, int, float, float]]] = {}
    cols = [links[c].tolist() for c in ("cap", "task", "mode", "weight", "confidence")]
    for cap, task, mode, w, conf in zip(*cols, strict=True):
        c_, w_, k_ = term_key(cap, w, conf)
        term = (c_, 0 if mode == "automate" else 1, w_, k_)
        terms_by_task.setdefault(int(task), []).append(term)
    sig_key: dict[tuple, int] = {}
    keys: list[tuple] = []
    raw_sig = np.full(n_tasks, -1, dtype=np.int64)
    for task in sorted(terms_by_task):
        key = tuple(sorted(terms_by_task[task]))
        if key not in sig_key:
            sig_key[key] = len(keys)
            keys.append(key)
        raw_sig[task] = sig_key[key]
    kinds = [{frozenset({0}): 0, frozenset({1}): 1}.get(frozenset(t[1] for t in k), 2) for k in keys]
    # 0: automation terms only, 1: augmentation only, 2: both
    order = sorted(range(len(keys)), key=lambda i: (kinds[i], i))
    new_of_old = np.empty(len(keys), dtype=np.int64)
    new_of_old[order] = np.arange(len(keys))
    # no effective links at all (e.g. every link points at an activity no task involves): no signatures
    task_sig = np.where(raw_sig >= 0, new_of_old[np.maximum(raw_sig, 0)], -1) if keys else raw_sig
    counts = [sum(1 for k in kinds if k == v) for v in (0, 1, 2)]
    blocks = (slice(0, counts[0]), slice(counts[0], counts[0] + counts[1]), slice(counts[0] + counts[1], len(keys)))

    u_key: dict[tuple[int, float, float], int] = {}
    rows: dict[int, list[int]] = {0: [], 1: []}
    cols_: dict[int, list[int]] = {0: [], 1: []}
    for new, old in enumerate(order):
        for cap, mode, w, conf in keys[old]:
            u = u_key.setdefault((cap, w, conf), len(u_key))
            rows[mode].append(new)
            cols_[mode].append(u)
    U = len(u_key)
    u_cap = np.array([k[0] for k in u_key], dtype=np.int64)
    u_w = np.array([k[1] for k in u_key], dtype=float)
    u_conf = np.array([k[2] for k in u_key], dtype=float)
    S = len(keys)
    P = [sp.csr_matrix((np.ones(len(rows[m])), (rows[m], cols_[m])), shape=(S, U)) for m in (0, 1)]
    linked = np.flatnonzero(task_sig >= 0)
    T = sp.csr_matrix((np.ones(len(linked)), (linked, task_sig[linked])), shape=(n_tasks, S))
    A_sig = (compiled.A @ T).tocsr()
    has_basis = np.asarray(compiled.C.sum(axis=1)).ravel() > 0
    a, g, m = blocks
    P_blocks = (P[0][a].tocsr(), P[1][g].tocsr(), P[0][m].tocsr(), P[1][m].tocsr())
    st = Structure(task_sig, S, blocks, u_cap, u_w, u_conf, P[0], P[1], P_blocks, A_sig, has_basis)
    st.u_index = u_key
    return st


def term_key(cap: int, weight: float, confidence: float) -> tuple[int, float, float]:
    return (int(cap), float(weight), round(float(confidence), 3))


DRAW_CHUNK = 128  # draws evaluated at a time: the (terms x draws) and (signatures x draws) arrays stay small


def draw_chunks(n_draws: int, size: int | None = None) -> list[slice]:
    """Consecutive slices of the draws (DRAW_CHUNK each). Draws are independent columns (every step is element
    by element or a sparse product, which sums each column alone in the same order), so a chunk's columns
    are bitwise the columns of the whole; reductions over draws are taken on the whole once it is filled."""
    size = size or DRAW_CHUNK
    return [slice(a, min(a + size, n_draws)) for a in range(0, n_draws, size)] or [slice(0, 0)]


def signature_exposure(
    st: Structure, Md: np.ndarray, max_share: float, auto_mean: bool = False, W: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Exposure of every signature (n_sig, n_draws) and its automation part, for damped maturity Md
    (n_caps, n_draws). In float32 when Md is float32. auto_mean: return only the automation part's
    mean over draws (n_sig,), which is all the summaries need. W: the terms' weights per draw (U, n_draws)
    (judgement uncertainty); None: the curated weights."""
    e, ratio = _signature_parts(st, Md, max_share, W)
    a = st.blocks[0]
    if auto_mean:
        return e, automation_mean(st, e[a], ratio)
    return e, automation_part(st, e, ratio)


def automation_part(st: Structure, e: np.ndarray, ratio: np.ndarray | None) -> np.ndarray:
    """Each signature's automation part (n_sig, n_draws): all of the automation-only block's exposure e, the
    mixed block's automation part `ratio`, none of the augmentation block's."""
    a, _, m = st.blocks
    e_auto = np.zeros_like(e)
    e_auto[a] = e[a]
    if ratio is not None:
        e_auto[m] = ratio
    return e_auto


def automation_mean(st: Structure, auto_only: np.ndarray, ratio: np.ndarray | None) -> np.ndarray:
    """Each signature's automation part, mean over draws (n_sig,), from the automation-only block's exposure
    (n_a, n_draws) and the mixed block's automation part (n_m, n_draws)."""
    a, _, m = st.blocks
    e_auto = np.zeros(st.n_sig)
    e_auto[a] = auto_only.mean(axis=1, dtype=np.float64)
    if ratio is not None:
        e_auto[m] = ratio.mean(axis=1, dtype=np.float64)
    return e_auto


def _signature_parts(
    st: Structure, Md: np.ndarray, max_share: float, W: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray | None]:
    """(exposure of every signature, the automation part of the mixed block's or None when it is empty)."""
    logS, G = _log_unexposed(st, Md, max_share, W)
    _, _, m = st.blocks
    ratio = None
    if m.stop > m.start:  # automation's share of the hazard, where both modes act
        ratio = (st.P32 if Md.dtype == np.float32 else st.P64)[1] @ G
        np.divide(ratio, logS[m], out=ratio, where=logS[m] < 0)
        ratio[logS[m] >= 0] = 0.0
    del G
    e = _exposed(logS)
    if ratio is not None:
        ratio *= e[m]
    return e, ratio


def signature_total(st: Structure, Md: np.ndarray, max_share: float, W: np.ndarray | None = None) -> np.ndarray:
    """signature_exposure's exposure without its automation part (what the technical reach and the potential
    need): the same values, without the work of the split."""
    return _exposed(_log_unexposed(st, Md, max_share, W)[0])


def _log_unexposed(
    st: Structure, Md: np.ndarray, max_share: float, W: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """(log of each signature's unexposed share, log(1 - w M') of each unique term)."""
    single = Md.dtype == np.float32
    X = Md[st.u_cap]
    if W is None:
        X *= (st.u_w32 if single else st.u_w)[:, None]
    else:
        X *= W
    np.minimum(X, max_share, out=X)
    np.negative(X, out=X)
    G = np.log1p(X, out=X)  # log(1 - w M'): minus the hazard of each unique term
    return (st.P32 if single else st.P64)[0] @ G, G


def _exposed(logS: np.ndarray) -> np.ndarray:
    """1 - exp(logS), in place."""
    np.expm1(logS, out=logS)
    np.negative(logS, out=logS)
    return logS


def entity_exposure(
    st: Structure, Md: np.ndarray, max_share: float, W: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(E, E_auto), each (n_entities, n_draws), for damped maturity Md (n_caps, n_draws), in float64; W: the
    terms' weights per draw (None: curated). The reference implementation; Run.evaluate is the same in float32."""
    W64 = None if W is None else np.asarray(W, dtype=np.float64)
    e, e_auto = signature_exposure(st, np.asarray(Md, dtype=np.float64), max_share, W=W64)
    return st.A_sig @ e, st.A_sig @ e_auto


# ------------------------------------------------------------------------------------ engine


def source_refs(nodes: dict) -> dict[str, str]:
    """A readable reference for every Source node: title, publisher, date and URL."""
    df = nodes.get("Source")
    if df is None or not len(df):
        return {}
    cols = {c: (df[c] if c in df else pd.Series([None] * len(df))) for c in ("title", "publisher", "date", "url")}
    out = {}
    for i, t, p, d, u in zip(df["id"].tolist(), *(c.tolist() for c in cols.values()), strict=True):
        who = ", ".join(str(x) for x in (p, d) if isinstance(x, str) and x)
        out[str(i)] = f"{t or i}" + (f" — {who}" if who else "") + (f" <{u}>" if isinstance(u, str) and u else "")
    return out


class Engine:
    """Compiles the graph and fits maturity curves once; runs scenarios on demand (cached)."""

    def __init__(
        self,
        nodes: dict,
        edges: dict,
        config: MethodConfig | None = None,
        prepared_fit: Callable[[], PreparedFit | None] | None = None,
    ):
        self.compiled: Compiled = compile_graph(nodes, edges, config)
        self.config = self.compiled.config
        self.fit: Fit = fit_capabilities(self.compiled, prepared_fit)  # (fits made ahead when they match)
        self.structure = build_structure(self.compiled)
        self._nodes, self._edges = nodes, edges  # for what only some uses need (read on first use, below)
        ll = self.compiled.lim_links
        self.lim_arrays = LimArrays.of(ll)
        self.lim_matrix = sp.csr_matrix(
            (np.ones(len(ll)), (ll["cap"].to_numpy(dtype=np.int64), np.arange(len(ll)))),
            shape=(len(self.compiled.caps), len(ll)),
        )
        self.lim_group = ll["group"].to_numpy(dtype=np.int64) if len(ll) else np.zeros(0, np.int64)
        self._runs: OrderedDict[tuple, Run] = OrderedDict()
        self._judgement: dict[tuple[int, int, str], Judgement] = {}
        self._timing: dict[tuple[int, int], tuple[np.ndarray, ...]] = {}
        self._stall: dict[tuple[int, int], np.ndarray | None] = {}
        self._potential: tuple[np.ndarray, np.ndarray] | None = None
        self._past: tuple[np.ndarray, dict[int, tuple[bytes, dict[str, np.ndarray]]]] | None = None

    @cached_property
    def rates(self) -> pd.DataFrame:
        """The studies' ratings (Study-RATES), for compare.py: 100,000+ rows a build has no use for."""
        return edge_frame(self._edges, "RATES", ("score", "measure"))

    @cached_property
    def source_refs(self) -> dict[str, str]:
        """source id -> "title — publisher (date) <url>", for explanations."""
        return source_refs(self._nodes)

    @cached_property
    def study_names(self) -> dict[str, str]:
        st = self._nodes.get("Study")
        if st is None:
            return {}
        col = "name" if "name" in st.columns else "id"
        return {i: str(n) for i, n in zip(st["id"].tolist(), st[col].tolist(), strict=True)}

    def judgement(self, seed: int, n_draws: int, vary: str = "all") -> Judgement:
        """The judgement draws for a seed (the same for every scenario); curated values when not varied."""
        fixed = vary == "timing" or not self.config.judgement
        key = (seed, n_draws, "fixed" if fixed else "drawn")
        if key not in self._judgement:
            if fixed:
                self._judgement[key] = Judgement.fixed(self.structure.u_w, self.lim_arrays.sev0, n_draws)
            else:
                self._judgement[key] = draw_judgement(self, seed, n_draws)
        return self._judgement[key]

    def run(
        self,
        scenario: str | Scenario = "expected",
        years: tuple[int, ...] | None = None,
        draws: int | None = None,
        seed: int | None = None,
        vary: str = "all",
    ) -> Run:
        """vary: "all" (timing and judgement), "timing" (curated judgements) or "judgement" (the fitted curves
        at their best estimate, no pace shock): the last two split a band into its two sources."""
        if vary not in VARY:
            raise ValueError(f"vary is one of {', '.join(VARY)}")
        sc = get_scenario(scenario)
        years = tuple(years or YEARS)
        draws = int(draws or self.config.draws)
        seed = int(self.config.seed if seed is None else seed)
        key = (sc.key, years, draws, seed, vary)
        if key in self._runs:
            self._runs.move_to_end(key)
            return self._runs[key]
        r = Run(self, sc, years, draws, seed, vary)
        self._runs[key] = r
        while len(self._runs) > 4:
            self._runs.popitem(last=False)
        return r

    def forget_runs(self) -> None:
        """Let the cached runs go (their draws take tens of MB each; the build needs each run once)."""
        self._runs.clear()

    def forget_draws(self) -> None:
        """Let the cached runs and every draw shared by runs go (judgement, timing, stalls, past years, potential):
        drawn again, the same, if asked for later."""
        self._runs.clear()
        self._judgement.clear()
        self._timing.clear()
        self._stall.clear()
        self._past = None
        self._potential = None

    def timing_draws(self, seed: int, n_draws: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(t50, s, pace shock, half-life multipliers) for a seed: the same for every scenario, so drawn once
        (read-only arrays)."""
        key = (seed, n_draws)
        if key not in self._timing:
            t50, s = draw_parameters(self.fit, self.compiled.caps, n_draws, seed)
            xi = stream(seed, "pace").standard_normal(n_draws)
            lims = self.compiled.lim_links["limitation"].tolist()
            hl = self.config.half_life_sd
            hl_mult = np.array(
                [np.exp(hl * stream(seed, "lim|" + lim).standard_normal(n_draws)) for lim in lims]
            ).reshape(len(lims), n_draws)
            for a in (t50, s, xi, hl_mult):
                a.flags.writeable = False
            self._timing[key] = (t50, s, xi, hl_mult)
        return self._timing[key]

    def stall_delays(self, seed: int, n_draws: int) -> np.ndarray | None:
        """Per capability and timing draw, the years its future waits on a stall (MethodConfig.stall_share);
        None without a stall. The same for every scenario, so drawn once per seed."""
        key = (seed, n_draws)
        if key not in self._stall:
            t50, s, _, _ = self.timing_draws(seed, n_draws)
            cm = self.compiled
            nxt = self.fit.quality["next_level"].tolist()
            d = stall_delays(t50, s, cm.caps, nxt, cm.as_of, self.config, seed)
            if d is not None:
                d.flags.writeable = False
            self._stall[key] = d
        return self._stall[key]

    def past_years(self, W: np.ndarray) -> dict[int, tuple[bytes, dict[str, np.ndarray]]]:
        """Years up to the as-of date evaluated with the judgement draws W: year -> (digest of the damped and
        technical maturity, results). Every scenario agrees on the past, so a run reuses another's where the
        maturity it evaluates is bitwise the same (the same digest; a digest, not a copy, is kept)."""
        if self._past is None or self._past[0] is not W:
            self._past = (W, {})
        return self._past[1]

    def potential(self, W: np.ndarray | None = None) -> np.ndarray:
        """Exposure of every entity if every linked capability were fully mature and unconstrained: with the
        curated weights, or the mean over the judgement draws of the weights W (U, n_draws) (kept for the
        last W asked about: every scenario of a seed asks with the same draws)."""
        if W is not None and self._potential is not None and self._potential[0] is W:
            return self._potential[1].copy()
        out = self._potential_of(W)
        if W is not None:
            self._potential = (W, out.copy())
        return out

    def _potential_of(self, W: np.ndarray | None) -> np.ndarray:
        st = self.structure
        n_d = 1 if W is None else W.shape[1]
        total = np.empty((st.A_sig.shape[0], n_d))
        for c in draw_chunks(n_d):
            ones = np.ones((len(self.compiled.caps), c.stop - c.start))
            W64 = None if W is None else np.asarray(W[:, c], dtype=np.float64)  # as entity_exposure, no automation
            total[:, c] = st.A_sig @ signature_total(st, ones, self.config.max_share, W64)
        out = total.mean(axis=1)
        out[~st.has_basis] = np.nan
        return out


# what Run.evaluate gives for every entity and year
SUMMARY_KEYS = ("low", "median", "high", "mean", "automation", "technical_low", "technical_median", "technical_high")


class Run:
    """One scenario's draws: parameters, maturity and limitation paths, and entity summaries."""

    def __init__(
        self, engine: Engine, scenario: Scenario, years: tuple[int, ...], n_draws: int, seed: int, vary: str = "all"
    ):
        self.engine = engine
        self.scenario = scenario
        self.years = years
        self.n_draws = n_draws
        self.seed = seed
        self.vary = vary
        cm = engine.compiled
        cfg = engine.config
        self.judgement = engine.judgement(seed, n_draws, vary)
        lims = cm.lim_links["limitation"].tolist()
        if vary == "judgement":  # timing at its best estimate: the fitted curves, no pace shock
            self.t50 = np.repeat(engine.fit.mean[:, :1], n_draws, axis=1)
            self.s = np.repeat(np.exp(engine.fit.mean[:, 1:2]), n_draws, axis=1)
            self.pace = np.full(n_draws, scenario.pace)
            self.hl_mult = np.ones((len(lims), n_draws))
            self.delay: np.ndarray | None = None  # no stall either
        else:
            self.t50, self.s, xi, self.hl_mult = engine.timing_draws(seed, n_draws)
            self.delay = engine.stall_delays(seed, n_draws)
            self.pace = scenario.pace * np.exp(cfg.pace_sd * xi)
        self.times = np.array(years, dtype=float) + YEAR_POINT
        # technical reach: the same draws without legal and contractual terms (what AI can do, not what it may)
        legal = engine.lim_arrays.kind == "legal"
        self._skips = (None, legal) if legal.any() else (None,)  # damped by every link; by all but the legal ones
        self._summary: pd.DataFrame | None = None
        self._draws: tuple[np.ndarray, np.ndarray] | None = None

    # ---- maturity ----------------------------------------------------------------------------
    # Maturity is made when asked for: evaluate() takes it a year at a time (_year_maturity), so a build holds
    # one year's arrays instead of every year's; the values are the same either way (each time alone).

    @cached_property
    def _damped(self) -> list[np.ndarray]:
        return self._maturity(self.times, None, self._skips, keep_undamped=False)[1]

    @property
    def Md(self) -> np.ndarray:
        """Damped maturity of every year (n_years, n_caps, n_draws)."""
        return self._damped[0]

    @property
    def Md_tech(self) -> np.ndarray:
        """Technical maturity (damped by every limitation but legal and contractual terms), every year."""
        return self._damped[-1]

    def _year_maturity(self, y: int) -> tuple[np.ndarray, np.ndarray]:
        """(damped, technical) maturity of year y (n_caps, n_draws); the same object twice when no legal term
        applies."""
        if "_damped" in self.__dict__:
            d = self._damped
        else:
            d = self._maturity(self.times[y : y + 1], None, self._skips, keep_undamped=False)[1]
            y = 0
        return d[0][y], d[-1][y]

    @cached_property
    def M(self) -> np.ndarray:
        """Undamped maturity of every year (n_years, n_caps, n_draws), computed on first use (as the damped one
        was: the same values)."""
        return special.expit(self.logit_at(self.times))

    def logit_at(self, times: np.ndarray, caps: np.ndarray | None = None) -> np.ndarray:
        """logit maturity (n_t, n_caps or len(caps), n_draws), scenario overrides applied."""
        cm = self.engine.compiled
        t50, s = (self.t50, self.s) if caps is None else (self.t50[caps], self.s[caps])
        delay = self.delay if caps is None or self.delay is None else self.delay[caps]
        cap_index = cm.cap_index if caps is None else {cm.caps[c]: i for i, c in enumerate(caps)}
        z = logit_path(times, t50, s, cm.as_of, self.pace, delay)
        z = apply_capability_overrides(
            z, times, t50, s, self.pace, cm.as_of, self.scenario, cap_index, self.engine.config.level_maturity
        )
        z += self.judgement.table_shift[None, None, :]  # what the milestone levels mean is a judgement too
        return z

    def severities_at(self, times: np.ndarray, links: np.ndarray | None = None) -> np.ndarray:
        """Severity of every capability-limitation link (or the given ones): (n_t, n_links, n_draws), below 1."""
        cm = self.engine.compiled
        arr, mult, sev0 = self.engine.lim_arrays, self.hl_mult, self.judgement.severities
        if links is not None:
            arr = arr.take(links)
            mult = mult[links]
            sev0 = sev0[links]
        sev = severity_paths(times, arr, self.scenario, cm.as_of, mult, sev0)
        return np.minimum(sev, 1.0 - 1e-9, out=sev)

    def maturity_at(
        self, times: np.ndarray, caps: np.ndarray | None = None, skip: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(undamped, damped) maturity, each (n_t, n_caps, n_draws); `caps`: only these capabilities;
        `skip`: a mask over limitation links left out of the damping (e.g. the legal ones).

        Damping: prod over limitation groups g of the capability of (1 - max_{l in g} sev_l(t)); a group is
        one kind of limitation (default) or a single limitation (config.limitation_combine = "product")."""
        M, (Md,) = self._maturity(times, caps, (skip,))
        return M, Md

    def _maturity(
        self,
        times: np.ndarray,
        caps: np.ndarray | None,
        skips: tuple[np.ndarray | None, ...],
        keep_undamped: bool = True,
    ) -> tuple[np.ndarray | None, list[np.ndarray]]:
        """Undamped maturity and, for each mask in `skips` (None: no link left out), the damped maturity
        (see maturity_at); the severities of each time are computed once for all of them. keep_undamped=False:
        None for the undamped maturity, whose array is damped in place for the last mask (one copy fewer)."""
        times = np.asarray(times, dtype=float)
        z = self.logit_at(times, caps)
        M = special.expit(z, out=z)
        L = self.engine.lim_matrix  # (n_caps, n_links)
        links = np.arange(L.shape[1])
        if caps is not None:
            L = L[caps]
            links = np.flatnonzero(np.asarray(L.sum(axis=0)).ravel() > 0)
        if caps is None and skips is self._skips:
            plans = self._plans  # (every year's maturity asks for these: made once)
        else:
            plans = [self._damping_plan(L, links, skip) for skip in skips]
        out = [M.copy() for _ in skips] if keep_undamped else [M.copy() for _ in skips[:-1]] + [M]
        kept = M if keep_undamped else None
        if not any(p is not None for p in plans):
            return kept, out
        for i in range(len(times)):  # one time at a time: (n_links, n_draws) stays in cache
            sev_all = self.severities_at(times[i : i + 1], links)[0]
            for Md, plan in zip(out, plans, strict=True):
                if plan is None:
                    continue
                pos, starts, G = plan
                sev = sev_all if len(pos) == len(links) else sev_all[pos]
                worst = np.maximum.reduceat(sev, starts, axis=0) if len(starts) < len(pos) else sev
                Md[i] *= np.exp(G @ np.log1p(-worst))
        return kept, out

    @cached_property
    def _plans(self) -> list[tuple[np.ndarray, np.ndarray, sp.csr_matrix] | None]:
        """The damping plans of every capability for the run's own masks (_skips)."""
        L = self.engine.lim_matrix
        return [self._damping_plan(L, np.arange(L.shape[1]), skip) for skip in self._skips]

    def _damping_plan(
        self, L: sp.csr_matrix, links: np.ndarray, skip: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray, sp.csr_matrix] | None:
        """(positions in `links` of the links that damp, first link of each group, capability x group matrix);
        None when no link damps."""
        pos = np.arange(len(links)) if skip is None else np.flatnonzero(~skip[links])
        if not len(pos):
            return None
        used = links[pos]
        groups = self.engine.lim_group[used]
        starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
        cap_of_link = np.asarray(L[:, used].argmax(axis=0)).ravel()
        G = sp.csr_matrix(
            (np.ones(len(starts)), (cap_of_link[starts], np.arange(len(starts)))), shape=(L.shape[0], len(starts))
        )
        return pos, starts, G

    def link_weights(self, links: pd.DataFrame) -> np.ndarray:
        """The weight of each link (rows of compiled.links) in every draw: (n_links, n_draws)."""
        st = self.engine.structure
        idx = [
            st.u_index[term_key(c, w, k)]
            for c, w, k in zip(
                links["cap"].tolist(), links["weight"].tolist(), links["confidence"].tolist(), strict=True
            )
        ]
        return self.judgement.weights[np.array(idx, dtype=np.int64)].astype(np.float64)

    def binding(self, sev: np.ndarray) -> np.ndarray:
        """For severities of every link (n_links, n_draws): True where the link is the one that binds in
        its group (the most severe; the first in id order on ties)."""
        groups = self.engine.lim_group
        out = np.zeros(sev.shape, dtype=bool)
        if not len(groups):
            return out
        starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
        ends = np.r_[starts[1:], len(groups)]
        cols = np.arange(sev.shape[1])
        for a, b in zip(starts, ends, strict=True):
            out[a + np.argmax(sev[a:b], axis=0), cols] = True
        return out

    # ---- exposure ----------------------------------------------------------------------------
    def evaluate(self, keep_draws: bool = False) -> dict[str, np.ndarray]:
        """Entity exposure for every year: quantiles and means, (n_years, n_entities) each.

        The hot path runs in float32 (exposures are shares; 7 significant digits are plenty).
        keep_draws also keeps E and E_auto, (n_years, n_entities, n_draws).
        """
        return self.start_evaluation(keep_draws)()

    def start_evaluation(
        self, keep_draws: bool = False, pool: Executor | None = None
    ) -> Callable[[], dict[str, np.ndarray]]:
        """evaluate() with each year's work queued on `pool` (None: done now): the returned function waits for
        the years and gives evaluate's result. The years are independent (each writes its own rows), so the
        values do not depend on how they are spread over threads."""
        st = self.engine.structure
        n_y, n_e = len(self.years), st.A_sig.shape[0]
        out = {k: np.empty((n_y, n_e)) for k in SUMMARY_KEYS}
        shape = (n_y, n_e, self.n_draws) if keep_draws else (0, 0, 0)
        draws = (np.empty(shape, np.float32), np.empty(shape, np.float32))
        past = self.engine.past_years(self.judgement.weights)

        def year(y: int) -> None:
            self._evaluate_year(y, out, draws if keep_draws else None, past)

        if pool is None:
            pending = []
            for y in range(n_y):
                year(y)
        else:
            pending = [pool.submit(year, y) for y in range(n_y)]

        def finish() -> dict[str, np.ndarray]:
            for f in pending:
                f.result()
            for k in out:
                out[k][:, ~st.has_basis] = np.nan
            if keep_draws:
                draws[0][:, ~st.has_basis, :] = np.nan
                draws[1][:, ~st.has_basis, :] = np.nan
                self._draws = draws
            return out

        return finish

    def _evaluate_year(
        self,
        y: int,
        out: dict[str, np.ndarray],
        draws: tuple[np.ndarray, np.ndarray] | None,
        past: dict[int, tuple[bytes, dict[str, np.ndarray]]],
    ) -> None:
        """Year y's row of every summary in `out` (and of `draws`, when kept); a past year another scenario
        evaluated with bitwise the same maturity is copied from `past` (see Engine.past_years)."""
        st = self.engine.structure
        ms = np.float32(min(self.engine.config.max_share, 1.0 - 1e-6))  # below 1 in float32 too
        lo, hi = self.engine.config.band
        W = self.judgement.weights
        Md, Md_tech = self._year_maturity(y)
        shared = draws is None and self.times[y] <= self.engine.compiled.as_of
        digest = maturity_digest(Md, Md_tech) if shared else b""
        hit = past.get(self.years[y]) if shared else None
        if hit is not None and hit[0] == digest:
            for k in SUMMARY_KEYS:
                out[k][y] = hit[1][k]
            return
        # one year's (entities x draws) arrays at a time: the damped ones, then the technical ones
        E, auto = self._year_draws(Md, ms, W, draws is not None)
        out["mean"][y] = E.mean(axis=1, dtype=np.float64)
        if draws is not None:
            out["automation"][y] = auto.mean(axis=1, dtype=np.float64)
            draws[0][y], draws[1][y] = E, auto
        else:
            out["automation"][y] = st.A_sig @ auto.astype(np.float64)
        q = quantiles(E, (lo, 0.5, hi), overwrite=True)  # (E sorted in place: its mean is taken)
        out["low"][y], out["median"][y], out["high"][y] = q
        del E, auto
        if Md_tech is not Md:
            q = quantiles(self._year_total(Md_tech, ms, W), (lo, 0.5, hi), overwrite=True)
        out["technical_low"][y], out["technical_median"][y], out["technical_high"][y] = q
        if shared:
            past[self.years[y]] = (digest, {k: out[k][y].copy() for k in SUMMARY_KEYS})

    def _year_draws(
        self, Md64: np.ndarray, ms: np.float32, W: np.ndarray, keep_draws: bool
    ) -> tuple[np.ndarray, np.ndarray]:
        """(E, automation) of a year with damped maturity Md64 (n_caps, n_draws), in float32, computed draw chunk
        by draw chunk (draw_chunks): E the entities' exposure draws (n_entities, n_draws); automation the
        entities' automation draws (keep_draws) or else each signature's automation mean (n_sig,)."""
        st = self.engine.structure
        a, _, m = st.blocks
        n_e, n_d = st.A_sig.shape[0], self.n_draws
        Md = Md64.astype(np.float32)
        E = np.empty((n_e, n_d), np.float32)
        E_auto = np.empty((n_e, n_d) if keep_draws else (0, 0), np.float32)
        # what the automation means need, whole (a mean over draws is taken on all the draws at once)
        auto_only = np.empty((0, 0) if keep_draws else (a.stop - a.start, n_d), np.float32)
        mixed = np.empty((0, 0) if keep_draws or m.stop == m.start else (m.stop - m.start, n_d), np.float32)
        for c in draw_chunks(n_d):
            e, ratio = _signature_parts(st, Md[:, c], ms, W[:, c])
            E[:, c] = st.A_sig32 @ e
            if keep_draws:
                E_auto[:, c] = st.A_sig32 @ automation_part(st, e, ratio)
            else:
                auto_only[:, c] = e[a]
                if ratio is not None:
                    mixed[:, c] = ratio
            del e, ratio
        auto = E_auto if keep_draws else automation_mean(st, auto_only, mixed if m.stop > m.start else None)
        return E, auto

    def _year_total(self, Md64: np.ndarray, ms: np.float32, W: np.ndarray) -> np.ndarray:
        """The entities' exposure draws (n_entities, n_draws) for maturity Md64, without the automation split
        (the technical reach), in float32, draw chunk by draw chunk."""
        st = self.engine.structure
        Md = Md64.astype(np.float32)
        E = np.empty((st.A_sig.shape[0], self.n_draws), np.float32)
        for c in draw_chunks(self.n_draws):
            E[:, c] = st.A_sig32 @ signature_total(st, Md[:, c], ms, W=W[:, c])
        return E

    def entity_draws(self) -> tuple[np.ndarray, np.ndarray]:
        """(E, E_auto): (n_years, n_entities, n_draws), float32."""
        if self._draws is None:
            self.evaluate(keep_draws=True)
        return self._draws

    def summary(self, evaluation: Callable[[], dict[str, np.ndarray]] | None = None) -> pd.DataFrame:
        """One row per entity and year: median, 80% band, mean, automation + augmentation (= mean).
        `evaluation`: the function start_evaluation gave, when the years were queued on a pool."""
        if self._summary is None:
            self._summary = summarise(self, (evaluation or self.start_evaluation())())
        return self._summary

    def task_summary(self, year: int) -> pd.DataFrame:
        """Exposure of every task reached by a capability, in one year."""
        cm = self.engine.compiled
        st = self.engine.structure
        y = self.years.index(year)
        W = self.judgement.weights.astype(np.float64)
        e, ea = signature_exposure(st, self.Md[y], self.engine.config.max_share, W=W)
        lo, hi = self.engine.config.band
        q = np.quantile(e, [lo, 0.5, hi], axis=1)
        linked = np.flatnonzero(st.task_sig >= 0)
        sig = st.task_sig[linked]
        return (
            pd.DataFrame(
                {
                    "task_id": [cm.tasks[k] for k in linked],
                    "text": [cm.task_text.get(cm.tasks[k], "") for k in linked],
                    "year": year,
                    "scenario": self.scenario.name,
                    "median": q[1][sig],
                    "low": q[0][sig],
                    "high": q[2][sig],
                    "mean": e.mean(axis=1)[sig],
                    "automation": ea.mean(axis=1)[sig],
                    "augmentation": (e - ea).mean(axis=1)[sig],
                }
            )
            .sort_values(["median", "task_id"], ascending=[False, True], kind="stable")
            .reset_index(drop=True)
        )


ENTITY_COLS = ("id", "label", "name", "basis", "coverage", "coverage_status", "coverage_reason")


def summarise(run: Run, stats: dict[str, np.ndarray]) -> pd.DataFrame:
    """One row per entity and year (year by year, entities in order)."""
    eng = run.engine
    ents = eng.compiled.entities
    pot = eng.potential(run.judgement.weights)
    n_y = len(run.years)

    def rows(a: np.ndarray) -> np.ndarray:  # (n_years, n_entities) -> one value per row
        return a.reshape(-1)

    out = pd.DataFrame(
        {
            **{c: np.tile(ents[c].to_numpy(), n_y) for c in ENTITY_COLS},
            "year": np.repeat(np.asarray(run.years), len(ents)),
            "scenario": run.scenario.name,
            "median": rows(stats["median"]),
            "low": rows(stats["low"]),
            "high": rows(stats["high"]),
            "mean": rows(stats["mean"]),
            "automation": rows(np.minimum(stats["automation"], stats["mean"])),
            "augmentation": rows(np.maximum(stats["mean"] - stats["automation"], 0.0)),
            "potential": np.tile(pot, n_y),
            "technical_median": rows(stats["technical_median"]),
            "technical_low": rows(stats["technical_low"]),
            "technical_high": rows(stats["technical_high"]),
        }
    ).rename(columns={"id": "entity_id"})
    out["method_version"] = METHOD_VERSION
    return out


def maturity_digest(*arrays: np.ndarray) -> bytes:
    """A digest of arrays' dtypes, shapes and bytes: equal digests, bitwise equal arrays."""
    h = hashlib.sha256()
    for a in arrays:
        h.update(f"{a.dtype.str}{a.shape}".encode())
        h.update(np.ascontiguousarray(a).data)
    return h.digest()


def quantiles(x: np.ndarray, qs: tuple[float, ...], overwrite: bool = False) -> list[np.ndarray]:
    """Row quantiles with numpy's default (linear) interpolation, via a full sort (fast for float32);
    overwrite: sort x itself (no copy; the same order as np.sort's)."""
    n = x.shape[1]
    if overwrite:
        x.sort(axis=1)
        xs = x
    else:
        xs = np.sort(x, axis=1)
    out = []
    for q in qs:
        h = (n - 1) * q
        lo = int(np.floor(h))
        hi = min(lo + 1, n - 1)
        frac = h - lo
        out.append(xs[:, lo].astype(np.float64) + frac * (xs[:, hi].astype(np.float64) - xs[:, lo]))
    return out


def maturity_summary(run: Run) -> pd.DataFrame:
    """Maturity of every capability by year: undamped and damped by limitations, median and band."""
    cm = run.engine.compiled
    lo, hi = run.engine.config.band
    rows = []
    for y, year in enumerate(run.years):
        qm = np.quantile(run.M[y], [lo, 0.5, hi], axis=1)
        qd = np.quantile(run.Md[y], [lo, 0.5, hi], axis=1)
        rows.append(
            pd.DataFrame(
                {
                    "capability": cm.caps,
                    "name": [cm.cap_names.get(c, c) for c in cm.caps],
                    "year": year,
                    "scenario": run.scenario.name,
                    "maturity": qm[1],
                    "maturity_low": qm[0],
                    "maturity_high": qm[2],
                    "damped": qd[1],
                    "damped_low": qd[0],
                    "damped_high": qd[2],
                }
            )
        )
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
