//! Phase 3 of loading: from the files as read to the [`Questionnaire`]: languages, code lists,
//! the symbol table (every id checked, unique without regard to case), rosters, questions,
//! calculations and the block layout, each checked on its own.

use dala_i18n::msg;
use std::collections::{BTreeMap, HashMap, HashSet};

use super::deps::build_dependencies;
use super::expressions::parse_expr;
use super::raw::{self, RawBlock, RawCalculation, RawCodeList, RawOption, RawQuestion, RawRoster, RawStudy};
use super::{cannot_read, did_you_mean, unknown_language, unknown_question, unknown_roster, use_a_language, Ctx, Sink, StudySource};
use crate::expr::Missing;
use crate::model::*;

const STUDY_FILE: &str = "study.toml";

/// Loads the whole study into `ctx`; `None` when `study.toml` itself cannot be read.
pub(super) fn study(src: &dyn StudySource, ctx: &mut Ctx) -> Option<Questionnaire> {
    let raw_study = read_study_file(src, ctx)?;
    let (languages, source_language, default_language) = languages(ctx, &raw_study);
    ctx.text(&raw_study.title, STUDY_FILE, "title");
    let (codelist_files, blocks_raw) = read_files(src, ctx, &raw_study);
    let codelists = codelists(ctx, &codelist_files, &blocks_raw);
    let mut syms = Symbols::default();
    let items = define_symbols(ctx, &mut syms, &raw_study, &blocks_raw);
    let mut rosters = rosters(ctx, &syms, &items);
    let questions = questions(ctx, &syms, &codelists, &items);
    roster_checks(ctx, &syms, &items, &mut rosters, &questions);
    let calculations = calculations(ctx, &syms, &items);
    let mut roster_children = vec![Vec::new(); rosters.len()];
    for (ri, r) in rosters.iter().enumerate() {
        if let Some(p) = r.parent {
            roster_children[p].push(ri);
        }
    }
    let blocks = blocks(ctx, &blocks_raw, &questions, &rosters);
    let Symbols { table: symbols, file: symbol_file, .. } = syms;
    let mut q = Questionnaire {
        id: raw_study.id.clone(),
        version: raw_study.version.clone(),
        title: raw_study.title.clone(),
        languages,
        source_language,
        default_language,
        constants: raw_study.constants.clone(),
        blocks,
        questions,
        rosters,
        calculations,
        codelists,
        symbols,
        deps: Dependencies::default(),
        roster_children,
        field_links: raw_study.fieldwork_links.clone(),
    };
    field_links(&mut ctx.sink, &q);
    let file_of = |id: &str| symbol_file.get(id).cloned().unwrap_or_default();
    build_dependencies(&mut q, &mut ctx.sink, &file_of);
    Some(q)
}

fn read_study_file(src: &dyn StudySource, ctx: &mut Ctx) -> Option<RawStudy> {
    match src.read(STUDY_FILE) {
        Err(e) => {
            ctx.sink.err(
                "S001",
                STUDY_FILE,
                "",
                msg!("cannot read the study file: {e}", "не удаётся прочитать файл исследования", "зерттеу файлын оқу мүмкін емес"),
                Some(msg!(
                    "a study folder must contain `study.toml`",
                    "в папке исследования должен быть файл `study.toml`",
                    "зерттеу қалтасында `study.toml` файлы болуы керек"
                )),
            );
            None
        }
        Ok(text) => raw::read_study(&mut ctx.sink, STUDY_FILE, &text),
    }
}

/// The study's languages, source language and default language.
fn languages(ctx: &mut Ctx, raw_study: &RawStudy) -> (Vec<Lang>, Lang, Lang) {
    let study_file = STUDY_FILE;
    let mut languages = Vec::new();
    for l in &raw_study.languages {
        match Lang::parse(l) {
            Some(lang) => languages.push(lang),
            None => ctx.sink.err("S001", study_file, "languages", unknown_language(l), Some(use_a_language())),
        }
    }
    if languages.is_empty() {
        languages = Lang::ALL.to_vec();
    }
    ctx.langs = languages.clone();
    let pick = |code: &Option<String>, fallback: Lang, field: &str, sink: &mut Sink| match code {
        None => fallback,
        Some(c) => Lang::parse(c).unwrap_or_else(|| {
            sink.err("S001", study_file, field, unknown_language(c), Some(use_a_language()));
            fallback
        }),
    };
    let source_language = pick(&raw_study.source_language, Lang::En, "source_language", &mut ctx.sink);
    let default_language = pick(&raw_study.default_language, languages[0], "default_language", &mut ctx.sink);
    (languages, source_language, default_language)
}

