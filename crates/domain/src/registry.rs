//! 登记 — the registry's types: persons, family links, dated facts about persons, and
//! the records that are not persons (employers, rental houses, landlords, zones, …).
//!
//! A fact holds from its first day through its last day, both inclusive; no last day
//! means it still holds (REQUIREMENTS §4, counting rule 1).

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::division::DivisionCode;
use crate::resident_id::{ResidentId, Sex};

/// The store's number for a person.
pub type PersonId = i64;
/// The store's number for a dated fact.
pub type FactId = i64;
/// The store's number for a record that is not a person.
pub type RecordId = i64;

/// 外来人口 — a registered migrant as the registry knows them now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Person {
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub id: PersonId,
    pub resident_id: ResidentId,
    pub name: String,
    pub sex: Sex,
    pub birth_date: Date,
    /// 户籍地 — the hukou division, the ID's first six digits.
    pub hukou: DivisionCode,
    /// 登记日期 — the day of registration (arrival).
    pub registered_on: Date,
    /// 离开日期 — the day of departure: no longer present on that day.
    pub left_on: Option<Date>,
    /// The village or community of the current (or last) residence.
    pub unit: DivisionCode,
}

impl Person {
    /// Whether the person is present (registered and not yet gone) on `date`.
    pub fn present_on(&self, date: Date) -> bool {
        self.registered_on <= date && self.left_on.is_none_or(|left| date < left)
    }
}

/// A person as written on a registration form, before the store gives them a number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewPerson {
    pub resident_id: ResidentId,
    pub name: String,
}

/// 家庭关系 — how two registered persons are related.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// 配偶 — spouse (symmetric).
    Spouse,
    /// 父母 — `relative` is a parent of `person`.
    Parent,
}

/// A family link between two registered persons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FamilyLink {
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub person: PersonId,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub relative: PersonId,
    pub relation: Relation,
}

impl FamilyLink {
    /// The person the link joins `me` to.
    pub fn other(&self, me: PersonId) -> PersonId {
        if self.person == me {
            self.relative
        } else {
            self.person
        }
    }
}

/// 居住方式 — how a migrant is housed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Housing {
    /// 集中居住区（点）— a concentrated "两集中" zone or point.
    ConcentratedZone,
    /// 出租私房 — a rented private house (with its landlord).
    RentedHouse,
    /// 单位宿舍 — an employer's dormitory.
    EmployerDormitory,
    /// 自购房 — own home.
    OwnHome,
}

/// 社会保险险种 — a social insurance scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InsuranceScheme {
    /// 养老保险
    Pension,
    /// 医疗保险
    Medical,
    /// 失业保险
    Unemployment,
    /// 工伤保险
    WorkInjury,
}

/// 学校类别 — the kind of school a child attends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SchoolKind {
    /// 公办学校
    Public,
    /// 民办学校
    Private,
    /// 民工子弟学校
    MigrantChildren,
}

