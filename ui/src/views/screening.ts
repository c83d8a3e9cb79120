// Screening and respondent selection at the door, in two steps. Step 1: the interviewer gives the
// number of households at the address and the app draws one (stored and shown before anything else).
// Step 2: the interviewer lists THAT household's adults (name, sex, age, permanent member, head,
// co-decision-maker, at home now); the session applies eligibility and the route's gender quota and
// proposes the respondent (interview now, or an appointment), or says "quota filled" / "no eligible
// person". "Start the interview" opens the interview with the respondent's line in Q113. Choosing
// someone else needs a reason and is flagged for the supervisor; so does listing the adults again
// (the drawn household is kept).

import { html, nothing, type TemplateResult } from "lit-html";

import type { AddressView } from "../bindings/AddressView";
import type { AdultInput } from "../bindings/AdultInput";
import type { ProposalView } from "../bindings/ProposalView";
import { chips, errorBox, fieldTopbar, numberField, textField, toggle, wholeNumber, type FieldBase } from "./field-common";
import { days, TIMES } from "./visit";

export interface AdultDraft {
  name: string;
  sex: "female" | "male" | null;
  age: string;
  permanent: boolean;
  head: boolean;
  co: boolean;
  present: boolean;
}

export interface ScreeningForm {
  households: string;
  /** Why the adults are listed again (required once they were listed). */
  rescreenReason: string;
  adults: AdultDraft[];
  /** The list is being edited (no proposal yet, or "Change the list"). */
  editing: boolean;
  overrideOpen: boolean;
  overrideLine: number | null;
  overrideReason: string;
  /** The appointment being agreed when the respondent is not at home. */
  apptDay: string | null;
  apptTime: string | null;
}

export function emptyAdult(): AdultDraft {
  return { name: "", sex: null, age: "", permanent: true, head: false, co: false, present: true };
}

/** The form for an address: its last listing when it was screened, else one empty adult. */
export function screeningFormFor(a: AddressView): ScreeningForm {
  const p = a.proposal;
  const adults: AdultDraft[] = p?.adults.length
    ? p.adults.map((x) => ({
        name: x.name,
        sex: x.sex === "female" || x.sex === "male" ? x.sex : null,
        age: String(x.age),
        permanent: x.permanent,
        head: x.head,
        co: x.co_decision_maker,
        present: x.present,
      }))
    : [emptyAdult()];
  return {
    households: String(a.household?.households ?? 1),
    rescreenReason: "",
    adults,
    editing: !p,
    overrideOpen: false,
    overrideLine: null,
    overrideReason: "",
    apptDay: null,
    apptTime: null,
  };
}

export interface ScreeningCtx extends FieldBase {
  form: ScreeningForm;
  back(): void;
  /** Step 1: draws the household among `households`. */
  drawHousehold(households: number): void;
  /** Step 2: the drawn household's adults; a reason when they were listed before. */
  submit(adults: AdultInput[], rescreenReason: string | null): void;
  start(overrideLine: number | null, overrideReason: string | null): void;
  /** Saves the agreed appointment time ("2010-10-21T18:30") on the visit that ended in it. */
  appoint(when: string): void;
}

function adultInputs(f: ScreeningForm): AdultInput[] | null {
  const out: AdultInput[] = [];
  for (const [i, a] of f.adults.entries()) {
    const age = wholeNumber(a.age);
    if (!a.name.trim() || a.sex === null || age === null || age > 120) return null;
    out.push({ line: i + 1, name: a.name.trim(), sex: a.sex, age, permanent: a.permanent, head: a.head, co_decision_maker: a.co, present: a.present });
  }
  return out.length ? out : null;
}

export function screeningScreen(a: AddressView, ctx: ScreeningCtx): TemplateResult {
  const { s } = ctx;
  const showForm = ctx.form.editing || !a.proposal;
  const body = !a.household ? drawForm(ctx) : showForm ? html`${drawn(a, ctx)} ${listForm(a, ctx)}` : result(a, a.proposal!, ctx);
  return html`<div class="screen screening" data-testid="screening-screen" data-key=${a.key} lang=${ctx.lang}>
    ${fieldTopbar(ctx, { label: s.backToAddress, go: ctx.back, testid: "back-address" }, s.screeningTitle, a.label)}
    <main class="field-body">
      ${errorBox(ctx)} ${body}
    </main>
  </div>`;
}

