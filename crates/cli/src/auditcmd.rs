//! `dala audit verify --db <file> [--json]`: checks the journal's hash chains and the stored answers
//! against the journal (`dala_store::audit`), read-only. Exit 0: intact; 1: something was changed
//! outside the app (the first finding named, then the others); 2: the command could not run.

use std::path::Path;
use std::process::ExitCode;

use dala_questionnaire::Lang;
use dala_session::SessionError;
use dala_store::audit::{AuditReport, Finding, Journal, Problem};
use serde_json::json;

use crate::fieldcmd::{exit_with, Failure};

/// How many findings the text lists after the first (the JSON lists up to `audit::MAX_LISTED`).
const TEXT_LISTED: usize = 10;

pub fn verify(db: &Path, as_json: bool, lang: Lang) -> ExitCode {
    let report = match open_and_audit(db, lang) {
        Ok(Checked::Report(r)) => r,
        Ok(Checked::Pages(pages)) => return damaged(&pages, as_json, lang),
        Err(f) => return exit_with(Err(f)),
    };
    if as_json {
        println!(
            "{}",
            json!({
                "intact": report.intact(),
                "journal_entries": report.journal_entries,
                "field_entries": report.field_entries,
                "devices": report.devices,
                "unchained": report.unchained,
                "answers": report.answers,
                "problem_count": report.problem_count,
                "first": report.problems.first(),
                "problems": report.problems,
            })
        );
    } else if report.intact() {
        println!("{}", intact_text(&report, lang));
    } else {
        println!("{}", broken_headline(&report, lang));
        for p in report.problems.iter().take(TEXT_LISTED + 1) {
            println!("  - {}", describe(p, lang));
        }
        let rest = report.problem_count.saturating_sub((TEXT_LISTED + 1) as u64);
        if rest > 0 {
            println!("{}", lang.pick(format!("  … и ещё {rest}"), format!("  … және тағы {rest}"), format!("  … and {rest} more")));
        }
    }
    if report.intact() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// What the check found: the file's pages fail (changed outside the app, or damaged storage), or the
/// journal's report.
enum Checked {
    Pages(Vec<String>),
    Report(AuditReport),
}

fn open_and_audit(db: &Path, lang: Lang) -> Result<Checked, Failure> {
    if !db.is_file() {
        return Err(Failure::no_database(db, lang));
    }
    let failed = |e: dala_store::StoreError| Failure { code: 2, message: SessionError::from(e).message(lang) };
    // Read only: an audit never migrates or writes the file it checks.
    let store = crate::dbkey::open_read_only(db).map_err(|e| Failure { code: 2, message: e.message(lang) })?;
    // The pages first: in an encrypted file a changed byte fails its page's authentication code, and
    // the journal could not even be read past it.
    let pages = store.check_pages().map_err(failed)?;
    if !pages.is_empty() {
        return Ok(Checked::Pages(pages));
    }
    match store.audit() {
        Ok(report) => Ok(Checked::Report(report)),
        Err(dala_store::StoreError::Sqlite(e))
            if matches!(e.sqlite_error_code(), Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)) =>
        {
            Ok(Checked::Pages(vec![e.to_string()]))
        }
        Err(e) => Err(failed(e)),
    }
}

/// The file's pages fail: exit 1, naming them.
fn damaged(pages: &[String], as_json: bool, lang: Lang) -> ExitCode {
    if as_json {
        println!("{}", json!({"intact": false, "file_problems": pages, "problem_count": pages.len()}));
        return ExitCode::from(1);
    }
    let n = pages.len();
    println!(
        "{}",
        lang.pick(
            format!("Файл базы данных изменён вне приложения или повреждён: страниц, не прошедших проверку, — {n}. Журнал за ними прочитать нельзя."),
            format!("Дерекқор файлы қосымшадан тыс өзгертілген немесе бүлінген: тексеруден өтпеген беттер саны — {n}. Олардан кейінгі журналды оқу мүмкін емес."),
            format!("The database file was changed outside the app or is damaged: {n} page(s) fail their check. The journal behind them cannot be read."),
        )
    );
    for p in pages.iter().take(TEXT_LISTED + 1) {
        println!("  - {}", page_problem(p, lang));
    }
    ExitCode::from(1)
}

