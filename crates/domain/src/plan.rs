//! 状态推导 — what an event does to the current state.
//!
//! [`plan`] takes a [`Change`] and the current state it touches and returns the
//! mutations to apply in the same transaction that appends the event, or the reason
//! it is refused. Both store backends apply the same plan, so the rules live here
//! once. Pure: the store reads the context and writes the mutations.

use jiff::civil::Date;

use crate::access::User;
use crate::division::{DivisionCode, Hierarchy};
use crate::event::{Change, Correction, FactForm, ResidenceForm};
use crate::message::FieldError;
use crate::migrant::{MigrantRule, Residency};
use crate::registry::{
    Fact, FactId, FactKind, FamilyLink, Housing, Person, Record, RecordDetail, RecordId, Relation,
};
use crate::reported_value::{MAX_NAME_LEN, ReportedValue, is_value_name};
use crate::resident_id::ResidentId;

/// The current state a change touches, read by the store inside the transaction.
pub struct Context<'a> {
    pub hierarchy: &'a Hierarchy,
    pub rule: &'a MigrantRule,
    /// The person the change is about (for a registration: the person with that ID
    /// number, if they were registered before).
    pub person: Option<&'a Person>,
    /// Every fact of that person.
    pub facts: &'a [Fact],
    /// Other persons the change names (a relative).
    pub others: &'a [Person],
    /// The records the change names (see [`Change::records`]).
    pub records: &'a [Record],
}

/// A person about to be stored for the first time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRow {
    pub resident_id: ResidentId,
    pub name: String,
    pub unit: DivisionCode,
}

/// One change to the current state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mutation {
    InsertPerson(PersonRow),
    UpdatePerson(Person),
    /// A new fact of the event's person.
    InsertFact {
        kind: FactKind,
        from: Date,
        to: Option<Date>,
    },
    UpdateFact(Fact),
    DeleteFact(FactId),
    InsertLink(FamilyLink),
    /// A new record (its id is ignored) or a replaced one.
    SaveRecord(Record),
    /// A reported value, replacing one of the same unit, name and period.
    SaveValue(ReportedValue),
}

/// The outcome of planning: where it happens and what changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The unit the event is filed under.
    pub unit: DivisionCode,
    pub mutations: Vec<Mutation>,
}

impl Change {
    /// The records this change names, which the store loads into the [`Context`].
    pub fn records(&self) -> Vec<RecordId> {
        let mut ids = Vec::new();
        let mut residence = |form: &ResidenceForm| ids.extend(form.place);
        match self {
            Change::Register {
                residence: form,
                facts,
                ..
            } => {
                residence(form);
                ids.extend(facts.iter().filter_map(|f| f.fact.record()));
            }
            Change::Move {
                residence: form, ..
            } => residence(form),
            Change::ChangeEmployer { employer, .. } => ids.push(*employer),
            Change::AddFact { fact, .. }
            | Change::Correct {
                correction: Correction::Fact { kind: fact, .. },
                ..
            } => ids.extend(fact.record()),
            Change::SaveRecord { record } => {
                ids.push(record.id);
                if let RecordDetail::RentalHouse { landlord, .. } = record.detail {
                    ids.push(landlord);
                }
            }
            _ => {}
        }
        ids.retain(|id| *id != 0);
        ids
    }

    /// The other persons this change names, which the store loads into the [`Context`].
    pub fn others(&self) -> Vec<crate::registry::PersonId> {
        match self {
            Change::LinkFamily { link } => vec![link.relative],
            _ => Vec::new(),
        }
    }
}

impl FactKind {
    /// The record a fact refers to, if any.
    pub fn record(&self) -> Option<RecordId> {
        match self {
            FactKind::Residence { place, .. } => *place,
            FactKind::Employment { employer, .. } | FactKind::LabourContract { employer } => {
                Some(*employer)
            }
            _ => None,
        }
    }
}

fn refuse(field: &str, zh: String, en: String) -> FieldError {
    FieldError::new(field, zh, en)
}

fn day_before(date: Date) -> Date {
    date.yesterday()
        .expect("dates in the registry are after 1900")
}

