// One question, large, with the input its type calls for.
//
// Everything shown comes from the QuestionView. Taps on buttons (options, scale points, grid
// cells, Don't know / Refused) record at once; typed fields (numbers, money, text, dates, a name
// being added to a list) become a *pending* answer that is recorded on Enter, when the field is
// left, or before any move (Next, Previous, a jump, a language switch).
//
// A number field keeps exactly what was typed. The session reads it by the rules of the interview
// language (docs/number-input.md) and the reading is shown under the field ("= 150 000 ₸"), or
// why it cannot be read ("150,000" in Russian: ambiguous); only the session's reading is recorded.

import { html, nothing, type TemplateResult } from "lit-html";
import { live } from "lit-html/directives/live.js";

import type { AnswerKey } from "../bindings/AnswerKey";
import type { CommandError } from "../bindings/CommandError";
import type { NumberReading } from "../bindings/NumberReading";
import type { QuestionView } from "../bindings/QuestionView";
import type { AnswerValue } from "../api";
import type { Strings } from "../i18n";
import { currencySign, digitsOnly, joinDate, splitDate } from "../format";

export const DONT_KNOW = -98;
export const REFUSED = -99;

/** What a question view can ask of the controller. */
export interface QuestionCtx {
  s: Strings;
  readOnly: boolean;
  error: CommandError | null;
  answer(key: AnswerKey, value: AnswerValue): void;
  clear(key: AnswerKey): void;
  confirm(key: AnswerKey, rule: number): void;
  /** A typed answer waiting to be recorded (null: the field was emptied, so clear). */
  setPending(key: AnswerKey, value: AnswerValue | null): void;
  /** Record the pending answer now (Enter / leaving the field). */
  commitPending(): void;
  /** Enter in the last field: record and go to the next question. */
  commitAndNext(): void;
  draft(field: string): string | undefined;
  setDraft(field: string, text: string): void;
  /** Re-render from the current Screen and drafts (after a keypad press, a currency choice). */
  redraw(): void;
  /** The current question's stored number and its suggestion, as the session writes them. */
  storedNumber: NumberReading | null;
  suggestedNumber: NumberReading | null;
  /** A number was typed: it becomes the pending answer, and the session is asked to read it. */
  typeNumber(key: AnswerKey, text: string, currency: string | null): void;
  /** The session's reading of `text` (with `currency`), once it has come back. */
  readback(key: AnswerKey, text: string, currency: string | null): NumberReadback | null;
}

/** What the session made of a typed number: its reading, or why it refused it. */
export type NumberReadback = { reading: NumberReading; error: null } | { reading: null; error: CommandError };

export function questionCard(q: QuestionView, ctx: QuestionCtx): TemplateResult {
  const { s } = ctx;
  const special = q.special.map(Number);
  const crumb = q.roster.length
    ? html`<div class="crumb" data-testid="roster-crumb">
        ${q.roster.map(
          (c) => html`<span class="crumb-part"><span class="crumb-title">${c.title}</span>
              <strong>${s.rowOf(c.row, c.of)}${c.label ? html`: <span class="crumb-name">${c.label}</span>` : nothing}</strong></span>`,
        )}
      </div>`
    : nothing;
  return html`
    <article class="question" data-testid="question" data-question=${q.id}>
      ${crumb}
      <div class="q-meta">
        <span class="q-id" data-testid="q-id">${q.id}</span>
        ${q.show_card !== null ? html`<span class="badge card" data-testid="show-card">${s.card(q.show_card)}</span>` : nothing}
        ${q.options.length
          ? html`<span class="badge ${q.read_out ? "read-out" : "no-read"}">${q.read_out ? s.readOut : s.doNotRead}</span>`
          : nothing}
      </div>
      <h1 class="q-text" data-testid="q-text">${q.text}</h1>
      ${q.instruction
        ? html`<aside class="instruction" data-testid="instruction"><div class="instruction-label">${s.instruction}</div>${q.instruction}</aside>`
        : nothing}
      ${prefillBox(q, ctx)}
      <div class="answer-area">${q.auto ? autoValue(q, ctx) : input(q, ctx)}</div>
      ${special.length && q.kind !== "grid" && !q.auto
        ? html`<div class="special">
            ${special.includes(DONT_KNOW) ? specialButton(q, ctx, DONT_KNOW, s.dontKnow, "dk") : nothing}
            ${special.includes(REFUSED) ? specialButton(q, ctx, REFUSED, s.refused, "rf") : nothing}
          </div>`
        : nothing}
      ${messages(q, ctx)}
      ${q.value !== null && !ctx.readOnly && !q.auto
        ? html`<button class="link-button clear-answer" data-testid="clear-answer" @click=${() => ctx.clear(q.key)}>× ${s.clearAnswer}</button>`
        : nothing}
    </article>
  `;
}

