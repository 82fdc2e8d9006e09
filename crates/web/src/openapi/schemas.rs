//! 接口文档的数据结构 — OpenAPI schemas of the domain's and the store's types, which
//! cannot derive `ToSchema` themselves (they must not know HTTP).
//!
//! Each mirror has the same serde shape as its original; the tests serialize the
//! originals and read them back into these mirrors (unknown fields denied), so a
//! field added to the domain without its schema fails the build's tests. They are
//! never used to serve data.

// Fields are never read (the mirrors only describe), and the originals in `domain`
// and `store` carry the documentation of each field and variant.
#![allow(dead_code, missing_docs)]

use jiff::Timestamp;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::extract::Day;

/// 用户 — a person who logs in.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct User {
    pub id: i64,
    pub login: String,
    pub name: String,
    pub role: Role,
    /// The division code of the unit whose subtree the user works in.
    #[schema(example = "320211")]
    pub unit: String,
    pub department: Option<Department>,
}

/// 角色 — what a user does.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Administrator,
    Officer,
    StationStaff,
    DepartmentManager,
    Leader,
}

/// 部门 — a department that keeps its own data.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Department {
    PublicSecurity,
    Labour,
    Education,
    Health,
    FamilyPlanning,
    TradeUnion,
    Justice,
    Statistics,
}

/// What a committed event produced.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    /// The event's place in the log.
    pub seq: i64,
    /// The person it is about (for a registration, the new person's number).
    pub person: Option<i64>,
    /// Facts it inserted.
    pub facts: Vec<i64>,
    /// The record it saved, if any.
    pub record: Option<i64>,
}

/// 性别 — sex, as the ID number says.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

/// 外来人口 — a registered migrant.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Person {
    pub id: i64,
    /// 公民身份号码 — the full ID number (only in a person's file).
    pub resident_id: String,
    pub name: String,
    pub sex: Sex,
    pub birth_date: Day,
    /// 户籍地 — the hukou division code.
    pub hukou: String,
    /// 登记日期 — the day of registration.
    pub registered_on: Day,
    /// 离开日期 — the day of departure (no longer present that day).
    pub left_on: Option<Day>,
    /// The village or community of the current (or last) residence.
    pub unit: String,
}

/// 居住方式 — how a migrant is housed.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Housing {
    ConcentratedZone,
    RentedHouse,
    EmployerDormitory,
    OwnHome,
}

/// 社会保险险种 — a social insurance scheme.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InsuranceScheme {
    Pension,
    Medical,
    Unemployment,
    WorkInjury,
}

/// 学校类别 — the kind of school.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SchoolKind {
    Public,
    Private,
    MigrantChildren,
}

/// What a dated fact says, tagged by `kind`.
#[derive(Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum FactKind {
    /// 居住 — lives in `unit`, housed as `housing`, at `place` (a zone, rented house or employer).
    Residence {
        housing: Housing,
        unit: String,
        place: Option<i64>,
    },
    /// 就业 — works for `employer` for a monthly wage in fen.
    Employment {
        employer: i64,
        monthly_wage_fen: i64,
    },
    /// 劳动合同 — a labour contract with `employer`.
    LabourContract { employer: i64 },
    /// 社会保险 — insured under `scheme`.
    Insurance { scheme: InsuranceScheme },
    /// 高危行业岗位
    HighRiskJob,
    /// 工会会员
    UnionMembership,
    /// 技能培训
    SkillsTraining,
    /// 就学 — enrolled in a school of this kind.
    Schooling { school: SchoolKind },
    /// 入托入学预防接种证查验
    VaccinationCertificateChecked,
    /// 计划免疫
    ImmunisationUpToDate,
    /// 儿童保健
    ChildCare,
    /// 孕产期
    Pregnancy,
    /// 孕产妇保健
    MaternalCare,
    /// 结核病
    TbCase,
    /// 结核病免费治疗
    TbFreeTreatment,
    /// 已婚
    Married,
    /// 计划生育服务
    FamilyPlanningService,
    /// 婚育证明查验
    FamilyPlanningCertificateCheck,
    /// 计划生育合同
    FamilyPlanningContract,
    /// 法制和公民教育
    LegalEducation,
    /// 暂住证 — a temporary residence permit.
    TemporaryResidencePermit { number: String },
}

/// A dated fact: holds from `from` through `to` (inclusive; `null`: still holds).
/// The fact's kind and attributes are flattened into it.
#[derive(Deserialize, ToSchema)]
pub struct Fact {
    pub id: i64,
    pub person: i64,
    #[serde(flatten)]
    pub kind: FactKind,
    pub from: Day,
    pub to: Option<Day>,
}

/// 家庭关系 — how two registered persons are related.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// 配偶 — spouse.
    Spouse,
    /// 父母 — `relative` is a parent of `person`.
    Parent,
}

/// A family link between two registered persons.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FamilyLink {
    pub person: i64,
    pub relative: i64,
    pub relation: Relation,
}