/** Step 1: how many households live at the address; the app draws one. */
function drawForm(ctx: ScreeningCtx): TemplateResult {
  const { s } = ctx;
  const f = ctx.form;
  const households = wholeNumber(f.households, 1);
  return html`<section class="household-draw" data-testid="household-draw">
    <h2>${s.drawTitle}</h2>
    <p class="hint">${s.drawHint}</p>
    <div class="form-row">
      ${numberField(s.householdsAtAddress, f.households, (v) => {
        f.households = v;
        ctx.redraw();
      }, "households", 1)}
    </div>
    <button class="primary big" data-testid="draw-household" ?disabled=${households === null}
      @click=${() => households !== null && ctx.drawHousehold(households)}>${s.drawHousehold}</button>
  </section>`;
}

/** The drawn household, shown above its adults, with any re-screening. */
function drawn(a: AddressView, ctx: ScreeningCtx): TemplateResult {
  const h = a.household!;
  return html`<section class="household-drawn" data-testid="household-drawn" data-chosen=${h.chosen} data-households=${h.households}>
    <p class="highlight">${h.text}</p>
    ${rescreens(a, ctx)}
  </section>`;
}

function rescreens(a: AddressView, ctx: ScreeningCtx): TemplateResult | typeof nothing {
  const list = a.household?.rescreens ?? [];
  if (!list.length) return nothing;
  return html`<ul class="flag rescreens" data-testid="rescreens">
    ${list.map((r) => html`<li>${ctx.s.rescreened(r.at, r.reason)}</li>`)}
  </ul>`;
}

/** Step 2: the drawn household's adults (and, when listed before, why they are listed again). */
function listForm(a: AddressView, ctx: ScreeningCtx): TemplateResult {
  const { s } = ctx;
  const f = ctx.form;
  const again = a.household?.listed ?? false;
  const reason = f.rescreenReason.trim();
  const redraw = () => ctx.redraw();
  const setAdult = (i: number, patch: Partial<AdultDraft>) => {
    Object.assign(f.adults[i], patch);
    redraw();
  };
  const adults = adultInputs(f);
  return html`<section class="screening-form" data-testid="screening-form">
    <h2>${s.listTitle}</h2>
    <ol class="adult-cards">
      ${f.adults.map(
        (x, i) => html`<li class="adult-card" data-testid="adult-${i + 1}">
          <div class="adult-head">
            <span class="row-number">${i + 1}</span>
            ${textField(s.name, x.name, (v) => setAdult(i, { name: v }), `adult-${i + 1}-name`, true)}
            ${numberField(s.age, x.age, (v) => setAdult(i, { age: v }), `adult-${i + 1}-age`)}
            ${f.adults.length > 1
              ? html`<button class="secondary remove-adult" data-testid="adult-${i + 1}-remove" aria-label=${s.remove}
                  @click=${() => {
                    f.adults.splice(i, 1);
                    redraw();
                  }}>× ${s.remove}</button>`
              : nothing}
          </div>
          <div class="toggles">
            ${chips(
              [
                ["female", s.female],
                ["male", s.male],
              ],
              x.sex,
              (v) => setAdult(i, { sex: v as "female" | "male" }),
              `adult-${i + 1}-sex`,
            )}
            ${toggle(s.permanentMember, x.permanent, (v) => setAdult(i, { permanent: v }), `adult-${i + 1}-permanent`)}
            ${toggle(s.headOfHousehold, x.head, (v) => setAdult(i, { head: v }), `adult-${i + 1}-head`)}
            ${toggle(s.coDecisionMaker, x.co, (v) => setAdult(i, { co: v }), `adult-${i + 1}-co`)}
            ${toggle(s.atHomeNow, x.present, (v) => setAdult(i, { present: v }), `adult-${i + 1}-present`)}
          </div>
        </li>`,
      )}
    </ol>
    <button class="secondary add-adult" data-testid="add-adult"
      @click=${() => {
        f.adults.push(emptyAdult());
        redraw();
      }}>+ ${s.addAdult}</button>
    ${adults === null ? html`<p class="hint">${s.fillEveryAdult}</p>` : nothing}
    ${again
      ? html`<div class="form-row" data-testid="rescreen">
          ${textField(s.rescreenReason, f.rescreenReason, (v) => {
            f.rescreenReason = v;
            redraw();
          }, "rescreen-reason", true)}
          <p class="hint">${s.rescreenHint}</p>
        </div>`
      : nothing}
    <button class="primary big" data-testid="select-respondent" ?disabled=${adults === null || (again && !reason)}
      @click=${() => adults && (!again || reason) && ctx.submit(adults, again ? reason : null)}>${s.selectRespondent}</button>
  </section>`;
}