/** A value the app records itself (date, start and end time, visit number): shown, never an input. */
function autoValue(q: QuestionView, ctx: QuestionCtx): TemplateResult {
  const { s } = ctx;
  const shown = q.value === null ? s.autoPending : q.kind === "date" ? formatDate(String(q.value)) : String(q.value);
  return html`<div class="auto-value" data-testid="auto-value">
    <strong class="auto-shown">${shown}</strong>
    <span class="hint">${s.autoRecorded}</span>
  </div>`;
}

/** An ISO date as the interviewer writes it: DD.MM.YYYY. */
function formatDate(iso: string): string {
  const [d, m, y] = splitDate(iso);
  return d && m && y ? `${d}.${m}.${y}` : iso;
}

function specialButton(q: QuestionView, ctx: QuestionCtx, code: number, label: string, id: string): TemplateResult {
  const selected = q.value === code;
  return html`<button class="special-button ${selected ? "selected" : ""}" data-testid="special-${id}" aria-pressed=${selected}
    ?disabled=${ctx.readOnly} @click=${() => ctx.answer(q.key, code)}>${label}</button>`;
}

function prefillBox(q: QuestionView, ctx: QuestionCtx): TemplateResult | typeof nothing {
  if (q.value !== null || q.prefill === null || q.prefill === undefined || ctx.readOnly) return nothing;
  const shown = ctx.suggestedNumber?.display ?? describeValue(q, q.prefill);
  return html`<div class="prefill" data-testid="prefill">
    <span>${ctx.s.suggested}: <strong>${shown}</strong></span>
    <button class="secondary" @click=${() => ctx.answer(q.key, q.prefill as AnswerValue)}>${ctx.s.accept}</button>
  </div>`;
}

/** A suggested value as words (option labels), for the suggestion box; numbers come formatted
 * from the session (`suggestedNumber`). */
function describeValue(q: QuestionView, value: unknown): string {
  const label = (code: unknown) => q.options.find((o) => Number(o.code) === Number(code))?.label ?? String(code);
  if (q.kind === "single") return label(value);
  if (q.kind === "multiple" && Array.isArray(value)) return value.map(label).join(", ");
  if (Array.isArray(value)) return value.join(", ");
  return String(value);
}

function messages(q: QuestionView, ctx: QuestionCtx): TemplateResult {
  const { s } = ctx;
  return html`<div class="messages" aria-live="polite">
    ${ctx.error
      ? html`<div class="message error" role="alert" data-testid="command-error"><strong>${s.error}:</strong> ${ctx.error.message}</div>`
      : nothing}
    ${q.invalid ? html`<div class="message error" data-testid="answer-invalid"><strong>${s.error}:</strong> ${q.invalid}</div>` : nothing}
    ${q.rules.map((r) =>
      r.severity === "error"
        ? html`<div class="message error" data-testid="rule-error"><strong>${s.error}:</strong> ${r.message}</div>`
        : html`<div class="message warning ${r.confirmed ? "confirmed" : ""}" data-testid="rule-warning">
            <span><strong>${s.warning}:</strong> ${r.message}</span>
            ${r.confirmed
              ? html`<span class="confirmed-mark"><span class="tick"></span>${s.confirmed}</span>`
              : html`<button class="confirm-button" data-testid="confirm-warning" ?disabled=${ctx.readOnly}
                  @click=${() => ctx.confirm(q.key, r.rule)}>${s.confirm}</button>`}
          </div>`,
    )}
  </div>`;
}

function input(q: QuestionView, ctx: QuestionCtx): TemplateResult {
  switch (q.kind) {
    case "single":
      return singleInput(q, ctx);
    case "multiple":
      return multipleInput(q, ctx);
    case "scale":
      return q.min !== null && q.max !== null && q.max - q.min <= 10 ? scaleInput(q, ctx) : numberInput(q, ctx);
    case "integer":
    case "year":
    case "decimal":
      return numberInput(q, ctx);
    case "money":
      return moneyInput(q, ctx);
    case "text":
      return textInput(q, ctx);
    case "date":
      return dateInput(q, ctx);
    case "time":
      return timeInput(q, ctx);
    case "list":
      return listInput(q, ctx);
    case "grid":
      return gridInput(q, ctx);
  }
}