/// A person's file: the person, every fact (oldest first) and the family links.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonFile {
    pub person: Person,
    pub facts: Vec<Fact>,
    pub family: Vec<FamilyLink>,
}

/// A search hit, with the ID number masked.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonSummary {
    pub id: i64,
    pub name: String,
    /// e.g. `340102**********1X`.
    pub masked_id: String,
    pub unit: String,
    /// Whether the person is present today.
    pub present: bool,
}

/// One recorded view of a person's record.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ViewEntry {
    pub viewer: i64,
    pub viewer_login: String,
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    /// `file`, `facts`, `timeline`, `lookup` or `search`.
    pub what: String,
}

/// 工作人员岗位 — a staff member's post.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    RegistrationAssistant,
    InformationOfficer,
}

/// What kind of record it is, tagged by `kind`, with that kind's attributes.
#[derive(Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum RecordDetail {
    /// 用人单位 — an employer.
    Employer {
        union_since: Option<Day>,
        letter_signed_on: Option<Day>,
    },
    /// 房东 — a landlord.
    Landlord { letter_signed_on: Option<Day> },
    /// 出租房 — a rental house of `landlord`.
    RentalHouse {
        landlord: i64,
        address: String,
        registered_on: Option<Day>,
        entrusted_from: Option<Day>,
        entrusted_to: Option<Day>,
    },
    /// 旅馆
    Hotel,
    /// 中介机构
    Agency { letter_signed_on: Option<Day> },
    /// 集中居住区（点）
    ConcentratedZone { area_m2: i64, capacity: i64 },
    /// 聚居点
    Settlement {
        migrants: i64,
        mediation_since: Option<Day>,
    },
    /// 民工子弟学校
    MigrantChildrenSchool,
    /// 新市民组织
    NewCitizenOrganisation,
    /// 工作人员
    Staff {
        role: StaffRole,
        is_migrant: bool,
        trained_on: Vec<Day>,
    },
}

/// 非人员对象 — a record that is not a person.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Record {
    pub id: i64,
    pub name: String,
    pub unit: String,
    pub from: Day,
    pub to: Option<Day>,
    pub detail: RecordDetail,
}

/// Where an event came from, tagged by `channel`.
#[derive(Deserialize, ToSchema)]
#[serde(tag = "channel", rename_all = "snake_case", deny_unknown_fields)]
pub enum Source {
    /// 服务站 — a station (web page or API).
    Station,
    /// 部门导入 — one row of a department's import file.
    Import {
        file: String,
        sha256: String,
        row: u64,
    },
    /// 命令行
    Cli,
    /// 演示
    Demo,
}

/// A person as written on a registration form.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPerson {
    pub resident_id: String,
    pub name: String,
}

/// A residence as given on a form.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResidenceForm {
    pub housing: Housing,
    pub unit: String,
    pub place: Option<i64>,
}

/// A dated fact as given on a form.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FactForm {
    pub fact: FactKind,
    pub from: Day,
    pub to: Option<Day>,
}

/// 更正内容 — what a correction puts right, tagged by `target`.
#[derive(Deserialize, ToSchema)]
#[serde(tag = "target", rename_all = "snake_case", deny_unknown_fields)]
pub enum Correction {
    Fact {
        person: i64,
        fact: i64,
        kind: FactKind,
        from: Day,
        to: Option<Day>,
    },
    VoidFact {
        person: i64,
        fact: i64,
    },
    Person {
        person: i64,
        name: String,
        resident_id: String,
    },
}

/// What an event changed, tagged by `type`.
#[derive(Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Change {
    Register {
        person: NewPerson,
        on: Day,
        residence: ResidenceForm,
        facts: Vec<FactForm>,
    },
    Move {
        person: i64,
        on: Day,
        residence: ResidenceForm,
    },
    ChangeEmployer {
        person: i64,
        on: Day,
        employer: i64,
        monthly_wage_fen: i64,
    },
    AddFact {
        person: i64,
        fact: FactKind,
        from: Day,
        to: Option<Day>,
    },
    EndFact {
        person: i64,
        fact: i64,
        last_day: Day,
    },
    Leave {
        person: i64,
        on: Day,
    },
    LinkFamily {
        link: FamilyLink,
    },
    Correct {
        reason: String,
        correction: Correction,
    },
    SaveRecord {
        record: Record,
    },
}

/// 事件 — an event of the log.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Event {
    pub seq: i64,
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    /// The user who recorded it.
    pub actor: i64,
    pub unit: String,
    pub person: Option<i64>,
    pub source: Source,
    pub change: Change,
}

/// 区划 — a unit of the city's hierarchy, with the days it is valid.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    #[schema(example = "320213")]
    pub code: String,
    #[schema(example = "梁溪区")]
    pub name: String,
    pub parent: Option<String>,
    /// The first day it is valid; `null`: since before any record.
    pub valid_from: Option<Day>,
    /// The last day it is valid; `null`: still valid.
    pub valid_to: Option<Day>,
    /// The unit that took it over when it ended.
    pub successor: Option<String>,
}
