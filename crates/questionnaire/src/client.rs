//! The complete contract with a user interface: serializable views of an interview.
//!
//! A view is built for one language from the definition and the engine state; the UI renders it
//! and sends back [`AnswerKey`]s and JSON values. Nothing here decides anything the engine does
//! not already know: these are projections. TypeScript types are generated from these structs
//! (`ui/src/bindings/`), so the UI never keeps a hand-written copy.

use serde::Serialize;
use serde_json::Value as Json;
use ts_rs::TS;

use crate::answer::{AnswerKey, AnswerValue, RowPath};
use crate::engine::{filter_rule, Interview, Invalid, IssueKind, Slot};
use crate::expr::Val;
use crate::model::*;

#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct OptionView {
    #[ts(type = "number")]
    pub code: i64,
    pub label: String,
    pub exclusive: bool,
    pub specify: bool,
}

#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct GridRowView {
    pub id: String,
    pub label: String,
}

#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct RuleView {
    pub rule: usize,
    pub severity: RuleSeverity,
    pub message: String,
    pub confirmed: bool,
}

/// Where a question instance sits in the rosters: "Household members: 2 of 5, Айгуль".
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct RosterCrumb {
    pub roster: String,
    pub title: String,
    pub row: u32,
    pub of: u32,
    pub label: Option<String>,
}

#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct QuestionView {
    pub key: AnswerKey,
    pub id: String,
    pub kind: QuestionType,
    pub text: String,
    pub instruction: Option<String>,
    pub show_card: Option<u32>,
    pub read_out: bool,
    pub required: bool,
    pub identifying: bool,
    pub options: Vec<OptionView>,
    pub rows: Vec<GridRowView>,
    /// The missing codes the interviewer may record here (−98, −99).
    #[ts(type = "Array<number>")]
    pub special: Vec<i64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub min_label: Option<String>,
    pub max_label: Option<String>,
    pub currencies: Vec<String>,
    pub max_choices: Option<u32>,
    pub value: Option<AnswerValue>,
    /// A suggested value (Q510 from Q502) when the question has no answer yet.
    pub prefill: Option<AnswerValue>,
    pub rules: Vec<RuleView>,
    /// Why the stored answer no longer holds (an answer it depends on changed since), in the
    /// interview language: an open error until this or the other answer changes.
    pub invalid: Option<String>,
    pub block: u32,
    pub roster: Vec<RosterCrumb>,
    /// Recorded by the session (date, start and end time, visit number): shown, never edited.
    pub auto: Option<AutoKind>,
}

#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct BlockView {
    pub number: u32,
    pub id: String,
    pub title: String,
    pub answered: u32,
    pub total: u32,
    pub errors: u32,
    /// Where a tap on the block goes: its first unanswered instance, else its first.
    pub target: Option<AnswerKey>,
}

#[derive(Copy, Clone, Debug, Serialize, TS, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum IssueKindView {
    /// A hard rule fails.
    Error,
    /// The answer no longer passes its choice filter or bounds after another answer changed.
    Invalid,
    Warning,
    Unanswered,
}

#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct IssueView {
    pub key: AnswerKey,
    pub kind: IssueKindView,
    pub block: u32,
    pub question: String,
    pub message: String,
}

/// One row of a roster table: "2. Айгуль — 14/20 answered".
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct RosterRowView {
    pub row: u32,
    pub label: Option<String>,
    pub answered: u32,
    pub total: u32,
    pub errors: u32,
    pub target: Option<AnswerKey>,
}

#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct RosterView {
    pub roster: String,
    pub title: String,
    pub rows: Vec<RosterRowView>,
}

