//! The interview engine: the filled-in instance of a [`Questionnaire`].
//!
//! An [`Interview`] holds the answers (keyed by [`Slot`]: question plus roster row) and the state
//! derived from them: which question instances are relevant, the calculated values, the failing
//! validation rules and the roster sizes. It does no IO and knows nothing about screens.
//!
//! **Invariant:** derived state is updated incrementally. Applying an answer puts only the targets
//! that read it (from the dependency graph built by the loader) on a work list, and each of those
//! that changes puts its own readers on the list. A change in one member's row touches that row's
//! dependents plus whatever aggregates over the roster, so the cost of an answer does not grow with
//! the square of the roster.
//!
//! **Invariant:** answers stay consistent with each other. An answer is checked against its choice
//! filter, its bounds and its hard rules when it is entered; and whenever an answer those read
//! changes later, the same propagation re-checks it. An answer that no longer holds is kept, never
//! deleted: it becomes an open error ([`Invalid`] for a filter or bounds, a failing hard rule
//! otherwise), listed by [`Interview::issues`], and the interview cannot be completed until the
//! interviewer changes one of the answers or clears it.
//!
//! **Invariant:** answers are never dropped by routing. A question that becomes non-relevant keeps
//! its stored answer but reads as −97 (not applicable) in expressions; if it becomes relevant again,
//! the answer is back. Rows removed by a smaller roster size keep their answers the same way.

use std::cell::RefCell;
use std::collections::VecDeque;

// The engine's maps are keyed by small integers (slots, rows, rules) and hashed on every lookup of
// every answer: FxHash instead of the DoS-resistant SipHash (no key here comes from outside).
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::answer::{Answer, AnswerError, AnswerKey, FilterRule, RowPath};
use crate::expr::{Env, Missing, Val};
use crate::model::*;

/// The largest roster the engine will build, whatever a size question says.
pub const MAX_ROWS: usize = 500;

/// One instance of a question: the question plus its roster row.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slot {
    pub question: usize,
    pub path: RowPath,
}

impl Slot {
    pub fn key(&self, q: &Questionnaire) -> AnswerKey {
        AnswerKey { question: q.questions[self.question].id.clone(), roster: self.path.as_slice().to_vec() }
    }
}

/// Resolves a public key to a slot, checking the question and the shape of the roster path.
pub fn slot_of(q: &Questionnaire, key: &AnswerKey) -> Result<Slot, AnswerError> {
    let qi = q.question_index(&key.question).ok_or_else(|| AnswerError::UnknownQuestion { question: key.question.clone() })?;
    let depth = q.depth(q.questions[qi].roster);
    let no_row = || AnswerError::NoSuchRow { question: key.question.clone(), roster: key.roster.clone() };
    if key.roster.len() != depth {
        return Err(no_row());
    }
    let path = RowPath::from_slice(&key.roster).ok_or_else(no_row)?;
    Ok(Slot { question: qi, path })
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
enum Work {
    Question(usize, RowPath),
    Calc(usize, RowPath),
    Rows(usize, RowPath),
}

/// What an applied answer changed, for the journal.
#[derive(Clone, Debug, PartialEq)]
pub struct Applied {
    pub previous: Option<Answer>,
    /// Targets re-evaluated: a measure of the incremental work, used by tests and benchmarks.
    pub evaluated: usize,
}

/// A failing rule of one question instance.
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    pub slot: Slot,
    pub rule: usize,
    pub severity: RuleSeverity,
    pub confirmed: bool,
}

/// Why an instance is on the completion list.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum IssueKind {
    /// A hard rule fails.
    Error,
    /// A stored answer no longer passes its choice filter or bounds ([`Interview::invalid`] says how).
    Invalid,
    /// A soft rule fails and is not confirmed.
    Warning,
    /// A required question has no answer.
    Unanswered,
}

