//! The figures of the fieldwork report (`dala report --html`), computed from one database.
//!
//! The database is a device's or the merged one of many devices (the CLI merges several `--db` files
//! in memory by the sync rules first). [`report_data`] reads it with SQL and the engine and returns
//! [`dala_report::ReportData`], which `dala-report` renders; nothing here draws or words a page.
//!
//! - Dispositions and AAPOR rates come from the same address summaries and the same functions as
//!   `dala report --json` ([`build_report_in`], [`compute_rates`]), so the figures are equal; by
//!   route from the route's addresses, by interviewer from the route's assignee (else the device
//!   that made most of its interviews, as on the dashboard).
//! - The questions are found through the study, never by KMRS ids: the city of an interview is its
//!   address's route's city (else the answer to `[fieldwork_links] city`, read back through
//!   `city_codes`); the interview language is what the store keeps per interview; the language known
//!   best, the members' sex and age are the links `language_best`, `member_sex`, `member_age` (a
//!   question or a calculation, evaluated by the engine on the stored answers), the respondent is
//!   the row named by `respondent_line`, and the members' roster is the roster of `member_sex` or
//!   `member_age`, else the one sized by the back-check's household size question. A figure whose
//!   link is missing is [`Absent::NoLink`]; one with nothing answered yet is [`Absent::NoData`].
//! - Only completed interviews count in the sample figures (language, sex of members, age, size).

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use dala_fieldwork::contact::Disposition;
use dala_fieldwork::rates::{compute_rates, DispositionCounts, Rates};
use dala_fieldwork::report::{build_report_in, AddressSummary, ReportMode};
use dala_questionnaire::answer::{Answer, RowPath};
use dala_questionnaire::engine::{Interview, Slot};
use dala_questionnaire::expr::Val;
use dala_questionnaire::model::Symbol;
use dala_questionnaire::{Lang, Questionnaire};
use dala_report::{Absent, CitySample, Crosstab, Dispositions, Figure, Outcome, ReportData, RowLabel, Totals};
use dala_store::{Store, StoreError};

use crate::field::{address_summary, Fieldwork};
use crate::SessionError;

/// The age groups of the age structure (lower bounds; the last is open).
pub const AGE_GROUPS: [u32; 8] = [0, 15, 18, 25, 35, 45, 55, 65];
/// Completed addresses with this many visits or more share the last bar.
pub const VISITS_CAP: u32 = 5;

fn dispositions(c: &DispositionCounts) -> Dispositions {
    Dispositions { i: c.i, p: c.p, r: c.r, nc: c.nc, o: c.o, uh: c.uh, uo: c.uo, ne: c.ne, quota_filled: c.quota_filled }
}

fn outcome(label: String, c: &DispositionCounts, r: &Rates) -> Outcome {
    Outcome {
        label,
        dispositions: dispositions(c),
        rates: dala_report::Rates { rr1: r.rr1, rr3: r.rr3, rr5: r.rr5, coop1: r.coop1, ref1: r.ref1, con1: r.con1, e: r.e },
    }
}

fn age_group_labels() -> Vec<String> {
    AGE_GROUPS
        .iter()
        .enumerate()
        .map(|(i, lo)| match AGE_GROUPS.get(i + 1) {
            Some(next) => format!("{lo}–{}", next - 1),
            None => format!("{lo}+"),
        })
        .collect()
}

fn age_group(age: f64) -> Option<usize> {
    if !(0.0..130.0).contains(&age) {
        return None;
    }
    Some(AGE_GROUPS.iter().rposition(|lo| age >= *lo as f64).unwrap_or(0))
}

/// A completed interview as the sample figures need it.
struct Completed {
    id: String,
    language: String,
    /// Index into the cities (the study's order, then "unknown").
    city: usize,
}

/// The members' roster: the roster of `member_sex` or `member_age`, else the one sized by the
/// back-check's household size question.
fn members_roster(q: &Questionnaire, fw: &Fieldwork) -> Option<usize> {
    let links = &q.field_links;
    let of_link = |id: &Option<String>| -> Option<usize> {
        match q.symbols.get(id.as_deref()?)? {
            Symbol::Question(i) => q.questions[*i].roster,
            Symbol::Calculation(i) => q.calculations[*i].roster,
            _ => None,
        }
    };
    of_link(&links.member_sex).or_else(|| of_link(&links.member_age)).or_else(|| {
        let size = q.question_index(fw.settings.backcheck.household_size.as_deref()?)?;
        q.rosters.iter().position(|r| r.parent.is_none() && r.size.question() == size)
    })
}

