//! Rows of every file, read from a Dala database (a device's or a merged one) one interview at a
//! time: memory holds one interview, never the dataset.

use std::collections::HashMap;

use rustc_hash::FxHashMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime};
use dala_questionnaire::answer::RowPath;
use dala_questionnaire::model::{QuestionType, RosterSize};
use dala_questionnaire::Questionnaire;
use rusqlite::fallible_streaming_iterator::FallibleStreamingIterator;
use rusqlite::Connection;
use serde_json::Value as Json;

use crate::dict::{self, FileDef, Kind, Source, Sys, Unit};
use crate::error::ExportError;

/// One value of a row.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// No value (not asked, not reached, not applicable to the row).
    Null,
    /// A declared missing code: −97, −98 or −99.
    Missing(i64),
    Int(i64),
    Float(f64),
    Text(String),
    Date(NaiveDate),
    Time(NaiveTime),
    DateTime(NaiveDateTime),
}

/// Where rows go: `emit(file index, cells)`.
pub type Emit<'a> = &'a mut dyn FnMut(usize, &[Cell]) -> Result<(), ExportError>;

/// Design and respondent weights of one interview, when the fieldwork gives them.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Weights {
    pub design: Option<f64>,
    pub respondent: Option<f64>,
}

/// Gaps between two journal entries longer than this are pauses, not time in a block (paradata).
pub const PAUSE_SECONDS: i64 = 600;

struct Interview {
    id: String,
    device: String,
    status: String,
    review: Option<String>,
    language: String,
    created: String,
    completed: Option<String>,
}

struct Fieldwork {
    city: String,
    route: String,
    address: String,
    disposition: Option<String>,
    sex: Option<String>,
}

struct Paradata {
    duration: Option<i64>,
    switches: i64,
    changed: i64,
    changed_after: i64,
    first_language: Option<String>,
    languages: Vec<String>,
    block_seconds: Vec<i64>,
}

/// Walks the database and hands every row of every file to `emit(file index, cells)`.
pub struct Rows<'a> {
    pub q: &'a Questionnaire,
    pub files: &'a [FileDef],
    pub conn: &'a Connection,
    pub weights: &'a HashMap<String, Weights>,
    /// The language street names are given in.
    pub lang: dala_i18n::Lang,
}

