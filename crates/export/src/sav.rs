//! SPSS `.sav` (bytecode-compressed) and `.zsav` written in chunks, so that memory holds one chunk of
//! rows, never the file.
//!
//! `ambers` writes a whole file from one Arrow batch. Here every chunk of [`CHUNK_ROWS`] rows is
//! written by `ambers` into memory as a file of its own, and its case data (everything after the
//! dictionary) is appended to the real file:
//!
//! - the dictionary is the same in every chunk (the text widths and formats come from the metadata,
//!   measured before the first row), apart from the case count and the creation time in the header;
//!   each chunk's dictionary is checked against the first one before its data is taken;
//! - bytecode compression works in blocks of eight command bytes, and a chunk ends with an
//!   end-of-data command (252) in its last block: that command is turned into padding (0, which
//!   readers skip) in every chunk, and one end-of-data block closes the file;
//! - the header's case count (offset 80) is patched when the file is complete;
//! - for `.zsav` the bytecode stream is cut into zlib blocks of `ambers`'s size (0x3FF000 bytes) as it
//!   grows, and the zlib header and trailer (layout as in PSPP's system-file documentation and as
//!   `ambers` writes them) are written around them.
//!
//! These splices are the part of the format written here by hand (docs/export.md); PSPP and
//! pyreadstat read the result in the peer tests.

