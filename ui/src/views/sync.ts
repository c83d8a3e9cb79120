// The sync screen: import the packages found in a folder (a USB stick, a shared folder) one by one with
// a progress bar, or write this database's package into it. The session checks and applies each package;
// this view only shows what it reports.

import { html, nothing, type TemplateResult } from "lit-html";

import type { ConflictView } from "../bindings/ConflictView";
import type { ImportReport } from "../bindings/ImportReport";
import type { FieldBase } from "./field-common";
import { languageSwitch } from "./common";

export interface SyncState {
  folder: string;
  busy: boolean;
  done: number;
  total: number;
  report: ImportReport | null;
  written: string[] | null;
  none: boolean;
  /** Answers changed on two devices (null until asked). */
  conflicts: ConflictView[] | null;
}

export interface SyncCtx extends FieldBase {
  home(): void;
  setFolder(folder: string): void;
  importAll(): void;
  exportTo(): void;
  /** The supervisor decides a conflict for one version's value. */
  resolve(conflict: ConflictView, value: unknown): void;
}

export function emptySync(): SyncState {
  return { folder: "", busy: false, done: 0, total: 0, report: null, written: null, none: false, conflicts: null };
}

export function syncScreen(st: SyncState, ctx: SyncCtx): TemplateResult {
  const { s } = ctx;
  const y = s.sync;
  return html`<div class="screen field sync" data-testid="sync-screen" lang=${ctx.lang}>
    <header class="topbar">
      <button class="secondary back" data-testid="home" @click=${ctx.home}>‹ ${s.backToList}</button>
      <div class="where"><div class="study-title">${y.title}</div></div>
      ${languageSwitch(ctx.lang, s, ctx.setLanguage)}
    </header>
    <main class="field-body">
      ${ctx.error ? html`<div class="message error" role="alert" data-testid="command-error">${ctx.error.message}</div>` : nothing}
      <label class="field-label">${y.folder}
        <input type="text" data-testid="sync-folder" placeholder=${y.folderHint} .value=${st.folder}
          @input=${(e: Event) => ctx.setFolder((e.target as HTMLInputElement).value)} />
      </label>
      <div class="complete-row">
        <button class="primary big" data-testid="sync-import" ?disabled=${st.busy || !st.folder.trim()} @click=${ctx.importAll}>${y.import}</button>
        <button class="secondary big" data-testid="sync-export" ?disabled=${st.busy || !st.folder.trim()} @click=${ctx.exportTo}>${y.export}</button>
      </div>
      ${st.total > 0
        ? html`<div class="sync-progress" data-testid="sync-progress">
            <progress max=${st.total} .value=${st.done}></progress> <span>${y.progress(st.done, st.total)}</span>
          </div>`
        : nothing}
      ${st.none ? html`<p class="empty" data-testid="sync-none">${y.none}</p>` : nothing}
      ${st.report
        ? html`<div class="message notice" data-testid="sync-result">
            ${y.result(Number(st.report.packages), Number(st.report.imported_entries), Number(st.report.duplicates), Number(st.report.conflicts))}
            ${st.report.rejected.length
              ? html`<p><strong>${y.rejected}</strong></p>
                  <ul data-testid="sync-rejected">${st.report.rejected.map((r) => html`<li>${r.error}</li>`)}</ul>`
              : nothing}
          </div>`
        : nothing}
      ${st.written
        ? html`<div class="message notice" data-testid="sync-written"><p><strong>${y.written}</strong></p>
            <ul>${st.written.map((w) => html`<li>${w}</li>`)}</ul></div>`
        : nothing}
      ${st.conflicts && st.conflicts.length ? conflictList(st.conflicts, ctx) : nothing}
    </main>
  </div>`;
}

/** Every answer in conflict: each version with its device and time, the one shown, and a way to decide. */
function conflictList(conflicts: ConflictView[], ctx: SyncCtx): TemplateResult {
  const y = ctx.s.sync;
  return html`<section class="conflicts" data-testid="conflicts">
    <h2>${y.conflictsTitle(conflicts.length)}</h2>
    <p class="hint">${y.conflictsHint}</p>
    <ul>
      ${conflicts.map(
        (c) => html`<li data-testid="conflict" data-interview=${c.interview} data-question=${c.question}>
          <strong>${c.question}${c.roster.length ? ` · № ${c.roster.join(".")}` : ""}</strong> — ${c.interview.slice(0, 8)}
          <table class="dash-table">
            ${c.versions.map(
              (v) => html`<tr class=${v.shown ? "shown" : ""}>
                <td>${JSON.stringify(v.value)}</td><td>${v.device.slice(0, 8)}</td><td>${v.at.replace("T", " ").replace("Z", "")}</td>
                <td>${v.shown ? html`<em>${y.shownNow}</em>` : nothing}</td>
                <td><button class="secondary" data-testid="choose-version" @click=${() => ctx.resolve(c, v.value)}>${y.choose}</button></td>
              </tr>`,
            )}
          </table>
        </li>`,
      )}
    </ul>
  </section>`;
}
