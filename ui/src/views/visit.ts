// The visit screen of one address: its status (disposition, what closing still needs, Close),
// the visits so far, the way into screening when someone opens, and the outcome of this visit as
// big buttons grouped by kind, with the details that outcome calls for (evidence of occupancy,
// households, appointment, the refuser's sex / age / reason, a note).

import { html, nothing, type TemplateResult } from "lit-html";

import type { AddressView } from "../bindings/AddressView";
import type { OutcomeOption } from "../bindings/OutcomeOption";
import type { VisitInput } from "../bindings/VisitInput";
import type { Strings } from "../i18n";
import { chips, errorBox, fieldTopbar, localTime, noticeBox, numberField, statusChip, textField, toggle, wholeNumber, type FieldBase } from "./field-common";

export interface VisitForm {
  outcome: number | null;
  evidence: boolean;
  households: string;
  /** "YYYY-MM-DD" */
  day: string | null;
  /** "HH:MM" */
  time: string | null;
  refuserSex: "female" | "male" | null;
  refuserAge: string;
  reason: string;
  note: string;
  mode: "door" | "intercom" | "phone";
}

export function emptyVisitForm(): VisitForm {
  return { outcome: null, evidence: false, households: "", day: null, time: null, refuserSex: null, refuserAge: "", reason: "", note: "", mode: "door" };
}

export interface VisitCtx extends FieldBase {
  form: VisitForm;
  outcomes: OutcomeOption[] | null;
  routeTitle: string;
  back(): void;
  save(visit: VisitInput): void;
  close(): void;
  screening(): void;
  openInterview(): void;
}

/** The order of the outcome groups on screen: the common outcomes at the door first. */
const GROUPS = ["no_contact", "contact", "refusal", "unable", "ineligible", "interview", "other"];
export const TIMES = ["09:00", "10:00", "12:00", "14:00", "16:00", "18:00", "19:00", "20:00"];

export function visitScreen(a: AddressView, ctx: VisitCtx): TemplateResult {
  const { s } = ctx;
  const closed = a.status === "closed";
  return html`<div class="screen visit" data-testid="visit-screen" data-key=${a.key} lang=${ctx.lang}>
    ${fieldTopbar(ctx, { label: s.backToRoute, go: ctx.back, testid: "back-route" }, a.label, html`${s.visitTitle} · ${ctx.routeTitle}`)}
    <main class="field-body">
      ${errorBox(ctx)} ${noticeBox(ctx)} ${statusCard(a, ctx)} ${visitList(a, s)}
      ${closed ? nothing : html`${householdEntry(a, ctx)} ${outcomeForm(ctx)}`}
    </main>
  </div>`;
}

function statusCard(a: AddressView, ctx: VisitCtx): TemplateResult {
  const { s } = ctx;
  const closed = a.status === "closed";
  return html`<section class="status-card ${closed ? "closed" : ""}" data-testid="status-card">
    <div class="status-line">
      ${statusChip(a.status, s)} <span>${s.visitsCount(a.visits.length)}</span>
      ${a.disposition
        ? html`<span class="disposition" data-testid="disposition" data-code=${a.disposition}>
            ${s.finalCode}: <strong>${a.disposition}</strong> ${a.disposition_label}${closed ? nothing : html` (${s.provisional})`}
          </span>`
        : nothing}
    </div>
    ${closed
      ? html`<div class="banner done"><span class="tick"></span>${s.addressClosed}</div>`
      : html`${a.shortfall
            ? html`<div class="shortfall" data-testid="shortfall"><strong>${s.toClose}</strong> ${a.shortfall}</div>`
            : a.can_close
              ? html`<div class="may-close" data-testid="may-close">${s.mayClose}</div>`
              : nothing}
          <button class="primary close-address" data-testid="close-address" ?disabled=${!a.can_close} @click=${ctx.close}>${s.closeAddress}</button>`}
  </section>`;
}

function visitList(a: AddressView, s: Strings): TemplateResult {
  return html`<section class="visit-list" data-testid="visit-list">
    <h2>${s.visitsTitle}</h2>
    ${a.visits.length === 0
      ? html`<p class="empty">${s.noVisits}</p>`
      : html`<ol>
          ${a.visits.map(
            (v) => html`<li data-testid="visit" data-outcome=${v.outcome}>
              <strong>${v.n}.</strong> ${localTime(v.at)} · ${v.outcome_label} (${v.outcome})
              ${v.appointment ? html` · <span class="highlight">${s.appointmentAt(localTime(v.appointment))}</span>` : nothing}
              ${v.note ? html` · <em>${v.note}</em>` : nothing}
            </li>`,
          )}
        </ol>`}
  </section>`;
}

/** Someone opened: list the household (or see the selection / open the interview already started). */
function householdEntry(a: AddressView, ctx: VisitCtx): TemplateResult {
  const { s } = ctx;
  if (a.interview_id) {
    return html`<section class="household-entry">
      <p>${s.interviewStarted}${a.proposal?.name ? html`: <strong>${a.proposal.name}</strong>` : nothing}</p>
      <button class="primary big" data-testid="open-interview" @click=${ctx.openInterview}>${s.openInterview}</button>
    </section>`;
  }
  return html`<section class="household-entry">
    <button class="primary big someone-opened" data-testid="someone-opened" @click=${ctx.screening}>${s.someoneOpened}</button>
    ${a.proposal
      ? html`<p class="proposal-line" data-testid="proposal-summary">${a.proposal.text}</p>`
      : html`<p class="hint">${s.someoneOpenedHint}</p>`}
  </section>`;
}

