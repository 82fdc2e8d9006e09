//! 校准 — the demo city's fixed dates and the rates it aims at, per measure, plan
//! year and district.
//!
//! Every date the generator uses comes from the constants here, so the output never
//! depends on the day it is run. The rates follow REQUIREMENTS §4: each one is set a
//! little below the policy's target for that year, and each district carries a
//! performance offset (some ahead, some behind), so that indicators land near but not
//! at their targets. This module decides numbers only: it draws nothing at random
//! except through the RNG it is given.

use jiff::civil::Date;
use rand::Rng;

/// 登记系统启用 — the first day the registry holds anything: records that existed
/// earlier are entered on this day, and arrivals come after it.
pub const REGISTRY_START: Date = jiff::civil::date(2019, 1, 2);
/// Y1 — the first plan year; Y2 and Y3 follow.
pub const PLAN_FIRST_YEAR: i16 = 2024;
/// The first day of the plan (Y1-01-01).
pub const PLAN_START: Date = jiff::civil::date(2024, 1, 1);
/// 今日 — the demo's "today": the last day that holds events.
pub const TODAY: Date = jiff::civil::date(2026, 11, 15);
/// The city's UTC offset (China Standard Time), for the time of day of events.
pub const UTC_OFFSET_HOURS: i64 = 8;
/// 最低工资 — Wuxi's monthly minimum wage in fen (Jiangsu class-one areas, 2025).
pub const MINIMUM_WAGE_FEN: i64 = 249_000;
/// District performance offsets in points, shuffled over the districts by the seed.
pub const DISTRICT_OFFSETS: [f64; 7] = [6.0, 4.0, 1.0, -1.0, -3.0, -6.0, -10.0];
/// Spread of a village's own offset around its district's, in points (±).
pub const VILLAGE_JITTER_POINTS: f64 = 3.0;

/// A day as a number: days since 1970-01-01. The generator computes with these and
/// turns them into [`Date`]s for the rows it writes.
pub type Day = i32;

/// The day number of `date`.
pub fn day(date: Date) -> Day {
    // Howard Hinnant's days_from_civil.
    let (y, m, d) = (
        i32::from(date.year()),
        i32::from(date.month()),
        i32::from(date.day()),
    );
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of day number `n`.
pub fn date(n: Day) -> Date {
    // Howard Hinnant's civil_from_days.
    let z = n + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i32::from(m <= 2);
    jiff::civil::date(y as i16, m as i8, d as i8)
}

/// The day number of `year`-`month`-`day`.
pub fn ymd(year: i32, month: i8, day_of_month: i8) -> Day {
    day(jiff::civil::date(year as i16, month, day_of_month))
}

/// The last day of `year`.
pub fn year_end(year: i32) -> Day {
    ymd(year, 12, 31)
}

/// The year of day number `n`.
pub fn year_of(n: Day) -> i32 {
    i32::from(date(n).year())
}

/// The day a person born on `birth` reaches `years` completed years (周岁): a
/// person born on 29 February is a year older on 1 March in common years.
pub fn birthday(birth: Day, years: i32) -> Day {
    let b = date(birth);
    let year = i32::from(b.year()) + years;
    match jiff::civil::Date::new(year as i16, b.month(), b.day()) {
        Ok(d) => day(d),
        Err(_) => ymd(year, 3, 1),
    }
}

/// 周岁 — completed years on `on` of a person born on `birth`.
pub fn age_on(birth: Day, on: Day) -> i32 {
    let (b, d) = (date(birth), date(on));
    let years = i32::from(d.year()) - i32::from(b.year());
    if (d.month(), d.day()) < (b.month(), b.day()) {
        years - 1
    } else {
        years
    }
}

/// Whatever the demo measures: each has a curve of the share of eligible migrants (or
/// records) that have it, rising over the plan years.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// E1 劳动合同签订率 (60/70/80)
    LabourContract,
    /// E2 养老、医疗保险 (100)
    Insurance,
    /// E3 高危岗位工伤保险 (100)
    WorkInjury,
    /// E4 技能培训 — the chance of a course in a year (80)
    SkillsTraining,
    /// E5 入会率 (60/80/90)
    Union,
    /// D1 公办学校入学率 (90)
    PublicSchool,
    /// D2 预防接种证查验 (100)
    CertificateChecked,
    /// H1 结核病免费治疗 (80)
    TbTreatment,
    /// H2 计划免疫 (75/80/85)
    Immunisation,
    /// H3 儿童和孕产妇保健 (60/70/80)
    Care,
    /// F1 计划生育服务 (80)
    FpService,
    /// F2 婚育证明查验 (85)
    FpCertificate,
    /// F3 计划生育合同 (85)
    FpContract,
    /// L1 法制和公民教育 (80)
    LegalEducation,
    /// L2 聚居点调解组织 (70/85/95)
    Mediation,
    /// R3 出租房登记 (100)
    RentalRegistered,
    /// R5 治安责任书 (95)
    Letter,
    /// R6 委托租赁服务社 (80/85/90)
    Entrusted,
    /// R9 新市民组织 (100)
    CitizenOrganisation,
    /// R10 协管员配备 — staffed share of the required assistants (100)
    Staffing,
    /// R11 协管员年度培训 — the chance of a training in a year (100)
    StaffTraining,
    /// 暂住证 — holds a temporary residence permit (no target; a new-citizen criterion)
    TemporaryPermit,
    /// R8 信息员中外来人口比例 — the chance that an information officer is a migrant (30)
    OfficerIsMigrant,
}

