//! The data dictionary of an export: which files, which variables, their labels in one language,
//! value labels and declared missing values. Pure: built from the questionnaire and the export
//! settings, no database.
//!
//! Variable names are the study's own question ids; a question that cannot be one column gets
//! derived names by fixed rules (docs/export.md): a multiple choice keeps its original answer as
//! text under its id and adds one 0/1 indicator `<id>_<code>` per option, an "other (specify)"
//! text is `<id>_oth`, a money amount's currency `<id>_cur`, a grid row `<id>_<row>`.

use dala_i18n::{msg, Lang, Localized};
use dala_questionnaire::expr::Missing;
use dala_questionnaire::model::{Question, QuestionType};
use dala_questionnaire::Questionnaire;

use crate::settings::ExportSettings;

/// How a variable is stored.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// An integer code with value labels (a single choice, a grid row, an indicator).
    Code,
    /// An integer count or year.
    Int,
    /// A number with decimals (decimal questions, money amounts, weights).
    Float,
    Text,
    Date,
    /// A time of day.
    Time,
    /// A date and time (UTC as stored).
    DateTime,
}

impl Kind {
    pub fn is_numeric(self) -> bool {
        matches!(self, Kind::Code | Kind::Int | Kind::Float)
    }
}

/// Whether a variable may identify a person (the study's `identifying` questions and the export
/// settings' quasi-identifiers).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Privacy {
    Open,
    /// Dropped by an anonymised export (or pseudonymised when it is a key).
    Identifying,
    /// Coarsened by an anonymised export (a date to its year, an address to its route).
    Quasi,
}

/// Where a variable's values come from.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    /// Filled by the exporter itself (keys, interview metadata, fieldwork): see `rows.rs`.
    System(Sys),
    /// The answer of question `q` as it is.
    Answer(usize),
    /// The multiple choice `q`'s codes, as text "1 3 96".
    Codes(usize),
    /// 1 when multiple choice `q` includes `code`, 0 when answered without it.
    Indicator(usize, i64),
    /// The "other (specify)" text of `q`.
    Other(usize),
    /// The currency of money question `q`.
    Currency(usize),
    /// Grid `q`'s answer for row `row`.
    GridRow(usize, String),
}

/// The exporter's own variables.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Sys {
    /// The interview's id (households' key; in every linked file).
    Hhid,
    /// The roster line (1-based) of the first and second roster level.
    Line,
    Line2,
    Device,
    Status,
    Review,
    /// The language the interview was started in.
    Language,
    /// Every language used in the interview, in order of first use: "ru kk".
    Languages,
    Created,
    Completed,
    City,
    Route,
    Address,
    Disposition,
    /// The respondent's sex cell of the route's quota.
    QuotaCell,
    WeightDesign,
    WeightRespondent,
    // Addresses file.
    AddressKey,
    Street,
    House,
    Entrance,
    Flat,
    Dwelling,
    Chance,
    Visits,
    // Visits file.
    VisitNumber,
    VisitAt,
    VisitOutcome,
    VisitMode,
    // Paradata file.
    Duration,
    LanguageSwitches,
    AnswersChanged,
    ChangedAfterCompletion,
    BlockSeconds(usize),
}

#[derive(Clone, Debug)]
pub struct Variable {
    pub name: String,
    pub label: String,
    pub kind: Kind,
    /// Value labels (codes and declared missing codes), for `Code` and `Int` variables.
    pub value_labels: Vec<(i64, String)>,
    /// The missing codes (−97/−98/−99) declared for this variable: user-missing in SPSS, `.a/.b/.c` in Stata.
    pub missing: Vec<i64>,
    pub source: Source,
    pub privacy: Privacy,
    /// Maximum length in bytes of a `Text` variable's values (measured before writing; at least 1).
    pub width: usize,
}

/// One output file (a table): its rows and their variables.
#[derive(Clone, Debug)]
pub struct FileDef {
    pub name: String,
    pub label: String,
    pub unit: Unit,
    pub vars: Vec<Variable>,
}

/// What one row of a file stands for.
#[derive(Clone, Debug, PartialEq)]
pub enum Unit {
    /// One row per interview.
    Household,
    /// One row per line of roster `r` (and its parent's line for a nested roster); `when` keeps only
    /// the lines whose answer to question `.0` is one of the codes `.1` (a subset file such as "away").
    Roster {
        roster: usize,
        when: Option<(usize, Vec<i64>)>,
    },
    Address,
    Visit,
    Paradata,
}

