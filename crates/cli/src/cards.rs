//! `dala cards --study <dir> --lang ru|kk|en [--bilingual] --out cards.html`: the study's show cards as a
//! printable A4 booklet.
//!
//! A show card is every question that names one with `show_card`; questions sharing a number share the
//! card (Q512 and Q513 both hand card 12). Each card is one page of a single self-contained HTML file
//! (no scripts, fonts or images from elsewhere): the card number, then the options with their codes in
//! large type, or for a scale the points with what its ends mean. `--bilingual` prints a second language
//! beside the first on every card (ru with kk, kk with ru, en with ru), as interviewers carry one booklet
//! for both interview languages. The file is written to a temporary file beside `--out` and renamed, so
//! a failed run never leaves half a booklet.

use dala_report::esc;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use dala_questionnaire::model::{Question, QuestionType, Text};
use dala_questionnaire::{Lang, Questionnaire};

use crate::EXIT_USAGE;

/// One card: its number and the questions that hand it, in questionnaire order.
pub struct Card<'a> {
    pub number: u32,
    pub questions: Vec<&'a Question>,
}

/// The study's show cards in number order.
pub fn collect(q: &Questionnaire) -> Vec<Card<'_>> {
    let mut by_number: BTreeMap<u32, Vec<&Question>> = BTreeMap::new();
    for question in &q.questions {
        if let Some(n) = question.show_card {
            by_number.entry(n).or_default().push(question);
        }
    }
    by_number.into_iter().map(|(number, questions)| Card { number, questions }).collect()
}

/// The language printed beside `lang` with `--bilingual`.
pub fn second_language(lang: Lang) -> Lang {
    match lang {
        Lang::Ru => Lang::Kk,
        Lang::Kk | Lang::En => Lang::Ru,
    }
}

fn card_title(n: u32, lang: Lang) -> String {
    lang.pick(format!("Карточка {n}"), format!("{n}-карточка"), format!("Card {n}"))
}

/// The cell of one text in the languages printed: one `<td>` per language.
fn cells(t: &Text, langs: &[Lang]) -> String {
    langs.iter().map(|l| format!("<td class=\"label\" lang=\"{}\">{}</td>", l.code(), esc(t.get(*l)))).collect()
}

fn card_html(card: &Card<'_>, langs: &[Lang]) -> String {
    let mut h = String::new();
    let first = card.questions[0];
    let long = first.options.len() > 11;
    let class = match (long, langs.len() > 1) {
        (true, true) => "card long two",
        (true, false) => "card long",
        (false, true) => "card two",
        (false, false) => "card",
    };
    let _ = write!(h, "<section class=\"{class}\" data-card=\"{}\">", card.number);
    let titles: Vec<String> =
        langs.iter().map(|l| format!("<span lang=\"{}\">{}</span>", l.code(), esc(&card_title(card.number, *l)))).collect();
    let _ = write!(h, "<h1>{}</h1>", titles.join(" <span class=\"sep\">/</span> "));
    match first.kind {
        QuestionType::Scale => {
            let (lo, hi) = (first.min.unwrap_or(0.0) as i64, first.max.unwrap_or(10.0) as i64);
            h.push_str("<table class=\"scale\"><tr>");
            for p in lo..=hi {
                let _ = write!(h, "<td class=\"point\">{p}</td>");
            }
            h.push_str("</tr></table><table class=\"ends\">");
            // Questions sharing a scale card may name its ends differently (Q705–Q707): each pair once.
            let mut seen: Vec<(String, String)> = Vec::new();
            for q in &card.questions {
                let (Some(a), Some(b)) = (&q.min_label, &q.max_label) else { continue };
                let key = (a.get(Lang::En).to_string(), b.get(Lang::En).to_string());
                if seen.contains(&key) {
                    continue;
                }
                seen.push(key);
                let _ = write!(h, "<tr><td class=\"code\">{lo}</td>{}</tr>", cells(a, langs));
                let _ = write!(h, "<tr><td class=\"code\">{hi}</td>{}</tr>", cells(b, langs));
                h.push_str("<tr class=\"gap\"><td></td></tr>");
            }
            h.push_str("</table>");
        }
        _ => {
            h.push_str("<table class=\"options\">");
            for o in &first.options {
                let _ = write!(h, "<tr><td class=\"code\">{}</td>{}</tr>", o.code, cells(&o.label, langs));
            }
            h.push_str("</table>");
        }
    }
    let ids: Vec<&str> = card.questions.iter().map(|q| q.id.as_str()).collect();
    let _ = writeln!(h, "<p class=\"used\">{}</p></section>", esc(&ids.join(" · ")));
    h
}

/// The whole booklet: one self-contained HTML document, one card per A4 page.
pub fn render(q: &Questionnaire, lang: Lang, bilingual: bool) -> String {
    let langs: Vec<Lang> = if bilingual { vec![lang, second_language(lang)] } else { vec![lang] };
    let cards = collect(q);
    let mut h = String::new();
    let title = langs.iter().map(|l| q.title.get(*l)).collect::<Vec<_>>().join(" / ");
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n{}\n</style>\n</head>\n<body>\n",
        lang.code(),
        esc(&title),
        STYLE
    );
    for card in &cards {
        h.push_str(&card_html(card, &langs));
    }
    h.push_str("</body>\n</html>\n");
    h
}

