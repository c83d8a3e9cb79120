// The supervisor dashboard: filters, summary figures, three charts (quota completion by sex per
// city, completes per day per interviewer, contact outcomes per interviewer) and the tables of
// routes (at-risk rows highlighted with their reasons), outcomes with AAPOR rates, and interviewers
// with their paradata flags, each listing its interviews.
//
// Everything shown comes computed from the session's DashboardView (crates/session/src/dashboard.rs):
// this file only lays it out. The charts are Chart.js, bundled by Vite (no network at run time).

import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from "chart.js";
import { html, nothing, type TemplateResult } from "lit-html";

import type { DashboardFilter } from "../bindings/DashboardFilter";
import type { DashboardView } from "../bindings/DashboardView";
import type { DispositionsView } from "../bindings/DispositionsView";
import type { OutcomeView } from "../bindings/OutcomeView";
import type { DashStrings } from "../i18n";
import { errorBox, fieldTopbar, type FieldBase } from "./field-common";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Legend, Tooltip);

export interface DashboardCtx extends FieldBase {
  home(): void;
  /** Applies a changed filter (the controller asks the session for the new view). */
  filter(change: Partial<DashboardFilter>): void;
  /** Presentation only: list every planned route or only those with fieldwork. */
  onlyWorked: boolean;
  toggleWorked(): void;
}

const CLASSES: Array<keyof Omit<DispositionsView, "quota_filled">> = ["i", "p", "r", "nc", "o", "uh", "uo", "ne"];
const COLORS = { female: "#b4236b", femaleTarget: "#f4c2d9", male: "#1d5fa8", maleTarget: "#bcd3f0" };
const SERIES = ["#0f4c5c", "#b45309", "#6b21a8", "#166534", "#b91c1c", "#1d5fa8", "#92400e", "#4b5563"];
const CLASS_COLORS = ["#166534", "#65a30d", "#b91c1c", "#b45309", "#6b21a8", "#9ca3af", "#d1d5db", "#1f2937"];

export function dashboardScreen(view: DashboardView | null, ctx: DashboardCtx): TemplateResult {
  const s = ctx.s.dash;
  return html`<div class="screen dashboard" data-testid="dashboard-screen" lang=${ctx.lang}>
    ${fieldTopbar(ctx, { label: ctx.s.home, go: ctx.home, testid: "home" }, s.title, "Dala")}
    <main class="field-body dash-body">
      ${errorBox(ctx)}
      ${view === null ? html`<p>${ctx.s.loading}</p>` : body(view, ctx, s)}
    </main>
  </div>`;
}

