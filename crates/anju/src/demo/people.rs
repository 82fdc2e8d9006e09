//! 人 — who the demo's migrants are: where their hukou is (real division codes of the
//! provinces that send people to Wuxi), their names, their resident ID numbers and
//! their households (singles, couples, children, babies to be born).
//!
//! It decides persons only, not what happens to them in the city (see
//! [`super::life`]), and draws everything from the RNG it is given.

use std::collections::HashMap;

use domain::resident_id::{ResidentId, Sex};
use rand::Rng;

use super::Sampler;
use super::calibration::{
    Day, PLAN_START, REGISTRY_START, TODAY, birthday, date, day, year_of, ymd,
};

/// The origins file: real six-digit division codes (NBS 2023) of the provinces and
/// cities that send migrants to Wuxi, plus a few abolished codes that still live on
/// in ID numbers. Columns `code,name,group,abolished_in,successor`.
pub const ORIGINS_CSV: &str = include_str!("../../data/origins.csv");

/// The weight of each group of origins, in per cent of migrants.
const GROUP_WEIGHTS: [(&str, f64); 11] = [
    ("anhui", 24.0),
    ("henan", 17.0),
    ("north_jiangsu", 13.0),
    ("sichuan", 9.0),
    ("guizhou", 6.0),
    ("hubei", 6.0),
    ("hunan", 5.0),
    ("jiangxi", 5.0),
    ("chongqing", 5.0),
    ("shandong", 5.0),
    ("jiangsu", 3.0),
];

/// The share of migrants whose ID carries an abolished (but once real) code.
const ABOLISHED_SHARE: f64 = 0.015;

/// One hukou division a migrant can come from.
#[derive(Debug, Clone)]
pub struct Origin {
    pub code: u32,
    pub group: usize,
    /// The year the code was abolished (persons born from then on carry the successor).
    pub abolished_in: Option<i32>,
    pub successor: Option<u32>,
}

/// The origins and how to draw one.
#[derive(Debug)]
pub struct Origins {
    pub all: Vec<Origin>,
    groups: Sampler,
    within: Vec<(Vec<usize>, Sampler)>,
    abolished: Vec<usize>,
}

/// A stable pseudo-random number from `x` (SplitMix64's finaliser).
pub fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

impl Origins {
    /// Reads [`ORIGINS_CSV`].
    pub fn embedded() -> Origins {
        Origins::parse(ORIGINS_CSV)
    }

    fn parse(text: &str) -> Origins {
        let mut all = Vec::new();
        for (n, line) in text.lines().enumerate().skip(1) {
            let fields: Vec<&str> = line.split(',').collect();
            let bad = || -> ! {
                panic!(
                    "origins.csv:{}: expected code,name,group,abolished_in,successor, but found {line:?}",
                    n + 1
                )
            };
            if fields.len() != 5 {
                bad();
            }
            let group = GROUP_WEIGHTS
                .iter()
                .position(|(g, _)| *g == fields[2])
                .unwrap_or_else(|| bad());
            all.push(Origin {
                code: fields[0].parse().unwrap_or_else(|_| bad()),
                group,
                abolished_in: (!fields[3].is_empty())
                    .then(|| fields[3].parse().unwrap_or_else(|_| bad())),
                successor: (!fields[4].is_empty())
                    .then(|| fields[4].parse().unwrap_or_else(|_| bad())),
            });
        }
        let groups = Sampler::new(GROUP_WEIGHTS.iter().map(|(_, w)| *w));
        let within = (0..GROUP_WEIGHTS.len())
            .map(|g| {
                let members: Vec<usize> = all
                    .iter()
                    .enumerate()
                    .filter(|(_, o)| o.group == g && o.abolished_in.is_none())
                    .map(|(i, _)| i)
                    .collect();
                // Some counties send many more people than others: a fixed skew per code.
                let weights = members
                    .iter()
                    .map(|&i| 0.3 + (mix(u64::from(all[i].code)) % 1000) as f64 / 250.0);
                let sampler = Sampler::new(weights);
                (members, sampler)
            })
            .collect();
        let abolished = all
            .iter()
            .enumerate()
            .filter(|(_, o)| o.abolished_in.is_some())
            .map(|(i, _)| i)
            .collect();
        Origins {
            all,
            groups,
            within,
            abolished,
        }
    }