/// Why a stored answer, accepted when it was entered, no longer holds: an earlier answer it
/// depends on changed since. The answer is kept and reads as it is; the interview cannot be
/// completed until the interviewer changes one of the two answers or clears this one.
#[derive(Clone, Debug, PartialEq)]
pub enum Invalid {
    /// The chosen options (in answer order) that the choice filter no longer offers.
    Filtered { codes: Vec<i64> },
    /// A number outside the question's bounds (a stored answer from an earlier study version).
    OutOfRange,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Issue {
    pub slot: Slot,
    pub kind: IssueKind,
    /// The failing rule for errors and warnings.
    pub rule: Option<usize>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct BlockProgress {
    pub block: usize,
    pub answered: usize,
    pub total: usize,
    pub errors: usize,
}

#[derive(Clone, Debug, Default)]
pub struct Interview {
    answers: HashMap<Slot, Answer>,
    relevant: HashMap<Slot, bool>,
    calcs: HashMap<(usize, RowPath), Val>,
    failing: HashMap<Slot, Vec<usize>>,
    /// Relevant answers that no longer pass their choice filter or bounds.
    invalid: HashMap<Slot, Invalid>,
    confirmed: HashSet<(Slot, usize)>,
    rows: HashMap<(usize, RowPath), usize>,
    /// Values of whole-roster aggregates, keyed by (syntax node, roster, parent row). Valid only
    /// while nothing an expression reads changes: cleared on every change of an answer, relevance,
    /// calculation or roster size. It makes an aggregate read by every member's rule cost O(n) once
    /// instead of O(n) per member.
    memo: RefCell<HashMap<(usize, usize, RowPath), Val>>,
}

impl Interview {
    /// A new, empty interview with all derived state computed.
    pub fn new(q: &Questionnaire) -> Interview {
        let mut iv = Interview::default();
        iv.recompute_all(q);
        iv
    }

    /// Rebuilds an interview from stored answers and warning confirmations (after a restart).
    /// Stored answers are loaded as they are (they were checked when they were given); one that no
    /// longer holds (another answer changed since, or the study's bounds did) is an open error again.
    pub fn restore(
        q: &Questionnaire,
        answers: impl IntoIterator<Item = (Slot, Answer)>,
        confirmed: impl IntoIterator<Item = (Slot, usize)>,
    ) -> Interview {
        let mut iv = Interview { answers: answers.into_iter().collect(), confirmed: confirmed.into_iter().collect(), ..Default::default() };
        iv.recompute_all(q);
        iv
    }

    /// Drops cached aggregate values: something they may read has changed.
    fn forget(&self) {
        self.memo.borrow_mut().clear();
    }

    fn recompute_all(&mut self, q: &Questionnaire) {
        self.forget();
        self.relevant.clear();
        self.calcs.clear();
        self.failing.clear();
        self.invalid.clear();
        self.rows.clear();
        let mut work = WorkList::default();
        for &ci in &q.deps.calc_order {
            if q.calculations[ci].roster.is_none() {
                work.push(Work::Calc(ci, RowPath::ROOT));
            }
        }
        for (qi, question) in q.questions.iter().enumerate() {
            if question.roster.is_none() {
                work.push(Work::Question(qi, RowPath::ROOT));
            }
        }
        for (ri, r) in q.rosters.iter().enumerate() {
            if r.parent.is_none() {
                work.push(Work::Rows(ri, RowPath::ROOT));
            }
        }
        self.run(q, work);
    }

    // ---- reading -------------------------------------------------------------------------------

    pub fn answer(&self, slot: &Slot) -> Option<&Answer> {
        self.answers.get(slot)
    }

    pub fn answers(&self) -> impl Iterator<Item = (&Slot, &Answer)> {
        self.answers.iter()
    }

    /// Whether the instance exists and is asked. Instances of missing rows are not relevant.
    pub fn is_relevant(&self, slot: &Slot) -> bool {
        self.relevant.get(slot).copied().unwrap_or(false)
    }

    pub fn calculation(&self, ci: usize, path: RowPath) -> Val {
        self.calcs.get(&(ci, path)).cloned().unwrap_or(Val::Null)
    }

    /// The number of rows of roster `ri` under the parent row `parent`.
    pub fn row_count(&self, ri: usize, parent: RowPath) -> usize {
        self.rows.get(&(ri, parent)).copied().unwrap_or(0)
    }

    pub fn row_exists(&self, q: &Questionnaire, roster: Option<usize>, path: RowPath) -> bool {
        let chain = q.roster_chain(roster);
        if chain.len() != path.len() {
            return false;
        }
        chain.iter().enumerate().all(|(d, &ri)| {
            let row = path.as_slice()[d] as usize;
            row >= 1 && row <= self.row_count(ri, path.truncate(d))
        })
    }

    /// The value of a question instance as expressions see it.
    pub fn value(&self, q: &Questionnaire, slot: &Slot) -> Val {
        if !self.row_exists(q, q.questions[slot.question].roster, slot.path) {
            return Val::Null;
        }
        match self.relevant.get(slot) {
            Some(false) => Val::Missing(Missing::NotApplicable),
            _ => self.answers.get(slot).map(Answer::to_val).unwrap_or(Val::Null),
        }
    }

    /// The failing rules of an instance (indices into the question's validations).
    pub fn failing(&self, slot: &Slot) -> &[usize] {
        self.failing.get(slot).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Why a stored, relevant answer no longer holds, if it does not.
    pub fn invalid(&self, slot: &Slot) -> Option<&Invalid> {
        self.invalid.get(slot)
    }

    /// The number of open errors of an instance: failing hard rules plus an invalid answer.
    pub fn error_count(&self, q: &Questionnaire, slot: &Slot) -> usize {
        let question = &q.questions[slot.question];
        let rules = self.failing(slot).iter().filter(|&&r| question.validations[r].severity == RuleSeverity::Error).count();
        rules + usize::from(self.invalid.contains_key(slot))
    }

    pub fn is_confirmed(&self, slot: &Slot, rule: usize) -> bool {
        self.confirmed.contains(&(*slot, rule))
    }

    pub fn confirmations(&self) -> impl Iterator<Item = &(Slot, usize)> {
        self.confirmed.iter()
    }

    /// An evaluation context at a question instance, for views that evaluate prefills and filters.
    pub fn context<'a>(&'a self, q: &'a Questionnaire, slot: &Slot) -> Context<'a> {
        Context { q, iv: self, roster: q.questions[slot.question].roster, path: slot.path, choice: None }
    }

    // ---- changing ------------------------------------------------------------------------------

    /// Records an answer after checking it; on any error nothing changes.
    pub fn apply(&mut self, q: &Questionnaire, slot: Slot, answer: Answer) -> Result<Applied, AnswerError> {
        let question =
            q.questions.get(slot.question).ok_or_else(|| AnswerError::UnknownQuestion { question: format!("#{}", slot.question) })?;
        if !self.row_exists(q, question.roster, slot.path) {
            return Err(AnswerError::NoSuchRow { question: question.id.clone(), roster: slot.path.as_slice().to_vec() });
        }
        if !self.is_relevant(&slot) {
            return Err(AnswerError::NotRelevant { question: question.id.clone() });
        }
        if let Some(&code) = self.filtered_out(q, &slot, &answer).first() {
            return Err(AnswerError::FilteredOption { question: question.id.clone(), code, filter: filter_rule(q, question) });
        }
        // Hard rules are checked with the new answer in place (a rule may name its own question
        // instead of `.`); on failure the previous answer is put back and nothing else changed.
        let is_missing = matches!(answer, Answer::Missing(_));
        let previous = self.answers.insert(slot, answer);
        self.forget();
        if !is_missing {
            let ctx = self.context(q, &slot).with_answer(self.answers.get(&slot));
            let broken =
                question.validations.iter().find(|v| v.severity == RuleSeverity::Error && v.rule.eval(&ctx).truth() == Some(false));
            if let Some(v) = broken {
                let err =
                    AnswerError::Rule { question: question.id.clone(), rule: v.rule.source().to_string(), message: v.message.clone() };
                match previous {
                    Some(p) => self.answers.insert(slot, p),
                    None => self.answers.remove(&slot),
                };
                self.forget();
                return Err(err);
            }
        }
        Ok(Applied { previous, evaluated: self.after_change(q, slot) })
    }

    /// Removes an answer (the interviewer cleared it). Returns the removed answer.
    pub fn clear(&mut self, q: &Questionnaire, slot: Slot) -> Option<Answer> {
        let previous = self.answers.remove(&slot);
        if previous.is_some() {
            self.forget();
            self.after_change(q, slot);
        }
        previous
    }

    /// Confirms a failing soft rule. Returns false when there is no such failing warning.
    pub fn confirm(&mut self, q: &Questionnaire, slot: Slot, rule: usize) -> bool {
        let is_warning =
            q.questions.get(slot.question).and_then(|qq| qq.validations.get(rule)).is_some_and(|v| v.severity == RuleSeverity::Warning);
        if is_warning && self.failing(&slot).contains(&rule) {
            self.confirmed.insert((slot, rule));
            true
        } else {
            false
        }
    }

    /// The chosen codes of `answer` that the question's choice filter does not offer at `slot`.
    fn filtered_out(&self, q: &Questionnaire, slot: &Slot, answer: &Answer) -> Vec<i64> {
        let Some(filter) = &q.questions[slot.question].choice_filter else { return Vec::new() };
        let codes: &[i64] = match answer {
            Answer::Code(c, _) => std::slice::from_ref(c),
            Answer::Codes(cs, _) => cs,
            _ => &[],
        };
        let ctx = self.context(q, slot);
        codes.iter().copied().filter(|&code| filter.eval(&ctx.with_choice(code)).truth() != Some(true)).collect()
    }

    fn after_change(&mut self, q: &Questionnaire, slot: Slot) -> usize {
        // A changed answer needs its warnings confirmed again.
        self.confirmed.retain(|(s, _)| *s != slot);
        let mut work = WorkList::default();
        work.push(Work::Question(slot.question, slot.path));
        self.enqueue_readers(q, Source::Question(slot.question), slot.path, &mut work);
        self.run(q, work)
    }

    // ---- propagation ---------------------------------------------------------------------------

    fn run(&mut self, q: &Questionnaire, mut work: WorkList) -> usize {
        let mut evaluated = 0usize;
        // A study whose relevance rules flip each other could loop; the cap keeps the engine live.
        let cap = 50 * (q.questions.len() + q.calculations.len() + 1) * (self.answers.len() + 16);
        while let Some(w) = work.pop() {
            evaluated += 1;
            if evaluated > cap {
                break;
            }
            match w {
                Work::Question(qi, path) => self.eval_question(q, qi, path, &mut work),
                Work::Calc(ci, path) => self.eval_calc(q, ci, path, &mut work),
                Work::Rows(ri, parent) => self.eval_rows(q, ri, parent, &mut work),
            }
        }
        evaluated
    }

    fn eval_question(&mut self, q: &Questionnaire, qi: usize, path: RowPath, work: &mut WorkList) {
        let question = &q.questions[qi];
        let slot = Slot { question: qi, path };
        if !self.row_exists(q, question.roster, path) {
            if self.relevant.remove(&slot).is_some() {
                self.forget();
            }
            self.failing.remove(&slot);
            self.invalid.remove(&slot);
            return;
        }
        let ctx = self.context(q, &slot);
        let relevant = question.relevant.as_ref().is_none_or(|e| e.eval(&ctx).truth() == Some(true));
        // The same checks as `apply`, re-run because something they read changed: the answer is
        // kept either way, and a failure is an open error until one of the answers changes.
        let (failing, invalid): (Vec<usize>, Option<Invalid>) = match (relevant, self.answers.get(&slot)) {
            (true, Some(a)) if !matches!(a, Answer::Missing(_)) => {
                let this = ctx.with_answer(Some(a));
                let failing = question
                    .validations
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| v.rule.eval(&this).truth() == Some(false))
                    .map(|(i, _)| i)
                    .collect();
                let filtered = self.filtered_out(q, &slot, a);
                let invalid = if !filtered.is_empty() {
                    Some(Invalid::Filtered { codes: filtered })
                } else if a.number().is_some_and(|n| question.min.is_some_and(|m| n < m) || question.max.is_some_and(|m| n > m)) {
                    Some(Invalid::OutOfRange)
                } else {
                    None
                };
                (failing, invalid)
            }
            _ => (Vec::new(), None),
        };
        if failing.is_empty() {
            self.failing.remove(&slot);
        } else {
            self.failing.insert(slot, failing);
        }
        match invalid {
            Some(i) => self.invalid.insert(slot, i),
            None => self.invalid.remove(&slot),
        };
        let before = self.relevant.insert(slot, relevant);
        if before != Some(relevant) {
            self.forget();
            // The value others read changed (answer ↔ not applicable), or the instance is new.
            if before.is_some() || !relevant || self.answers.contains_key(&slot) {
                self.enqueue_readers(q, Source::Question(qi), path, work);
            }
            self.enqueue_sized_rosters(q, qi, path, work);
        }
    }

    fn eval_calc(&mut self, q: &Questionnaire, ci: usize, path: RowPath, work: &mut WorkList) {
        let calc = &q.calculations[ci];
        if !self.row_exists(q, calc.roster, path) {
            if self.calcs.remove(&(ci, path)).is_some() {
                self.forget();
            }
            return;
        }
        let ctx = Context { q, iv: self, roster: calc.roster, path, choice: None };
        let value = calc.expr.eval(&ctx);
        if self.calcs.get(&(ci, path)) != Some(&value) {
            self.forget();
            self.calcs.insert((ci, path), value);
            self.enqueue_readers(q, Source::Calculation(ci), path, work);
        }
    }

    fn eval_rows(&mut self, q: &Questionnaire, ri: usize, parent: RowPath, work: &mut WorkList) {
        let roster = &q.rosters[ri];
        let exists = roster.parent.is_none_or(|p| self.row_exists(q, Some(p), parent));
        let n = if !exists {
            0
        } else {
            let sq = roster.size.question();
            let slot = Slot { question: sq, path: parent.truncate(q.depth(q.questions[sq].roster)) };
            match (self.is_relevant(&slot), self.answers.get(&slot)) {
                (true, Some(Answer::Int(n))) => (*n).clamp(0, MAX_ROWS as i64) as usize,
                (true, Some(Answer::List(items))) => items.len().min(MAX_ROWS),
                _ => 0,
            }
        };
        let old = self.row_count(ri, parent);
        if n == old {
            return;
        }
        self.forget();
        if n == 0 {
            self.rows.remove(&(ri, parent));
        } else {
            self.rows.insert((ri, parent), n);
        }
        let (lo, hi) = if n > old { (old + 1, n) } else { (n + 1, old) };
        for row in lo..=hi {
            let path = parent.child(row as u32);
            // New rows get evaluated; removed rows get their derived state dropped (answers stay).
            for &ci in &q.deps.calc_order {
                if q.calculations[ci].roster == Some(ri) {
                    work.push(Work::Calc(ci, path));
                }
            }
            for (qi, question) in q.questions.iter().enumerate() {
                if question.roster == Some(ri) {
                    work.push(Work::Question(qi, path));
                }
            }
            for &child in &q.roster_children[ri] {
                work.push(Work::Rows(child, path));
            }
        }
        if let Some(readers) = q.deps.roster_readers.get(&ri) {
            for t in readers {
                self.enqueue_all_instances(q, *t, RowPath::ROOT, work);
            }
        }
    }

    fn enqueue_sized_rosters(&self, q: &Questionnaire, qi: usize, path: RowPath, work: &mut WorkList) {
        for (ri, r) in q.rosters.iter().enumerate() {
            if r.size.question() == qi {
                work.push(Work::Rows(ri, path));
            }
        }
    }

    fn enqueue_readers(&self, q: &Questionnaire, source: Source, path: RowPath, work: &mut WorkList) {
        if let Source::Question(qi) = source {
            self.enqueue_sized_rosters(q, qi, path, work);
        }
        let Some(readers) = q.deps.readers.get(&source) else { return };
        for (target, scope) in readers {
            match scope {
                ReadScope::Aggregate => self.enqueue_all_instances(q, *target, RowPath::ROOT, work),
                // The source's row is a prefix of the rows of every target instance that reads it.
                ReadScope::Direct => self.enqueue_all_instances(q, *target, path, work),
            }
        }
    }

    /// Puts every instance of `target` whose row path starts with `prefix` on the list.
    fn enqueue_all_instances(&self, q: &Questionnaire, target: Target, prefix: RowPath, work: &mut WorkList) {
        let roster = match target {
            Target::Question(qi) => q.questions[qi].roster,
            Target::Calculation(ci) => q.calculations[ci].roster,
        };
        let chain = q.roster_chain(roster);
        let prefix = prefix.truncate(chain.len());
        let mut paths = vec![prefix];
        for &ri in chain.iter().skip(prefix.len()) {
            let mut next = Vec::new();
            for p in paths {
                for row in 1..=self.row_count(ri, p) {
                    next.push(p.child(row as u32));
                }
            }
            paths = next;
        }
        for p in paths {
            work.push(match target {
                Target::Question(qi) => Work::Question(qi, p),
                Target::Calculation(ci) => Work::Calc(ci, p),
            });
        }
    }

    // ---- order, navigation, progress -----------------------------------------------------------

    /// Every existing question instance in interview order: block by block, a roster row by row
    /// (all of member 1's questions, then member 2's).
    pub fn instances(&self, q: &Questionnaire) -> Vec<Slot> {
        let mut out = Vec::new();
        for b in &q.blocks {
            self.walk(q, &b.sections, RowPath::ROOT, &mut out);
        }
        out
    }

    /// The instances of one block, in order.
    pub fn block_instances(&self, q: &Questionnaire, block: usize) -> Vec<Slot> {
        let mut out = Vec::new();
        self.walk(q, &q.blocks[block].sections, RowPath::ROOT, &mut out);
        out
    }

    fn walk(&self, q: &Questionnaire, sections: &[Section], path: RowPath, out: &mut Vec<Slot>) {
        for s in sections {
            match s {
                Section::Question(qi) => out.push(Slot { question: *qi, path }),
                Section::Roster { roster, children } => {
                    let base = path.truncate(q.depth(q.rosters[*roster].parent));
                    for row in 1..=self.row_count(*roster, base) {
                        self.walk(q, children, base.child(row as u32), out);
                    }
                }
            }
        }
    }

    /// Whether an instance counts as answered for progress and completion.
    pub fn is_answered(&self, q: &Questionnaire, slot: &Slot) -> bool {
        self.answers.get(slot).is_some_and(|a| a.is_complete_for(&q.questions[slot.question]))
    }

    /// Every relevant instance that still needs attention: hard errors, unconfirmed warnings,
    /// required questions without an answer. Empty means the interview can be completed.
    pub fn issues(&self, q: &Questionnaire) -> Vec<Issue> {
        let mut out = Vec::new();
        for slot in self.instances(q) {
            if !self.is_relevant(&slot) {
                continue;
            }
            let question = &q.questions[slot.question];
            if self.invalid.contains_key(&slot) {
                out.push(Issue { slot, kind: IssueKind::Invalid, rule: None });
            }
            for &rule in self.failing(&slot) {
                match question.validations[rule].severity {
                    RuleSeverity::Error => out.push(Issue { slot, kind: IssueKind::Error, rule: Some(rule) }),
                    RuleSeverity::Warning if !self.is_confirmed(&slot, rule) => {
                        out.push(Issue { slot, kind: IssueKind::Warning, rule: Some(rule) })
                    }
                    RuleSeverity::Warning => {}
                }
            }
            // An automatic value is the session's to record (the end time with the completion).
            if question.required && question.auto.is_none() && !self.is_answered(q, &slot) {
                out.push(Issue { slot, kind: IssueKind::Unanswered, rule: None });
            }
        }
        out
    }

    pub fn is_complete(&self, q: &Questionnaire) -> bool {
        self.issues(q).is_empty()
    }

    pub fn progress(&self, q: &Questionnaire) -> Vec<BlockProgress> {
        (0..q.blocks.len())
            .map(|bi| {
                let mut p = BlockProgress { block: bi, ..Default::default() };
                for slot in self.block_instances(q, bi) {
                    if !self.is_relevant(&slot) {
                        continue;
                    }
                    p.total += 1;
                    if self.is_answered(q, &slot) {
                        p.answered += 1;
                    }
                    p.errors += self.error_count(q, &slot);
                }
                p
            })
            .collect()
    }

    /// The next relevant instance after `from` (the first one when `from` is `None`).
    pub fn next(&self, q: &Questionnaire, from: Option<Slot>) -> Option<Slot> {
        let all = self.instances(q);
        let start = match from {
            None => 0,
            Some(f) => all.iter().position(|s| *s == f).map_or(0, |i| i + 1),
        };
        all[start.min(all.len())..].iter().copied().find(|s| self.is_relevant(s))
    }

    /// The previous relevant instance before `from`.
    pub fn previous(&self, q: &Questionnaire, from: Slot) -> Option<Slot> {
        let all = self.instances(q);
        let end = all.iter().position(|s| *s == from)?;
        all[..end].iter().rev().copied().find(|s| self.is_relevant(s))
    }

    /// The first relevant instance without an answer: where a resumed interview continues.
    pub fn first_unanswered(&self, q: &Questionnaire) -> Option<Slot> {
        self.instances(q).into_iter().find(|s| self.is_relevant(s) && q.questions[s.question].auto.is_none() && !self.is_answered(q, s))
    }

    /// Whether `answer` at `slot` meets the question's `[question.end]` condition (with `.` bound to it).
    pub fn ends_with(&self, q: &Questionnaire, slot: &Slot, answer: &Answer) -> Option<EndOutcome> {
        let end = q.questions.get(slot.question)?.end.as_ref()?;
        let ctx = self.context(q, slot).with_answer(Some(answer));
        (end.when.eval(&ctx).truth() == Some(true)).then_some(end.outcome)
    }

    /// The first relevant question (in questionnaire order) whose stored answer ends the interview,
    /// with its outcome. Questions that end an interview are at the household level (the loader checks it).
    pub fn ending(&self, q: &Questionnaire) -> Option<(Slot, EndOutcome)> {
        q.questions.iter().enumerate().filter(|(_, question)| question.end.is_some() && question.roster.is_none()).find_map(|(qi, _)| {
            let slot = Slot { question: qi, path: RowPath::ROOT };
            let answer = self.answers.get(&slot).filter(|_| self.is_relevant(&slot))?;
            self.ends_with(q, &slot, answer).map(|o| (slot, o))
        })
    }

    /// Whether the interviewer may jump to an instance: it is relevant and either answered or not
    /// beyond the first unanswered required instance.
    pub fn is_reached(&self, q: &Questionnaire, slot: &Slot) -> bool {
        if !self.is_relevant(slot) {
            return false;
        }
        if self.answers.contains_key(slot) {
            return true;
        }
        let all = self.instances(q);
        let Some(pos) = all.iter().position(|s| s == slot) else { return false };
        !all[..pos].iter().any(|s| self.is_relevant(s) && q.questions[s.question].required && !self.is_answered(q, s))
    }
}

/// A de-duplicating FIFO of pending evaluations.
#[derive(Default)]
struct WorkList {
    queue: VecDeque<Work>,
    pending: HashSet<Work>,
}

impl WorkList {
    fn push(&mut self, w: Work) {
        if self.pending.insert(w) {
            self.queue.push_back(w);
        }
    }
    fn pop(&mut self) -> Option<Work> {
        let w = self.queue.pop_front()?;
        self.pending.remove(&w);
        Some(w)
    }
}

/// The environment an expression is evaluated in: a position in the interview.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    q: &'a Questionnaire,
    iv: &'a Interview,
    roster: Option<usize>,
    path: RowPath,
    choice: Option<i64>,
}

impl<'a> Context<'a> {
    pub fn with_choice(self, code: i64) -> Context<'a> {
        Context { choice: Some(code), ..self }
    }

