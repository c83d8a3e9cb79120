//! Bar charts as inline SVG, drawn by plotters' SVG backend.
//!
//! One kind of chart serves every figure of the report: grouped vertical bars over named categories
//! (cities, age groups, household sizes, hours), one bar per series in each group, with the value
//! written above each bar when there are few enough bars to read them. The legend is not drawn
//! into the SVG but returned to the caller, which writes it as HTML: plotters measures text by
//! bytes without a font (no font file is embedded, the browser's fonts draw the text), so a legend
//! box sized by plotters would be twice too wide for Cyrillic.
//!
//! The `xmlns` attribute plotters writes is dropped: inline SVG in HTML needs none, and the report
//! then holds no URL at all.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The colours of the series, in order (colour-blind safe, after Okabe and Ito); they print in grey
/// distinguishably too.
pub const PALETTE: [&str; 6] = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"];

/// The font the SVG asks the browser for.
const FONT: &str = "sans-serif";

/// One series: its name (for the legend) and one value per category.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub name: String,
    pub values: Vec<f64>,
}

/// A grouped bar chart.
#[derive(Clone, Debug, PartialEq)]
pub struct BarChart {
    pub categories: Vec<String>,
    pub series: Vec<Series>,
    /// The axis description on the left ("%", "households").
    pub y_desc: String,
    /// The axis description under the categories.
    pub x_desc: String,
    /// Values are percentages: the axis ends at 100 at most and values show one decimal.
    pub percent: bool,
}

fn rgb(hex: &str) -> RGBColor {
    let v = u32::from_str_radix(hex.trim_start_matches('#'), 16).unwrap_or(0);
    RGBColor((v >> 16) as u8, (v >> 8) as u8, v as u8)
}

/// The colour of series `i`.
pub fn colour(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

/// Shortens a category label that would not fit under its group.
fn fit(label: &str, chars: usize) -> String {
    if label.chars().count() <= chars {
        return label.to_string();
    }
    let mut s: String = label.chars().take(chars.saturating_sub(1)).collect();
    s.push('…');
    s
}

/// A value as written above its bar.
fn value_text(v: f64, percent: bool) -> String {
    if percent || v.fract() != 0.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.0}")
    }
}

/// A round upper end of the value axis.
fn axis_max(max: f64, percent: bool) -> f64 {
    if max <= 0.0 {
        return if percent { 100.0 } else { 1.0 };
    }
    let padded = max * 1.12;
    if percent {
        return (padded / 10.0).ceil().min(10.0) * 10.0;
    }
    let step = 10f64.powf(padded.log10().floor());
    (padded / step).ceil() * step
}

impl BarChart {
    /// The chart as an `<svg>` element of the given size in pixels.
    pub fn svg(&self, width: u32, height: u32) -> String {
        let mut out = String::new();
        {
            let root = SVGBackend::with_string(&mut out, (width, height)).into_drawing_area();
            // Drawing into a string cannot fail but for a bug in the layout; the chart is then left
            // empty rather than the report lost.
            let _ = self.draw(&root);
            let _ = root.present();
        }
        out.replace(" xmlns=\"http://www.w3.org/2000/svg\"", "")
    }

