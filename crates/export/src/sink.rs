//! The writers: one per format, each taking a file's rows one at a time.
//!
//! CSV (the `csv` crate), Parquet (the Apache `parquet` crate through Arrow batches of
//! [`BATCH_ROWS`] rows), SPSS `.sav`/`.zsav` (`ambers`, given chunks of rows by [`crate::sav`]) and
//! Stata `.dta` 118 (the `dta` crate, streaming). SPSS and Stata take their text widths from
//! [`Variable::width`], measured before the first row. The
//! `dta` crate cannot build value-label tables (their constructors are private), so the value
//! labels are appended after it closes the file, by [`append_stata_labels`]: the one part of a
//! format written by hand here (docs/export.md).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{
    ArrayRef, Date32Builder, DurationMicrosecondBuilder, Float64Builder, Int64Builder, StringBuilder, Time64MicrosecondBuilder,
    TimestampMicrosecondBuilder,
};
use arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use arrow::record_batch::RecordBatch;
use chrono::{Datelike, NaiveDate, NaiveTime, Timelike};

use crate::dict::{FileDef, Kind, Variable};
use crate::error::ExportError;
use crate::names;
use crate::rows::Cell;

/// Rows per Arrow batch (Parquet row groups are made of these).
pub const BATCH_ROWS: usize = 16_384;

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Format {
    Sav,
    Zsav,
    Dta,
    Csv,
    Parquet,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        Some(match s.to_ascii_lowercase().as_str() {
            "sav" => Format::Sav,
            "zsav" => Format::Zsav,
            "dta" => Format::Dta,
            "csv" => Format::Csv,
            "parquet" => Format::Parquet,
            _ => return None,
        })
    }
    pub fn extension(self) -> &'static str {
        match self {
            Format::Sav => "sav",
            Format::Zsav => "zsav",
            Format::Dta => "dta",
            Format::Csv => "csv",
            Format::Parquet => "parquet",
        }
    }
    /// Whether the writer needs the widths of text variables before the first row.
    pub fn needs_widths(self) -> bool {
        matches!(self, Format::Sav | Format::Zsav | Format::Dta)
    }
}

pub trait Sink {
    fn row(&mut self, cells: &[Cell]) -> Result<(), ExportError>;
    fn finish(self: Box<Self>) -> Result<(), ExportError>;
}

pub fn open(format: Format, file: &FileDef, dir: &Path, study_label: &str) -> Result<Box<dyn Sink>, ExportError> {
    let path = dir.join(format!("{}.{}", file.name, format.extension()));
    Ok(match format {
        Format::Csv => Box::new(CsvSink::new(file, dir, &path)?),
        Format::Parquet => Box::new(ParquetSink::new(file, &path)?),
        Format::Sav | Format::Zsav => Box::new(SavSink::new(file, &path, format, study_label)?),
        Format::Dta => Box::new(DtaSink::new(file, &path, study_label)?),
    })
}

fn create(path: &Path) -> Result<BufWriter<File>, ExportError> {
    File::create(path).map(|f| BufWriter::with_capacity(1 << 20, f)).map_err(|e| ExportError::io(path, e))
}

fn format_err(format: &'static str) -> impl Fn(&dyn std::fmt::Display) -> ExportError {
    move |e| ExportError::Format { format, detail: e.to_string() }
}

// ---------------------------------------------------------------- CSV

/// UTF-8 CSV with codes, plus `<file>.variables.csv` (name, label, type, missing codes) and
/// `<file>.values.csv` (name, value, label).
struct CsvSink {
    out: csv::Writer<BufWriter<File>>,
    path: PathBuf,
    scratch: Vec<u8>,
}