    pub fn with_this(self, v: Val) -> ThisContext<'a> {
        ThisContext { base: self, this: v, currency: None }
    }

    /// Binds `.` to an answer (its value, and its currency for `currency(.)`); `None` reads as unanswered.
    pub fn with_answer(self, answer: Option<&Answer>) -> ThisContext<'a> {
        ThisContext {
            base: self,
            this: answer.map_or(Val::Null, Answer::to_val),
            currency: answer.and_then(Answer::currency).map(str::to_string),
        }
    }
}

/// A context with `.` bound to an answer being checked.
#[derive(Clone)]
pub struct ThisContext<'a> {
    base: Context<'a>,
    this: Val,
    currency: Option<String>,
}

/// What a question's choice filter requires, read from the shape of its expression: the question
/// of `selected(Q512, choice)`, or else the questions it reads (through calculations too).
pub fn filter_rule(q: &Questionnaire, question: &Question) -> FilterRule {
    let Some(filter) = &question.choice_filter else { return FilterRule::Fixed };
    match filter.selected_choice_of() {
        Some((other, false)) => return FilterRule::ChosenIn { question: other.to_string() },
        Some((other, true)) => return FilterRule::NotChosenIn { question: other.to_string() },
        None => {}
    }
    let mut questions: Vec<String> = Vec::new();
    let mut seen_calcs: HashSet<usize> = HashSet::default();
    let mut pending: Vec<&crate::expr::Expr> = vec![filter];
    while let Some(e) = pending.pop() {
        for r in e.references() {
            match q.symbols.get(&r.name) {
                Some(Symbol::Question(qi)) if !questions.contains(&q.questions[*qi].id) => questions.push(q.questions[*qi].id.clone()),
                Some(Symbol::Calculation(ci)) if seen_calcs.insert(*ci) => pending.push(&q.calculations[*ci].expr),
                _ => {}
            }
        }
    }
    if questions.is_empty() {
        FilterRule::Fixed
    } else {
        FilterRule::DependsOn { questions }
    }
}

