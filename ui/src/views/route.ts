// The route screen: what replaces the interviewer's paper journal.
//
// Always visible: the route's quota state. Then the guidance card (the next address in big type
// with the walking hint; or "describe this building"; or "ask the supervisor for a continuation
// point"), the appointments made, and every address approached with its status, visits and
// disposition. "Next address" moves the walk on once the current address has a visit.

import { html, nothing, type TemplateResult } from "lit-html";

import type { AddressView } from "../bindings/AddressView";
import type { BuildingInput } from "../bindings/BuildingInput";
import type { GuidanceView } from "../bindings/GuidanceView";
import type { RouteView } from "../bindings/RouteView";
import type { WalkAction } from "../bindings/WalkAction";
import type { BuildingKindId, Strings } from "../i18n";
import { chips, errorBox, fieldTopbar, localTime, noticeBox, numberField, quotaBars, statusChip, textField, toggle, wholeNumber, type FieldBase } from "./field-common";

/** What is being typed to describe a building. */
export interface BuildingForm {
  /** The house being described; null: the form is closed (on an "approach" card). */
  house: number | null;
  kind: BuildingKindId | null;
  entrances: string;
  flatsPerEntrance: string;
  firstFlat: string;
  rangeOnly: boolean;
  first: string;
  last: string;
  /** A building numbered next to `house` («15А», «15/1», «15 корп. 2»); empty: the building `house` itself. */
  number: string;
}

export interface ContinuationForm {
  streetRu: string;
  streetKk: string;
  from: string;
  to: string;
  start: string;
  ascending: boolean;
}

export function emptyBuildingForm(): BuildingForm {
  return { house: null, kind: null, entrances: "", flatsPerEntrance: "", firstFlat: "1", rangeOnly: false, first: "", last: "", number: "" };
}

export function emptyContinuationForm(): ContinuationForm {
  return { streetRu: "", streetKk: "", from: "", to: "", start: "", ascending: true };
}

export interface RouteCtx extends FieldBase {
  building: BuildingForm;
  continuation: ContinuationForm;
  back(): void;
  walk(action: WalkAction): void;
  openAddress(key: string): void;
}

export function routeScreen(view: RouteView, ctx: RouteCtx): TemplateResult {
  const { s } = ctx;
  const r = view.route;
  const g = view.guidance;
  const current = g.kind === "approach" ? g.address : null;
  const canNext = current !== null && current.status !== "not_visited";
  return html`<div class="screen route" data-testid="route-screen" data-route=${r.id} lang=${ctx.lang}>
    ${fieldTopbar(ctx, { label: s.backToRoutes, go: ctx.back, testid: "back-routes" }, r.street, html`${r.city_name} · ${s.routeLabel} ${r.id}`)}
    <section class="quota-strip" data-testid="quota-strip">
      ${quotaBars(r.quota, s)}
      <div class="route-stats">
        <span class="stat" data-testid="route-addresses"><strong>${r.addresses}</strong> ${s.statAddresses}</span>
        <span class="stat" data-testid="route-visits"><strong>${r.visits}</strong> ${s.statVisits}</span>
        <span class="stat" data-testid="route-completes"><strong>${r.completes}</strong> ${s.statCompletes}</span>
        <span class="stat ${r.appointments ? "highlight" : ""}" data-testid="route-appointments"><strong>${r.appointments}</strong> ${s.statAppointments}</span>
      </div>
    </section>
    <main class="field-body">
      ${errorBox(ctx)} ${noticeBox(ctx)} ${guidanceCard(g, ctx)} ${appointments(view.addresses, s, ctx)} ${addressList(view.addresses, current?.key ?? null, ctx)}
    </main>
    ${g.kind === "approach"
      ? html`<footer class="navbar">
          <span class="hint">${canNext ? nothing : s.nextNeedsVisit}</span>
          <button class="nav-button next primary" data-testid="next-address" ?disabled=${!canNext} @click=${() => ctx.walk({ action: "next_address" })}>
            ${s.nextAddress} ›
          </button>
        </footer>`
      : nothing}
  </div>`;
}

