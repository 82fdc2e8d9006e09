//! 事件 — every change to the registry is an event: who, when, which unit, what, and
//! from which source. Events are appended, never changed; the current state is
//! derived from them (see [`crate::plan`]).

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::access::{Department, UserId};
use crate::division::DivisionCode;
use crate::permit::PermitStep;
use crate::registry::{
    FactId, FactKind, FamilyLink, Housing, NewPerson, PersonId, Record, RecordId,
};
use crate::reported_value::ReportedValue;
use crate::resident_id::ResidentId;

/// Where an event came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "channel", rename_all = "snake_case")]
pub enum Source {
    /// 服务站 — entered by hand at a station (web page or API).
    Station,
    /// 部门导入 — one row of a department's import file.
    Import {
        file: String,
        sha256: String,
        row: u64,
    },
    /// 命令行 — the `anju` command line.
    Cli,
    /// 演示 — the synthetic demo city.
    Demo,
}

/// A residence as given on a form: where and how the person lives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResidenceForm {
    pub housing: Housing,
    /// The village or community.
    pub unit: DivisionCode,
    /// The zone, rented house or employer (for a dormitory), when there is one.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub place: Option<RecordId>,
}

/// A dated fact as given on a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FactForm {
    pub fact: FactKind,
    pub from: Date,
    pub to: Option<Date>,
}

/// What an event changes. Each variant is one step of a migrant's life in the city.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Change {
    /// 来人登记 — arrival and registration (also a return after a departure), with
    /// whatever else the registration form recorded (job, contract, insurance, …).
    Register {
        person: NewPerson,
        on: Date,
        residence: ResidenceForm,
        #[serde(default)]
        facts: Vec<FactForm>,
    },
    /// 迁移 — moves to another residence from `on`.
    Move {
        #[cfg_attr(feature = "openapi", schema(value_type = i64))]
        person: PersonId,
        on: Date,
        residence: ResidenceForm,
    },
    /// 变更用人单位 — works for `employer` from `on`; the previous job (and its
    /// labour contract) ends the day before.
    ChangeEmployer {
        #[cfg_attr(feature = "openapi", schema(value_type = i64))]
        person: PersonId,
        on: Date,
        #[cfg_attr(feature = "openapi", schema(value_type = i64))]
        employer: RecordId,
        monthly_wage_fen: i64,
    },
    /// 新增信息 — a new dated fact.
    AddFact {
        #[cfg_attr(feature = "openapi", schema(value_type = i64))]
        person: PersonId,
        fact: FactKind,
        from: Date,
        to: Option<Date>,
    },
    /// 终止信息 — a fact's last day.
    EndFact {
        #[cfg_attr(feature = "openapi", schema(value_type = i64))]
        person: PersonId,
        #[cfg_attr(feature = "openapi", schema(value_type = i64))]
        fact: FactId,
        last_day: Date,
    },
    /// 离开 — departure: no longer present on `on`; every open fact ends the day before.
    Leave {
        #[cfg_attr(feature = "openapi", schema(value_type = i64))]
        person: PersonId,
        on: Date,
    },
    /// 家庭关系 — links two registered persons.
    LinkFamily { link: FamilyLink },
    /// 更正 — corrects an error, with the reason.
    Correct {
        reason: String,
        correction: Correction,
    },
    /// 非人员对象 — adds a record (id 0) or replaces one.
    SaveRecord { record: Record },
    /// 汇总值上报 — a value reported for a unit and a period (see
    /// [`crate::reported_value`]); replaces an earlier report of the same unit, name
    /// and period.
    ReportValue { value: ReportedValue },
    /// 居住证 — a step of a residence permit's life (see [`crate::permit`]), with
    /// the reason it is taken.
    Permit { step: PermitStep, reason: String },
    /// 数据导入 — a department's file was imported: what it was and what came of it.
    /// Written by the importer after its rows, in the transaction of the last of
    /// them, never planned (see [`ImportSummary`]).
    Import { summary: ImportSummary },
}

/// 导入记录 — one run of an import over a department's file. Its rows are events of
/// their own (source [`Source::Import`]); this records the run itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportSummary {
    /// The department whose template the file follows.
    pub department: Department,
    /// The file's name as given.
    pub file: String,
    /// The SHA-256 of the file's bytes, lower-case hex.
    pub sha256: String,
    /// Data rows in the file.
    pub rows: u64,
    /// Rows this run added.
    pub added: u64,
    /// Rows already in the registry: an earlier run of the same file had added
    /// them, or the registry already said what they say.
    pub already: u64,
    /// Rows refused (a bad cell, or the planner said no); none of them was written.
    pub refused: u64,
    /// Whether the run wrote its rows (an all-or-nothing run with a refused row
    /// writes none).
    pub committed: bool,
    /// 试运行 — the rows were checked and planned, and none was meant to be written.
    #[serde(default)]
    pub dry_run: bool,
    /// Valid rows only: refused rows are skipped and the others written (else
    /// all or nothing).
    #[serde(default)]
    pub valid_rows_only: bool,
    /// Of the rows added (or, in a run that wrote none, planned): those that
    /// ended a fact the record held open (结束).
    #[serde(default)]
    pub ended: u64,
    /// … that corrected the last day of a fact the record held as ended (更正).
    #[serde(default)]
    pub corrected: u64,
    /// … that moved a registered person to another residence (迁移).
    #[serde(default)]
    pub moved: u64,
}