/// Reads the code-list files and the block files named in `study.toml`, each on its own.
#[allow(clippy::type_complexity)]
fn read_files(
    src: &dyn StudySource,
    ctx: &mut Ctx,
    raw_study: &RawStudy,
) -> (Vec<(String, BTreeMap<String, RawCodeList>)>, Vec<(String, RawBlock)>) {
    let mut codelist_files = Vec::new();
    for file in &raw_study.codelists {
        match src.read(file) {
            Err(e) => ctx.sink.err(
                "S001",
                file,
                "",
                cannot_read(&e),
                Some(msg!(
                    "check the path in `study.toml` `codelists`",
                    "проверьте путь в `codelists` файла `study.toml`",
                    "`study.toml` файлындағы `codelists` жолын тексеріңіз"
                )),
            ),
            Ok(text) => codelist_files.push((file.clone(), raw::read_codelist_file(&mut ctx.sink, file, &text))),
        }
    }
    let mut blocks = Vec::new();
    for file in &raw_study.blocks {
        match src.read(file) {
            Err(e) => ctx.sink.err(
                "S001",
                file,
                "",
                cannot_read(&e),
                Some(msg!(
                    "check the path in `study.toml` `blocks`",
                    "проверьте путь в `blocks` файла `study.toml`",
                    "`study.toml` файлындағы `blocks` жолын тексеріңіз"
                )),
            ),
            Ok(text) => {
                if let Some(b) = raw::read_block(&mut ctx.sink, file, &text) {
                    blocks.push((file.clone(), b));
                }
            }
        }
    }
    (codelist_files, blocks)
}

/// Code lists: shared files first, then lists defined inside block files.
fn codelists(
    ctx: &mut Ctx,
    files: &[(String, BTreeMap<String, RawCodeList>)],
    blocks: &[(String, RawBlock)],
) -> BTreeMap<String, CodeList> {
    let mut codelists: BTreeMap<String, CodeList> = BTreeMap::new();
    let mut codelist_file: HashMap<String, String> = HashMap::new();
    let all = files.iter().map(|(f, l)| (f, l)).chain(blocks.iter().map(|(f, b)| (f, &b.codelist)));
    for (file, lists) in all {
        for (id, raw) in lists {
            if let Some(prev) = codelist_file.get(id) {
                ctx.sink.err(
                    "S002",
                    file,
                    format!("codelist.{id}"),
                    msg!(
                        "code list `{id}` is defined twice (also in `{prev}`)",
                        "список кодов `{id}` определён дважды (также в `{prev}`)",
                        "`{id}` код тізімі екі рет анықталған (`{prev}` файлында да бар)"
                    ),
                    Some(msg!("rename one of them", "переименуйте один из них", "біреуінің атауын өзгертіңіз")),
                );
                continue;
            }
            codelist_file.insert(id.clone(), file.to_string());
            let options = check_options(ctx, file, &format!("codelist.{id}"), &raw.options);
            codelists.insert(id.clone(), CodeList { id: id.clone(), options });
        }
    }
    codelists
}

/// The symbol table under construction: every id in one namespace, so an expression name is never
/// ambiguous, and unique without regard to case, so exports to case-insensitive packages keep them apart.
#[derive(Default)]
struct Symbols {
    table: HashMap<String, Symbol>,
    /// The file each id is defined in.
    file: HashMap<String, String>,
    /// Lowercased id → the id as written, for the case-insensitive check.
    folded: HashMap<String, String>,
}

