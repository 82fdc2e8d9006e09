//! 模板 — one file layout per department: its columns, and what each row becomes.
//!
//! | department | rows are | become |
//! |---|---|---|
//! | 公安 public security | arrivals | registrations ([`Change::Register`](domain::event::Change::Register)), with the temporary residence permit |
//! | 劳动 labour | labour contracts, insurance, training, high-risk jobs | dated facts of registered persons |
//! | 教育 education | enrolments | schooling facts |
//! | 卫生 health | certificate checks, immunisation, child and maternal care, TB | dated facts |
//! | 计生 family planning | marriage, pregnancy, services, checks, contracts | dated facts |
//! | 工会 trade unions | memberships | union membership facts |
//! | 司法 justice | legal and civic education | dated facts |
//! | 统计 statistics | a unit's figure for a period (any department's: offenders, hotel guests, wage arrears, legal aid, estimates) | reported values |
//!
//! Persons are named by ID number; records (employers, houses, zones) by their
//! Anju number; units by their 12-digit code. `docs/exchange.md` shows each layout.

mod cell;
mod column;
mod row;
mod workbook;

pub use column::Column;
pub use row::parse_rows;
pub(crate) use row::{column_positions, row_error};
pub use workbook::template_workbook;

use csv::StringRecord;
use domain::access::{Department, User};
use domain::message::FieldError;
use domain::registry::{FactKind, InsuranceScheme};

/// What one value of the 信息类别 column records.
#[derive(Debug)]
pub struct Category {
    /// The value as written in the file.
    pub label: &'static str,
    pub fact: CategoryFact,
}

/// The fact a category becomes.
#[derive(Debug)]
pub enum CategoryFact {
    /// Always this fact.
    Fixed(FactKind),
    /// A labour contract with the row's employer.
    LabourContract,
}

/// What a department's rows become.
#[derive(Debug)]
pub enum Shape {
    /// Registrations of arrivals.
    Registration,
    /// Dated facts of registered persons, of these categories (with one category,
    /// the file has no 信息类别 column).
    PersonFact(&'static [Category]),
    /// School enrolments (the 学校类别 column says which kind of school).
    Schooling,
    /// Values reported for a unit and a period.
    Value,
}

/// One department's file layout.
#[derive(Debug)]
pub struct Template {
    pub department: Department,
    /// The department's name in Chinese, e.g. `劳动`.
    pub name: &'static str,
    pub columns: &'static [Column],
    pub shape: Shape,
}

const fn fixed(label: &'static str, fact: FactKind) -> Category {
    Category {
        label,
        fact: CategoryFact::Fixed(fact),
    }
}

const PERSON_FACT: &[Column] = &[
    Column::ResidentId,
    Column::Name,
    Column::Category,
    Column::From,
    Column::To,
];

const ONE_FACT: &[Column] = &[Column::ResidentId, Column::Name, Column::From, Column::To];

/// Every department's template.
pub static TEMPLATES: [Template; 8] = [
    Template {
        department: Department::PublicSecurity,
        name: "公安",
        columns: &[
            Column::ResidentId,
            Column::Name,
            Column::Registered,
            Column::Village,
            Column::Housing,
            Column::Place,
            Column::Permit,
        ],
        shape: Shape::Registration,
    },
    Template {
        department: Department::Labour,
        name: "劳动",
        columns: &[
            Column::ResidentId,
            Column::Name,
            Column::Category,
            Column::Employer,
            Column::From,
            Column::To,
        ],
        shape: Shape::PersonFact(&[
            Category {
                label: "劳动合同",
                fact: CategoryFact::LabourContract,
            },
            fixed(
                "养老保险",
                FactKind::Insurance {
                    scheme: InsuranceScheme::Pension,
                },
            ),
            fixed(
                "医疗保险",
                FactKind::Insurance {
                    scheme: InsuranceScheme::Medical,
                },
            ),
            fixed(
                "失业保险",
                FactKind::Insurance {
                    scheme: InsuranceScheme::Unemployment,
                },
            ),
            fixed(
                "工伤保险",
                FactKind::Insurance {
                    scheme: InsuranceScheme::WorkInjury,
                },
            ),
            fixed("技能培训", FactKind::SkillsTraining),
            fixed("高危行业岗位", FactKind::HighRiskJob),
        ]),
    },
    Template {
        department: Department::Education,
        name: "教育",
        columns: &[
            Column::ResidentId,
            Column::Name,
            Column::School,
            Column::From,
            Column::To,
        ],
        shape: Shape::Schooling,
    },
    Template {
        department: Department::Health,
        name: "卫生",
        columns: PERSON_FACT,
        shape: Shape::PersonFact(&[
            fixed("预防接种证查验", FactKind::VaccinationCertificateChecked),
            fixed("计划免疫", FactKind::ImmunisationUpToDate),
            fixed("儿童保健", FactKind::ChildCare),
            fixed("孕产妇保健", FactKind::MaternalCare),
            fixed("结核病", FactKind::TbCase),
            fixed("结核病免费治疗", FactKind::TbFreeTreatment),
        ]),
    },
    Template {
        department: Department::FamilyPlanning,
        name: "计生",
        columns: PERSON_FACT,
        shape: Shape::PersonFact(&[
            fixed("已婚", FactKind::Married),
            fixed("孕产期", FactKind::Pregnancy),
            fixed("计划生育服务", FactKind::FamilyPlanningService),
            fixed("婚育证明查验", FactKind::FamilyPlanningCertificateCheck),
            fixed("计划生育合同", FactKind::FamilyPlanningContract),
        ]),
    },
    Template {
        department: Department::TradeUnion,
        name: "工会",
        columns: ONE_FACT,
        shape: Shape::PersonFact(&[fixed("工会会员", FactKind::UnionMembership)]),
    },
    Template {
        department: Department::Justice,
        name: "司法",
        columns: ONE_FACT,
        shape: Shape::PersonFact(&[fixed("法制和公民教育", FactKind::LegalEducation)]),
    },
    Template {
        department: Department::Statistics,
        name: "统计",
        columns: &[
            Column::Unit,
            Column::ValueName,
            Column::From,
            Column::To,
            Column::Value,
        ],
        shape: Shape::Value,
    },
];

impl Template {
    /// The kind's name on the command line and in URLs: the department's
    /// snake_case name, e.g. `labour`.
    pub fn kind(&self) -> &'static str {
        department_name(self.department)
    }

