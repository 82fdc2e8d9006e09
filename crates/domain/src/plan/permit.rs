//! 居住证流程 — what a permit step does, and who may take it: the village station
//! applies for a person living there, the town reviews, the district issues, renews,
//! changes and revokes. A step is refused when the actor's role or level does not
//! take it, the unit lies outside their scope, or the permit's state does not allow
//! it; every step needs a reason. An application is held against the policy's
//! rollout and criteria, and the validity comes from the policy, through the
//! context's [`crate::policy_rules::PolicyRules`]. Issuing records a `residence_permit` fact for the
//! validity (what the indicators count), renewing extends it and revoking ends it
//! the day before.

use jiff::civil::Date;

use crate::access::{Role, User};
use crate::division::{CodeLevel, DivisionCode};
use crate::permit::{Permit, PermitId, PermitStatus, PermitStep};
use crate::registry::{Fact, FactKind};

use super::checks::{day_before, refuse};
use super::{Context, Mutation, Plan, Refusal};

/// Who takes a step: a role at a level of the hierarchy.
struct Taker {
    role: Role,
    level: CodeLevel,
    zh: &'static str,
    en: &'static str,
}

const STATION: Taker = Taker {
    role: Role::StationStaff,
    level: CodeLevel::Village,
    zh: "村（社区）服务站工作人员",
    en: "station staff of a village or community",
};
const TOWN: Taker = Taker {
    role: Role::Officer,
    level: CodeLevel::Town,
    zh: "镇（街道）管理服务中心工作人员",
    en: "an officer of a town or street",
};
const DISTRICT: Taker = Taker {
    role: Role::Officer,
    level: CodeLevel::District,
    zh: "市（县）、区外管办工作人员",
    en: "an officer of a district",
};

/// Plans `step`, taken by `actor` for `reason`.
pub(super) fn plan_step(
    actor: &User,
    step: &PermitStep,
    reason: &str,
    ctx: &Context,
) -> Result<Plan, Refusal> {
    if reason.trim().is_empty() {
        return Err(Refusal::Invalid(refuse(
            "reason",
            "每一步都应写明理由，实为空".into(),
            "expected the reason for the step, but found none".into(),
        )));
    }
    let person = ctx.person.ok_or_else(|| {
        Refusal::Invalid(refuse(
            "person",
            "找不到申请人".into(),
            "expected a registered applicant, but found none".into(),
        ))
    })?;
    let on = step.on();
    if let PermitStep::Apply { .. } = step {
        allowed(actor, &STATION, person.unit)?;
        if !person.present_on(on) {
            return Err(Refusal::Invalid(refuse(
                "on",
                format!("申请人在 {on} 不在本市居住"),
                format!("expected an applicant living in the city on {on}, but found none"),
            )));
        }
        if let Some(open) = ctx.permits.iter().find(|p| p.open_on(on)) {
            return Err(state(open, "apply", "申请"));
        }
        ctx.policy_rules
            .admit(person, ctx.facts, ctx.employers, on)
            .map_err(Refusal::Invalid)?;
        return Ok(Plan {
            unit: person.unit,
            mutations: vec![Mutation::SavePermit(Permit {
                id: 0,
                person: person.id,
                unit: person.unit,
                status: PermitStatus::Applied,
                applied_on: on,
                number: None,
                valid_from: None,
                valid_to: None,
                edition: 0,
                revoked_on: None,
            })],
        });
    }
    let id = step
        .permit()
        .expect("every step but an application names a permit");
    let permit = find(ctx, id)?;
    if on < permit.applied_on {
        return Err(Refusal::Invalid(refuse(
            "on",
            format!("日期应不早于申请日 {}，实为 {on}", permit.applied_on),
            format!(
                "expected a day on or after the application of {}, but found {on}",
                permit.applied_on
            ),
        )));
    }
    let mut next = permit.clone();
    let mut facts = Vec::new();
    match *step {
        PermitStep::Apply { .. } => unreachable!("planned above"),
        PermitStep::Review { approve, .. } => {
            allowed(actor, &TOWN, permit.unit)?;
            expect_status(permit, PermitStatus::Applied, "review", "审核")?;
            next.status = if approve {
                PermitStatus::Reviewed
            } else {
                PermitStatus::Refused
            };
        }
        PermitStep::Issue { valid_to, .. } => {
            allowed(actor, &DISTRICT, permit.unit)?;
            expect_status(permit, PermitStatus::Reviewed, "issue", "签发")?;
            let valid_to = validity(ctx, on, valid_to)?;
            next.status = PermitStatus::Issued;
            let number = Permit::number_for(permit.district(), on.year(), id);
            facts.push(Mutation::InsertFact {
                kind: FactKind::ResidencePermit {
                    number: number.clone(),
                },
                from: on,
                to: Some(valid_to),
            });
            next.number = Some(number);
            next.valid_from = Some(on);
            next.valid_to = Some(valid_to);
            next.edition = 1;
        }
        PermitStep::Renew { valid_to, .. } => {
            allowed(actor, &DISTRICT, permit.unit)?;
            expect_status(permit, PermitStatus::Issued, "renew", "续签")?;
            if let Some(last) = permit.valid_to.filter(|last| on > *last) {
                // Renewing would count the days between as held: apply again.
                return Err(Refusal::Invalid(refuse(
                    "on",
                    format!(
                        "续签应在有效期届满日 {last} 前办理，实为 {on}；已过期的居住证应重新申请"
                    ),
                    format!(
                        "expected a renewal on or before the last day {last}, but found {on}; an ended permit is applied for again"
                    ),
                )));
            }
            let from = permit
                .valid_to
                .and_then(|to| to.tomorrow().ok())
                .map_or(on, |next_day| next_day.max(on));
            let valid_to = validity(ctx, from, valid_to)?;
            next.valid_to = Some(valid_to);
            next.edition += 1;
            facts.extend(held(ctx, permit).map(|fact| {
                Mutation::UpdateFact(Fact {
                    to: Some(valid_to),
                    ..fact.clone()
                })
            }));
        }
        PermitStep::Change { .. } => {
            allowed(actor, &DISTRICT, person.unit)?;
            expect_status(permit, PermitStatus::Issued, "change", "变更")?;
            next.unit = person.unit;
            next.edition += 1;
        }
        PermitStep::Revoke { .. } => {
            allowed(actor, &DISTRICT, permit.unit)?;
            expect_status(permit, PermitStatus::Issued, "revoke", "注销")?;
            next.status = PermitStatus::Revoked;
            next.revoked_on = Some(on);
            let last_day = day_before(on);
            facts.extend(held(ctx, permit).map(|fact| {
                if last_day < fact.from {
                    Mutation::DeleteFact(fact.id)
                } else {
                    Mutation::UpdateFact(Fact {
                        to: Some(fact.to.map_or(last_day, |to| to.min(last_day))),
                        ..fact.clone()
                    })
                }
            }));
        }
    }
    let mut mutations = vec![Mutation::SavePermit(next.clone())];
    mutations.extend(facts);
    Ok(Plan {
        unit: next.unit,
        mutations,
    })
}