/// Why a change was not planned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The change is wrong in itself: a bad field, an impossible date.
    #[error("{0}")]
    Invalid(FieldError),
    /// The actor may not make it: their role, or a unit outside their scope.
    #[error("{0}")]
    Forbidden(FieldError),
}

/// Decides what `change`, made by `actor`, does to the state in `ctx`.
pub fn plan(actor: &User, change: &Change, ctx: &Context) -> Result<Plan, Refusal> {
    let planned = match change {
        Change::Register {
            person,
            on,
            residence,
            facts,
        } => register(person, *on, residence, facts, ctx),
        Change::Move { on, residence, .. } => move_residence(*on, residence, ctx),
        Change::ChangeEmployer {
            on,
            employer,
            monthly_wage_fen,
            ..
        } => change_employer(*on, *employer, *monthly_wage_fen, ctx),
        Change::AddFact { fact, from, to, .. } => add_fact(fact, *from, *to, ctx),
        Change::EndFact { fact, last_day, .. } => end_fact(*fact, *last_day, ctx),
        Change::Leave { on, .. } => leave(*on, ctx),
        Change::LinkFamily { link } => link_family(link, ctx),
        Change::Correct { reason, correction } => correct(reason, correction, ctx),
        Change::SaveRecord { record } => save_record(record, ctx),
        Change::ReportValue { value } => report_value(value, ctx),
    }
    .map_err(Refusal::Invalid)?;
    authorize(actor, change, ctx, &planned).map_err(Refusal::Forbidden)?;
    Ok(planned)
}

/// A user changes only what lies in their subtree, and only what their role allows.
fn authorize(
    actor: &User,
    change: &Change,
    ctx: &Context,
    planned: &Plan,
) -> Result<(), FieldError> {
    let is_record = matches!(change, Change::SaveRecord { .. });
    let allowed = match change {
        Change::SaveRecord { .. } => actor.may_write_records(),
        Change::ReportValue { .. } => actor.may_report_values(),
        _ => actor.may_write_persons(),
    };
    if !allowed {
        return Err(refuse(
            "role",
            "当前角色无权进行此项修改".into(),
            "expected a role that may make this change".into(),
        ));
    }
    let mut units = vec![planned.unit];
    units.extend(ctx.person.map(|p| p.unit));
    units.extend(ctx.others.iter().map(|p| p.unit));
    if is_record {
        units.extend(
            ctx.records
                .iter()
                .filter(|r| Some(r.id) == change_record_id(change))
                .map(|r| r.unit),
        );
    }
    match units.into_iter().find(|unit| !actor.covers(*unit)) {
        Some(unit) => Err(refuse(
            "unit",
            format!("单位 {unit} 不在您的管辖范围（{}）内", actor.unit),
            format!(
                "expected a unit inside your scope {}, but found {unit}",
                actor.unit
            ),
        )),
        None => Ok(()),
    }
}

fn change_record_id(change: &Change) -> Option<RecordId> {
    match change {
        Change::SaveRecord { record } if record.id != 0 => Some(record.id),
        _ => None,
    }
}

fn find_record<'a>(ctx: &'a Context, id: RecordId, field: &str) -> Result<&'a Record, FieldError> {
    ctx.records.iter().find(|r| r.id == id).ok_or_else(|| {
        refuse(
            field,
            format!("找不到编号为 {id} 的对象"),
            format!("expected a known record, but found no record {id}"),
        )
    })
}

fn expect_kind(record: &Record, kind: &str, field: &str) -> Result<(), FieldError> {
    if record.detail.kind() == kind {
        Ok(())
    } else {
        Err(refuse(
            field,
            format!(
                "对象 {} 的类型应为 {kind}，实为 {}",
                record.id,
                record.detail.kind()
            ),
            format!(
                "expected record {} to be a {kind}, but it is a {}",
                record.id,
                record.detail.kind()
            ),
        ))
    }
}