impl ImportSummary {
    /// Rows the run added, or, when it wrote nothing, would have added: those
    /// neither added before nor refused.
    pub fn rows_to_add(&self) -> u64 {
        if self.committed {
            self.added
        } else {
            self.rows.saturating_sub(self.already + self.refused)
        }
    }
}

/// 错误行 — why a row of a department's file was not imported: the row as a
/// spreadsheet numbers it, the column, and the reason in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RowError {
    /// The row's number as a spreadsheet shows it (the header is row 1).
    pub row: u64,
    /// The column's header, or empty when the reason is the row as a whole.
    pub column: String,
    /// 原因 — the reason in simplified Chinese.
    pub zh: String,
    /// The reason in English.
    pub en: String,
}

/// 待改行 — a refused row as its file gave it: its number and its cells in the
/// template's column order, so that it can be put right and sent again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefusedRow {
    /// The row's number as a spreadsheet shows it (the header is row 1).
    pub row: u64,
    /// The row's cells, one per column of the template, in its order.
    pub cells: Vec<String>,
}

/// 更正内容 — what a correction puts right.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "target", rename_all = "snake_case")]
pub enum Correction {
    /// A fact was recorded with the wrong content or dates.
    Fact {
        #[cfg_attr(feature = "openapi", schema(value_type = i64))]
        person: PersonId,
        #[cfg_attr(feature = "openapi", schema(value_type = i64))]
        fact: FactId,
        kind: FactKind,
        from: Date,
        to: Option<Date>,
    },
    /// A fact should never have been recorded.
    VoidFact {
        #[cfg_attr(feature = "openapi", schema(value_type = i64))]
        person: PersonId,
        #[cfg_attr(feature = "openapi", schema(value_type = i64))]
        fact: FactId,
    },
    /// The name or ID number was mistyped.
    Person {
        #[cfg_attr(feature = "openapi", schema(value_type = i64))]
        person: PersonId,
        name: String,
        resident_id: ResidentId,
    },
}

impl Change {
    /// The registered person this change is about, when it is about one already known.
    pub fn person(&self) -> Option<PersonId> {
        match self {
            Change::Register { .. }
            | Change::SaveRecord { .. }
            | Change::ReportValue { .. }
            | Change::Import { .. } => None,
            Change::Permit { step, .. } => match step {
                PermitStep::Apply { person, .. } => Some(*person),
                _ => None,
            },
            Change::Move { person, .. }
            | Change::ChangeEmployer { person, .. }
            | Change::AddFact { person, .. }
            | Change::EndFact { person, .. }
            | Change::Leave { person, .. } => Some(*person),
            Change::LinkFamily { link } => Some(link.person),
            Change::Correct { correction, .. } => Some(match correction {
                Correction::Fact { person, .. }
                | Correction::VoidFact { person, .. }
                | Correction::Person { person, .. } => *person,
            }),
        }
    }

    /// The event's name, e.g. `register`.
    pub fn name(&self) -> &'static str {
        match self {
            Change::Register { .. } => "register",
            Change::Move { .. } => "move",
            Change::ChangeEmployer { .. } => "change_employer",
            Change::AddFact { .. } => "add_fact",
            Change::EndFact { .. } => "end_fact",
            Change::Leave { .. } => "leave",
            Change::LinkFamily { .. } => "link_family",
            Change::Correct { .. } => "correct",
            Change::SaveRecord { .. } => "save_record",
            Change::ReportValue { .. } => "report_value",
            Change::Import { .. } => "import",
            Change::Permit { .. } => "permit",
        }
    }
}

/// An event as the log keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Event {
    /// Position in the log, from 1, assigned at commit.
    pub seq: i64,
    /// When it was recorded (UTC).
    pub at: Timestamp,
    /// Who recorded it.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub actor: UserId,
    /// The unit it happened in (the person's village, or the record's unit).
    pub unit: DivisionCode,
    /// The person it is about, if any (for a registration: the person it created).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub person: Option<PersonId>,
    pub source: Source,
    pub change: Change,
}
