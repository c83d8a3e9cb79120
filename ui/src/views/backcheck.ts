// Back-checks: the supervisor draws a seeded share of each interviewer's completes, contacts those
// households again and records what they say; the session compares it with the interview and the
// dashboard flags the interviewer. The sample, the comparison and the wording of the questions come
// from the session (BackcheckScreen); this view lays them out and holds the form being filled in.

import { html, nothing, type TemplateResult } from "lit-html";

import type { BackcheckItem } from "../bindings/BackcheckItem";
import type { BackcheckOutcome } from "../bindings/BackcheckOutcome";
import type { BackcheckScreen } from "../bindings/BackcheckScreen";
import type { BackcheckView } from "../bindings/BackcheckView";
import type { BackcheckStrings } from "../i18n";
import { formatTimestamp } from "./common";
import { errorBox, fieldTopbar, type FieldBase } from "./field-common";

/** The outcome being typed for one drawn interview (sent only when saved). */
export interface BackcheckDraft {
  interview: string;
  visited: boolean | null;
  same: boolean | null;
  size: string;
  /** Question id → the typed or chosen value, as text ("" = not asked). */
  answers: Record<string, string>;
}

export interface BackcheckCtx extends FieldBase {
  home(): void;
  seed: string;
  setSeed(seed: string): void;
  draw(): void;
  draft: BackcheckDraft | null;
  edit(draft: BackcheckDraft | null): void;
  save(interview: string, outcome: BackcheckOutcome): void;
}

export function emptyDraft(interview: string): BackcheckDraft {
  return { interview, visited: null, same: null, size: "", answers: {} };
}

/** The outcome to send, or null while "visited" or "same respondent" is not answered. */
export function outcomeOf(d: BackcheckDraft, items: BackcheckItem[]): BackcheckOutcome | null {
  if (d.visited === null || d.same === null) return null;
  const answers: Record<string, unknown> = {};
  for (const item of items) {
    const text = (d.answers[item.question] ?? "").trim();
    if (text === "") continue;
    const n = Number(text.replace(",", "."));
    answers[item.question] = item.kind === "text" || Number.isNaN(n) ? text : n;
  }
  const size = d.size.trim() === "" ? null : Math.trunc(Number(d.size));
  return { visited: d.visited, same_respondent: d.same, household_size: size !== null && Number.isFinite(size) ? size : null, answers };
}

export function backcheckScreen(view: BackcheckScreen | null, ctx: BackcheckCtx): TemplateResult {
  const b = ctx.s.backcheck;
  return html`<div class="screen field backchecks" data-testid="backcheck-screen" lang=${ctx.lang}>
    ${fieldTopbar(ctx, { label: ctx.s.home, go: ctx.home, testid: "home" }, b.title, "Dala")}
    <main class="field-body">
      ${errorBox(ctx)}
      ${view === null ? html`<p>${ctx.s.loading}</p>` : body(view, ctx, b)}
    </main>
  </div>`;
}

function body(view: BackcheckScreen, ctx: BackcheckCtx, b: BackcheckStrings): TemplateResult {
  return html`<p class="hint">${b.intro(view.form.share_percent)}</p>
    <div class="complete-row">
      <label class="field-label">${b.seed}
        <input type="text" inputmode="numeric" data-testid="backcheck-seed" placeholder=${b.seedHint} .value=${ctx.seed}
          @input=${(e: Event) => ctx.setSeed((e.target as HTMLInputElement).value)} />
      </label>
      <button class="primary big" data-testid="backcheck-draw" @click=${ctx.draw}>${b.draw}</button>
    </div>
    ${view.draw ? html`<div class="message notice" role="status" data-testid="backcheck-drawn">${b.drawn(view.draw.drawn, view.draw.seed)}</div>` : nothing}
    ${view.list.length === 0
      ? html`<p class="empty" data-testid="backcheck-none">${b.none}</p>`
      : html`<table class="dash-table" data-testid="backcheck-list">
          <thead><tr><th>${b.interview}</th><th>${b.interviewer}</th><th>${b.drawnAt}</th><th>${b.state}</th><th></th></tr></thead>
          <tbody>${view.list.map((row) => rowOf(row, view, ctx, b))}</tbody>
        </table>`}`;
}

function stateOf(row: BackcheckView, b: BackcheckStrings): string {
  if (row.outcome === null || row.outcome === undefined) return b.notChecked;
  return row.mismatches.length === 0 ? b.matches : b.mismatches(row.mismatches.length);
}