fn check_residence(form: &ResidenceForm, on: Date, ctx: &Context) -> Result<(), FieldError> {
    if !ctx.hierarchy.is_leaf(form.unit, on) {
        return Err(refuse(
            "residence.unit",
            format!("{} 不是 {on} 时有效的村（社区）", form.unit),
            format!(
                "expected a village or community valid on {on}, but found {}",
                form.unit
            ),
        ));
    }
    let wanted = match form.housing {
        Housing::ConcentratedZone => Some("concentrated_zone"),
        Housing::RentedHouse => Some("rental_house"),
        Housing::EmployerDormitory => Some("employer"),
        Housing::OwnHome => None,
    };
    match (wanted, form.place) {
        (None, None) => Ok(()),
        (None, Some(_)) => Err(refuse(
            "residence.place",
            "自购房不应填写居住场所".into(),
            "expected no place for an own home, but one was given".into(),
        )),
        (Some(kind), None) => Err(refuse(
            "residence.place",
            format!("此居住方式须填写场所（{kind}）"),
            format!("expected a {kind} as the place of this housing, but found none"),
        )),
        (Some(kind), Some(id)) => expect_kind(
            find_record(ctx, id, "residence.place")?,
            kind,
            "residence.place",
        ),
    }
}

fn check_name(name: &str) -> Result<String, FieldError> {
    let name = name.trim();
    let chars = name.chars().count();
    if chars == 0 || chars > 50 || name.chars().any(char::is_control) {
        return Err(refuse(
            "name",
            "姓名须为 1 至 50 个字符，且不含控制字符".into(),
            format!("expected a name of 1 to 50 printable characters, but found {chars}"),
        ));
    }
    Ok(name.to_owned())
}

fn check_period(from: Date, to: Option<Date>, field: &str) -> Result<(), FieldError> {
    match to {
        Some(to) if to < from => Err(refuse(
            field,
            format!("截止日期 {to} 早于开始日期 {from}"),
            format!("expected a last day on or after {from}, but found {to}"),
        )),
        _ => Ok(()),
    }
}

fn current_residence<'a>(ctx: &'a Context) -> Result<&'a Fact, FieldError> {
    ctx.facts
        .iter()
        .find(|f| matches!(f.kind, FactKind::Residence { .. }) && f.to.is_none())
        .ok_or_else(|| {
            refuse(
                "person",
                "此人当前不在本市居住登记中".into(),
                "expected a person currently registered, but they have left".into(),
            )
        })
}

fn person<'a>(ctx: &'a Context) -> Result<&'a Person, FieldError> {
    ctx.person.ok_or_else(|| {
        refuse(
            "person",
            "找不到此人".into(),
            "expected a registered person, but found none".into(),
        )
    })
}

fn fact<'a>(ctx: &'a Context, id: FactId) -> Result<&'a Fact, FieldError> {
    ctx.facts.iter().find(|f| f.id == id).ok_or_else(|| {
        refuse(
            "fact",
            format!("此人没有编号为 {id} 的信息"),
            format!("expected a fact of this person, but found no fact {id}"),
        )
    })
}

