// The home screen: a big "New interview" button, "My routes" when the study has random-route
// fieldwork (the routes assigned to this device with their quota state, visits, completes and
// appointments) and the supervisor dashboard, and the interviews on this device, grouped New / In progress / Completed / Broken
// off; a tap on a row reopens it at its last question (an ended one read-only).

import { html, nothing, type TemplateResult } from "lit-html";

import type { Access } from "../bindings/Access";
import type { CommandError } from "../bindings/CommandError";
import type { InterviewSummary } from "../bindings/InterviewSummary";
import type { Lang } from "../bindings/Lang";
import type { MyRoutes } from "../bindings/MyRoutes";
import type { StudyInfo } from "../bindings/StudyInfo";
import { STRINGS, type Strings } from "../i18n";
import { formatTimestamp, languageSwitch } from "./common";
import { routeCard } from "./routes";

export interface HomeCtx {
  s: Strings;
  lang: Lang;
  error: CommandError | null;
  myRoutes: MyRoutes | null;
  openRoutes(): void;
  openDashboard(): void;
  openBackchecks(): void;
  openExport(): void;
  openSync(): void;
  /** Review and the dashboard are offered to supervisors and coordinators (and in the open demo). */
  canSupervise: boolean;
  access: Access | null;
  openUsers(): void;
  lock(): void;
  openRoute(id: string): void;
  setLanguage(lang: Lang): void;
  create(): void;
  open(id: string): void;
}

export function homeScreen(study: StudyInfo | null, interviews: InterviewSummary[] | null, ctx: HomeCtx): TemplateResult {
  const { s } = ctx;
  const title = study?.titles[ctx.lang] ?? study?.id ?? "";
  // Until the list (and with it the user's role) is known, no button is drawn: buttons appearing above one the
  // interviewer is about to tap would move it from under the finger (and did move it from under WebDriver's click).
  const loaded = interviews !== null || ctx.error !== null;
  return html`<div class="screen home" data-testid="home-screen" data-loaded=${loaded ? "yes" : "no"} lang=${ctx.lang}>
    <header class="topbar">
      <div class="brand">Dala</div>
      <div class="where"><div class="study-title" data-testid="study-title">${title}</div><div class="block-of">${s.interviews}</div></div>
      ${languageSwitch(ctx.lang, s, ctx.setLanguage)}
    </header>
    <main class="home-body">
      ${ctx.error ? html`<div class="message error" role="alert" data-testid="command-error">${ctx.error.message}</div>` : nothing}
      ${loaded ? actions(interviews ?? [], ctx) : html`<p data-testid="home-loading">${s.loading}</p>`}
    </main>
  </div>`;
}

function actions(list: InterviewSummary[], ctx: HomeCtx): TemplateResult {
  const { s } = ctx;
  const sorted = [...list].sort((a, b) => b.updated_at.localeCompare(a.updated_at));
  const groups: Array<[string, string, InterviewSummary[]]> = [
    ["in-progress", s.groupInProgress, sorted.filter((i) => i.status === "in_progress" && i.answered > 0)],
    ["new", s.groupNew, sorted.filter((i) => i.status === "in_progress" && i.answered === 0)],
    ["completed", s.groupCompleted, sorted.filter((i) => i.status === "completed")],
    ["broken-off", s.groupBrokenOff, sorted.filter((i) => i.status === "broken_off")],
    ["refused", s.groupRefused, sorted.filter((i) => i.status === "refused")],
  ];
  return html`
      <button class="primary big new-interview" data-testid="new-interview" @click=${ctx.create}>
        <span class="plus">+</span> ${s.newInterview} <small>(${s.newInterviewIn(s.languageName)})</small>
      </button>
      ${ctx.myRoutes?.has_fieldwork ? myRoutesEntry(ctx.myRoutes, ctx) : nothing}
      ${ctx.myRoutes?.has_fieldwork && ctx.canSupervise
        ? html`<button class="big dashboard-entry" data-testid="open-dashboard" @click=${ctx.openDashboard}>${s.dash.open} ›</button>
            <button class="big dashboard-entry" data-testid="open-backchecks" @click=${ctx.openBackchecks}>${s.backcheck.open} ›</button>`
        : nothing}
      ${ctx.canSupervise
        ? html`<button class="big dashboard-entry" data-testid="open-export" @click=${ctx.openExport}>${s.exp.open} ›</button>`
        : nothing}
      <button class="big sync-entry" data-testid="open-sync" @click=${ctx.openSync}>${s.sync.open} ›</button>
      <div class="user-row">
        ${ctx.access?.user ? html`<span data-testid="signed-in">${s.users.roles[ctx.access.user.role as "interviewer"] ?? ""}: <strong>${ctx.access.user.name}</strong></span>` : nothing}
        <button class="secondary" data-testid="open-users" @click=${ctx.openUsers}>${s.users.open}</button>
        ${ctx.access?.user ? html`<button class="secondary" data-testid="lock-now" @click=${ctx.lock}>${s.users.lockNow}</button>` : nothing}
      </div>
      ${list.length === 0
          ? html`<p class="empty">${s.noInterviews}</p>`
          : groups.map(([id, label, items]) =>
              items.length
                ? html`<section class="interview-group" data-testid="group-${id}">
                    <h2>${label} <span class="count">${items.length}</span></h2>
                    <ul>
                      ${items.map(
                        (i) => html`<li><button class="interview-row status-${i.status}" data-testid="interview-row" data-id=${i.id}
                          data-status=${i.status} @click=${() => ctx.open(i.id)}>
                          <span class="row-main"><strong>${s.interviewNo} ${i.id.slice(0, 8)}</strong>
                            <span class="lang-tag" lang=${i.language}>${STRINGS[i.language].languageName}</span>
                            ${i.status === "in_progress" ? nothing : html`<span class="status-tag status-${i.status}" data-testid="interview-status">${s.interviewStatus[i.status]}</span>`}
                            ${i.review === "rejected" ? html`<span class="status-tag status-rejected" data-testid="interview-review">${s.review.rejectedBanner}</span>` : nothing}</span>
                          <span class="row-sub">${s.answers(i.answered)} · ${s.created} ${formatTimestamp(i.created_at)} ·
                            ${s.updated} ${formatTimestamp(i.updated_at)}</span>
                        </button></li>`,
                      )}
                    </ul>
                  </section>`
                : nothing,
            )}`;
}

function myRoutesEntry(mine: MyRoutes, ctx: HomeCtx): TemplateResult {
  const { s } = ctx;
  const appointments = mine.routes.reduce((n, r) => n + r.appointments, 0);
  return html`<section class="my-routes-entry" data-testid="home-routes">
    <button class="big my-routes" data-testid="my-routes" @click=${ctx.openRoutes}>
      <span class="my-routes-title">${s.myRoutes} ›</span>
      <span class="my-routes-sub">${s.myRoutesCount(mine.routes.length)}${appointments ? html` · <strong>${s.appointmentsDue(appointments)}</strong>` : nothing}</span>
    </button>
    ${mine.routes.length
      ? html`<ul class="route-cards">
          ${mine.routes.map((r) => html`<li>${routeCard(r, s, () => ctx.openRoute(r.id))}</li>`)}
        </ul>`
      : nothing}
  </section>`;
}
