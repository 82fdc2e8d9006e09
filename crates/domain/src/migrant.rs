//! 外来人口 — the migrant rule of REQUIREMENTS §1: whether a person registered as
//! living in the city counts as a migrant, read from the hukou division in the first
//! six digits of their resident ID.
//!
//! A hukou outside the city makes a migrant. A hukou inside it does not, unless the
//! policy file counts moves between the city's districts and county-level cities
//! (`intra_city_moves_count`, default false: the policy text is ambiguous). IDs of
//! Hong Kong, Macau, Taiwan residents and foreigners never get here: parsing rejects
//! them as out of scope.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::division::{CodeLevel, DivisionCode, Hierarchy};
use crate::resident_id::ResidentId;

/// The policy's migrant rule for one city.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MigrantRule {
    /// The city whose migrants are counted, e.g. `3202` (无锡市).
    pub city: DivisionCode,
    /// 市内跨县区流动 — whether a person whose hukou is in another district or
    /// county-level city of the same city counts as a migrant.
    #[serde(default)]
    pub intra_city_moves_count: bool,
}

/// How the migrant rule classifies a resident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Residency {
    /// 外来人口 — the hukou is outside the city.
    Migrant,
    /// 市内跨县区流动人口 — the hukou is in another district or county-level city of
    /// the city, and the policy counts such moves as migration.
    IntraCityMigrant,
    /// 本市户籍 — the hukou is in the city and the rule does not count the person.
    Local,
}

impl Residency {
    /// Whether the person is counted as a migrant (外来人口).
    pub fn is_migrant(self) -> bool {
        matches!(self, Residency::Migrant | Residency::IntraCityMigrant)
    }
}

impl MigrantRule {
    /// A rule for `city` that does not count moves inside the city.
    pub fn new(city: DivisionCode) -> MigrantRule {
        MigrantRule {
            city,
            intra_city_moves_count: false,
        }
    }

    /// Classifies the holder of `id` living at `residence` (a unit of `hierarchy`,
    /// the hierarchy of [`MigrantRule::city`]).
    ///
    /// Districts are compared as they are today: an abolished hukou district is
    /// mapped to its current successor (320202 崇安区 → 320213 梁溪区), and so is the
    /// residence's. A hukou inside the city whose district cannot be told — only the
    /// city's code (`320200`), or a district the hierarchy never had, such as a
    /// former 市辖区 `320201` — shows no county line crossed: [`Residency::Local`].
    pub fn classify(
        &self,
        id: &ResidentId,
        residence: DivisionCode,
        hierarchy: &Hierarchy,
    ) -> Residency {
        let hukou = id.hukou();
        if !self.city.contains(hukou) {
            return Residency::Migrant;
        }
        if !self.intra_city_moves_count {
            return Residency::Local;
        }
        let Some(hukou_district) = current_district(hukou, hierarchy) else {
            return Residency::Local;
        };
        match current_district(residence, hierarchy) {
            Some(residence_district) if residence_district != hukou_district => {
                Residency::IntraCityMigrant
            }
            _ => Residency::Local,
        }
    }
}

