//! Statistics of every variable, gathered row by row during the export's one walk over the database
//! (fed from `export()`'s emit callback, after the anonymisation transform, so the codebook counts
//! exactly what the data files hold).
//!
//! **Invariant:** memory is bounded by the dictionary, not the data. Frequencies are kept only for
//! `Code` variables and for `Int` variables with value labels, and only up to
//! [`MAX_DISTINCT`] distinct values (a variable with more loses its table and keeps its summary);
//! numeric summaries (n, min, max, mean) and the range of dates and times are streaming; declared missing codes (−97/−98/−99) and
//! system missing (no value) are counted for every variable.
//!
//! ```
//! use dala_export::stats::Stats;
//! use dala_export::Cell;
//! # use dala_export::{FileDef, Kind, Privacy, Source, Sys, Unit, Variable};
//! # let var = Variable { name: "q".into(), label: String::new(), kind: Kind::Int, value_labels: vec![],
//! #     missing: vec![-98], source: Source::System(Sys::Visits), privacy: Privacy::Open, width: 1 };
//! # let files = vec![FileDef { name: "f".into(), label: String::new(), unit: Unit::Household, vars: vec![var] }];
//! let mut stats = Stats::new(&files);
//! for c in [Cell::Int(2), Cell::Int(4), Cell::Missing(-98), Cell::Null] {
//!     stats.row(0, &[c]);
//! }
//! let v = &stats.files[0].vars[0];
//! assert_eq!((v.valid, v.system_missing, v.missing_count(-98)), (2, 1, 1));
//! assert_eq!(v.summary.as_ref().unwrap().mean(), Some(3.0));
//! ```

use std::collections::BTreeMap;

use crate::dict::{FileDef, Kind, Variable};
use crate::rows::Cell;

/// Above this many distinct values a variable's frequency table is dropped (its summary stays).
pub const MAX_DISTINCT: usize = 60;

/// Streaming summary of a numeric variable's valid values (missing codes excluded).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Summary {
    pub n: u64,
    pub min: f64,
    pub max: f64,
    /// Running mean (Welford's update: no large sums, no precision lost on long files).
    running_mean: f64,
}

impl Summary {
    fn add(&mut self, x: f64) {
        if self.n == 0 {
            self.min = x;
            self.max = x;
        } else {
            self.min = self.min.min(x);
            self.max = self.max.max(x);
        }
        self.n += 1;
        self.running_mean += (x - self.running_mean) / self.n as f64;
    }

    pub fn mean(&self) -> Option<f64> {
        (self.n > 0).then_some(self.running_mean)
    }
}

/// What one variable held over every row of its file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VarStats {
    /// Rows with a value that is not a missing code.
    pub valid: u64,
    /// Rows with no value at all (not asked, not reached, not applicable to the row).
    pub system_missing: u64,
    /// Rows per declared missing code (−97, −98, −99), in code order.
    pub missing: BTreeMap<i64, u64>,
    /// Rows per valid value, for `Code` variables and `Int` variables with value labels; `None`
    /// when the variable gets no table or had more than [`MAX_DISTINCT`] distinct values.
    pub freq: Option<BTreeMap<i64, u64>>,
    /// For `Int` and `Float` variables.
    pub summary: Option<Summary>,
    /// The earliest and latest value of a date, time or date-and-time variable.
    pub range: Option<(Cell, Cell)>,
}

impl VarStats {
    fn new(v: &Variable) -> VarStats {
        let wants_freq = v.kind == Kind::Code || (v.kind == Kind::Int && !v.value_labels.is_empty());
        VarStats {
            freq: wants_freq.then(BTreeMap::new),
            summary: matches!(v.kind, Kind::Int | Kind::Float).then(Summary::default),
            ..VarStats::default()
        }
    }

    /// Rows with the missing code `code`.
    pub fn missing_count(&self, code: i64) -> u64 {
        self.missing.get(&code).copied().unwrap_or(0)
    }

    /// The missing codes to show for variable `v`: those it declares and any other met in its rows,
    /// from −97 down.
    pub fn missing_codes(&self, v: &Variable) -> Vec<i64> {
        let mut codes: Vec<i64> = v.missing.iter().chain(self.missing.keys()).copied().collect();
        codes.sort_unstable_by(|a, b| b.cmp(a));
        codes.dedup();
        codes
    }

    /// Rows with any declared missing code.
    pub fn missing_total(&self) -> u64 {
        self.missing.values().sum()
    }

    fn add(&mut self, v: &Variable, cell: &Cell) {
        let number = match cell {
            Cell::Null => {
                self.system_missing += 1;
                return;
            }
            Cell::Missing(code) => {
                *self.missing.entry(*code).or_default() += 1;
                return;
            }
            // A declared missing code stored as a plain number is still a missing code.
            Cell::Int(i) if v.missing.contains(i) => {
                *self.missing.entry(*i).or_default() += 1;
                return;
            }
            Cell::Int(i) => Some(*i as f64),
            Cell::Float(f) => Some(*f),
            Cell::Date(_) | Cell::Time(_) | Cell::DateTime(_) => {
                self.range = match self.range.take() {
                    None => Some((cell.clone(), cell.clone())),
                    Some((lo, hi)) => Some((earlier(lo, cell), later(hi, cell))),
                };
                None
            }
            _ => None,
        };
        self.valid += 1;
        if let (Some(freq), Cell::Int(i)) = (&mut self.freq, cell) {
            *freq.entry(*i).or_default() += 1;
            if freq.len() > MAX_DISTINCT {
                self.freq = None;
            }
        }
        if let (Some(s), Some(x)) = (&mut self.summary, number) {
            if x.is_finite() {
                s.add(x);
            }
        }
    }
}