/// The raw items in symbol order: `Symbol::Roster(i)` is `rosters[i]`, and so on.
#[derive(Default)]
struct Items<'a> {
    rosters: Vec<(String, &'a RawRoster)>,
    calculations: Vec<(String, &'a RawCalculation)>,
    /// File, block index, question.
    questions: Vec<(String, usize, &'a RawQuestion)>,
}

impl Symbols {
    /// Adds `id`; false (and a diagnostic naming both places) when it is taken, in any case.
    fn define(&mut self, ctx: &mut Ctx, id: &str, sym: Symbol, file: &str) -> bool {
        if let Some(prev_id) = self.folded.get(&id.to_ascii_lowercase()) {
            let prev = self.file.get(prev_id).cloned().unwrap_or_default();
            let dup = if prev_id == id {
                msg!(
                    "`{id}` is defined twice (also in `{prev}`)",
                    "`{id}` определён дважды (также в `{prev}`)",
                    "`{id}` екі рет анықталған (`{prev}` файлында да бар)"
                )
            } else {
                msg!(
                    "`{id}` clashes with `{prev_id}` in `{prev}`: ids must differ in more than letter case",
                    "`{id}` совпадает с `{prev_id}` из `{prev}`: id должны различаться не только регистром букв",
                    "`{id}` `{prev}` файлындағы `{prev_id}` атауымен сәйкес келеді: id-лер тек әріп регистрімен ғана ерекшеленбеуі керек"
                )
            };
            ctx.sink.err(
                "S002",
                file,
                id,
                dup,
                Some(msg!(
                    "every question, roster, calculation and constant needs its own id",
                    "у каждого вопроса, ростера, вычисления и константы должен быть свой id",
                    "әр сұрақтың, ростердің, есептеудің және тұрақтының өз id-і болуы керек"
                )),
            );
            return false;
        }
        self.folded.insert(id.to_ascii_lowercase(), id.to_string());
        self.file.insert(id.to_string(), file.to_string());
        self.table.insert(id.to_string(), sym);
        true
    }
}

/// Reports an id that cannot name a variable in SPSS, Stata and expressions.
fn check_id_of(ctx: &mut Ctx, file: &str, id: &str) {
    let Err(problem) = check_id(id) else { return };
    let max = MAX_ID_LEN;
    let m = match problem {
        IdProblem::Empty => msg!("an id is empty", "пустой id", "id бос"),
        IdProblem::BadStart(c) => msg!(
            "`{id}` must start with a Latin letter, not `{c}`",
            "`{id}` должен начинаться с латинской буквы, а не с `{c}`",
            "`{id}` `{c}` таңбасынан емес, латын әрпінен басталуы керек"
        ),
        IdProblem::BadChar(c) => msg!(
            "`{id}` contains `{c}`; ids use Latin letters, digits and `_` only",
            "`{id}` содержит `{c}`; в id допустимы только латинские буквы, цифры и `_`",
            "`{id}` ішінде `{c}` бар; id-де тек латын әріптері, цифрлар және `_` болады"
        ),
        IdProblem::TooLong(n) => msg!(
            "`{id}` has {n} characters; at most {max} fit a Stata/SPSS variable name",
            "в `{id}` {n} символов; имя переменной Stata/SPSS вмещает не больше {max}",
            "`{id}` ішінде {n} таңба бар; Stata/SPSS айнымалы атауына {max} таңбадан артық сыймайды"
        ),
        IdProblem::ExpressionWord => {
            msg!("`{id}` is a word of the expression language", "`{id}` — слово языка выражений", "`{id}` — өрнектер тілінің сөзі")
        }
        IdProblem::StataWord => {
            msg!("`{id}` is a reserved name in Stata", "`{id}` — зарезервированное имя в Stata", "`{id}` — Stata-да сақталған атау")
        }
        IdProblem::SpssWord => {
            msg!("`{id}` is a reserved word in SPSS", "`{id}` — зарезервированное слово в SPSS", "`{id}` — SPSS-те сақталған сөз")
        }
    };
    ctx.sink.err(
        "S013",
        file,
        id,
        m,
        Some(msg!(
            "use a Latin letter, then letters, digits or `_`, at most {max} characters, e.g. the study's own variable name",
            "начните с латинской буквы, дальше буквы, цифры или `_`, не длиннее {max} символов, например имя переменной из анкеты",
            "латын әрпінен бастаңыз, одан кейін әріптер, цифрлар немесе `_`, {max} таңбадан аспасын, мысалы сауалнамадағы айнымалы атауы"
        )),
    );
}

/// Defines every constant, roster, calculation and question, and checks block numbers.
fn define_symbols<'a>(ctx: &mut Ctx, syms: &mut Symbols, raw_study: &RawStudy, blocks_raw: &'a [(String, RawBlock)]) -> Items<'a> {
    for (name, value) in &raw_study.constants {
        check_id_of(ctx, STUDY_FILE, name);
        syms.define(ctx, name, Symbol::Constant(*value), STUDY_FILE);
    }
    let mut items = Items::default();
    let mut numbers_seen = HashSet::new();
    for (bi, (file, b)) in blocks_raw.iter().enumerate() {
        if let Some(n) = b.number.filter(|n| !numbers_seen.insert(*n)) {
            ctx.sink.err(
                "S013",
                file,
                "number",
                msg!("block number {n} is used twice", "номер блока {n} используется дважды", "{n} блок нөмірі екі рет қолданылған"),
                Some(msg!(
                    "number blocks 0 (cover), 1, 2, ...",
                    "нумеруйте блоки 0 (титульный лист), 1, 2, ...",
                    "блоктарды 0 (титул парағы), 1, 2, ... деп нөмірлеңіз"
                )),
            );
        }
        for r in &b.roster {
            check_id_of(ctx, file, &r.id);
            if syms.define(ctx, &r.id, Symbol::Roster(items.rosters.len()), file) {
                items.rosters.push((file.clone(), r));
            }
        }
        for c in &b.calculate {
            check_id_of(ctx, file, &c.id);
            if syms.define(ctx, &c.id, Symbol::Calculation(items.calculations.len()), file) {
                items.calculations.push((file.clone(), c));
            }
        }
        for q in &b.question {
            check_id_of(ctx, file, &q.id);
            if syms.define(ctx, &q.id, Symbol::Question(items.questions.len()), file) {
                items.questions.push((file.clone(), bi, q));
            }
        }
    }
    items
}

/// Rosters: parents, sizes and depth.
fn rosters(ctx: &mut Ctx, syms: &Symbols, items: &Items<'_>) -> Vec<Roster> {
    let mut rosters: Vec<Roster> = items
        .rosters
        .iter()
        .map(|(_, r)| Roster {
            id: r.id.clone(),
            title: r.title.clone(),
            size: RosterSize::Count(usize::MAX),
            label: None,
            parent: None,
            depth: 1,
        })
        .collect();
    for (ri, (file, r)) in items.rosters.iter().enumerate() {
        ctx.text(&r.title, file, &format!("{}.title", r.id));
        if let Some(p) = &r.parent {
            match syms.table.get(p) {
                Some(Symbol::Roster(pi)) if *pi != ri => rosters[ri].parent = Some(*pi),
                _ => ctx.sink.err(
                    "S010",
                    file,
                    format!("{}.parent", r.id),
                    msg!("unknown parent roster `{p}`", "неизвестный родительский ростер `{p}`", "белгісіз жоғарғы ростер `{p}`"),
                    Some(msg!(
                        "name a roster defined with `[[roster]]`",
                        "укажите ростер, определённый через `[[roster]]`",
                        "`[[roster]]` арқылы анықталған ростерді көрсетіңіз"
                    )),
                ),
            }
        }
        let size = roster_size(ctx, syms, items, file, r);
        if let Some(s) = size {
            rosters[ri].size = s;
        }
    }
    // Depth, with a guard against parent cycles.
    for ri in 0..rosters.len() {
        let mut depth = 1;
        let mut cur = rosters[ri].parent;
        while let Some(p) = cur {
            depth += 1;
            if depth > rosters.len() + 1 {
                break;
            }
            cur = rosters[p].parent;
        }
        rosters[ri].depth = depth;
        if depth > 2 {
            let file = items.rosters[ri].0.clone();
            ctx.sink.err(
                "S010",
                &file,
                &rosters[ri].id,
                msg!(
                    "rosters nest at most one level deep",
                    "ростеры вкладываются друг в друга не глубже одного уровня",
                    "ростерлерді бір деңгейден терең ендіруге болмайды"
                ),
                Some(msg!(
                    "move this roster to the top level or into a top-level roster",
                    "перенесите этот ростер на верхний уровень или внутрь ростера верхнего уровня",
                    "бұл ростерді жоғарғы деңгейге немесе жоғарғы деңгейдегі ростердің ішіне көшіріңіз"
                )),
            );
            rosters[ri].parent = None;
            rosters[ri].depth = 1;
        }
    }

    rosters
}

