//! 政策语言的语法树 — what a parsed policy file is: indicators whose numerators and
//! denominators are sums of scaled terms over persons, records, towns and reported
//! aggregate values, with predicates evaluated as of a date.
//!
//! These types are the contract between the parser (`policy::parse`) and every
//! evaluator (the in-memory engine, the SQL oracle). They carry no evaluation logic.

use jiff::civil::Date;
use serde::Serialize;

use crate::division::DivisionCode;
use crate::registry::{Housing, InsuranceScheme, SchoolKind, StaffRole};
use crate::resident_id::Sex;

/// A whole policy file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Policy {
    pub zh: String,
    pub en: String,
    pub city: DivisionCode,
    /// The plan years Y1, Y2, Y3, … in order.
    pub plan_years: Vec<i16>,
    /// §1: whether a hukou in another county of the city makes a migrant.
    pub intra_city_moves_count: bool,
    pub bands: Bands,
    pub indicators: Vec<Indicator>,
    /// 居住证 — the residence permit's rollout and the new-citizen criteria.
    pub permit: Option<Permit>,
    /// 发布 — how tables meant for publication protect small groups.
    pub publication: Publication,
}

/// 发布 — rules for figures that leave the programme in published tables.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Publication {
    /// 小数抑制 — a count from 1 up to below this is not shown in a table meant for
    /// publication (it could point at a few people); 0 suppresses nothing.
    pub min_count: u64,
}

impl Policy {
    /// The first day of the plan (1 January of Y1).
    pub fn plan_start(&self) -> Date {
        Date::new(self.plan_years[0], 1, 1).expect("plan years are checked when parsed")
    }

    /// The plan year index (0 for Y1) of `date`, if it falls in the plan.
    pub fn plan_year_of(&self, date: Date) -> Option<usize> {
        self.plan_years.iter().position(|year| *year == date.year())
    }
}

/// 颜色分档 — how far from its target an indicator may be and still be "yellow".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bands {
    /// In points of the indicator's unit (percentage points for a percent).
    pub yellow_within: Rational,
}

/// An exact number: `numer / denom`, `denom > 0`. Targets, scales and thresholds are
/// rationals so that "met or missed" is decided exactly, never on a rounded float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rational {
    pub numer: i64,
    pub denom: i64,
}

impl Rational {
    pub const ONE: Rational = Rational { numer: 1, denom: 1 };

    /// A whole number.
    pub const fn whole(n: i64) -> Rational {
        Rational { numer: n, denom: 1 }
    }
}

/// 指标单位 — how a value is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueUnit {
    /// % — numerator / denominator × 100
    Percent,
    /// ‰ — numerator / denominator × 1000
    Permille,
    /// m² — the numerator itself
    SquareMetres,
    /// a count — the numerator itself
    Count,
}

/// Which side of the target is good.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// 以上 — the value must reach the target.
    AtLeast,
    /// 以下 — the value must not exceed the target.
    AtMost,
    /// tracked without a target.
    Tracked,
}

/// 指标 — one indicator of the policy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Indicator {
    /// e.g. `E1`.
    pub id: String,
    pub zh: String,
    pub en: String,
    /// Where in the policy text it comes from, e.g. `§4(二)2`.
    pub clause: String,
    pub unit: ValueUnit,
    pub direction: Direction,
    /// One per plan year; `None` where the policy sets none.
    pub targets: Vec<Option<Rational>>,
    /// A stretch goal beyond the target (力争), if any.
    pub stretch: Option<Rational>,
    pub numerator: Expr,
    /// Absent for plain amounts (m², counts).
    pub denominator: Option<Expr>,
}

/// A numerator or denominator: a sum of terms, each scaled by a constant. Because a
/// term can only be scaled by constants, values add up the tree exactly.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Expr {
    pub terms: Vec<ScaledTerm>,
}

/// `scale × term`; a subtraction has a negative scale.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScaledTerm {
    pub scale: Rational,
    pub term: Term,
}

/// What is counted or summed per village or community, as of a date.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "term", rename_all = "snake_case")]
pub enum Term {
    /// `count(persons: P)` — migrants present on the date (a residence holds) for
    /// whom P holds; `None` counts them all.
    CountPersons { filter: Option<PersonPredicate> },
    /// `count(KIND: P)` — records of a kind that exist on the date.
    CountRecords {
        kind: RecordKind,
        filter: Option<RecordPredicate>,
    },
    /// `sum(KIND.FIELD: P)` — a numeric field summed over such records.
    SumRecords {
        kind: RecordKind,
        field: RecordField,
        filter: Option<RecordPredicate>,
    },
    /// `count(towns: has KIND)` — towns and streets valid on the date, with at least
    /// one record of the kind existing in them when `has` is given.
    CountTowns { has: Option<RecordKind> },
    /// `value(NAME)` — the aggregate value reported for the unit and the period
    /// containing the date.
    Value { name: String },
}

/// The record kinds the language can count, named in the plural as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Employers,
    Landlords,
    RentalHouses,
    Hotels,
    Agencies,
    ConcentratedZones,
    Settlements,
    MigrantChildrenSchools,
    NewCitizenOrganisations,
    Staff,
}

impl RecordKind {
    /// The matching `RecordDetail::kind()` name, e.g. `rental_house`.
    pub fn detail_kind(self) -> &'static str {
        match self {
            RecordKind::Employers => "employer",
            RecordKind::Landlords => "landlord",
            RecordKind::RentalHouses => "rental_house",
            RecordKind::Hotels => "hotel",
            RecordKind::Agencies => "agency",
            RecordKind::ConcentratedZones => "concentrated_zone",
            RecordKind::Settlements => "settlement",
            RecordKind::MigrantChildrenSchools => "migrant_children_school",
            RecordKind::NewCitizenOrganisations => "new_citizen_organisation",
            RecordKind::Staff => "staff",
        }
    }
}