    /// An origin for a household.
    pub fn draw(&self, rng: &mut impl Rng) -> usize {
        if rng.r#gen::<f64>() < ABOLISHED_SHARE {
            return self.abolished[rng.gen_range(0..self.abolished.len())];
        }
        let g = self.groups.draw(rng);
        let (members, sampler) = &self.within[g];
        members[sampler.draw(rng)]
    }

    /// Another origin of the same group (a spouse from a neighbouring county).
    pub fn near(&self, origin: usize, rng: &mut impl Rng) -> usize {
        let (members, sampler) = &self.within[self.all[origin].group];
        members[sampler.draw(rng)]
    }

    /// The six digits an ID of a person born on `birth` from `origin` carries: an
    /// abolished code only for those born before it was abolished.
    pub fn hukou6(&self, origin: usize, birth: Day) -> u32 {
        let o = &self.all[origin];
        match (o.abolished_in, o.successor) {
            (Some(year), Some(successor)) if year_of(birth) >= year => successor,
            _ => o.code,
        }
    }

    /// Whether the origin is in 凉山彝族自治州 (5134), where Yi names are common.
    pub fn is_liangshan(&self, origin: usize) -> bool {
        self.all[origin].code / 100 == 5134
    }
}

const SURNAMES: [(&str, f64); 100] = [
    ("王", 7.1),
    ("李", 7.0),
    ("张", 6.7),
    ("刘", 5.4),
    ("陈", 4.5),
    ("杨", 3.1),
    ("黄", 2.2),
    ("赵", 2.0),
    ("吴", 2.0),
    ("周", 1.9),
    ("徐", 1.6),
    ("孙", 1.5),
    ("马", 1.5),
    ("朱", 1.3),
    ("胡", 1.2),
    ("郭", 1.1),
    ("何", 1.1),
    ("高", 1.0),
    ("林", 1.0),
    ("罗", 0.9),
    ("郑", 0.9),
    ("梁", 0.8),
    ("谢", 0.8),
    ("宋", 0.7),
    ("唐", 0.7),
    ("许", 0.7),
    ("韩", 0.6),
    ("冯", 0.6),
    ("邓", 0.6),
    ("曹", 0.6),
    ("彭", 0.6),
    ("曾", 0.5),
    ("肖", 0.5),
    ("田", 0.5),
    ("董", 0.5),
    ("袁", 0.5),
    ("潘", 0.4),
    ("于", 0.4),
    ("蒋", 0.4),
    ("蔡", 0.4),
    ("余", 0.4),
    ("杜", 0.4),
    ("叶", 0.4),
    ("程", 0.4),
    ("苏", 0.3),
    ("魏", 0.3),
    ("吕", 0.3),
    ("丁", 0.3),
    ("任", 0.3),
    ("沈", 0.3),
    ("姚", 0.3),
    ("卢", 0.3),
    ("姜", 0.3),
    ("崔", 0.3),
    ("钟", 0.3),
    ("谭", 0.3),
    ("陆", 0.3),
    ("汪", 0.3),
    ("范", 0.3),
    ("金", 0.3),
    ("石", 0.3),
    ("廖", 0.3),
    ("贾", 0.3),
    ("夏", 0.2),
    ("韦", 0.2),
    ("付", 0.2),
    ("方", 0.2),
    ("白", 0.2),
    ("邹", 0.2),
    ("孟", 0.2),
    ("熊", 0.2),
    ("秦", 0.2),
    ("邱", 0.2),
    ("江", 0.2),
    ("尹", 0.2),
    ("薛", 0.2),
    ("闫", 0.2),
    ("段", 0.2),
    ("雷", 0.2),
    ("侯", 0.2),
    ("龙", 0.2),
    ("史", 0.2),
    ("陶", 0.1),
    ("黎", 0.1),
    ("贺", 0.1),
    ("顾", 0.1),
    ("毛", 0.1),
    ("郝", 0.1),
    ("龚", 0.1),
    ("邵", 0.1),
    ("万", 0.1),
    ("钱", 0.1),
    ("严", 0.1),
    ("覃", 0.1),
    ("武", 0.1),
    ("戴", 0.1),
    ("欧阳", 0.05),
    ("司马", 0.02),
    ("诸葛", 0.01),
    ("𠮷", 0.004),
];