impl CsvSink {
    fn new(file: &FileDef, dir: &Path, path: &Path) -> Result<CsvSink, ExportError> {
        let vpath = dir.join(format!("{}.variables.csv", file.name));
        let mut vars = csv::Writer::from_writer(create(&vpath)?);
        vars.write_record(["name", "label", "type", "missing"]).map_err(err(&vpath))?;
        let lpath = dir.join(format!("{}.values.csv", file.name));
        let mut labels = csv::Writer::from_writer(create(&lpath)?);
        labels.write_record(["name", "value", "label"]).map_err(err(&lpath))?;
        for v in &file.vars {
            let missing = v.missing.iter().map(|m| m.to_string()).collect::<Vec<_>>().join(" ");
            vars.write_record([v.name.as_str(), &v.label, kind_name(v.kind), &missing]).map_err(err(&vpath))?;
            for (code, label) in &v.value_labels {
                labels.write_record([v.name.as_str(), &code.to_string(), label]).map_err(err(&lpath))?;
            }
        }
        vars.flush().map_err(|e| ExportError::io(&vpath, e))?;
        labels.flush().map_err(|e| ExportError::io(&lpath, e))?;
        let mut out = csv::Writer::from_writer(create(path)?);
        out.write_record(file.vars.iter().map(|v| v.name.as_str())).map_err(err(path))?;
        Ok(CsvSink { out, path: path.to_path_buf(), scratch: Vec::new() })
    }
}

fn err(p: &Path) -> impl Fn(csv::Error) -> ExportError + '_ {
    move |e| ExportError::io(p, std::io::Error::other(e.to_string()))
}

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Code => "code",
        Kind::Int => "integer",
        Kind::Float => "number",
        Kind::Text => "text",
        Kind::Date => "date",
        Kind::Time => "time",
        Kind::DateTime => "datetime",
    }
}

impl Sink for CsvSink {
    fn row(&mut self, cells: &[Cell]) -> Result<(), ExportError> {
        use std::io::Write as _;
        let path = &self.path;
        let csv_err = |e: csv::Error| ExportError::io(path, std::io::Error::other(e.to_string()));
        // Each field is formatted into one reused buffer: no String per cell.
        for c in cells {
            let b = &mut self.scratch;
            b.clear();
            let _ = match c {
                Cell::Null => Ok(()),
                Cell::Missing(m) | Cell::Int(m) => write!(b, "{m}"),
                Cell::Float(f) => write!(b, "{f}"),
                Cell::Text(s) => {
                    self.out.write_field(s.as_bytes()).map_err(csv_err)?;
                    continue;
                }
                Cell::Date(d) if (0..=9999).contains(&d.year()) => write!(b, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day()),
                Cell::Time(t) => write!(b, "{:02}:{:02}", t.hour(), t.minute()),
                Cell::DateTime(t) if (0..=9999).contains(&t.year()) => {
                    write!(b, "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", t.year(), t.month(), t.day(), t.hour(), t.minute(), t.second())
                }
                // Years chrono writes with a sign: its own formatting.
                Cell::Date(d) => write!(b, "{}", d.format("%Y-%m-%d")),
                Cell::DateTime(t) => write!(b, "{}", t.format("%Y-%m-%dT%H:%M:%S")),
            };
            self.out.write_field(&self.scratch).map_err(csv_err)?;
        }
        self.out.write_record(None::<&[u8]>).map_err(csv_err)
    }
    fn finish(mut self: Box<Self>) -> Result<(), ExportError> {
        self.out.flush().map_err(|e| ExportError::io(&self.path, e))
    }
}

// ---------------------------------------------------------------- Arrow columns (Parquet, SAV)

enum Col {
    I(Int64Builder),
    F(Float64Builder),
    S(StringBuilder),
    D(Date32Builder),
    T(Time64MicrosecondBuilder),
    Dur(DurationMicrosecondBuilder),
    Ts(TimestampMicrosecondBuilder),
}

const EPOCH: NaiveDate = match NaiveDate::from_ymd_opt(1970, 1, 1) {
    Some(d) => d,
    None => panic!(),
};

fn micros_of_day(t: &NaiveTime) -> i64 {
    t.num_seconds_from_midnight() as i64 * 1_000_000
}

/// Arrow columns for a file; time of day as `Time64` (Parquet) or as a duration (SPSS TIME).
struct Columns {
    cols: Vec<Col>,
    rows: usize,
}