/// Renders one question instance in `lang`.
pub fn question_view(q: &Questionnaire, iv: &Interview, slot: Slot, lang: Lang) -> QuestionView {
    let question = &q.questions[slot.question];
    let ctx = iv.context(q, &slot);
    let options = question
        .options
        .iter()
        .filter(|o| {
            question.choice_filter.as_ref().is_none_or(|f| {
                let c = ctx.with_choice(o.code);
                f.eval(&c).truth() == Some(true)
            })
        })
        .map(|o| OptionView { code: o.code, label: o.label.get(lang).to_string(), exclusive: o.exclusive, specify: o.specify })
        .collect();
    let value = iv.answer(&slot).and_then(|a| AnswerValue::from_json(&a.to_json()));
    let prefill = match (&value, &question.prefill) {
        (None, Some(e)) => val_to_json(&e.eval(&ctx)).and_then(|j| AnswerValue::from_json(&j)),
        _ => None,
    };
    let rules = iv
        .failing(&slot)
        .iter()
        .map(|&r| {
            let v = &question.validations[r];
            RuleView { rule: r, severity: v.severity, message: v.message.get(lang).to_string(), confirmed: iv.is_confirmed(&slot, r) }
        })
        .collect();
    QuestionView {
        key: slot.key(q),
        id: question.id.clone(),
        kind: question.kind,
        text: substitute(q, iv, slot.path, question.roster, question.text.get(lang), lang),
        instruction: question.instruction.as_ref().map(|t| substitute(q, iv, slot.path, question.roster, t.get(lang), lang)),
        show_card: question.show_card,
        read_out: question.read_out,
        required: question.required,
        identifying: question.identifying,
        options,
        rows: question.rows.iter().map(|r| GridRowView { id: r.id.clone(), label: r.label.get(lang).to_string() }).collect(),
        special: question.special.iter().map(|m| m.code()).collect(),
        min: question.min,
        max: question.max,
        min_label: question.min_label.as_ref().map(|t| t.get(lang).to_string()),
        max_label: question.max_label.as_ref().map(|t| t.get(lang).to_string()),
        currencies: question.currencies.clone(),
        max_choices: question.max_choices,
        value,
        prefill,
        rules,
        invalid: invalid_message(q, iv, slot, lang),
        block: q.blocks[question.block].number,
        roster: crumbs(q, iv, slot, lang),
        auto: question.auto,
    }
}

/// The message of an open "invalid answer" error of an instance, if it has one.
pub fn invalid_message(q: &Questionnaire, iv: &Interview, slot: Slot, lang: Lang) -> Option<String> {
    let question = &q.questions[slot.question];
    match iv.invalid(&slot)? {
        Invalid::Filtered { codes } => {
            let labels: Vec<String> =
                codes.iter().map(|c| question.option(*c).map_or_else(|| c.to_string(), |o| o.label.get(lang).to_string())).collect();
            Some(crate::i18n::invalid_choice(&labels, &filter_rule(q, question), lang))
        }
        Invalid::OutOfRange => Some(crate::i18n::answer_error(
            &crate::answer::AnswerError::OutOfRange { question: question.id.clone(), min: question.min, max: question.max },
            lang,
        )),
    }
}

fn val_to_json(v: &Val) -> Option<Json> {
    match v {
        Val::Num(n) if n.fract() == 0.0 => Some(Json::from(*n as i64)),
        Val::Num(n) => serde_json::Number::from_f64(*n).map(Json::Number),
        Val::Text(s) => Some(Json::from(s.clone())),
        Val::List(items) => Some(Json::from(items.iter().map(|c| *c as i64).collect::<Vec<_>>())),
        _ => None,
    }
}

fn crumbs(q: &Questionnaire, iv: &Interview, slot: Slot, lang: Lang) -> Vec<RosterCrumb> {
    let chain = q.roster_chain(q.questions[slot.question].roster);
    chain
        .iter()
        .enumerate()
        .map(|(d, &ri)| {
            let r = &q.rosters[ri];
            let row = slot.path.as_slice()[d];
            RosterCrumb {
                roster: r.id.clone(),
                title: r.title.get(lang).to_string(),
                row,
                of: iv.row_count(ri, slot.path.truncate(d)) as u32,
                label: row_label(q, iv, ri, slot.path.truncate(d + 1), lang),
            }
        })
        .collect()
}

/// The name of a roster row: its label question's answer, or the list item for a list roster.
pub fn row_label(q: &Questionnaire, iv: &Interview, ri: usize, path: RowPath, lang: Lang) -> Option<String> {
    let r = &q.rosters[ri];
    if let Some(lq) = r.label {
        if let Val::Text(s) = iv.value(q, &Slot { question: lq, path }) {
            return Some(s);
        }
    }
    if let RosterSize::List(sq) = r.size {
        let parent = path.truncate(path.len() - 1);
        let idx = *path.as_slice().last()? as usize;
        if let Some(crate::answer::Answer::List(items)) =
            iv.answer(&Slot { question: sq, path: parent.truncate(q.depth(q.questions[sq].roster)) })
        {
            return items.get(idx - 1).cloned();
        }
    }
    let _ = lang;
    None
}

