//! 图表 — the dashboard's charts as SVG, drawn on the server by the plotters crate
//! (its SVG backend only): an indicator's quarterly trend with the target line, and
//! bars comparing the units below.
//!
//! The SVG is built from numbers and from names the hierarchy and the catalogue
//! hold; plotters escapes text it writes into the SVG.

use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;

/// Colours of the charts.
const VALUE: RGBColor = RGBColor(11, 83, 148);
const TARGET: RGBColor = RGBColor(197, 48, 48);
const FONT: &str = "sans-serif";

/// One period of a trend: its label, the value and the target (if any).
#[derive(Debug, Clone)]
pub struct TrendPoint {
    pub label: String,
    pub value: Option<f64>,
    pub target: Option<f64>,
}

/// The top of the value axis: a little above the largest value or target.
fn axis_top(values: impl Iterator<Item = f64>) -> f64 {
    let top = values.fold(0.0_f64, f64::max);
    if top <= 0.0 { 1.0 } else { top * 1.1 }
}

/// A line chart of `points` with the target as a second line; `None` if drawing
/// failed.
pub fn trend(points: &[TrendPoint], value_label: &str, target_label: &str) -> Option<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (640, 280)).into_drawing_area();
        root.fill(&WHITE).ok()?;
        let top = axis_top(
            points
                .iter()
                .flat_map(|p| p.value.into_iter().chain(p.target)),
        );
        let count = points.len().max(1);
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(52)
            .build_cartesian_2d(-0.5_f64..count as f64 - 0.5, 0.0_f64..top)
            .ok()?;
        let label = |x: &f64| {
            let index = x.round();
            if (x - index).abs() < 1e-6 && index >= 0.0 {
                points
                    .get(index as usize)
                    .map_or_else(String::new, |p| p.label.clone())
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .x_labels(count)
            .x_label_formatter(&label)
            .disable_x_mesh()
            .label_style((FONT, 12))
            .draw()
            .ok()?;
        let values = points
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.value.map(|v| (i as f64, v)));
        chart
            .draw_series(LineSeries::new(values.clone(), VALUE.stroke_width(2)))
            .ok()?
            .label(value_label)
            .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], VALUE.stroke_width(2)));
        chart
            .draw_series(values.map(|(x, y)| Circle::new((x, y), 3, VALUE.filled())))
            .ok()?;
        let targets = points
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.target.map(|t| (i as f64, t)));
        chart
            .draw_series(LineSeries::new(targets, TARGET.stroke_width(2)))
            .ok()?
            .label(target_label)
            .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], TARGET.stroke_width(2)));
        chart
            .configure_series_labels()
            .label_font((FONT, 12))
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK.mix(0.3))
            .position(SeriesLabelPosition::LowerRight)
            .draw()
            .ok()?;
        root.present().ok()?;
    }
    Some(svg)
}

/// Horizontal bars, one per `(name, value)`, with the target as a vertical line;
/// `None` if drawing failed.
pub fn bars(bars: &[(String, Option<f64>)], target: Option<f64>) -> Option<String> {
    let mut svg = String::new();
    {
        let height = 40 + 24 * bars.len().max(1) as u32;
        let root = SVGBackend::with_string(&mut svg, (640, height)).into_drawing_area();
        root.fill(&WHITE).ok()?;
        let top = axis_top(bars.iter().filter_map(|(_, v)| *v).chain(target));
        let count = bars.len().max(1) as i32;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(24)
            .y_label_area_size(150)
            .build_cartesian_2d(0.0_f64..top, (0..count).into_segmented())
            .ok()?;
        let name = |y: &SegmentValue<i32>| match y {
            SegmentValue::CenterOf(i) => bars
                .get(*i as usize)
                .map_or_else(String::new, |b| b.0.clone()),
            _ => String::new(),
        };
        chart
            .configure_mesh()
            .y_labels(bars.len().max(1))
            .y_label_formatter(&name)
            .disable_y_mesh()
            .label_style((FONT, 12))
            .draw()
            .ok()?;
        chart
            .draw_series(bars.iter().enumerate().filter_map(|(i, (_, value))| {
                let value = (*value)?;
                let i = i as i32;
                let mut bar = Rectangle::new(
                    [
                        (0.0, SegmentValue::Exact(i)),
                        (value, SegmentValue::Exact(i + 1)),
                    ],
                    VALUE.filled(),
                );
                bar.set_margin(3, 3, 0, 0);
                Some(bar)
            }))
            .ok()?;
        if let Some(target) = target {
            chart
                .draw_series(LineSeries::new(
                    [
                        (target, SegmentValue::Exact(0)),
                        (target, SegmentValue::Last),
                    ],
                    TARGET.stroke_width(2),
                ))
                .ok()?;
        }
        root.present().ok()?;
    }
    Some(svg)
}