/** The chosen code of a single choice: `3` or `{"code": 96, "other": "..."}`. */
function codeOf(value: unknown): number | null {
  if (typeof value === "number") return value;
  if (value && typeof value === "object" && "code" in value) return Number((value as { code: number }).code);
  return null;
}

/** The chosen codes of a multiple choice: `[1, 96]` or `{"codes": [1, 96], "other": "..."}`. */
function codesOf(value: unknown): number[] {
  if (Array.isArray(value)) return value.map(Number);
  if (value && typeof value === "object" && "codes" in value) return (value as { codes: number[] }).codes.map(Number);
  return [];
}

/** The "other (specify)" text stored with a choice, if any. */
function otherOf(value: unknown): string {
  if (value && typeof value === "object" && "other" in value) return String((value as { other: string }).other ?? "");
  return "";
}

/** The text box of an "other (specify)" option; `make` builds the answer from the typed text. */
function specifyInput(q: QuestionView, ctx: QuestionCtx, make: (other: string) => unknown): TemplateResult {
  const text = ctx.draft("other") ?? otherOf(q.value);
  return html`<label class="specify">
    <span class="field-label">${ctx.s.specify}</span>
    <input class="big-input text" data-testid="specify-input" type="text" autocomplete="off" .value=${live(text)}
      ?disabled=${ctx.readOnly}
      @input=${(e: Event) => {
        const v = (e.target as HTMLInputElement).value;
        ctx.setDraft("other", v);
        ctx.setPending(q.key, make(v.trim()) as AnswerValue);
      }}
      @change=${() => ctx.commitPending()} @keydown=${onEnter(ctx)} />
  </label>`;
}

function singleInput(q: QuestionView, ctx: QuestionCtx): TemplateResult {
  const suggested = q.value === null ? Number(q.prefill) : NaN;
  const chosen = codeOf(q.value);
  const specify = q.options.find((o) => o.specify && Number(o.code) === chosen);
  return html`<div class="options" role="radiogroup">
    ${q.options.map((o) => {
      const code = Number(o.code);
      const selected = chosen === code;
      return html`<button class="option ${selected ? "selected" : ""} ${suggested === code ? "suggested" : ""}" role="radio"
        aria-checked=${selected} data-testid="option-${code}" ?disabled=${ctx.readOnly} @click=${() => ctx.answer(q.key, code)}>
        <span class="option-code">${code}</span><span class="option-label">${o.label}</span>
      </button>`;
    })}
  </div>
  ${specify && chosen !== null ? specifyInput(q, ctx, (other) => (other ? { code: chosen, other } : chosen)) : nothing}`;
}

function multipleInput(q: QuestionView, ctx: QuestionCtx): TemplateResult {
  const chosen: number[] = codesOf(q.value);
  const other = otherOf(q.value);
  const exclusive = new Set(q.options.filter((o) => o.exclusive).map((o) => Number(o.code)));
  const specifyCodes = new Set(q.options.filter((o) => o.specify).map((o) => Number(o.code)));
  const full = q.max_choices !== null && chosen.length >= q.max_choices;
  const withOther = (codes: number[], text: string) => (text && codes.some((c) => specifyCodes.has(c)) ? { codes, other: text } : codes);
  const toggle = (code: number) => {
    let next: number[];
    if (chosen.includes(code)) next = chosen.filter((c) => c !== code);
    else if (exclusive.has(code)) next = [code];
    else next = [...chosen.filter((c) => !exclusive.has(c)), code];
    if (next.length === 0) ctx.clear(q.key);
    else ctx.answer(q.key, withOther(next, other) as AnswerValue);
  };
  return html`<div class="hint">${ctx.s.several(q.max_choices)}</div>
    <div class="options">
      ${q.options.map((o) => {
        const code = Number(o.code);
        const selected = chosen.includes(code);
        return html`<button class="option toggle ${selected ? "selected" : ""} ${o.exclusive ? "exclusive" : ""}" role="checkbox"
          aria-checked=${selected} data-testid="option-${code}" ?disabled=${ctx.readOnly || (full && !selected && !exclusive.has(code))}
          @click=${() => toggle(code)}>
          <span class="check"></span><span class="option-code">${code}</span><span class="option-label">${o.label}</span>
        </button>`;
      })}
    </div>
    ${chosen.some((c) => specifyCodes.has(c)) ? specifyInput(q, ctx, (text) => withOther(chosen, text)) : nothing}`;
}

