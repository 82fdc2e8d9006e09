//! 文字说明 — how the registry's things read on a page: fact kinds, housing, schools,
//! and each event of a person's timeline, in the viewer's language.

use domain::event::{Change, Correction, Source};
use domain::registry::{FactKind, Housing, SchoolKind};
use jiff::Timestamp;
use jiff::tz::{TimeZone, offset};

use super::catalogue::{Lang, Msg};
use crate::App;

/// The name of a fact kind (by its policy-language name).
pub fn fact_kind(name: &str) -> Msg {
    match name {
        "residence" => Msg::FactResidence,
        "employment" => Msg::FactEmployment,
        "labour_contract" => Msg::FactLabourContract,
        "insurance" => Msg::FactInsurance,
        "high_risk_job" => Msg::FactHighRiskJob,
        "union_membership" => Msg::FactUnionMembership,
        "skills_training" => Msg::FactSkillsTraining,
        "schooling" => Msg::FactSchooling,
        "vaccination_certificate_checked" => Msg::FactVaccinationCertificate,
        "immunisation_up_to_date" => Msg::FactImmunisation,
        "child_care" => Msg::FactChildCare,
        "pregnancy" => Msg::FactPregnancy,
        "maternal_care" => Msg::FactMaternalCare,
        "tb_case" => Msg::FactTbCase,
        "tb_free_treatment" => Msg::FactTbTreatment,
        "married" => Msg::FactMarried,
        "family_planning_service" => Msg::FactFamilyPlanningService,
        "family_planning_certificate_check" => Msg::FactFamilyPlanningCertificate,
        "family_planning_contract" => Msg::FactFamilyPlanningContract,
        "legal_education" => Msg::FactLegalEducation,
        _ => Msg::FactResidencePermit,
    }
}

/// The name of a way of housing.
pub fn housing(housing: Housing) -> Msg {
    match housing {
        Housing::ConcentratedZone => Msg::HousingZone,
        Housing::RentedHouse => Msg::HousingRented,
        Housing::EmployerDormitory => Msg::HousingDormitory,
        Housing::OwnHome => Msg::HousingOwn,
    }
}

/// The name of a kind of school.
pub fn school(school: SchoolKind) -> Msg {
    match school {
        SchoolKind::Public => Msg::SchoolPublic,
        SchoolKind::Private => Msg::SchoolPrivate,
        SchoolKind::MigrantChildren => Msg::SchoolMigrantChildren,
    }
}

/// A fact kind with its details, e.g. `就业（单位 #3，月工资 4500.00 元）`.
pub fn fact(app: &App, kind: &FactKind, lang: Lang) -> String {
    let name = fact_kind(kind.name()).in_(lang);
    let detail = match kind {
        FactKind::Residence {
            housing: h,
            unit,
            place,
        } => {
            let mut text = format!("{}，{}", unit_name(app, *unit), housing(*h).in_(lang));
            if let Some(place) = place {
                text.push_str(&format!("，#{place}"));
            }
            text
        }
        FactKind::Employment {
            employer,
            monthly_wage_fen,
        } => format!(
            "#{employer}，{} {}",
            Msg::MonthlyWage.in_(lang),
            yuan(*monthly_wage_fen)
        ),
        FactKind::LabourContract { employer } => format!("#{employer}"),
        FactKind::Schooling { school: s } => school(*s).in_(lang).to_owned(),
        FactKind::TemporaryResidencePermit { number } => number.clone(),
        _ => return name.to_owned(),
    };
    format!("{name}（{detail}）")
}

/// An amount in fen as yuan, e.g. `4500.00`.
pub fn yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, (fen % 100).abs())
}

/// A unit's name, or its code when the hierarchy does not know it.
pub fn unit_name(app: &App, unit: domain::division::DivisionCode) -> String {
    app.hierarchy()
        .unit(unit)
        .map_or_else(|| unit.to_string(), |u| u.name.clone())
}

/// A moment in the city's time, e.g. `2025-06-30 14:05`.
pub fn moment(at: Timestamp) -> String {
    at.to_zoned(TimeZone::fixed(offset(8)))
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

/// Where an event came from.
pub fn source(source: &Source, lang: Lang) -> String {
    match source {
        Source::Station => Msg::SourceStation.in_(lang).to_owned(),
        Source::Import { file, row, .. } => format!("{} {file}:{row}", Msg::SourceImport.in_(lang)),
        Source::Cli => Msg::SourceCli.in_(lang).to_owned(),
        Source::Demo => Msg::SourceDemo.in_(lang).to_owned(),
    }
}

/// What a change did, in a line.
pub fn change(app: &App, change: &Change, lang: Lang) -> String {
    match change {
        Change::Register {
            on,
            residence,
            facts,
            ..
        } => format!(
            "{} {on}：{}，{}{}",
            Msg::Register.in_(lang),
            unit_name(app, residence.unit),
            housing(residence.housing).in_(lang),
            facts
                .iter()
                .map(|f| format!("；{} {}", fact(app, &f.fact, lang), f.from))
                .collect::<String>()
        ),
        Change::Move { on, residence, .. } => format!(
            "{} {on}：{}，{}",
            Msg::MoveTitle.in_(lang),
            unit_name(app, residence.unit),
            housing(residence.housing).in_(lang)
        ),
        Change::ChangeEmployer {
            on,
            employer,
            monthly_wage_fen,
            ..
        } => format!(
            "{} {on}：#{employer}，{} {}",
            Msg::EmployerTitle.in_(lang),
            Msg::MonthlyWage.in_(lang),
            yuan(*monthly_wage_fen)
        ),
        Change::AddFact {
            fact: kind,
            from,
            to,
            ..
        } => format!(
            "{}：{} {from}{}",
            Msg::AddFact.in_(lang),
            fact(app, kind, lang),
            to.map_or_else(String::new, |to| format!(" – {to}"))
        ),
        Change::EndFact { fact, last_day, .. } => {
            format!("{} #{fact}：{last_day}", Msg::EndFact.in_(lang))
        }
        Change::Leave { on, .. } => format!("{} {on}", Msg::DepartureTitle.in_(lang)),
        Change::LinkFamily { link } => format!("{} #{}", Msg::Family.in_(lang), link.relative),
        Change::Correct { reason, correction } => {
            let what = match correction {
                Correction::Fact {
                    fact: id,
                    kind,
                    from,
                    to,
                    ..
                } => format!(
                    "#{id} → {} {from}{}",
                    fact(app, kind, lang),
                    to.map_or_else(String::new, |to| format!(" – {to}"))
                ),
                Correction::VoidFact { fact, .. } => format!("{} #{fact}", Msg::VoidFact.in_(lang)),
                Correction::Person { name, .. } => format!("{} {name}", Msg::Name.in_(lang)),
            };
            format!(
                "{}：{what}（{}：{reason}）",
                Msg::CorrectionTitle.in_(lang),
                Msg::Reason.in_(lang)
            )
        }
        Change::SaveRecord { record } => format!("{} {}", Msg::SaveRecord.in_(lang), record.name),
        Change::ReportValue { value } => format!("{} {}", Msg::ReportValue.in_(lang), value.name),
        Change::Permit { step, reason } => format!(
            "{} {} {}（{}：{reason}）",
            Msg::PermitStepTitle.in_(lang),
            step.name(),
            step.on(),
            Msg::Reason.in_(lang)
        ),
        Change::Import { summary } => format!(
            "{} {}：{} / {} / {}",
            Msg::SourceImport.in_(lang),
            summary.file,
            summary.added,
            summary.already,
            summary.refused
        ),
    }
}
