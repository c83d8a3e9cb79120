// The interview screen: where am I (block n of 9, member k of m), the question, how to move.
//
// Layout: a header (back to the list, study title, block, language switch), a strip of the cover
// and the 9 blocks coloured by state, the question (or the completion view at the end), the roster
// table beside it in landscape or under it in portrait, and large Previous / Next buttons.

import { html, nothing, type TemplateResult } from "lit-html";
import { keyed } from "lit-html/directives/keyed.js";

import type { AnswerKey } from "../bindings/AnswerKey";
import type { BlockView } from "../bindings/BlockView";
import type { IssueView } from "../bindings/IssueView";
import type { Lang } from "../bindings/Lang";
import type { Nav } from "../bindings/Nav";
import type { RosterView } from "../bindings/RosterView";
import type { Screen } from "../bindings/Screen";
import type { BlockState } from "../i18n";
import { languageSwitch } from "./common";
import { questionCard, type QuestionCtx } from "./question";

export interface InterviewCtx extends QuestionCtx {
  lang: Lang;
  go(nav: Nav): void;
  next(): void;
  previous(): void;
  complete(): void;
  home(): void;
  /** The back button's label when it does not lead to the interview list (e.g. "To the route"). */
  backLabel?: string;
  setLanguage(lang: Lang): void;
  /** The confirmation of a break-off is on screen. */
  confirmingBreakOff: boolean;
  /** Asks to confirm a break-off (offered for an interview started from a household). */
  askBreakOff(): void;
  cancelBreakOff(): void;
  breakOff(): void;
  /** An answer that would end the interview (consent "no") waits for confirmation: the session's message. */
  endOffer: string | null;
  cancelEnd(): void;
  confirmEnd(): void;
  /** The supervisor's review (offered to supervisors and coordinators): the text being typed, and the three actions. */
  canReview: boolean;
  reviewText: string;
  setReviewText(text: string): void;
  approve(): void;
  reject(): void;
  comment(): void;
}

export function keyId(key: AnswerKey): string {
  return key.roster.length ? `${key.question}[${key.roster.join(",")}]` : key.question;
}

export function blockState(b: BlockView): BlockState {
  if (b.errors > 0) return "has_errors";
  if (b.answered === 0 && b.total > 0) return "not_started";
  if (b.answered >= b.total) return "complete";
  return "in_progress";
}


export function interviewScreen(screen: Screen, ctx: InterviewCtx): TemplateResult {
  const { s } = ctx;
  const current = screen.current;
  const numbered = screen.blocks.filter((b) => b.number > 0).length;
  const block = current ? screen.blocks.find((b) => b.number === current.block) : undefined;
  const where = !current ? s.endTitle : current.block === 0 ? s.coverSheet : s.blockOf(current.block, numbered);
  return html`
    <div class="screen interview ${screen.roster ? "with-roster" : ""}" data-testid="interview-screen" lang=${ctx.lang}>
      <header class="topbar">
        <button class="secondary back" data-testid="home" @click=${ctx.home}>‹ ${ctx.backLabel ?? s.backToList}</button>
        <div class="where">
          <div class="study-title" data-testid="study-title">${screen.interview.study_title}</div>
          <div class="block-of" data-testid="block-of"><strong>${where}</strong>${block ? html` · ${block.title}` : nothing}</div>
        </div>
        ${languageSwitch(ctx.lang, s, ctx.setLanguage)}
      </header>
      ${blockStrip(screen, ctx)}
      ${screen.interview.status === "completed" ? html`<div class="banner done" data-testid="completed-banner"><span class="tick"></span>${s.completedReadOnly}</div>` : nothing}
      ${reviewBanner(screen, ctx)}
      ${screen.interview.status === "broken_off" ? html`<div class="banner broken-off" data-testid="broken-off-banner">${s.brokenOffReadOnly}</div>` : nothing}
      ${screen.interview.status === "refused" ? html`<div class="banner broken-off" data-testid="refused-banner">${s.refusedReadOnly}</div>` : nothing}
      ${screen.interview.route && screen.interview.status === "in_progress"
        ? html`<div class="field-strip" data-testid="field-strip">
            <span>${s.routeLabel} ${screen.interview.route}</span>
            <button class="secondary danger" data-testid="break-off" @click=${ctx.askBreakOff}>${s.breakOff}</button>
          </div>`
        : nothing}
      <main class="interview-body">
        <section class="question-pane">
          ${screen.interview.status === "refused"
            ? endedView(screen, ctx)
            : current
              ? html`${notesAt(screen, ctx)}${keyed(keyId(current.key), questionCard(current, ctx))}`
              : completionView(screen, ctx)}
          ${screen.interview.status === "completed" && ctx.canReview ? reviewPanel(screen, ctx) : nothing}
        </section>
        ${screen.roster ? rosterTable(screen.roster, current?.roster.at(-1)?.row ?? null, ctx) : nothing}
      </main>
      <footer class="navbar">
        <button class="nav-button previous" data-testid="previous" ?disabled=${!screen.can_previous} @click=${ctx.previous}>‹ ${s.previous}</button>
        ${current
          ? html`<button class="secondary finish" data-testid="to-completion" @click=${() => ctx.go({ kind: "issues" })}>${s.toCompletion}</button>`
          : nothing}
        <button class="nav-button next primary" data-testid="next" ?disabled=${!screen.can_next} @click=${ctx.next}>${s.next} ›</button>
      </footer>
      ${ctx.confirmingBreakOff ? breakOffDialog(ctx) : nothing}
      ${ctx.endOffer !== null ? endDialog(ctx.endOffer, ctx) : nothing}
    </div>
  `;
}

