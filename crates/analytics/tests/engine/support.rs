//! A small city to count by hand, persons and facts built in a line each, and
//! helpers to read one result.
//!
//! The city 3202: district 320205 (towns 320205001 with villages …001001 and
//! …001002, and 320205002 with village …002001), district 320206 (town 320206001,
//! village …001001), the historical district 320202 (to 2015-10-28, merged into
//! 320213) and 320213 (from 2015-10-29; town 320213001, village …001001).

use std::sync::Arc;

use analytics::{Engine, IndicatorResult, PersonState};
use domain::division::{DivisionCode, Hierarchy, Unit};
use domain::policy::Policy;
use domain::registry::{Fact, FactKind, Housing, Person, Record, RecordDetail};
use domain::resident_id::{ResidentId, Sex};
use jiff::civil::{Date, date};

pub fn code(text: &str) -> DivisionCode {
    text.parse().unwrap()
}

pub const CITY: &str = "3202";
pub const DISTRICT_A: &str = "320205";
pub const TOWN_A1: &str = "320205001";
pub const TOWN_A2: &str = "320205002";
pub const V1: &str = "320205001001";
pub const V2: &str = "320205001002";
pub const V3: &str = "320205002001";
pub const DISTRICT_B: &str = "320206";
pub const TOWN_B1: &str = "320206001";
pub const V4: &str = "320206001001";
pub const OLD_DISTRICT: &str = "320202";
pub const NEW_DISTRICT: &str = "320213";
pub const TOWN_N1: &str = "320213001";
pub const V5: &str = "320213001001";

/// The day before the merger, and the day of it.
pub const LAST_OLD_DAY: Date = date(2015, 10, 28);
pub const MERGER_DAY: Date = date(2015, 10, 29);

fn unit(code_text: &str, parent: Option<&str>) -> Unit {
    Unit {
        code: code(code_text),
        name: format!("单位{code_text}"),
        parent: parent.map(code),
        valid_from: None,
        valid_to: None,
        successor: None,
    }
}

/// The small city.
pub fn small_city() -> Hierarchy {
    let mut units = vec![
        unit(CITY, None),
        unit(DISTRICT_A, Some(CITY)),
        unit(TOWN_A1, Some(DISTRICT_A)),
        unit(V1, Some(TOWN_A1)),
        unit(V2, Some(TOWN_A1)),
        unit(TOWN_A2, Some(DISTRICT_A)),
        unit(V3, Some(TOWN_A2)),
        unit(DISTRICT_B, Some(CITY)),
        unit(TOWN_B1, Some(DISTRICT_B)),
        unit(V4, Some(TOWN_B1)),
        Unit {
            valid_to: Some(LAST_OLD_DAY),
            successor: Some(code(NEW_DISTRICT)),
            ..unit(OLD_DISTRICT, Some(CITY))
        },
        Unit {
            valid_from: Some(MERGER_DAY),
            ..unit(NEW_DISTRICT, Some(CITY))
        },
        unit(TOWN_N1, Some(NEW_DISTRICT)),
        unit(V5, Some(TOWN_N1)),
    ];
    units.reverse();
    Hierarchy::from_units(units).unwrap()
}

/// A person and their facts, built fact by fact.
#[derive(Debug, Clone)]
pub struct P {
    pub person: Person,
    pub facts: Vec<Fact>,
}

impl P {
    /// A person born on `birth`, with no facts yet.
    pub fn new(id: i64, birth: Date, sex: Sex) -> P {
        P {
            person: Person {
                id,
                resident_id: ResidentId::synthesize(110_101, birth, (id % 999) as u16, sex),
                name: format!("人{id}"),
                sex,
                birth_date: birth,
                hukou: code("110101"),
                registered_on: date(2000, 1, 1),
                left_on: None,
                unit: code(V1),
            },
            facts: Vec::new(),
        }
    }