/// What sizes roster `r`: an integer question (`size`) or a list question (`source`), exactly one.
fn roster_size(ctx: &mut Ctx, syms: &Symbols, items: &Items<'_>, file: &str, r: &RawRoster) -> Option<RosterSize> {
    match (&r.size, &r.source) {
        (Some(q), None) => match syms.table.get(q) {
            Some(Symbol::Question(qi)) if items.questions[*qi].2.kind == QuestionType::Integer => Some(RosterSize::Count(*qi)),
            Some(Symbol::Question(_)) => {
                ctx.sink.err(
                    "S009",
                    file,
                    format!("{}.size", r.id),
                    msg!(
                        "roster size question `{q}` is not an integer question",
                        "вопрос `{q}`, задающий размер ростера, не целочисленный",
                        "ростер өлшемін беретін `{q}` сұрағы бүтін сан сұрағы емес"
                    ),
                    Some(msg!(
                        "use `source` for a list question",
                        "для вопроса-списка используйте `source`",
                        "тізім сұрағы үшін `source` қолданыңыз"
                    )),
                );
                None
            }
            _ => {
                ctx.sink.err("S007", file, format!("{}.size", r.id), unknown_question(q), None);
                None
            }
        },
        (None, Some(q)) => match syms.table.get(q) {
            Some(Symbol::Question(qi)) if items.questions[*qi].2.kind == QuestionType::List => Some(RosterSize::List(*qi)),
            Some(Symbol::Question(_)) => {
                ctx.sink.err(
                    "S009",
                    file,
                    format!("{}.source", r.id),
                    msg!(
                        "list roster source `{q}` is not a `list` question",
                        "источник списочного ростера `{q}` не является вопросом типа `list`",
                        "тізімдік ростердің `{q}` көзі `list` түріндегі сұрақ емес"
                    ),
                    Some(msg!(
                        "use `size` for an integer count",
                        "для целого числа используйте `size`",
                        "бүтін сан үшін `size` қолданыңыз"
                    )),
                );
                None
            }
            _ => {
                ctx.sink.err("S007", file, format!("{}.source", r.id), unknown_question(q), None);
                None
            }
        },
        _ => {
            ctx.sink.err(
                "S009",
                file,
                &r.id,
                msg!(
                    "a roster needs exactly one of `size` (integer question) or `source` (list question)",
                    "у ростера должно быть ровно одно из полей: `size` (целочисленный вопрос) или `source` (вопрос-список)",
                    "ростерде `size` (бүтін сан сұрағы) немесе `source` (тізім сұрағы) өрістерінің дәл біреуі болуы керек"
                ),
                None,
            );
            None
        }
    }
}

/// Questions: their roster, options, bounds, special answers, rows and expressions.
fn questions(ctx: &mut Ctx, syms: &Symbols, codelists: &BTreeMap<String, CodeList>, items: &Items<'_>) -> Vec<Question> {
    items.questions.iter().map(|(file, bi, q)| question(ctx, syms, codelists, file, *bi, q)).collect()
}

