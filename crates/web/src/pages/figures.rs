//! 指标表 — how an indicator's result reads on a page: its value with the unit,
//! numerator/denominator, this year's target, the gap to it and the colour band.

use analytics::{Band, IndicatorResult};
use domain::policy::{Indicator, Policy, ValueUnit};
use maud::{Markup, html};

use super::catalogue::{Lang, Msg};

/// The indicator's name in `lang`.
pub fn name(indicator: &Indicator, lang: Lang) -> &str {
    lang.pick(&indicator.zh, &indicator.en)
}

/// The unit sign after a value, e.g. `%`.
pub fn unit_sign(unit: ValueUnit) -> &'static str {
    match unit {
        ValueUnit::Percent => "%",
        ValueUnit::Permille => "‰",
        ValueUnit::SquareMetres => " m²",
        ValueUnit::Count => "",
    }
}

/// A value with one decimal and its unit sign; `—` for none.
pub fn value_text(value: Option<f64>, unit: ValueUnit) -> String {
    match value {
        Some(value) => format!("{value:.1}{}", unit_sign(unit)),
        None => "—".to_owned(),
    }
}

/// The value minus the target, signed, in the indicator's unit; `—` without both.
pub fn gap_text(result: &IndicatorResult, unit: ValueUnit) -> String {
    match (result.value, result.target) {
        (Some(value), Some(target)) => {
            format!("{:+.1}{}", value - target.to_f64(), unit_sign(unit))
        }
        _ => "—".to_owned(),
    }
}

/// The band's label, coloured.
pub fn band(band: Band, lang: Lang) -> Markup {
    let (class, label) = match band {
        Band::Green => ("green", Msg::BandGreen),
        Band::Yellow => ("yellow", Msg::BandYellow),
        Band::Red => ("red", Msg::BandRed),
        Band::NoTarget => ("no_target", Msg::BandNoTarget),
        Band::NoData => ("no_data", Msg::BandNoData),
    };
    html! { span class={ "band band-" (class) } { (label.in_(lang)) } }
}

/// The cells after the indicator's name: value, fraction, target, gap, band.
pub fn cells(result: &IndicatorResult, indicator: &Indicator, lang: Lang) -> Markup {
    let exact = |x: Option<analytics::Exact>| x.map_or("—".to_owned(), |x| x.to_string());
    html! {
        td.num { (value_text(result.value, indicator.unit)) }
        td.num.fraction { (exact(result.numerator)) " / " (exact(result.denominator)) }
        td.num { (result.target.map_or("—".to_owned(), |t| format!("{t}{}", unit_sign(indicator.unit)))) }
        td.num { (gap_text(result, indicator.unit)) }
        td { (band(result.band, lang)) }
    }
}

/// The header cells matching [`cells`].
pub fn header_cells(lang: Lang) -> Markup {
    html! {
        th { (Msg::Value.in_(lang)) }
        th { (Msg::Fraction.in_(lang)) }
        th { (Msg::Target.in_(lang)) }
        th { (Msg::Gap.in_(lang)) }
        th { (Msg::Band.in_(lang)) }
    }
}

/// The policy's indicator with this id.
pub fn indicator<'p>(policy: &'p Policy, id: &str) -> Option<&'p Indicator> {
    policy
        .indicators
        .iter()
        .find(|indicator| indicator.id == id)
}
