//! 首页 — the page after login, fitted to who logged in: a station sees the
//! registration desk of its village, an officer or leader the targets of their unit,
//! a department's data manager the indicators of its department.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use domain::access::{Department, Role, User};
use maud::{Markup, html};

use super::catalogue::{Lang, Msg};
use super::figures;
use super::layout::{self, page};
use super::session::Viewer;
use crate::App;

/// The role's name.
pub fn role_name(role: Role) -> Msg {
    match role {
        Role::Administrator => Msg::RoleAdministrator,
        Role::Officer => Msg::RoleOfficer,
        Role::StationStaff => Msg::RoleStationStaff,
        Role::DepartmentManager => Msg::RoleDepartmentManager,
        Role::Leader => Msg::RoleLeader,
    }
}

/// The department's name.
pub fn department_name(department: Department) -> Msg {
    match department {
        Department::PublicSecurity => Msg::DeptPublicSecurity,
        Department::Labour => Msg::DeptLabour,
        Department::Education => Msg::DeptEducation,
        Department::Health => Msg::DeptHealth,
        Department::FamilyPlanning => Msg::DeptFamilyPlanning,
        Department::TradeUnion => Msg::DeptTradeUnion,
        Department::Justice => Msg::DeptJustice,
        Department::Statistics => Msg::DeptStatistics,
    }
}

/// Whether the home page of `user` shows indicator `id`: a department sees the
/// group of the policy it answers for (R registration, E employment, D schooling,
/// H health, F family planning, L legal education), statistics and everyone else
/// all of them.
fn shows_indicator(user: &User, id: &str) -> bool {
    let group = match user.department {
        Some(Department::PublicSecurity) => "R",
        Some(Department::Labour | Department::TradeUnion) => "E",
        Some(Department::Education) => "D",
        Some(Department::Health) => "H",
        Some(Department::FamilyPlanning) => "F",
        Some(Department::Justice) => "L",
        Some(Department::Statistics) | None => "",
    };
    id.starts_with(group)
}

/// The actions the user's role has, as tiles.
fn actions(user: &User, lang: Lang) -> Markup {
    html! {
        ul.tiles {
            @if user.role == Role::StationStaff {
                li { a href="/persons/new" { (Msg::Register.in_(lang)) } }
            }
            @if user.may_read_persons() {
                li { a href="/persons" { (Msg::Search.in_(lang)) } }
                li { a href="/records" { (Msg::Records.in_(lang)) } }
            }
            @if super::imports::offered_to(user) {
                li { a href="/imports" { (Msg::Imports.in_(lang)) } }
            }
            li { a href={ "/dashboard?unit=" (user.unit) } { (Msg::Dashboard.in_(lang)) } }
        }
    }
}

/// `GET /`.
pub async fn show(State(app): State<App>, viewer: Viewer) -> Response {
    let lang = viewer.lang;
    let user = &viewer.user;
    let today = crate::today();
    let (policy, results) = match super::evaluate(&app, user.unit, today) {
        Ok(answer) => answer,
        Err(error) => return layout::error_page(lang, error),
    };
    let path: Vec<&str> = app
        .hierarchy()
        .path(user.unit)
        .into_iter()
        .map(|unit| unit.name.as_str())
        .collect();
    let body = html! {
        section.card {
            p { (Msg::Welcome.in_(lang)) "，" (user.name) }
            p { (Msg::YourRole.in_(lang)) "：" (role_name(user.role).in_(lang))
                @if let Some(department) = user.department {
                    " · " (Msg::YourDepartment.in_(lang)) "：" (department_name(department).in_(lang))
                }
            }
            p { (Msg::YourUnit.in_(lang)) "：" (path.join(" › ")) " (" (user.unit) ")" }
        }
        h2 { (Msg::WhatToDo.in_(lang)) }
        (actions(user, lang))
        h2 { (Msg::TodayFigures.in_(lang)) " · " (today) }
        table.figures {
            thead { tr { th { (Msg::Indicator.in_(lang)) } (figures::header_cells(lang)) } }
            tbody {
                @for result in results.iter().filter(|r| r.unit == user.unit && shows_indicator(user, &r.indicator)) {
                    @if let Some(indicator) = figures::indicator(&policy, &result.indicator) {
                        tr {
                            td { (indicator.id) " " (figures::name(indicator, lang)) }
                            (figures::cells(result, indicator, lang))
                        }
                    }
                }
            }
        }
    };
    page(lang, Some(&viewer), Msg::Home.in_(lang), body).into_response()
}