function body(v: DashboardView, ctx: DashboardCtx, s: DashStrings): TemplateResult {
  const pct = (x: number | null) => (x === null ? "—" : `${(100 * x).toFixed(1)} %`);
  const routes = ctx.onlyWorked ? v.routes.filter((r) => r.addresses > 0 || r.at_risk) : v.routes;
  return html`
    ${filters(v, ctx, s)}
    ${v.gaps.length
      ? html`<div class="message error" role="alert" data-testid="dash-gaps">
          <ul>${v.gaps.map((g) => html`<li>${s.gap(g.interviewer ? `${g.interviewer} (${g.device.slice(0, 8)})` : g.device.slice(0, 8), g.missing, g.first_missing, g.last_held)}</li>`)}</ul>
        </div>`
      : nothing}
    <section class="dash-tiles" data-testid="dash-tiles">
      ${tile(s.completes, `${v.completes} / ${v.target}`, "completes")} ${tile(s.visits, String(v.visits), "visits")}
      ${tile(s.awaiting, String(v.awaiting_callback), "awaiting")} ${tile(s.atRisk, String(v.routes_at_risk), "at-risk", v.routes_at_risk > 0)}
      ${tile("RR1", pct(v.overall.rr1), "rr1")} ${tile("COOP1", pct(v.overall.coop1), "coop1")} ${tile("REF1", pct(v.overall.ref1), "ref1")}
      ${tile("CON1", pct(v.overall.con1), "con1")}
    </section>
    <section class="dash-charts">
      <figure class="dash-chart"><figcaption>${s.quotaChart}</figcaption>
        <p class="chart-legend"><span><span class="swatch female"></span> ${s.women}</span> <span><span class="swatch male"></span> ${s.men}</span>
          <span><span class="swatch rest"></span> ${s.remaining}</span></p><div class="chart-box"><canvas id="chart-quota" data-testid="chart-quota"></canvas></div></figure>
      <figure class="dash-chart"><figcaption>${s.perDayChart}</figcaption><div class="chart-box"><canvas id="chart-per-day" data-testid="chart-per-day"></canvas></div></figure>
      <figure class="dash-chart"><figcaption>${s.dispositionsChart}</figcaption><div class="chart-box"><canvas id="chart-dispositions" data-testid="chart-dispositions"></canvas></div></figure>
    </section>
    <section class="dash-section">
      <h2>${s.routesTable}
        <label class="dash-toggle"><input type="checkbox" .checked=${ctx.onlyWorked} @change=${ctx.toggleWorked} /> ${s.onlyWorked}</label></h2>
      ${routes.length === 0 ? html`<p class="empty">${s.nothing}</p>` : html`<div class="table-wrap"><table class="dash-table" data-testid="dash-routes">
        <thead><tr><th>${s.route}</th><th>${s.city}</th><th>${s.interviewer}</th><th class="num">${s.completes}</th>
          <th class="num">${s.women}</th><th class="num">${s.men}</th><th class="num">${s.visits}</th><th class="num">${s.addresses}</th>
          <th class="num">${s.awaiting}</th><th>${s.lastActivity}</th><th>${s.reasons}</th></tr></thead>
        <tbody>${routes.map(
          (r) => html`<tr class=${r.at_risk ? "at-risk" : ""} data-testid="dash-route" data-id=${r.id} data-at-risk=${r.at_risk}>
            <td class="id">${r.id}</td><td>${r.city_name}</td><td class="id">${r.interviewer ?? "—"}</td><td class="num">${r.completes} / ${r.target}</td>
            <td class="num">${r.female} / ${r.target_female}</td><td class="num">${r.male} / ${r.target_male}</td>
            <td class="num">${r.visits}</td><td class="num">${r.addresses}</td><td class="num">${r.awaiting_callback}</td>
            <td>${r.last_activity ? stamp(r.last_activity) : s.never}</td>
            <td class="reasons">${r.risks.length ? html`<ul class="risks">${r.risks.map((x) => html`<li data-risk=${x.kind}>${x.message}</li>`)}</ul>` : nothing}</td>
          </tr>`,
        )}</tbody></table></div>`}
    </section>
    <section class="dash-section">
      <h2>${s.outcomesTitle}</h2>
      ${outcomeTable(s.byCity, s.city, v.outcomes_by_city, s, "city")}
      ${outcomeTable(s.byInterviewer, s.interviewer, v.outcomes_by_interviewer, s, "interviewer")}
      ${outcomeTable(s.byRoute, s.route, v.outcomes_by_route, s, "route")}
    </section>
    <section class="dash-section">
      <h2>${s.interviewersTitle}</h2>
      ${v.study_median_minutes === null ? nothing : html`<p class="dash-note">${s.studyMedian(v.study_median_minutes.toFixed(0))}</p>`}
      ${v.interviewers.length === 0 ? html`<p class="empty">${s.nothing}</p>` : html`<div class="table-wrap"><table class="dash-table" data-testid="dash-interviewers">
        <thead><tr><th>${s.interviewer}</th><th class="num">${s.interviews}</th><th class="num">${s.completes}</th><th class="num">${s.medianLength}</th><th>${s.flags}</th></tr></thead>
        <tbody>${v.interviewers.map(
          (i) => html`<tr data-testid="dash-interviewer" data-id=${i.id} class=${i.flags.length ? "flagged" : ""}>
            <td class="id">${i.id}</td><td class="num">${i.interviews}</td><td class="num">${i.completes}</td>
            <td class="num">${i.median_minutes === null ? "—" : s.minutes(Math.round(i.median_minutes))}</td>
            <td class="reasons">${i.flags.length === 0 ? html`<span class="dash-note">${s.noFlags}</span>` : html`<ul class="flags">${i.flags.map(
              (f) => html`<li data-flag=${f.kind}><strong>${f.message}</strong>
                <ul class="flagged">${f.interviews.map((x) => html`<li><code title=${x.id}>${x.id}</code> ${x.detail}</li>`)}</ul></li>`,
            )}</ul>`}</td>
          </tr>`,
        )}</tbody></table></div>`}
    </section>`;
}

