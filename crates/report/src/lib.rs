//! The fieldwork report as one HTML file: the KMRS report's tables and figures from computed figures.
//!
//! Pure: [`render_html`] takes a [`ReportData`] (the figures, already computed from the data by
//! `dala_session::report_data`, with the study's own labels in the report's language) and returns
//! the whole page as a string. The page is self-contained and opens offline: the charts are inline
//! SVG drawn by plotters (`chart.rs`), the style sheet is inline, there is no script, no font file
//! and no URL. It prints on A4 (each figure kept on one page, colours kept).
//!
//! The figures: sample by city against the plan, interview language by city, the language known
//! best, respondents' sex against the city's population share and the quota target (and all
//! household members' sex), the age structure of respondents and of all members, household size,
//! AAPOR dispositions and rates by city, route and interviewer, visits per complete and the time of
//! day of contact attempts. A figure whose source the study does not name, or for which there is no
//! data yet, is replaced by a sentence saying so ([`Absent`]).
//!
//! Every heading, label and note of the report's own is worded in Russian, Kazakh and English
//! (`words.rs`); the study's texts (city names, answer options) come in the caller's language.
//!
//! ```
//! use dala_report::{render_html, ReportData};
//! let html = render_html(&ReportData::default(), dala_i18n::Lang::Kk);
//! assert!(html.contains("Далалық кезең туралы есеп"));
//! ```

mod chart;
mod words;

use std::fmt::Write;

pub use chart::{BarChart, Series, PALETTE};
use dala_i18n::Lang;
use words::Words;

/// Why a figure is not shown.
#[derive(Clone, Debug, PartialEq)]
pub enum Absent {
    /// The study does not name the question this figure reads: the `[fieldwork_links]` key.
    NoLink(String),
    /// The study names it, but no completed interview has it answered yet.
    NoData,
}

/// A figure, or why it is absent.
pub type Figure<T> = Result<T, Absent>;

/// Counts of a variable (columns) in groups (rows): cities, or respondents and members.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Crosstab {
    /// The groups ("Алматы", …); the table adds a total row when there are several.
    pub rows: Vec<String>,
    /// The categories, in order.
    pub columns: Vec<String>,
    /// `counts[row][column]`.
    pub counts: Vec<Vec<u64>>,
}

impl Crosstab {
    /// The total of a row.
    pub fn row_total(&self, row: usize) -> u64 {
        self.counts.get(row).map_or(0, |r| r.iter().sum())
    }

    /// A row as percentages of its total (zeros when empty).
    pub fn row_percent(&self, row: usize) -> Vec<f64> {
        let total = self.row_total(row);
        self.counts
            .get(row)
            .map(|r| r.iter().map(|&c| if total == 0 { 0.0 } else { c as f64 * 100.0 / total as f64 }).collect())
            .unwrap_or_default()
    }

    /// The column sums over every row.
    pub fn column_totals(&self) -> Vec<u64> {
        (0..self.columns.len()).map(|c| self.counts.iter().map(|r| r.get(c).copied().unwrap_or(0)).sum()).collect()
    }

    fn is_empty(&self) -> bool {
        self.counts.iter().all(|r| r.iter().all(|&c| c == 0))
    }
}

/// Final dispositions by AAPOR outcome class.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Dispositions {
    pub i: u64,
    pub p: u64,
    pub r: u64,
    pub nc: u64,
    pub o: u64,
    pub uh: u64,
    pub uo: u64,
    pub ne: u64,
    /// Of `ne`, the quota-filled cases (4.80).
    pub quota_filled: u64,
}

/// AAPOR rates as proportions (`None` where undefined).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rates {
    pub rr1: Option<f64>,
    pub rr3: Option<f64>,
    pub rr5: Option<f64>,
    pub coop1: Option<f64>,
    pub ref1: Option<f64>,
    pub con1: Option<f64>,
    /// The `e` used (share of unknown-eligibility cases assumed eligible).
    pub e: Option<f64>,
}