impl Columns {
    fn new(vars: &[Variable], time_as_duration: bool) -> Columns {
        let cols = vars
            .iter()
            .map(|v| match v.kind {
                Kind::Code | Kind::Int => Col::I(Int64Builder::new()),
                Kind::Float => Col::F(Float64Builder::new()),
                Kind::Text => Col::S(StringBuilder::new()),
                Kind::Date => Col::D(Date32Builder::new()),
                Kind::Time if time_as_duration => Col::Dur(DurationMicrosecondBuilder::new()),
                Kind::Time => Col::T(Time64MicrosecondBuilder::new()),
                Kind::DateTime => Col::Ts(TimestampMicrosecondBuilder::new()),
            })
            .collect();
        Columns { cols, rows: 0 }
    }

    fn push(&mut self, cells: &[Cell]) {
        for (col, cell) in self.cols.iter_mut().zip(cells) {
            match (col, cell) {
                (Col::I(b), Cell::Int(i) | Cell::Missing(i)) => b.append_value(*i),
                (Col::I(b), Cell::Float(f)) => b.append_value(*f as i64),
                (Col::F(b), Cell::Float(f)) => b.append_value(*f),
                (Col::F(b), Cell::Int(i) | Cell::Missing(i)) => b.append_value(*i as f64),
                (Col::S(b), Cell::Text(s)) => b.append_value(s),
                (Col::S(b), Cell::Missing(i) | Cell::Int(i)) => b.append_value(i.to_string()),
                (Col::D(b), Cell::Date(d)) => b.append_value((*d - EPOCH).num_days() as i32),
                (Col::T(b), Cell::Time(t)) => b.append_value(micros_of_day(t)),
                (Col::Dur(b), Cell::Time(t)) => b.append_value(micros_of_day(t)),
                (Col::Ts(b), Cell::DateTime(t)) => b.append_value(t.and_utc().timestamp_micros()),
                (Col::I(b), _) => b.append_null(),
                (Col::F(b), _) => b.append_null(),
                (Col::S(b), _) => b.append_null(),
                (Col::D(b), _) => b.append_null(),
                (Col::T(b), _) => b.append_null(),
                (Col::Dur(b), _) => b.append_null(),
                (Col::Ts(b), _) => b.append_null(),
            }
        }
        self.rows += 1;
    }

    fn batch(&mut self, schema: &Arc<Schema>) -> Result<RecordBatch, arrow::error::ArrowError> {
        let arrays: Vec<ArrayRef> = self
            .cols
            .iter_mut()
            .map(|c| -> ArrayRef {
                match c {
                    Col::I(b) => Arc::new(b.finish()),
                    Col::F(b) => Arc::new(b.finish()),
                    Col::S(b) => Arc::new(b.finish()),
                    Col::D(b) => Arc::new(b.finish()),
                    Col::T(b) => Arc::new(b.finish()),
                    Col::Dur(b) => Arc::new(b.finish()),
                    Col::Ts(b) => Arc::new(b.finish()),
                }
            })
            .collect();
        self.rows = 0;
        RecordBatch::try_new(schema.clone(), arrays)
    }
}

fn arrow_schema(vars: &[Variable], names: &[String], time_as_duration: bool, with_metadata: bool) -> Arc<Schema> {
    let fields: Vec<Field> = vars
        .iter()
        .zip(names)
        .map(|(v, name)| {
            let dt = match v.kind {
                Kind::Code | Kind::Int => DataType::Int64,
                Kind::Float => DataType::Float64,
                Kind::Text => DataType::Utf8,
                Kind::Date => DataType::Date32,
                Kind::Time if time_as_duration => DataType::Duration(TimeUnit::Microsecond),
                Kind::Time => DataType::Time64(TimeUnit::Microsecond),
                Kind::DateTime => DataType::Timestamp(TimeUnit::Microsecond, None),
            };
            let f = Field::new(name, dt, true);
            if !with_metadata {
                return f;
            }
            let mut meta = std::collections::HashMap::new();
            meta.insert("label".to_string(), v.label.clone());
            if !v.value_labels.is_empty() {
                let labels: BTreeMap<String, &str> = v.value_labels.iter().map(|(c, l)| (c.to_string(), l.as_str())).collect();
                meta.insert("value_labels".to_string(), serde_json::to_string(&labels).unwrap_or_default());
            }
            if !v.missing.is_empty() {
                meta.insert("missing".to_string(), serde_json::to_string(&v.missing).unwrap_or_default());
            }
            f.with_metadata(meta)
        })
        .collect();
    Arc::new(Schema::new(fields))
}