function filters(v: DashboardView, ctx: DashboardCtx, s: DashStrings): TemplateResult {
  const f = v.filter;
  const pick = (e: Event) => ((e.target as HTMLSelectElement).value || null);
  return html`<section class="dash-filters" data-testid="dash-filters" aria-label=${s.filters}>
    <label>${s.city}<select data-testid="filter-city" @change=${(e: Event) => ctx.filter({ city: pick(e), route: null })}>
      <option value="" ?selected=${f.city === null}>${s.all}</option>
      ${v.cities_available.map((c) => html`<option value=${c.id} ?selected=${f.city === c.id}>${c.name}</option>`)}
    </select></label>
    <label>${s.route}<select data-testid="filter-route" @change=${(e: Event) => ctx.filter({ route: pick(e) })}>
      <option value="" ?selected=${f.route === null}>${s.all}</option>
      ${v.routes_available.map((r) => html`<option value=${r} ?selected=${f.route === r}>${r}</option>`)}
    </select></label>
    <label>${s.interviewer}<select data-testid="filter-interviewer" @change=${(e: Event) => ctx.filter({ interviewer: pick(e) })}>
      <option value="" ?selected=${f.interviewer === null}>${s.all}</option>
      ${v.interviewers_available.map((i) => html`<option value=${i} ?selected=${f.interviewer === i}>${i}</option>`)}
    </select></label>
    <label>${s.from}<input type="date" data-testid="filter-from" .value=${f.from_date ?? ""} @change=${(e: Event) => ctx.filter({ from_date: pick(e) })} /></label>
    <label>${s.to}<input type="date" data-testid="filter-to" .value=${f.to_date ?? ""} @change=${(e: Event) => ctx.filter({ to_date: pick(e) })} /></label>
    <label class="dash-toggle"><input type="checkbox" data-testid="filter-provisional" .checked=${f.provisional}
      @change=${(e: Event) => ctx.filter({ provisional: (e.target as HTMLInputElement).checked })} /> ${s.provisional}</label>
    <button class="secondary" data-testid="filter-reset"
      @click=${() => ctx.filter({ city: null, route: null, interviewer: null, from_date: null, to_date: null, provisional: false })}>${s.reset}</button>
  </section>`;
}

function tile(label: string, value: string, id: string, alert = false): TemplateResult {
  return html`<div class="dash-tile ${alert ? "alert" : ""}" data-testid="tile-${id}"><span class="tile-value">${value}</span><span class="tile-label">${label}</span></div>`;
}

