//! A file's rows kept on disk between the export's walk over the database and the writers that must
//! know every text variable's width before their first row (SPSS, Stata): the walk measures the
//! widths and spills the rows here, the writer reads them back one at a time. Memory holds one row;
//! the spill files live in the export's temporary folder and are removed as each data file is written.
//!
//! The encoding is private to one export and never leaves the machine (it is written and read by the
//! same process): one tag byte per cell, then its value in little-endian bytes, text as a length and
//! its UTF-8 bytes. A truncated or altered spill file is refused, not misread.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveTime, Timelike};

use crate::error::ExportError;
use crate::rows::Cell;

const NULL: u8 = 0;
const MISSING: u8 = 1;
const INT: u8 = 2;
const FLOAT: u8 = 3;
const TEXT: u8 = 4;
const DATE: u8 = 5;
const TIME: u8 = 6;
const DATETIME: u8 = 7;

const EPOCH: NaiveDate = match NaiveDate::from_ymd_opt(1970, 1, 1) {
    Some(d) => d,
    None => panic!(),
};

pub struct SpillWriter {
    out: BufWriter<File>,
    path: PathBuf,
    rows: u64,
}

impl SpillWriter {
    pub fn create(path: &Path) -> Result<SpillWriter, ExportError> {
        let f = File::create(path).map_err(|e| ExportError::io(path, e))?;
        Ok(SpillWriter { out: BufWriter::with_capacity(1 << 20, f), path: path.to_path_buf(), rows: 0 })
    }

    pub fn row(&mut self, cells: &[Cell]) -> Result<(), ExportError> {
        self.write(cells).map_err(|e| ExportError::io(&self.path, e))?;
        self.rows += 1;
        Ok(())
    }

    fn write(&mut self, cells: &[Cell]) -> std::io::Result<()> {
        let o = &mut self.out;
        for c in cells {
            match c {
                Cell::Null => o.write_all(&[NULL])?,
                Cell::Missing(m) => {
                    o.write_all(&[MISSING])?;
                    o.write_all(&m.to_le_bytes())?;
                }
                Cell::Int(i) => {
                    o.write_all(&[INT])?;
                    o.write_all(&i.to_le_bytes())?;
                }
                Cell::Float(f) => {
                    o.write_all(&[FLOAT])?;
                    o.write_all(&f.to_le_bytes())?;
                }
                Cell::Text(s) => {
                    o.write_all(&[TEXT])?;
                    o.write_all(&(s.len() as u32).to_le_bytes())?;
                    o.write_all(s.as_bytes())?;
                }
                Cell::Date(d) => {
                    o.write_all(&[DATE])?;
                    o.write_all(&((*d - EPOCH).num_days() as i32).to_le_bytes())?;
                }
                Cell::Time(t) => {
                    o.write_all(&[TIME])?;
                    o.write_all(&t.num_seconds_from_midnight().to_le_bytes())?;
                    o.write_all(&t.nanosecond().to_le_bytes())?;
                }
                Cell::DateTime(t) => {
                    o.write_all(&[DATETIME])?;
                    o.write_all(&t.and_utc().timestamp_micros().to_le_bytes())?;
                }
            }
        }
        Ok(())
    }

    /// Closes the file and opens it for reading (rows of `width` cells).
    pub fn into_reader(self, width: usize) -> Result<SpillReader, ExportError> {
        let SpillWriter { out, path, rows } = self;
        let f = out.into_inner().map_err(|e| ExportError::io(&path, e.into_error()))?;
        drop(f);
        let f = File::open(&path).map_err(|e| ExportError::io(&path, e))?;
        Ok(SpillReader { inp: BufReader::with_capacity(1 << 20, f), path, rows, width })
    }
}

pub struct SpillReader {
    inp: BufReader<File>,
    path: PathBuf,
    /// Rows still to read.
    rows: u64,
    width: usize,
}

impl SpillReader {
    /// Reads the next row into `cells` (reusing its text buffers); `false` after the last.
    pub fn next(&mut self, cells: &mut Vec<Cell>) -> Result<bool, ExportError> {
        if self.rows == 0 {
            return Ok(false);
        }
        self.rows -= 1;
        self.read(cells).map_err(|e| ExportError::io(&self.path, e))?;
        Ok(true)
    }

