// The home screen: a big "New interview" button and the interviews on this device, grouped
// New / In progress / Completed; a tap on a row reopens it at its last question.

import { html, nothing, type TemplateResult } from "lit-html";

import type { CommandError } from "../bindings/CommandError";
import type { InterviewSummary } from "../bindings/InterviewSummary";
import type { Lang } from "../bindings/Lang";
import type { StudyInfo } from "../bindings/StudyInfo";
import { STRINGS, type Strings } from "../i18n";
import { formatTimestamp, languageSwitch } from "./common";

export interface HomeCtx {
  s: Strings;
  lang: Lang;
  error: CommandError | null;
  setLanguage(lang: Lang): void;
  create(): void;
  open(id: string): void;
}

export function homeScreen(study: StudyInfo | null, interviews: InterviewSummary[] | null, ctx: HomeCtx): TemplateResult {
  const { s } = ctx;
  const title = study?.titles[ctx.lang] ?? study?.id ?? "";
  const list = interviews ?? [];
  const sorted = [...list].sort((a, b) => b.updated_at.localeCompare(a.updated_at));
  const groups: Array<[string, string, InterviewSummary[]]> = [
    ["in-progress", s.groupInProgress, sorted.filter((i) => i.status === "in_progress" && i.answered > 0)],
    ["new", s.groupNew, sorted.filter((i) => i.status === "in_progress" && i.answered === 0)],
    ["completed", s.groupCompleted, sorted.filter((i) => i.status === "completed")],
  ];
  return html`<div class="screen home" data-testid="home-screen" lang=${ctx.lang}>
    <header class="topbar">
      <div class="brand">Dala</div>
      <div class="where"><div class="study-title" data-testid="study-title">${title}</div><div class="block-of">${s.interviews}</div></div>
      ${languageSwitch(ctx.lang, s, ctx.setLanguage)}
    </header>
    <main class="home-body">
      ${ctx.error ? html`<div class="message error" role="alert" data-testid="command-error">${ctx.error.message}</div>` : nothing}
      <button class="primary big new-interview" data-testid="new-interview" @click=${ctx.create}>
        <span class="plus">+</span> ${s.newInterview} <small>(${s.newInterviewIn(s.languageName)})</small>
      </button>
      ${interviews === null
        ? html`<p>${s.loading}</p>`
        : list.length === 0
          ? html`<p class="empty">${s.noInterviews}</p>`
          : groups.map(([id, label, items]) =>
              items.length
                ? html`<section class="interview-group" data-testid="group-${id}">
                    <h2>${label} <span class="count">${items.length}</span></h2>
                    <ul>
                      ${items.map(
                        (i) => html`<li><button class="interview-row status-${i.status}" data-testid="interview-row" data-id=${i.id}
                          @click=${() => ctx.open(i.id)}>
                          <span class="row-main"><strong>${s.interviewNo} ${i.id.slice(0, 8)}</strong>
                            <span class="lang-tag" lang=${i.language}>${STRINGS[i.language].languageName}</span></span>
                          <span class="row-sub">${s.answers(i.answered)} · ${s.created} ${formatTimestamp(i.created_at)} ·
                            ${s.updated} ${formatTimestamp(i.updated_at)}</span>
                        </button></li>`,
                      )}
                    </ul>
                  </section>`
                : nothing,
            )}
    </main>
  </div>`;
}
