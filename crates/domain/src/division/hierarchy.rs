//! 四级网络 — the dated four-level hierarchy of one city: city → district or
//! county-level city → town or street → village or community.
//!
//! Units are merged and split over time (Wuxi merged 崇安区, 南长区 and 北塘区 into
//! 梁溪区 in 2015), so each unit has the days it is valid and a successor. A unit is
//! valid on a date when it and all its ancestors are: counts of a date use the
//! hierarchy of that date, and [`Hierarchy::current_successor`] re-maps an old unit
//! to the one that took it over. Loading from CSV lives in `load`; nothing here does
//! I/O.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::DivisionCode;
use crate::message::{FieldError, Message};

mod load;
#[cfg(test)]
mod tests;

pub use load::{CsvError, DivisionFiles};

/// A unit of the hierarchy: the city, a district, a town or street, or a village or
/// community, with the days it is valid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Unit {
    /// 区划代码 — its statistical division code.
    pub code: DivisionCode,
    /// 名称 — its name, e.g. `梁溪区`.
    pub name: String,
    /// The enclosing unit; `None` only for the city.
    pub parent: Option<DivisionCode>,
    /// 设立日期 — the first day it is valid; `None`: since before any record.
    pub valid_from: Option<Date>,
    /// 撤销日期前一日 — the last day it is valid, inclusive; `None`: still valid.
    pub valid_to: Option<Date>,
    /// The unit that took it over when it ended (e.g. 320202 → 320213).
    pub successor: Option<DivisionCode>,
}

impl Unit {
    /// Whether `date` lies within the unit's own days (its ancestors not considered;
    /// see [`Hierarchy::valid_on`]).
    pub fn valid_on(&self, date: Date) -> bool {
        self.valid_from.is_none_or(|from| from <= date) && self.valid_to.is_none_or(|to| date <= to)
    }
}

/// The dated hierarchy of one city: the city itself (the root) and every unit below
/// it, historical ones included, indexed by code.
#[derive(Debug, Clone)]
pub struct Hierarchy {
    /// All units, sorted by code; the city, whose code is the smallest, first.
    units: Vec<Unit>,
    /// For each unit (same index), the indices of its children, by code.
    children: Vec<Vec<u32>>,
    /// For each unit (same index), the index of its parent: a unit's validity
    /// is asked of every unit above it, on every change a station submits and
    /// every row of an import, without a search per level.
    parents: Vec<Option<u32>>,
}

impl Hierarchy {
    /// A hierarchy of `units`, which must be sorted by code, start with the city and
    /// have every other unit's parent among them (the loader checks this).
    fn from_sorted(units: Vec<Unit>) -> Hierarchy {
        let mut hierarchy = Hierarchy {
            units,
            children: Vec::new(),
            parents: Vec::new(),
        };
        hierarchy.index_links();
        hierarchy
    }

    /// A hierarchy rebuilt from its units in any order (as a store keeps them): one
    /// city without a parent, every other unit strictly inside its parent, and
    /// every parent and successor among the units.
    pub fn from_units(mut units: Vec<Unit>) -> Result<Hierarchy, FieldError> {
        units.sort_by_key(|unit| unit.code);
        if let Some(pair) = units.windows(2).find(|pair| pair[0].code == pair[1].code) {
            let code = pair[0].code;
            return Err(FieldError::new(
                "code",
                format!("区划代码 {code} 重复"),
                format!("expected each code once, but found {code} twice"),
            ));
        }
        match units.first() {
            Some(city) if city.parent.is_none() && city.code.level() == super::CodeLevel::City => {}
            _ => {
                return Err(FieldError::new(
                    "parent",
                    "区划应以一个没有上级的市开始",
                    "expected the units to start with a city that has no parent",
                ));
            }
        }
        let known =
            |code: DivisionCode| units.binary_search_by_key(&code, |unit| unit.code).is_ok();
        for unit in &units[1..] {
            let Some(parent) = unit.parent.filter(|parent| known(*parent)) else {
                return Err(FieldError::new(
                    "parent",
                    format!("区划 {} 的上级不在本市区划中", unit.code),
                    format!(
                        "expected the parent of {} among the units, but it is not",
                        unit.code
                    ),
                ));
            };
            check_inside(parent, unit.code)?;
            if let Some(successor) = unit.successor.filter(|successor| !known(*successor)) {
                return Err(FieldError::new(
                    "successor",
                    format!("区划 {} 的承继区划 {successor} 不在本市区划中", unit.code),
                    format!(
                        "expected the successor {successor} of {} among the units, but it is not",
                        unit.code
                    ),
                ));
            }
        }
        Ok(Hierarchy::from_sorted(units))
    }

