//! Planning the changes of a person's life: registration, move, job, facts,
//! departure, family and corrections.

use jiff::civil::Date;

use crate::event::{Correction, FactForm, ResidenceForm};
use crate::message::FieldError;
use crate::migrant::Residency;
use crate::registry::{Fact, FactId, FactKind, FamilyLink, Person, RecordId, Relation};

use super::checks::*;
use super::{Context, Mutation, PersonRow, Plan};

pub(super) fn register(
    new: &crate::registry::NewPerson,
    on: Date,
    form: &ResidenceForm,
    facts: &[FactForm],
    ctx: &Context,
) -> Result<Plan, FieldError> {
    let name = check_name(&new.name)?;
    check_residence(form, on, ctx)?;
    if ctx
        .rule
        .classify(&new.resident_id, form.unit, ctx.hierarchy)
        == Residency::Local
    {
        return Err(refuse(
            "resident_id",
            "户籍在本市，不属于外来人口".into(),
            "expected a migrant, but the hukou is in this city".into(),
        ));
    }
    if new.resident_id.birth_date() > on {
        return Err(refuse(
            "on",
            "登记日期早于出生日期".into(),
            "expected a registration date after the birth date".into(),
        ));
    }
    for (i, form) in facts.iter().enumerate() {
        let at = |e: FieldError| FieldError {
            field: format!("facts[{i}].{}", e.field),
            ..e
        };
        check_fact(&form.fact, ctx).map_err(at)?;
        check_period(form.from, form.to, "to").map_err(at)?;
    }
    let residence = FactKind::Residence {
        housing: form.housing,
        unit: form.unit,
        place: form.place,
    };
    let insert = Mutation::InsertFact {
        kind: residence,
        from: on,
        to: None,
    };
    let mut mutations = match ctx.person {
        None => vec![
            Mutation::InsertPerson(PersonRow {
                resident_id: new.resident_id,
                name,
                unit: form.unit,
            }),
            insert,
        ],
        Some(known) => {
            if let Ok(open) = current_residence(ctx) {
                return Err(refuse(
                    "resident_id",
                    format!("此人已于 {} 在 {} 登记", open.from, known.unit),
                    format!(
                        "expected a person not yet registered, but they were registered in {} on {}",
                        known.unit, open.from
                    ),
                ));
            }
            if let Some(last) = ctx
                .facts
                .iter()
                .filter_map(|f| f.to)
                .max()
                .filter(|last| *last >= on)
            {
                return Err(refuse(
                    "on",
                    format!("再次登记日期应晚于上次离开前一日 {last}"),
                    format!("expected a return after {last}, but found {on}"),
                ));
            }
            vec![
                Mutation::UpdatePerson(Person {
                    name,
                    unit: form.unit,
                    ..known.clone()
                }),
                insert,
            ]
        }
    };
    mutations.extend(facts.iter().map(|f| Mutation::InsertFact {
        kind: f.fact.clone(),
        from: f.from,
        to: f.to,
    }));
    Ok(Plan {
        unit: form.unit,
        mutations,
    })
}

pub(super) fn move_residence(
    on: Date,
    form: &ResidenceForm,
    ctx: &Context,
) -> Result<Plan, FieldError> {
    let person = person(ctx)?;
    let open = current_residence(ctx)?;
    check_residence(form, on, ctx)?;
    if on <= open.from {
        return Err(refuse(
            "on",
            format!("迁移日期应晚于现居住开始日期 {}", open.from),
            format!("expected a move after {}, but found {on}", open.from),
        ));
    }
    Ok(Plan {
        unit: form.unit,
        mutations: vec![
            Mutation::UpdateFact(Fact {
                to: Some(day_before(on)),
                ..open.clone()
            }),
            Mutation::InsertFact {
                kind: FactKind::Residence {
                    housing: form.housing,
                    unit: form.unit,
                    place: form.place,
                },
                from: on,
                to: None,
            },
            Mutation::UpdatePerson(Person {
                unit: form.unit,
                ..person.clone()
            }),
        ],
    })
}