const MALE_CHARS: &[&str] = &[
    "伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏", "华", "飞",
    "鑫", "波", "宁", "浩", "凯", "健", "俊", "帆", "帅", "旭", "宇", "林", "峰", "建", "国", "志",
    "永", "海", "东", "亮", "文", "龙", "成", "祥", "兵", "鸿", "晨", "博", "阳", "轩", "然", "航",
    "豪", "德", "春", "立", "新", "荣",
];

const FEMALE_CHARS: &[&str] = &[
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "燕", "玲", "桂", "英", "秀", "兰", "红", "梅",
    "琳", "婷", "雪", "倩", "慧", "颖", "晶", "欣", "悦", "萍", "莉", "佳", "琪", "涵", "诗", "雨",
    "思", "彤", "怡", "月", "凤", "丹", "云", "洁", "露", "瑶", "妍", "蕾",
];

/// 彝族 names (凉山): clan name · given name.
const YI_NAMES: &[&str] = &[
    "吉克·阿依",
    "阿苦·日者",
    "沙马·拉且",
    "海来·木呷",
    "勒古·沙日",
    "吉尔·伍呷",
    "阿说·拉博",
    "曲比·阿果",
    "马海·木基",
    "俄木·日哈",
];

/// Other minority names written with the middle dot.
const DOT_NAMES: &[&str] = &[
    "阿依古丽·买买提",
    "买买提·艾力",
    "热依拉·吐尔逊",
    "古丽娜尔·阿不都",
    "努尔·艾合买提",
    "巴特尔·朝克图",
];

/// Draws Chinese names.
#[derive(Debug)]
pub struct Names {
    surnames: Sampler,
}

impl Default for Names {
    fn default() -> Self {
        Names {
            surnames: Sampler::new(SURNAMES.iter().map(|(_, w)| *w)),
        }
    }
}

impl Names {
    /// A surname.
    pub fn surname(&self, rng: &mut impl Rng) -> &'static str {
        SURNAMES[self.surnames.draw(rng)].0
    }

    /// A full name with `surname` (or a minority name, now and then).
    pub fn name(&self, surname: &str, sex: Sex, liangshan: bool, rng: &mut impl Rng) -> String {
        let roll = rng.r#gen::<f64>();
        if liangshan && roll < 0.3 {
            return YI_NAMES[rng.gen_range(0..YI_NAMES.len())].to_string();
        }
        if roll < 0.0008 {
            return DOT_NAMES[rng.gen_range(0..DOT_NAMES.len())].to_string();
        }
        let chars = if sex == Sex::Male {
            MALE_CHARS
        } else {
            FEMALE_CHARS
        };
        let mut name = String::with_capacity(12);
        name.push_str(surname);
        if rng.r#gen::<f64>() < 0.0004 {
            name.push('䶮');
        } else {
            name.push_str(chars[rng.gen_range(0..chars.len())]);
        }
        if rng.r#gen::<f64>() < 0.7 {
            name.push_str(chars[rng.gen_range(0..chars.len())]);
        }
        name
    }
}

/// Gives out resident ID numbers with valid check digits, never the same twice: the
/// sequence digits count up per hukou division, birth date and sex, from a start
/// that depends on those.
#[derive(Debug, Default)]
pub struct IdAllocator {
    used: HashMap<(u32, Day, bool), u16>,
}

impl IdAllocator {
    /// A new ID; when all 500 sequences of that day are used (never in practice),
    /// the birth date moves a day earlier. Returns the ID and the birth day it carries.
    pub fn allocate(&mut self, hukou6: u32, mut birth: Day, sex: Sex) -> (ResidentId, Day) {
        let male = sex == Sex::Male;
        loop {
            let key = (hukou6, birth, male);
            let count = self.used.entry(key).or_insert(0);
            if *count < 500 {
                let start = mix(u64::from(hukou6) << 32 ^ birth as u64) % 500;
                let k = (start + u64::from(*count)) % 500;
                *count += 1;
                let sequence = (k * 2 + u64::from(male)) as u16;
                return (
                    ResidentId::synthesize(hukou6, date(birth), sequence, sex),
                    birth,
                );
            }
            birth -= 1;
        }
    }
}