/// A measure's share in points: at the registry's start, at the end of the year
/// before the plan, and at the end of Y1, Y2 and Y3. Aimed below the policy's
/// targets by about two points (the targets are in the doc comments of
/// [`Measure`]).
pub fn points(measure: Measure) -> [f64; 5] {
    use Measure::*;
    match measure {
        LabourContract => [35.0, 50.0, 58.0, 68.0, 78.0],
        Insurance => [70.0, 82.0, 88.0, 92.0, 95.5],
        WorkInjury => [65.0, 80.0, 87.0, 91.0, 95.0],
        SkillsTraining => [55.0, 65.0, 72.0, 76.0, 78.0],
        Union => [30.0, 45.0, 58.0, 77.0, 87.0],
        PublicSchool => [72.0, 82.0, 89.0, 90.5, 91.5],
        CertificateChecked => [85.0, 92.0, 95.0, 96.0, 97.0],
        TbTreatment => [60.0, 70.0, 76.0, 78.0, 79.0],
        Immunisation => [60.0, 68.0, 73.0, 78.0, 83.0],
        Care => [40.0, 50.0, 59.5, 69.5, 79.5],
        FpService => [65.0, 72.0, 77.0, 78.0, 79.0],
        FpCertificate => [70.0, 78.0, 82.0, 83.0, 84.0],
        FpContract => [68.0, 77.0, 81.0, 83.0, 84.0],
        LegalEducation => [45.0, 60.0, 70.0, 76.0, 79.0],
        Mediation => [40.0, 55.0, 66.0, 80.0, 90.0],
        RentalRegistered => [85.0, 92.0, 95.0, 97.0, 98.0],
        Letter => [70.0, 85.0, 90.0, 93.0, 94.0],
        Entrusted => [40.0, 65.0, 77.0, 83.0, 88.0],
        CitizenOrganisation => [50.0, 75.0, 85.0, 90.0, 93.0],
        Staffing => [85.0, 90.0, 93.0, 95.0, 96.0],
        StaffTraining => [80.0, 88.0, 93.0, 95.0, 96.0],
        TemporaryPermit => [80.0, 85.0, 88.0, 90.0, 92.0],
        OfficerIsMigrant => [26.0, 28.0, 29.0, 29.5, 29.5],
    }
}

/// The share of a measure over time for one place: a curve through the knots of
/// [`points`], moved by the place's offset, clamped to 1%…99.5%.
#[derive(Debug, Clone, Copy)]
pub struct Curve {
    knots: [(Day, f64); 5],
}

/// The days of the five knots: the registry's start, and the last day of each year
/// from the year before the plan to Y3.
pub fn knot_days() -> [Day; 5] {
    let y = i32::from(PLAN_FIRST_YEAR);
    [
        day(REGISTRY_START),
        year_end(y - 1),
        year_end(y),
        year_end(y + 1),
        year_end(y + 2),
    ]
}