/// Dispositions and rates of the whole fieldwork, a city, a route or an interviewer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outcome {
    pub label: String,
    pub dispositions: Dispositions,
    pub rates: Rates,
}

/// One city's sample: completes against the plan, and respondents' sex against its population and quota.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CitySample {
    pub name: String,
    pub completes: u64,
    pub planned: u64,
    pub female: u64,
    pub male: u64,
    pub target_female: u64,
    pub target_male: u64,
    /// The city's population share of women, percent (the study's fieldwork settings).
    pub population_female_percent: f64,
}

/// The whole fieldwork's counts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Totals {
    pub addresses: u64,
    pub open: u64,
    /// Contact attempts.
    pub visits: u64,
    pub completes: u64,
}

/// Everything the report shows, computed; study texts already in the report's language.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportData {
    /// The study's title.
    pub title: String,
    /// The study's id and version ("kmrs-2010 1.0.0").
    pub study: String,
    /// When the figures were computed ("2026-12-03 09:30 UTC").
    pub generated_at: String,
    pub databases: usize,
    /// Open addresses counted with their provisional disposition (else closed addresses only).
    pub provisional: bool,
    pub totals: Totals,
    pub overall: Outcome,
    /// `e` without the quota-filled cases (4.80).
    pub e_without_quota_filled: Option<f64>,
    pub cities: Vec<CitySample>,
    /// Completed interviews: cities × interview languages.
    pub interview_language: Figure<Crosstab>,
    /// Respondents: cities × the answer options of the language known best.
    pub language_best: Figure<Crosstab>,
    /// All household members: cities × the sex question's options.
    pub members_sex: Figure<Crosstab>,
    /// Two rows (respondents, all members) × age groups.
    pub age: Figure<Crosstab>,
    /// One row (households) × sizes 1, 2, …
    pub household_size: Figure<Crosstab>,
    pub outcomes_by_city: Vec<Outcome>,
    pub outcomes_by_route: Vec<Outcome>,
    pub outcomes_by_interviewer: Vec<Outcome>,
    /// Completed addresses by their number of visits (one row × "1", "2", …, "5+").
    pub visits_per_complete: Crosstab,
    /// Contact attempts by local hour: three rows (interview, contact without interview, no one
    /// reached) × hours.
    pub contact_hours: Crosstab,
}

impl Default for ReportData {
    /// A report with no data: every figure absent for want of data.
    fn default() -> ReportData {
        ReportData {
            title: String::new(),
            study: String::new(),
            generated_at: String::new(),
            databases: 0,
            provisional: false,
            totals: Totals::default(),
            overall: Outcome::default(),
            e_without_quota_filled: None,
            cities: Vec::new(),
            interview_language: Err(Absent::NoData),
            language_best: Err(Absent::NoData),
            members_sex: Err(Absent::NoData),
            age: Err(Absent::NoData),
            household_size: Err(Absent::NoData),
            outcomes_by_city: Vec::new(),
            outcomes_by_route: Vec::new(),
            outcomes_by_interviewer: Vec::new(),
            visits_per_complete: Crosstab::default(),
            contact_hours: Crosstab::default(),
        }
    }
}

/// The rows the data side names in the report's words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowLabel {
    /// Interviews whose city is not known (no address, no city answer).
    UnknownCity,
    Respondents,
    AllMembers,
    Households,
    Completes,
    /// Visits with a complete or partial interview (11, 12).
    Interview,
    /// Visits that reached someone without an interview (appointments, refusals, ineligible, …).
    ContactNoInterview,
    /// Visits that reached no one (31–34: no answer, entrance locked, guard, dog).
    NoContact,
}