// ---------------------------------------------------------------- Parquet

/// Parquet (zstd), in row groups of [`BATCH_ROWS`]; each column's label, value labels and missing
/// codes are in its Arrow field metadata.
struct ParquetSink {
    writer: parquet::arrow::ArrowWriter<BufWriter<File>>,
    cols: Columns,
    schema: Arc<Schema>,
    path: PathBuf,
}

impl ParquetSink {
    fn new(file: &FileDef, path: &Path) -> Result<ParquetSink, ExportError> {
        let names: Vec<String> = file.vars.iter().map(|v| v.name.clone()).collect();
        let schema = arrow_schema(&file.vars, &names, false, true);
        let props = parquet::file::properties::WriterProperties::builder()
            .set_compression(parquet::basic::Compression::ZSTD(Default::default()))
            .build();
        let writer =
            parquet::arrow::ArrowWriter::try_new(create(path)?, schema.clone(), Some(props)).map_err(|e| format_err("Parquet")(&e))?;
        Ok(ParquetSink { writer, cols: Columns::new(&file.vars, false), schema, path: path.to_path_buf() })
    }
    fn flush(&mut self) -> Result<(), ExportError> {
        let batch = self.cols.batch(&self.schema).map_err(|e| format_err("Parquet")(&e))?;
        self.writer.write(&batch).map_err(|e| format_err("Parquet")(&e))
    }
}

impl Sink for ParquetSink {
    fn row(&mut self, cells: &[Cell]) -> Result<(), ExportError> {
        self.cols.push(cells);
        if self.cols.rows >= BATCH_ROWS {
            self.flush()?;
        }
        Ok(())
    }
    fn finish(mut self: Box<Self>) -> Result<(), ExportError> {
        if self.cols.rows > 0 {
            self.flush()?;
        }
        let path = self.path.clone();
        let mut inner = self.writer.into_inner().map_err(|e| format_err("Parquet")(&e))?;
        inner.flush().map_err(|e| ExportError::io(&path, e))
    }
}

// ---------------------------------------------------------------- SPSS

/// SPSS `.sav` (bytecode) or `.zsav`, written by `ambers` in chunks of [`sav::CHUNK_ROWS`] rows
/// ([`sav::ChunkedSav`]); text widths come from the measured [`Variable::width`].
struct SavSink {
    cols: Columns,
    schema: Arc<Schema>,
    out: crate::sav::ChunkedSav,
}

impl SavSink {
    fn new(file: &FileDef, path: &Path, format: Format, study_label: &str) -> Result<SavSink, ExportError> {
        let names = names::unique(&file.vars.iter().map(|v| v.name.clone()).collect::<Vec<_>>(), names::SPSS_NAME);
        let schema = arrow_schema(&file.vars, &names, true, false);
        let mut meta = ambers::SpssMetadata { file_label: names::cut_bytes(study_label, 64), ..Default::default() };
        for (v, name) in file.vars.iter().zip(&names) {
            meta.variable_labels.insert(name.clone(), names::cut_bytes(&v.label, names::SPSS_LABEL));
            if !v.value_labels.is_empty() {
                let labels = v
                    .value_labels
                    .iter()
                    .map(|(c, l)| (ambers::Value::Numeric(*c as f64), names::cut_bytes(l, names::SPSS_VALUE_LABEL)))
                    .collect();
                meta.variable_value_labels.insert(name.clone(), labels);
            }
            if !v.missing.is_empty() {
                meta.variable_missing_values
                    .insert(name.clone(), v.missing.iter().map(|m| ambers::MissingSpec::Value(*m as f64)).collect());
            }
            let (format, measure) = match v.kind {
                Kind::Code => ("F8.0".to_string(), ambers::Measure::Nominal),
                Kind::Int => ("F10.0".to_string(), ambers::Measure::Scale),
                Kind::Float => ("F12.2".to_string(), ambers::Measure::Scale),
                Kind::Text => (format!("A{}", v.width.clamp(1, 32_767)), ambers::Measure::Nominal),
                Kind::Date => ("DATE11".to_string(), ambers::Measure::Scale),
                Kind::Time => ("TIME5".to_string(), ambers::Measure::Scale),
                Kind::DateTime => ("DATETIME20".to_string(), ambers::Measure::Scale),
            };
            meta.variable_formats.insert(name.clone(), format);
            meta.variable_measures.insert(name.clone(), measure);
        }
        let level = (format == Format::Zsav).then_some(3);
        let out = crate::sav::ChunkedSav::create(path, schema.clone(), meta, level)?;
        Ok(SavSink { cols: Columns::new(&file.vars, true), schema, out })
    }

