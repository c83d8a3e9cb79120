//! The machine-readable codebook of an export: `codebook.xml`, DDI-Codebook 2.5 (namespace
//! `ddi:codebook:2_5`), written with `quick-xml` (every text and attribute escaped by the writer).
//!
//! - `docDscr`: the codebook itself (its title, the software that wrote it);
//! - `stdyDscr`: the study's title, id (`IDNo`) and version;
//! - one `fileDscr` per data file (`ID="F_<name>"`): file name, contents, rows (`caseQnty`),
//!   variables (`varQnty`), format;
//! - `dataDscr`: one `var` per variable, linked to its file by `files`: `labl`, `qstn/qstnLit` (the
//!   question's text in the export's language), `universe` (its relevance in words, the same
//!   sentence as `codebook.html`), `sumStat` (valid and invalid counts, min/max/mean for numbers with
//!   the missing codes excluded, the earliest and latest value as ISO 8601 for dates and times),
//!   `catgry` per code with `catValu`, `labl` and `catStat type="freq"`, the missing codes as
//!   `catgry missing="Y"` with their `missType`, and `varFormat` numeric or character.
//!
//! The element order follows the schema's sequences (`tests/peers/ddi-2.5/codebook.xsd`, checked by
//! `tests/peers/test_export.py`).

use std::collections::HashSet;
use std::io::Write;
use std::path::Path;

use dala_i18n::Lang;
use dala_questionnaire::expr::Missing;
use dala_questionnaire::Questionnaire;
use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;

use crate::codebook::{code_label, question_of, universe};
use crate::dict::{FileDef, Kind, Variable};
use crate::error::ExportError;
use crate::stats::{self, Stats, VarStats};

/// An `xs:ID`-safe (NCName) form of a name: letters, digits, `_`, `-` and `.` only.
fn ncname(prefix: &str, name: &str) -> String {
    let body: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') { c } else { '_' }).collect();
    format!("{prefix}_{body}")
}

fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x:.4}").trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

fn miss_type(code: i64) -> &'static str {
    match Missing::from_code(code) {
        Some(Missing::NotApplicable) => "not applicable",
        Some(Missing::DontKnow) => "don't know",
        Some(Missing::Refused) => "refused",
        None => "other",
    }
}

type Xml<W> = Writer<W>;

fn text<W: Write>(x: &mut Xml<W>, name: &str, attrs: &[(&str, &str)], value: &str) -> std::io::Result<()> {
    x.create_element(name).with_attributes(attrs.iter().copied()).write_text_content(BytesText::new(value))?;
    Ok(())
}

/// Writes the DDI-Codebook 2.5 document of an export to `out`.
pub fn write_to<W: Write>(out: W, q: &Questionnaire, files: &[FileDef], stats: &Stats, ext: &str, lang: Lang) -> std::io::Result<W> {
    let mut x = Writer::new_with_indent(out, b' ', 1);
    x.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let title = q.title.get(lang).to_string();
    let lang_code = lang.code();
    x.create_element("codeBook")
        .with_attributes([("xmlns", "ddi:codebook:2_5"), ("version", "2.5"), ("xml:lang", lang_code), ("ID", &ncname("DALA", &q.id))])
        .write_inner_content(|x| {
            x.create_element("docDscr").write_inner_content(|x| {
                x.create_element("citation").write_inner_content(|x| {
                    x.create_element("titlStmt").write_inner_content(|x| {
                        let codebook = lang.pick("Кодовая книга", "Кодтар кітабы", "Codebook");
                        text(x, "titl", &[], &format!("{codebook}: {title}"))
                    })?;
                    x.create_element("prodStmt")
                        .write_inner_content(|x| text(x, "software", &[("version", env!("CARGO_PKG_VERSION"))], "Dala"))?;
                    Ok(())
                })?;
                Ok(())
            })?;
            x.create_element("stdyDscr").write_inner_content(|x| {
                x.create_element("citation").write_inner_content(|x| {
                    x.create_element("titlStmt").write_inner_content(|x| {
                        text(x, "titl", &[], &title)?;
                        text(x, "IDNo", &[("level", "study")], &q.id)
                    })?;
                    x.create_element("verStmt").write_inner_content(|x| text(x, "version", &[], &q.version))?;
                    Ok(())
                })?;
                Ok(())
            })?;
            for (fi, f) in files.iter().enumerate() {
                let rows = stats.files.get(fi).map_or(0, |s| s.rows);
                x.create_element("fileDscr").with_attribute(("ID", ncname("F", &f.name).as_str())).write_inner_content(|x| {
                    x.create_element("fileTxt").write_inner_content(|x| {
                        text(x, "fileName", &[], &format!("{}.{ext}", f.name))?;
                        text(x, "fileCont", &[], &f.label)?;
                        x.create_element("dimensns").write_inner_content(|x| {
                            text(x, "caseQnty", &[], &rows.to_string())?;
                            text(x, "varQnty", &[], &f.vars.len().to_string())
                        })?;
                        text(x, "fileType", &[], ext)
                    })?;
                    Ok(())
                })?;
            }
            x.create_element("dataDscr").write_inner_content(|x| {
                let mut ids = HashSet::new();
                for (fi, f) in files.iter().enumerate() {
                    let Some(fs) = stats.files.get(fi) else { continue };
                    let file_id = ncname("F", &f.name);
                    for (vi, (v, s)) in f.vars.iter().zip(&fs.vars).enumerate() {
                        let mut id = ncname("V", &format!("{}.{}", f.name, v.name));
                        if !ids.insert(id.clone()) {
                            id = format!("{id}.{vi}");
                            ids.insert(id.clone());
                        }
                        var(x, q, f, v, s, &id, &file_id, lang)?;
                    }
                }
                Ok(())
            })?;
            Ok(())
        })?;
    Ok(x.into_inner())
}