function rowOf(row: BackcheckView, view: BackcheckScreen, ctx: BackcheckCtx, b: BackcheckStrings): TemplateResult {
  const open = ctx.draft?.interview === row.interview;
  const bad = row.mismatches.length > 0;
  return html`<tr data-testid="backcheck-row" data-interview=${row.interview} class=${bad ? "at-risk" : ""}>
      <td title=${row.interview}>${row.interview.slice(0, 8)}</td>
      <td title=${row.interviewer}>${row.interviewer.slice(0, 8)}</td>
      <td>${formatTimestamp(row.drawn_at)}</td>
      <td data-testid="backcheck-state">${stateOf(row, b)}${bad ? mismatchList(row, b) : nothing}</td>
      <td>${open ? nothing : html`<button class="secondary" data-testid="backcheck-open" @click=${() => ctx.edit(emptyDraft(row.interview))}>${b.record}</button>`}</td>
    </tr>
    ${open && ctx.draft ? html`<tr><td colspan="5">${form(ctx.draft, view, ctx, b)}</td></tr>` : nothing}`;
}

function mismatchList(row: BackcheckView, b: BackcheckStrings): TemplateResult {
  const show = (v: unknown) =>
    v === null || v === undefined ? "—" : typeof v === "boolean" ? (v ? b.yes : b.no) : typeof v === "string" ? v : JSON.stringify(v);
  return html`<ul class="mismatches" data-testid="backcheck-mismatches">
    ${row.mismatches.map((m) => {
      const name = b.items[m.item as keyof BackcheckStrings["items"]] ?? m.item;
      return html`<li>${name}: ${b.recorded} ${show(m.recorded)}, ${b.found} ${show(m.found)}</li>`;
    })}
  </ul>`;
}

function yesNo(label: string, value: boolean | null, set: (v: boolean) => void, b: BackcheckStrings, testid: string): TemplateResult {
  return html`<fieldset class="yes-no" data-testid=${testid}>
    <legend>${label}</legend>
    <button class="option ${value === true ? "selected" : ""}" data-testid="${testid}-yes" aria-pressed=${value === true} @click=${() => set(true)}>${b.yes}</button>
    <button class="option ${value === false ? "selected" : ""}" data-testid="${testid}-no" aria-pressed=${value === false} @click=${() => set(false)}>${b.no}</button>
  </fieldset>`;
}

function itemInput(item: BackcheckItem, d: BackcheckDraft, ctx: BackcheckCtx, b: BackcheckStrings): TemplateResult {
  const value = d.answers[item.question] ?? "";
  const set = (v: string) => ctx.edit({ ...d, answers: { ...d.answers, [item.question]: v } });
  const input = item.options.length
    ? html`<select data-testid="backcheck-item" data-question=${item.question} .value=${value} @change=${(e: Event) => set((e.target as HTMLSelectElement).value)}>
        <option value="" ?selected=${value === ""}>${b.notAsked}</option>
        ${item.options.map((o) => html`<option value=${String(o.code)} ?selected=${value === String(o.code)}>${o.code}. ${o.label}</option>`)}
      </select>`
    : html`<input type=${item.kind === "text" ? "text" : "number"} data-testid="backcheck-item" data-question=${item.question} .value=${value}
        @input=${(e: Event) => set((e.target as HTMLInputElement).value)} />`;
  return html`<label class="field-label"><span><strong>${item.question}</strong> ${item.text}</span>${input}</label>`;
}

function form(d: BackcheckDraft, view: BackcheckScreen, ctx: BackcheckCtx, b: BackcheckStrings): TemplateResult {
  const outcome = outcomeOf(d, view.form.items);
  return html`<div class="backcheck-form" data-testid="backcheck-form">
    ${yesNo(b.visited, d.visited, (v) => ctx.edit({ ...d, visited: v }), b, "backcheck-visited")}
    ${yesNo(b.sameRespondent, d.same, (v) => ctx.edit({ ...d, same: v }), b, "backcheck-same")}
    ${view.form.household_size
      ? html`<label class="field-label">${b.householdSize}
          <input type="number" min="1" data-testid="backcheck-size" .value=${d.size} @input=${(e: Event) => ctx.edit({ ...d, size: (e.target as HTMLInputElement).value })} />
        </label>`
      : nothing}
    ${view.form.items.map((item) => itemInput(item, d, ctx, b))}
    <div class="complete-row">
      <button class="primary" data-testid="backcheck-save" ?disabled=${outcome === null} @click=${() => outcome && ctx.save(d.interview, outcome)}>${b.save}</button>
      <button class="secondary" data-testid="backcheck-cancel" @click=${() => ctx.edit(null)}>${b.cancel}</button>
    </div>
  </div>`;
}