/// One question: its roster, options, bounds, special answers, rows and expressions.
fn question(ctx: &mut Ctx, syms: &Symbols, codelists: &BTreeMap<String, CodeList>, file: &str, bi: usize, q: &RawQuestion) -> Question {
    let loc = |f: &str| format!("{}.{f}", q.id);
    ctx.text(&q.text, file, &loc("text"));
    if let Some(t) = &q.instruction {
        ctx.text(t, file, &loc("instruction"));
    }
    let roster = match &q.roster {
        None => None,
        Some(r) => match syms.table.get(r) {
            Some(Symbol::Roster(ri)) => Some(*ri),
            _ => {
                ctx.sink.err(
                    "S010",
                    file,
                    loc("roster"),
                    unknown_roster(r),
                    Some(msg!(
                        "define it with `[[roster]]` in a block file",
                        "определите его через `[[roster]]` в файле блока",
                        "оны блок файлында `[[roster]]` арқылы анықтаңыз"
                    )),
                );
                None
            }
        },
    };
    let options = question_options(ctx, codelists, file, q);
    let special = special_answers(ctx, file, q);
    check_bounds(ctx, file, q);
    let rows = grid_rows(ctx, file, q);
    for t in [&q.min_label, &q.max_label].into_iter().flatten() {
        ctx.text(t, file, &loc("label"));
    }
    let mut validations = Vec::new();
    for (vi, v) in q.validation.iter().enumerate() {
        ctx.text(&v.message, file, &format!("{}.validation[{vi}].message", q.id));
        if let Some(e) = parse_expr(ctx, file, &format!("{}.validation[{vi}].rule", q.id), &v.rule) {
            validations.push(Validation { rule: e, severity: v.severity, message: v.message.clone() });
        }
    }
    let currencies = if q.kind == QuestionType::Money && q.currencies.is_empty() { vec!["KZT".to_string()] } else { q.currencies.clone() };
    let auto = auto_kind(ctx, file, q, roster.is_some());
    let end = end_rule(ctx, file, q, roster.is_some());
    Question {
        id: q.id.clone(),
        block: bi,
        kind: q.kind,
        text: q.text.clone(),
        instruction: q.instruction.clone(),
        roster,
        show_card: q.show_card,
        read_out: q.read_out,
        identifying: q.identifying,
        required: q.required,
        options,
        max_choices: q.max_choices,
        special,
        min: q.min,
        max: q.max,
        min_label: q.min_label.clone(),
        max_label: q.max_label.clone(),
        currencies,
        rows,
        relevant: q.relevant.as_deref().and_then(|s| parse_expr(ctx, file, &loc("relevant"), s)),
        prefill: q.prefill.as_deref().and_then(|s| parse_expr(ctx, file, &loc("prefill"), s)),
        choice_filter: q.choice_filter.as_deref().and_then(|s| parse_expr(ctx, file, &loc("choice_filter"), s)),
        validations,
        auto,
        end,
    }
}

/// `auto = "..."`: a known kind, on a question of the type that holds its value, at the household level.
fn auto_kind(ctx: &mut Ctx, file: &str, q: &RawQuestion, in_roster: bool) -> Option<AutoKind> {
    let word = q.auto.as_deref()?;
    let loc = format!("{}.auto", q.id);
    let Some(kind) = AutoKind::parse(word) else {
        let names: Vec<String> = AutoKind::ALL.iter().map(|k| format!("`\"{}\"`", k.name())).collect();
        let names = names.join(", ");
        ctx.sink.err(
            "S011",
            file,
            loc,
            msg!("unknown automatic value `{word}`", "неизвестное автоматическое значение `{word}`", "белгісіз автоматты мән `{word}`"),
            Some(msg!("use one of {names}", "используйте одно из значений: {names}", "мына мәндердің бірін қолданыңыз: {names}")),
        );
        return None;
    };
    let need = type_name(kind.kind());
    let t = type_name(q.kind);
    let mut ok = true;
    if q.kind != kind.kind() {
        ctx.sink.err(
            "S011",
            file,
            &loc,
            msg!(
                "`auto = \"{word}\"` is recorded in a `{need}` question, not a `{t}` one",
                "`auto = \"{word}\"` записывается в вопрос типа `{need}`, а не `{t}`",
                "`auto = \"{word}\"` `{t}` емес, `{need}` түріндегі сұраққа жазылады"
            ),
            Some(msg!("set `type = \"{need}\"`", "укажите `type = \"{need}\"`", "`type = \"{need}\"` деп көрсетіңіз")),
        );
        ok = false;
    }
    let extra = [(in_roster, "roster"), (q.prefill.is_some(), "prefill"), (q.end.is_some(), "end"), (!q.special.is_empty(), "special")];
    for (present, field) in extra {
        if present {
            ctx.sink.err(
                "S011",
                file,
                &loc,
                msg!(
                    "a question recorded automatically takes no `{field}`",
                    "у вопроса, заполняемого автоматически, не бывает `{field}`",
                    "автоматты түрде толтырылатын сұрақта `{field}` болмайды"
                ),
                Some(msg!(
                    "remove `{field}` (the session records the value once, for the whole interview)",
                    "удалите `{field}` (значение записывает сама программа, один раз на всё интервью)",
                    "`{field}` өрісін алып тастаңыз (мәнді бағдарламаның өзі бүкіл сұхбатқа бір рет жазады)"
                )),
            );
            ok = false;
        }
    }
    ok.then_some(kind)
}

/// The question types whose answer can end an interview: a choice or a number the respondent gives.
const ENDS_ON: [QuestionType; 4] = [QuestionType::Single, QuestionType::Multiple, QuestionType::Integer, QuestionType::Scale];