pub(super) fn change_employer(
    on: Date,
    employer: RecordId,
    wage: i64,
    ctx: &Context,
) -> Result<Plan, FieldError> {
    let person = person(ctx)?;
    current_residence(ctx)?;
    expect_kind(
        find_record(ctx, employer, "employer")?,
        "employer",
        "employer",
    )?;
    check_wage(wage)?;
    let mut mutations = Vec::new();
    for open in ctx.facts.iter().filter(|f| f.to.is_none()) {
        let previous = match open.kind {
            FactKind::Employment { employer, .. } | FactKind::LabourContract { employer } => {
                employer
            }
            _ => continue,
        };
        if matches!(open.kind, FactKind::Employment { .. }) && on <= open.from {
            return Err(refuse(
                "on",
                format!("变更日期应晚于现工作开始日期 {}", open.from),
                format!("expected a change after {}, but found {on}", open.from),
            ));
        }
        if previous != employer || matches!(open.kind, FactKind::Employment { .. }) {
            mutations.push(Mutation::UpdateFact(Fact {
                to: Some(day_before(on)),
                ..open.clone()
            }));
        }
    }
    mutations.push(Mutation::InsertFact {
        kind: FactKind::Employment {
            employer,
            monthly_wage_fen: wage,
        },
        from: on,
        to: None,
    });
    Ok(Plan {
        unit: person.unit,
        mutations,
    })
}

pub(super) fn add_fact(
    kind: &FactKind,
    from: Date,
    to: Option<Date>,
    ctx: &Context,
) -> Result<Plan, FieldError> {
    let person = person(ctx)?;
    check_period(from, to, "to")?;
    check_fact(kind, ctx)?;
    if let Some(same) = ctx
        .facts
        .iter()
        .find(|f| &f.kind == kind && overlaps(from, to, f))
    {
        return Err(refuse(
            "from",
            format!("与已有信息 {} 的期间（{} 起）重叠", same.id, same.from),
            format!(
                "expected a period not overlapping fact {} from {}, but they overlap",
                same.id, same.from
            ),
        ));
    }
    Ok(Plan {
        unit: person.unit,
        mutations: vec![Mutation::InsertFact {
            kind: kind.clone(),
            from,
            to,
        }],
    })
}

pub(super) fn end_fact(id: FactId, last_day: Date, ctx: &Context) -> Result<Plan, FieldError> {
    let person = person(ctx)?;
    let fact = fact(ctx, id)?;
    if matches!(fact.kind, FactKind::Residence { .. }) {
        return Err(refuse(
            "fact",
            "居住信息请用迁移或离开记录结束".into(),
            "expected a non-residence fact: record a move or departure instead".into(),
        ));
    }
    check_period(fact.from, Some(last_day), "last_day")?;
    if fact.to.is_some_and(|to| to <= last_day) {
        return Err(refuse(
            "last_day",
            format!("此信息已于 {} 结束", fact.to.unwrap()),
            format!(
                "expected an open fact, but it already ended on {}",
                fact.to.unwrap()
            ),
        ));
    }
    Ok(Plan {
        unit: person.unit,
        mutations: vec![Mutation::UpdateFact(Fact {
            to: Some(last_day),
            ..fact.clone()
        })],
    })
}