/// The codes a missing answer is written with, and their labels.
pub fn missing_label(m: Missing, lang: Lang) -> String {
    let t = match m {
        Missing::NotApplicable => msg!("Not applicable (skipped)", "Не применимо (пропуск по маршруту)", "Қолданылмайды (өткізілді)"),
        Missing::DontKnow => msg!("Don't know", "Затрудняюсь ответить", "Білмеймін"),
        Missing::Refused => msg!("Refused", "Отказ от ответа", "Жауап беруден бас тарту"),
    };
    t.get(lang).to_string()
}

fn words(t: Localized, lang: Lang) -> String {
    t.get(lang).to_string()
}

/// Builds every file's dictionary for the study in `lang`.
pub fn build(q: &Questionnaire, settings: &ExportSettings, lang: Lang) -> Vec<FileDef> {
    let mut files = Vec::new();
    let identifying = |qi: usize| {
        if q.questions[qi].identifying {
            Privacy::Identifying
        } else if settings.quasi_identifying.iter().any(|id| id == &q.questions[qi].id) {
            Privacy::Quasi
        } else {
            Privacy::Open
        }
    };

    // Households: keys, interview metadata, fieldwork, weights, then every question outside rosters.
    let mut hh = vec![
        sys(
            Sys::Hhid,
            "hhid",
            msg!("Interview (household) id", "Идентификатор интервью (домохозяйства)", "Сұхбат (үй шаруашылығы) идентификаторы"),
            Kind::Text,
            lang,
        ),
        sys(Sys::Device, "device", msg!("Device", "Устройство", "Құрылғы"), Kind::Text, lang),
        coded(Sys::Status, "status", msg!("Interview status", "Статус интервью", "Сұхбат мәртебесі"), status_labels(lang), lang),
        coded(
            Sys::Review,
            "review",
            msg!("Supervisor's review", "Проверка супервайзера", "Супервайзердің тексеруі"),
            review_labels(lang),
            lang,
        ),
        coded(
            Sys::Language,
            "lang",
            msg!("Language the interview was started in", "Язык начала интервью", "Сұхбат басталған тіл"),
            lang_labels(lang),
            lang,
        ),
        sys(
            Sys::Languages,
            "langs",
            msg!("Languages used in the interview", "Языки, использованные в интервью", "Сұхбатта қолданылған тілдер"),
            Kind::Text,
            lang,
        ),
        sys(
            Sys::Created,
            "started",
            msg!("Interview started (UTC)", "Начало интервью (UTC)", "Сұхбаттың басталуы (UTC)"),
            Kind::DateTime,
            lang,
        ),
        sys(
            Sys::Completed,
            "completed",
            msg!("Interview completed (UTC)", "Окончание интервью (UTC)", "Сұхбаттың аяқталуы (UTC)"),
            Kind::DateTime,
            lang,
        ),
        sys(Sys::City, "city", msg!("City (fieldwork)", "Город (полевой этап)", "Қала (далалық кезең)"), Kind::Text, lang),
        sys(Sys::Route, "route", msg!("Route", "Маршрут", "Маршрут"), Kind::Text, lang),
        with_privacy(sys(Sys::Address, "address", msg!("Address key", "Ключ адреса", "Мекенжай кілті"), Kind::Text, lang), Privacy::Quasi),
        sys(
            Sys::Disposition,
            "aapor",
            msg!(
                "Final disposition (AAPOR code)",
                "Итоговый результат контакта (код AAPOR)",
                "Байланыстың қорытынды нәтижесі (AAPOR коды)"
            ),
            Kind::Text,
            lang,
        ),
        coded(
            Sys::QuotaCell,
            "quota_cell",
            msg!("Quota cell of the respondent (sex)", "Квотная ячейка респондента (пол)", "Респонденттің квота ұяшығы (жынысы)"),
            sex_labels(lang),
            lang,
        ),
        sys(
            Sys::WeightDesign,
            "w_design",
            msg!("Design weight (household)", "Дизайн-вес (домохозяйство)", "Дизайн салмағы (үй шаруашылығы)"),
            Kind::Float,
            lang,
        ),
        sys(Sys::WeightRespondent, "w_resp", msg!("Respondent weight", "Вес респондента", "Респондент салмағы"), Kind::Float, lang),
    ];
    for (qi, question) in q.questions.iter().enumerate() {
        if question.roster.is_none() {
            hh.extend(question_vars(q, qi, lang, identifying(qi)));
        }
    }
    files.push(FileDef {
        name: "households".into(),
        label: words(
            msg!("Households: one row per interview", "Домохозяйства: одна строка на интервью", "Үй шаруашылықтары: әр сұхбатқа бір жол"),
            lang,
        ),
        unit: Unit::Household,
        vars: hh,
    });

    // One file per roster, then the subsets the settings declare.
    for (ri, roster) in q.rosters.iter().enumerate() {
        let name = settings.roster_files.get(&roster.id).cloned().unwrap_or_else(|| roster.id.clone());
        files.push(FileDef {
            name,
            label: roster.title.get(lang).to_string(),
            unit: Unit::Roster { roster: ri, when: None },
            vars: roster_vars(q, ri, None, lang, &identifying),
        });
    }
    for subset in &settings.subsets {
        let Some(ri) = q.rosters.iter().position(|r| r.id == subset.roster) else { continue };
        let Some(wq) = q.questions.iter().position(|x| x.id == subset.when_question) else { continue };
        let keep: Vec<usize> = subset.questions.iter().filter_map(|id| q.questions.iter().position(|x| &x.id == id)).collect();
        files.push(FileDef {
            name: subset.name.clone(),
            label: subset.label.get(lang).to_string(),
            unit: Unit::Roster { roster: ri, when: Some((wq, subset.when_codes.clone())) },
            vars: roster_vars(q, ri, Some(&keep), lang, &identifying),
        });
    }

    files.push(FileDef {
        name: "addresses".into(),
        label: words(
            msg!(
                "Sampled addresses with their final disposition",
                "Отобранные адреса и итоговый результат контакта",
                "Іріктелген мекенжайлар және байланыстың қорытынды нәтижесі"
            ),
            lang,
        ),
        unit: Unit::Address,
        vars: vec![
            with_privacy(
                sys(Sys::AddressKey, "address", msg!("Address key", "Ключ адреса", "Мекенжай кілті"), Kind::Text, lang),
                Privacy::Quasi,
            ),
            sys(Sys::City, "city", msg!("City (fieldwork)", "Город (полевой этап)", "Қала (далалық кезең)"), Kind::Text, lang),
            sys(Sys::Route, "route", msg!("Route", "Маршрут", "Маршрут"), Kind::Text, lang),
            with_privacy(sys(Sys::Street, "street", msg!("Street", "Улица", "Көше"), Kind::Text, lang), Privacy::Identifying),
            with_privacy(sys(Sys::House, "house", msg!("House number", "Номер дома", "Үй нөмірі"), Kind::Int, lang), Privacy::Identifying),
            with_privacy(sys(Sys::Entrance, "entrance", msg!("Entrance", "Подъезд", "Кіреберіс"), Kind::Int, lang), Privacy::Identifying),
            with_privacy(sys(Sys::Flat, "flat", msg!("Flat", "Квартира", "Пәтер"), Kind::Int, lang), Privacy::Identifying),
            coded(Sys::Dwelling, "dwelling", msg!("Type of dwelling", "Тип жилья", "Тұрғын үй түрі"), dwelling_labels(lang), lang),
            sys(
                Sys::Chance,
                "p_address",
                msg!(
                    "Selection probability of the address on its route",
                    "Вероятность отбора адреса на маршруте",
                    "Мекенжайдың маршрутта іріктелу ықтималдығы"
                ),
                Kind::Float,
                lang,
            ),
            sys(Sys::Visits, "visits", msg!("Number of visits", "Число визитов", "Келулер саны"), Kind::Int, lang),
            sys(
                Sys::Disposition,
                "aapor",
                msg!(
                    "Final disposition (AAPOR code)",
                    "Итоговый результат контакта (код AAPOR)",
                    "Байланыстың қорытынды нәтижесі (AAPOR коды)"
                ),
                Kind::Text,
                lang,
            ),
            sys(
                Sys::Hhid,
                "hhid",
                msg!("Interview (household) id", "Идентификатор интервью (домохозяйства)", "Сұхбат (үй шаруашылығы) идентификаторы"),
                Kind::Text,
                lang,
            ),
            coded(
                Sys::QuotaCell,
                "quota_cell",
                msg!("Quota cell of the respondent (sex)", "Квотная ячейка респондента (пол)", "Респонденттің квота ұяшығы (жынысы)"),
                sex_labels(lang),
                lang,
            ),
        ],
    });
    files.push(FileDef {
        name: "visits".into(),
        label: words(
            msg!("Contact attempts: one row per visit", "Попытки контакта: одна строка на визит", "Байланыс әрекеттері: әр келуге бір жол"),
            lang,
        ),
        unit: Unit::Visit,
        vars: vec![
            with_privacy(
                sys(Sys::AddressKey, "address", msg!("Address key", "Ключ адреса", "Мекенжай кілті"), Kind::Text, lang),
                Privacy::Quasi,
            ),
            sys(Sys::VisitNumber, "visit", msg!("Visit number", "Номер визита", "Келу нөмірі"), Kind::Int, lang),
            sys(
                Sys::VisitAt,
                "at",
                msg!("Time of the visit (local)", "Время визита (местное)", "Келу уақыты (жергілікті)"),
                Kind::DateTime,
                lang,
            ),
            sys(
                Sys::VisitOutcome,
                "outcome",
                msg!("Outcome of the visit (contact code)", "Результат визита (код контакта)", "Келудің нәтижесі (байланыс коды)"),
                Kind::Int,
                lang,
            ),
            sys(Sys::VisitMode, "mode", msg!("Mode of the visit", "Способ контакта", "Байланыс тәсілі"), Kind::Text, lang),
        ],
    });
    let mut para = vec![
        sys(
            Sys::Hhid,
            "hhid",
            msg!("Interview (household) id", "Идентификатор интервью (домохозяйства)", "Сұхбат (үй шаруашылығы) идентификаторы"),
            Kind::Text,
            lang,
        ),
        sys(
            Sys::Duration,
            "duration",
            msg!(
                "Interview length, seconds (first to last entry)",
                "Длительность интервью, секунд (от первой до последней записи)",
                "Сұхбаттың ұзақтығы, секунд (алғашқы жазбадан соңғысына дейін)"
            ),
            Kind::Int,
            lang,
        ),
        sys(Sys::LanguageSwitches, "lang_switches", msg!("Language switches", "Переключения языка", "Тіл ауыстырулар"), Kind::Int, lang),
        sys(Sys::AnswersChanged, "changed", msg!("Answers changed", "Изменённые ответы", "Өзгертілген жауаптар"), Kind::Int, lang),
        sys(
            Sys::ChangedAfterCompletion,
            "changed_after",
            msg!("Answers changed after completion", "Ответы, изменённые после завершения", "Аяқталғаннан кейін өзгертілген жауаптар"),
            Kind::Int,
            lang,
        ),
        coded(
            Sys::Review,
            "review",
            msg!("Supervisor's review", "Проверка супервайзера", "Супервайзердің тексеруі"),
            review_labels(lang),
            lang,
        ),
    ];
    for (bi, block) in q.blocks.iter().enumerate() {
        let title = block.title.get(lang);
        para.push(Variable {
            name: format!("t_{}", block.id),
            label: lang.pick(
                format!("Seconds in block {title}"),
                format!("Секунд в блоке «{title}»"),
                format!("«{title}» блогындағы секундтар"),
            ),
            kind: Kind::Int,
            value_labels: Vec::new(),
            missing: Vec::new(),
            source: Source::System(Sys::BlockSeconds(bi)),
            privacy: Privacy::Open,
            width: 1,
        });
    }
    files.push(FileDef {
        name: "paradata".into(),
        label: words(
            msg!("Paradata: one row per interview", "Параданные: одна строка на интервью", "Парадеректер: әр сұхбатқа бір жол"),
            lang,
        ),
        unit: Unit::Paradata,
        vars: para,
    });
    files
}