impl Rows<'_> {
    /// How many interviews of the study the database holds (for progress).
    pub fn interview_count(&self) -> Result<u64, ExportError> {
        Ok(self.conn.query_row("SELECT count(*) FROM interviews WHERE study_id = ?1", [&self.q.id], |r| r.get::<_, i64>(0))? as u64)
    }

    /// Walks every interview of the study in id order. Answers, addresses and journal entries are read
    /// by three scans ordered by interview id alongside the interviews' own (one statement each, not
    /// one query per interview), merged on the id: memory holds one interview's values.
    pub fn walk(&self, emit: Emit<'_>, progress: &mut dyn FnMut(u64)) -> Result<(), ExportError> {
        let ids: FxHashMap<&str, usize> = self.q.questions.iter().enumerate().map(|(i, x)| (x.id.as_str(), i)).collect();
        let block_of: Vec<usize> = self.q.questions.iter().map(|x| x.block).collect();
        let mut interviews = self.conn.prepare(
            "SELECT id, device_id, status, review, language, created_at, completed_at FROM interviews WHERE study_id = ?1 ORDER BY id",
        )?;
        let mut answers_st = self.conn.prepare("SELECT interview_id, question, roster, value FROM answers ORDER BY interview_id")?;
        let mut address_st = self.conn.prepare(
            "SELECT a.interview_id, r.city, a.route_id, a.key, a.disposition, a.respondent_sex FROM addresses a JOIN routes r ON r.id = a.route_id
             WHERE a.interview_id IS NOT NULL ORDER BY a.interview_id, a.key",
        )?;
        let mut journal_st = self
            .conn
            .prepare("SELECT interview_id, at, kind, question, old_value, new_value, seq FROM journal ORDER BY interview_id, seq")?;
        let mut answers = Ordered::new(answers_st.query([])?);
        let mut addresses = Ordered::new(address_st.query([])?);
        let mut journal = Ordered::new(journal_st.query([])?);
        let mut rows = interviews.query([&self.q.id])?;
        let mut done = 0u64;
        let mut row = Vec::new();
        let mut values: FxHashMap<(usize, RowPath), Json> = FxHashMap::default();
        let mut entries: Vec<Entry> = Vec::new();
        while let Some(r) = rows.next()? {
            let iv = Interview {
                id: r.get(0)?,
                device: r.get(1)?,
                status: r.get(2)?,
                review: r.get(3)?,
                language: r.get(4)?,
                created: r.get(5)?,
                completed: r.get(6)?,
            };
            values.clear();
            answers.each(&iv.id, |x| {
                let (question, roster, value) = (col_text(x, 1)?, col_text(x, 2)?, col_text(x, 3)?);
                let (Some(qi), Some(path)) = (ids.get(question), RowPath::parse_dotted(roster)) else { return Ok(()) };
                if let Ok(v) = serde_json::from_str(value) {
                    values.insert((*qi, path), v);
                }
                Ok(())
            })?;
            let mut field = None;
            addresses.each(&iv.id, |x| {
                if field.is_none() {
                    field =
                        Some(Fieldwork { city: x.get(1)?, route: x.get(2)?, address: x.get(3)?, disposition: x.get(4)?, sex: x.get(5)? });
                }
                Ok(())
            })?;
            entries.clear();
            journal.each(&iv.id, |x| {
                let Ok(t) = DateTime::parse_from_rfc3339(col_text(x, 1)?) else { return Ok(()) };
                let kind = match col_text(x, 2)? {
                    "language_switched" => EntryKind::LanguageSwitched(x.get(4)?, x.get(5)?),
                    "answer_set" => EntryKind::AnswerSet,
                    "answer_changed" | "answer_cleared" => EntryKind::AnswerChanged,
                    "interview_completed" => EntryKind::Completed,
                    _ => EntryKind::Other,
                };
                let question = col_text_or_null(x, 3)?.and_then(|q| ids.get(q)).copied();
                entries.push(Entry { t, seq: x.get(6)?, kind, question });
                Ok(())
            })?;
            let para = paradata(&mut entries, &iv, &block_of, self.q.blocks.len());
            let w = self.weights.get(&iv.id).copied().unwrap_or_default();
            for (fi, file) in self.files.iter().enumerate() {
                match &file.unit {
                    Unit::Household | Unit::Paradata => {
                        row.clear();
                        for v in &file.vars {
                            row.push(self.cell(v, &values, RowPath::ROOT, &iv, field.as_ref(), &para, w));
                        }
                        emit(fi, &row)?;
                    }
                    Unit::Roster { roster, when } => {
                        for path in self.lines(*roster, &values) {
                            if let Some((wq, codes)) = when {
                                let code = values.get(&(*wq, path)).and_then(code_of);
                                if !code.is_some_and(|c| codes.contains(&c)) {
                                    continue;
                                }
                            }
                            row.clear();
                            for v in &file.vars {
                                row.push(self.cell(v, &values, path, &iv, field.as_ref(), &para, w));
                            }
                            emit(fi, &row)?;
                        }
                    }
                    Unit::Address | Unit::Visit => {}
                }
            }
            done += 1;
            progress(done);
        }
        for (fi, file) in self.files.iter().enumerate() {
            match file.unit {
                Unit::Address => self.addresses(fi, file, emit)?,
                Unit::Visit => self.visits(fi, file, emit)?,
                _ => {}
            }
        }
        Ok(())
    }

    /// The row paths of roster `ri` in this interview: lines 1..=size under each parent line.
    fn lines(&self, ri: usize, values: &FxHashMap<(usize, RowPath), Json>) -> Vec<RowPath> {
        let roster = &self.q.rosters[ri];
        let parents = match roster.parent {
            Some(p) => self.lines(p, values),
            None => vec![RowPath::ROOT],
        };
        let mut out = Vec::new();
        for parent in parents {
            let (q, is_list) = match roster.size {
                RosterSize::Count(q) => (q, false),
                RosterSize::List(q) => (q, true),
            };
            let at = parent.truncate(self.q.questions[q].roster.map(|r| self.q.rosters[r].depth).unwrap_or(0));
            let n = match values.get(&(q, at)) {
                Some(Json::Array(items)) if is_list => items.len() as u32,
                Some(v) if !is_list => v.as_i64().filter(|n| *n > 0).unwrap_or(0).min(1000) as u32,
                _ => 0,
            };
            out.extend((1..=n).map(|line| parent.child(line)));
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn cell(
        &self,
        v: &dict::Variable,
        values: &FxHashMap<(usize, RowPath), Json>,
        path: RowPath,
        iv: &Interview,
        field: Option<&Fieldwork>,
        para: &Paradata,
        w: Weights,
    ) -> Cell {
        let answer = |qi: usize| {
            let depth = self.q.questions[qi].roster.map(|r| self.q.rosters[r].depth).unwrap_or(0);
            values.get(&(qi, path.truncate(depth)))
        };
        match &v.source {
            Source::System(s) => self.system(*s, path, iv, field, para, w),
            Source::Answer(qi) => match answer(*qi) {
                None => Cell::Null,
                Some(j) => value_cell(v.kind, self.q.questions[*qi].kind, j),
            },
            Source::Codes(qi) => match answer(*qi) {
                None => Cell::Null,
                Some(j) => match missing_code(j) {
                    Some(m) => Cell::Text(m.to_string()),
                    None => Cell::Text(codes(j).iter().map(|c| c.to_string()).collect::<Vec<_>>().join(" ")),
                },
            },
            Source::Indicator(qi, code) => match answer(*qi) {
                None => Cell::Null,
                Some(j) => match missing_code(j) {
                    Some(m) => Cell::Missing(m),
                    None => Cell::Int(codes(j).contains(code) as i64),
                },
            },
            Source::Other(qi) => match answer(*qi).and_then(|j| j.get("other")).and_then(Json::as_str) {
                Some(s) => Cell::Text(s.to_string()),
                None => Cell::Null,
            },
            Source::Currency(qi) => match answer(*qi).and_then(|j| j.get("currency")).and_then(Json::as_str) {
                Some(s) => Cell::Text(s.to_string()),
                None => Cell::Null,
            },
            Source::GridRow(qi, row) => match answer(*qi) {
                None => Cell::Null,
                Some(j) => match missing_code(j) {
                    Some(m) => Cell::Missing(m),
                    None => j.get(row).and_then(Json::as_i64).map(Cell::Int).unwrap_or(Cell::Null),
                },
            },
        }
    }

    fn system(&self, s: Sys, path: RowPath, iv: &Interview, field: Option<&Fieldwork>, para: &Paradata, w: Weights) -> Cell {
        let text = |s: &str| Cell::Text(s.to_string());
        let opt_text = |s: Option<&String>| s.map(|s| Cell::Text(s.clone())).unwrap_or(Cell::Null);
        let opt_code = |c: Option<i64>| c.map(Cell::Int).unwrap_or(Cell::Null);
        let opt_f = |f: Option<f64>| f.map(Cell::Float).unwrap_or(Cell::Null);
        match s {
            Sys::Hhid => text(&iv.id),
            Sys::Line => Cell::Int(path.as_slice().first().copied().unwrap_or(0) as i64),
            Sys::Line2 => Cell::Int(path.as_slice().get(1).copied().unwrap_or(0) as i64),
            Sys::Device => text(&iv.device),
            Sys::Status => opt_code(dict::code_of(&dict::STATUSES, &iv.status)),
            Sys::Review => opt_code(iv.review.as_deref().and_then(|r| dict::code_of(&dict::REVIEWS, r))),
            Sys::Language => opt_code(dict::lang_code(para.first_language.as_deref().unwrap_or(&iv.language))),
            Sys::Languages => {
                if para.languages.is_empty() {
                    text(&iv.language)
                } else {
                    Cell::Text(para.languages.join(" "))
                }
            }
            Sys::Created => datetime(&iv.created),
            Sys::Completed => iv.completed.as_deref().map(datetime).unwrap_or(Cell::Null),
            Sys::City => opt_text(field.map(|f| &f.city)),
            Sys::Route => opt_text(field.map(|f| &f.route)),
            Sys::Address => opt_text(field.map(|f| &f.address)),
            Sys::Disposition => opt_text(field.and_then(|f| f.disposition.as_ref())),
            Sys::QuotaCell => opt_code(field.and_then(|f| f.sex.as_deref()).and_then(|s| dict::code_of(&dict::SEXES, s))),
            Sys::WeightDesign => opt_f(w.design),
            Sys::WeightRespondent => opt_f(w.respondent),
            Sys::Duration => opt_code(para.duration),
            Sys::LanguageSwitches => Cell::Int(para.switches),
            Sys::AnswersChanged => Cell::Int(para.changed),
            Sys::ChangedAfterCompletion => Cell::Int(para.changed_after),
            Sys::BlockSeconds(b) => Cell::Int(para.block_seconds.get(b).copied().unwrap_or(0)),
            _ => Cell::Null,
        }
    }

    fn addresses(&self, fi: usize, file: &FileDef, emit: Emit<'_>) -> Result<(), ExportError> {
        let mut st = self.conn.prepare(
            "SELECT a.key, r.city, a.route_id, a.address, a.visits, a.disposition, a.interview_id, a.respondent_sex
             FROM addresses a JOIN routes r ON r.id = a.route_id ORDER BY a.key",
        )?;
        let mut rows = st.query([])?;
        let mut row = Vec::with_capacity(file.vars.len());
        while let Some(r) = rows.next()? {
            let key: String = r.get(0)?;
            let city: String = r.get(1)?;
            let route: String = r.get(2)?;
            let address: Json = serde_json::from_str(&r.get::<_, String>(3)?).unwrap_or(Json::Null);
            let visits: i64 = r.get(4)?;
            let disposition: Option<String> = r.get(5)?;
            let interview: Option<String> = r.get(6)?;
            let sex: Option<String> = r.get(7)?;
            let street_key = self.lang.pick("street_ru", "street_kk", "street_ru");
            row.clear();
            for v in &file.vars {
                let Source::System(s) = v.source else { continue };
                row.push(match s {
                    Sys::AddressKey => Cell::Text(key.clone()),
                    Sys::City => Cell::Text(city.clone()),
                    Sys::Route => Cell::Text(route.clone()),
                    Sys::Street => address.get(street_key).and_then(Json::as_str).map(|s| Cell::Text(s.into())).unwrap_or(Cell::Null),
                    Sys::House => json_int(&address, "house"),
                    Sys::Entrance => json_int(&address, "entrance"),
                    Sys::Flat => json_int(&address, "flat"),
                    Sys::Dwelling => address
                        .get("dwelling")
                        .and_then(Json::as_str)
                        .and_then(|d| dict::code_of(&dict::DWELLINGS, d))
                        .map(Cell::Int)
                        .unwrap_or(Cell::Null),
                    Sys::Chance => {
                        let c = address.get("chance");
                        match (c.and_then(|c| c.get("num")).and_then(Json::as_f64), c.and_then(|c| c.get("den")).and_then(Json::as_f64)) {
                            (Some(n), Some(d)) if d > 0.0 => Cell::Float(n / d),
                            _ => Cell::Null,
                        }
                    }
                    Sys::Visits => Cell::Int(visits),
                    Sys::Disposition => disposition.clone().map(Cell::Text).unwrap_or(Cell::Null),
                    Sys::Hhid => interview.clone().map(Cell::Text).unwrap_or(Cell::Null),
                    Sys::QuotaCell => sex.as_deref().and_then(|s| dict::code_of(&dict::SEXES, s)).map(Cell::Int).unwrap_or(Cell::Null),
                    _ => Cell::Null,
                });
            }
            emit(fi, &row)?;
        }
        Ok(())
    }

    fn visits(&self, fi: usize, file: &FileDef, emit: Emit<'_>) -> Result<(), ExportError> {
        let mut st = self.conn.prepare("SELECT address_key, n, at, outcome, visit FROM visits ORDER BY address_key, n")?;
        let mut rows = st.query([])?;
        let mut row = Vec::with_capacity(file.vars.len());
        while let Some(r) = rows.next()? {
            let visit: Json = serde_json::from_str(&r.get::<_, String>(4)?).unwrap_or(Json::Null);
            let at: String = r.get(2)?;
            row.clear();
            for v in &file.vars {
                let Source::System(s) = v.source else { continue };
                row.push(match s {
                    Sys::AddressKey => Cell::Text(r.get(0)?),
                    Sys::VisitNumber => Cell::Int(r.get(1)?),
                    Sys::VisitAt => datetime(&at),
                    Sys::VisitOutcome => Cell::Int(r.get(3)?),
                    Sys::VisitMode => visit.get("mode").and_then(Json::as_str).map(|s| Cell::Text(s.into())).unwrap_or(Cell::Null),
                    _ => Cell::Null,
                });
            }
            emit(fi, &row)?;
        }
        Ok(())
    }
}

/// The rows of a query ordered by interview id (its first column), taken interview by interview as
/// the walk over the interviews (in the same order: SQLite's `BINARY` collation is byte order, as
/// `str`'s) reaches them; rows of interviews the walk does not visit (another study's) are passed over.
/// Column `i` of `row` as text borrowed from SQLite's buffer (no allocation per cell).
fn col_text<'r>(row: &'r rusqlite::Row<'_>, i: usize) -> rusqlite::Result<&'r str> {
    let v = row.get_ref(i)?;
    v.as_str().map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, v.data_type(), Box::new(e)))
}