/// The currency of a money answer to the question `name` as seen from `ctx` (scoped like a value).
fn currency_in(ctx: &Context, name: &str) -> Val {
    let Some(Symbol::Question(qi)) = ctx.q.symbols.get(name) else { return Val::Null };
    let rq = ctx.q.questions[*qi].roster;
    if !ctx.q.encloses(rq, ctx.roster) {
        return Val::Null;
    }
    let slot = Slot { question: *qi, path: ctx.path.truncate(ctx.q.depth(rq)) };
    if !ctx.iv.row_exists(ctx.q, rq, slot.path) || !ctx.iv.is_relevant(&slot) {
        return Val::Null;
    }
    ctx.iv.answers.get(&slot).and_then(Answer::currency).map_or(Val::Null, |c| Val::Text(c.to_string()))
}

fn lookup_in(ctx: &Context, name: &str) -> Val {
    if name == "choice" {
        return ctx.choice.map_or(Val::Null, |c| Val::Num(c as f64));
    }
    match ctx.q.symbols.get(name) {
        Some(Symbol::Constant(v)) => Val::Num(*v),
        Some(Symbol::Question(qi)) => {
            let rq = ctx.q.questions[*qi].roster;
            if !ctx.q.encloses(rq, ctx.roster) {
                return Val::Null;
            }
            let path = ctx.path.truncate(ctx.q.depth(rq));
            ctx.iv.value(ctx.q, &Slot { question: *qi, path })
        }
        Some(Symbol::Calculation(ci)) => {
            let rc = ctx.q.calculations[*ci].roster;
            if !ctx.q.encloses(rc, ctx.roster) {
                return Val::Null;
            }
            ctx.iv.calculation(*ci, ctx.path.truncate(ctx.q.depth(rc)))
        }
        _ => Val::Null,
    }
}