fn roster_vars(q: &Questionnaire, ri: usize, keep: Option<&[usize]>, lang: Lang, privacy: &dyn Fn(usize) -> Privacy) -> Vec<Variable> {
    let mut vars = vec![
        sys(
            Sys::Hhid,
            "hhid",
            msg!("Interview (household) id", "Идентификатор интервью (домохозяйства)", "Сұхбат (үй шаруашылығы) идентификаторы"),
            Kind::Text,
            lang,
        ),
        sys(Sys::Line, "line", msg!("Line in the roster", "Номер строки в списке", "Тізімдегі жол нөмірі"), Kind::Int, lang),
    ];
    if q.rosters[ri].parent.is_some() {
        vars.push(sys(
            Sys::Line2,
            "line2",
            msg!("Line in the nested roster", "Номер строки во вложенном списке", "Ішкі тізімдегі жол нөмірі"),
            Kind::Int,
            lang,
        ));
    }
    for (qi, question) in q.questions.iter().enumerate() {
        if question.roster == Some(ri) && keep.is_none_or(|k| k.contains(&qi)) {
            vars.extend(question_vars(q, qi, lang, privacy(qi)));
        }
    }
    vars
}

/// The variables of one question.
pub fn question_vars(q: &Questionnaire, qi: usize, lang: Lang, privacy: Privacy) -> Vec<Variable> {
    let question = &q.questions[qi];
    let label = plain(question.text.get(lang));
    let missing: Vec<i64> = question.special.iter().map(|m| m.code()).collect();
    let missing_labels: Vec<(i64, String)> = question.special.iter().map(|m| (m.code(), missing_label(*m, lang))).collect();
    let base = |kind: Kind, source: Source| Variable {
        name: question.id.clone(),
        label: label.clone(),
        kind,
        value_labels: Vec::new(),
        missing: if kind.is_numeric() { missing.clone() } else { Vec::new() },
        source,
        privacy,
        width: 1,
    };
    let option_labels = |question: &Question| -> Vec<(i64, String)> {
        question.options.iter().map(|o| (o.code, o.label.get(lang).to_string())).chain(missing_labels.iter().cloned()).collect()
    };
    let other = |question: &Question| -> Option<Variable> {
        question.options.iter().any(|o| o.specify).then(|| Variable {
            name: format!("{}_oth", question.id),
            label: format!("{label} — {}", words(msg!("other (specify)", "другое (укажите)", "басқа (көрсетіңіз)"), lang)),
            kind: Kind::Text,
            value_labels: Vec::new(),
            missing: Vec::new(),
            source: Source::Other(qi),
            privacy,
            width: 1,
        })
    };
    let mut vars = Vec::new();
    match question.kind {
        QuestionType::Single => {
            vars.push(Variable { value_labels: option_labels(question), ..base(Kind::Code, Source::Answer(qi)) });
            vars.extend(other(question));
        }
        QuestionType::Multiple => {
            vars.push(Variable {
                label: format!("{label} ({})", words(msg!("codes chosen", "выбранные коды", "таңдалған кодтар"), lang)),
                ..base(Kind::Text, Source::Codes(qi))
            });
            let yes_no = [
                (0, words(msg!("Not chosen", "Не выбрано", "Таңдалмаған"), lang)),
                (1, words(msg!("Chosen", "Выбрано", "Таңдалған"), lang)),
            ];
            for o in &question.options {
                vars.push(Variable {
                    name: format!("{}_{}", question.id, code_suffix(o.code)),
                    label: format!("{label}: {}", o.label.get(lang)),
                    value_labels: yes_no.iter().cloned().chain(missing_labels.iter().cloned()).collect(),
                    ..base(Kind::Code, Source::Indicator(qi, o.code))
                });
            }
            vars.extend(other(question));
        }
        QuestionType::Integer | QuestionType::Year => {
            vars.push(Variable { value_labels: missing_labels.clone(), ..base(Kind::Int, Source::Answer(qi)) })
        }
        QuestionType::Scale => {
            let mut labels = Vec::new();
            if let (Some(min), Some(l)) = (question.min, &question.min_label) {
                labels.push((min as i64, l.get(lang).to_string()));
            }
            if let (Some(max), Some(l)) = (question.max, &question.max_label) {
                labels.push((max as i64, l.get(lang).to_string()));
            }
            labels.extend(missing_labels.iter().cloned());
            vars.push(Variable { value_labels: labels, ..base(Kind::Code, Source::Answer(qi)) })
        }
        QuestionType::Decimal => vars.push(Variable { value_labels: missing_labels.clone(), ..base(Kind::Float, Source::Answer(qi)) }),
        QuestionType::Money => {
            let currency = match question.currencies.as_slice() {
                [one] => format!(" ({one})"),
                _ => String::new(),
            };
            vars.push(Variable {
                label: format!("{label}{currency}"),
                value_labels: missing_labels.clone(),
                ..base(Kind::Float, Source::Answer(qi))
            });
            vars.push(Variable {
                name: format!("{}_cur", question.id),
                label: format!("{label} — {}", words(msg!("currency", "валюта", "валюта"), lang)),
                ..base(Kind::Text, Source::Currency(qi))
            });
        }
        QuestionType::Text | QuestionType::List => vars.push(base(Kind::Text, Source::Answer(qi))),
        QuestionType::Date => vars.push(base(Kind::Date, Source::Answer(qi))),
        QuestionType::Time => vars.push(base(Kind::Time, Source::Answer(qi))),
        QuestionType::Grid => {
            let labels = option_labels(question);
            for row in &question.rows {
                vars.push(Variable {
                    name: format!("{}_{}", question.id, sanitize(&row.id)),
                    label: format!("{label}: {}", row.label.get(lang)),
                    value_labels: labels.clone(),
                    ..base(Kind::Code, Source::GridRow(qi, row.id.clone()))
                });
            }
        }
    }
    vars
}