#[allow(clippy::too_many_arguments)]
fn var<W: Write>(
    x: &mut Xml<W>,
    q: &Questionnaire,
    f: &FileDef,
    v: &Variable,
    s: &VarStats,
    id: &str,
    file_id: &str,
    lang: Lang,
) -> std::io::Result<()> {
    let intrvl = if matches!(v.kind, Kind::Int | Kind::Float) && v.value_labels.iter().all(|(c, _)| v.missing.contains(c)) {
        "contin"
    } else {
        "discrete"
    };
    let representation = match v.kind {
        Kind::Code => "code",
        Kind::Int | Kind::Float => "numeric",
        Kind::Text => "text",
        Kind::Date | Kind::Time | Kind::DateTime => "datetime",
    };
    x.create_element("var")
        .with_attributes([
            ("ID", id),
            ("name", v.name.as_str()),
            ("files", file_id),
            ("intrvl", intrvl),
            ("representationType", representation),
        ])
        .write_inner_content(|x| {
            text(x, "labl", &[], &v.label)?;
            if let Some(qi) = question_of(v) {
                let question = &q.questions[qi];
                let lit = question.text.get(lang).split_whitespace().collect::<Vec<_>>().join(" ");
                x.create_element("qstn")
                    .with_attribute(("seqNo", question.id.as_str()))
                    .write_inner_content(|x| text(x, "qstnLit", &[], &lit))?;
            }
            text(x, "universe", &[("clusion", "I")], &universe(q, f, v, lang))?;
            text(x, "sumStat", &[("type", "vald")], &s.valid.to_string())?;
            text(x, "sumStat", &[("type", "invd")], &(s.missing_total() + s.system_missing).to_string())?;
            if let Some(sum) = &s.summary {
                if let Some(mean) = sum.mean() {
                    text(x, "sumStat", &[("type", "min")], &number(sum.min))?;
                    text(x, "sumStat", &[("type", "max")], &number(sum.max))?;
                    text(x, "sumStat", &[("type", "mean")], &number(mean))?;
                }
            }
            if let Some((lo, hi)) = &s.range {
                text(x, "sumStat", &[("type", "min")], &stats::iso(lo))?;
                text(x, "sumStat", &[("type", "max")], &stats::iso(hi))?;
            }
            if let Some(freq) = &s.freq {
                let mut codes: Vec<i64> = v.value_labels.iter().map(|(c, _)| *c).filter(|c| !v.missing.contains(c)).collect();
                if v.kind == Kind::Int {
                    codes.retain(|c| freq.contains_key(c));
                }
                codes.extend(freq.keys().copied());
                codes.sort_unstable();
                codes.dedup();
                for c in codes {
                    let n = freq.get(&c).copied().unwrap_or(0);
                    catgry(x, &c.to_string(), &code_label(v, c, lang), n, None)?;
                }
            }
            if v.kind.is_numeric() {
                for c in s.missing_codes(v) {
                    catgry(x, &c.to_string(), &code_label(v, c, lang), s.missing_count(c), Some(miss_type(c)))?;
                }
                let sysmis = lang.pick("Системный пропуск (нет значения)", "Жүйелік бос мән (мән жоқ)", "System missing (no value)");
                catgry(x, "Sysmiss", sysmis, s.system_missing, Some("system missing"))?;
            }
            let (format, category) = match v.kind {
                Kind::Code | Kind::Int | Kind::Float => ("numeric", None),
                Kind::Text => ("character", None),
                Kind::Date => ("character", Some("date")),
                Kind::Time => ("character", Some("time")),
                Kind::DateTime => ("character", Some("date")),
            };
            let mut attrs = vec![("type", format), ("schema", "other"), ("otherSchema", "Dala")];
            if let Some(c) = category {
                attrs.push(("category", c));
            }
            x.create_element("varFormat").with_attributes(attrs).write_empty()?;
            Ok(())
        })?;
    Ok(())
}

fn catgry<W: Write>(x: &mut Xml<W>, value: &str, label: &str, n: u64, missing: Option<&str>) -> std::io::Result<()> {
    let mut el = x.create_element("catgry");
    if let Some(kind) = missing {
        el = el.with_attributes([("missing", "Y"), ("missType", kind)]);
    }
    el.write_inner_content(|x| {
        text(x, "catValu", &[], value)?;
        text(x, "labl", &[], label)?;
        text(x, "catStat", &[("type", "freq")], &n.to_string())
    })?;
    Ok(())
}

/// Writes `codebook.xml` into `dir`.
pub fn write(dir: &Path, q: &Questionnaire, files: &[FileDef], stats: &Stats, ext: &str, lang: Lang) -> Result<(), ExportError> {
    let path = dir.join("codebook.xml");
    let file = std::fs::File::create(&path).map_err(|e| ExportError::io(&path, e))?;
    let mut out = write_to(std::io::BufWriter::new(file), q, files, stats, ext, lang).map_err(|e| ExportError::io(&path, e))?;
    out.flush().map_err(|e| ExportError::io(&path, e))
}