/** The review state: sent back (with the supervisor's reason), corrected, approved. */
function reviewBanner(screen: Screen, ctx: InterviewCtx): TemplateResult | typeof nothing {
  const { s } = ctx;
  const review = screen.interview.review;
  if (review === "rejected") {
    const reason = [...screen.interview.notes].reverse().find((n) => n.kind === "interview_rejected")?.text;
    return html`<div class="banner broken-off" data-testid="rejected-banner"><strong>${s.review.rejectedBanner}</strong>${reason ? html`: ${reason}` : nothing}</div>`;
  }
  if (review === "corrected") return html`<div class="banner" data-testid="corrected-banner">${s.review.correctedBanner}</div>`;
  if (review === "approved") return html`<div class="banner done" data-testid="approved-banner"><span class="tick"></span>${s.review.approvedBanner}</div>`;
  return nothing;
}

/** The reviewers' comments on the question on screen (and its roster row). */
function notesAt(screen: Screen, ctx: InterviewCtx): TemplateResult | typeof nothing {
  const current = screen.current;
  if (!current) return nothing;
  const here = screen.interview.notes.filter(
    (n) => n.kind === "review_comment" && n.question === current.key.question && n.roster.join(".") === current.key.roster.join("."),
  );
  if (!here.length) return nothing;
  return html`<aside class="message notice review-notes" data-testid="review-notes"><strong>${ctx.s.review.notesHere}</strong>
    <ul>${here.map((n) => html`<li>${n.text}</li>`)}</ul></aside>`;
}

/** The supervisor's actions on a completed interview: comment on the question on screen, approve, send back. */
function reviewPanel(screen: Screen, ctx: InterviewCtx): TemplateResult {
  const r = ctx.s.review;
  return html`<section class="review-panel" data-testid="review-panel">
    <h2>${r.panel}</h2>
    ${ctx.error ? html`<div class="message error" role="alert" data-testid="review-error">${ctx.error.message}</div>` : nothing}
    <textarea data-testid="review-text" rows="2" placeholder=${r.text} .value=${ctx.reviewText}
      @input=${(e: Event) => ctx.setReviewText((e.target as HTMLTextAreaElement).value)}></textarea>
    <div class="dialog-actions">
      ${screen.current ? html`<button class="secondary" data-testid="review-comment" @click=${ctx.comment}>${r.comment}</button>` : nothing}
      <button class="primary" data-testid="review-approve" @click=${ctx.approve}>${r.approve}</button>
      <button class="danger" data-testid="review-reject" @click=${ctx.reject}>${r.reject}</button>
    </div>
  </section>`;
}

/** The break-off confirmation: what it records, and two large answers. */
function breakOffDialog(ctx: InterviewCtx): TemplateResult {
  const { s } = ctx;
  return html`<div class="backdrop">
    <div class="dialog" role="alertdialog" aria-modal="true" aria-labelledby="break-off-title" data-testid="break-off-dialog">
      <h2 id="break-off-title">${s.breakOffQuestion}</h2>
      <p>${s.breakOffExplain}</p>
      <div class="dialog-actions">
        <button class="secondary big" data-testid="break-off-cancel" @click=${ctx.cancelBreakOff}>${s.cancel}</button>
        <button class="danger big" data-testid="break-off-confirm" @click=${ctx.breakOff}>${s.breakOffYes}</button>
      </div>
    </div>
  </div>`;
}

/** An answer ends the interview (consent "no"): the session's explanation, and two large answers. */
function endDialog(message: string, ctx: InterviewCtx): TemplateResult {
  const { s } = ctx;
  return html`<div class="backdrop">
    <div class="dialog" role="alertdialog" aria-modal="true" aria-labelledby="end-title" data-testid="end-dialog">
      <h2 id="end-title">${s.endQuestion}</h2>
      <p data-testid="end-message">${message}</p>
      <p>${s.endExplain}</p>
      <div class="dialog-actions">
        <button class="secondary big" data-testid="end-cancel" @click=${ctx.cancelEnd}>${s.endChangeAnswer}</button>
        <button class="danger big" data-testid="end-confirm" @click=${ctx.confirmEnd}>${s.endYes}</button>
      </div>
    </div>
  </div>`;
}

