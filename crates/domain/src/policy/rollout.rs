//! 推行范围 — whether the permit's rollout has reached a unit on a date: the stage of
//! the date's plan year accepts applications, in every district or in the unit's.

use jiff::civil::Date;

use super::ast::{Policy, RolloutStage};
use crate::division::{CodeLevel, DivisionCode};
use crate::message::FieldError;

impl Policy {
    /// The rollout stage under which applications from `unit` are accepted on `date`,
    /// or why they are not: no `[permit]`, a date outside the plan or before its
    /// first stage, a stage of preparation, or a district the stage does not name.
    pub fn rollout_reaches(
        &self,
        unit: DivisionCode,
        date: Date,
    ) -> Result<&RolloutStage, FieldError> {
        let refused = |zh: String, en: String| FieldError::new("rollout", zh, en);
        let Some(permit) = &self.permit else {
            return Err(refused(
                "政策文件没有居住证推行安排".into(),
                "expected a policy with a permit rollout, but found none".into(),
            ));
        };
        let year = date.year();
        let stage = self
            .plan_year_of(date)
            .and_then(|index| permit.rollout.iter().rev().find(|s| s.plan_year <= index))
            .ok_or_else(|| {
                refused(
                    format!("{year} 年不在居住证推行计划内"),
                    format!("expected a date in a year of the permit's rollout, but found {date}"),
                )
            })?;
        let district = unit.truncate(CodeLevel::District);
        if !stage.accepts_applications {
            return Err(refused(
                format!(
                    "{year} 年居住证处于{}阶段，尚不受理申请",
                    stage_zh(&stage.stage)
                ),
                format!(
                    "expected a year in which applications are accepted, but {year} is in the {} stage",
                    stage.stage
                ),
            ));
        }
        if !stage.all && !stage.districts.contains(&district) {
            return Err(refused(
                format!(
                    "{year} 年居住证推行尚未到达 {district}（{}阶段）",
                    stage_zh(&stage.stage)
                ),
                format!(
                    "expected a district the rollout has reached in {year} ({}), but found {district}",
                    stage.stage
                ),
            ));
        }
        Ok(stage)
    }
}

/// A stage's name in Chinese.
fn stage_zh(stage: &str) -> &str {
    match stage {
        "preparation" => "筹备",
        "pilot" => "试点",
        "citywide" => "全市推广",
        other => other,
    }
}