/// What a member of a household is to the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A working-age adult (16–60).
    Adult,
    /// A child who came with the parents.
    Child,
    /// A baby born in the city during the history.
    Baby,
}

/// A member of a household, before the registry knows them.
#[derive(Debug, Clone)]
pub struct Member {
    pub role: Role,
    pub sex: Sex,
    pub birth: Day,
    pub origin: usize,
    pub name: String,
    /// Indices of the parents in the household.
    pub parents: Vec<usize>,
    /// Index of the spouse in the household.
    pub spouse: Option<usize>,
    /// 结婚日期 — the day of marriage.
    pub married_on: Option<Day>,
    /// Whether the adult works (most do).
    pub works: bool,
}

/// A household that arrives together.
#[derive(Debug, Clone)]
pub struct Household {
    pub arrival: Day,
    pub members: Vec<Member>,
    /// For a pregnancy during the history: the mother's index and the day of birth
    /// (the baby is a member when born before today).
    pub pregnancy: Option<(usize, Day)>,
}

/// The day a household arrives: a third before the plan (more in later years),
/// the rest during it; many right after the Spring Festival.
pub fn arrival_day(rng: &mut impl Rng) -> Day {
    let (start, plan, today) = (day(REGISTRY_START) + 1, day(PLAN_START), day(TODAY));
    let d = if rng.r#gen::<f64>() < 0.35 {
        start + (f64::from(plan - start) * rng.r#gen::<f64>().sqrt()) as Day
    } else {
        plan + rng.gen_range(0..=today - plan)
    };
    if rng.r#gen::<f64>() < 0.3 {
        // After the Spring Festival: 10 February to 31 March of that year.
        let year = year_of(d);
        let after = ymd(year, 2, 10) + rng.gen_range(0..50);
        if after > start && after <= today {
            return after;
        }
    }
    d.clamp(start, today)
}

/// An adult's age at arrival, in years: mostly in their twenties and thirties.
fn adult_age(rng: &mut impl Rng) -> i32 {
    let r = rng.r#gen::<f64>();
    match r {
        r if r < 0.05 => rng.gen_range(16..20),
        r if r < 0.40 => rng.gen_range(20..30),
        r if r < 0.70 => rng.gen_range(30..40),
        r if r < 0.90 => rng.gen_range(40..50),
        _ => rng.gen_range(50..58),
    }
}

/// A birth day `years` (plus up to a year) before `on`.
fn born_before(on: Day, years: i32, rng: &mut impl Rng) -> Day {
    birthday(on, -years) - rng.gen_range(0..365)
}

/// Draws households for a village until `quota` persons are reached exactly.
pub struct HouseholdMaker<'a> {
    pub origins: &'a Origins,
    pub names: &'a Names,
}