    /// The template of a kind named by its English (`labour`) or Chinese (`劳动`) name.
    pub fn named(name: &str) -> Option<&'static Template> {
        TEMPLATES
            .iter()
            .find(|t| t.kind() == name || t.name == name)
    }

    /// Whether `row` is this template's header: it has every column's.
    pub fn is_header(&self, row: &StringRecord) -> bool {
        self.columns
            .iter()
            .all(|column| row.iter().any(|cell| column.heads(cell)))
    }

    /// The template of a department.
    pub fn of(department: Department) -> &'static Template {
        TEMPLATES
            .iter()
            .find(|t| t.department == department)
            .expect("every department has a template")
    }

    /// Whether `user` may import files of this template: their role must
    /// allow what its rows change (persons' records, or reported values), and a
    /// department's data manager imports their own department's files and
    /// statistics only (see [`User::may_send_for`]).
    pub fn importable_by(&self, user: &User) -> Result<(), FieldError> {
        let role_may = match self.shape {
            Shape::Value => user.may_report_values(),
            _ => user.may_write_persons(),
        };
        if !role_may {
            return Err(FieldError::new(
                "role",
                format!("当前角色无权导入{}数据", self.name),
                format!(
                    "expected a role that may import {} files, but yours may not",
                    self.kind()
                ),
            ));
        }
        if user.may_send_for(self.department) {
            return Ok(());
        }
        Err(match user.department {
            Some(own) => FieldError::new(
                "kind",
                format!(
                    "您是{}部门的数据管理员，只能导入本部门和统计的数据，不能导入{}数据",
                    Template::of(own).name,
                    self.name
                ),
                format!(
                    "expected a {} or statistics file, as you manage {}'s data, but found a {} file",
                    department_name(own),
                    department_name(own),
                    self.kind()
                ),
            ),
            None => FieldError::new(
                "kind",
                format!(
                    "您的账号未指明部门，只能导入统计数据，不能导入{}数据",
                    self.name
                ),
                format!(
                    "expected a statistics file, as your account names no department, but found a {} file",
                    self.kind()
                ),
            ),
        })
    }

    /// The categories a row's 信息类别 may name (none outside person facts).
    pub fn categories(&self) -> &'static [Category] {
        match self.shape {
            Shape::PersonFact(categories) => categories,
            _ => &[],
        }
    }

    /// The column a refusal of the planner's `field` belongs to, if one does.
    pub fn column_for(&self, field: &str) -> Option<Column> {
        let field = field
            .strip_prefix("facts[")
            .and_then(|rest| rest.split_once("]."))
            .map_or(field, |(_, inner)| inner);
        let own = self.columns.iter().copied().find(|c| c.answers(field));
        // A person outside the importer's scope is the person's row.
        own.or_else(|| {
            (field == "unit" && self.columns.contains(&Column::ResidentId))
                .then_some(Column::ResidentId)
        })
    }
}

/// A department's snake_case name, as serde writes it.
pub fn department_name(department: Department) -> &'static str {
    match department {
        Department::PublicSecurity => "public_security",
        Department::Labour => "labour",
        Department::Education => "education",
        Department::Health => "health",
        Department::FamilyPlanning => "family_planning",
        Department::TradeUnion => "trade_union",
        Department::Justice => "justice",
        Department::Statistics => "statistics",
    }
}

#[cfg(test)]
mod tests {
    use domain::access::Role;

    use super::*;

    #[test]
    fn a_data_manager_of_no_department_imports_statistics_only() {
        // Accounts made before every data manager had to name a department.
        let manager = User {
            id: 1,
            login: "m".into(),
            name: "m".into(),
            role: Role::DepartmentManager,
            unit: "3202".parse().unwrap(),
            department: None,
        };
        assert!(
            Template::of(Department::Statistics)
                .importable_by(&manager)
                .is_ok()
        );
        let refused = Template::of(Department::Labour)
            .importable_by(&manager)
            .unwrap_err();
        assert_eq!(refused.field, "kind");
    }
}