/// What a dated fact says about a person. Each variant's name (snake_case) is the
/// name the policy language uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FactKind {
    /// 居住 — lives in `unit` (a village or community), housed as `housing`, in the
    /// zone, rented house or dormitory's employer `place` when there is one.
    Residence {
        housing: Housing,
        unit: DivisionCode,
        #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
        place: Option<RecordId>,
    },
    /// 就业 — works for `employer` for a monthly wage in fen.
    Employment {
        #[cfg_attr(feature = "openapi", schema(value_type = i64))]
        employer: RecordId,
        monthly_wage_fen: i64,
    },
    /// 劳动合同 — a labour contract with `employer`.
    LabourContract {
        #[cfg_attr(feature = "openapi", schema(value_type = i64))]
        employer: RecordId,
    },
    /// 社会保险 — insured under `scheme`.
    Insurance { scheme: InsuranceScheme },
    /// 高危行业岗位 — works in a high-risk job.
    HighRiskJob,
    /// 工会会员 — a trade-union member.
    UnionMembership,
    /// 技能培训 — took part in skills training (the dates of the course).
    SkillsTraining,
    /// 就学 — enrolled in a school of this kind.
    Schooling { school: SchoolKind },
    /// 入托入学预防接种证查验 — vaccination certificate checked at admission.
    VaccinationCertificateChecked,
    /// 计划免疫 — fully immunised for age.
    ImmunisationUpToDate,
    /// 儿童保健 — a child under child health care.
    ChildCare,
    /// 孕产期 — pregnant or postpartum.
    Pregnancy,
    /// 孕产妇保健 — a woman under maternal health care.
    MaternalCare,
    /// 结核病 — a tuberculosis case.
    TbCase,
    /// 结核病免费治疗 — free TB check and treatment.
    TbFreeTreatment,
    /// 已婚 — married.
    Married,
    /// 计划生育服务 — family-planning service received.
    FamilyPlanningService,
    /// 婚育证明查验 — marriage and childbearing certificate checked.
    FamilyPlanningCertificateCheck,
    /// 计划生育合同 — family-planning contract signed.
    FamilyPlanningContract,
    /// 法制和公民教育 — legal and civic education received.
    LegalEducation,
    /// 暂住证 — holds a temporary residence permit.
    TemporaryResidencePermit { number: String },
    /// 居住证 — holds the residence permit `number`: recorded by the permit's issue,
    /// renewal and revocation (see [`crate::permit`]), never entered by hand.
    ResidencePermit { number: String },
}

impl FactKind {
    /// Every kind's [`name`](FactKind::name), in declaration order: the fact kinds the
    /// policy language knows.
    pub const NAMES: &[&str] = &[
        "residence",
        "employment",
        "labour_contract",
        "insurance",
        "high_risk_job",
        "union_membership",
        "skills_training",
        "schooling",
        "vaccination_certificate_checked",
        "immunisation_up_to_date",
        "child_care",
        "pregnancy",
        "maternal_care",
        "tb_case",
        "tb_free_treatment",
        "married",
        "family_planning_service",
        "family_planning_certificate_check",
        "family_planning_contract",
        "legal_education",
        "temporary_residence_permit",
        "residence_permit",
    ];

    /// The position of this kind's name in [`FactKind::NAMES`]: a small number to
    /// group or compare kinds by without comparing names.
    pub fn index(&self) -> usize {
        match self {
            FactKind::Residence { .. } => 0,
            FactKind::Employment { .. } => 1,
            FactKind::LabourContract { .. } => 2,
            FactKind::Insurance { .. } => 3,
            FactKind::HighRiskJob => 4,
            FactKind::UnionMembership => 5,
            FactKind::SkillsTraining => 6,
            FactKind::Schooling { .. } => 7,
            FactKind::VaccinationCertificateChecked => 8,
            FactKind::ImmunisationUpToDate => 9,
            FactKind::ChildCare => 10,
            FactKind::Pregnancy => 11,
            FactKind::MaternalCare => 12,
            FactKind::TbCase => 13,
            FactKind::TbFreeTreatment => 14,
            FactKind::Married => 15,
            FactKind::FamilyPlanningService => 16,
            FactKind::FamilyPlanningCertificateCheck => 17,
            FactKind::FamilyPlanningContract => 18,
            FactKind::LegalEducation => 19,
            FactKind::TemporaryResidencePermit { .. } => 20,
            FactKind::ResidencePermit { .. } => 21,
        }
    }

    /// The policy language's name of this kind, e.g. `labour_contract`.
    pub fn name(&self) -> &'static str {
        match self {
            FactKind::Residence { .. } => "residence",
            FactKind::Employment { .. } => "employment",
            FactKind::LabourContract { .. } => "labour_contract",
            FactKind::Insurance { .. } => "insurance",
            FactKind::HighRiskJob => "high_risk_job",
            FactKind::UnionMembership => "union_membership",
            FactKind::SkillsTraining => "skills_training",
            FactKind::Schooling { .. } => "schooling",
            FactKind::VaccinationCertificateChecked => "vaccination_certificate_checked",
            FactKind::ImmunisationUpToDate => "immunisation_up_to_date",
            FactKind::ChildCare => "child_care",
            FactKind::Pregnancy => "pregnancy",
            FactKind::MaternalCare => "maternal_care",
            FactKind::TbCase => "tb_case",
            FactKind::TbFreeTreatment => "tb_free_treatment",
            FactKind::Married => "married",
            FactKind::FamilyPlanningService => "family_planning_service",
            FactKind::FamilyPlanningCertificateCheck => "family_planning_certificate_check",
            FactKind::FamilyPlanningContract => "family_planning_contract",
            FactKind::LegalEducation => "legal_education",
            FactKind::TemporaryResidencePermit { .. } => "temporary_residence_permit",
            FactKind::ResidencePermit { .. } => "residence_permit",
        }
    }
}