fn roster_len_in(ctx: &Context, roster: &str) -> Option<usize> {
    let ri = ctx.q.roster_index(roster)?;
    let parent = ctx.q.rosters[ri].parent;
    if !ctx.q.encloses(parent, ctx.roster) {
        return None;
    }
    Some(ctx.iv.row_count(ri, ctx.path.truncate(ctx.q.depth(parent))))
}

fn memo_in(ctx: &Context, key: usize, roster: &str, compute: &mut dyn FnMut() -> Val) -> Val {
    let Some(ri) = ctx.q.roster_index(roster) else { return compute() };
    let parent = ctx.q.rosters[ri].parent;
    if !ctx.q.encloses(parent, ctx.roster) {
        return compute();
    }
    let k = (key, ri, ctx.path.truncate(ctx.q.depth(parent)));
    if let Some(v) = ctx.iv.memo.borrow().get(&k) {
        return v.clone();
    }
    // The borrow is released before computing: nested aggregates use the cache too.
    let v = compute();
    ctx.iv.memo.borrow_mut().insert(k, v.clone());
    v
}

fn row_in<'a>(ctx: &Context<'a>, roster: &str, position: usize) -> Option<Context<'a>> {
    let n = roster_len_in(ctx, roster)?;
    if position == 0 || position > n {
        return None;
    }
    let ri = ctx.q.roster_index(roster)?;
    let parent = ctx.q.rosters[ri].parent;
    Some(Context { roster: Some(ri), path: ctx.path.truncate(ctx.q.depth(parent)).child(position as u32), ..*ctx })
}