/// `[question.end]`: a known outcome, a condition that parses, on a household-level question of a type that can end it.
fn end_rule(ctx: &mut Ctx, file: &str, q: &RawQuestion, in_roster: bool) -> Option<EndRule> {
    let raw = q.end.as_ref()?;
    let loc = format!("{}.end", q.id);
    let mut ok = true;
    let t = type_name(q.kind);
    if !ENDS_ON.contains(&q.kind) {
        let names: Vec<String> = ENDS_ON.iter().map(|k| format!("`{}`", type_name(*k))).collect();
        let names = names.join(", ");
        ctx.sink.err(
            "S011",
            file,
            &loc,
            msg!(
                "a `{t}` question cannot end the interview",
                "вопрос типа `{t}` не может завершать интервью",
                "`{t}` түріндегі сұрақ сұхбатты аяқтай алмайды"
            ),
            Some(msg!(
                "only {names} questions end an interview (consent: a `single` question)",
                "завершать интервью могут только вопросы типов {names} (согласие — вопрос `single`)",
                "сұхбатты тек {names} түріндегі сұрақтар аяқтай алады (келісім — `single` сұрағы)"
            )),
        );
        ok = false;
    }
    if in_roster {
        ctx.sink.err(
            "S011",
            file,
            &loc,
            msg!(
                "a question in a roster cannot end the interview",
                "вопрос внутри ростера не может завершать интервью",
                "ростер ішіндегі сұрақ сұхбатты аяқтай алмайды"
            ),
            Some(msg!(
                "put the question that ends the interview outside the roster",
                "вынесите вопрос, завершающий интервью, за пределы ростера",
                "сұхбатты аяқтайтын сұрақты ростерден тыс орналастырыңыз"
            )),
        );
        ok = false;
    }
    let outcome = EndOutcome::parse(raw.outcome.trim());
    if outcome.is_none() {
        let word = &raw.outcome;
        let names: Vec<String> = EndOutcome::ALL.iter().map(|k| format!("`\"{}\"`", k.name())).collect();
        let names = names.join(", ");
        ctx.sink.err(
            "S011",
            file,
            format!("{loc}.outcome"),
            msg!("unknown interview outcome `{word}`", "неизвестный исход интервью `{word}`", "сұхбаттың белгісіз нәтижесі `{word}`"),
            Some(msg!("use {names}", "используйте {names}", "{names} қолданыңыз")),
        );
    }
    let when = parse_expr(ctx, file, &format!("{loc}.when"), &raw.when);
    match (when, outcome) {
        (Some(when), Some(outcome)) if ok => Some(EndRule { when, outcome }),
        _ => None,
    }
}

/// The options of a question (its code list's or its own), with `exclusive` codes applied.
fn question_options(ctx: &mut Ctx, codelists: &BTreeMap<String, CodeList>, file: &str, q: &RawQuestion) -> Vec<Choice> {
    let loc = |f: &str| format!("{}.{f}", q.id);
    let mut options = match (&q.codelist, &q.options) {
        (Some(_), Some(_)) => {
            ctx.sink.err(
                "S011",
                file,
                &q.id,
                msg!(
                    "both `codelist` and `options` are given",
                    "заданы одновременно `codelist` и `options`",
                    "`codelist` пен `options` бірге берілген"
                ),
                Some(msg!("keep one", "оставьте что-то одно", "біреуін ғана қалдырыңыз")),
            );
            Vec::new()
        }
        (Some(cl), None) => match codelists.get(cl) {
            Some(list) => list.options.clone(),
            None => {
                let close: Vec<&String> = codelists
                    .keys()
                    .filter(|k| k.contains(cl.trim_start_matches("L_")) || cl.contains(k.trim_start_matches("L_")))
                    .take(3)
                    .collect();
                let hint = if close.is_empty() {
                    msg!(
                        "define it under `[codelist.ID]` in `codelists.toml`",
                        "определите его в разделе `[codelist.ID]` файла `codelists.toml`",
                        "оны `codelists.toml` файлындағы `[codelist.ID]` бөлімінде анықтаңыз"
                    )
                } else {
                    did_you_mean(&close.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", "))
                };
                ctx.sink.err(
                    "S003",
                    file,
                    loc("codelist"),
                    msg!("unknown code list `{cl}`", "неизвестный список кодов `{cl}`", "белгісіз код тізімі `{cl}`"),
                    Some(hint),
                );
                Vec::new()
            }
        },
        (None, Some(opts)) => check_options(ctx, file, &loc("options"), opts),
        (None, None) => Vec::new(),
    };
    let t = type_name(q.kind);
    if q.kind.has_options() && options.is_empty() && q.codelist.is_none() {
        ctx.sink.err(
            "S011",
            file,
            &q.id,
            msg!(
                "a `{t}` question needs options",
                "вопросу типа `{t}` нужны варианты ответа",
                "`{t}` түріндегі сұраққа жауап нұсқалары керек"
            ),
            Some(msg!(
                "add `codelist = \"L_...\"` or `options = [...]`",
                "добавьте `codelist = \"L_...\"` или `options = [...]`",
                "`codelist = \"L_...\"` немесе `options = [...]` қосыңыз"
            )),
        );
    }
    if !q.kind.has_options() && (q.codelist.is_some() || q.options.is_some()) {
        ctx.sink.err(
            "S011",
            file,
            &q.id,
            msg!(
                "a `{t}` question takes no options",
                "у вопроса типа `{t}` не бывает вариантов ответа",
                "`{t}` түріндегі сұрақтың жауап нұсқалары болмайды"
            ),
            Some(msg!(
                "remove `codelist`/`options` or change the type",
                "удалите `codelist`/`options` или смените тип вопроса",
                "`codelist`/`options` өрісін алып тастаңыз немесе сұрақ түрін өзгертіңіз"
            )),
        );
    }
    for code in &q.exclusive {
        match options.iter_mut().find(|o| o.code == *code) {
            Some(o) => o.exclusive = true,
            None => ctx.sink.err(
                "S011",
                file,
                loc("exclusive"),
                msg!(
                    "exclusive code {code} is not an option",
                    "исключающего кода {code} нет среди вариантов ответа",
                    "басқалармен бірге таңдалмайтын {code} коды жауап нұсқаларының арасында жоқ"
                ),
                None,
            ),
        }
    }
    options
}