    fn flush(&mut self) -> Result<(), ExportError> {
        let batch = self.cols.batch(&self.schema).map_err(|e| format_err("SPSS")(&e))?;
        self.out.chunk(&batch)
    }
}

impl Sink for SavSink {
    fn row(&mut self, cells: &[Cell]) -> Result<(), ExportError> {
        self.cols.push(cells);
        if self.cols.rows >= crate::sav::CHUNK_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<(), ExportError> {
        if self.cols.rows > 0 {
            self.flush()?;
        }
        self.out.finish().map(|_| ())
    }
}

// ---------------------------------------------------------------- Stata

/// Stata's days between 1960-01-01 and 1970-01-01.
const STATA_EPOCH_DAYS: i64 = 3653;

struct DtaSink {
    writer: Option<dta::stata::dta::record_writer::RecordWriter<BufWriter<File>>>,
    vars: Vec<Variable>,
    path: PathBuf,
    labels: Vec<(String, Vec<(i64, String)>)>,
}

fn stata_missing(code: i64) -> dta::stata::missing_value::MissingValue {
    use dta::stata::missing_value::MissingValue;
    match code {
        -97 => MissingValue::A,
        -98 => MissingValue::B,
        -99 => MissingValue::C,
        _ => MissingValue::System,
    }
}

/// The integer a value-label table uses for a declared missing code: `.a` … `.c`.
fn stata_label_value(code: i64, declared: bool) -> i64 {
    if declared {
        match code {
            -97 => return 2_147_483_622,
            -98 => return 2_147_483_623,
            -99 => return 2_147_483_624,
            _ => {}
        }
    }
    code
}

impl DtaSink {
    fn new(file: &FileDef, path: &Path, study_label: &str) -> Result<DtaSink, ExportError> {
        use dta::stata::dta::{
            byte_order::ByteOrder, dta_writer::DtaWriter, header::Header, release::Release, schema::Schema, variable::Variable as DVar,
            variable_type::VariableType,
        };
        let err = format_err("Stata");
        let names = names::unique(&file.vars.iter().map(|v| v.name.clone()).collect::<Vec<_>>(), names::STATA_NAME);
        let header = Header::builder(Release::V118, ByteOrder::LittleEndian).dataset_label(names::cut_chars(study_label, 80)).build();
        let mut schema = Schema::builder();
        let mut labels = Vec::new();
        for (v, name) in file.vars.iter().zip(&names) {
            let (ty, fmt) = match v.kind {
                Kind::Code | Kind::Int => (VariableType::Long, "%12.0g".to_string()),
                Kind::Float => (VariableType::Double, "%12.2f".to_string()),
                Kind::Text => {
                    let w = v.width.clamp(1, names::STATA_STR);
                    (VariableType::FixedString(w as u16), format!("%-{}s", w.min(48)))
                }
                Kind::Date => (VariableType::Long, "%td".to_string()),
                Kind::Time => (VariableType::Double, "%tcHH:MM".to_string()),
                Kind::DateTime => (VariableType::Double, "%tc".to_string()),
            };
            let mut b = DVar::builder(ty, name.clone()).format(fmt).label(names::cut_chars(&v.label, names::STATA_LABEL));
            if !v.value_labels.is_empty() {
                b = b.value_label_name(name.clone());
                labels.push((
                    name.clone(),
                    v.value_labels.iter().map(|(c, l)| (stata_label_value(*c, v.missing.contains(c)), l.clone())).collect(),
                ));
            }
            schema = schema.add_variable(b);
        }
        let schema = schema.build().map_err(|e| err(&e))?;
        let writer = DtaWriter::new()
            .from_path(path)
            .map_err(|e| err(&e))?
            .write_header(header)
            .map_err(|e| err(&e))?
            .write_schema(schema)
            .map_err(|e| err(&e))?
            .into_record_writer()
            .map_err(|e| err(&e))?;
        Ok(DtaSink { writer: Some(writer), vars: file.vars.clone(), path: path.to_path_buf(), labels })
    }
}

impl Sink for DtaSink {
    fn row(&mut self, cells: &[Cell]) -> Result<(), ExportError> {
        use dta::stata::dta::value::Value;
        use dta::stata::missing_value::MissingValue;
        use dta::stata::stata_double::StataDouble;
        use dta::stata::stata_long::StataLong;
        let mut values: Vec<Value> = Vec::with_capacity(cells.len());
        for (v, c) in self.vars.iter().zip(cells) {
            values.push(match (v.kind, c) {
                (Kind::Code | Kind::Int, Cell::Int(i)) if i32::try_from(*i).is_ok() => Value::Long(StataLong::Present(*i as i32)),
                (Kind::Code | Kind::Int, Cell::Missing(m)) if v.missing.contains(m) => Value::Long(StataLong::Missing(stata_missing(*m))),
                (Kind::Code | Kind::Int, Cell::Missing(m)) => Value::Long(StataLong::Present(*m as i32)),
                (Kind::Code | Kind::Int, _) => Value::Long(StataLong::Missing(MissingValue::System)),
                (Kind::Float, Cell::Float(f)) => Value::Double(StataDouble::Present(*f)),
                (Kind::Float, Cell::Int(i)) => Value::Double(StataDouble::Present(*i as f64)),
                (Kind::Float, Cell::Missing(m)) if v.missing.contains(m) => Value::Double(StataDouble::Missing(stata_missing(*m))),
                (Kind::Float, Cell::Missing(m)) => Value::Double(StataDouble::Present(*m as f64)),
                (Kind::Text, Cell::Text(s)) => Value::string(names::cut_value(s, v.width.clamp(1, names::STATA_STR))),
                (Kind::Text, Cell::Missing(m) | Cell::Int(m)) => Value::String(std::borrow::Cow::Owned(m.to_string())),
                (Kind::Text, _) => Value::string(""),
                (Kind::Date, Cell::Date(d)) => Value::Long(StataLong::Present(((*d - EPOCH).num_days() + STATA_EPOCH_DAYS) as i32)),
                (Kind::Date, _) => Value::Long(StataLong::Missing(MissingValue::System)),
                (Kind::Time, Cell::Time(t)) => Value::Double(StataDouble::Present(t.num_seconds_from_midnight() as f64 * 1000.0)),
                (Kind::DateTime, Cell::DateTime(t)) => {
                    Value::Double(StataDouble::Present((t.and_utc().timestamp_millis() + STATA_EPOCH_DAYS * 86_400_000) as f64))
                }
                (Kind::Time | Kind::DateTime | Kind::Float, _) => Value::Double(StataDouble::Missing(MissingValue::System)),
            });
        }
        let writer = self.writer.as_mut().expect("open until finished");
        writer.write_record(&values).map_err(|e| format_err("Stata")(&e))
    }