function scaleInput(q: QuestionView, ctx: QuestionCtx): TemplateResult {
  const points: number[] = [];
  for (let p = q.min ?? 0; p <= (q.max ?? 10); p++) points.push(p);
  return html`<div class="scale">
    <div class="scale-points">
      ${points.map(
        (p) => html`<button class="scale-point ${q.value === p ? "selected" : ""}" data-testid="scale-${p}" aria-pressed=${q.value === p}
          ?disabled=${ctx.readOnly} @click=${() => ctx.answer(q.key, p)}>${p}</button>`,
      )}
    </div>
    <div class="scale-labels"><span>${q.min_label ?? ""}</span><span>${q.max_label ?? ""}</span></div>
  </div>`;
}

const onEnter = (ctx: QuestionCtx) => (e: KeyboardEvent) => {
  if (e.key === "Enter") {
    e.preventDefault();
    ctx.commitAndNext();
  }
};

/** The line under a number field: the session's reading of what is typed, or why it refused it. */
function readbackLine(ctx: QuestionCtx, q: QuestionView, draft: string | undefined, currency: string | null): TemplateResult {
  // An empty line keeps its height, so the keypad does not jump when a reading appears.
  const empty = html`<div class="readback"></div>`;
  if (draft === undefined) {
    return ctx.storedNumber ? html`<div class="readback" data-testid="num-readback">= ${ctx.storedNumber.display}</div>` : empty;
  }
  if (draft.trim() === "") return empty;
  const rb = ctx.readback(q.key, draft, currency);
  if (!rb) return html`<div class="readback pending" data-testid="num-reading">…</div>`;
  if (rb.reading) return html`<div class="readback" data-testid="num-readback">= ${rb.reading.display}</div>`;
  return html`<div class="readback refused" role="alert" data-testid="num-refused">${rb.error.message}</div>`;
}

function numberInput(q: QuestionView, ctx: QuestionCtx): TemplateResult {
  const decimals = q.kind === "decimal";
  const draft = ctx.draft("n");
  const text = draft ?? ctx.storedNumber?.text ?? "";
  const placeholder = ctx.suggestedNumber?.text ?? (q.kind === "year" ? "YYYY" : "");
  const update = (typed: string) => {
    ctx.setDraft("n", typed);
    ctx.typeNumber(q.key, typed, null);
  };
  const bounds = q.min !== null || q.max !== null ? html`<span class="bounds">${q.min ?? "…"} – ${q.max ?? "…"}</span>` : nothing;
  return html`<div class="number-entry">
    <div class="field-row">
      <input class="big-input number" data-testid="num-input" type="text" inputmode=${decimals ? "decimal" : "numeric"}
        autocomplete="off" maxlength=${q.kind === "year" ? 4 : 24} placeholder=${placeholder} .value=${live(text)} ?disabled=${ctx.readOnly}
        @input=${(e: Event) => update((e.target as HTMLInputElement).value)}
        @change=${() => ctx.commitPending()} @keydown=${onEnter(ctx)} />
      ${bounds}
    </div>
    ${readbackLine(ctx, q, draft, null)}
    ${keypad(ctx, () => ctx.draft("n") ?? text, decimals, (t) => update(t))}
  </div>`;
}

/** An on-screen keypad for tablets whose virtual keyboard is missing or covers the question. */
function keypad(ctx: QuestionCtx, current: () => string, decimals: boolean, set: (text: string) => void): TemplateResult {
  if (ctx.readOnly) return html``;
  const keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", decimals ? ctx.s.decimalMark : "C", "0", "‹"];
  const press = (k: string) => {
    const text = current();
    if (k === "‹") set(text.slice(0, -1));
    else if (k === "C") set("");
    else set(text + k);
    ctx.redraw();
  };
  return html`<div class="keypad" aria-hidden="true">
    ${keys.map(
      (k) => html`<button class="key" tabindex="-1" title=${k === "‹" ? ctx.s.keypadBackspace : k === "C" ? ctx.s.keypadClear : k}
        @click=${() => press(k)}>${k}</button>`,
    )}
  </div>`;
}