/// A number from an expression value or answer (missing codes and text are not numbers).
fn number(v: &Val) -> Option<f64> {
    match v {
        Val::Missing(_) | Val::Null => None,
        other => other.as_num(),
    }
}

fn code_of(a: Option<&Answer>) -> Option<i64> {
    match a {
        Some(Answer::Code(c, _)) => Some(*c),
        Some(Answer::Int(c)) => Some(*c),
        _ => None,
    }
}

/// The figures of the report over `store`, for the study `q` and its fieldwork `fw`, in `lang`.
pub fn report_data(
    store: &Store,
    fw: &Fieldwork,
    q: &Questionnaire,
    mode: ReportMode,
    databases: usize,
    now: DateTime<Utc>,
    lang: Lang,
) -> Result<ReportData, SessionError> {
    let conn = store.connection();
    let estimate = fw.settings.aapor.e;

    // ---- addresses: the same summaries and report as `dala report --json` ------------------------
    let address_rows = store.addresses(None)?;
    let mut summaries: Vec<AddressSummary> = Vec::with_capacity(address_rows.len());
    for row in &address_rows {
        summaries.push(address_summary(row, mode)?);
    }
    let report = build_report_in(&summaries, &fw.plan, estimate, mode);
    let overall = outcome(String::new(), &report.dispositions, &report.rates);

    // ---- routes and interviewers ---------------------------------------------------------------
    let routes = store.routes()?;
    let mut route_city: HashMap<String, String> = routes.iter().map(|r| (r.id.clone(), r.city.clone())).collect();
    for c in &fw.plan.cities {
        for cell in &c.cells {
            route_city.entry(cell.route.clone()).or_insert_with(|| c.city.clone());
        }
    }
    let city_name = |id: &str| fw.settings.city(id).map_or_else(|| id.to_string(), |c| c.name.get(lang.code()).to_string());
    // The plan of a city (households, and women and men) is the targets of its routes drawn (a
    // simulation at a fraction of the plan draws only some), or the whole plan while none is drawn.
    let drawn: HashSet<&str> = routes.iter().map(|r| r.id.as_str()).collect();
    let planned = |city: &str| -> Option<(u64, u64, u64)> {
        let mine = report.routes.iter().filter(|r| drawn.contains(r.id.as_str()) && route_city.get(&r.id).is_some_and(|c| c == city));
        let (n, target, female, male) = mine.fold((0, 0u64, 0u64, 0u64), |(n, t, f, m), r| {
            (n + 1, t + r.target as u64, f + r.target_female as u64, m + r.target_male as u64)
        });
        (n > 0).then_some((target, female, male))
    };
    let cities: Vec<CitySample> = fw
        .settings
        .cities
        .iter()
        .map(|c| {
            let r = report.cities.iter().find(|x| x.city == c.id);
            let whole_plan = (c.planned_households as u64, r.map_or(0, |r| r.target_female as u64), r.map_or(0, |r| r.target_male as u64));
            let (planned, target_female, target_male) = planned(&c.id).unwrap_or(whole_plan);
            CitySample {
                name: c.name.get(lang.code()).to_string(),
                completes: r.map_or(0, |r| r.completes),
                planned,
                female: r.map_or(0, |r| r.female),
                male: r.map_or(0, |r| r.male),
                target_female,
                target_male,
                population_female_percent: c.female_share_bp as f64 / 100.0,
            }
        })
        .collect();
    let outcomes_by_city: Vec<Outcome> = report
        .cities
        .iter()
        .filter(|c| c.addresses > 0)
        .map(|c| outcome(city_name(&c.city), &c.dispositions, &compute_rates(&c.dispositions, estimate)))
        .collect();

    let mut interviewer: HashMap<String, String> = routes.iter().filter_map(|r| Some((r.id.clone(), r.assigned_to.clone()?))).collect();
    {
        // A route no one was assigned is the work of the device that made most of its interviews.
        let mut stmt = conn
            .prepare(
                "SELECT a.route_id, i.device_id, count(*) FROM interviews i JOIN addresses a ON a.interview_id = i.id
                 GROUP BY a.route_id, i.device_id ORDER BY a.route_id, count(*) DESC, i.device_id",
            )
            .map_err(StoreError::from)?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).map_err(StoreError::from)?;
        for row in rows {
            let (route, device) = row.map_err(StoreError::from)?;
            interviewer.entry(route).or_insert(device);
        }
    }
    let mut by_route: BTreeMap<&str, Vec<Disposition>> = BTreeMap::new();
    let mut by_interviewer: BTreeMap<String, Vec<Disposition>> = BTreeMap::new();
    for s in &summaries {
        let list = by_route.entry(s.route.as_str()).or_default();
        let who = interviewer.get(&s.route).cloned().unwrap_or_else(|| "—".to_string());
        let per = by_interviewer.entry(who).or_default();
        if let Some(d) = s.disposition {
            list.push(d);
            per.push(d);
        }
    }
    let outcome_of = |label: String, ds: &[Disposition]| {
        let c = DispositionCounts::from_dispositions(ds);
        outcome(label, &c, &compute_rates(&c, estimate))
    };
    let outcomes_by_route: Vec<Outcome> = by_route.iter().map(|(r, ds)| outcome_of(r.to_string(), ds)).collect();
    let outcomes_by_interviewer: Vec<Outcome> = by_interviewer.iter().map(|(w, ds)| outcome_of(w.clone(), ds)).collect();

    // ---- visits --------------------------------------------------------------------------------
    let mut per_complete = vec![0u64; VISITS_CAP as usize];
    for s in summaries.iter().filter(|s| s.disposition == Some(Disposition::Complete)) {
        per_complete[(s.visits.clamp(1, VISITS_CAP) - 1) as usize] += 1;
    }
    let visits_per_complete = Crosstab {
        rows: vec![RowLabel::Completes.get(lang).to_string()],
        columns: (1..=VISITS_CAP).map(|n| if n == VISITS_CAP { format!("{n}+") } else { n.to_string() }).collect(),
        counts: vec![per_complete],
    };
    let mut hours: BTreeMap<u32, [u64; 3]> = BTreeMap::new();
    {
        let mut stmt = conn.prepare("SELECT at, outcome FROM visits").map_err(StoreError::from)?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))).map_err(StoreError::from)?;
        for row in rows {
            let (at, code) = row.map_err(StoreError::from)?;
            // Local time as the device recorded it: `YYYY-MM-DDTHH:MM:SS`.
            let Some(hour) = at.get(11..13).and_then(|h| h.parse::<u32>().ok()) else { continue };
            let kind = match code {
                11 | 12 => 0,
                31..=34 => 2,
                _ => 1,
            };
            hours.entry(hour).or_default()[kind] += 1;
        }
    }
    let contact_hours = match (hours.keys().next(), hours.keys().last()) {
        (Some(&lo), Some(&hi)) => Crosstab {
            rows: [RowLabel::Interview, RowLabel::ContactNoInterview, RowLabel::NoContact]
                .iter()
                .map(|l| l.get(lang).to_string())
                .collect(),
            columns: (lo..=hi).map(|h| format!("{h:02}")).collect(),
            counts: (0..3).map(|k| (lo..=hi).map(|h| hours.get(&h).map_or(0, |c| c[k])).collect()).collect(),
        },
        _ => Crosstab::default(),
    };

    // ---- completed interviews: city and language -------------------------------------------------
    let links = &q.field_links;
    let unknown_city = fw.settings.cities.len();
    let city_index = |id: &str| fw.settings.cities.iter().position(|c| c.id == id);
    let by_code: HashMap<i64, &str> = links.city_codes.iter().map(|(id, code)| (*code, id.as_str())).collect();
    let mut completed: Vec<Completed> = Vec::new();
    {
        let mut stmt = conn
            .prepare(
                "SELECT i.id, i.language, a.route_id, (SELECT value FROM answers x WHERE x.interview_id = i.id AND x.question = ?1 AND x.roster = '')
                 FROM interviews i LEFT JOIN addresses a ON a.interview_id = i.id
                 WHERE i.status = 'completed' ORDER BY i.id",
            )
            .map_err(StoreError::from)?;
        let city_q = links.city.clone().unwrap_or_default();
        let rows = stmt
            .query_map([city_q], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?, r.get::<_, Option<String>>(3)?))
            })
            .map_err(StoreError::from)?;
        for row in rows {
            let (id, language, route, city_answer) = row.map_err(StoreError::from)?;
            let from_route = route.and_then(|r| route_city.get(&r).cloned());
            let from_answer = city_answer
                .and_then(|v| serde_json::from_str::<serde_json::Value>(&v).ok())
                .and_then(|v| v.as_i64())
                .and_then(|code| by_code.get(&code).map(|s| s.to_string()));
            let city = from_route.or(from_answer).and_then(|c| city_index(&c)).unwrap_or(unknown_city);
            completed.push(Completed { id, language, city });
        }
    }
    let mut city_rows: Vec<String> = fw.settings.cities.iter().map(|c| c.name.get(lang.code()).to_string()).collect();
    city_rows.push(RowLabel::UnknownCity.get(lang).to_string());
    // Only the cities with completed interviews are rows.
    let mut city_seen = vec![false; city_rows.len()];
    for c in &completed {
        city_seen[c.city] = true;
    }
    let keep_rows = |t: Crosstab| -> Crosstab {
        let keep: Vec<usize> = (0..t.rows.len()).filter(|&i| city_seen[i]).collect();
        Crosstab {
            rows: keep.iter().map(|&i| t.rows[i].clone()).collect(),
            columns: t.columns,
            counts: keep.iter().map(|&i| t.counts[i].clone()).collect(),
        }
    };
    let languages: Vec<String> = q.languages.iter().map(|l| l.code().to_string()).collect();
    let mut lang_counts = vec![vec![0u64; languages.len()]; city_rows.len()];
    for c in &completed {
        if let Some(j) = languages.iter().position(|l| *l == c.language) {
            lang_counts[c.city][j] += 1;
        }
    }
    // A language of the study no interview was held in is left out (KMRS offers English, for the
    // questionnaire's authors, and the report shows Kazakh and Russian).
    let used: Vec<usize> = (0..languages.len()).filter(|&j| lang_counts.iter().any(|row| row[j] > 0)).collect();
    let interview_language: Figure<Crosstab> = Ok(keep_rows(Crosstab {
        rows: city_rows.clone(),
        columns: used.iter().map(|&j| dala_report::language_name(&languages[j], lang)).collect(),
        counts: lang_counts.iter().map(|row| used.iter().map(|&j| row[j]).collect()).collect(),
    }));

    // ---- completed interviews: the engine on their answers ----------------------------------------
    let roster = members_roster(q, fw);
    let sex_q = links.member_sex.as_deref().and_then(|id| q.question_index(id));
    let best_q = links.language_best.as_deref().and_then(|id| q.question_index(id));
    let line_q = links.respondent_line.as_deref().and_then(|id| q.question_index(id));
    enum Age {
        Question(usize),
        Calculation(usize),
    }
    let age = links.member_age.as_deref().and_then(|id| match q.symbols.get(id)? {
        Symbol::Question(i) => Some(Age::Question(*i)),
        Symbol::Calculation(i) => Some(Age::Calculation(*i)),
        _ => None,
    });
    let options =
        |qi: usize| -> Vec<(i64, String)> { q.questions[qi].options.iter().map(|o| (o.code, o.label.get(lang).to_string())).collect() };
    let sex_options = sex_q.map(options).unwrap_or_default();
    let best_options = best_q.map(options).unwrap_or_default();
    let mut sex_counts = vec![vec![0u64; sex_options.len()]; city_rows.len()];
    let mut best_counts = vec![vec![0u64; best_options.len()]; city_rows.len()];
    let groups = age_group_labels();
    let mut age_counts = vec![vec![0u64; groups.len()]; 2];
    let mut sizes: BTreeMap<usize, u64> = BTreeMap::new();
    // One interview at a time, its answers in key order from the table's primary key: the engine
    // (relevance, roster rows, the age calculation) runs on each, and memory stays that of one
    // interview whatever the size of the fieldwork.
    let city_of: HashMap<&str, usize> = completed.iter().map(|c| (c.id.as_str(), c.city)).collect();
    let mut tally = |city: usize, answers: Vec<(Slot, Answer)>| {
        let iv = Interview::restore(q, answers, std::iter::empty());
        let respondent = line_q.and_then(|qi| match iv.answer(&Slot { question: qi, path: RowPath::ROOT }) {
            Some(Answer::Int(n)) if *n >= 1 => Some(*n as u32),
            _ => None,
        });
        if let Some(bq) = best_q {
            let path = match (q.questions[bq].roster, respondent) {
                (None, _) => Some(RowPath::ROOT),
                (Some(_), Some(r)) => Some(RowPath::ROOT.child(r)),
                (Some(_), None) => None,
            };
            if let Some(code) = path.and_then(|path| code_of(iv.answer(&Slot { question: bq, path }))) {
                if let Some(j) = best_options.iter().position(|(c, _)| *c == code) {
                    best_counts[city][j] += 1;
                }
            }
        }
        let Some(ri) = roster else { return };
        let n = iv.row_count(ri, RowPath::ROOT);
        if n > 0 {
            *sizes.entry(n).or_default() += 1;
        }
        for row in 1..=n as u32 {
            let path = RowPath::ROOT.child(row);
            if let Some(sq) = sex_q {
                if let Some(j) =
                    code_of(iv.answer(&Slot { question: sq, path })).and_then(|code| sex_options.iter().position(|(c, _)| *c == code))
                {
                    sex_counts[city][j] += 1;
                }
            }
            let years = match age {
                Some(Age::Question(qi)) => iv.answer(&Slot { question: qi, path }).and_then(|a| number(&a.to_val())),
                Some(Age::Calculation(ci)) => number(&iv.calculation(ci, path)),
                None => None,
            };
            if let Some(g) = years.and_then(age_group) {
                age_counts[1][g] += 1;
                if respondent == Some(row) {
                    age_counts[0][g] += 1;
                }
            }
        }
    };
    {
        let mut stmt = conn
            .prepare(
                "SELECT a.interview_id, a.question, a.roster, a.value FROM answers a JOIN interviews i ON i.id = a.interview_id
                 WHERE i.status = 'completed' ORDER BY a.interview_id",
            )
            .map_err(StoreError::from)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?)))
            .map_err(StoreError::from)?;
        let mut current: Option<(String, Vec<(Slot, Answer)>)> = None;
        for row in rows {
            let (id, question, path, value) = row.map_err(StoreError::from)?;
            if current.as_ref().is_none_or(|(c, _)| *c != id) {
                if let Some((done, answers)) = current.take() {
                    if let Some(&city) = city_of.get(done.as_str()) {
                        tally(city, answers);
                    }
                }
                current = Some((id, Vec::new()));
            }
            let Some(qi) = q.question_index(&question) else { continue };
            let Some(path) = RowPath::parse_dotted(&path) else { continue };
            let Ok(json) = serde_json::from_str::<serde_json::Value>(&value) else { continue };
            let Ok(answer) = Answer::from_json(&q.questions[qi], &json) else { continue };
            if let Some((_, answers)) = current.as_mut() {
                answers.push((Slot { question: qi, path }, answer));
            }
        }
        if let Some((done, answers)) = current.take() {
            if let Some(&city) = city_of.get(done.as_str()) {
                tally(city, answers);
            }
        }
    }
    let no_link = |link: &str| Absent::NoLink(link.to_string());
    let nonempty = |t: Crosstab| if t.counts.iter().flatten().any(|&c| c > 0) { Ok(t) } else { Err(Absent::NoData) };
    let language_best = match best_q {
        None => Err(no_link("language_best")),
        Some(_) => nonempty(keep_rows(Crosstab {
            rows: city_rows.clone(),
            columns: best_options.iter().map(|(_, l)| l.clone()).collect(),
            counts: best_counts,
        })),
    };
    let members_sex = match (sex_q, roster) {
        (None, _) | (_, None) => Err(no_link("member_sex")),
        _ => nonempty(keep_rows(Crosstab {
            rows: city_rows.clone(),
            columns: sex_options.iter().map(|(_, l)| l.clone()).collect(),
            counts: sex_counts,
        })),
    };
    let age_figure = match (&age, roster) {
        (None, _) | (_, None) => Err(no_link("member_age")),
        _ => nonempty(Crosstab {
            rows: vec![RowLabel::Respondents.get(lang).to_string(), RowLabel::AllMembers.get(lang).to_string()],
            columns: groups,
            counts: age_counts,
        }),
    };
    let household_size = match roster {
        None => Err(no_link("member_sex")),
        Some(_) => {
            let largest = sizes.keys().last().copied().unwrap_or(0);
            nonempty(Crosstab {
                rows: vec![RowLabel::Households.get(lang).to_string()],
                columns: (1..=largest).map(|n| n.to_string()).collect(),
                counts: vec![(1..=largest).map(|n| sizes.get(&n).copied().unwrap_or(0)).collect()],
            })
        }
    };

    Ok(ReportData {
        title: q.title.get(lang).to_string(),
        study: format!("{} {}", q.id, q.version),
        generated_at: now.format("%Y-%m-%d %H:%M UTC").to_string(),
        databases,
        provisional: mode == ReportMode::Provisional,
        totals: Totals { addresses: report.addresses, open: report.open, visits: report.attempts, completes: report.completes },
        overall,
        e_without_quota_filled: report.e.without_quota_filled,
        cities,
        interview_language,
        language_best,
        members_sex,
        age: age_figure,
        household_size,
        outcomes_by_city,
        outcomes_by_route,
        outcomes_by_interviewer,
        visits_per_complete,
        contact_hours,
    })
}