fn earlier(a: Cell, b: &Cell) -> Cell {
    match (&a, b) {
        (Cell::Date(x), Cell::Date(y)) if y < x => b.clone(),
        (Cell::Time(x), Cell::Time(y)) if y < x => b.clone(),
        (Cell::DateTime(x), Cell::DateTime(y)) if y < x => b.clone(),
        _ => a,
    }
}

fn later(a: Cell, b: &Cell) -> Cell {
    match (&a, b) {
        (Cell::Date(x), Cell::Date(y)) if y > x => b.clone(),
        (Cell::Time(x), Cell::Time(y)) if y > x => b.clone(),
        (Cell::DateTime(x), Cell::DateTime(y)) if y > x => b.clone(),
        _ => a,
    }
}

/// A date, time or date-and-time as written in the codebooks (ISO 8601).
pub fn iso(c: &Cell) -> String {
    match c {
        Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
        Cell::Time(t) => t.format("%H:%M").to_string(),
        Cell::DateTime(t) => t.format("%Y-%m-%d %H:%M").to_string(),
        _ => String::new(),
    }
}

/// The statistics of one file: its rows and each variable's.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FileStats {
    pub rows: u64,
    pub vars: Vec<VarStats>,
}

/// The statistics of every file of an export, in the dictionary's order.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    pub files: Vec<FileStats>,
    dict: Vec<Vec<Variable>>,
}

impl Stats {
    pub fn new(files: &[FileDef]) -> Stats {
        Stats {
            files: files.iter().map(|f| FileStats { rows: 0, vars: f.vars.iter().map(VarStats::new).collect() }).collect(),
            dict: files.iter().map(|f| f.vars.clone()).collect(),
        }
    }

    /// Counts one row of file `fi` (the cells in the file's variable order).
    pub fn row(&mut self, fi: usize, cells: &[Cell]) {
        let (Some(file), Some(vars)) = (self.files.get_mut(fi), self.dict.get(fi)) else { return };
        file.rows += 1;
        for ((s, v), c) in file.vars.iter_mut().zip(vars).zip(cells) {
            s.add(v, c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dict::{Privacy, Source, Sys, Unit};

    fn var(kind: Kind, labels: &[(i64, &str)]) -> Variable {
        Variable {
            name: "v".into(),
            label: String::new(),
            kind,
            value_labels: labels.iter().map(|(c, l)| (*c, l.to_string())).collect(),
            missing: vec![-97, -98, -99],
            source: Source::System(Sys::Visits),
            privacy: Privacy::Open,
            width: 1,
        }
    }

    fn stats_of(v: Variable, cells: &[Cell]) -> VarStats {
        let files = vec![FileDef { name: "f".into(), label: String::new(), unit: Unit::Household, vars: vec![v] }];
        let mut s = Stats::new(&files);
        for c in cells {
            s.row(0, std::slice::from_ref(c));
        }
        assert_eq!(s.files[0].rows, cells.len() as u64);
        s.files[0].vars[0].clone()
    }

    #[test]
    fn codes_are_counted_and_missing_kept_apart() {
        let cells = [Cell::Int(1), Cell::Int(2), Cell::Int(2), Cell::Missing(-98), Cell::Int(-99), Cell::Null];
        let s = stats_of(var(Kind::Code, &[(1, "a"), (2, "b")]), &cells);
        assert_eq!(s.freq, Some(BTreeMap::from([(1, 1), (2, 2)])));
        assert_eq!((s.valid, s.system_missing, s.missing_count(-98), s.missing_count(-99), s.missing_total()), (3, 1, 1, 1, 2));
        assert!(s.summary.is_none(), "codes get no mean");
    }

    #[test]
    fn numbers_get_a_streaming_summary_without_missing_codes() {
        let cells = [Cell::Float(1.5), Cell::Float(4.5), Cell::Missing(-99), Cell::Int(3), Cell::Null];
        let s = stats_of(var(Kind::Float, &[]), &cells);
        let sum = s.summary.unwrap();
        assert_eq!((sum.n, sum.min, sum.max, sum.mean()), (3, 1.5, 4.5, Some(3.0)));
        assert!(s.freq.is_none(), "no table for a decimal number");
    }

    #[test]
    fn dates_keep_their_earliest_and_latest_value() {
        let d = |day| Cell::Date(chrono::NaiveDate::from_ymd_opt(2010, 10, day).unwrap());
        let s = stats_of(var(Kind::Date, &[]), &[d(20), d(3), Cell::Null, d(31), d(15)]);
        let (lo, hi) = s.range.unwrap();
        assert_eq!((iso(&lo), iso(&hi), s.valid, s.system_missing), ("2010-10-03".into(), "2010-10-31".into(), 4, 1));
    }

    #[test]
    fn an_int_without_value_labels_gets_no_table_and_many_values_drop_it() {
        let plain = stats_of(var(Kind::Int, &[]), &[Cell::Int(5)]);
        assert!(plain.freq.is_none());
        let cells: Vec<Cell> = (0..(MAX_DISTINCT as i64 + 5)).map(Cell::Int).collect();
        let many = stats_of(var(Kind::Int, &[(-98, "DK")]), &cells);
        assert!(many.freq.is_none(), "too many distinct values: the table is dropped");
        assert_eq!(many.summary.unwrap().n, cells.len() as u64);
    }
}