/// The missing codes the interviewer may record (`special = ["dk", "rf"]`).
fn special_answers(ctx: &mut Ctx, file: &str, q: &RawQuestion) -> Vec<Missing> {
    let loc = |f: &str| format!("{}.{f}", q.id);
    let mut special = Vec::new();
    for s in &q.special {
        match s.as_str() {
            "dk" => special.push(Missing::DontKnow),
            "rf" => special.push(Missing::Refused),
            other => ctx.sink.err(
                "S011",
                file,
                loc("special"),
                msg!("unknown special answer `{other}`", "неизвестный особый ответ `{other}`", "белгісіз арнайы жауап `{other}`"),
                Some(msg!(
                    "use `\"dk\"` (don't know, −98) and/or `\"rf\"` (refused, −99); −97 is set by routing",
                    "используйте `\"dk\"` (затрудняюсь ответить, −98) и/или `\"rf\"` (отказ от ответа, −99); −97 ставится логикой переходов",
                    "`\"dk\"` (жауап беруге қиналамын, −98) және/немесе `\"rf\"` (жауап беруден бас тарту, −99) қолданыңыз; −97 кодын өту логикасы қояды"
                )),
            ),
        }
    }
    special
}

/// `min`/`max` in order and where they apply; what a scale and a grid need.
fn check_bounds(ctx: &mut Ctx, file: &str, q: &RawQuestion) {
    let t = type_name(q.kind);
    if let (Some(a), Some(b)) = (q.min, q.max) {
        if a > b {
            ctx.sink.err(
                "S011",
                file,
                &q.id,
                msg!("`min` {a} is greater than `max` {b}", "`min` {a} больше, чем `max` {b}", "`min` {a} мәні `max` {b} мәнінен үлкен"),
                None,
            );
        }
    }
    if (q.min.is_some() || q.max.is_some()) && !q.kind.is_numeric() {
        ctx.sink.err(
            "S011",
            file,
            &q.id,
            msg!(
                "`min`/`max` do not apply to a `{t}` question",
                "`min`/`max` неприменимы к вопросу типа `{t}`",
                "`min`/`max` `{t}` түріндегі сұраққа қолданылмайды"
            ),
            None,
        );
    }
    if q.kind == QuestionType::Scale && (q.min.is_none() || q.max.is_none()) {
        ctx.sink.err(
            "S011",
            file,
            &q.id,
            msg!("a scale needs `min` and `max`", "для шкалы нужны `min` и `max`", "шкалаға `min` және `max` керек"),
            Some(msg!("e.g. `min = 1`, `max = 10`", "например, `min = 1`, `max = 10`", "мысалы, `min = 1`, `max = 10`")),
        );
    }
    if q.kind == QuestionType::Grid && q.rows.is_empty() {
        ctx.sink.err(
            "S011",
            file,
            &q.id,
            msg!("a grid needs `rows`", "для вопроса-таблицы нужны строки `rows`", "кесте сұрағына `rows` жолдары керек"),
            None,
        );
    }
}

/// A grid's rows, each id once.
fn grid_rows(ctx: &mut Ctx, file: &str, q: &RawQuestion) -> Vec<GridRow> {
    let loc = |f: &str| format!("{}.{f}", q.id);
    let mut row_ids = HashSet::new();
    q.rows
        .iter()
        .map(|r| {
            if !row_ids.insert(r.id.clone()) {
                let id = &r.id;
                ctx.sink.err(
                    "S002",
                    file,
                    loc("rows"),
                    msg!(
                        "grid row `{id}` appears twice",
                        "строка таблицы `{id}` встречается дважды",
                        "`{id}` кесте жолы екі рет кездеседі"
                    ),
                    None,
                );
            }
            let t = Text { en: r.en.clone(), ru: r.ru.clone(), kk: r.kk.clone() };
            ctx.text(&t, file, &format!("{}.rows.{}", q.id, r.id));
            GridRow { id: r.id.clone(), label: t }
        })
        .collect()
}

/// Checks that need both rosters and questions: labels and where the size question sits.
fn roster_checks(ctx: &mut Ctx, syms: &Symbols, items: &Items<'_>, rosters: &mut [Roster], questions: &[Question]) {
    for (ri, (file, r)) in items.rosters.iter().enumerate() {
        if let Some(l) = &r.label {
            match syms.table.get(l) {
                Some(Symbol::Question(qi)) if questions[*qi].roster == Some(ri) => rosters[ri].label = Some(*qi),
                _ => ctx.sink.err(
                    "S007",
                    file,
                    format!("{}.label", r.id),
                    msg!(
                        "label `{l}` is not a question of this roster",
                        "подпись `{l}` не является вопросом этого ростера",
                        "`{l}` белгісі осы ростердің сұрағы емес"
                    ),
                    None,
                ),
            }
        }
        let sq = rosters[ri].size.question();
        if sq != usize::MAX && questions.get(sq).is_some_and(|q| q.roster == Some(ri)) {
            ctx.sink.err(
                "S009",
                file,
                &r.id,
                msg!(
                    "a roster cannot be sized by one of its own questions",
                    "размер ростера не может задаваться его собственным вопросом",
                    "ростердің өлшемін оның өз сұрағы бере алмайды"
                ),
                None,
            );
        }
        if sq != usize::MAX {
            let size_roster = questions[sq].roster;
            if !rosters[ri].parent.map_or(size_roster.is_none(), |p| size_roster.is_none() || size_roster == Some(p)) {
                ctx.sink.err(
                    "S009",
                    file,
                    &r.id,
                    msg!(
                        "the size question must be at the parent's level",
                        "вопрос размера должен быть на уровне родительского ростера",
                        "өлшем сұрағы жоғарғы ростер деңгейінде болуы керек"
                    ),
                    None,
                );
            }
        }
    }
}