    /// Indexes every unit's children and parent.
    fn index_links(&mut self) {
        let mut children = vec![Vec::new(); self.units.len()];
        let mut parents = vec![None; self.units.len()];
        for (index, unit) in self.units.iter().enumerate() {
            if let Some(parent) = unit.parent {
                let parent = self
                    .index_of(parent)
                    .expect("a unit's parent is in the hierarchy");
                children[parent].push(index as u32);
                parents[index] = Some(parent as u32);
            }
        }
        self.children = children;
        self.parents = parents;
    }

    fn index_of(&self, code: DivisionCode) -> Option<usize> {
        self.units
            .binary_search_by_key(&code, |unit| unit.code)
            .ok()
    }

    /// The city's code, e.g. `3202`.
    pub fn city(&self) -> DivisionCode {
        self.units[0].code
    }

    /// The city as a unit.
    pub fn root(&self) -> &Unit {
        &self.units[0]
    }

    /// The unit of `code`, valid or not; `None` when the hierarchy never had it.
    pub fn unit(&self, code: DivisionCode) -> Option<&Unit> {
        self.index_of(code).map(|index| &self.units[index])
    }

    /// All units, historical ones included, in code order (a parent before its
    /// children).
    pub fn units(&self) -> &[Unit] {
        &self.units
    }

    /// How many units, historical ones included.
    pub fn len(&self) -> usize {
        self.units.len()
    }

