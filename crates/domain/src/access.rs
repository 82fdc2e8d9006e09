//! 用户与权限 — users, their roles and the part of the tree they may see.
//!
//! A user belongs to one unit and acts only inside its subtree: a village station
//! sees its village, a district officer the district, the city office the city. What
//! each role may do is decided here, once, and the web layer asks.

use serde::{Deserialize, Serialize};

use crate::division::{CodeLevel, DivisionCode};
use crate::message::FieldError;

/// The store's number for a user.
pub type UserId = i64;

/// 部门 — a department that keeps its own data and sends it to Anju.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Department {
    /// 公安 — public security
    PublicSecurity,
    /// 劳动和社会保障 — labour and social security
    Labour,
    /// 教育 — education
    Education,
    /// 卫生 — health
    Health,
    /// 计生 — family planning
    FamilyPlanning,
    /// 工会 — trade unions
    TradeUnion,
    /// 司法 — justice
    Justice,
    /// 统计 — statistics
    Statistics,
}

/// 角色 — what a user does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 系统管理员 — manages users and the city's divisions.
    Administrator,
    /// 外管办/中心工作人员 — an officer of the city, district or town office:
    /// watches targets, reads and corrects records in the unit's subtree.
    Officer,
    /// 服务站工作人员 — village or community station staff: registers people.
    StationStaff,
    /// 部门数据管理员 — a department's data manager: sends files, reads its figures.
    DepartmentManager,
    /// 领导 — reads indicators and rankings, no person records.
    Leader,
}

/// A person who logs in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub id: UserId,
    pub login: String,
    pub name: String,
    pub role: Role,
    /// The unit whose subtree the user works in.
    pub unit: DivisionCode,
    pub department: Option<Department>,
}

/// Whether a user of `role` may belong to `department`: a department's data
/// manager names one, and only they do.
pub fn check_department(role: Role, department: Option<Department>) -> Result<(), FieldError> {
    match (role, department) {
        (Role::DepartmentManager, None) => Err(FieldError::new(
            "department",
            "部门数据管理员须指明所属部门",
            "expected the department of a department's data manager, but found none",
        )),
        (Role::DepartmentManager, Some(_)) | (_, None) => Ok(()),
        (_, Some(_)) => Err(FieldError::new(
            "department",
            "只有部门数据管理员属于部门",
            "expected no department for a user who is not a department's data manager, but found one",
        )),
    }
}

impl User {
    /// Whether the user may see person records (ID numbers, health, children).
    pub fn may_read_persons(&self) -> bool {
        matches!(
            self.role,
            Role::Administrator | Role::Officer | Role::StationStaff | Role::DepartmentManager
        )
    }

    /// Whether the user may register people and change their records.
    pub fn may_write_persons(&self) -> bool {
        matches!(
            self.role,
            Role::Officer | Role::StationStaff | Role::DepartmentManager
        )
    }

    /// Whether the user may add and edit records that are not persons.
    pub fn may_write_records(&self) -> bool {
        matches!(
            self.role,
            Role::Administrator | Role::Officer | Role::StationStaff
        )
    }

    /// Whether the user may report aggregate values (estimates, departments' counts)
    /// for units in their subtree.
    pub fn may_report_values(&self) -> bool {
        matches!(
            self.role,
            Role::Administrator | Role::Officer | Role::DepartmentManager
        )
    }

    /// Whether the user may send files of `department`: a department's data
    /// manager sends their own department's, and the statistics department's,
    /// through which every department reports its counts; anyone else, any
    /// department's (what the rows may change is the role's to say).
    pub fn may_send_for(&self, department: Department) -> bool {
        self.role != Role::DepartmentManager
            || department == Department::Statistics
            || self.department == Some(department)
    }

    /// Whether the user watches what is imported in their area: officers,
    /// leaders and administrators list every import run of a user there (its
    /// counts, not its rows); anyone else lists their own.
    pub fn may_watch_imports(&self) -> bool {
        matches!(
            self.role,
            Role::Administrator | Role::Officer | Role::Leader
        )
    }

    /// Whether `unit` lies in the user's subtree.
    pub fn covers(&self, unit: DivisionCode) -> bool {
        self.unit.contains(unit)
    }

    /// The level the user works at (city, district, town or village).
    pub fn level(&self) -> CodeLevel {
        self.unit.level()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role, unit: &str) -> User {
        User {
            id: 1,
            login: "u".into(),
            name: "u".into(),
            role,
            unit: unit.parse().unwrap(),
            department: None,
        }
    }

    #[test]
    fn a_district_officer_covers_only_the_district() {
        let officer = user(Role::Officer, "320211");
        assert!(officer.covers("320211001001".parse().unwrap()));
        assert!(!officer.covers("320213001001".parse().unwrap()));
    }

    #[test]
    fn a_department_sends_its_own_files_and_statistics() {
        let police = User {
            department: Some(Department::PublicSecurity),
            ..user(Role::DepartmentManager, "3202")
        };
        assert!(police.may_send_for(Department::PublicSecurity));
        assert!(police.may_send_for(Department::Statistics));
        assert!(!police.may_send_for(Department::Labour));
        assert!(!police.may_send_for(Department::FamilyPlanning));
        // An officer sends any department's files.
        assert!(user(Role::Officer, "320211").may_send_for(Department::Labour));
    }

    #[test]
    fn a_data_manager_and_only_they_belong_to_a_department() {
        let labour = Some(Department::Labour);
        assert!(check_department(Role::DepartmentManager, labour).is_ok());
        assert!(check_department(Role::Officer, None).is_ok());
        let none = check_department(Role::DepartmentManager, None).unwrap_err();
        assert_eq!(none.field, "department");
        assert!(check_department(Role::StationStaff, labour).is_err());
    }

    #[test]
    fn leaders_read_figures_not_persons() {
        assert!(!user(Role::Leader, "3202").may_read_persons());
        assert!(user(Role::StationStaff, "320211001001").may_write_persons());
    }

    #[test]
    fn officers_and_departments_report_values_stations_and_leaders_do_not() {
        assert!(user(Role::Officer, "320211").may_report_values());
        assert!(user(Role::DepartmentManager, "3202").may_report_values());
        assert!(user(Role::Administrator, "3202").may_report_values());
        assert!(!user(Role::StationStaff, "320211001001").may_report_values());
        assert!(!user(Role::Leader, "3202").may_report_values());
    }
}
