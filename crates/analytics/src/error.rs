//! 错误 — why the engine refuses a question or a write, in the form "expected X, but
//! found Y", with the reason in Chinese and English for people.

use domain::division::DivisionCode;
use domain::message::Message;
use jiff::civil::Date;

use crate::calendar::{EPOCH, last_supported};

/// A refused question or write.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    /// The hierarchy has no such unit.
    #[error("expected a unit of the city's divisions, but found {unit}")]
    UnknownUnit { unit: DivisionCode },
    /// The unit exists but is not valid on the date asked.
    #[error("expected a unit valid on {date}, but {unit} is not valid then")]
    UnitNotValid { unit: DivisionCode, date: Date },
    /// The date lies outside the days the index can hold.
    #[error(
        "expected a date from {} through {}, but found {date}",
        EPOCH,
        last_supported()
    )]
    DateOutOfRange { date: Date },
    /// The policy has no such indicator.
    #[error("expected an indicator of the policy, but found {id:?}")]
    UnknownIndicator { id: String },
    /// A period whose first day is after its last.
    #[error("expected a first day on or before the last, but found {from} after {to}")]
    BadPeriod { from: Date, to: Date },
    /// A "before" state that the engine does not hold: the index had none of some of
    /// its intervals. The new state is applied all the same; the caller should
    /// rebuild the engine from the store to be sure of its counts.
    #[error(
        "expected the before-state the engine was given, but {missing} of its intervals were not in the index"
    )]
    Stale { missing: usize },
    /// The policy has no `[permit]`, so no new-citizen criteria.
    #[error("expected a policy with a [permit] section, but found none")]
    NoPermit,
}

impl EngineError {
    /// The reason in Chinese and English.
    pub fn message(&self) -> Message {
        let zh = match self {
            EngineError::UnknownUnit { unit } => format!("区划 {unit} 不在本市区划中"),
            EngineError::UnitNotValid { unit, date } => {
                format!("区划 {unit} 在 {date} 无效")
            }
            EngineError::DateOutOfRange { date } => format!(
                "日期应在 {} 至 {} 之间，实为 {date}",
                EPOCH,
                last_supported()
            ),
            EngineError::UnknownIndicator { id } => format!("政策中没有指标“{id}”"),
            EngineError::BadPeriod { from, to } => {
                format!("起始日期 {from} 晚于截止日期 {to}")
            }
            EngineError::Stale { missing } => {
                format!("给出的变更前状态与引擎不符：索引中缺少 {missing} 个区间，请从数据库重建")
            }
            EngineError::NoPermit => "政策文件没有 [permit] 部分，因而没有新市民条件".into(),
        };
        Message::new(zh, self.to_string())
    }
}