impl Curve {
    /// The curve of `measure` moved by `offset_points`.
    pub fn new(measure: Measure, offset_points: f64) -> Curve {
        let values = points(measure);
        let days = knot_days();
        let mut knots = [(0, 0.0); 5];
        for i in 0..5 {
            let v = ((values[i] + offset_points) / 100.0).clamp(0.01, 0.995);
            knots[i] = (days[i], v);
        }
        // Keep it non-decreasing, so that "the day it is reached" is well defined.
        for i in 1..5 {
            if knots[i].1 < knots[i - 1].1 {
                knots[i].1 = knots[i - 1].1;
            }
        }
        Curve { knots }
    }

    /// The share on day `d` (constant before the first knot and after the last).
    pub fn at(&self, d: Day) -> f64 {
        let k = &self.knots;
        if d <= k[0].0 {
            return k[0].1;
        }
        for w in k.windows(2) {
            let ((d0, v0), (d1, v1)) = (w[0], w[1]);
            if d <= d1 {
                return v0 + (v1 - v0) * f64::from(d - d0) / f64::from(d1 - d0);
            }
        }
        k[4].1
    }

    /// The first day in `from..until` on which the share reaches `u` — the day a
    /// migrant whose draw is `u` gets the thing — or `None` when it is not reached.
    pub fn reached(&self, u: f64, from: Day, until: Day) -> Option<Day> {
        if from >= until {
            return None;
        }
        if self.at(from) >= u {
            return Some(from);
        }
        for w in self.knots.windows(2) {
            let ((d0, v0), (d1, v1)) = (w[0], w[1]);
            if v1 >= u && v1 > v0 && d1 > from {
                let t = d0 + ((u - v0) / (v1 - v0) * f64::from(d1 - d0)).ceil() as Day;
                let t = t.max(from);
                return (t < until).then_some(t);
            }
        }
        None
    }

    /// The chance for something counted per year (a course, a training) in `year`.
    pub fn in_year(&self, year: i32) -> f64 {
        self.at(year_end(year))
    }
}

/// Offsets for `n` districts: [`DISTRICT_OFFSETS`] shuffled (repeated when a city
/// has more districts).
pub fn district_offsets(n: usize, rng: &mut impl Rng) -> Vec<f64> {
    let mut offsets: Vec<f64> = (0..n)
        .map(|i| DISTRICT_OFFSETS[i % DISTRICT_OFFSETS.len()])
        .collect();
    for i in (1..offsets.len()).rev() {
        let j = rng.gen_range(0..=i);
        offsets.swap(i, j);
    }
    offsets
}

/// A village's jitter around its district's offset, in points.
pub fn village_jitter(rng: &mut impl Rng) -> f64 {
    rng.gen_range(-VILLAGE_JITTER_POINTS..=VILLAGE_JITTER_POINTS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_round_trip() {
        for d in [
            jiff::civil::date(1970, 1, 1),
            jiff::civil::date(2000, 2, 29),
            TODAY,
            REGISTRY_START,
        ] {
            assert_eq!(date(day(d)), d);
        }
        assert_eq!(day(jiff::civil::date(1970, 1, 2)), 1);
        assert_eq!(day(jiff::civil::date(1969, 12, 31)), -1);
    }

    #[test]
    fn birthdays_follow_the_counting_rule() {
        let leap = ymd(2000, 2, 29);
        assert_eq!(date(birthday(leap, 1)), jiff::civil::date(2001, 3, 1));
        assert_eq!(age_on(leap, ymd(2001, 2, 28)), 0);
        assert_eq!(age_on(leap, ymd(2001, 3, 1)), 1);
    }

    #[test]
    fn a_curve_is_reached_where_it_rises() {
        let curve = Curve::new(Measure::LabourContract, 0.0);
        let end_y1 = year_end(2024);
        assert!((curve.at(end_y1) - 0.58).abs() < 1e-9);
        let d = curve
            .reached(0.58, day(REGISTRY_START), day(TODAY))
            .unwrap();
        assert!((d - end_y1).abs() <= 1, "{d} vs {end_y1}");
        assert_eq!(curve.reached(0.99, day(REGISTRY_START), day(TODAY)), None);
        assert_eq!(curve.reached(0.1, 100, 200), Some(100));
    }
}