    fn read(&mut self, cells: &mut Vec<Cell>) -> std::io::Result<()> {
        cells.resize(self.width, Cell::Null);
        let bad = || std::io::Error::new(std::io::ErrorKind::InvalidData, "export spill file damaged");
        for cell in cells.iter_mut() {
            let tag = self.byte()?;
            *cell = match tag {
                NULL => Cell::Null,
                MISSING => Cell::Missing(i64::from_le_bytes(self.bytes()?)),
                INT => Cell::Int(i64::from_le_bytes(self.bytes()?)),
                FLOAT => Cell::Float(f64::from_le_bytes(self.bytes()?)),
                TEXT => {
                    let n = u32::from_le_bytes(self.bytes()?) as usize;
                    let mut s = match std::mem::replace(cell, Cell::Null) {
                        Cell::Text(s) => s.into_bytes(),
                        _ => Vec::new(),
                    };
                    s.clear();
                    s.resize(n, 0);
                    self.inp.read_exact(&mut s)?;
                    Cell::Text(String::from_utf8(s).map_err(|_| bad())?)
                }
                DATE => {
                    let days = i32::from_le_bytes(self.bytes()?);
                    Cell::Date(EPOCH.checked_add_signed(chrono::Duration::days(days as i64)).ok_or_else(bad)?)
                }
                TIME => {
                    let secs = u32::from_le_bytes(self.bytes()?);
                    let nanos = u32::from_le_bytes(self.bytes()?);
                    Cell::Time(NaiveTime::from_num_seconds_from_midnight_opt(secs, nanos).ok_or_else(bad)?)
                }
                DATETIME => {
                    let micros = i64::from_le_bytes(self.bytes()?);
                    Cell::DateTime(chrono::DateTime::from_timestamp_micros(micros).map(|t| t.naive_utc()).ok_or_else(bad)?)
                }
                _ => return Err(bad()),
            };
        }
        Ok(())
    }

    fn byte(&mut self) -> std::io::Result<u8> {
        let [b] = self.bytes::<1>()?;
        Ok(b)
    }

    fn bytes<const N: usize>(&mut self) -> std::io::Result<[u8; N]> {
        let mut b = [0; N];
        self.inp.read_exact(&mut b)?;
        Ok(b)
    }

    /// Removes the spill file.
    pub fn remove(self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_come_back_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.spill");
        let rows = vec![
            vec![
                Cell::Null,
                Cell::Missing(-98),
                Cell::Int(i64::MIN),
                Cell::Float(-0.125),
                Cell::Text("Қарағанды".into()),
                Cell::Date(NaiveDate::from_ymd_opt(2010, 10, 18).unwrap()),
                Cell::Time(NaiveTime::from_hms_opt(23, 59, 0).unwrap()),
                Cell::DateTime(NaiveDate::from_ymd_opt(1899, 12, 31).unwrap().and_hms_micro_opt(1, 2, 3, 456).unwrap()),
            ],
            vec![
                Cell::Text(String::new()),
                Cell::Null,
                Cell::Int(7),
                Cell::Float(f64::MAX),
                Cell::Text("x".repeat(40_000)),
                Cell::Null,
                Cell::Null,
                Cell::Null,
            ],
        ];
        let mut w = SpillWriter::create(&path).unwrap();
        for r in &rows {
            w.row(r).unwrap();
        }
        let mut r = w.into_reader(8).unwrap();
        let mut cells = Vec::new();
        for want in &rows {
            assert!(r.next(&mut cells).unwrap());
            assert_eq!(&cells, want);
        }
        assert!(!r.next(&mut cells).unwrap());
        r.remove();
        assert!(!path.exists());
    }

    #[test]
    fn a_damaged_spill_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.spill");
        let mut w = SpillWriter::create(&path).unwrap();
        w.row(&[Cell::Text("abc".into())]).unwrap();
        w.row(&[Cell::Int(1)]).unwrap();
        let r = w.into_reader(1).unwrap();
        drop(r);
        // Cut the file inside the second row.
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 3]).unwrap();
        let f = File::open(&path).unwrap();
        let mut r = SpillReader { inp: BufReader::new(f), path: path.clone(), rows: 2, width: 1 };
        let mut cells = Vec::new();
        assert!(r.next(&mut cells).unwrap());
        assert_eq!(cells, vec![Cell::Text("abc".into())]);
        assert!(r.next(&mut cells).is_err());
        // An unknown tag.
        std::fs::write(&path, [9u8]).unwrap();
        let mut r = SpillReader { inp: BufReader::new(File::open(&path).unwrap()), path, rows: 1, width: 1 };
        assert!(r.next(&mut cells).is_err());
    }
}