    /// A man born on 1990-06-15.
    pub fn man(id: i64) -> P {
        P::new(id, date(1990, 6, 15), Sex::Male)
    }

    /// A woman born on 1990-06-15.
    pub fn woman(id: i64) -> P {
        P::new(id, date(1990, 6, 15), Sex::Female)
    }

    /// Adds a fact from `from` through `to` (`None`: still holds).
    pub fn with(mut self, kind: FactKind, from: Date, to: Option<Date>) -> P {
        let id = self.person.id * 100 + self.facts.len() as i64;
        self.facts.push(Fact {
            id,
            person: self.person.id,
            kind,
            from,
            to,
        });
        self
    }

    /// Lives in `village` (rented house) from `from` through `to`.
    pub fn lives(self, village: &str, from: Date, to: Option<Date>) -> P {
        self.lives_as(village, Housing::RentedHouse, from, to)
    }

    /// Lives in `village`, housed as `housing`.
    pub fn lives_as(self, village: &str, housing: Housing, from: Date, to: Option<Date>) -> P {
        self.with(
            FactKind::Residence {
                housing,
                unit: code(village),
                place: None,
            },
            from,
            to,
        )
    }

    /// Left on `day` (absent from that day on).
    pub fn left(mut self, day: Date) -> P {
        self.person.left_on = Some(day);
        self
    }

    pub fn state(&self) -> PersonState<'_> {
        PersonState::of(&self.person, &self.facts)
    }
}

/// A record of `detail` in `unit` from `from` through `to`.
pub fn record(id: i64, unit: &str, from: Date, to: Option<Date>, detail: RecordDetail) -> Record {
    Record {
        id,
        name: format!("对象{id}"),
        unit: code(unit),
        from,
        to,
        detail,
    }
}

/// An engine for `policy` over the small city with `records` and then `persons`.
pub fn engine_with(policy: &Policy, records: &[Record], persons: &[P]) -> Engine {
    let mut engine = Engine::new(Arc::new(policy.clone()), small_city());
    for record in records {
        engine.put_record(record, &[]).unwrap();
    }
    let states: Vec<PersonState<'_>> = persons.iter().map(P::state).collect();
    engine.loader().add(&states);
    engine
}

/// The seed policy's engine over the small city.
pub fn seed_engine(records: &[Record], persons: &[P]) -> Engine {
    engine_with(&super::seed::policy(), records, persons)
}

/// The result of `indicator` for `unit` as of `as_of`.
pub fn result(engine: &Engine, unit: &str, indicator: &str, as_of: Date) -> IndicatorResult {
    engine
        .evaluate(code(unit), as_of)
        .unwrap()
        .into_iter()
        .find(|r| r.indicator == indicator && r.unit == code(unit))
        .unwrap_or_else(|| panic!("no {indicator} for {unit}"))
}

/// `(numerator, denominator)` of `indicator` for `unit` as of `as_of`, as text.
pub fn nd(engine: &Engine, unit: &str, indicator: &str, as_of: Date) -> (String, String) {
    let r = result(engine, unit, indicator, as_of);
    let show = |x: Option<analytics::Exact>| x.map_or("-".to_string(), |x| x.to_string());
    (show(r.numerator), show(r.denominator))
}

/// `(numerator, denominator)` at each of `units`, e.g. `[V1, TOWN_A1, DISTRICT_A, CITY]`.
pub fn nd_at(
    engine: &Engine,
    units: &[&str],
    indicator: &str,
    as_of: Date,
) -> Vec<(String, String)> {
    units
        .iter()
        .map(|u| nd(engine, u, indicator, as_of))
        .collect()
}

/// Shorthand for expected `(numerator, denominator)` pairs.
pub fn pairs(list: &[(i64, i64)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(n, d)| (n.to_string(), d.to_string()))
        .collect()
}

/// The four levels above and at village V1.
pub const LEVELS_V1: [&str; 4] = [V1, TOWN_A1, DISTRICT_A, CITY];