/// One of SQLite's page findings in words ("HMAC verification failed for page 713": the page's
/// authentication code does not match its bytes).
fn page_problem(p: &str, lang: Lang) -> String {
    let page = p.strip_prefix("HMAC verification failed for page ").or_else(|| p.strip_prefix("HMAC operation failed for page "));
    match page {
        Some(n) => lang.pick(
            format!("страница {n}: её содержимое не совпадает с кодом подлинности (HMAC) — байты изменены"),
            format!("{n}-бет: оның мазмұны түпнұсқалық кодына (HMAC) сәйкес келмейді — байттар өзгертілген"),
            format!("page {n}: its bytes do not match its authentication code (HMAC): they were changed"),
        ),
        None => p.to_string(),
    }
}

/// An English noun for a count (one entry, 2 entries).
fn en_plural<N: Into<u64> + Copy>(n: N, one: &'static str, many: &'static str) -> &'static str {
    if n.into() == 1 {
        one
    } else {
        many
    }
}

fn intact_text(r: &AuditReport, lang: Lang) -> String {
    let (j, f, d, a) = (r.journal_entries, r.field_entries, r.devices, r.answers);
    let mut text = lang.pick(
        format!("Журнал цел (устройств: {d}; записей журнала интервью: {j}, полевого журнала: {f}): записи сходятся со своими хешами и связаны по цепочке, а сохранённые ответы (их {a}) совпадают с журналом."),
        format!("Журнал бүтін: {d} құрылғының сұхбат журналының {j} жазбасы мен далалық журналдың {f} жазбасы өз хештеріне сәйкес және тізбекпен байланысқан, ал сақталған {a} жауап журналмен сәйкес."),
        format!(
            "The journal is intact: {j} interview journal {} and {f} field journal {} of {d} {} match their hashes and link up, and the {a} stored {} what the journal gives.",
            en_plural(j, "entry", "entries"),
            en_plural(f, "entry", "entries"),
            en_plural(d, "device", "devices"),
            if a == 1 { "answer is" } else { "answers are" },
        ),
    );
    if r.unchained > 0 {
        let u = r.unchained;
        text.push('\n');
        text.push_str(&lang.pick(
            format!("({u} записей сделаны до появления цепочки: их хеши проверены, связи — нет.)"),
            format!("({u} жазба тізбек пайда болғанға дейін жасалған: олардың хештері тексерілді, байланыстары — жоқ.)"),
            format!("({u} entries were written before the chain existed: their hashes are checked, their links are not.)"),
        ));
    }
    text
}

fn broken_headline(r: &AuditReport, lang: Lang) -> String {
    let n = r.problem_count;
    lang.pick(
        format!("Журнал нарушен: найдено изменений вне приложения — {n}. Первое:"),
        format!("Журнал бұзылған: қосымшадан тыс өзгерістер саны — {n}. Біріншісі:"),
        format!("The journal is broken: {n} change(s) made outside the app. The first:"),
    )
}