use std::fs::File;
use std::io::{BufWriter, Cursor, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::datatypes::Schema;
use arrow::record_batch::RecordBatch;

use crate::error::ExportError;

/// Rows per chunk: a households chunk of 445 variables holds about 16 MB of Arrow columns.
pub const CHUNK_ROWS: usize = 4096;

/// Uncompressed bytes per `.zsav` block (as `ambers` and SPSS write them).
const ZSAV_BLOCK: usize = 0x3FF000;

/// Byte offset of the header's case count.
const NCASES_AT: u64 = 80;
/// What may differ between a chunk's dictionary and the file's: the magic ("$FL2" or "$FL3" for
/// `.zsav`), the compression code, and the case count, creation date and time.
const MAY_DIFFER: [std::ops::Range<usize>; 3] = [0..4, 72..76, 80..109];

const EOF_COMMAND: u8 = 252;
const RAW_COMMAND: u8 = 253;

fn bad(detail: impl Into<String>) -> ExportError {
    ExportError::Format { format: "SPSS", detail: detail.into() }
}

pub struct ChunkedSav {
    out: BufWriter<File>,
    path: PathBuf,
    meta: ambers::SpssMetadata,
    schema: Arc<Schema>,
    /// The dictionary of the first (empty) write: every chunk's must match it.
    dictionary: Vec<u8>,
    zsav: Option<Zsav>,
    rows: u64,
}

struct Zsav {
    level: u32,
    /// Uncompressed bytes per block ([`ZSAV_BLOCK`]; smaller in tests).
    block: usize,
    /// Where the zlib header stands (the file offset the trailer's offsets start from).
    header_at: u64,
    /// Bytecode not yet compressed (less than one block).
    pending: Vec<u8>,
    /// (uncompressed offset, compressed offset, uncompressed size, compressed size) per block.
    blocks: Vec<(i64, i64, i32, i32)>,
    uncompressed_at: i64,
}

impl ChunkedSav {
    /// Opens `path` and writes the dictionary that `meta` and `schema` describe (`zsav_level`:
    /// `Some(level)` for `.zsav`).
    pub fn create(
        path: &Path,
        schema: Arc<Schema>,
        meta: ambers::SpssMetadata,
        zsav_level: Option<u32>,
    ) -> Result<ChunkedSav, ExportError> {
        Self::with_block(path, schema, meta, zsav_level, ZSAV_BLOCK)
    }

    fn with_block(
        path: &Path,
        schema: Arc<Schema>,
        meta: ambers::SpssMetadata,
        zsav_level: Option<u32>,
        block: usize,
    ) -> Result<ChunkedSav, ExportError> {
        let empty = RecordBatch::new_empty(schema.clone());
        let plain = write(&empty, &meta, ambers::Compression::None, None)?;
        let compression = if zsav_level.is_some() { ambers::Compression::Zlib } else { ambers::Compression::Bytecode };
        let full = write(&empty, &meta, compression, zsav_level)?;
        let at = plain.len();
        if full.len() < at {
            return Err(bad("unexpected dictionary layout"));
        }
        // What follows the dictionary in an empty file: one end-of-data block, or the zlib header
        // pointing at itself.
        match zsav_level {
            None if full[at..] == [EOF_COMMAND, 0, 0, 0, 0, 0, 0, 0] => {}
            Some(_) if full.len() >= at + 8 && full[at..at + 8] == (at as i64).to_le_bytes() => {}
            _ => return Err(bad("unexpected data layout after the dictionary")),
        }
        let dictionary = full[..at].to_vec();
        let f = File::create(path).map_err(|e| ExportError::io(path, e))?;
        let mut out = BufWriter::with_capacity(1 << 20, f);
        out.write_all(&dictionary).map_err(|e| ExportError::io(path, e))?;
        let zsav = match zsav_level {
            Some(level) => {
                out.write_all(&[0; 24]).map_err(|e| ExportError::io(path, e))?;
                Some(Zsav { level, block, header_at: at as u64, pending: Vec::new(), blocks: Vec::new(), uncompressed_at: at as i64 })
            }
            None => None,
        };
        Ok(ChunkedSav { out, path: path.to_path_buf(), meta, schema, dictionary, zsav, rows: 0 })
    }

    /// Appends a chunk of rows (with this file's schema).
    pub fn chunk(&mut self, batch: &RecordBatch) -> Result<(), ExportError> {
        if batch.num_rows() == 0 {
            return Ok(());
        }
        if batch.schema() != self.schema {
            return Err(bad("chunk schema differs from the file's"));
        }
        let mut bytes = write(batch, &self.meta, ambers::Compression::Bytecode, None)?;
        let n = self.dictionary.len();
        if bytes.len() < n || !same_dictionary(&bytes[..n], &self.dictionary) {
            return Err(bad("a chunk's dictionary differs from the file's"));
        }
        pad_end_of_data(&mut bytes[n..])?;
        self.rows += batch.num_rows() as u64;
        self.append(&bytes[n..])
    }

    fn append(&mut self, data: &[u8]) -> Result<(), ExportError> {
        let path = &self.path;
        match &mut self.zsav {
            None => self.out.write_all(data).map_err(|e| ExportError::io(path, e)),
            Some(z) => {
                z.pending.extend_from_slice(data);
                while z.pending.len() >= z.block {
                    let rest = z.pending.split_off(z.block);
                    let block = std::mem::replace(&mut z.pending, rest);
                    z.compress(&mut self.out, &block).map_err(|e| ExportError::io(path, e))?;
                }
                Ok(())
            }
        }
    }

    /// Closes the case data and patches the case count; returns the rows written.
    pub fn finish(mut self) -> Result<u64, ExportError> {
        self.append(&[EOF_COMMAND, 0, 0, 0, 0, 0, 0, 0])?;
        let path = self.path.clone();
        let io = |e| ExportError::io(&path, e);
        if let Some(mut z) = self.zsav.take() {
            let block = std::mem::take(&mut z.pending);
            if !block.is_empty() {
                z.compress(&mut self.out, &block).map_err(io)?;
            }
            let trailer_at = self.out.stream_position().map_err(io)? as i64;
            let mut t = Vec::new();
            t.extend_from_slice(&(-100i64).to_le_bytes());
            t.extend_from_slice(&0i64.to_le_bytes());
            t.extend_from_slice(&(z.block as i32).to_le_bytes());
            t.extend_from_slice(&(z.blocks.len() as i32).to_le_bytes());
            for (u_at, c_at, u_len, c_len) in &z.blocks {
                t.extend_from_slice(&u_at.to_le_bytes());
                t.extend_from_slice(&c_at.to_le_bytes());
                t.extend_from_slice(&u_len.to_le_bytes());
                t.extend_from_slice(&c_len.to_le_bytes());
            }
            self.out.write_all(&t).map_err(io)?;
            self.out.seek(SeekFrom::Start(z.header_at)).map_err(io)?;
            self.out.write_all(&(z.header_at as i64).to_le_bytes()).map_err(io)?;
            self.out.write_all(&trailer_at.to_le_bytes()).map_err(io)?;
            self.out.write_all(&(t.len() as i64).to_le_bytes()).map_err(io)?;
        }
        let ncases = i32::try_from(self.rows).unwrap_or(-1);
        self.out.seek(SeekFrom::Start(NCASES_AT)).map_err(io)?;
        self.out.write_all(&ncases.to_le_bytes()).map_err(io)?;
        self.out.flush().map_err(io)?;
        Ok(self.rows)
    }
}

impl Zsav {
    fn compress(&mut self, out: &mut BufWriter<File>, block: &[u8]) -> std::io::Result<()> {
        let mut z = flate2::write::ZlibEncoder::new(Vec::with_capacity(block.len() / 4), flate2::Compression::new(self.level));
        z.write_all(block)?;
        let compressed = z.finish()?;
        let at = out.stream_position()? as i64;
        out.write_all(&compressed)?;
        self.blocks.push((self.uncompressed_at, at, block.len() as i32, compressed.len() as i32));
        self.uncompressed_at += block.len() as i64;
        Ok(())
    }
}

fn same_dictionary(chunk: &[u8], file: &[u8]) -> bool {
    chunk.len() == file.len() && chunk.iter().zip(file).enumerate().all(|(i, (a, b))| a == b || MAY_DIFFER.iter().any(|r| r.contains(&i)))
}

fn write(
    batch: &RecordBatch,
    meta: &ambers::SpssMetadata,
    compression: ambers::Compression,
    level: Option<u32>,
) -> Result<Vec<u8>, ExportError> {
    let mut c = Cursor::new(Vec::new());
    ambers::write_sav_to_writer(&mut c, batch, meta, compression, level).map_err(|e| bad(e.to_string()))?;
    Ok(c.into_inner())
}

/// Turns the end-of-data command of a chunk's bytecode into padding, checking that it stands in the
/// last command block and that nothing follows that block's raw values.
fn pad_end_of_data(data: &mut [u8]) -> Result<(), ExportError> {
    let len = data.len();
    let mut at = 0;
    while at + 8 <= data.len() {
        let block = &mut data[at..at + 8];
        let raw = block.iter().filter(|&&c| c == RAW_COMMAND).count();
        if let Some(i) = block.iter().position(|&c| c == EOF_COMMAND) {
            if block[i + 1..].iter().any(|&c| c != 0) || at + 8 + 8 * raw != len {
                return Err(bad("end of data before the end of a chunk"));
            }
            block[i] = 0;
            return Ok(());
        }
        at += 8 + 8 * raw;
    }
    Err(bad("a chunk's data has no end"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{ArrayRef, Float64Array, Int64Array, StringArray};
    use arrow::datatypes::{DataType, Field};

    /// 3 000 rows written in chunks of 700 (and, for .zsav, zlib blocks of 4 000 bytes) read back
    /// equal to the same rows written by `ambers` in one piece.
    #[test]
    fn chunks_read_back_as_one_file() {
        let n = 3000;
        let schema = Arc::new(Schema::new(vec![
            Field::new("a", DataType::Int64, true),
            Field::new("f", DataType::Float64, true),
            Field::new("s", DataType::Utf8, true),
            Field::new("long", DataType::Utf8, true),
        ]));
        let a: ArrayRef = Arc::new(Int64Array::from_iter((0..n).map(|i| (i % 7 != 3).then_some(i as i64 - 50))));
        let f: ArrayRef = Arc::new(Float64Array::from_iter((0..n).map(|i| (i % 5 != 1).then_some(i as f64 * 1.25 + 0.1))));
        let s: ArrayRef = Arc::new(StringArray::from_iter((0..n).map(|i| (i % 11 != 0).then(|| format!("Қала {i}")))));
        let long: ArrayRef = Arc::new(StringArray::from_iter((0..n).map(|i| Some("ә".repeat(i % 150)))));
        let whole = RecordBatch::try_new(schema.clone(), vec![a, f, s, long]).unwrap();
        let mut meta = ambers::SpssMetadata { file_label: "test".into(), ..Default::default() };
        meta.variable_formats.insert("s".into(), "A12".into());
        meta.variable_formats.insert("long".into(), "A300".into());
        meta.variable_labels.insert("a".into(), "Жас".into());
        let dir = tempfile::tempdir().unwrap();
        let one = dir.path().join("one.sav");
        ambers::write_sav(&one, &whole, &meta, ambers::Compression::Bytecode, None).unwrap();
        let (want, _) = ambers::read_sav(&one).unwrap();
        for (name, level, block) in [("chunked.sav", None, ZSAV_BLOCK), ("chunked.zsav", Some(3), 4000)] {
            let path = dir.path().join(name);
            let mut w = ChunkedSav::with_block(&path, schema.clone(), meta.clone(), level, block).unwrap();
            let mut at = 0;
            while at < n {
                let len = 700.min(n - at);
                w.chunk(&whole.slice(at, len)).unwrap();
                at += len;
            }
            assert_eq!(w.finish().unwrap(), n as u64);
            let (got, got_meta) = ambers::read_sav(&path).unwrap();
            assert_eq!(got.num_rows(), n, "{name}");
            assert_eq!(got, want, "{name}");
            assert_eq!(got_meta.variable_labels.get("a").map(String::as_str), Some("Жас"));
        }
    }

    #[test]
    fn a_chunk_of_another_schema_is_refused() {
        let schema = Arc::new(Schema::new(vec![Field::new("a", DataType::Int64, true)]));
        let other = Arc::new(Schema::new(vec![Field::new("b", DataType::Int64, true)]));
        let dir = tempfile::tempdir().unwrap();
        let mut w = ChunkedSav::create(&dir.path().join("x.sav"), schema, Default::default(), None).unwrap();
        let batch = RecordBatch::try_new(other, vec![Arc::new(Int64Array::from(vec![1]))]).unwrap();
        assert!(w.chunk(&batch).is_err());
    }

    #[test]
    fn end_of_data_becomes_padding_only_in_the_last_block() {
        // Two values (1 = 1 - bias, 253 = raw), the raw value, then the end in the next block.
        let mut d = vec![101, 253, 0, 0, 0, 0, 0, 0];
        d.extend_from_slice(&2.5f64.to_le_bytes());
        d.extend_from_slice(&[252, 0, 0, 0, 0, 0, 0, 0]);
        pad_end_of_data(&mut d).unwrap();
        assert_eq!(d[16], 0);
        // A raw value that looks like an end command is data, not a command.
        let mut d = vec![253, 252, 0, 0, 0, 0, 0, 0];
        d.extend_from_slice(&[252; 8]);
        pad_end_of_data(&mut d).unwrap();
        assert_eq!(&d[8..16], &[252; 8]);
        assert_eq!(d[1], 0);
        // No end, or data after it: refused.
        assert!(pad_end_of_data(&mut [101, 0, 0, 0, 0, 0, 0, 0]).is_err());
        assert!(pad_end_of_data(&mut [252, 0, 0, 0, 0, 0, 0, 0, 1]).is_err());
        assert!(pad_end_of_data(&mut [252, 101, 0, 0, 0, 0, 0, 0]).is_err());
    }
}