function moneyInput(q: QuestionView, ctx: QuestionCtx): TemplateResult {
  const currencies = q.currencies.length ? q.currencies : ["KZT"];
  const stored = q.value && typeof q.value === "object" && !Array.isArray(q.value) ? (q.value as { amount: number; currency: string }) : null;
  const currency = ctx.draft("currency") ?? stored?.currency ?? currencies[0];
  const draft = ctx.draft("amount");
  const text = draft ?? ctx.storedNumber?.text ?? "";
  const update = (typed: string) => {
    ctx.setDraft("amount", typed);
    ctx.typeNumber(q.key, typed, currency);
  };
  return html`<div class="number-entry">
    <div class="field-row">
      <input class="big-input money" data-testid="money-input" type="text" inputmode="decimal" autocomplete="off"
        placeholder=${ctx.suggestedNumber?.text ?? "0"} aria-label=${ctx.s.amount} .value=${live(text)} ?disabled=${ctx.readOnly}
        @input=${(e: Event) => update((e.target as HTMLInputElement).value)}
        @change=${() => ctx.commitPending()} @keydown=${onEnter(ctx)} />
      <span class="currency-sign" data-testid="currency-sign">${currencySign(currency)}</span>
    </div>
    ${readbackLine(ctx, q, draft, currency)}
    ${currencies.length > 1
      ? html`<div class="currencies" role="radiogroup" aria-label=${ctx.s.currency}>
          ${currencies.map(
            (c) => html`<button class="currency ${c === currency ? "selected" : ""}" role="radio" aria-checked=${c === currency}
              data-testid="currency-${c}" ?disabled=${ctx.readOnly}
              @click=${() => {
                ctx.setDraft("currency", c);
                const typed = ctx.draft("amount") ?? text;
                if (typed.trim() !== "") {
                  ctx.setDraft("amount", typed);
                  ctx.typeNumber(q.key, typed, c);
                  ctx.commitPending();
                }
                ctx.redraw();
              }}>${currencySign(c)} ${c}</button>`,
          )}
        </div>`
      : nothing}
    ${keypad(ctx, () => ctx.draft("amount") ?? text, true, (t) => update(t))}
  </div>`;
}

function textInput(q: QuestionView, ctx: QuestionCtx): TemplateResult {
  const stored = typeof q.value === "string" ? q.value : "";
  const text = ctx.draft("t") ?? stored;
  return html`<input class="big-input text" data-testid="text-input" type="text" autocomplete="off" .value=${live(text)}
    ?disabled=${ctx.readOnly}
    @input=${(e: Event) => {
      const v = (e.target as HTMLInputElement).value;
      ctx.setDraft("t", v);
      ctx.setPending(q.key, v.trim() === "" ? null : v.trim());
    }}
    @change=${() => ctx.commitPending()} @keydown=${onEnter(ctx)} />`;
}

function dateInput(q: QuestionView, ctx: QuestionCtx): TemplateResult {
  const [d0, m0, y0] = splitDate(q.value);
  const parts = { d: ctx.draft("d") ?? d0, m: ctx.draft("m") ?? m0, y: ctx.draft("y") ?? y0 };
  const update = (field: "d" | "m" | "y", raw: string, el: HTMLInputElement) => {
    const cleaned = digitsOnly(raw).slice(0, field === "y" ? 4 : 2);
    if (el.value !== cleaned) el.value = cleaned;
    parts[field] = cleaned;
    ctx.setDraft(field, cleaned);
    const joined = joinDate(parts.d, parts.m, parts.y);
    if (joined) ctx.setPending(q.key, joined);
    else if (!parts.d && !parts.m && !parts.y) ctx.setPending(q.key, null);
    // Incomplete: sent as typed so the session refuses it with its "not a date" message instead
    // of an older complete date being stored.
    else ctx.setPending(q.key, `${parts.y}-${parts.m}-${parts.d}`);
  };
  const field = (f: "d" | "m" | "y", label: string, width: string) => html`<label class="date-part">
    <span>${label}</span>
    <input class="big-input" style="width:${width}" data-testid="date-${f}" type="text" inputmode="numeric" autocomplete="off"
      .value=${live(parts[f])} ?disabled=${ctx.readOnly}
      @input=${(e: Event) => update(f, (e.target as HTMLInputElement).value, e.target as HTMLInputElement)}
      @change=${() => ctx.commitPending()} @keydown=${onEnter(ctx)} />
  </label>`;
  return html`<div class="date-entry">${field("d", ctx.s.day, "3.5em")}<span class="date-sep">.</span>${field("m", ctx.s.month, "3.5em")}<span
      class="date-sep">.</span>${field("y", ctx.s.year, "5em")}</div>`;
}