impl RowLabel {
    /// The label in `lang`.
    pub fn get(self, lang: Lang) -> &'static str {
        use RowLabel::*;
        match self {
            UnknownCity => lang.pick("город не известен", "қаласы белгісіз", "city unknown"),
            Respondents => lang.pick("Респонденты", "Респонденттер", "Respondents"),
            AllMembers => lang.pick("Все члены домохозяйств", "Үй шаруашылықтарының барлық мүшелері", "All household members"),
            Households => lang.pick("Домохозяйства", "Үй шаруашылықтары", "Households"),
            Completes => lang.pick("Завершённые интервью", "Аяқталған сұхбаттар", "Completed interviews"),
            Interview => lang.pick("интервью", "сұхбат", "interview"),
            ContactNoInterview => lang.pick("контакт без интервью", "сұхбатсыз байланыс", "contact, no interview"),
            NoContact => lang.pick("никого не застали", "ешкім табылмады", "no one reached"),
        }
    }
}

/// The name of an interview language (`ru`, `kk`, `en`) in `lang`; other codes as they are.
pub fn language_name(code: &str, lang: Lang) -> String {
    match code {
        "ru" => lang.pick("русский", "орыс тілі", "Russian"),
        "kk" => lang.pick("казахский", "қазақ тілі", "Kazakh"),
        "en" => lang.pick("английский", "ағылшын тілі", "English"),
        other => other,
    }
    .to_string()
}

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A proportion as a percentage with one decimal ("12.3 %"), or "—".
pub fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "—".to_string(), |v| format!("{:.1} %", v * 100.0))
}

/// `e` with three decimals, or "—".
pub fn share(x: Option<f64>) -> String {
    x.map_or_else(|| "—".to_string(), |v| format!("{v:.3}"))
}