function guidanceCard(g: GuidanceView, ctx: RouteCtx): TemplateResult {
  const { s } = ctx;
  if (g.kind === "approach" && g.address) {
    const a = g.address;
    const formOpen = ctx.building.house !== null;
    return html`<article class="guidance approach" data-testid="guidance" data-kind="approach" data-key=${a.key}>
      <div class="guidance-label">${s.nextAddressTitle}</div>
      <h1 class="guidance-address" data-testid="guidance-address">${a.label}</h1>
      ${a.locked ? html`<div class="locked-badge" data-testid="locked-address">${s.lockedAddress}</div>` : nothing}
      ${g.hint ? html`<div class="walk-hint" data-testid="walk-hint">${g.hint}</div>` : nothing}
      <div class="guidance-meta">
        <span>${s.dwellingKinds[a.dwelling] ?? a.dwelling}</span> ${statusChip(a.status, s)}
        ${a.visits.length ? html`<span>${s.visitsCount(a.visits.length)} · ${a.visits[a.visits.length - 1].outcome_label}</span>` : nothing}
      </div>
      <div class="guidance-actions">
        <button class="primary big" data-testid="record-visit" @click=${() => ctx.openAddress(a.key)}>${s.recordVisit}</button>
        ${a.dwelling === "single_house" && a.status === "not_visited" && !formOpen
          ? html`<button class="secondary" data-testid="not-single-house" @click=${() => openBuildingForm(ctx, g.house)}>${s.notSingleHouse}</button>`
          : nothing}
        <button class="secondary" data-testid="dead-end" @click=${() => ctx.walk({ action: "dead_end" })}>${s.deadEnd}</button>
      </div>
      ${formOpen ? buildingForm(ctx, ctx.building.house) : nothing}
    </article>`;
  }
  if (g.kind === "describe_building") {
    return html`<article class="guidance describe" data-testid="guidance" data-kind="describe_building" data-house=${g.house ?? ""}>
      <div class="guidance-label">${s.describeTitle}</div>
      <p class="guidance-text" data-testid="guidance-text">${g.text}</p>
      ${buildingForm(ctx, g.house)}
      <div class="guidance-actions">
        <button class="secondary" data-testid="dead-end" @click=${() => ctx.walk({ action: "dead_end" })}>${s.deadEnd}</button>
      </div>
    </article>`;
  }
  return html`<article class="guidance continuation" data-testid="guidance" data-kind=${g.kind}>
    <p class="guidance-text big-text" data-testid="guidance-text">${g.text}</p>
    ${continuationForm(ctx)}
  </article>`;
}

function openBuildingForm(ctx: RouteCtx, house: number | null) {
  Object.assign(ctx.building, { ...ctx.building, house, kind: null });
  ctx.redraw();
}

/** The building as the session takes it, or null while the form is incomplete. */
function buildingInput(f: BuildingForm): BuildingInput | null {
  switch (f.kind) {
    case null:
      return null;
    case "apartment_block":
    case "refused_access": {
      // A block that cannot be entered is described by its flats all the same (the ranges on the
      // entrance signs, or entrances and flats counted from outside): its selected flats are cases.
      const locked = f.kind === "refused_access";
      if (f.rangeOnly) {
        const first = wholeNumber(f.first, 1);
        const last = wholeNumber(f.last, 1);
        if (first === null || last === null || last < first) return null;
        return locked ? { kind: "locked_flat_range", first, last } : { kind: "flat_range", first, last };
      }
      const entrances = wholeNumber(f.entrances, 1);
      const flats = wholeNumber(f.flatsPerEntrance, 1);
      const firstFlat = wholeNumber(f.firstFlat, 1);
      if (entrances === null || flats === null || entrances > 99) return null;
      const flatsPerEntrance = Array<number>(entrances).fill(flats);
      return locked
        ? { kind: "locked_block", flats_per_entrance: flatsPerEntrance, first_flat: firstFlat ?? 1 }
        : { kind: "apartment_block", flats_per_entrance: flatsPerEntrance, first_flat: firstFlat ?? 1 };
    }
    default:
      return { kind: f.kind } as BuildingInput;
  }
}

function buildingForm(ctx: RouteCtx, house: number | null): TemplateResult {
  const { s } = ctx;
  const f = ctx.building;
  const set = (patch: Partial<BuildingForm>) => {
    Object.assign(f, patch);
    ctx.redraw();
  };
  const kinds: BuildingKindId[] = ["single_house", "apartment_block", "non_residential", "refused_access", "no_such_number"];
  const input = buildingInput(f);
  return html`<div class="building-form" data-testid="building-form">
    ${chips(
      kinds.map((k) => [k, s.buildingKinds[k]] as [BuildingKindId, string]),
      f.kind,
      (kind) => set({ kind }),
      "building",
    )}
    ${f.kind === "refused_access" ? html`<p class="field-note" data-testid="locked-block-note">${s.lockedBlockNote}</p>` : nothing}
    ${f.kind === "apartment_block" || f.kind === "refused_access"
      ? html`<div class="form-row">
          ${f.rangeOnly
            ? html`${numberField(s.flatFrom, f.first, (v) => set({ first: v }), "flat-first", 1)} ${numberField(s.flatTo, f.last, (v) => set({ last: v }), "flat-last", 1)}`
            : html`${numberField(s.entrances, f.entrances, (v) => set({ entrances: v }), "entrances", 1)}
              ${numberField(s.flatsPerEntrance, f.flatsPerEntrance, (v) => set({ flatsPerEntrance: v }), "flats-per-entrance", 1)}
              ${numberField(s.firstFlat, f.firstFlat, (v) => set({ firstFlat: v }), "first-flat", 1)}`}
          ${toggle(s.onlyFlatRange, f.rangeOnly, (v) => set({ rangeOnly: v }), "range-only")}
        </div>`
      : nothing}
    <div class="form-row">${textField(s.extraBuildingNumber(house), f.number, (v) => set({ number: v }), "extra-number")}</div>
    <button class="primary big" data-testid="confirm-building" ?disabled=${input === null || house === null}
      @click=${() => {
        if (!input || house === null) return;
        // The session reads the number («15А», «15/1», «15к2») and refuses one it cannot read.
        const number = f.number.trim();
        ctx.walk(number ? { action: "describe_extra_building", number, building: input } : { action: "describe_building", house, building: input });
      }}>${s.confirmBuilding}</button>
  </div>`;
}