/** The next eight days as chips: value YYYY-MM-DD, label today / tomorrow / weekday date. */
export function days(s: Strings): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const today = new Date();
  for (let i = 0; i < 8; i++) {
    const d = new Date(today.getFullYear(), today.getMonth(), today.getDate() + i);
    const p = (n: number) => String(n).padStart(2, "0");
    const value = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
    const label = i === 0 ? s.today : i === 1 ? s.tomorrow : `${s.weekdays[d.getDay()]} ${p(d.getDate())}.${p(d.getMonth() + 1)}`;
    out.push([value, label]);
  }
  return out;
}

function visitInput(f: VisitForm): VisitInput | null {
  if (f.outcome === null) return null;
  if ((f.day === null) !== (f.time === null)) return null;
  const age = f.refuserAge.trim() ? wholeNumber(f.refuserAge) : null;
  if (f.refuserAge.trim() && age === null) return null;
  const households = f.households.trim() ? wholeNumber(f.households, 1) : null;
  if (f.households.trim() && households === null) return null;
  return {
    outcome: f.outcome,
    evidence_of_occupancy: f.evidence,
    households,
    appointment: f.day && f.time ? `${f.day}T${f.time}` : null,
    refuser_sex: f.refuserSex,
    refuser_age: age,
    reason: f.reason.trim() || null,
    note: f.note.trim() || null,
    mode: f.mode,
  };
}

function outcomeForm(ctx: VisitCtx): TemplateResult {
  const { s } = ctx;
  const f = ctx.form;
  const set = (patch: Partial<VisitForm>) => {
    Object.assign(f, patch);
    ctx.redraw();
  };
  // The details of the chosen outcome come into view under the buttons.
  const choose = (outcome: number) => {
    set({ outcome });
    document.querySelector('[data-testid="save-visit"]')?.scrollIntoView({ block: "nearest" });
  };
  const options = (ctx.outcomes ?? []).filter((o) => o.manual);
  const selected = options.find((o) => o.code === f.outcome) ?? null;
  const group = selected?.group ?? null;
  const input = visitInput(f);
  return html`<section class="outcome-form" data-testid="outcome-form">
    <h2>${s.outcomeTitle}</h2>
    ${ctx.outcomes === null ? html`<p>${s.loading}</p>` : nothing}
    <div class="outcome-groups">
      ${GROUPS.map((gid) => {
        const items = options.filter((o) => o.group === gid);
        return items.length
          ? html`<div class="outcome-group group-${gid}" role="group" aria-label=${s.outcomeGroups[gid] ?? gid}>
              <h3>${s.outcomeGroups[gid] ?? gid}</h3>
              ${items.map(
                (o) => html`<button class="outcome ${o.code === f.outcome ? "selected" : ""}" role="radio" aria-checked=${o.code === f.outcome}
                  data-testid="outcome-${o.code}" @click=${() => choose(o.code)}>
                  <span class="option-code">${o.code}</span><span>${o.label}</span>
                </button>`,
              )}
            </div>`
          : nothing;
      })}
    </div>
    ${selected
      ? html`<div class="visit-details" data-testid="visit-details">
          ${group === "no_contact" ? toggle(s.evidence, f.evidence, (v) => set({ evidence: v }), "evidence") : nothing}
          ${group === "contact"
            ? html`<div class="field-block">
                <span class="field-label">${s.appointmentWhen}</span>
                ${chips(days(s), f.day, (day) => set({ day: f.day === day ? null : day }), "appt-day")}
                ${chips(
                  TIMES.map((t) => [t, t] as [string, string]),
                  f.time,
                  (time) => set({ time: f.time === time ? null : time }),
                  "appt-time",
                )}
              </div>`
            : nothing}
          ${group === "refusal"
            ? html`<div class="field-block">
                <span class="field-label">${s.refuserSex}</span>
                ${chips(
                  [
                    ["female", s.female],
                    ["male", s.male],
                  ],
                  f.refuserSex,
                  (v) => set({ refuserSex: f.refuserSex === v ? null : (v as "female" | "male") }),
                  "refuser-sex",
                )}
              </div>
              <div class="form-row">
                ${numberField(s.refuserAge, f.refuserAge, (v) => set({ refuserAge: v }), "refuser-age")}
                ${textField(s.reason, f.reason, (v) => set({ reason: v }), "refusal-reason", true)}
              </div>`
            : nothing}
          ${group === "contact" || group === "refusal" || group === "unable"
            ? html`<div class="form-row">${numberField(s.householdsAtAddress, f.households, (v) => set({ households: v }), "visit-households", 1)}</div>`
            : nothing}
          <div class="field-block">
            <span class="field-label">${s.modeTitle}</span>
            ${chips(
              (["door", "intercom", "phone"] as const).map((m) => [m, s.modes[m]] as [VisitForm["mode"], string]),
              f.mode,
              (mode) => set({ mode }),
              "mode",
            )}
          </div>
          <div class="form-row">${textField(s.note, f.note, (v) => set({ note: v }), "visit-note", true)}</div>
        </div>`
      : html`<p class="hint">${s.chooseOutcome}</p>`}
    <button class="primary big save-visit" data-testid="save-visit" ?disabled=${input === null} @click=${() => input && ctx.save(input)}>${s.saveVisit}</button>
  </section>`;
}
