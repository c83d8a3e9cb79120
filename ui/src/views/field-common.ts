// Pieces shared by the fieldwork screens (my routes, the route, a visit, screening): the header,
// the quota bars, status chips and the formatting of the session's local date-times.
//
// Everything shown comes from the session's views (RouteSummaryView, RouteView, AddressView);
// the only state here is what is being typed into a form before it is sent.

import { html, nothing, type TemplateResult } from "lit-html";

import type { CommandError } from "../bindings/CommandError";
import type { Lang } from "../bindings/Lang";
import type { QuotaView } from "../bindings/QuotaView";
import type { Strings } from "../i18n";
import { languageSwitch } from "./common";

/** What every fieldwork screen needs from the controller. */
export interface FieldBase {
  s: Strings;
  lang: Lang;
  error: CommandError | null;
  /** A short confirmation ("Visit 2 saved: No answer"), shown once. */
  notice: string | null;
  setLanguage(lang: Lang): void;
  /** Re-render after a form field changed (the form drafts live in the controller). */
  redraw(): void;
}

/** The blue header: a back button, where we are, the language switch. */
export function fieldTopbar(ctx: FieldBase, back: { label: string; go(): void; testid: string }, title: string, sub: string | TemplateResult): TemplateResult {
  return html`<header class="topbar">
    <button class="secondary back" data-testid=${back.testid} @click=${back.go}>‹ ${back.label}</button>
    <div class="where">
      <div class="study-title">${sub}</div>
      <div class="block-of" data-testid="screen-title"><strong>${title}</strong></div>
    </div>
    ${languageSwitch(ctx.lang, ctx.s, ctx.setLanguage)}
  </header>`;
}

export function errorBox(ctx: FieldBase): TemplateResult | typeof nothing {
  return ctx.error ? html`<div class="message error" role="alert" data-testid="command-error">${ctx.error.message}</div>` : nothing;
}

export function noticeBox(ctx: FieldBase): TemplateResult | typeof nothing {
  return ctx.notice ? html`<div class="message notice" role="status" data-testid="notice"><span class="tick"></span>${ctx.notice}</div>` : nothing;
}

/**
 * Women and men achieved against the route's cell, as two bars: completes solid, places held by
 * interviews in progress hatched after them ("+1 in progress"), completes beyond the target marked;
 * the sexes still needed are named, and an over-filled cell shows the session's note for the
 * supervisor in a warning box.
 */
export function quotaBars(q: QuotaView, s: Strings, compact = false): TemplateResult {
  const bar = (sex: "female" | "male", label: string, done: number, held: number, over: number, target: number) => {
    const open = q.open.includes(sex);
    const scale = Math.max(target, done + held, 1);
    const pct = (n: number) => Math.round((100 * n) / scale);
    const donePct = target > 0 ? pct(done) : 100;
    const heldPct = Math.min(pct(held), 100 - donePct);
    return html`<div class="quota-row ${open ? "open" : "full"} ${over ? "over" : ""}" data-testid="quota-${sex}" data-held=${held} data-over=${over}>
      <span class="quota-label">${label}</span>
      <span class="quota-bar ${sex}"><span style="width:${donePct}%"></span>${held ? html`<span class="held" style="width:${heldPct}%"></span>` : nothing}</span>
      <span class="quota-count">${s.quotaOf(done, target)}${held ? html` <span class="quota-held" data-testid="quota-held-${sex}">${s.quotaHeld(held)}</span>` : nothing}${over
        ? html` <span class="quota-over" data-testid="quota-over-${sex}">${s.quotaOver(over)}</span>`
        : nothing}</span>
    </div>`;
  };
  const needed = q.open.map((x) => (x === "female" ? s.women : s.men).toLowerCase()).join(", ");
  return html`<div class="quota ${compact ? "compact" : ""}" data-testid="quota">
    ${bar("female", s.women, q.female, q.held_female, q.over_female, q.target_female)} ${bar("male", s.men, q.male, q.held_male, q.over_male, q.target_male)}
    ${compact ? nothing : html`<div class="quota-needs" data-testid="quota-needs">${q.open.length ? s.quotaNeeds(needed) : s.quotaFull}</div>`}
    ${q.note ? html`<div class="quota-note" role="status" data-testid="quota-note">${q.note}</div>` : nothing}
  </div>`;
}

export function statusChip(status: string, s: Strings): TemplateResult {
  const label = s.addressStatus[status as keyof Strings["addressStatus"]] ?? status;
  return html`<span class="status-chip status-${status}" data-testid="address-status" data-status=${status}>${label}</span>`;
}

/** "2010-10-21 18:30" (the session's local time) → "21.10.2010 18:30". */
export function localTime(text: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})/.exec(text);
  return m ? `${m[3]}.${m[2]}.${m[1]} ${m[4]}:${m[5]}` : text;
}

/** A number typed into a field, or null while it is not a whole number ≥ min. */
export function wholeNumber(text: string, min = 0): number | null {
  const t = text.trim();
  if (!/^\d{1,6}$/.test(t)) return null;
  const n = Number(t);
  return n >= min ? n : null;
}

/** A labelled numeric field with the numeric keypad on tablets. */
export function numberField(label: string, value: string, set: (v: string) => void, testid: string, min = 0): TemplateResult {
  return html`<label class="field">
    <span class="field-label">${label}</span>
    <input class="field-input number" type="text" inputmode="numeric" pattern="[0-9]*" data-testid=${testid} .value=${value}
      aria-invalid=${value.trim() !== "" && wholeNumber(value, min) === null}
      @input=${(e: Event) => set((e.target as HTMLInputElement).value.replace(/[^0-9]/g, ""))} />
  </label>`;
}

export function textField(label: string, value: string, set: (v: string) => void, testid: string, wide = false): TemplateResult {
  return html`<label class="field ${wide ? "wide" : ""}">
    <span class="field-label">${label}</span>
    <input class="field-input" type="text" data-testid=${testid} .value=${value} @input=${(e: Event) => set((e.target as HTMLInputElement).value)} />
  </label>`;
}

/** A big on/off toggle (a checkbox drawn as a button: no hover, large target). */
export function toggle(label: string, on: boolean, set: (v: boolean) => void, testid: string): TemplateResult {
  return html`<button class="toggle ${on ? "on" : ""}" role="switch" aria-checked=${on} data-testid=${testid} @click=${() => set(!on)}>
    <span class="check"></span><span>${label}</span>
  </button>`;
}

/** Choice chips: one of several, large. */
export function chips<T extends string | number>(options: Array<[T, string]>, value: T | null, set: (v: T) => void, testid: string): TemplateResult {
  return html`<div class="chips" role="radiogroup" data-testid=${testid}>
    ${options.map(
      ([v, label]) => html`<button class="chip ${v === value ? "selected" : ""}" role="radio" aria-checked=${v === value}
        data-testid="${testid}-${v}" @click=${() => set(v)}>${label}</button>`,
    )}
  </div>`;
}
