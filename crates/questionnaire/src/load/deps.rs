//! Phase 5 of loading: the names every expression reads are resolved against the symbol table,
//! roster scopes are checked, cycles among calculations are found and the reverse dependency graph
//! the engine propagates over is built.

use crate::expr::{Expr, RefKind};
use crate::model::*;
use dala_i18n::msg;

use super::{did_you_mean, unknown_roster, Msg, Sink};

/// A question or calculation with its roster, id and the expressions it evaluates (by field name).
type TargetExprs<'a> = (Target, Option<usize>, String, Vec<(String, &'a Expr)>);

/// Resolves every expression's names, checks scoping, detects cycles and builds the reverse graph.
pub(super) fn build_dependencies(q: &mut Questionnaire, sink: &mut Sink, file_of: &dyn Fn(&str) -> String) {
    let mut deps = Dependencies::default();
    let mut targets: Vec<TargetExprs<'_>> = Vec::new();
    for (qi, question) in q.questions.iter().enumerate() {
        let mut exprs: Vec<(String, &Expr)> = Vec::new();
        if let Some(e) = &question.relevant {
            exprs.push(("relevant".into(), e));
        }
        if let Some(e) = &question.prefill {
            exprs.push(("prefill".into(), e));
        }
        if let Some(e) = &question.choice_filter {
            exprs.push(("choice_filter".into(), e));
        }
        for (vi, v) in question.validations.iter().enumerate() {
            exprs.push((format!("validation[{vi}].rule"), &v.rule));
        }
        if let Some(end) = &question.end {
            exprs.push(("end.when".into(), &end.when));
        }
        targets.push((Target::Question(qi), question.roster, question.id.clone(), exprs));
    }
    for (ci, c) in q.calculations.iter().enumerate() {
        targets.push((Target::Calculation(ci), c.roster, c.id.clone(), vec![("expr".into(), &c.expr)]));
    }
    let mut calc_reads: Vec<Vec<usize>> = vec![Vec::new(); q.calculations.len()];
    for (target, target_roster, id, exprs) in &targets {
        let file = file_of(id);
        for (field, e) in exprs {
            let loc = format!("{id}.{field}");
            // `currency()` reads the currency of a money answer: its argument must be one.
            for name in e.currency_arguments() {
                let money = |qi: usize| q.questions[qi].kind == QuestionType::Money;
                let is_money = match (name, target) {
                    (".", Target::Question(qi)) => money(*qi),
                    (".", Target::Calculation(_)) => false,
                    (n, _) => matches!(q.symbols.get(n), Some(Symbol::Question(qi)) if money(*qi)) || !q.symbols.contains_key(n),
                };
                if !is_money {
                    let shown = if name == "." { id.as_str() } else { name };
                    sink.err(
                        "S015",
                        &file,
                        &loc,
                        msg!(
                            "`currency({name})` reads the currency of a money answer, but `{shown}` is not a money question",
                            "`currency({name})` читает валюту денежного ответа, но `{shown}` — не денежный вопрос",
                            "`currency({name})` ақшалай жауаптың валютасын оқиды, бірақ `{shown}` ақшалай сұрақ емес"
                        ),
                        Some(msg!(
                            "give it the id of a question of type `money`",
                            "укажите id вопроса типа `money`",
                            "`money` түріндегі сұрақтың id-ін көрсетіңіз"
                        )),
                    );
                }
            }
            for r in e.references() {
                let name = r.name.as_str();
                if name == "." || name == "choice" {
                    if name == "choice" && field != "choice_filter" {
                        sink.err(
                            "S007",
                            &file,
                            &loc,
                            msg!(
                                "`choice` is only defined in a `choice_filter`",
                                "`choice` определён только внутри `choice_filter`",
                                "`choice` тек `choice_filter` ішінде анықталған"
                            ),
                            None,
                        );
                    }
                    continue;
                }
                let via = match &r.through_roster {
                    None => None,
                    Some(rn) => match q.symbols.get(rn) {
                        Some(Symbol::Roster(ri)) => Some(*ri),
                        _ => {
                            sink.err("S007", &file, &loc, unknown_roster(rn), Some(hint_names(q, rn, |s| matches!(s, Symbol::Roster(_)))));
                            continue;
                        }
                    },
                };
                match (r.kind, q.symbols.get(name)) {
                    (RefKind::Roster, Some(Symbol::Roster(ri))) => {
                        deps.roster_readers.entry(*ri).or_default().push(*target);
                        // Reading the row count means reading the size question.
                        let sq = q.rosters[*ri].size.question();
                        if sq != usize::MAX {
                            deps.readers.entry(Source::Question(sq)).or_default().push((*target, ReadScope::Aggregate));
                        }
                    }
                    (RefKind::Roster, _) => {
                        sink.err("S007", &file, &loc, unknown_roster(name), Some(hint_names(q, name, |s| matches!(s, Symbol::Roster(_)))))
                    }
                    (RefKind::Name, Some(Symbol::Constant(_))) => {}
                    (RefKind::Name, Some(Symbol::Roster(_))) => sink.err(
                        "S007",
                        &file,
                        &loc,
                        msg!(
                            "`{name}` is a roster; use it inside `count()`, `sum()`, `at()` ...",
                            "`{name}` — это ростер; используйте его внутри `count()`, `sum()`, `at()` ...",
                            "`{name}` — ростер; оны `count()`, `sum()`, `at()` ... ішінде қолданыңыз"
                        ),
                        None,
                    ),
                    (RefKind::Name, Some(sym @ (Symbol::Question(_) | Symbol::Calculation(_)))) => {
                        let (source, src_roster) = match sym {
                            Symbol::Question(i) => (Source::Question(*i), q.questions[*i].roster),
                            Symbol::Calculation(i) => (Source::Calculation(*i), q.calculations[*i].roster),
                            _ => unreachable!("matched above"),
                        };
                        // Scope: without an aggregate, a source must be at the target's level or above it.
                        let context = via.or(*target_roster);
                        if !q.encloses(src_roster, context) {
                            let owner = src_roster.map(|r| q.rosters[r].id.as_str()).unwrap_or("");
                            let agg = src_roster.map(|r| q.rosters[r].id.as_str()).unwrap_or_default();
                            sink.err(
                                "S012",
                                &file,
                                &loc,
                                msg!(
                                    "`{name}` belongs to roster `{owner}` and is read here outside it",
                                    "`{name}` относится к ростеру `{owner}`, а здесь читается вне его",
                                    "`{name}` `{owner}` ростеріне жатады, бірақ мұнда одан тыс оқылады"
                                ),
                                Some(msg!(
                                    "read it through an aggregate over `{agg}`, e.g. `count({agg}, {name} == 1)`, `sum({agg}, {name})` or `at({agg}, row, {name})`",
                                    "читайте его через агрегирующую функцию по `{agg}`, например `count({agg}, {name} == 1)`, `sum({agg}, {name})` или `at({agg}, строка, {name})`",
                                    "оны `{agg}` бойынша агрегаттау функциясы арқылы оқыңыз, мысалы `count({agg}, {name} == 1)`, `sum({agg}, {name})` немесе `at({agg}, жол, {name})`"
                                )),
                            );
                            continue;
                        }
                        let scope = if via.is_some() { ReadScope::Aggregate } else { ReadScope::Direct };
                        deps.readers.entry(source).or_default().push((*target, scope));
                        if let (Target::Calculation(ci), Source::Calculation(cj)) = (target, source) {
                            calc_reads[*ci].push(cj);
                        }
                        // A self-reference of a calculation is a cycle too; the sort below finds it.
                    }
                    (RefKind::Name, None) => sink.err(
                        "S007",
                        &file,
                        &loc,
                        msg!("unknown name `{name}`", "неизвестное имя `{name}`", "белгісіз атау `{name}`"),
                        Some(hint_names(q, name, |s| !matches!(s, Symbol::Roster(_)))),
                    ),
                }
            }
        }
    }
    for v in deps.readers.values_mut() {
        v.sort_by_key(|(t, s)| (format!("{t:?}"), *s as u8));
        v.dedup();
    }
    // Calculation order: Kahn's algorithm; whatever is left over sits on a cycle.
    let n = q.calculations.len();
    let mut indeg = vec![0usize; n];
    for (ci, reads) in calc_reads.iter().enumerate() {
        indeg[ci] = reads.len();
    }
    let mut order = Vec::new();
    let mut ready: Vec<usize> = (0..n).filter(|&i| indeg[i] == 0).collect();
    while let Some(c) = ready.pop() {
        order.push(c);
        for (ci, reads) in calc_reads.iter().enumerate() {
            for r in reads {
                if *r == c {
                    indeg[ci] -= 1;
                    if indeg[ci] == 0 {
                        ready.push(ci);
                    }
                }
            }
        }
    }
    if order.len() < n {
        let stuck: Vec<&str> = (0..n).filter(|i| !order.contains(i)).map(|i| q.calculations[i].id.as_str()).collect();
        let cycle = stuck.join(" → ");
        sink.err(
            "S008",
            &file_of(stuck[0]),
            stuck[0],
            msg!("calculations form a cycle: {cycle}", "вычисления образуют цикл: {cycle}", "есептеулер тұйық цикл құрайды: {cycle}"),
            Some(msg!(
                "a calculation cannot depend, directly or indirectly, on itself",
                "вычисление не может зависеть от самого себя ни прямо, ни косвенно",
                "есептеу тікелей де, жанама түрде де өзіне тәуелді бола алмайды"
            )),
        );
        let rest: Vec<usize> = (0..n).filter(|i| !order.contains(i)).collect();
        order.extend(rest);
    }
    deps.calc_order = order;
    q.deps = deps;
}

fn hint_names(q: &Questionnaire, name: &str, keep: impl Fn(&Symbol) -> bool) -> Msg {
    let lower = name.to_ascii_lowercase();
    let mut close: Vec<&String> = q
        .symbols
        .iter()
        .filter(|(k, s)| keep(s) && strsim::damerau_levenshtein(&k.to_ascii_lowercase(), &lower) <= 2)
        .map(|(k, _)| k)
        .collect();
    close.sort();
    close.truncate(3);
    if close.is_empty() {
        msg!(
            "check the spelling; ids are case-sensitive",
            "проверьте написание; в id различаются заглавные и строчные буквы",
            "жазылуын тексеріңіз; id-де бас әріп пен кіші әріп ажыратылады"
        )
    } else {
        did_you_mean(&close.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", "))
    }
}
