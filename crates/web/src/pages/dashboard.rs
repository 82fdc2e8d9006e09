//! 目标看板 — the dashboard: every indicator of a unit as of a date against this
//! year's target, drilled down from the city to districts, towns and villages with
//! breadcrumbs back up; for the chosen indicator its quarterly trend with the target
//! line, bars comparing the units below, and the districts ranked.

use analytics::{IndicatorResult, Step};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use domain::Date;
use domain::division::DivisionCode;
use domain::policy::{Direction, Indicator};
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;

use super::catalogue::{Lang, Msg};
use super::charts::{self, TrendPoint};
use super::figures;
use super::layout::{self, page};
use super::session::Viewer;
use crate::App;
use crate::error::{ApiError, Code};
use crate::extract::{Query, date_param};

/// What the dashboard shows: a unit, a date and an indicator, each with a default.
#[derive(Debug, Deserialize)]
pub struct DashboardQuery {
    /// A division code; the user's own unit when absent.
    pub unit: Option<String>,
    /// `YYYY-MM-DD`; today when absent.
    pub as_of: Option<String>,
    /// An indicator id; the policy's first when absent.
    pub indicator: Option<String>,
}

/// How many years of quarters the trend shows before the as-of date.
const TREND_YEARS: i16 = 2;

/// `GET /dashboard`.
pub async fn show(
    State(app): State<App>,
    viewer: Viewer,
    Query(query): Query<DashboardQuery>,
) -> Response {
    let lang = viewer.lang;
    match render(&app, &viewer, query) {
        Ok(body) => page(lang, Some(&viewer), Msg::Dashboard.in_(lang), body).into_response(),
        Err(error) => layout::error_page(lang, error),
    }
}

/// The unit asked for, which must lie in the user's subtree; theirs when none is.
fn unit_param(viewer: &Viewer, text: Option<&str>) -> Result<DivisionCode, ApiError> {
    match text.filter(|t| !t.is_empty()) {
        None => Ok(viewer.user.unit),
        Some(text) => crate::indicators::unit_param(&viewer.user, text),
    }
}

fn render(app: &App, viewer: &Viewer, query: DashboardQuery) -> Result<Markup, ApiError> {
    let lang = viewer.lang;
    let unit = unit_param(viewer, query.unit.as_deref())?;
    let as_of = date_param("as_of", query.as_of.as_deref())?.unwrap_or_else(crate::today);
    let (policy, results) = super::evaluate(app, unit, as_of)?;
    let chosen = query
        .indicator
        .as_deref()
        .and_then(|id| figures::indicator(&policy, id))
        .or(policy.indicators.first())
        .ok_or_else(|| ApiError::internal("the policy has no indicator"))?;
    let city = app.hierarchy().city();
    let (_, districts) = super::evaluate(app, city, as_of)?;
    let trend = trend(app, unit, chosen, as_of, lang)?;
    let own: Vec<&IndicatorResult> = results.iter().filter(|r| r.unit == unit).collect();
    let children: Vec<&IndicatorResult> = results
        .iter()
        .filter(|r| r.unit != unit && r.indicator == chosen.id)
        .collect();
    let chosen_result = own.iter().find(|r| r.indicator == chosen.id);
    let link = |unit: DivisionCode, indicator: &str| {
        format!("/dashboard?unit={unit}&as_of={as_of}&indicator={indicator}")
    };
    let name_of = |code: DivisionCode| {
        app.hierarchy()
            .unit(code)
            .map_or_else(|| code.to_string(), |u| u.name.clone())
    };
    let bars: Vec<(String, Option<f64>)> = children
        .iter()
        .map(|r| (name_of(r.unit), r.value))
        .collect();
    let bar_chart = charts::bars(
        &bars,
        chosen_result.and_then(|r| r.target).map(|t| t.to_f64()),
    );
    Ok(html! {
        nav.crumbs aria-label="breadcrumbs" {
            @for step in app.hierarchy().path(unit) {
                @if viewer.user.covers(step.code) && step.code != unit {
                    a href=(link(step.code, &chosen.id)) { (step.name) } " › "
                } @else if step.code == unit {
                    strong { (step.name) }
                } @else {
                    span { (step.name) } " › "
                }
            }
        }
        form.row method="get" action="/dashboard" {
            input type="hidden" name="unit" value=(unit);
            input type="hidden" name="indicator" value=(chosen.id);
            div {
                label for="as_of" { (Msg::AsOf.in_(lang)) }
                (super::forms::date_input("as_of", &as_of.to_string()))
            }
            div { button type="submit" { (Msg::Show.in_(lang)) } }
        }
        table.figures {
            thead { tr { th { (Msg::Indicator.in_(lang)) } (figures::header_cells(lang)) } }
            tbody {
                @for result in &own {
                    @if let Some(indicator) = figures::indicator(&policy, &result.indicator) {
                        tr {
                            td { a href={ (link(unit, &indicator.id)) "#detail" } { (indicator.id) " " (figures::name(indicator, lang)) } }
                            (figures::cells(result, indicator, lang))
                        }
                    }
                }
            }
        }
        (super::exports::links(viewer, unit, as_of))
        section #detail {
            h2 { (chosen.id) " " (figures::name(chosen, lang)) }
            div.grid {
                div.card.chart {
                    h3 { (Msg::QuarterlyTrend.in_(lang)) }
                    (svg(trend))
                }
                @if !children.is_empty() {
                    div.card.chart {
                        h3 { (Msg::ChildUnits.in_(lang)) }
                        (svg(bar_chart))
                    }
                }
            }
            @if !children.is_empty() {
                table.children {
                    thead { tr { th { (Msg::Unit.in_(lang)) } (figures::header_cells(lang)) } }
                    tbody {
                        @for result in &children {
                            tr {
                                td { a href=(link(result.unit, &chosen.id)) { (name_of(result.unit)) } }
                                (figures::cells(result, chosen, lang))
                            }
                        }
                    }
                }
            }
            h3 { (Msg::DistrictRanking.in_(lang)) }
            table.ranking {
                thead { tr { th { (Msg::Rank.in_(lang)) } th { (Msg::Unit.in_(lang)) } (figures::header_cells(lang)) } }
                tbody {
                    @for (rank, result) in ranked(&districts, city, chosen).into_iter().enumerate() {
                        tr {
                            td.num { (rank + 1) }
                            td {
                                @if viewer.user.covers(result.unit) {
                                    a href=(link(result.unit, &chosen.id)) { (name_of(result.unit)) }
                                } @else { (name_of(result.unit)) }
                            }
                            (figures::cells(result, chosen, lang))
                        }
                    }
                }
            }
        }
    })
}