impl HouseholdMaker<'_> {
    /// A household of at most `room` persons (at least one).
    pub fn make(&self, room: usize, rng: &mut impl Rng) -> Household {
        let arrival = arrival_day(rng);
        let origin = self.origins.draw(rng);
        let liangshan = self.origins.is_liangshan(origin);
        let r = rng.r#gen::<f64>();
        let (couple, children) = match r {
            r if r < 0.50 => (false, 0),
            r if r < 0.67 => (true, 0),
            r if r < 0.85 => (true, 1),
            r if r < 0.94 => (true, 2),
            r if r < 0.97 => (true, 3),
            _ => (false, 1),
        };
        let mut members = Vec::with_capacity(5);
        let surname = self.names.surname(rng);
        if !couple {
            let sex = if rng.r#gen::<f64>() < 0.6 {
                Sex::Male
            } else {
                Sex::Female
            };
            let min_age = if children > 0 { 24 } else { 16 };
            let birth = born_before(arrival, adult_age(rng).max(min_age), rng);
            let name = self.names.name(surname, sex, liangshan, rng);
            members.push(Member {
                role: Role::Adult,
                sex,
                birth,
                origin,
                name,
                parents: vec![],
                spouse: None,
                married_on: None,
                works: rng.r#gen::<f64>() < 0.95,
            });
        } else {
            let husband_age = adult_age(rng).max(21);
            let wife_age = (husband_age - rng.gen_range(-1..5)).clamp(20, 57);
            let husband_birth = born_before(arrival, husband_age, rng);
            let wife_birth = born_before(arrival, wife_age, rng);
            let wife_origin = if rng.r#gen::<f64>() < 0.7 {
                origin
            } else {
                self.origins.near(origin, rng)
            };
            let earliest = birthday(husband_birth, 22).max(birthday(wife_birth, 20));
            let married_on = earliest + rng.gen_range(0..=(arrival - earliest).clamp(0, 8 * 365));
            let married_on = married_on.min(arrival);
            let husband_name = self.names.name(surname, Sex::Male, liangshan, rng);
            let wife_surname = self.names.surname(rng);
            let wife_name = self.names.name(wife_surname, Sex::Female, liangshan, rng);
            members.push(Member {
                role: Role::Adult,
                sex: Sex::Male,
                birth: husband_birth,
                origin,
                name: husband_name,
                parents: vec![],
                spouse: Some(1),
                married_on: Some(married_on),
                works: rng.r#gen::<f64>() < 0.97,
            });
            members.push(Member {
                role: Role::Adult,
                sex: Sex::Female,
                birth: wife_birth,
                origin: wife_origin,
                name: wife_name,
                parents: vec![],
                spouse: Some(0),
                married_on: Some(married_on),
                works: rng.r#gen::<f64>() < 0.82,
            });
        }
        let mother = members.iter().position(|m| m.sex == Sex::Female);
        let parents: Vec<usize> = (0..members.len()).collect();
        let youngest_parent = members.iter().map(|m| m.birth).max().expect("one adult");
        for _ in 0..children {
            if members.len() >= room {
                break;
            }
            // Born when the younger parent was 20 or older, and 15 or younger at arrival.
            let earliest = birthday(youngest_parent, 20).max(birthday(arrival, -15) + 1);
            if earliest >= arrival {
                break;
            }
            let birth = earliest + rng.gen_range(0..arrival - earliest);
            let sex = if rng.r#gen::<f64>() < 0.53 {
                Sex::Male
            } else {
                Sex::Female
            };
            let name = self.names.name(surname, sex, liangshan, rng);
            members.push(Member {
                role: Role::Child,
                sex,
                birth,
                origin,
                name,
                parents: parents.clone(),
                spouse: None,
                married_on: None,
                works: false,
            });
        }
        // A pregnancy during the history for some young married women.
        let mut pregnancy = None;
        if let (true, Some(m)) = (couple, mother) {
            let age = super::calibration::age_on(members[m].birth, arrival);
            if (20..=38).contains(&age) && rng.r#gen::<f64>() < 0.22 {
                let from = arrival.max(day(PLAN_START) - 365) + 60;
                let until = day(TODAY) + 200;
                if from < until {
                    let birth = from + rng.gen_range(0..until - from);
                    pregnancy = Some((m, birth));
                    if birth + 30 <= day(TODAY) && members.len() < room {
                        let sex = if rng.r#gen::<f64>() < 0.52 {
                            Sex::Male
                        } else {
                            Sex::Female
                        };
                        let name = self.names.name(surname, sex, liangshan, rng);
                        members.push(Member {
                            role: Role::Baby,
                            sex,
                            birth,
                            origin,
                            name,
                            parents: parents.clone(),
                            spouse: None,
                            married_on: None,
                            works: false,
                        });
                    }
                }
            }
        }
        if members.len() > room {
            // Only a couple can overflow a room of one: keep one adult.
            members.truncate(room);
            for m in &mut members {
                m.spouse = m.spouse.filter(|s| *s < room);
            }
            pregnancy = pregnancy.filter(|(mother, _)| *mother < room);
        }
        Household {
            arrival,
            members,
            pregnancy,
        }
    }
}
