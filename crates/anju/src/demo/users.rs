//! 演示账号 — the demo's users: an administrator, the city office, an officer for
//! every district and town, a station for every village or community, department
//! managers and a leader, all with one printed demo password.
//!
//! The stations and offices are also who recorded the demo's events: each event's
//! actor is the user of the smallest unit that covers what it touches.

use anyhow::{Context as _, Result};
use domain::access::{Department, Role, User};
use domain::division::{DivisionCode, Hierarchy};
use store::NewUser;

use super::ledger::Actors;
use super::places::City;

/// The demo's password for every demo user (it is a demo: it is printed).
pub const DEMO_PASSWORD: &str = "anju-demo-2026";

/// A demo user worth printing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoUser {
    pub login: String,
    pub role: Role,
    pub department: Option<Department>,
    pub unit: DivisionCode,
    pub unit_name: String,
}

/// The demo's users: who acts for each unit, and who to print.
#[derive(Debug)]
pub struct DemoUsers {
    pub actors: Actors,
    pub listed: Vec<DemoUser>,
}

/// The role's name for the console, Chinese first.
pub fn role_name(role: Role, department: Option<Department>) -> String {
    let role = match role {
        Role::Administrator => "系统管理员 administrator",
        Role::Officer => "外管办工作人员 officer",
        Role::StationStaff => "服务站工作人员 station staff",
        Role::DepartmentManager => "部门数据管理员 department manager",
        Role::Leader => "领导 leader",
    };
    match department {
        None => role.to_string(),
        Some(d) => {
            let name = match d {
                Department::PublicSecurity => "公安 public security",
                Department::Labour => "劳动 labour",
                Department::Education => "教育 education",
                Department::Health => "卫生 health",
                Department::FamilyPlanning => "计生 family planning",
                Department::TradeUnion => "工会 trade unions",
                Department::Justice => "司法 justice",
                Department::Statistics => "统计 statistics",
            };
            format!("{role} · {name}")
        }
    }
}

/// Creates the demo users through `save` (a store's `create_user`, or numbering in
/// memory; one password hash for all: it is one password) and says who acts for
/// each unit.
pub fn create(
    hierarchy: &Hierarchy,
    city: &City,
    mut save: impl FnMut(NewUser) -> Result<User>,
) -> Result<DemoUsers> {
    let hash = web::password::hash(DEMO_PASSWORD);
    let mut actors = Actors::default();
    let mut listed = Vec::new();
    let unit_name = |code: DivisionCode| {
        hierarchy
            .unit(code)
            .map(|u| u.name.clone())
            .unwrap_or_else(|| code.to_string())
    };
    let mut add = |login: String,
                   name: String,
                   role: Role,
                   unit: DivisionCode,
                   department: Option<Department>,
                   list: bool|
     -> Result<()> {
        let user = save(NewUser {
            login: login.clone(),
            name,
            role,
            unit,
            department,
            password_hash: hash.clone(),
        })
        .with_context(|| format!("creating the demo user {login}"))?;
        if list {
            listed.push(DemoUser {
                login,
                role,
                department,
                unit,
                unit_name: unit_name(unit),
            });
        }
        if matches!(role, Role::Officer | Role::StationStaff) && department.is_none() {
            actors.insert(unit, user);
        }
        Ok(())
    };
    let root = city.code;
    add(
        "admin".into(),
        "系统管理员".into(),
        Role::Administrator,
        root,
        None,
        true,
    )?;
    add(
        "city".into(),
        format!("{}外来人口管理办公室", unit_name(root)),
        Role::Officer,
        root,
        None,
        true,
    )?;
    for district in &city.districts {
        add(
            format!("district-{}", district.code),
            format!("{}外管办", district.name),
            Role::Officer,
            district.code,
            None,
            true,
        )?;
    }
    let busiest = city.busiest_villages();
    let mut listed_towns: Vec<usize> = Vec::new();
    for &v in &busiest {
        let t = city.villages[v].town;
        if !listed_towns.contains(&t) {
            listed_towns.push(t);
        }
        if listed_towns.len() == 2 {
            break;
        }
    }
    for (t, town) in city.towns.iter().enumerate() {
        let name = format!("{}外来人口管理服务中心", town.name);
        add(
            format!("town-{}", town.code),
            name,
            Role::Officer,
            town.code,
            None,
            listed_towns.contains(&t),
        )?;
    }
    let listed_villages: Vec<usize> = busiest.iter().copied().take(3).collect();
    for (v, village) in city.villages.iter().enumerate() {
        let name = format!("{}管理服务站", village.name);
        add(
            format!("station-{}", village.code),
            name,
            Role::StationStaff,
            village.code,
            None,
            listed_villages.contains(&v),
        )?;
    }
    let departments = [
        ("labour", "劳动和社会保障局", Department::Labour),
        ("education", "教育局", Department::Education),
        ("health", "卫生局", Department::Health),
        (
            "family-planning",
            "人口和计划生育委员会",
            Department::FamilyPlanning,
        ),
        ("police", "公安局", Department::PublicSecurity),
    ];
    for (login, name, department) in departments {
        add(
            login.into(),
            name.into(),
            Role::DepartmentManager,
            root,
            Some(department),
            true,
        )?;
    }
    add(
        "leader".into(),
        "市领导".into(),
        Role::Leader,
        root,
        None,
        true,
    )?;
    Ok(DemoUsers { actors, listed })
}