/** A time of day, typed as HH:MM; the session checks it (00:00–23:59). */
function timeInput(q: QuestionView, ctx: QuestionCtx): TemplateResult {
  const text = ctx.draft("time") ?? (typeof q.value === "string" ? q.value : "");
  return html`<label class="time-entry">
    <input class="big-input" style="width:6em" data-testid="time-input" type="text" inputmode="numeric" autocomplete="off"
      maxlength="5" placeholder=${ctx.s.timeHint} .value=${live(text)} ?disabled=${ctx.readOnly}
      @input=${(e: Event) => {
        const v = (e.target as HTMLInputElement).value.replace(/[^0-9:]/g, "");
        ctx.setDraft("time", v);
        ctx.setPending(q.key, v.trim() === "" ? null : v.trim());
      }}
      @change=${() => ctx.commitPending()} @keydown=${onEnter(ctx)} />
  </label>`;
}

function listInput(q: QuestionView, ctx: QuestionCtx): TemplateResult {
  const items: string[] = Array.isArray(q.value) ? (q.value as string[]) : [];
  const text = ctx.draft("item") ?? "";
  const add = () => {
    const name = (ctx.draft("item") ?? "").trim();
    if (!name) return;
    ctx.setDraft("item", "");
    ctx.answer(q.key, [...items, name]);
  };
  const remove = (i: number) => {
    const next = items.filter((_, j) => j !== i);
    if (next.length) ctx.answer(q.key, next);
    else ctx.clear(q.key);
  };
  return html`<ol class="list-items" data-testid="list-items">
      ${items.map(
        (item, i) => html`<li><span class="list-name">${item}</span>
          <button class="secondary small" ?disabled=${ctx.readOnly} @click=${() => remove(i)}>× ${ctx.s.remove}</button></li>`,
      )}
    </ol>
    ${ctx.readOnly
      ? nothing
      : html`<div class="field-row">
          <input class="big-input text" data-testid="list-input" type="text" autocomplete="off" placeholder=${ctx.s.name}
            .value=${live(text)}
            @input=${(e: Event) => {
              const v = (e.target as HTMLInputElement).value;
              ctx.setDraft("item", v);
              ctx.setPending(q.key, v.trim() ? [...items, v.trim()] : items.length ? items : null);
            }}
            @keydown=${(e: KeyboardEvent) => {
              if (e.key === "Enter") {
                e.preventDefault();
                add();
              }
            }} />
          <button class="secondary" data-testid="list-add" @click=${add}>+ ${ctx.s.add}</button>
        </div>`}`;
}

function gridInput(q: QuestionView, ctx: QuestionCtx): TemplateResult {
  const current: Record<string, number> =
    q.value && typeof q.value === "object" && !Array.isArray(q.value) ? (q.value as Record<string, number>) : {};
  const special = q.special.map(Number);
  const columns = [
    ...q.options.map((o) => ({ code: Number(o.code), label: o.label })),
    ...(special.includes(DONT_KNOW) ? [{ code: DONT_KNOW, label: ctx.s.dontKnow }] : []),
    ...(special.includes(REFUSED) ? [{ code: REFUSED, label: ctx.s.refused }] : []),
  ];
  return html`<div class="grid-wrap"><table class="grid" data-testid="grid">
    <thead><tr><th></th>${columns.map((c) => html`<th class=${c.code < 0 ? "special-col" : ""}>${c.label}</th>`)}</tr></thead>
    <tbody>
      ${q.rows.map(
        (r) => html`<tr>
          <th scope="row">${r.label}</th>
          ${columns.map((c) => {
            const selected = current[r.id] === c.code;
            return html`<td><button class="grid-cell ${selected ? "selected" : ""}" aria-pressed=${selected} aria-label="${r.label}: ${c.label}"
              data-testid="grid-${r.id}-${c.code}" ?disabled=${ctx.readOnly}
              @click=${() => ctx.answer(q.key, { ...current, [r.id]: c.code })}><span class="dot"></span></button></td>`;
          })}
        </tr>`,
      )}
    </tbody>
  </table></div>`;
}