    /// Always false: a hierarchy has at least its city.
    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }

    /// Whether `code` is a unit valid on `date`: it and every unit above it are.
    pub fn valid_on(&self, code: DivisionCode, date: Date) -> bool {
        self.index_of(code)
            .is_some_and(|index| self.valid_at(index, date))
    }

    /// Whether the unit at `index` and every unit above it are valid on `date`.
    fn valid_at(&self, index: usize, date: Date) -> bool {
        let mut next = Some(index as u32);
        while let Some(index) = next {
            let index = index as usize;
            if !self.units[index].valid_on(date) {
                return false;
            }
            next = self.parents[index];
        }
        true
    }

    /// The children of `code` valid on `date`, by code; none when `code` is not
    /// valid then.
    pub fn children(&self, code: DivisionCode, date: Date) -> impl Iterator<Item = &Unit> + '_ {
        self.index_of(code)
            .filter(|&index| self.valid_at(index, date))
            .into_iter()
            .flat_map(move |index| self.valid_children(index, date))
    }

    /// The children of the unit at `index` valid on `date`, by code.
    fn valid_children(&self, index: usize, date: Date) -> impl Iterator<Item = &Unit> + '_ {
        self.children[index]
            .iter()
            .map(|&child| &self.units[child as usize])
            .filter(move |unit| unit.valid_on(date))
    }

    /// Whether `code` is valid on `date` and has no child valid then.
    pub fn is_leaf(&self, code: DivisionCode, date: Date) -> bool {
        self.index_of(code).is_some_and(|index| {
            self.valid_at(index, date) && self.valid_children(index, date).next().is_none()
        })
    }

    /// The units where persons are counted on `date`: the valid units with no valid
    /// child, by code. In a complete hierarchy these are the villages and
    /// communities; a historical unit whose children are not recorded (such as
    /// 崇安区 before 2015) is its own leaf.
    pub fn leaf_units(&self, date: Date) -> impl Iterator<Item = &Unit> + '_ {
        self.units
            .iter()
            .filter(move |unit| self.is_leaf(unit.code, date))
    }

    /// The units from the city down to `code`, for breadcrumbs; empty when `code` is
    /// not in the hierarchy.
    pub fn path(&self, code: DivisionCode) -> Vec<&Unit> {
        let mut path = Vec::with_capacity(4);
        let mut next = self.unit(code);
        while let Some(unit) = next {
            path.push(unit);
            next = unit.parent.and_then(|parent| self.unit(parent));
        }
        path.reverse();
        path
    }

    /// The unit that stands for `code` on `date`: `code` itself when valid then,
    /// else its successor's (followed along the chain), or — for a unit ended without
    /// a successor, or not yet created — its parent's. A code the hierarchy does not
    /// know is returned as it is. With `Date::MAX`, today's unit of an old code.
    pub fn current_successor(&self, code: DivisionCode, date: Date) -> DivisionCode {
        let mut current = code;
        // Each step moves to another unit; a chain longer than the hierarchy loops.
        for _ in 0..=self.units.len() {
            let Some(unit) = self.unit(current) else {
                return current;
            };
            if self.valid_on(current, date) {
                return current;
            }
            match unit.successor.or(unit.parent) {
                Some(next) => current = next,
                None => return current,
            }
        }
        current
    }

    /// Adds a unit (typically a historical one) under a parent already in the
    /// hierarchy. Its successor, if any, must be in the hierarchy too.
    pub fn add_unit(&mut self, unit: Unit) -> Result<(), FieldError> {
        let code = unit.code;
        if self.index_of(code).is_some() {
            return Err(FieldError::new(
                "code",
                format!("区划代码 {code} 已存在"),
                format!("expected a new code, but found {code} already in the hierarchy"),
            ));
        }
        let Some(parent) = unit.parent.and_then(|parent| self.unit(parent)) else {
            let parent = unit
                .parent
                .map_or_else(|| "(none)".to_string(), |p| p.to_string());
            return Err(FieldError::new(
                "parent",
                format!("上级区划 {parent} 不在本市区划中"),
                format!("expected a parent in the hierarchy, but found {parent}"),
            ));
        };
        check_inside(parent.code, code).map_err(|error| FieldError {
            field: "code".into(),
            ..error
        })?;
        if unit.name.trim().is_empty() {
            return Err(FieldError::new(
                "name",
                "名称不能为空",
                "expected a name, but found none",
            ));
        }
        check_days(unit.valid_from, unit.valid_to).map_err(|message| FieldError {
            field: "valid_to".into(),
            message,
        })?;
        if let Some(successor) = unit.successor {
            self.require(successor, "successor")?;
        }
        let at = self.units.partition_point(|other| other.code < code);
        self.units.insert(at, unit);
        self.index_links();
        Ok(())
    }

    /// Records that the units `old` merged into `into` on `on` (撤并): each old unit
    /// ends the day before `on` with `into` as its successor. When `into` is one of
    /// `old` it carries on; otherwise it is a new unit, valid from `on`. Children of
    /// the old units are not moved: they end with their parent, and
    /// [`Hierarchy::current_successor`] maps them to `into`.
    pub fn record_merge(
        &mut self,
        old: &[DivisionCode],
        into: DivisionCode,
        on: Date,
    ) -> Result<(), FieldError> {
        let into_unit = self.require(into, "into")?.clone();
        if old.is_empty() {
            return Err(FieldError::new(
                "old",
                "应至少列出一个被合并的区划",
                "expected at least one unit to merge, but found none",
            ));
        }
        let last_day = on.yesterday().map_err(|_| {
            FieldError::new(
                "on",
                format!("合并日期 {on} 超出范围"),
                format!("expected a date after {}, but found {on}", Date::MIN),
            )
        })?;
        let ending: Vec<DivisionCode> = old.iter().copied().filter(|&code| code != into).collect();
        for &code in &ending {
            let unit = self.require(code, "old")?;
            if code.level() != into.level() {
                return Err(FieldError::new(
                    "old",
                    format!("被合并区划 {code} 与 {into} 不在同一级"),
                    format!("expected a unit at the level of {into}, but found {code}"),
                ));
            }
            if !unit.valid_on(last_day) || unit.successor.is_some() {
                return Err(FieldError::new(
                    "old",
                    format!("区划 {code} 在合并前一日 {last_day} 已无效"),
                    format!(
                        "expected {code} to be valid on {last_day}, the day before the merger, but it is not"
                    ),
                ));
            }
        }
        let into_is_new = ending.len() == old.len();
        if into_is_new
            && (into_unit.valid_from.is_some_and(|from| from != on)
                || into_unit.valid_to.is_some_and(|to| to < on))
        {
            return Err(FieldError::new(
                "into",
                format!("新区划 {into} 的有效期与合并日期 {on} 不符"),
                format!("expected the new unit {into} to be valid from {on}, but its days differ"),
            ));
        }
        for code in ending {
            let index = self.index_of(code).expect("checked above");
            let unit = &mut self.units[index];
            unit.valid_to = Some(last_day);
            unit.successor = Some(into);
        }
        if into_is_new {
            let index = self.index_of(into).expect("checked above");
            self.units[index].valid_from = Some(on);
        }
        Ok(())
    }

    /// The unit of `code`, or an error on `field` saying it is not in the hierarchy.
    fn require(&self, code: DivisionCode, field: &str) -> Result<&Unit, FieldError> {
        self.unit(code).ok_or_else(|| {
            FieldError::new(
                field,
                format!("区划 {code} 不在本市区划中"),
                format!("expected a unit of city {}, but found {code}", self.city()),
            )
        })
    }

    fn unit_mut(&mut self, code: DivisionCode) -> Option<&mut Unit> {
        self.index_of(code).map(|index| &mut self.units[index])
    }
}

/// Checks that a unit's last day is not before its first.
fn check_days(from: Option<Date>, to: Option<Date>) -> Result<(), Message> {
    match (from, to) {
        (Some(from), Some(to)) if to < from => Err(Message::new(
            format!("截止日期 {to} 早于起始日期 {from}"),
            format!("expected a last day on or after {from}, but found {to}"),
        )),
        _ => Ok(()),
    }
}

/// Checks that `code` lies strictly below `parent`.
fn check_inside(parent: DivisionCode, code: DivisionCode) -> Result<(), FieldError> {
    if parent.level() < code.level() && parent.contains(code) {
        Ok(())
    } else {
        Err(FieldError::new(
            "parent",
            format!("区划代码 {code} 不在上级 {parent} 之内"),
            format!("expected code {code} to lie inside its parent {parent}, but it does not"),
        ))
    }
}