    fn draw(&self, root: &DrawingArea<SVGBackend, Shift>) -> Result<(), Box<dyn std::error::Error + '_>> {
        root.fill(&WHITE)?;
        let n = self.categories.len().max(1);
        let k = self.series.len().max(1);
        let max = self.series.iter().flat_map(|s| s.values.iter().copied()).fold(0.0, f64::max);
        let top = axis_max(max, self.percent);
        let (w, _) = root.dim_in_pixel();
        // Long labels get a little more room below the axis.
        // Many groups get smaller labels; a label longer than its group is shortened. plotters
        // writes font sizes divided by 1.24; a character is about 0.55 em wide.
        let label_size = if n > 12 { 13.0 } else { 16.0 };
        let char_px = label_size / 1.24 * 0.55;
        let label_chars = (((w as f64 - 70.0) / n as f64 / char_px) as usize).clamp(4, 24);
        let mut chart = ChartBuilder::on(root)
            .margin_top(14)
            .margin_right(12)
            .margin_left(4)
            .x_label_area_size(if self.x_desc.is_empty() { 26 } else { 44 })
            .y_label_area_size(56)
            // A discrete integer range is inclusive in plotters: 0..n-1 makes n segments.
            .build_cartesian_2d((0..n - 1).into_segmented(), 0f64..top)?;
        let categories = &self.categories;
        let x_fmt = |v: &SegmentValue<usize>| match v {
            SegmentValue::CenterOf(i) => categories.get(*i).map(|c| fit(c, label_chars)).unwrap_or_default(),
            _ => String::new(),
        };
        let percent = self.percent;
        let y_fmt = |v: &f64| if percent { format!("{v:.0}") } else { value_text(*v, false) };
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n)
            .x_label_formatter(&x_fmt)
            .y_labels(6)
            .y_label_formatter(&y_fmt)
            .y_desc(self.y_desc.as_str())
            .x_desc(self.x_desc.as_str())
            .label_style((FONT, label_size))
            .axis_desc_style((FONT, 16))
            .light_line_style(TRANSPARENT)
            .bold_line_style(RGBColor(225, 225, 225))
            .draw()?;
        let (pw, ph) = chart.plotting_area().dim_in_pixel();
        let group = pw as f64 / n as f64;
        let bar = (group * 0.8 / k as f64).min(48.0);
        let show_values = n * k <= 30 && bar >= 14.0;
        let value_style = TextStyle::from((FONT, 14).into_font()).color(&RGBColor(40, 40, 40)).pos(Pos::new(HPos::Center, VPos::Bottom));
        for (s, series) in self.series.iter().enumerate() {
            let fill = rgb(colour(s));
            let elements = series.values.iter().enumerate().take(n).map(|(i, v)| {
                let h = (v.max(0.0) / top * ph as f64).round() as i32;
                let x0 = ((s as f64 - k as f64 / 2.0) * bar).round() as i32;
                let x1 = x0 + bar.round().max(1.0) as i32 - 1;
                let label = if show_values { value_text(*v, percent) } else { String::new() };
                EmptyElement::at((SegmentValue::CenterOf(i), 0.0))
                    + Rectangle::new([(x0, -h), (x1, 0)], fill.filled())
                    + Text::new(label, ((x0 + x1) / 2, -h - 2), value_style.clone())
            });
            chart.draw_series(elements)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axis_ends_on_a_round_number_above_the_largest_value() {
        assert_eq!(axis_max(54.4, true), 70.0);
        assert_eq!(axis_max(95.0, true), 100.0);
        assert_eq!(axis_max(0.0, false), 1.0);
        assert_eq!(axis_max(2227.0, false), 3000.0);
        assert_eq!(axis_max(7.0, false), 8.0);
    }

    #[test]
    fn a_chart_is_inline_svg_with_its_labels_and_no_url() {
        let chart = BarChart {
            categories: vec!["Алматы".into(), "Қарағанды".into()],
            series: vec![Series { name: "a".into(), values: vec![16.3, 1.8] }, Series { name: "b".into(), values: vec![83.7, 98.2] }],
            y_desc: "%".into(),
            x_desc: String::new(),
            percent: true,
        };
        let svg = chart.svg(600, 300);
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains("Қарағанды") && svg.contains("83.7") && svg.contains("98.2"), "{svg}");
        assert!(!svg.contains("http"), "{svg}");
        assert!(svg.matches("<rect").count() >= 4);
    }

    #[test]
    fn long_labels_are_shortened_with_an_ellipsis() {
        assert_eq!(fit("Другим языком (укажите)", 8), "Другим …");
        assert_eq!(fit("Алматы", 8), "Алматы");
    }
}