/// A predicate over one person as of a date.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum PersonPredicate {
    And {
        all: Vec<PersonPredicate>,
    },
    Or {
        any: Vec<PersonPredicate>,
    },
    Not {
        inner: Box<PersonPredicate>,
    },
    /// A fact of `kind` (a `FactKind::name()`, e.g. `labour_contract`) matching
    /// every filter, within the window.
    Fact {
        kind: String,
        filters: Vec<FactFilter>,
        window: Window,
    },
    /// Completed years (周岁) on the date, both bounds inclusive.
    Age {
        min: Option<u16>,
        max: Option<u16>,
    },
    Sex {
        sex: Sex,
    },
    /// `new_citizen` — every criterion of the policy's `[permit]` passes (never, in
    /// a policy without one). Not allowed inside a criterion.
    NewCitizen,
    /// `rollout_reached` — the person's residence on the date lies in a district
    /// where the permit's rollout accepts applications that year
    /// ([`Policy::rollout_reaches`]).
    RolloutReached,
}

/// A condition on the fact itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "filter", rename_all = "snake_case")]
pub enum FactFilter {
    /// `residence(housing = …)`
    Housing { housing: Housing },
    /// `insurance(scheme = …)`
    Scheme { scheme: InsuranceScheme },
    /// `schooling(school = …)`
    School { school: SchoolKind },
    /// `employment(employer_has_union)` — the employer's union exists on the date.
    EmployerHasUnion,
    /// `employment(wage >= PARAM)` — the monthly wage in fen is at least the
    /// parameter's value for the date's year (resolved per year when parsed).
    WageAtLeast { by_year: Vec<(i16, i64)> },
}

/// When a fact must hold, relative to the as-of date D.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "window", rename_all = "snake_case")]
pub enum Window {
    /// It holds on D.
    On,
    /// `in PERIOD` — it held on some day from the start of D's period through D.
    In { period: Period },
    /// `began in PERIOD` — its first day lies from the start of D's period through D.
    BeganIn { period: Period },
    /// `for N years|months|days` — facts of this kind, joined where one ends the day
    /// before the next begins, cover every day of the span ending on D.
    ContinuousFor { span: Span },
}

/// A calendar period containing the as-of date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Month,
    Quarter,
    Year,
    /// From 1 January of Y1.
    Plan,
}

/// A length of time in calendar units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Span {
    pub years: i16,
    pub months: i16,
    pub days: i32,
}

/// A numeric field of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordField {
    AreaM2,
    Capacity,
    Migrants,
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Comparison {
    #[serde(rename = "=")]
    Eq,
    #[serde(rename = "!=")]
    Ne,
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
}

/// A predicate over one record as of a date.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum RecordPredicate {
    And {
        all: Vec<RecordPredicate>,
    },
    Or {
        any: Vec<RecordPredicate>,
    },
    Not {
        inner: Box<RecordPredicate>,
    },
    /// A date attribute set on or before the date: `registered`, `letter_signed`,
    /// `has_union`, `has_mediation`; `entrusted` holds within the entrustment.
    Attribute {
        attribute: RecordAttribute,
    },
    /// `trained in PERIOD` (staff).
    TrainedIn {
        period: Period,
    },
    /// `opened in PERIOD` — the record's first day lies in D's period through D.
    OpenedIn {
        period: Period,
    },
    /// `FIELD OP NUMBER`, e.g. `migrants >= 200`.
    Compare {
        field: RecordField,
        comparison: Comparison,
        value: i64,
    },
    /// `role = …` (staff).
    Role {
        role: StaffRole,
    },
    /// `is_migrant` (staff).
    IsMigrant,
}

/// Date attributes of records, read as "set on or before the date".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordAttribute {
    Registered,
    LetterSigned,
    Entrusted,
    HasUnion,
    HasMediation,
}

/// 居住证 — the permit's rollout by district and plan year, and who may hold one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Permit {
    /// 有效期 — how long a permit is valid from the day it is issued or renewed.
    pub validity: Span,
    /// One stage per plan year (or fewer), in order.
    pub rollout: Vec<RolloutStage>,
    /// 新市民条件 — every criterion must pass.
    pub criteria: Vec<Criterion>,
    /// 市民待遇 — what the permit opens to its holder.
    pub entitlements: Vec<Entitlement>,
}

/// Where the permit stands in one plan year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RolloutStage {
    /// Index into the plan years (0 for Y1).
    pub plan_year: usize,
    /// `preparation`, `pilot` or `citywide`.
    pub stage: String,
    /// Districts where applications are accepted this year; empty with `all`.
    pub districts: Vec<DivisionCode>,
    /// Applications accepted anywhere in the city.
    pub all: bool,
    /// Whether applications are accepted at all (not during preparation).
    pub accepts_applications: bool,
}

/// One new-citizen criterion, with where the policy says it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Criterion {
    /// e.g. `a`.
    pub id: String,
    pub zh: String,
    pub en: String,
    pub clause: String,
    pub test: PersonPredicate,
}

/// One entitlement the permit opens (schooling, health, social insurance, licences,
/// …), with where the policy says it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entitlement {
    /// e.g. `schooling`.
    pub id: String,
    pub zh: String,
    pub en: String,
    pub clause: String,
    /// Who among holders has it; every holder when absent.
    pub test: Option<PersonPredicate>,
}
