//! 上学 — a child's schooling: grade 1 in the September after turning six, public
//! or not by the village's curve, a switch to a public school, the end of school.

use domain::registry::{FactKind, SchoolKind};
use rand::Rng;

use super::Village;
use super::steps::{Act, Ending, Step};
use crate::demo::calibration::{Day, Measure, TODAY, date, day, year_of, ymd};

impl Village<'_, '_> {
    /// Schooling of a child born on `birth`, present from `reg` to `e`.
    pub(super) fn schooling(
        &self,
        own: &mut Vec<Step>,
        i: usize,
        birth: Day,
        reg: Day,
        e: Day,
        rng: &mut impl Rng,
    ) {
        let today = day(TODAY);
        // Grade 1 in the September of the year the child turns six; after grade 9
        // most go on to senior high school (three more years).
        let entry_year = year_of(birth) + 6;
        let years = if rng.r#gen::<f64>() < 0.8 { 12 } else { 9 };
        let (first_day, last_day) = (ymd(entry_year, 9, 1), ymd(entry_year + years, 6, 30));
        let mut enrol = reg.max(first_day);
        let d = date(enrol);
        if d.month() == 7 || d.month() == 8 {
            enrol = ymd(i32::from(d.year()), 9, 1);
        }
        if enrol > last_day || enrol >= e || enrol > today {
            return;
        }
        let public = self.curve(Measure::PublicSchool);
        let u: f64 = rng.r#gen();
        let kind = if u <= public.at(enrol) {
            SchoolKind::Public
        } else if rng.r#gen::<f64>() < 0.7 {
            SchoolKind::MigrantChildren
        } else {
            SchoolKind::Private
        };
        own.push(Step {
            day: enrol,
            member: i,
            act: Act::Add {
                fact: FactKind::Schooling { school: kind },
                to: None,
            },
        });
        if rng.r#gen::<f64>() <= self.curve(Measure::CertificateChecked).at(enrol) {
            own.push(Step {
                day: enrol,
                member: i,
                act: Act::Add {
                    fact: FactKind::VaccinationCertificateChecked,
                    to: None,
                },
            });
        }
        let end = e.min(today + 1).min(last_day + 1);
        if kind != SchoolKind::Public
            && let Some(t) = public.reached(u, enrol + 1, end)
        {
            let year = year_of(t);
            let switch = if t > ymd(year, 9, 1) {
                ymd(year + 1, 9, 1)
            } else {
                ymd(year, 9, 1)
            };
            if switch <= last_day && switch < e && switch <= today {
                own.push(Step {
                    day: switch - 1,
                    member: i,
                    act: Act::End(Ending::Schooling),
                });
                own.push(Step {
                    day: switch,
                    member: i,
                    act: Act::Add {
                        fact: FactKind::Schooling {
                            school: SchoolKind::Public,
                        },
                        to: None,
                    },
                });
            }
        }
        if last_day < e - 1 && last_day <= today {
            own.push(Step {
                day: last_day,
                member: i,
                act: Act::End(Ending::Schooling),
            });
        }
    }
}