/// A chart's SVG as drawn by the chart library, or a dash if drawing failed.
fn svg(chart: Option<String>) -> Markup {
    match chart {
        Some(svg) => PreEscaped(svg),
        None => html! { p { "—" } },
    }
}

/// The districts' results for `indicator`, best first (highest for "at least",
/// lowest for "at most"); those without a value last.
fn ranked<'r>(
    results: &'r [IndicatorResult],
    city: DivisionCode,
    indicator: &Indicator,
) -> Vec<&'r IndicatorResult> {
    let mut rows: Vec<&IndicatorResult> = results
        .iter()
        .filter(|r| r.unit != city && r.indicator == indicator.id)
        .collect();
    let key = |r: &IndicatorResult| match (r.value, indicator.direction) {
        (None, _) => f64::INFINITY,
        (Some(v), Direction::AtMost) => v,
        (Some(v), Direction::AtLeast | Direction::Tracked) => -v,
    };
    rows.sort_by(|a, b| key(a).total_cmp(&key(b)));
    rows
}

/// The quarterly trend of `indicator` for `unit` up to `as_of`, drawn.
fn trend(
    app: &App,
    unit: DivisionCode,
    indicator: &Indicator,
    as_of: Date,
    lang: Lang,
) -> Result<Option<String>, ApiError> {
    let from = Date::new(as_of.year() - TREND_YEARS, 1, 1)
        .map_err(|_| ApiError::internal("trend start out of range"))?;
    let series = {
        let engine = app.read_engine();
        engine.series(unit, &indicator.id, from, as_of, Step::Quarter)
    }
    .map_err(|error| ApiError {
        code: Code::InvalidParameter,
        field: Some("as_of".into()),
        message: error.message(),
    })?;
    let points: Vec<TrendPoint> = series
        .iter()
        .map(|r| TrendPoint {
            label: format!("{}Q{}", r.as_of.year(), (r.as_of.month() - 1) / 3 + 1),
            value: r.value,
            target: r.target.map(|t| t.to_f64()),
        })
        .collect();
    Ok(charts::trend(
        &points,
        Msg::Value.in_(lang),
        Msg::Target.in_(lang),
    ))
}