/// A dated fact about a person: holds from `from` through `to` (inclusive); `to` of
/// `None` means it still holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Fact {
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub id: FactId,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub person: PersonId,
    #[serde(flatten)]
    pub kind: FactKind,
    pub from: Date,
    pub to: Option<Date>,
}

impl Fact {
    /// Whether the fact holds on `date` (both ends inclusive).
    pub fn holds_on(&self, date: Date) -> bool {
        self.from <= date && self.to.is_none_or(|to| date <= to)
    }
}

/// 非人员对象 — a record that is not a person, with where it is and when it existed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Record {
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub id: RecordId,
    pub name: String,
    /// The unit it belongs to (usually a village or community; a town for a
    /// new-citizen organisation).
    pub unit: DivisionCode,
    /// Opened, founded or hired on.
    pub from: Date,
    /// Closed, dissolved or gone after this day.
    pub to: Option<Date>,
    pub detail: RecordDetail,
}

/// 工作人员岗位 — the post a staff member holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    /// 户口协管员 — household-registration assistant.
    RegistrationAssistant,
    /// 信息员 — information officer.
    InformationOfficer,
}

/// What kind of record it is, with the attributes that kind has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RecordDetail {
    /// 用人单位 — an employer.
    Employer {
        /// 已建工会 — the day its union was established, if it has one.
        union_since: Option<Date>,
        /// 治安责任书 — the day it signed the responsibility letter.
        letter_signed_on: Option<Date>,
    },
    /// 房东 — a landlord.
    Landlord { letter_signed_on: Option<Date> },
    /// 出租房 — a rental house of `landlord`.
    RentalHouse {
        #[cfg_attr(feature = "openapi", schema(value_type = i64))]
        landlord: RecordId,
        address: String,
        /// 登记 — the day the house was registered as a rental.
        registered_on: Option<Date>,
        /// 委托房屋租赁服务社 — entrusted to the rental cooperative from this day.
        entrusted_from: Option<Date>,
        entrusted_to: Option<Date>,
    },
    /// 旅馆 — a hotel or guesthouse.
    Hotel,
    /// 中介机构 — an intermediary agency.
    Agency { letter_signed_on: Option<Date> },
    /// 集中居住区（点）— a concentrated housing zone or point; opened on `from`.
    ConcentratedZone { area_m2: i64, capacity: i64 },
    /// 聚居点 — a settlement of migrants and its mediation organisation.
    Settlement {
        migrants: i64,
        mediation_since: Option<Date>,
    },
    /// 民工子弟学校 — a migrant children's school.
    MigrantChildrenSchool,
    /// 新市民组织 — a new-citizen self-organisation of a town or street.
    NewCitizenOrganisation,
    /// 工作人员 — a staff member: assistant or information officer.
    Staff {
        role: StaffRole,
        is_migrant: bool,
        trained_on: Vec<Date>,
    },
}

impl RecordDetail {
    /// The kind's name, e.g. `rental_house`.
    pub fn kind(&self) -> &'static str {
        match self {
            RecordDetail::Employer { .. } => "employer",
            RecordDetail::Landlord { .. } => "landlord",
            RecordDetail::RentalHouse { .. } => "rental_house",
            RecordDetail::Hotel => "hotel",
            RecordDetail::Agency { .. } => "agency",
            RecordDetail::ConcentratedZone { .. } => "concentrated_zone",
            RecordDetail::Settlement { .. } => "settlement",
            RecordDetail::MigrantChildrenSchool => "migrant_children_school",
            RecordDetail::NewCitizenOrganisation => "new_citizen_organisation",
            RecordDetail::Staff { .. } => "staff",
        }
    }
}
