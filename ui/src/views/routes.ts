// "My routes": the routes assigned to this device, each with its street, city, quota state
// (women and men achieved against the route's cell), visits, completes and appointments. On a
// fresh database the demo draw is offered, saying that in real fieldwork the supervisor draws.

import { html, nothing, type TemplateResult } from "lit-html";

import type { MyRoutes } from "../bindings/MyRoutes";
import type { RouteSummaryView } from "../bindings/RouteSummaryView";
import type { Strings } from "../i18n";
import { errorBox, fieldTopbar, quotaBars, type FieldBase } from "./field-common";

export interface RoutesCtx extends FieldBase {
  home(): void;
  open(id: string): void;
  drawDemo(): void;
}

export function routesScreen(mine: MyRoutes | null, ctx: RoutesCtx): TemplateResult {
  const { s } = ctx;
  return html`<div class="screen routes" data-testid="routes-screen" lang=${ctx.lang}>
    ${fieldTopbar(ctx, { label: s.home, go: ctx.home, testid: "home" }, s.myRoutes, "Dala")}
    <main class="field-body">
      ${errorBox(ctx)}
      ${mine === null
        ? html`<p>${s.loading}</p>`
        : mine.routes.length === 0
          ? emptyState(mine, ctx)
          : html`<ul class="route-cards">
              ${mine.routes.map((r) => html`<li>${routeCard(r, s, () => ctx.open(r.id))}</li>`)}
            </ul>`}
    </main>
  </div>`;
}

function emptyState(mine: MyRoutes, ctx: RoutesCtx): TemplateResult {
  const { s } = ctx;
  return html`<section class="empty-routes" data-testid="no-routes">
    <p class="empty">${s.noMyRoutes}</p>
    <p>${s.supervisorDraws}</p>
    ${mine.can_draw_demo
      ? html`<p>${s.demoExplain}</p>
          <button class="primary big" data-testid="draw-demo" @click=${ctx.drawDemo}>${s.drawDemo}</button>`
      : mine.routes_on_device > 0
        ? html`<p class="message warning">${s.routesElsewhere(mine.routes_on_device)}</p>`
        : nothing}
  </section>`;
}

export function routeCard(r: RouteSummaryView, s: Strings, open: () => void): TemplateResult {
  const direction = s.directionWord[r.direction as "ascending" | "descending"] ?? r.direction;
  return html`<button class="route-card" data-testid="route-card" data-id=${r.id} @click=${open}>
    <span class="route-head">
      <span class="route-street">${r.street}</span>
      <span class="route-city">${r.city_name} · <span class="route-id">${r.id}</span></span>
    </span>
    <span class="route-start">${s.startAt(r.start_house, direction)}</span>
    ${quotaBars(r.quota, s, true)}
    <span class="route-stats">
      ${stat(s.statAddresses, r.addresses, "addresses")} ${stat(s.statVisits, r.visits, "visits")}
      ${stat(s.statCompletes, r.completes, "completes")} ${stat(s.statAppointments, r.appointments, "appointments", r.appointments > 0)}
    </span>
  </button>`;
}

function stat(label: string, n: number, id: string, highlight = false): TemplateResult {
  return html`<span class="stat ${highlight ? "highlight" : ""}" data-testid="stat-${id}"><strong>${n}</strong> ${label}</span>`;
}