/// The `residence_permit` fact that records `permit`, if any.
fn held<'a>(ctx: &'a Context, permit: &Permit) -> Option<&'a Fact> {
    ctx.facts.iter().find(|fact| {
        matches!(&fact.kind, FactKind::ResidencePermit { number }
            if Some(number) == permit.number.as_ref())
    })
}

/// The person's permit `id`.
fn find<'a>(ctx: &'a Context, id: PermitId) -> Result<&'a Permit, Refusal> {
    ctx.permits.iter().find(|p| p.id == id).ok_or_else(|| {
        Refusal::Invalid(refuse(
            "permit",
            format!("找不到编号为 {id} 的居住证申请"),
            format!("expected a known permit, but found no permit {id}"),
        ))
    })
}

/// Refused unless `actor` is `taker` and `unit` lies in their scope.
fn allowed(actor: &User, taker: &Taker, unit: DivisionCode) -> Result<(), Refusal> {
    if actor.role != taker.role || actor.level() != taker.level {
        let (zh, en) = role_names(actor.role);
        return Err(Refusal::Forbidden(refuse(
            "role",
            format!("此步骤应由{}办理，您是 {} 的{zh}", taker.zh, actor.unit),
            format!(
                "expected {} to take this step, but found {en} of {}",
                taker.en, actor.unit
            ),
        )));
    }
    if !actor.covers(unit) {
        return Err(Refusal::Forbidden(refuse(
            "unit",
            format!("单位 {unit} 不在您的管辖范围（{}）内", actor.unit),
            format!(
                "expected a unit inside your scope {}, but found {unit}",
                actor.unit
            ),
        )));
    }
    Ok(())
}

/// A role's name in both languages.
fn role_names(role: Role) -> (&'static str, &'static str) {
    match role {
        Role::Administrator => ("系统管理员", "an administrator"),
        Role::Officer => ("工作人员", "an officer"),
        Role::StationStaff => ("服务站工作人员", "station staff"),
        Role::DepartmentManager => ("部门数据管理员", "a department's data manager"),
        Role::Leader => ("领导", "a leader"),
    }
}

fn expect_status(
    permit: &Permit,
    wanted: PermitStatus,
    step: &str,
    step_zh: &str,
) -> Result<(), Refusal> {
    if permit.status == wanted {
        Ok(())
    } else {
        Err(state(permit, step, step_zh))
    }
}

/// A step the permit's state does not allow.
fn state(permit: &Permit, step: &str, step_zh: &str) -> Refusal {
    let (zh, en) = permit.status.names();
    Refusal::Invalid(refuse(
        "status",
        format!("居住证申请 {} 状态为“{zh}”，不能{step_zh}", permit.id),
        format!(
            "expected a permit that can take the step {step}, but permit {} is {en}",
            permit.id
        ),
    ))
}

/// The last day of a permit valid from `first_day` by the policy; a `submitted` last
/// day (an event written before validity came from the policy, or an import) must
/// agree with it.
fn validity(ctx: &Context, first_day: Date, submitted: Option<Date>) -> Result<Date, Refusal> {
    let valid_to = ctx
        .policy_rules
        .valid_through(first_day)
        .map_err(Refusal::Invalid)?;
    match submitted {
        Some(date) if date != valid_to => Err(Refusal::Invalid(refuse(
            "valid_to",
            format!("有效期由政策规定，自 {first_day} 起应至 {valid_to}，实为 {date}"),
            format!(
                "expected the policy's validity from {first_day}, through {valid_to}, but found {date}"
            ),
        ))),
        _ => Ok(valid_to),
    }
}

/// Writes into an issue or a renewal the last day its plan gave the permit, so that
/// the event records the validity the policy set (the store appends `change` after
/// planning it); other changes are left as they are.
pub fn record_validity(change: &mut crate::event::Change, plan: &Plan) {
    let crate::event::Change::Permit { step, .. } = change else {
        return;
    };
    let (PermitStep::Issue { valid_to, .. } | PermitStep::Renew { valid_to, .. }) = step else {
        return;
    };
    *valid_to = plan.mutations.iter().find_map(|mutation| match mutation {
        Mutation::SavePermit(permit) => permit.valid_to,
        _ => None,
    });
}