/// Replaces `{Q102}` in a text by that question's answer as the interviewer would say it.
pub fn substitute(q: &Questionnaire, iv: &Interview, path: RowPath, roster: Option<usize>, text: &str, lang: Lang) -> String {
    if !text.contains('{') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                let name = &after[..end];
                let replacement = q.question_index(name).filter(|&qi| q.encloses(q.questions[qi].roster, roster)).map(|qi| {
                    let slot = Slot { question: qi, path: path.truncate(q.depth(q.questions[qi].roster)) };
                    match iv.answer(&slot) {
                        Some(crate::answer::Answer::Code(_, Some(other))) => other.clone(),
                        Some(crate::answer::Answer::Code(c, None)) => {
                            q.questions[qi].option(*c).map(|o| o.label.get(lang).to_string()).unwrap_or_default()
                        }
                        Some(crate::answer::Answer::Missing(_)) | None => "…".to_string(),
                        Some(a) => match a.to_val() {
                            Val::Text(s) => s,
                            Val::Num(n) => format!("{n}"),
                            _ => "…".to_string(),
                        },
                    }
                });
                match replacement {
                    Some(r) => out.push_str(&r),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

pub fn blocks_view(q: &Questionnaire, iv: &Interview, lang: Lang) -> Vec<BlockView> {
    iv.progress(q)
        .into_iter()
        .map(|p| {
            let b = &q.blocks[p.block];
            let inst = iv.block_instances(q, p.block);
            let target = inst
                .iter()
                .find(|s| iv.is_relevant(s) && !iv.is_answered(q, s))
                .or_else(|| inst.iter().find(|s| iv.is_relevant(s)))
                .map(|s| s.key(q));
            BlockView {
                number: b.number,
                id: b.id.clone(),
                title: b.title.get(lang).to_string(),
                answered: p.answered as u32,
                total: p.total as u32,
                errors: p.errors as u32,
                target,
            }
        })
        .collect()
}

pub fn issues_view(q: &Questionnaire, iv: &Interview, lang: Lang) -> Vec<IssueView> {
    iv.issues(q)
        .into_iter()
        .map(|i| {
            let question = &q.questions[i.slot.question];
            let message = match (i.kind, i.rule) {
                (IssueKind::Invalid, _) => invalid_message(q, iv, i.slot, lang).unwrap_or_default(),
                (_, Some(r)) => question.validations[r].message.get(lang).to_string(),
                (_, None) => crate::i18n::unanswered(lang).to_string(),
            };
            let mut short = substitute(q, iv, i.slot.path, question.roster, question.text.get(lang), lang);
            if short.chars().count() > 90 {
                short = short.chars().take(88).collect::<String>() + "…";
            }
            IssueView {
                key: i.slot.key(q),
                kind: match i.kind {
                    IssueKind::Error => IssueKindView::Error,
                    IssueKind::Invalid => IssueKindView::Invalid,
                    IssueKind::Warning => IssueKindView::Warning,
                    IssueKind::Unanswered => IssueKindView::Unanswered,
                },
                block: q.blocks[question.block].number,
                question: short,
                message,
            }
        })
        .collect()
}

/// The table of rows of the innermost roster around `slot`, with progress per row.
pub fn roster_view(q: &Questionnaire, iv: &Interview, slot: Slot, lang: Lang) -> Option<RosterView> {
    let ri = q.questions[slot.question].roster?;
    let r = &q.rosters[ri];
    let parent = slot.path.truncate(slot.path.len() - 1);
    let block = q.questions[slot.question].block;
    let inst = iv.block_instances(q, block);
    let rows = (1..=iv.row_count(ri, parent) as u32)
        .map(|row| {
            let path = parent.child(row);
            let mine: Vec<&Slot> = inst.iter().filter(|s| s.path.starts_with(&path) && iv.is_relevant(s)).collect();
            let answered = mine.iter().filter(|s| iv.is_answered(q, s)).count() as u32;
            let errors = mine.iter().map(|s| iv.error_count(q, s) as u32).sum();
            let target = mine.iter().find(|s| !iv.is_answered(q, s)).or(mine.first()).map(|s| s.key(q));
            RosterRowView { row, label: row_label(q, iv, ri, path, lang), answered, total: mine.len() as u32, errors, target }
        })
        .collect();
    Some(RosterView { roster: r.id.clone(), title: r.title.get(lang).to_string(), rows })
}