const STYLE: &str = r#"
:root { --ink: #1b1b1b; --muted: #5a5a5a; --rule: #d0d0d0; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans", "DejaVu Sans", "Segoe UI", Arial, sans-serif; color: var(--ink); margin: 0 auto;
       max-width: 1100px; padding: 24px 32px; line-height: 1.4; font-size: 14px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 30px 0 8px; border-bottom: 2px solid var(--ink); padding-bottom: 3px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
p.meta, p.note, figcaption { color: var(--muted); }
p.note { font-size: 13px; margin: 4px 0 8px; }
p.absent { border-left: 4px solid #E69F00; background: #fff8e8; padding: 8px 12px; }
section { break-inside: avoid; page-break-inside: avoid; }
figure { margin: 8px 0 12px; }
figure svg { display: block; max-width: 100%; height: auto; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 18px; font-size: 13px; margin: 4px 0 6px 56px; }
.legend .sw { display: inline-block; width: 12px; height: 12px; margin-right: 6px; vertical-align: -1px; }
table { border-collapse: collapse; font-size: 13px; margin: 6px 0 10px; }
th, td { border-bottom: 1px solid var(--rule); padding: 3px 9px; text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
thead th { border-bottom: 1.5px solid var(--ink); font-weight: 600; vertical-align: bottom; white-space: normal; }
tr.total td { font-weight: 600; border-top: 1.5px solid var(--ink); }
table.long { font-size: 12px; }
table.long td, table.long th { padding: 2px 7px; }
dl.key { display: grid; grid-template-columns: max-content 1fr; gap: 1px 10px; font-size: 13px; color: var(--muted); margin: 4px 0; }
dl.key dt { font-weight: 600; color: var(--ink); }
dl.key dd { margin: 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); gap: 10px; margin: 12px 0; }
.card { border: 1px solid var(--rule); border-radius: 6px; padding: 8px 12px; }
.card b { display: block; font-size: 22px; }
.card span { color: var(--muted); font-size: 12px; }
* { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11px; }
  h2 { break-after: avoid; page-break-after: avoid; margin-top: 18px; }
  table { font-size: 10px; }
  th, td { padding: 2px 6px; }
  table.outcomes { font-size: 9px; }
  table.outcomes td, table.outcomes th { padding: 1px 4px; }
  figure svg { max-height: 95mm; width: auto; }
}
"#;

/// A chart with its legend (when it has more than one series) in a `<figure>`.
fn figure(out: &mut String, chart: &BarChart, height: u32, caption: Option<&str>) {
    out.push_str("<figure>");
    if chart.series.len() > 1 {
        out.push_str("<div class=\"legend\">");
        for (i, s) in chart.series.iter().enumerate() {
            let _ = write!(out, "<span><span class=\"sw\" style=\"background:{}\"></span>{}</span>", chart::colour(i), esc(&s.name));
        }
        out.push_str("</div>");
    }
    out.push_str(&chart.svg(1000, height));
    if let Some(c) = caption {
        let _ = write!(out, "<figcaption>{}</figcaption>", esc(c));
    }
    out.push_str("</figure>\n");
}

fn absent(out: &mut String, why: &Absent, w: &Words) {
    let text = match why {
        Absent::NoLink(link) => w.no_link(link),
        Absent::NoData => w.no_data.to_string(),
    };
    let _ = writeln!(out, "<p class=\"absent\" data-absent=\"1\">{}</p>", esc(&text));
}

/// A crosstab as a table of counts and row percentages, with a total row when there are several rows.
fn crosstab_table(out: &mut String, t: &Crosstab, first: &str, w: &Words, id: &str) {
    crosstab_table_with(out, t, first, w, id, true)
}

/// [`crosstab_table`], with or without the total row (rows that overlap, such as respondents and all
/// members, have no meaningful total).
fn crosstab_table_with(out: &mut String, t: &Crosstab, first: &str, w: &Words, id: &str, total_row: bool) {
    let _ = write!(out, "<table data-table=\"{id}\"><thead><tr><th>{}</th>", esc(first));
    for c in &t.columns {
        let _ = write!(out, "<th>{}</th>", esc(c));
    }
    let _ = write!(out, "<th>N</th></tr></thead><tbody>");
    let row = |out: &mut String, name: &str, counts: &[u64], class: &str| {
        let total: u64 = counts.iter().sum();
        let _ = write!(out, "<tr{class}><td>{}</td>", esc(name));
        for &c in counts {
            let p = if total == 0 { 0.0 } else { c as f64 * 100.0 / total as f64 };
            let _ = write!(out, "<td data-n=\"{c}\">{p:.1}</td>");
        }
        let _ = write!(out, "<td>{total}</td></tr>");
    };
    for (i, name) in t.rows.iter().enumerate() {
        row(out, name, &t.counts[i], "");
    }
    if total_row && t.rows.len() > 1 {
        row(out, w.total, &t.column_totals(), " class=\"total\"");
    }
    out.push_str("</tbody></table>\n");
}

/// A crosstab as a chart of row percentages: one group per column, one series per row; or, with
/// `by_row`, one group per row and one series per column.
fn crosstab_chart(t: &Crosstab, by_row: bool, y_desc: &str, x_desc: &str) -> BarChart {
    let percents: Vec<Vec<f64>> = (0..t.rows.len()).map(|r| t.row_percent(r)).collect();
    if by_row {
        BarChart {
            categories: t.rows.clone(),
            series: t
                .columns
                .iter()
                .enumerate()
                .map(|(c, name)| Series { name: name.clone(), values: percents.iter().map(|p| p[c]).collect() })
                .collect(),
            y_desc: y_desc.into(),
            x_desc: x_desc.into(),
            percent: true,
        }
    } else {
        BarChart {
            categories: t.columns.clone(),
            series: t.rows.iter().zip(&percents).map(|(name, p)| Series { name: name.clone(), values: p.clone() }).collect(),
            y_desc: y_desc.into(),
            x_desc: x_desc.into(),
            percent: true,
        }
    }
}

fn outcome_table(out: &mut String, rows: &[Outcome], first: &str, w: &Words, id: &str, long: bool) {
    let class = if long { " class=\"outcomes long\"" } else { " class=\"outcomes\"" };
    let _ = write!(out, "<table{class} data-table=\"{id}\"><thead><tr><th>{}</th>", esc(first));
    for h in ["I", "P", "R", "NC", "O", "UH", "UO", "NE", "RR1", "RR3", "RR5", "COOP1", "REF1", "CON1"] {
        let _ = write!(out, "<th>{h}</th>");
    }
    let _ = write!(out, "<th>e</th></tr></thead><tbody>");
    for o in rows {
        let d = &o.dispositions;
        let _ = write!(out, "<tr><td>{}</td>", esc(&o.label));
        for (k, v) in [("I", d.i), ("P", d.p), ("R", d.r), ("NC", d.nc), ("O", d.o), ("UH", d.uh), ("UO", d.uo), ("NE", d.ne)] {
            let _ = write!(out, "<td data-k=\"{k}\">{v}</td>");
        }
        let r = &o.rates;
        for (k, v) in [("RR1", r.rr1), ("RR3", r.rr3), ("RR5", r.rr5), ("COOP1", r.coop1), ("REF1", r.ref1), ("CON1", r.con1)] {
            let _ = write!(out, "<td data-k=\"{k}\">{}</td>", pct(v));
        }
        let _ = write!(out, "<td data-k=\"e\">{}</td></tr>", share(r.e));
    }
    let _ = writeln!(out, "</tbody></table>");
    let _ = write!(out, "{}", w.rates_note_html());
}

fn rates_chart(rows: &[Outcome]) -> BarChart {
    let pick = |f: fn(&Rates) -> Option<f64>| rows.iter().map(|o| f(&o.rates).unwrap_or(0.0) * 100.0).collect::<Vec<_>>();
    BarChart {
        categories: rows.iter().map(|o| o.label.clone()).collect(),
        series: vec![
            Series { name: "RR1".into(), values: pick(|r| r.rr1) },
            Series { name: "COOP1".into(), values: pick(|r| r.coop1) },
            Series { name: "REF1".into(), values: pick(|r| r.ref1) },
            Series { name: "CON1".into(), values: pick(|r| r.con1) },
        ],
        y_desc: "%".into(),
        x_desc: String::new(),
        percent: true,
    }
}

/// The report as one HTML page in `lang`.
pub fn render_html(d: &ReportData, lang: Lang) -> String {
    let w = Words::of(lang);
    let mut o = String::with_capacity(64 * 1024);
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} — {}</title><style>{STYLE}</style></head><body>\n",
        lang.code(),
        esc(w.report),
        esc(&d.title)
    );
    let _ = writeln!(o, "<h1>{}</h1><p class=\"meta\"><b>{}</b><br>", esc(w.report), esc(&d.title));
    let _ = writeln!(
        o,
        "{}: {} · {}: {} · {}: {}</p>",
        esc(w.study),
        esc(&d.study),
        esc(w.generated),
        esc(&d.generated_at),
        esc(w.databases),
        d.databases
    );
    let _ = writeln!(
        o,
        "<p class=\"note\">{}</p>",
        esc(&if d.provisional { w.mode_provisional(d.totals.open) } else { w.mode_final(d.totals.open) })
    );

    // ---- summary ------------------------------------------------------------------------------
    let t = &d.totals;
    let _ = writeln!(o, "<section><h2>{}</h2><div class=\"cards\">", esc(w.summary));
    let visits_per = if t.completes > 0 { format!("{:.2}", t.visits as f64 / t.completes as f64) } else { "—".into() };
    for (key, value, label) in [
        ("completes", t.completes.to_string(), w.completes),
        ("addresses", t.addresses.to_string(), w.addresses),
        ("open", t.open.to_string(), w.open),
        ("visits", t.visits.to_string(), w.visits),
        ("visits_per_complete", visits_per, w.visits_per_complete_all),
        ("RR1", pct(d.overall.rates.rr1), "RR1"),
    ] {
        let _ = write!(o, "<div class=\"card\"><b data-total=\"{key}\">{}</b><span>{}</span></div>", esc(&value), esc(label));
    }
    o.push_str("</div>");
    outcome_table(&mut o, std::slice::from_ref(&d.overall), "", &w, "overall", false);
    let _ = writeln!(
        o,
        "<p class=\"note\" data-e-without=\"{}\">{}</p></section>",
        share(d.e_without_quota_filled),
        esc(&w.e_line(d.overall.rates.e, d.e_without_quota_filled, d.overall.dispositions.quota_filled))
    );

    // ---- 1. sample by city --------------------------------------------------------------------
    let _ = writeln!(o, "<section><h2>1. {}</h2><p class=\"note\">{}</p>", esc(w.sample_by_city), esc(w.sample_note));
    if d.cities.is_empty() {
        absent(&mut o, &Absent::NoData, &w);
    } else {
        let chart = BarChart {
            categories: d.cities.iter().map(|c| c.name.clone()).collect(),
            series: vec![
                Series { name: w.completes.into(), values: d.cities.iter().map(|c| c.completes as f64).collect() },
                Series { name: w.planned.into(), values: d.cities.iter().map(|c| c.planned as f64).collect() },
            ],
            y_desc: w.households.into(),
            x_desc: String::new(),
            percent: false,
        };
        figure(&mut o, &chart, 320, None);
        let _ = write!(
            o,
            "<table data-table=\"cities\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            esc(w.city),
            esc(w.completes),
            esc(w.planned),
            esc(w.of_plan)
        );
        let (mut done, mut plan) = (0, 0);
        for c in &d.cities {
            done += c.completes;
            plan += c.planned;
            let share = if c.planned > 0 { format!("{:.1}", c.completes as f64 * 100.0 / c.planned as f64) } else { "—".into() };
            let _ = write!(
                o,
                "<tr><td>{}</td><td data-k=\"completes\">{}</td><td>{}</td><td>{share}</td></tr>",
                esc(&c.name),
                c.completes,
                c.planned
            );
        }
        let share = if plan > 0 { format!("{:.1}", done as f64 * 100.0 / plan as f64) } else { "—".into() };
        let _ =
            writeln!(o, "<tr class=\"total\"><td>{}</td><td>{done}</td><td>{plan}</td><td>{share}</td></tr></tbody></table>", esc(w.total));
    }
    o.push_str("</section>\n");

    // ---- 2. interview language ----------------------------------------------------------------
    let _ = writeln!(o, "<section><h2>2. {}</h2><p class=\"note\">{}</p>", esc(w.interview_language), esc(w.interview_language_note));
    match &d.interview_language {
        Ok(t) if !t.is_empty() => {
            figure(&mut o, &crosstab_chart(t, true, "%", ""), 320, None);
            crosstab_table(&mut o, t, w.city, &w, "interview_language");
        }
        Ok(_) => absent(&mut o, &Absent::NoData, &w),
        Err(why) => absent(&mut o, why, &w),
    }
    o.push_str("</section>\n");

    // ---- 3. language known best ---------------------------------------------------------------
    let _ = writeln!(o, "<section><h2>3. {}</h2>", esc(w.language_best));
    match &d.language_best {
        Ok(t) if !t.is_empty() => {
            figure(&mut o, &crosstab_chart(t, true, "%", ""), 320, None);
            crosstab_table(&mut o, t, w.city, &w, "language_best");
        }
        Ok(_) => absent(&mut o, &Absent::NoData, &w),
        Err(why) => absent(&mut o, why, &w),
    }
    o.push_str("</section>\n");

    // ---- 4. sex -------------------------------------------------------------------------------
    let _ = writeln!(o, "<section><h2>4. {}</h2><p class=\"note\">{}</p>", esc(w.sex), esc(w.sex_note));
    if d.cities.is_empty() {
        absent(&mut o, &Absent::NoData, &w);
    } else {
        let female_pct = |f: u64, m: u64| if f + m == 0 { 0.0 } else { f as f64 * 100.0 / (f + m) as f64 };
        let chart = BarChart {
            categories: d.cities.iter().map(|c| c.name.clone()).collect(),
            series: vec![
                Series { name: w.respondents.into(), values: d.cities.iter().map(|c| female_pct(c.female, c.male)).collect() },
                Series { name: w.population.into(), values: d.cities.iter().map(|c| c.population_female_percent).collect() },
                Series {
                    name: w.quota_target.into(),
                    values: d.cities.iter().map(|c| female_pct(c.target_female, c.target_male)).collect(),
                },
            ],
            y_desc: w.percent_female.into(),
            x_desc: String::new(),
            percent: true,
        };
        figure(&mut o, &chart, 320, None);
        let _ = write!(
            o,
            "<table data-table=\"sex\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{} %</th><th>{} %</th><th>{} %</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            esc(w.city),
            esc(w.female),
            esc(w.male),
            esc(w.respondents),
            esc(w.population),
            esc(w.quota_target),
            esc(w.target_female),
            esc(w.target_male)
        );
        for c in &d.cities {
            let _ = write!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{:.1}</td><td>{:.1}</td><td>{:.1}</td><td>{}</td><td>{}</td></tr>",
                esc(&c.name),
                c.female,
                c.male,
                female_pct(c.female, c.male),
                c.population_female_percent,
                female_pct(c.target_female, c.target_male),
                c.target_female,
                c.target_male
            );
        }
        o.push_str("</tbody></table>\n");
    }
    let _ = writeln!(o, "<h3>{}</h3>", esc(w.members_sex));
    match &d.members_sex {
        Ok(t) if !t.is_empty() => {
            figure(&mut o, &crosstab_chart(t, true, "%", ""), 280, None);
            crosstab_table(&mut o, t, w.city, &w, "members_sex");
        }
        Ok(_) => absent(&mut o, &Absent::NoData, &w),
        Err(why) => absent(&mut o, why, &w),
    }
    o.push_str("</section>\n");

    // ---- 5. age -------------------------------------------------------------------------------
    let _ = writeln!(o, "<section><h2>5. {}</h2><p class=\"note\">{}</p>", esc(w.age), esc(w.age_note));
    match &d.age {
        Ok(t) if !t.is_empty() => {
            figure(&mut o, &crosstab_chart(t, false, "%", w.years), 320, None);
            crosstab_table_with(&mut o, t, "", &w, "age", false);
        }
        Ok(_) => absent(&mut o, &Absent::NoData, &w),
        Err(why) => absent(&mut o, why, &w),
    }
    o.push_str("</section>\n");

    // ---- 6. household size --------------------------------------------------------------------
    let _ = writeln!(o, "<section><h2>6. {}</h2>", esc(w.household_size));
    match &d.household_size {
        Ok(t) if !t.is_empty() => {
            let counts = t.counts.first().cloned().unwrap_or_default();
            let n: u64 = counts.iter().sum();
            let persons: u64 = counts.iter().enumerate().map(|(i, c)| (i as u64 + 1) * c).sum();
            let chart = BarChart {
                categories: t.columns.clone(),
                series: vec![Series { name: w.households.into(), values: counts.iter().map(|&c| c as f64).collect() }],
                y_desc: w.households.into(),
                x_desc: w.members.into(),
                percent: false,
            };
            figure(&mut o, &chart, 300, None);
            let mean = if n > 0 { format!("{:.2}", persons as f64 / n as f64) } else { "—".into() };
            let _ = writeln!(o, "<p class=\"note\">{}</p>", esc(&w.household_mean(n, persons, &mean)));
            crosstab_table(&mut o, t, "", &w, "household_size");
        }
        Ok(_) => absent(&mut o, &Absent::NoData, &w),
        Err(why) => absent(&mut o, why, &w),
    }
    o.push_str("</section>\n");

    // ---- 7. dispositions and rates ------------------------------------------------------------
    let _ = writeln!(o, "<section><h2>7. {}</h2>{}", esc(w.outcomes), w.dispositions_key_html());
    let _ = writeln!(o, "<h3>{}</h3>", esc(w.by_city));
    if !d.outcomes_by_city.is_empty() {
        figure(&mut o, &rates_chart(&d.outcomes_by_city), 300, None);
    }
    outcome_table(&mut o, &d.outcomes_by_city, w.city, &w, "outcomes_by_city", false);
    o.push_str("</section>\n<section>");
    let _ = writeln!(o, "<h3>{}</h3>", esc(w.by_interviewer));
    if !d.outcomes_by_interviewer.is_empty() && d.outcomes_by_interviewer.len() <= 40 {
        figure(&mut o, &rates_chart(&d.outcomes_by_interviewer), 300, None);
    }
    outcome_table(&mut o, &d.outcomes_by_interviewer, w.interviewer, &w, "outcomes_by_interviewer", d.outcomes_by_interviewer.len() > 12);
    o.push_str("</section>\n");
    let _ = writeln!(o, "<h3>{}</h3>", esc(w.by_route));
    outcome_table(&mut o, &d.outcomes_by_route, w.route, &w, "outcomes_by_route", true);

    // ---- 8. visits per complete ---------------------------------------------------------------
    let _ = writeln!(o, "<section><h2>8. {}</h2>", esc(w.visits_per_complete));
    let v = &d.visits_per_complete;
    if v.is_empty() {
        absent(&mut o, &Absent::NoData, &w);
    } else {
        let counts = v.counts.first().cloned().unwrap_or_default();
        let chart = BarChart {
            categories: v.columns.clone(),
            series: vec![Series { name: w.completes.into(), values: counts.iter().map(|&c| c as f64).collect() }],
            y_desc: w.completes.into(),
            x_desc: w.visits_axis.into(),
            percent: false,
        };
        figure(&mut o, &chart, 280, None);
        let _ = writeln!(o, "<p class=\"note\">{}</p>", esc(w.visits_per_complete_note));
        crosstab_table(&mut o, v, "", &w, "visits_per_complete");
    }
    o.push_str("</section>\n");

    // ---- 9. time of day -----------------------------------------------------------------------
    let _ = writeln!(o, "<section><h2>9. {}</h2><p class=\"note\">{}</p>", esc(w.contact_hours), esc(w.contact_hours_note));
    let h = &d.contact_hours;
    if h.is_empty() {
        absent(&mut o, &Absent::NoData, &w);
    } else {
        let chart = BarChart {
            categories: h.columns.clone(),
            series: h
                .rows
                .iter()
                .zip(&h.counts)
                .map(|(n, c)| Series { name: n.clone(), values: c.iter().map(|&x| x as f64).collect() })
                .collect(),
            y_desc: w.visits.into(),
            x_desc: w.hour.into(),
            percent: false,
        };
        figure(&mut o, &chart, 320, None);
        // Hours as columns make a wide table: the transpose reads better.
        let _ = write!(o, "<table data-table=\"contact_hours\"><thead><tr><th>{}</th>", esc(w.hour));
        for r in &h.rows {
            let _ = write!(o, "<th>{}</th>", esc(r));
        }
        let _ = write!(o, "<th>N</th></tr></thead><tbody>");
        for (c, name) in h.columns.iter().enumerate() {
            let cells: Vec<u64> = h.counts.iter().map(|r| r.get(c).copied().unwrap_or(0)).collect();
            let _ = write!(o, "<tr><td>{}</td>", esc(name));
            for x in &cells {
                let _ = write!(o, "<td>{x}</td>");
            }
            let _ = write!(o, "<td>{}</td></tr>", cells.iter().sum::<u64>());
        }
        o.push_str("</tbody></table>\n");
    }
    o.push_str("</section>\n</body></html>\n");
    o
}

#[cfg(test)]
mod tests;