    fn finish(mut self: Box<Self>) -> Result<(), ExportError> {
        let err = format_err("Stata");
        let writer = self.writer.take().expect("open until finished");
        let mut out = writer
            .into_long_string_writer()
            .map_err(|e| err(&e))?
            .into_value_label_writer()
            .map_err(|e| err(&e))?
            .finish()
            .map_err(|e| err(&e))?;
        out.flush().map_err(|e| ExportError::io(&self.path, e))?;
        drop(out);
        append_stata_labels(&self.path, &self.labels).map_err(|e| ExportError::io(&self.path, e))
    }
}

/// Writes value-label tables into a closed `.dta` 118 file (little-endian) whose
/// `<value_labels>` section is empty, and patches the two map entries that follow it.
/// Layout per Stata's `dta` documentation (format 118): `<lbl>`, the table's length (4 bytes),
/// the label name (129 bytes), 3 bytes of padding, then n, txtlen, off\[n\], val\[n\], txt; `</lbl>`.
pub fn append_stata_labels(path: &Path, labels: &[(String, Vec<(i64, String)>)]) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new().read(true).write(true).open(path)?;
    let len = f.metadata()?.len();
    let tail_len = len.min(64);
    let mut tail = vec![0; tail_len as usize];
    f.seek(SeekFrom::Start(len - tail_len))?;
    f.read_exact(&mut tail)?;
    let close = b"</value_labels></stata_dta>";
    let at = tail.windows(close.len()).rposition(|w| w == close).ok_or_else(|| std::io::Error::other("no empty value-label section"))?;
    let start = len - tail_len + at as u64;
    let mut head = vec![0; 4096.min(len as usize)];
    f.seek(SeekFrom::Start(0))?;
    f.read_exact(&mut head)?;
    let map = head.windows(5).position(|w| w == b"<map>").ok_or_else(|| std::io::Error::other("no map"))? as u64 + 5;