/** The interview ended early as a refusal: what was recorded, and the way back. */
function endedView(screen: Screen, ctx: InterviewCtx): TemplateResult {
  const { s } = ctx;
  return html`<article class="completion ended" data-testid="ended">
    <h1>${s.refusedTitle}</h1>
    <p>${screen.interview.route ? s.refusedExplainField : s.refusedExplain}</p>
    <div class="complete-row">
      <button class="primary big" data-testid="ended-back" @click=${ctx.home}>‹ ${ctx.backLabel ?? s.backToList}</button>
    </div>
  </article>`;
}

function blockStrip(screen: Screen, ctx: InterviewCtx): TemplateResult {
  const { s } = ctx;
  const currentBlock = screen.current?.block ?? null;
  return html`<nav class="blocks" data-testid="blocks">
    ${screen.blocks.map((b) => {
      const state = blockState(b);
      const label = b.number === 0 ? s.coverShort : String(b.number);
      return html`<button class="block-chip state-${state} ${b.number === currentBlock ? "current" : ""}" data-testid="block-${b.number}"
        data-state=${state} aria-label="${b.title}: ${s.blockStates[state]}" ?disabled=${!b.target}
        @click=${() => b.target && ctx.go({ kind: "to", key: b.target })}>
        <span class="chip-number">${label}</span>
        <span class="chip-state"><span class="mark"></span>${b.answered}/${b.total}</span>
      </button>`;
    })}
  </nav>`;
}

function rosterTable(roster: RosterView, currentRow: number | null, ctx: InterviewCtx): TemplateResult {
  const { s } = ctx;
  return html`<aside class="roster" data-testid="roster">
    <h2>${roster.title}</h2>
    <ol class="roster-rows">
      ${roster.rows.map(
        (r) => html`<li>
          <button class="roster-row ${r.row === currentRow ? "current" : ""} ${r.errors ? "has-errors" : ""}" data-testid="roster-row-${r.row}"
            ?disabled=${!r.target} @click=${() => r.target && ctx.go({ kind: "to", key: r.target })}>
            <span class="row-number">${r.row}</span>
            <span class="row-name">${r.label ?? s.unnamedRow(r.row)}</span>
            <span class="row-progress">
              <span class="bar"><span style="width:${r.total ? Math.round((100 * r.answered) / r.total) : 0}%"></span></span>
              ${s.answeredOf(r.answered, r.total)}${r.errors ? html` · <strong class="err">${s.errors(r.errors)}</strong>` : nothing}
            </span>
          </button>
        </li>`,
      )}
    </ol>
  </aside>`;
}

function completionView(screen: Screen, ctx: InterviewCtx): TemplateResult {
  const { s } = ctx;
  const groups: Array<[IssueView["kind"], IssueView[]]> = (["error", "invalid", "warning", "unanswered"] as const).map((k) => [
    k,
    screen.issues.filter((i) => i.kind === k),
  ]);
  const completed = screen.interview.status === "completed";
  return html`<article class="completion" data-testid="completion">
    <h1>${s.endTitle}</h1>
    ${completed ? html`<div class="banner done"><span class="tick"></span>${s.completedBanner}</div>` : nothing}
    ${ctx.error ? html`<div class="message error" role="alert" data-testid="command-error">${ctx.error.message}</div>` : nothing}
    ${completed
      ? nothing
      : html`<div class="complete-row">
          <button class="primary big" data-testid="complete" ?disabled=${!screen.can_complete} @click=${ctx.complete}><span class="tick"></span>${s.complete}</button>
          ${screen.can_complete ? nothing : html`<p class="hint">${s.cannotComplete}</p>`}
        </div>`}
    ${screen.issues.length === 0
      ? html`<p class="all-good"><span class="tick"></span>${s.noIssues}</p>`
      : html`<h2>${s.issuesTitle}</h2>
          ${groups.map(([kind, issues]) =>
            issues.length
              ? html`<section class="issue-group ${kind}">
                  <h3>${s.issueKinds[kind]} (${issues.length})</h3>
                  <ul>
                    ${issues.map(
                      (i) => html`<li><button class="issue-link ${kind}" data-testid="issue" @click=${() => ctx.go({ kind: "to", key: i.key })}>
                        <span class="issue-where">${i.block === 0 ? s.coverSheet : s.block(i.block)} · ${i.key.question}${i.key.roster.length
                            ? ` · № ${i.key.roster.join(".")}`
                            : ""}</span>
                        <span class="issue-question">${i.question}</span>
                        <span class="issue-message">${i.message}</span>
                      </button></li>`,
                    )}
                  </ul>
                </section>`
              : nothing,
          )}`}
  </article>`;
}