function continuationForm(ctx: RouteCtx): TemplateResult {
  const { s } = ctx;
  const f = ctx.continuation;
  const set = (patch: Partial<ContinuationForm>) => {
    Object.assign(f, patch);
    ctx.redraw();
  };
  const from = wholeNumber(f.from, 1);
  const to = wholeNumber(f.to, 1);
  const start = wholeNumber(f.start, 1);
  const ready = f.streetRu.trim() !== "" && from !== null && to !== null && start !== null && from <= to && start >= from && start <= to;
  return html`<div class="continuation-form" data-testid="continuation-form">
    <h2>${s.continuationTitle}</h2>
    <div class="form-row">
      ${textField(s.streetRu, f.streetRu, (v) => set({ streetRu: v }), "cont-street-ru", true)}
      ${textField(s.streetKk, f.streetKk, (v) => set({ streetKk: v }), "cont-street-kk", true)}
    </div>
    <div class="form-row">
      ${numberField(s.numbersFrom, f.from, (v) => set({ from: v }), "cont-from", 1)} ${numberField(s.numbersTo, f.to, (v) => set({ to: v }), "cont-to", 1)}
      ${numberField(s.startHouse, f.start, (v) => set({ start: v }), "cont-start", 1)}
    </div>
    ${chips(
      [
        ["asc", s.directionWord.ascending],
        ["desc", s.directionWord.descending],
      ],
      f.ascending ? "asc" : "desc",
      (v) => set({ ascending: v === "asc" }),
      "cont-direction",
    )}
    <button class="primary big" data-testid="continue-route" ?disabled=${!ready}
      @click=${() =>
        ready &&
        ctx.walk({
          action: "continue_from",
          street_ru: f.streetRu.trim(),
          street_kk: f.streetKk.trim() || f.streetRu.trim(),
          from_number: from!,
          to_number: to!,
          start_house: start!,
          ascending: f.ascending,
        })}>${s.continueRoute}</button>
  </div>`;
}

/** Open addresses whose last visit set an appointment, soonest first. */
function appointments(addresses: AddressView[], s: Strings, ctx: RouteCtx): TemplateResult | typeof nothing {
  const due = addresses
    .filter((a) => a.status !== "closed")
    .map((a) => ({ a, at: a.visits[a.visits.length - 1]?.appointment ?? null }))
    .filter((x): x is { a: AddressView; at: string } => x.at !== null)
    .sort((x, y) => x.at.localeCompare(y.at));
  if (!due.length) return nothing;
  return html`<section class="appointments" data-testid="appointments">
    <h2>${s.appointmentsTitle}</h2>
    <ul>
      ${due.map(
        ({ a, at }) => html`<li><button class="appointment-row" data-testid="appointment" @click=${() => ctx.openAddress(a.key)}>
          <strong>${localTime(at)}</strong> <span>${a.label}</span>
        </button></li>`,
      )}
    </ul>
  </section>`;
}

function addressList(addresses: AddressView[], currentKey: string | null, ctx: RouteCtx): TemplateResult {
  const { s } = ctx;
  return html`<section class="address-list" data-testid="address-list">
    <h2>${s.addressesTitle} <span class="count">${addresses.length}</span></h2>
    ${addresses.length === 0
      ? html`<p class="empty">${s.noAddresses}</p>`
      : html`<ol>
          ${addresses.map((a, i) => {
            const last = a.visits[a.visits.length - 1];
            return html`<li>
              <button class="address-row status-${a.status} ${a.key === currentKey ? "current" : ""}" data-testid="address-row" data-key=${a.key}
                data-status=${a.status} data-disposition=${a.disposition ?? ""} @click=${() => ctx.openAddress(a.key)}>
                <span class="row-number">${i + 1}</span>
                <span class="address-main">
                  <span class="address-label">${a.label}</span>
                  <span class="address-sub">
                    ${statusChip(a.status, s)} <span>${s.visitsCount(a.visits.length)}</span>
                    ${last ? html`<span>· ${last.outcome_label} (${last.outcome})</span>` : nothing}
                    ${last?.appointment && a.status !== "closed" ? html`<span class="highlight">· ${s.appointmentAt(localTime(last.appointment))}</span>` : nothing}
                  </span>
                  ${a.disposition
                    ? html`<span class="address-disposition" data-testid="address-disposition">
                        ${s.finalCode}: <strong>${a.disposition}</strong> ${a.disposition_label}${a.status === "closed" ? nothing : html` (${s.provisional})`}
                      </span>`
                    : nothing}
                  ${a.interview_id ? html`<span class="address-interview">${s.interviewStarted}</span>` : nothing}
                </span>
              </button>
            </li>`;
          })}
        </ol>`}
  </section>`;
}