    let mut out = Vec::new();
    for (name, entries) in labels {
        let mut entries: Vec<(i32, &str)> = entries.iter().filter_map(|(v, l)| i32::try_from(*v).ok().map(|v| (v, l.as_str()))).collect();
        entries.sort_by_key(|e| e.0);
        entries.dedup_by_key(|e| e.0);
        let mut txt = Vec::new();
        let mut offs = Vec::new();
        for (_, l) in &entries {
            offs.push(txt.len() as i32);
            txt.extend_from_slice(names::cut_value(l, 32_000).as_bytes());
            txt.push(0);
        }
        let n = entries.len();
        let table_len = 8 + 8 * n + txt.len();
        out.extend_from_slice(b"<lbl>");
        out.extend_from_slice(&(table_len as i32).to_le_bytes());
        let mut nm = [0u8; 129];
        let bytes = names::cut_value(name, 128).as_bytes();
        nm[..bytes.len()].copy_from_slice(bytes);
        out.extend_from_slice(&nm);
        out.extend_from_slice(&[0; 3]);
        out.extend_from_slice(&(n as i32).to_le_bytes());
        out.extend_from_slice(&(txt.len() as i32).to_le_bytes());
        for o in &offs {
            out.extend_from_slice(&o.to_le_bytes());
        }
        for (v, _) in &entries {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(&txt);
        out.extend_from_slice(b"</lbl>");
    }
    out.extend_from_slice(b"</value_labels>");
    let stata_dta_close = start + out.len() as u64;
    out.extend_from_slice(b"</stata_dta>");
    let eof = start + out.len() as u64;
    f.seek(SeekFrom::Start(start))?;
    f.write_all(&out)?;
    f.set_len(eof)?;
    f.seek(SeekFrom::Start(map + 12 * 8))?;
    f.write_all(&stata_dta_close.to_le_bytes())?;
    f.write_all(&eof.to_le_bytes())?;
    f.sync_all()
}

/// Measures the widths of text variables (the `.sav` and `.dta` writers need them before the first row).
pub struct Widths(pub Vec<usize>);

impl Widths {
    pub fn row(&mut self, cells: &[Cell]) {
        for (w, c) in self.0.iter_mut().zip(cells) {
            let n = match c {
                Cell::Text(s) => s.len(),
                Cell::Missing(m) => m.to_string().len(),
                _ => 0,
            };
            *w = (*w).max(n);
        }
    }
}