/// A question text as a label: placeholders like `{Q102}` kept, whitespace collapsed.
fn plain(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn code_suffix(code: i64) -> String {
    if code < 0 {
        format!("m{}", -code)
    } else {
        code.to_string()
    }
}

/// A grid row id as part of a variable name: letters, digits and `_` only.
fn sanitize(id: &str) -> String {
    id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect()
}

fn sys(s: Sys, name: &str, label: Localized, kind: Kind, lang: Lang) -> Variable {
    Variable {
        name: name.into(),
        label: label.get(lang).to_string(),
        kind,
        value_labels: Vec::new(),
        missing: Vec::new(),
        source: Source::System(s),
        privacy: Privacy::Open,
        width: 1,
    }
}

fn coded(s: Sys, name: &str, label: Localized, labels: Vec<(i64, String)>, lang: Lang) -> Variable {
    Variable { value_labels: labels, ..sys(s, name, label, Kind::Code, lang) }
}

fn with_privacy(v: Variable, privacy: Privacy) -> Variable {
    Variable { privacy, ..v }
}

pub const STATUSES: [&str; 4] = ["in_progress", "completed", "broken_off", "refused"];
pub const REVIEWS: [&str; 3] = ["approved", "rejected", "corrected"];
pub const SEXES: [&str; 2] = ["male", "female"];
pub const DWELLINGS: [&str; 2] = ["house", "flat"];

/// Labels numbered 1, 2, … in `lang`.
fn numbered(texts: impl IntoIterator<Item = Localized>, lang: Lang) -> Vec<(i64, String)> {
    texts.into_iter().enumerate().map(|(i, t)| (i as i64 + 1, words(t, lang))).collect()
}

fn status_labels(lang: Lang) -> Vec<(i64, String)> {
    numbered(
        [
            msg!("In progress", "В процессе", "Жүріп жатыр"),
            msg!("Completed", "Завершено", "Аяқталды"),
            msg!("Broken off", "Прервано", "Үзілді"),
            msg!("Refused", "Отказ", "Бас тартты"),
        ],
        lang,
    )
}

fn review_labels(lang: Lang) -> Vec<(i64, String)> {
    numbered(
        [
            msg!("Approved", "Одобрено", "Мақұлданды"),
            msg!("Rejected (sent back)", "Отклонено (возвращено)", "Қабылданбады (қайтарылды)"),
            msg!("Corrected after rejection", "Исправлено после возврата", "Қайтарылғаннан кейін түзетілді"),
        ],
        lang,
    )
}

fn lang_labels(lang: Lang) -> Vec<(i64, String)> {
    numbered(
        [msg!("Russian", "Русский", "Орыс тілі"), msg!("Kazakh", "Казахский", "Қазақ тілі"), msg!("English", "Английский", "Ағылшын тілі")],
        lang,
    )
}

fn sex_labels(lang: Lang) -> Vec<(i64, String)> {
    numbered([msg!("Male", "Мужской", "Ер"), msg!("Female", "Женский", "Әйел")], lang)
}

fn dwelling_labels(lang: Lang) -> Vec<(i64, String)> {
    numbered([msg!("House", "Частный дом", "Жеке үй"), msg!("Flat", "Квартира", "Пәтер")], lang)
}

/// The code of a language in the `lang` variable.
pub fn lang_code(code: &str) -> Option<i64> {
    match code {
        "ru" => Some(1),
        "kk" => Some(2),
        "en" => Some(3),
        _ => None,
    }
}

/// The 1-based position of `word` in `list` as its code.
pub fn code_of(list: &[&str], word: &str) -> Option<i64> {
    list.iter().position(|w| *w == word).map(|i| i as i64 + 1)
}