/// The district (or county-level city) of `code` in today's hierarchy, if the
/// hierarchy knows it.
fn current_district(code: DivisionCode, hierarchy: &Hierarchy) -> Option<DivisionCode> {
    if code.level() < CodeLevel::District {
        return None;
    }
    let district = code.truncate(CodeLevel::District);
    hierarchy.unit(district)?;
    let today = hierarchy.current_successor(district, Date::MAX);
    (today.level() == CodeLevel::District).then_some(today)
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;
    use crate::resident_id::Sex;

    fn code(text: &str) -> DivisionCode {
        text.parse().unwrap()
    }

    fn person_from(hukou6: u32) -> ResidentId {
        ResidentId::synthesize(hukou6, date(1990, 5, 17), 42, Sex::Female)
    }

    fn rules() -> (MigrantRule, MigrantRule) {
        let city = Hierarchy::wuxi().city();
        (
            MigrantRule::new(city),
            MigrantRule {
                city,
                intra_city_moves_count: true,
            },
        )
    }

    /// A village of 滨湖区 (320211).
    fn binhu_village() -> DivisionCode {
        let wuxi = Hierarchy::wuxi();
        let today = date(2024, 1, 1);
        wuxi.leaf_units(today)
            .find(|unit| code("320211").contains(unit.code))
            .expect("滨湖区 has villages")
            .code
    }

    /// A village of 梁溪区 (320213).
    fn liangxi_village() -> DivisionCode {
        let wuxi = Hierarchy::wuxi();
        let today = date(2024, 1, 1);
        wuxi.leaf_units(today)
            .find(|unit| code("320213").contains(unit.code))
            .expect("梁溪区 has villages")
            .code
    }

    #[test]
    fn a_hukou_outside_the_city_is_a_migrant() {
        let (strict, counting) = rules();
        let wuxi = Hierarchy::wuxi();
        for hukou in [510107, 320506, 110000, 320100] {
            assert_eq!(
                strict.classify(&person_from(hukou), binhu_village(), wuxi),
                Residency::Migrant,
                "{hukou}"
            );
            assert_eq!(
                counting.classify(&person_from(hukou), binhu_village(), wuxi),
                Residency::Migrant,
                "{hukou}"
            );
        }
        assert!(Residency::Migrant.is_migrant());
    }

    #[test]
    fn a_hukou_inside_the_city_is_local_by_default() {
        let (strict, _) = rules();
        let wuxi = Hierarchy::wuxi();
        for hukou in [320211, 320281, 320202, 320200] {
            assert_eq!(
                strict.classify(&person_from(hukou), binhu_village(), wuxi),
                Residency::Local,
                "{hukou}"
            );
        }
        assert!(!Residency::Local.is_migrant());
    }

    #[test]
    fn moves_between_districts_count_when_the_policy_says_so() {
        let (_, counting) = rules();
        let wuxi = Hierarchy::wuxi();
        // 江阴市 → 滨湖区: another county-level unit of the city.
        assert_eq!(
            counting.classify(&person_from(320281), binhu_village(), wuxi),
            Residency::IntraCityMigrant
        );
        assert!(Residency::IntraCityMigrant.is_migrant());
        // Same district.
        assert_eq!(
            counting.classify(&person_from(320211), binhu_village(), wuxi),
            Residency::Local
        );
    }

    #[test]
    fn an_abolished_hukou_district_is_mapped_to_its_successor() {
        let (_, counting) = rules();
        let wuxi = Hierarchy::wuxi();
        // 崇安区 (320202, merged into 梁溪区 in 2015), living in 梁溪区: same district today.
        assert_eq!(
            counting.classify(&person_from(320202), liangxi_village(), wuxi),
            Residency::Local
        );
        // …living in 滨湖区: another district.
        assert_eq!(
            counting.classify(&person_from(320204), binhu_village(), wuxi),
            Residency::IntraCityMigrant
        );
    }

    #[test]
    fn a_hukou_district_that_cannot_be_told_is_local() {
        let (_, counting) = rules();
        let wuxi = Hierarchy::wuxi();
        for hukou in [320200, 320201] {
            assert_eq!(
                counting.classify(&person_from(hukou), binhu_village(), wuxi),
                Residency::Local,
                "{hukou}"
            );
        }
    }

    #[test]
    fn the_setting_defaults_to_false() {
        let rule: MigrantRule = serde_json::from_str(r#"{"city": "3202"}"#).unwrap();
        assert_eq!(rule, MigrantRule::new(code("3202")));
        assert_eq!(
            serde_json::to_string(&Residency::IntraCityMigrant).unwrap(),
            "\"intra_city_migrant\""
        );
    }
}