fn calculations(ctx: &mut Ctx, syms: &Symbols, items: &Items<'_>) -> Vec<Calculation> {
    let mut calculations = Vec::new();
    for (file, c) in &items.calculations {
        ctx.text(&c.label, file, &format!("{}.label", c.id));
        let roster = c.roster.as_ref().and_then(|r| match syms.table.get(r) {
            Some(Symbol::Roster(ri)) => Some(*ri),
            _ => {
                ctx.sink.err("S010", file, format!("{}.roster", c.id), unknown_roster(r), None);
                None
            }
        });
        let expr =
            parse_expr(ctx, file, &format!("{}.expr", c.id), &c.expr).unwrap_or_else(|| crate::expr::parse("null").expect("`null` parses"));
        calculations.push(Calculation { id: c.id.clone(), roster, expr, label: c.label.clone() });
    }

    calculations
}

/// Blocks and their layout (roster groups).
fn blocks(ctx: &mut Ctx, blocks_raw: &[(String, RawBlock)], questions: &[Question], rosters: &[Roster]) -> Vec<Block> {
    let mut blocks = Vec::new();
    for (bi, (file, b)) in blocks_raw.iter().enumerate() {
        ctx.text(&b.title, file, "title");
        let qs: Vec<usize> = (0..questions.len()).filter(|&qi| questions[qi].block == bi).collect();
        blocks.push(Block {
            id: b.id.clone(),
            number: b.number.unwrap_or(u32::MAX),
            title: b.title.clone(),
            sections: layout(&qs, questions, rosters),
        });
    }

    blocks
}

/// Every question named in `[fieldwork_links]` exists (`member_age` may name a calculation).
fn field_links(sink: &mut Sink, q: &Questionnaire) {
    let age = q.field_links.member_age.as_deref().filter(|id| !matches!(q.symbols.get(*id), Some(Symbol::Calculation(_))));
    for (link, qid) in q.field_links.named().into_iter().chain(age.map(|id| ("member_age", id))) {
        if q.question_index(qid).is_none() {
            sink.err(
                "S007",
                STUDY_FILE,
                format!("fieldwork_links.{link}"),
                unknown_question(qid),
                Some(msg!("name a question of the study", "укажите вопрос этого исследования", "осы зерттеудің сұрағын көрсетіңіз")),
            );
        }
    }
}

fn type_name(t: QuestionType) -> String {
    serde_json::to_value(t).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
}

fn option_from_raw(o: &RawOption) -> Choice {
    Choice {
        code: o.code,
        label: Text { en: o.en.clone(), ru: o.ru.clone(), kk: o.kk.clone() },
        exclusive: o.exclusive,
        specify: o.specify,
    }
}

fn check_options(ctx: &mut Ctx, file: &str, loc: &str, raw: &[RawOption]) -> Vec<Choice> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for o in raw {
        let code = o.code;
        if !seen.insert(code) {
            ctx.sink.err(
                "S004",
                file,
                loc,
                msg!("code {code} is used twice", "код {code} используется дважды", "{code} коды екі рет қолданылған"),
                Some(msg!(
                    "each option needs its own code",
                    "у каждого варианта ответа должен быть свой код",
                    "әр жауап нұсқасының өз коды болуы керек"
                )),
            );
        }
        if Missing::from_code(code).is_some() {
            ctx.sink.err(
                "S004",
                file,
                loc,
                msg!(
                    "code {code} is reserved for missing values",
                    "код {code} зарезервирован для пропущенных значений",
                    "{code} коды жоқ мәндер үшін сақталған"
                ),
                Some(msg!(
                    "−97/−98/−99 come from `special`, not from options",
                    "−97/−98/−99 задаются через `special`, а не вариантами ответа",
                    "−97/−98/−99 кодтары жауап нұсқаларынан емес, `special` арқылы беріледі"
                )),
            );
        }
        let c = option_from_raw(o);
        ctx.text(&c.label, file, &format!("{loc}[{}]", o.code));
        out.push(c);
    }
    out
}

/// Groups consecutive questions of one roster (and its nested rosters) into roster sections.
fn layout(qs: &[usize], questions: &[Question], rosters: &[Roster]) -> Vec<Section> {
    fn chain(r: Option<usize>, rosters: &[Roster]) -> Vec<usize> {
        let mut c = Vec::new();
        let mut cur = r;
        while let Some(x) = cur {
            c.push(x);
            cur = rosters[x].parent;
        }
        c.reverse();
        c
    }
    fn insert(sections: &mut Vec<Section>, path: &[usize], qi: usize) {
        match path.split_first() {
            None => sections.push(Section::Question(qi)),
            Some((r, rest)) => {
                if let Some(Section::Roster { roster, children }) = sections.last_mut() {
                    if roster == r {
                        insert(children, rest, qi);
                        return;
                    }
                }
                let mut children = Vec::new();
                insert(&mut children, rest, qi);
                sections.push(Section::Roster { roster: *r, children });
            }
        }
    }
    let mut out = Vec::new();
    for &qi in qs {
        insert(&mut out, &chain(questions[qi].roster, rosters), qi);
    }
    out
}