function result(a: AddressView, p: ProposalView, ctx: ScreeningCtx): TemplateResult {
  const { s } = ctx;
  const f = ctx.form;
  const set = (patch: Partial<ScreeningForm>) => {
    Object.assign(f, patch);
    ctx.redraw();
  };
  const started = a.interview_id !== null;
  const others = p.adults.filter((x) => x.eligible && x.line !== p.line);
  const reasonOk = f.overrideReason.trim() !== "";
  return html`<section class="proposal outcome-${p.outcome}" data-testid="proposal" data-outcome=${p.outcome} data-line=${p.line ?? ""}
      data-action=${p.action ?? ""}>
      <div class="guidance-label">${s.proposalTitle}</div>
      ${p.name ? html`<h1 class="proposal-name" data-testid="proposal-name">${p.name} <span class="line">(${s.row} ${p.line})</span></h1>` : nothing}
      <p class="proposal-text" data-testid="proposal-text">${p.text}</p>
      ${p.households > 1 ? html`<p class="hint" data-testid="household-chosen">${s.householdDrawn(p.chosen_household, p.households)}</p>` : nothing}
      ${p.flagged ? html`<p class="flag" data-testid="flagged">${s.flagged}</p>` : nothing}
      ${rescreens(a, ctx)}
      <div class="guidance-actions">
        ${started
          ? html`<button class="primary big" data-testid="open-interview" @click=${() => ctx.start(null, null)}>${s.openInterview}</button>`
          : p.outcome === "respondent"
            ? html`<button class="${p.action === "appointment" ? "secondary" : "primary big"}" data-testid="start-interview"
                @click=${() => ctx.start(null, null)}>${s.startInterview}</button>`
            : nothing}
        ${started ? nothing : html`<button class="secondary" data-testid="list-again" @click=${() => set({ editing: true })}>${s.listAgain}</button>`}
      </div>
      ${!started && p.action === "appointment" ? appointmentPicker(a, ctx) : nothing}
    </section>
    <section class="listed" data-testid="listed-adults">
      <h2>${s.adultsTitle}</h2>
      <table class="adults-table">
        <tbody>
          ${p.adults.map(
            (x) => html`<tr class="${x.eligible ? "eligible" : "not-eligible"} ${x.line === p.line ? "chosen" : ""}" data-testid="listed-${x.line}">
              <td class="row-number">${x.line}</td>
              <td><strong>${x.name}</strong></td>
              <td class="nowrap">${x.sex === "female" ? s.female : s.male}, ${x.age}</td>
              <td>${x.eligible ? html`<span class="ok">${s.eligible}</span>` : html`<span class="err">${s.notEligible}</span>: ${x.why_not}`}</td>
            </tr>`,
          )}
        </tbody>
      </table>
    </section>
    ${!started && others.length
      ? html`<section class="override" data-testid="override">
          ${f.overrideOpen
            ? html`<h2>${s.overrideTitle}</h2>
                <p class="hint">${s.overrideHint}</p>
                ${chips(
                  others.map((x) => [x.line, `${x.line}. ${x.name}`] as [number, string]),
                  f.overrideLine,
                  (line) => set({ overrideLine: line }),
                  "override-line",
                )}
                <div class="form-row">${textField(s.overrideReason, f.overrideReason, (v) => set({ overrideReason: v }), "override-reason", true)}</div>
                <button class="primary" data-testid="start-override" ?disabled=${f.overrideLine === null || !reasonOk}
                  @click=${() => f.overrideLine !== null && reasonOk && ctx.start(f.overrideLine, f.overrideReason.trim())}>${s.startOverride}</button>`
            : html`<button class="secondary" data-testid="override-open" @click=${() => set({ overrideOpen: true })}>${s.overrideTitle}</button>`}
        </section>`
      : nothing}`;
}

/** When the respondent is out: the day and time agreed for the next visit. */
function appointmentPicker(a: AddressView, ctx: ScreeningCtx): TemplateResult {
  const { s } = ctx;
  const f = ctx.form;
  const set = (patch: Partial<ScreeningForm>) => {
    Object.assign(f, patch);
    ctx.redraw();
  };
  const saved = a.visits[a.visits.length - 1]?.appointment ?? null;
  return html`<div class="field-block" data-testid="appointment-picker">
    <span class="field-label">${s.appointmentWhen}</span>
    ${saved ? html`<p class="highlight" data-testid="appointment-saved">${s.appointmentAt(saved)}</p>` : nothing}
    ${chips(days(s), f.apptDay, (day) => set({ apptDay: f.apptDay === day ? null : day }), "screen-appt-day")}
    ${chips(
      TIMES.map((t) => [t, t] as [string, string]),
      f.apptTime,
      (time) => set({ apptTime: f.apptTime === time ? null : time }),
      "screen-appt-time",
    )}
    <button class="primary" data-testid="save-appointment" ?disabled=${!f.apptDay || !f.apptTime}
      @click=${() => f.apptDay && f.apptTime && ctx.appoint(`${f.apptDay}T${f.apptTime}`)}>${s.saveAppointment}</button>
  </div>`;
}