fn col_text_or_null<'r>(row: &'r rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Option<&'r str>> {
    let v = row.get_ref(i)?;
    v.as_str_or_null().map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, v.data_type(), Box::new(e)))
}

struct Ordered<'s> {
    rows: rusqlite::Rows<'s>,
    started: bool,
}

impl<'s> Ordered<'s> {
    fn new(rows: rusqlite::Rows<'s>) -> Ordered<'s> {
        Ordered { rows, started: false }
    }

    /// Calls `f` with every row of interview `id` (read in place), leaving the cursor on the first
    /// row after them.
    fn each(&mut self, id: &str, mut f: impl FnMut(&rusqlite::Row<'_>) -> Result<(), ExportError>) -> Result<(), ExportError> {
        if !self.started {
            self.started = true;
            self.rows.advance()?;
        }
        while let Some(r) = self.rows.get() {
            match col_text(r, 0)?.cmp(id) {
                std::cmp::Ordering::Greater => break,
                std::cmp::Ordering::Less => {}
                std::cmp::Ordering::Equal => f(r)?,
            }
            self.rows.advance()?;
        }
        Ok(())
    }
}

/// A journal entry as the paradata need it.
struct Entry {
    t: DateTime<chrono::FixedOffset>,
    seq: i64,
    kind: EntryKind,
    question: Option<usize>,
}

enum EntryKind {
    /// The languages switched from and to (JSON strings).
    LanguageSwitched(Option<String>, Option<String>),
    AnswerSet,
    /// Changed or cleared.
    AnswerChanged,
    Completed,
    Other,
}

/// The paradata of one interview from its journal entries (in any order: they are put in time order).
fn paradata(entries: &mut [Entry], iv: &Interview, block_of: &[usize], blocks: usize) -> Paradata {
    let mut p = Paradata {
        duration: None,
        switches: 0,
        changed: 0,
        changed_after: 0,
        first_language: None,
        languages: Vec::new(),
        block_seconds: vec![0; blocks],
    };
    entries.sort_by_key(|e| (e.t, e.seq));
    let mut first: Option<DateTime<chrono::FixedOffset>> = None;
    let mut last: Option<DateTime<chrono::FixedOffset>> = None;
    let mut completed = false;
    let mut completed_at: Option<DateTime<chrono::FixedOffset>> = None;
    for e in entries.iter() {
        let t = e.t;
        first.get_or_insert(t);
        match &e.kind {
            EntryKind::LanguageSwitched(old, new) => {
                p.switches += 1;
                let unquote = |s: &String| s.trim_matches('"').to_string();
                if p.languages.is_empty() {
                    if let Some(o) = old.as_ref().map(unquote) {
                        p.first_language = Some(o.clone());
                        p.languages.push(o);
                    }
                }
                if let Some(n) = new.as_ref().map(unquote) {
                    if !p.languages.contains(&n) {
                        p.languages.push(n);
                    }
                }
            }
            EntryKind::AnswerChanged => {
                p.changed += 1;
                if completed {
                    p.changed_after += 1;
                }
            }
            EntryKind::Completed => {
                completed = true;
                completed_at = Some(t);
            }
            EntryKind::AnswerSet | EntryKind::Other => {}
        }
        if matches!(e.kind, EntryKind::AnswerSet | EntryKind::AnswerChanged) && !completed {
            if let (Some(prev), Some(qi)) = (last, e.question) {
                let gap = (t - prev).num_seconds();
                if (0..=PAUSE_SECONDS).contains(&gap) {
                    p.block_seconds[block_of[qi]] += gap;
                }
            }
        }
        if !completed || matches!(e.kind, EntryKind::Completed) {
            last = Some(t);
        }
    }
    if let (Some(f), Some(c)) = (first, completed_at) {
        p.duration = Some((c - f).num_seconds());
    }
    if p.languages.is_empty() {
        p.languages.push(iv.language.clone());
    }
    p
}

fn json_int(j: &Json, key: &str) -> Cell {
    j.get(key).and_then(Json::as_i64).map(Cell::Int).unwrap_or(Cell::Null)
}

fn missing_code(j: &Json) -> Option<i64> {
    j.as_i64().filter(|c| dala_questionnaire::expr::Missing::from_code(*c).is_some())
}

fn code_of(j: &Json) -> Option<i64> {
    j.as_i64().or_else(|| j.get("code").and_then(Json::as_i64))
}

fn codes(j: &Json) -> Vec<i64> {
    let arr = j.as_array().or_else(|| j.get("codes").and_then(Json::as_array));
    arr.map(|a| a.iter().filter_map(Json::as_i64).collect()).unwrap_or_default()
}

/// A stored time ("2010-10-18T10:08:00.000Z" or a local "2010-10-21T11:32:03") as a date-time cell.
fn datetime(s: &str) -> Cell {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Cell::DateTime(t.naive_utc());
    }
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").map(Cell::DateTime).unwrap_or(Cell::Null)
}

/// An answer's JSON as the cell of a variable of kind `kind`.
fn value_cell(kind: Kind, qkind: QuestionType, j: &Json) -> Cell {
    if let Some(m) = missing_code(j) {
        if qkind != QuestionType::Text || j.is_number() {
            return match kind {
                Kind::Text => Cell::Text(m.to_string()),
                Kind::Code | Kind::Int | Kind::Float => Cell::Missing(m),
                _ => Cell::Null,
            };
        }
    }
    match kind {
        Kind::Code | Kind::Int => code_of(j).or_else(|| j.as_f64().map(|f| f as i64)).map(Cell::Int).unwrap_or(Cell::Null),
        Kind::Float => j.as_f64().or_else(|| j.get("amount").and_then(Json::as_f64)).map(Cell::Float).unwrap_or(Cell::Null),
        Kind::Text => match j {
            Json::String(s) => Cell::Text(s.clone()),
            Json::Array(items) => Cell::Text(items.iter().filter_map(Json::as_str).collect::<Vec<_>>().join("; ")),
            other => Cell::Text(other.to_string()),
        },
        Kind::Date => j.as_str().and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()).map(Cell::Date).unwrap_or(Cell::Null),
        Kind::Time => j.as_str().and_then(|s| NaiveTime::parse_from_str(s, "%H:%M").ok()).map(Cell::Time).unwrap_or(Cell::Null),
        Kind::DateTime => j.as_str().map(datetime).unwrap_or(Cell::Null),
    }
}