pub(super) fn leave(on: Date, ctx: &Context) -> Result<Plan, FieldError> {
    let person = person(ctx)?;
    let open = current_residence(ctx)?;
    if on <= open.from {
        return Err(refuse(
            "on",
            format!("离开日期应晚于居住开始日期 {}", open.from),
            format!("expected a departure after {}, but found {on}", open.from),
        ));
    }
    let last_day = day_before(on);
    if let Some(later) = ctx.facts.iter().find(|f| f.from > last_day) {
        return Err(refuse(
            "on",
            format!("信息 {} 始于 {}，晚于离开日期", later.id, later.from),
            format!(
                "expected no fact starting after the departure, but fact {} starts on {}",
                later.id, later.from
            ),
        ));
    }
    let mutations = ctx
        .facts
        .iter()
        .filter(|f| f.to.is_none_or(|to| to > last_day))
        .map(|f| {
            Mutation::UpdateFact(Fact {
                to: Some(last_day),
                ..f.clone()
            })
        })
        .collect();
    Ok(Plan {
        unit: person.unit,
        mutations,
    })
}

pub(super) fn link_family(link: &FamilyLink, ctx: &Context) -> Result<Plan, FieldError> {
    let person = person(ctx)?;
    let relative = ctx
        .others
        .iter()
        .find(|p| p.id == link.relative)
        .ok_or_else(|| {
            refuse(
                "relative",
                format!("找不到编号为 {} 的人员", link.relative),
                format!(
                    "expected a registered relative, but found no person {}",
                    link.relative
                ),
            )
        })?;
    if relative.id == person.id {
        return Err(refuse(
            "relative",
            "不能与本人建立关系".into(),
            "expected another person, but found the same one".into(),
        ));
    }
    if link.relation == Relation::Parent && relative.birth_date >= person.birth_date {
        return Err(refuse(
            "relative",
            "父母的出生日期应早于子女".into(),
            format!(
                "expected a parent born before {}, but found {}",
                person.birth_date, relative.birth_date
            ),
        ));
    }
    Ok(Plan {
        unit: person.unit,
        mutations: vec![Mutation::InsertLink(link.clone())],
    })
}

pub(super) fn correct(
    reason: &str,
    correction: &Correction,
    ctx: &Context,
) -> Result<Plan, FieldError> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(refuse(
            "reason",
            "更正须写明原因（不超过 500 字）".into(),
            "expected a reason of 1 to 500 characters".into(),
        ));
    }
    let person = person(ctx)?;
    let mutations = match correction {
        Correction::Fact {
            fact: id,
            kind,
            from,
            to,
            ..
        } => {
            let old = fact(ctx, *id)?;
            check_period(*from, *to, "to")?;
            if old.kind.name() != kind.name() {
                return Err(refuse(
                    "kind",
                    format!(
                        "更正不能改变信息类别（{} → {}）",
                        old.kind.name(),
                        kind.name()
                    ),
                    format!(
                        "expected a correction of the same kind {}, but found {}",
                        old.kind.name(),
                        kind.name()
                    ),
                ));
            }
            if let FactKind::Residence {
                housing,
                unit,
                place,
            } = kind
            {
                check_residence(
                    &ResidenceForm {
                        housing: *housing,
                        unit: *unit,
                        place: *place,
                    },
                    *from,
                    ctx,
                )?;
            } else {
                check_fact(kind, ctx)?;
            }
            let mut mutations = vec![Mutation::UpdateFact(Fact {
                kind: kind.clone(),
                from: *from,
                to: *to,
                ..old.clone()
            })];
            if let (FactKind::Residence { unit, .. }, None) = (kind, to) {
                mutations.push(Mutation::UpdatePerson(Person {
                    unit: *unit,
                    ..person.clone()
                }));
            }
            mutations
        }
        Correction::VoidFact { fact: id, .. } => vec![Mutation::DeleteFact(fact(ctx, *id)?.id)],
        Correction::Person {
            name, resident_id, ..
        } => {
            let name = check_name(name)?;
            vec![Mutation::UpdatePerson(Person {
                name,
                resident_id: *resident_id,
                sex: resident_id.sex(),
                birth_date: resident_id.birth_date(),
                hukou: resident_id.hukou(),
                ..person.clone()
            })]
        }
    };
    Ok(Plan {
        unit: person.unit,
        mutations,
    })
}