function outcomeTable(title: string, what: string, rows: OutcomeView[], s: DashStrings, id: string): TemplateResult {
  const pct = (x: number | null) => (x === null ? "—" : `${(100 * x).toFixed(1)}`);
  return html`<h3>${title}</h3>
    ${rows.length === 0 ? html`<p class="empty">${s.nothing}</p>` : html`<div class="table-wrap"><table class="dash-table" data-testid="outcomes-${id}">
      <thead><tr><th>${what}</th>${CLASSES.map((c) => html`<th class="num" title=${s.classes[c]}>${c.toUpperCase()}</th>`)}
        <th class="num">RR1 %</th><th class="num">COOP1 %</th><th class="num">REF1 %</th><th class="num">CON1 %</th></tr></thead>
      <tbody>${rows.map(
        (o) => html`<tr><td class="id">${o.label}</td>${CLASSES.map((c) => html`<td class="num">${o.dispositions[c]}</td>`)}
          <td class="num">${pct(o.rr1)}</td><td class="num">${pct(o.coop1)}</td><td class="num">${pct(o.ref1)}</td><td class="num">${pct(o.con1)}</td></tr>`,
      )}</tbody></table></div>`}`;
}

/** "2010-10-19T13:00:00Z" → "2010-10-19 13:00" (UTC, as stored). */
function stamp(t: string): string {
  return `${t.slice(0, 10)} ${t.slice(11, 16)} UTC`;
}

// ---- charts -------------------------------------------------------------------------------------

const charts = new Map<string, Chart>();

function mount(id: string, config: ChartConfiguration): void {
  const canvas = document.getElementById(id) as HTMLCanvasElement | null;
  const old = charts.get(id);
  if (old && old.canvas === canvas) {
    old.data = config.data;
    old.update("none");
    return;
  }
  old?.destroy();
  charts.delete(id);
  if (canvas) charts.set(id, new Chart(canvas, config));
}

const base = {
  responsive: true,
  maintainAspectRatio: false,
  animation: false as const,
  plugins: { legend: { position: "bottom" as const, labels: { boxWidth: 14 } } },
};

/** Draws (or updates) the three charts after lit-html rendered their canvases. */
export function mountCharts(v: DashboardView | null, s: DashStrings): void {
  if (v === null) return;
  Chart.defaults.font.family = '"Dala Sans", sans-serif';
  Chart.defaults.font.size = 13;
  Chart.defaults.color = "#111418";
  // One progress bar per city and sex: completes, then what the target still needs (light).
  const rows = v.cities.flatMap((c) => [
    { label: `${c.name} · ${s.women}`, done: c.female, target: c.target_female, color: COLORS.female, light: COLORS.femaleTarget },
    { label: `${c.name} · ${s.men}`, done: c.male, target: c.target_male, color: COLORS.male, light: COLORS.maleTarget },
  ]);
  mount("chart-quota", {
    type: "bar",
    data: {
      labels: rows.map((r) => r.label),
      datasets: [
        { label: s.done, data: rows.map((r) => r.done), backgroundColor: rows.map((r) => r.color) },
        { label: s.remaining, data: rows.map((r) => Math.max(r.target - r.done, 0)), backgroundColor: rows.map((r) => r.light) },
      ],
    },
    options: {
      ...base,
      indexAxis: "y",
      plugins: {
        ...base.plugins,
        legend: { display: false },
        tooltip: { callbacks: { footer: (items) => (items.length ? `${rows[items[0].dataIndex].done} / ${rows[items[0].dataIndex].target}` : "") } },
      },
      scales: { x: { stacked: true, beginAtZero: true }, y: { stacked: true } },
    },
  });
  mount("chart-per-day", {
    type: "bar",
    data: {
      labels: v.days,
      datasets: v.interviewers.map((i, n) => ({
        label: i.id,
        data: v.days.map((d) => i.per_day.find((x) => x.date === d)?.completes ?? 0),
        backgroundColor: SERIES[n % SERIES.length],
      })),
    },
    options: { ...base, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
  });
  mount("chart-dispositions", {
    type: "bar",
    data: {
      labels: v.outcomes_by_interviewer.map((o) => o.label),
      datasets: CLASSES.map((c, n) => ({
        label: s.classes[c],
        data: v.outcomes_by_interviewer.map((o) => o.dispositions[c]),
        backgroundColor: CLASS_COLORS[n],
      })),
    },
    options: { ...base, indexAxis: "y", scales: { x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }, y: { stacked: true } } },
  });
}