fn register(
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

fn move_residence(on: Date, form: &ResidenceForm, ctx: &Context) -> Result<Plan, FieldError> {
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

fn change_employer(
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

fn check_wage(wage: i64) -> Result<(), FieldError> {
    if (0..=100_000_000).contains(&wage) {
        Ok(())
    } else {
        Err(refuse(
            "monthly_wage_fen",
            "月工资（分）应在 0 至 1 亿之间".into(),
            format!("expected a monthly wage in fen from 0 to 100000000, but found {wage}"),
        ))
    }
}

fn check_fact(kind: &FactKind, ctx: &Context) -> Result<(), FieldError> {
    match kind {
        FactKind::Residence { .. } => Err(refuse(
            "fact",
            "居住信息请用登记、迁移或离开记录".into(),
            "expected a fact other than residence: record a registration, move or departure instead".into(),
        )),
        FactKind::Employment { employer, monthly_wage_fen } => {
            check_wage(*monthly_wage_fen)?;
            expect_kind(find_record(ctx, *employer, "fact.employer")?, "employer", "fact.employer")
        }
        FactKind::LabourContract { employer } => expect_kind(find_record(ctx, *employer, "fact.employer")?, "employer", "fact.employer"),
        FactKind::TemporaryResidencePermit { number } if number.trim().is_empty() || number.len() > 40 => {
            Err(refuse("fact.number", "暂住证号码须为 1 至 40 个字符".into(), "expected a permit number of 1 to 40 characters".into()))
        }
        _ => Ok(()),
    }
}

fn overlaps(a_from: Date, a_to: Option<Date>, b: &Fact) -> bool {
    a_from <= b.to.unwrap_or(Date::MAX) && b.from <= a_to.unwrap_or(Date::MAX)
}

fn add_fact(
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

fn end_fact(id: FactId, last_day: Date, ctx: &Context) -> Result<Plan, FieldError> {
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

fn leave(on: Date, ctx: &Context) -> Result<Plan, FieldError> {
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

fn link_family(link: &FamilyLink, ctx: &Context) -> Result<Plan, FieldError> {
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

fn correct(reason: &str, correction: &Correction, ctx: &Context) -> Result<Plan, FieldError> {
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

fn save_record(record: &Record, ctx: &Context) -> Result<Plan, FieldError> {
    check_name(&record.name).map_err(|e| FieldError {
        field: "record.name".into(),
        ..e
    })?;
    check_period(record.from, record.to, "record.to")?;
    if !ctx.hierarchy.root().code.contains(record.unit) || ctx.hierarchy.unit(record.unit).is_none()
    {
        return Err(refuse(
            "record.unit",
            format!("{} 不是本市的单位", record.unit),
            format!("expected a unit of this city, but found {}", record.unit),
        ));
    }
    if record.id != 0 {
        let old = find_record(ctx, record.id, "record.id")?;
        expect_kind(old, record.detail.kind(), "record.kind")?;
    }
    match &record.detail {
        RecordDetail::RentalHouse {
            landlord,
            entrusted_from,
            entrusted_to,
            ..
        } => {
            expect_kind(
                find_record(ctx, *landlord, "record.landlord")?,
                "landlord",
                "record.landlord",
            )?;
            if let Some(from) = entrusted_from {
                check_period(*from, *entrusted_to, "record.entrusted_to")?;
            }
        }
        RecordDetail::ConcentratedZone { area_m2, capacity } if *area_m2 < 0 || *capacity < 0 => {
            return Err(refuse(
                "record.area_m2",
                "面积和容量不能为负".into(),
                "expected a non-negative area and capacity".into(),
            ));
        }
        RecordDetail::Settlement { migrants, .. } if *migrants < 0 => {
            return Err(refuse(
                "record.migrants",
                "人数不能为负".into(),
                "expected a non-negative number of migrants".into(),
            ));
        }
        _ => {}
    }
    let mut record = record.clone();
    record.name = record.name.trim().to_owned();
    Ok(Plan {
        unit: record.unit,
        mutations: vec![Mutation::SaveRecord(record)],
    })
}

fn report_value(value: &ReportedValue, ctx: &Context) -> Result<Plan, FieldError> {
    if !is_value_name(&value.name) {
        let shown: String = value.name.chars().take(MAX_NAME_LEN + 1).collect();
        return Err(refuse(
            "name",
            format!(
                "汇总值名称应为小写英文标识符（字母开头，仅含小写字母、数字和下划线，不超过 {MAX_NAME_LEN} 个字符），实为“{shown}”"
            ),
            format!(
                "expected a lower-case identifier of at most {MAX_NAME_LEN} characters such as estimated_migrants, but found {shown:?}"
            ),
        ));
    }
    if value.to < value.from {
        return Err(refuse(
            "to",
            format!("截止日期 {} 早于开始日期 {}", value.to, value.from),
            format!(
                "expected a last day on or after {}, but found {}",
                value.from, value.to
            ),
        ));
    }
    if value.value < 0 {
        return Err(refuse(
            "value",
            format!("汇总值不能为负，实为 {}", value.value),
            format!("expected a value of 0 or more, but found {}", value.value),
        ));
    }
    if !ctx.hierarchy.root().code.contains(value.unit) || ctx.hierarchy.unit(value.unit).is_none() {
        return Err(refuse(
            "unit",
            format!("{} 不是本市的单位", value.unit),
            format!("expected a unit of this city, but found {}", value.unit),
        ));
    }
    Ok(Plan {
        unit: value.unit,
        mutations: vec![Mutation::SaveValue(value.clone())],
    })
}