const STYLE: &str = "@page { size: A4; margin: 15mm; }
* { box-sizing: border-box; }
html, body { margin: 0; padding: 0; }
body { font-family: 'DejaVu Sans', 'Noto Sans', Arial, sans-serif; color: #000; background: #fff; }
.card { width: 180mm; padding: 0; page-break-after: always; break-after: page; page-break-inside: avoid; }
.card:last-child { page-break-after: auto; break-after: auto; }
h1 { font-size: 34pt; margin: 0 0 8mm 0; padding-bottom: 3mm; border-bottom: 2pt solid #000; }
h1 .sep { color: #666; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
.options td, .ends td { font-size: 20pt; padding: 2.2mm 3mm; vertical-align: top; border-bottom: 0.5pt solid #bbb; }
.long .options td { font-size: 14pt; padding: 1.2mm 2.5mm; }
.two .options td { font-size: 16pt; padding: 1.6mm 2.5mm; }
.long.two .options td { font-size: 13.5pt; padding: 1.1mm 2mm; }
.long.two h1 { font-size: 26pt; margin-bottom: 5mm; }
td.code { width: 18mm; font-weight: bold; text-align: right; white-space: nowrap; }
.scale td.point { font-size: 26pt; font-weight: bold; text-align: center; border: 1.5pt solid #000; padding: 5mm 0; }
.ends { margin-top: 8mm; }
.ends tr.gap td { border: none; height: 4mm; }
.used { text-align: right; font-size: 9pt; color: #666; margin: 4mm 0 0 0; }
@media screen { body { background: #ddd; } .card { background: #fff; margin: 10mm auto; padding: 15mm; width: 210mm; min-height: 297mm; } }";

/// `dala cards`: exit 0 when written, 1 when the study cannot be loaded or the file cannot be written,
/// 2 when the language is not one of the study's.
pub fn run(study: &Path, lang_flag: Option<&str>, msg_lang: Lang, bilingual: bool, out: &Path) -> ExitCode {
    let lang = match lang_flag {
        None => None,
        Some(code) => match Lang::parse(code) {
            Some(l) => Some(l),
            None => {
                eprintln!(
                    "{}",
                    msg_lang.pick(
                        format!("Недопустимый язык карточек «{code}»: возможны ru, kk, en."),
                        format!("Карточкалардың тілі «{code}» жарамсыз: ru, kk, en болуы мүмкін."),
                        format!("Invalid card language \"{code}\": use ru, kk or en.")
                    )
                );
                return ExitCode::from(EXIT_USAGE);
            }
        },
    };
    let msg_lang = lang.unwrap_or(msg_lang);
    let q = match dala_session::load_study(study) {
        Ok(q) => q,
        Err(e) => {
            eprintln!("{}", e.message(msg_lang));
            return ExitCode::from(1);
        }
    };
    let lang = lang.unwrap_or(q.default_language);
    if !q.languages.contains(&lang) {
        eprintln!(
            "{}",
            msg_lang.pick(
                format!("Исследование {} не ведётся на языке {}.", q.id, lang.code()),
                format!("{} зерттеуі {} тілінде жүргізілмейді.", q.id, lang.code()),
                format!("The study {} has no language {}.", q.id, lang.code())
            )
        );
        return ExitCode::from(EXIT_USAGE);
    }
    let html = render(&q, lang, bilingual);
    let n = collect(&q).len();
    if let Err(why) = write_atomically(out, html.as_bytes()) {
        let path = out.display();
        eprintln!(
            "{}",
            msg_lang.pick(
                format!("Не удалось записать файл {path}: {}.", why.pick(Lang::Ru)),
                format!("{path} файлын жазу мүмкін болмады: {}.", why.pick(Lang::Kk)),
                format!("Could not write the file {path}: {}.", why.pick(Lang::En))
            )
        );
        return ExitCode::from(1);
    }
    println!(
        "{}",
        msg_lang.pick(
            format!("Карточек: {n} ({}), файл {}", lang.code(), out.display()),
            format!("Карточкалар: {n} ({}), файл {}", lang.code(), out.display()),
            format!("{n} cards ({}) written to {}", lang.code(), out.display())
        )
    );
    ExitCode::SUCCESS
}

/// Why a file could not be written, in our words (the operating system's text is English only).
enum WriteFailure {
    NoFolder,
    Denied,
    Other,
}

impl WriteFailure {
    fn of(e: &std::io::Error) -> WriteFailure {
        match e.kind() {
            std::io::ErrorKind::NotFound => WriteFailure::NoFolder,
            std::io::ErrorKind::PermissionDenied => WriteFailure::Denied,
            _ => WriteFailure::Other,
        }
    }

    fn pick(&self, lang: Lang) -> &'static str {
        match self {
            WriteFailure::NoFolder => lang.pick("папка не существует", "қалта жоқ", "the folder does not exist"),
            WriteFailure::Denied => lang.pick("нет прав на запись", "жазуға рұқсат жоқ", "permission denied"),
            WriteFailure::Other => lang.pick("ошибка записи на диск", "дискіге жазу қатесі", "a disk write error"),
        }
    }
}

fn write_atomically(out: &Path, bytes: &[u8]) -> Result<(), WriteFailure> {
    if out.is_dir() {
        return Err(WriteFailure::Other);
    }
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "cards.html".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, out)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        WriteFailure::of(&e)
    })
}