impl Env for Context<'_> {
    fn lookup(&self, name: &str) -> Val {
        if name == "." {
            return Val::Null;
        }
        lookup_in(self, name)
    }
    fn roster_len(&self, roster: &str) -> Option<usize> {
        roster_len_in(self, roster)
    }
    fn row(&self, roster: &str, position: usize) -> Option<Self> {
        row_in(self, roster, position)
    }
    fn position(&self) -> Option<usize> {
        self.path.as_slice().last().map(|r| *r as usize)
    }
    fn currency(&self, name: &str) -> Val {
        currency_in(self, name)
    }
    fn memo_aggregate(&self, key: usize, roster: &str, compute: &mut dyn FnMut() -> Val) -> Val {
        memo_in(self, key, roster, compute)
    }
}

impl Env for ThisContext<'_> {
    fn lookup(&self, name: &str) -> Val {
        if name == "." {
            return self.this.clone();
        }
        lookup_in(&self.base, name)
    }
    fn roster_len(&self, roster: &str) -> Option<usize> {
        roster_len_in(&self.base, roster)
    }
    fn row(&self, roster: &str, position: usize) -> Option<Self> {
        Some(ThisContext { base: row_in(&self.base, roster, position)?, this: self.this.clone(), currency: self.currency.clone() })
    }
    fn position(&self) -> Option<usize> {
        self.base.path.as_slice().last().map(|r| *r as usize)
    }
    fn currency(&self, name: &str) -> Val {
        if name == "." {
            return self.currency.clone().map_or(Val::Null, Val::Text);
        }
        currency_in(&self.base, name)
    }
    fn memo_aggregate(&self, key: usize, roster: &str, compute: &mut dyn FnMut() -> Val) -> Val {
        memo_in(&self.base, key, roster, compute)
    }
}