/// One finding in words, with what locates it.
pub fn describe(p: &Problem, lang: Lang) -> String {
    let seq = p.seq.map(|s| s.to_string()).unwrap_or_else(|| "?".into());
    let device = p.device.clone().unwrap_or_else(|| "?".into());
    let interview = p.interview.clone().unwrap_or_else(|| "?".into());
    let question = match (p.question.as_deref(), p.roster.as_deref()) {
        (Some(q), Some(r)) if !r.is_empty() => format!("{q}[{r}]"),
        (Some(q), _) => q.to_string(),
        (None, _) => "—".into(),
    };
    let (journal_ru, journal_kk, journal_en) = match p.journal {
        Journal::Interview => ("журнала интервью", "сұхбат журналының", "interview journal"),
        Journal::Field => ("полевого журнала", "далалық журналдың", "field journal"),
    };
    let place_en = match (p.journal, p.at.as_deref()) {
        (Journal::Interview, Some(at)) => format!(" ({at}, interview {interview}, question {question})"),
        (_, Some(at)) => format!(" ({at})"),
        _ => String::new(),
    };
    let place_ru = match (p.journal, p.at.as_deref()) {
        (Journal::Interview, Some(at)) => format!(" ({at}, интервью {interview}, вопрос {question})"),
        (_, Some(at)) => format!(" ({at})"),
        _ => String::new(),
    };
    let place_kk = match (p.journal, p.at.as_deref()) {
        (Journal::Interview, Some(at)) => format!(" ({at}, сұхбат {interview}, сұрақ {question})"),
        (_, Some(at)) => format!(" ({at})"),
        _ => String::new(),
    };
    let stored = p.stored.clone().unwrap_or_default();
    let expected = p.expected.clone().unwrap_or_default();
    match p.finding {
        Finding::Altered => lang.pick(
            format!("запись {seq} {journal_ru} устройства {device}{place_ru} изменена после записи: она не совпадает со своим хешем"),
            format!("{device} құрылғысы {journal_kk} {seq} жазбасы{place_kk} жазылғаннан кейін өзгертілген: ол өз хешіне сәйкес келмейді"),
            format!("entry {seq} of the {journal_en} of device {device}{place_en} was changed after it was written: it no longer matches its hash"),
        ),
        Finding::Unlinked => lang.pick(
            format!("запись {seq} {journal_ru} устройства {device}{place_ru} не связана с предыдущей: записи перед ней удалены, вставлены или переписаны"),
            format!("{device} құрылғысы {journal_kk} {seq} жазбасы{place_kk} алдыңғысымен байланыспайды: оның алдындағы жазбалар өшірілген, қосылған немесе қайта жазылған"),
            format!("entry {seq} of the {journal_en} of device {device}{place_en} does not link to the entry before it: entries before it were removed, inserted or rewritten"),
        ),
        Finding::Removed => lang.pick(
            format!("записи {journal_ru} этого устройства ({device}) перед записью {seq}{place_ru} удалены"),
            format!("осы құрылғының ({device}) {journal_kk} {seq} жазбасының{place_kk} алдындағы жазбалары өшірілген"),
            format!("entries of the {journal_en} of this device ({device}) before its entry {seq}{place_en} were removed"),
        ),
        Finding::Unchained => lang.pick(
            format!("у записи {seq} {journal_ru} устройства {device}{place_ru} стёрта связь с предыдущей"),
            format!("{device} құрылғысы {journal_kk} {seq} жазбасының{place_kk} алдыңғысымен байланысы өшірілген"),
            format!("entry {seq} of the {journal_en} of device {device}{place_en} has lost its link to the entry before it"),
        ),
        Finding::AnswerAltered => lang.pick(
            format!("сохранённый ответ на {question} интервью {interview} равен {stored}, а журнал даёт {expected}: его изменили вне приложения"),
            format!("{interview} сұхбатының {question} сұрағына сақталған жауап {stored}, ал журнал {expected} береді: ол қосымшадан тыс өзгертілген"),
            format!("the stored answer to {question} of interview {interview} is {stored}, but the journal gives {expected}: it was changed outside the app"),
        ),
        Finding::AnswerWithoutEntry => lang.pick(
            format!("сохранённый ответ на {question} интервью {interview} ({stored}) не происходит ни из одной записи журнала: его добавили вне приложения"),
            format!("{interview} сұхбатының {question} сұрағына сақталған жауап ({stored}) журналдың ешбір жазбасынан шықпайды: ол қосымшадан тыс қосылған"),
            format!("the stored answer to {question} of interview {interview} ({stored}) comes from no journal entry: it was added outside the app"),
        ),
        Finding::AnswerMissing => lang.pick(
            format!("ответа на {question} интервью {interview}, который даёт журнал ({expected}), нет среди сохранённых: его удалили вне приложения"),
            format!("журнал беретін {interview} сұхбатының {question} сұрағының жауабы ({expected}) сақталғандар арасында жоқ: ол қосымшадан тыс өшірілген"),
            format!("the answer to {question} of interview {interview} that the journal gives ({expected}) is missing from the stored answers: it was removed outside the app"),
        ),
    }
}
