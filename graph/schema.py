"""The one definition of CraftGraph's property graph.

Node labels, relationship types (with the label pairs they may join), properties (type, required,
allowed values or range) and id conventions live here and nowhere else. The Neo4j constraints and
indexes, the embedded store's table declarations, snapshot validation and docs/schema.md are all
generated from these objects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SCHEMA_VERSION = "1.0"

# Property types. "date" is an ISO date that may be partial: YYYY, YYYY-MM or YYYY-MM-DD.
PROP_TYPES = ("str", "float", "int", "bool", "date", "list")

DATE_RE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")

MILESTONE_LEVELS = (
    "research",
    "demo",
    "commercial_beta",
    "commercial",
    "production_used",
    "industry_standard",
)
LIMITATION_KINDS = ("technical", "legal", "economic")
LINK_MODES = ("automate", "augment")
GRADES = ("primary", "secondary", "vendor", "aggregator")  # a Source's evidence grade
BASES = ("sourced", "judgement")  # where a severity, half-life or weight comes from (docs/decisions/claim-dates.md)

# Contracts and law: what an instrument is, where it stands, and what its clauses require.
INSTRUMENT_KINDS = ("collective_agreement", "side_letter", "statute", "regulation", "bill", "code_of_practice")
INSTRUMENT_STATUSES = (
    "in_force",
    "not_yet_in_force",
    "tentative",
    "superseded",
    "expired",
    "pending",
    "lapsed",
    "draft",
)
CONTRACT_KINDS = ("collective_agreement", "side_letter")  # their clauses must have an expiry date
REQUIREMENT_KINDS: dict[str, str] = {
    "consent": "a person's informed, specific agreement before a use (of a likeness, voice, work or scan)",
    "notice": "advance notice to a worker or the union before something is done",
    "compensation": "payment for a use, a session, a replica or a licence",
    "consultation": "the employer must discuss a use with the worker or union on request",
    "bargaining": "the employer must bargain with the union over a use or its effects",
    "disclosure": "telling workers, the union or the public that AI was used or what it was trained on",
    "labelling": "marking output as AI-generated or manipulated (machine-readable or visible)",
    "training_data_licensing": "rules on using covered work or a person's data to train AI",
    "human_authorship": "only a human can be the writer, performer or author of covered work",
    "work_jurisdiction": "covered work stays covered (and in the unit) when AI is used to do it",
    "prohibition": "a use that is not allowed at all",
    "training": "skills training or retraining for workers",
    "remedy": "a right of action, penalty, damages or arbitration when the rule is broken",
    "indemnity": "the employer answers for claims that arise from AI use it directs",
    "definition": "defines a term the other clauses use",
}
ROLE_EVIDENCE_KINDS = ("job_posting", "credit", "company_announcement", "union_agreement", "press_report")
UNION_STATUSES = ("represented", "could_be_represented", "outside_bargaining_unit")
QUOTE_MAX = 300  # characters: a clause quotation is a short extract, never the text copied


@dataclass(frozen=True)
class Prop:
    name: str
    type: str = "str"
    required: bool = False
    description: str = ""
    choices: tuple[str, ...] | None = None
    range: tuple[float, float] | None = None
    max_length: int | None = None  # text only: at most this many characters

    def __post_init__(self) -> None:
        if self.type not in PROP_TYPES:
            raise ValueError(f"unknown property type {self.type!r} for {self.name}")


@dataclass(frozen=True)
class NodeLabel:
    name: str
    id_pattern: str  # regular expression every id of this label matches
    description: str
    props: tuple[Prop, ...] = ()
    indexed: tuple[str, ...] = ("name",)  # properties with a Neo4j range/text index
    sourced: bool = False  # every node must cite at least one source (source_ids required)

    def prop(self, name: str) -> Prop | None:
        return next((p for p in self.all_props if p.name == name), None)

    @property
    def all_props(self) -> tuple[Prop, ...]:
        common = (REQUIRED_SOURCE_IDS, ORIGIN_PROP) if self.sourced else COMMON_NODE_PROPS
        dates = CLAIM_DATE_PROPS if self.name in DATED_LABELS else ()
        return (ID_PROP, *self.props, *common, *dates)


@dataclass(frozen=True)
class RelType:
    name: str
    pairs: tuple[tuple[str, str], ...]  # allowed (source label, target label)
    description: str
    props: tuple[Prop, ...] = ()
    claim: bool = False  # a claim we assert: must cite at least one source
    key: tuple[str, ...] = ()  # properties that, with the two ends, identify one relationship

    def prop(self, name: str) -> Prop | None:
        return next((p for p in self.all_props if p.name == name), None)

    @property
    def all_props(self) -> tuple[Prop, ...]:
        extra = CLAIM_PROPS if self.claim else ()
        return (*self.props, *extra)


ID_PROP = Prop("id", "str", True, "stable string id, unique per label (`prefix:slug`)")
SOURCE_IDS = Prop("source_ids", "list", False, "ids of the Source nodes this fact rests on")
REQUIRED_SOURCE_IDS = Prop("source_ids", "list", True, "ids of the Source nodes this fact rests on (at least one)")
ORIGIN_PROP = Prop("origin", "str", True, "where the node comes from: `catalog` or an ingest source id")
COMMON_NODE_PROPS = (SOURCE_IDS, ORIGIN_PROP)
# When a claim became public and when it was last checked: filled by the build from the cited sources
# (graph/provenance.py), or given per row in an optional column of the same name (an override).
CLAIM_DATE_PROPS = (
    Prop("known_on", "date", description="date the fact became public (event date or earliest cited publication)"),
    Prop("checked_on", "date", description="date the fact was last checked (latest `accessed` of its sources)"),
    Prop(
        "known_on_basis",
        "str",
        description="what known_on rests on: `event` (the fact's own date), `published` (earliest cited "
        "publication), `override` (the row's own column), or `accessed`: an upper bound, the day a source was "
        "read, where no cited source gives a publication date (the fact was public by then, maybe long before)",
        choices=("event", "published", "override", "accessed"),
    ),
)
CLAIM_PROPS = (
    Prop("source_ids", "list", True, "ids of the Source nodes this claim rests on (at least one)"),
    Prop("confidence", "float", False, "curator's confidence in the claim", range=(0.0, 1.0)),
    *CLAIM_DATE_PROPS,
)
# Labels the curated catalog makes with source_ids: their nodes are claims and carry CLAIM_DATE_PROPS.
DATED_LABELS = frozenset(
    {
        "AIType",
        "Vendor",
        "Tool",
        "Capability",
        "Limitation",
        "Milestone",
        "Department",
        "UnionLocal",
        "Craft",
        "Occupation",
        "Task",
        "JobRole",
        "Instrument",
        "Clause",
    }
)

UNIT = (0.0, 1.0)
SEVERITY_BASIS = Prop(
    "severity_basis",
    choices=BASES,
    description="sourced or judgement, of a severity set here (empty or no column: judgement, see justification)",
)
SLUG = r"[a-z0-9][a-z0-9._-]*"

NODES: tuple[NodeLabel, ...] = (
    NodeLabel(
        "AIType",
        rf"^aitype:{SLUG}$",
        "A kind of AI, defined for contract language: a root (`aitype:ai-system`) and a hierarchy (SUBTYPE_OF) whose "
        "siblings are told apart by one test each, applied in `rank` order (docs/ai-types.md).",
        (
            Prop("name", required=True),
            Prop("definition", required=True, description="what it does, in plain words"),
            Prop("criterion", description="the test that places a system (or one use of it) in this type"),
            Prop("outputs", description="what it produces"),
            Prop("inputs", description="what it needs as input"),
            Prop("excludes", description="what it is not, and which type takes it instead"),
            Prop("rank", "int", description="order in which sibling types' tests are applied (first match wins)"),
            Prop("examples", description="example tools or uses"),
        ),
    ),
    NodeLabel(
        "Vendor",
        rf"^vendor:{SLUG}$",
        "A company, lab or project that makes AI tools.",
        (
            Prop("name", required=True),
            Prop("country", description="country of headquarters (ISO 3166 alpha-2 or name)"),
            Prop("url"),
        ),
    ),
    NodeLabel(
        "Tool",
        rf"^tool:{SLUG}$",
        "An AI/ML product or model in use or on sale.",
        (
            Prop("name", required=True),
            Prop("first_release", "date", description="first public release (YYYY, YYYY-MM or YYYY-MM-DD)"),
            Prop("status", required=True, choices=("active", "discontinued", "research")),
            Prop("deployment", choices=("cloud", "local", "hybrid")),
            Prop("open_weights", "bool", description="model weights published for download"),
            Prop(
                "training_data_licensed",
                "bool",
                description="the vendor states its training data is licensed (empty: no statement)",
            ),
            Prop(
                "training_data",
                choices=("licensed", "unlicensed", "disputed", "unknown"),
                description="what is publicly known of the training data's licensing, per the tool's sources",
            ),
            Prop("release_note", description="why no first_release is given, when it is empty"),
            Prop("url"),
            Prop("description"),
        ),
    ),
    NodeLabel(
        "Capability",
        rf"^cap:{SLUG}$",
        "A thing AI can do, in verb form (`generate video from text`).",
        (
            Prop("name", required=True),
            Prop("description", required=True),
            Prop("domain", description="video, image, audio, 3d, text, data, ..."),
        ),
    ),
    NodeLabel(
        "Limitation",
        rf"^lim:{SLUG}$",
        "What holds a capability or tool back: technical, legal/contractual or economic.",
        (
            Prop("name", required=True),
            Prop("kind", required=True, choices=LIMITATION_KINDS),
            Prop("severity", "float", True, "how much it damps maturity today", range=UNIT),
            Prop("justification", required=True, description="one line: why this severity"),
            Prop(
                "severity_basis",
                required=True,
                choices=BASES,
                description="sourced: a cited source gives the figure; judgement: argued in justification",
            ),
            Prop(
                "half_life_years",
                "float",
                description="technical only: years for the severity to halve (empty: does not fade)",
                range=(0.1, 100.0),
            ),
            Prop("half_life_basis", choices=BASES, description="sourced or judgement (required with a half-life)"),
            Prop("half_life_rationale", description="why this half-life (required when it is a judgement)"),
        ),
    ),
    NodeLabel(
        "Milestone",
        rf"^ms:{SLUG}$",
        "A dated step in a capability's maturity.",
        (
            Prop("date", "date", True),
            Prop("level", required=True, choices=MILESTONE_LEVELS),
            Prop("description", required=True),
        ),
        indexed=("date",),
    ),
    NodeLabel(
        "Department",
        rf"^dept:{SLUG}$",
        "A production department (camera, editorial, sound, art, costume, ...).",
        (Prop("name", required=True), Prop("description")),
    ),
    NodeLabel(
        "UnionLocal",
        rf"^local:{SLUG}$",
        "A union local or guild that represents crafts.",
        (
            Prop("name", required=True),
            Prop("union_name", required=True, description="e.g. IATSE, NABET-CWA, IBEW, Teamsters"),
            Prop("number", description="local number, if any"),
            Prop("region"),
            Prop("url"),
        ),
    ),
    NodeLabel(
        "Craft",
        rf"^craft:{SLUG}$",
        "A union job classification.",
        (
            Prop("name", required=True),
            Prop("description"),
            Prop("soc_note", description="where no SOC code fits well, why"),
        ),
    ),
    NodeLabel(
        "JobRole",
        rf"^role:{SLUG}$",
        "A new AI-related role appearing on productions, with dated evidence that people are hired into it.",
        (
            Prop("name", required=True),
            Prop("description", required=True),
            Prop("first_seen", "date"),
            Prop("evidence", required=True, description="the dated evidence of real hiring, in one line"),
            Prop("evidence_kind", required=True, choices=ROLE_EVIDENCE_KINDS),
            Prop("evidence_date", "date", True, "date of that evidence (posting, credit, announcement, agreement)"),
            Prop(
                "union_status",
                required=True,
                choices=UNION_STATUSES,
                description="represented: a union covers the role now; could_be_represented: a union's jurisdiction "
                "reaches it; outside_bargaining_unit: managerial or supervisory, not a unit job",
            ),
            Prop("union_note", description="which union, and why"),
        ),
    ),
    NodeLabel(
        "Instrument",
        rf"^inst:{SLUG}$",
        "A collective agreement, side letter, statute, regulation, bill or code of practice with AI terms.",
        (
            Prop("name", required=True),
            Prop("kind", required=True, choices=INSTRUMENT_KINDS),
            Prop("parties", "list", True, "signatories of an agreement; the enacting body of a law or bill"),
            Prop(
                "jurisdiction",
                required=True,
                description="where it applies: ISO 3166 code (US, US-CA, EU...) and, for an agreement, its area",
            ),
            Prop("status", required=True, choices=INSTRUMENT_STATUSES, description="where it stands today"),
            Prop("signed", "date", description="date of the text: ratified, signed, adopted or introduced"),
            Prop("effective", "date", description="date it takes or took effect (empty: not law or not known)"),
            Prop("expiry", "date", description="end of an agreement's term or a law's sunset (empty: none)"),
            Prop("citation", description="official citation (statute chapter, OJ reference, bill number)"),
            Prop(
                "quotable",
                "bool",
                description="its licence allows short quotations in clause rows (laws); agreements are summarised",
            ),
            Prop("url", description="the text, on the union's, legislature's or official journal's own site"),
            Prop("description"),
        ),
        sourced=True,
    ),
    NodeLabel(
        "Clause",
        rf"^clause:{SLUG}$",
        "One section of an instrument that governs AI: what it requires, from when to when, and what it covers.",
        (
            Prop("name", required=True, description="a short heading, in our words"),
            Prop("section", required=True, description="section, article or paragraph number in the instrument"),
            Prop("summary", required=True, description="what the clause says, in our own words"),
            Prop(
                "quote",
                max_length=QUOTE_MAX,
                description=f"a short quotation (at most {QUOTE_MAX} characters), only if the instrument is quotable",
            ),
            Prop(
                "requires", "list", True, "what the clause requires (see requirement kinds)", tuple(REQUIREMENT_KINDS)
            ),
            Prop("effective", "date", True, "date the clause applies from; for a bill, the date of the text"),
            Prop("expiry", "date", description="date it stops applying (required for agreements; empty: no sunset)"),
        ),
        sourced=True,
    ),
    NodeLabel(
        "Occupation",
        r"^onet:\d{2}-\d{4}\.\d{2}$",
        "An O*NET-SOC occupation.",
        (
            Prop("soc_code", required=True, description="O*NET-SOC 2019 code, e.g. 27-4032.00"),
            Prop("title", required=True),
            Prop("description"),
            Prop("soc2018", description="6-digit SOC 2018 code"),
            Prop("job_zone", "int", range=(1, 5)),
            Prop("employment", "float", description="BLS OEWS national employment"),
            Prop("median_wage", "float", description="BLS OEWS annual median wage, USD"),
            Prop("mean_wage", "float", description="BLS OEWS annual mean wage, USD"),
            Prop("wage_year", "int", description="OEWS reference year"),
            Prop("median_hourly_wage", "float", description="BLS OEWS hourly median wage, USD"),
            Prop("mean_hourly_wage", "float", description="BLS OEWS hourly mean wage, USD"),
            Prop("wage_note", description="why a wage is empty: BLS `*` (not available) or `#` (top-coded)"),
            Prop(
                "oews_code",
                description="the OEWS occupation code employment and wages come from (may be an OEWS aggregate)",
            ),
            Prop(
                "employment_split",
                "int",
                description="O*NET-SOC occupations the OEWS employment is split evenly across "
                "(employment × split = the OEWS figure; never add soc-level figures twice)",
            ),
            Prop("soc2010_codes", "list", description="SOC 2010 codes that crosswalk to this occupation"),
            Prop("isco08_codes", "list", description="ISCO-08 unit groups, via SOC 2010 (BLS crosswalk)"),
            Prop("alternate_titles", "list", description="O*NET alternate titles"),
            Prop("reported_titles", "list", description="O*NET sample of job titles reported by incumbents"),
            Prop("technology_skills", "list", description="O*NET technology skills (software examples)"),
            Prop(
                "emerging_tasks",
                "list",
                description="O*NET emerging task statements (new or revised, not yet rated; not Task nodes)",
            ),
        ),
        indexed=("title", "soc_code"),
    ),
    NodeLabel(
        "Task",
        r"^task:(onet:\d+|craft:[a-z0-9][a-z0-9._-]*)$",
        "An O*NET task statement (`task:onet:ID`) or a curated craft task (`task:craft:slug`).",
        (
            Prop("text", required=True),
            Prop("kind", required=True, choices=("core", "supplemental", "craft", "emerging")),
        ),
        indexed=(),
    ),
    NodeLabel(
        "WorkActivity",
        r"^(gwa|iwa|dwa):[0-9A-Za-z.]+$",
        "An O*NET work activity: GWA, IWA or DWA.",
        (
            Prop("level", required=True, choices=("gwa", "iwa", "dwa")),
            Prop("title", required=True),
        ),
        indexed=("title",),
    ),
    NodeLabel(
        "Source",
        rf"^src:{SLUG}$",
        "A citation: every claim points at one or more.",
        (
            Prop("url", required=True),
            Prop("title", required=True),
            Prop("publisher", required=True),
            Prop("date", "date", description="publication date"),
            Prop("accessed", "date", description="date the page was read"),
            Prop(
                "kind",
                required=True,
                choices=("vendor", "press", "paper", "union", "government", "dataset", "other"),
            ),
            Prop("vendor_claim", "bool", description="the fact is the vendor's own claim"),
            Prop(
                "grade",
                required=True,
                choices=GRADES,
                description=(
                    "evidence grade: primary (the vendor's, court's, union's or legislature's own record of its own"
                    " act), secondary (reputable press or paper), vendor (a vendor's claim about its product),"
                    " aggregator (a listing or mirror)"
                ),
            ),
        ),
        indexed=("publisher",),
    ),
    NodeLabel(
        "Study",
        rf"^study:{SLUG}$",
        "A published AI-exposure measure.",
        (
            Prop("name", required=True),
            Prop("year", "int"),
            Prop("url"),
            Prop("citation"),
            Prop("units", description="what a score means, in the study's own units"),
            Prop("code_vintage", description="occupation code vintage the study rates"),
            Prop("match_rate", "float", range=UNIT),
        ),
    ),
    NodeLabel(
        "AIModel",
        rf"^model:{SLUG}$",
        "A notable AI model (Epoch AI) as a dated event.",
        (
            Prop("name", required=True),
            Prop("organization"),
            Prop("date", "date"),
            Prop("domain"),
        ),
    ),
    NodeLabel(
        "Incident",
        r"^incident:\d+$",
        "An AI Incident Database report.",
        (Prop("title", required=True), Prop("date", "date"), Prop("url")),
        indexed=("title",),
    ),
    NodeLabel(
        "Industry",
        r"^naics:\d{6}$",
        "An industry by its NAICS code (6 digits, trailing zeros for the broader levels), with the NAICS vintage.",
        (
            Prop("name", required=True),
            Prop("naics_code", required=True, description="6-digit NAICS code, e.g. 512100"),
            Prop("naics_version", required=True, description="NAICS vintage of the code, e.g. 2022"),
            Prop("parent_code", description="the broader NAICS code this one sits within, when it is in the data"),
        ),
        indexed=("name", "naics_code"),
    ),
    NodeLabel(
        "Area",
        r"^area:(us|state-\d{2}|metro-\d{5}|county-\d{5})$",
        "A place statistics are published for: the nation, a state (FIPS), a metro area (CBSA) or a county (FIPS).",
        (
            Prop("name", required=True),
            Prop("kind", required=True, choices=("nation", "state", "metro", "county")),
            Prop("code", description="the publisher's area code (OEWS 7-digit area, QCEW area_fips)"),
        ),
        indexed=("name", "kind"),
    ),
    NodeLabel(
        "JobsEstimate",
        r"^oews:\d{4}\.[a-z0-9-]+\.\d{6}\.\d{2}-\d{4}$",
        "BLS OEWS employment and wage estimate for one (occupation, industry, area, year); NAICS 000000 is all "
        "industries. Payroll jobs only: OEWS excludes the self-employed.",
        (
            Prop("year", "int", True),
            Prop("soc_code", required=True, description="OEWS occupation code (SOC 2018; 00-0000 = all occupations)"),
            Prop("title", required=True),
            Prop("o_group", description="total, major, minor, broad or detailed"),
            Prop("naics_code", required=True),
            Prop("employment", "float", description="jobs (empty: suppressed)"),
            Prop("employment_rse", "float", description="relative standard error of employment, %"),
            Prop("mean_hourly_wage", "float"),
            Prop("mean_wage", "float", description="annual"),
            Prop("mean_wage_rse", "float", description="relative standard error of the mean wage, %"),
            Prop("hourly_wage_p10", "float"),
            Prop("hourly_wage_p25", "float"),
            Prop("median_hourly_wage", "float"),
            Prop("hourly_wage_p75", "float"),
            Prop("hourly_wage_p90", "float"),
            Prop("wage_p10", "float", description="annual, 10th percentile"),
            Prop("wage_p25", "float"),
            Prop("median_wage", "float", description="annual median"),
            Prop("wage_p75", "float"),
            Prop("wage_p90", "float"),
            Prop("jobs_per_1000", "float"),
            Prop("location_quotient", "float"),
            Prop("suppressed", "list", description="columns BLS did not release (footnote 8)"),
            Prop("top_coded", "list", description="wage columns at or above the top code (footnote 5)"),
            Prop("wage_basis_only", "list", description="wage columns empty because BLS gives hourly or annual only"),
        ),
        indexed=("soc_code", "naics_code"),
    ),
    NodeLabel(
        "QcewRecord",
        r"^qcew:\d{6}\.[a-z0-9-]+\.own\d\.\d{4}q[1-4]$",
        "BLS QCEW employment and wages for one (industry, area, ownership, quarter): UI-covered payroll jobs "
        "(no self-employed, no loan-outs).",
        (
            Prop("year", "int", True),
            Prop("quarter", "int", True, range=(1, 4)),
            Prop("naics_code", required=True),
            Prop("own_code", required=True, description="5 private, 3 local government, 2 state, 1 federal"),
            Prop("disclosed", "bool", True, description="false: BLS withheld the figures (disclosure code N)"),
            Prop("establishments", "int"),
            Prop("month1_employment", "int"),
            Prop("month2_employment", "int"),
            Prop("month3_employment", "int"),
            Prop("employment", "float", description="mean of the three months (empty when not disclosed)"),
            Prop("total_wages", "float", description="total wages of the quarter, dollars"),
            Prop("avg_weekly_wage", "float"),
        ),
        indexed=("naics_code", "year"),
    ),
    NodeLabel(
        "ExposureScore",
        rf"^score:{SLUG}$",
        "A derived AI-exposure score (graph/exposure, docs/method.md) of a craft, occupation, department or "
        "workforce aggregate, for one year and scenario. Derived, not curated: carries method_version and build_id.",
        (
            Prop("entity_id", required=True, description="the scored Craft, Occupation, Department or workforce:* id"),
            Prop("entity_label", required=True, choices=("Craft", "Occupation", "Department", "Workforce")),
            Prop("year", "int", True),
            Prop("scenario", required=True, description="slow, expected or fast"),
            Prop("median", "float", description="median exposure over the Monte Carlo draws", range=UNIT),
            Prop("low", "float", description="10th percentile (80% band)", range=UNIT),
            Prop("high", "float", description="90th percentile (80% band)", range=UNIT),
            Prop("mean", "float", description="mean exposure (= automation + augmentation)", range=UNIT),
            Prop("automation", "float", description="mean exposure through automate links", range=UNIT),
            Prop("augmentation", "float", description="mean exposure through augment links", range=UNIT),
            Prop("potential", "float", description="exposure at full maturity, no limitations", range=UNIT),
            Prop(
                "technical_median",
                "float",
                description="technical reach: median exposure without legal and contractual terms (what AI can do); "
                "`median` is the permitted reach, with them",
                range=UNIT,
            ),
            Prop("technical_low", "float", description="technical reach, 10th percentile", range=UNIT),
            Prop("technical_high", "float", description="technical reach, 90th percentile", range=UNIT),
            Prop("basis", description="what the score rests on: tasks, occupations, crafts, ..."),
            Prop(
                "coverage",
                "float",
                description="share of the entity's task weight that some capability in the catalog reaches",
                range=UNIT,
            ),
            Prop(
                "coverage_status",
                required=True,
                choices=("assessed", "partly assessed", "not assessed"),
                description="not assessed: nothing reaches the entity; its score fields are empty, never 0",
            ),
            Prop("coverage_reason", description="why the entity is not (fully) assessed; empty when it is"),
            Prop("method_version", required=True),
            Prop("build_id", required=True),
        ),
        indexed=("entity_id", "year"),
    ),
)

RELS: tuple[RelType, ...] = (
    RelType("MADE_BY", (("Tool", "Vendor"),), "The tool is made by the vendor."),
    RelType("IS_A", (("Tool", "AIType"),), "The tool is of this AI type.", claim=True),
    RelType("SUBTYPE_OF", (("AIType", "AIType"),), "Narrower AI type within a broader one."),
    RelType(
        "PROVIDES",
        (("Tool", "Capability"),),
        "The tool provides the capability, at a level, since a date.",
        (
            Prop("level", description="what the tool achieves (clip length, resolution, languages...)"),
            Prop("since", "date", description="when the tool first offered it"),
        ),
        claim=True,
    ),
    RelType(
        "HAS_LIMITATION",
        (("Tool", "Limitation"),),
        "The limitation applies to the tool.",
        (Prop("severity", "float", range=UNIT), Prop("justification"), SEVERITY_BASIS),
        claim=True,
    ),
    RelType(
        "CONSTRAINED_BY",
        (("Capability", "Limitation"),),
        "The limitation holds the capability back.",
        (
            Prop("severity", "float", description="overrides the limitation's severity", range=UNIT),
            Prop("justification"),
            SEVERITY_BASIS,
        ),
        claim=True,
    ),
    RelType("MARKS", (("Milestone", "Capability"),), "The milestone is a step of this capability."),
    RelType("ACHIEVED_WITH", (("Milestone", "Tool"),), "The milestone was reached with this tool."),
    RelType(
        "PERFORMS",
        (("Capability", "Task"), ("Capability", "WorkActivity")),
        "The capability can do (part of) the task or activity.",
        (
            Prop("weight", "float", True, "share of the task the capability can do at full maturity", range=UNIT),
            Prop("mode", required=True, choices=LINK_MODES),
            Prop("rationale", required=True),
            Prop(
                "weight_basis",
                choices=BASES,
                description="sourced or judgement (an empty or absent column: judgement, argued in rationale)",
            ),
        ),
        claim=True,
    ),
    RelType(
        "INVOLVES",
        (("Task", "WorkActivity"),),
        "The task involves the work activity (O*NET Tasks to DWAs, or a curated match).",
    ),
    RelType("PART_OF", (("WorkActivity", "WorkActivity"),), "DWA within IWA, IWA within GWA."),
    RelType(
        "SAME_AS",
        (("Task", "Task"),),
        "A curated craft task says the same thing as an O*NET task.",
        claim=True,
    ),
    RelType(
        "HAS_TASK",
        (("Occupation", "Task"), ("Craft", "Task")),
        "The occupation or craft does this task.",
        (
            Prop("importance", "float", True, "importance in [0,1]", range=UNIT),
            Prop("importance_basis", description="task_ratings, core_supplemental or curated"),
        ),
    ),
    RelType(
        "CLASSIFIED_AS",
        (("Craft", "Occupation"),),
        "The craft falls under the occupation, for this share of its workers.",
        (Prop("share", "float", True, range=UNIT), Prop("note")),
        claim=True,
    ),
    RelType("IN_DEPARTMENT", (("Craft", "Department"),), "The craft belongs to the department."),
    RelType("REPRESENTED_BY", (("Craft", "UnionLocal"),), "A local that represents the craft.", claim=True),
    RelType(
        "RATES",
        (("Study", "Occupation"), ("Study", "Task")),
        "A study's exposure score for an occupation or task, in its own units.",
        (Prop("score", "float", True), Prop("measure", required=True)),
        key=("measure",),
    ),
    RelType("GROWS_FROM", (("JobRole", "Craft"),), "The new role grows out of this craft.", claim=True),
    RelType("WORKS_WITH", (("JobRole", "Tool"),), "The new role works with this tool.", claim=True),
    RelType(
        "REPRESENTABLE_BY",
        (("JobRole", "UnionLocal"),),
        "A union local that represents the role or whose jurisdiction could take it in (see the role's union_status).",
        claim=True,
    ),
    RelType("IN_INSTRUMENT", (("Clause", "Instrument"),), "The clause is part of the instrument."),
    RelType(
        "SUPERSEDES", (("Instrument", "Instrument"),), "The instrument replaces an earlier one (a successor agreement)."
    ),
    RelType(
        "COVERS",
        (("Clause", "Craft"), ("Clause", "Task"), ("Clause", "Capability"), ("Clause", "AIType")),
        "The clause governs this craft's work, task, capability or AI type.",
        claim=True,
    ),
    RelType(
        "GROUNDS",
        (("Clause", "Limitation"), ("Instrument", "Limitation")),
        "The legal or contractual limitation rests on the clause or instrument (and is dated by it).",
        claim=True,
    ),
    RelType(
        "DEFINES",
        (("Clause", "AIType"),),
        "The clause defines a term that corresponds to the AI type, more or less closely.",
        (
            Prop("term", required=True, description="the instrument's term, as it spells it"),
            Prop(
                "match",
                required=True,
                choices=("equivalent", "narrower", "broader", "overlapping"),
                description="the term's scope compared with the AI type's definition",
            ),
            Prop(
                "difference", required=True, description="what the term includes or leaves out that the type does not"
            ),
        ),
        claim=True,
    ),
    RelType(
        "DEMONSTRATES",
        (("AIModel", "Capability"),),
        "A notable model shows the capability (curated mapping).",
        (Prop("rationale"),),
        claim=True,
    ),
    RelType(
        "ILLUSTRATES",
        (("Incident", "Limitation"),),
        "An incident illustrates the limitation (curated mapping).",
        (Prop("rationale"),),
        claim=True,
    ),
    RelType(
        "NOT_VIA_ACTIVITY",
        (("Capability", "Task"),),
        "A curated exclusion: the capability does not reach this task through a work activity or an equivalent "
        "task, although the activity links would say so (the inherited path was reviewed and blocked).",
        (Prop("rationale", required=True, description="why the inherited path is wrong for this task"),),
        claim=True,
    ),
    RelType(
        "REACHES",
        (("Capability", "Task"),),
        "Derived by the exposure engine: the capability reaches the task (its effective path), with the share of "
        "the task it could do at full maturity. Not curated: carries method_version and build_id.",
        (
            Prop("weight", "float", True, "share of the task the capability could do at full maturity", range=UNIT),
            Prop("mode", required=True, choices=("automate", "augment")),
            Prop(
                "path",
                required=True,
                choices=("direct", "activity", "equivalent_task"),
                description="direct link, through an O*NET work activity the task involves, or through a SAME_AS task",
            ),
            Prop("via", description="the work activities or the equivalent task the path goes through"),
            Prop("method_version", required=True),
            Prop("build_id", required=True),
        ),
        key=("mode",),
    ),
    RelType(
        "HAS_SCORE",
        (("Craft", "ExposureScore"), ("Occupation", "ExposureScore"), ("Department", "ExposureScore")),
        "The entity's derived exposure score for a year and scenario.",
    ),
    RelType(
        "WITHIN",
        (("Industry", "Industry"), ("Area", "Area")),
        "The industry sits within a broader industry; the county within its state.",
    ),
    RelType(
        "WORKS_IN",
        (("Craft", "Industry"),),
        "Curated: the craft's workers are employed in this industry (role main, also or possible); the headcount "
        "estimate reads the craft's occupations in these industries (docs/jobs.md).",
        (
            Prop(
                "role",
                required=True,
                choices=("main", "also", "possible"),
                description="main: in every reading; also: in the point and high readings; possible: high only",
            ),
            Prop("note", description="why, in the curator's words"),
        ),
        claim=True,
    ),
    RelType(
        "COVERS_AREA",
        (("UnionLocal", "Area"),),
        "Curated from the local's jurisdiction: the local represents workers in this area.",
        (
            Prop(
                "fit",
                required=True,
                choices=("same", "inside", "larger"),
                description="same: the jurisdiction is about this area; inside: it lies inside the area; larger: the "
                "area is only part of it (the local's base)",
            ),
            Prop("note", description="the jurisdiction in the curator's words"),
        ),
        claim=True,
    ),
    RelType(
        "FOR_INDUSTRY", (("JobsEstimate", "Industry"), ("QcewRecord", "Industry")), "The figures are for this industry."
    ),
    RelType("FOR_AREA", (("JobsEstimate", "Area"), ("QcewRecord", "Area")), "The figures are for this area."),
    RelType(
        "ESTIMATE_OF",
        (("JobsEstimate", "Occupation"),),
        "The OEWS estimate is for the SOC code of this O*NET-SOC occupation (several may share one estimate).",
    ),
    RelType(
        "CITES",
        tuple((n.name, "Source") for n in NODES if n.name != "Source"),
        "The node's facts rest on the source (from its `source_ids`).",
    ),
)

NODE_BY_NAME: dict[str, NodeLabel] = {n.name: n for n in NODES}
# An exposure score's shares (0-1): the figures a page shows as percentages and the snapshot rounds.
SCORE_SHARE_COLUMNS = tuple(
    p.name for p in NODE_BY_NAME["ExposureScore"].props if p.type == "float" and p.range == UNIT
)
REL_BY_NAME: dict[str, RelType] = {r.name: r for r in RELS}
_ID_RES = {n.name: re.compile(n.id_pattern) for n in NODES}

EDGE_END_COLUMNS = ("src", "dst", "src_label", "dst_label")


def label_of_id(node_id: str) -> str | None:
    """The label an id belongs to by its prefix, or None."""
    for name, rx in _ID_RES.items():
        if rx.match(node_id):
            return name
    return None


def id_matches(label: str, node_id: str) -> bool:
    return bool(_ID_RES[label].match(node_id))


def is_web_url(value: object) -> bool:
    """True for an absolute http:// or https:// URL with a host: what any `url` property may hold (a
    `javascript:` or `file:` link in the catalog would become a live link in briefs and pages)."""
    from urllib.parse import urlsplit

    if not isinstance(value, str) or not value or any(c.isspace() for c in value):
        return False
    try:
        parts = urlsplit(value)
        return parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        return False


def check_value(prop: Prop, value: object) -> str | None:
    """Why `value` is not a valid value of `prop`, or None when it is. None/'' count as missing."""
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return "required value is missing" if prop.required else None
    t = prop.type
    if t == "str" and not isinstance(value, str):
        return f"expected text, got {value!r}"
    if t == "date" and not (isinstance(value, str) and DATE_RE.match(value)):
        return f"expected an ISO date (YYYY, YYYY-MM or YYYY-MM-DD), got {value!r}"
    if t == "bool" and not isinstance(value, bool):
        return f"expected true or false, got {value!r}"
    if t == "int" and (isinstance(value, bool) or not isinstance(value, int)):
        return f"expected a whole number, got {value!r}"
    if t == "float" and (isinstance(value, bool) or not isinstance(value, (int, float))):
        return f"expected a number, got {value!r}"
    if t == "list":
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            return f"expected a list of text, got {value!r}"
        if prop.required and not value:
            return "needs at least one value"
        bad = [v for v in value if prop.choices and v not in prop.choices]
        return f"{bad[0]!r} is not one of {', '.join(prop.choices or ())}" if bad else None
    if prop.choices and value not in prop.choices:
        return f"{value!r} is not one of {', '.join(prop.choices)}"
    if prop.name == "url" and not is_web_url(value):
        return f"expected an http:// or https:// URL, got {str(value)[:80]!r}"
    if prop.max_length and isinstance(value, str) and len(value) > prop.max_length:
        return f"{len(value)} characters, more than the {prop.max_length} allowed"
    if prop.range and isinstance(value, (int, float)):
        lo, hi = prop.range
        if not lo <= value <= hi:
            return f"{value} is outside [{lo:g}, {hi:g}]"
    return None


def neo4j_schema_statements() -> list[str]:
    """Constraint and index statements for Neo4j 5, idempotent (IF NOT EXISTS)."""
    stmts = []
    for n in NODES:
        stmts.append(f"CREATE CONSTRAINT {n.name.lower()}_id IF NOT EXISTS FOR (n:{n.name}) REQUIRE n.id IS UNIQUE")
        for p in n.indexed:
            stmts.append(f"CREATE INDEX {n.name.lower()}_{p} IF NOT EXISTS FOR (n:{n.name}) ON (n.{p})")
    return stmts


def data_dictionary() -> str:
    """docs/schema.md, generated from this module."""
    out = [
        "# CraftGraph data dictionary",
        "",
        f"Generated from `graph/schema.py` (schema version {SCHEMA_VERSION}) by "
        "`craftgraph schema --write`; do not edit by hand.",
        "",
        "Every node has an `id` (unique per label), `origin` and optional `source_ids`. "
        "Claims (relationships marked *claim*) carry `source_ids` (required) and `confidence`.",
        "Dates are ISO: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.",
        "",
        "## Node labels",
        "",
    ]
    for n in NODES:
        out += [f"### {n.name}", "", n.description, "", f"id pattern: `{n.id_pattern}`", ""]
        out += ["| property | type | required | allowed | description |", "|---|---|---|---|---|"]
        out += [_prop_row(p) for p in n.all_props]
        out.append("")
    out += ["## Clause requirement kinds", "", "The values a Clause's `requires` list may hold.", ""]
    out += ["| kind | meaning |", "|---|---|"]
    out += [f"| {k} | {v} |" for k, v in REQUIREMENT_KINDS.items()]
    out += ["", "## Relationship types", ""]
    for r in RELS:
        pairs = ", ".join(f"({a})→({b})" for a, b in r.pairs)
        out += [f"### {r.name}{' (claim)' if r.claim else ''}", "", r.description, "", f"joins: {pairs}", ""]
        if r.key:
            out += [f"one relationship per ends and {', '.join(r.key)}", ""]
        if r.all_props:
            out += ["| property | type | required | allowed | description |", "|---|---|---|---|---|"]
            out += [_prop_row(p) for p in r.all_props]
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def _prop_row(p: Prop) -> str:
    allowed = ", ".join(p.choices) if p.choices else (f"[{p.range[0]:g}, {p.range[1]:g}]" if p.range else "")
    if p.max_length:
        allowed = f"at most {p.max_length} characters"
    return f"| {p.name} | {p.type} | {'yes' if p.required else ''} | {allowed} | {p.description} |"


@dataclass
class SchemaIssue:
    where: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.field}: {self.message}"


@dataclass
class IssueList:
    issues: list[SchemaIssue] = field(default_factory=list)

    def add(self, where: str, fld: str, message: str) -> None:
        self.issues.append(SchemaIssue(where, fld, message))

    def __bool__(self) -> bool:
        return bool(self.issues)
