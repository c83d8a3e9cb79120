// The export screen (supervisors and coordinators): choose the format, the language of the labels and
// whether to anonymise, then the export runs on its own thread in the shell while this screen shows its
// progress; when done it lists the files and offers to open their folder. The files are made by
// dala-export; this view only asks and shows.

import { html, nothing, type TemplateResult } from "lit-html";

import type { ExportProgress } from "../bindings/ExportProgress";
import type { Lang } from "../bindings/Lang";
import type { FieldBase } from "./field-common";
import { languageSwitch } from "./common";

export const FORMATS = ["sav", "zsav", "dta", "csv", "parquet"] as const;
export type ExportFormat = (typeof FORMATS)[number];
/** The formats' own names, the same in every language. */
const FORMAT_NAMES: Record<ExportFormat, string> = {
  sav: "SPSS .sav",
  zsav: "SPSS .zsav",
  dta: "Stata .dta",
  csv: "CSV (UTF-8)",
  parquet: "Parquet",
};

export interface ExportDraft {
  format: ExportFormat;
  dataLang: Lang;
  anonymise: boolean;
  folder: string;
}

export interface ExportCtx extends FieldBase {
  home(): void;
  draft: ExportDraft;
  edit(draft: ExportDraft): void;
  start(): void;
  openFolder(): void;
}

export function exportScreen(progress: ExportProgress | null, ctx: ExportCtx): TemplateResult {
  const { s, draft } = ctx;
  const x = s.exp;
  const running = progress?.running ?? false;
  const set = (patch: Partial<ExportDraft>) => ctx.edit({ ...draft, ...patch });
  return html`<div class="screen field export" data-testid="export-screen" lang=${ctx.lang}>
    <header class="topbar">
      <button class="secondary back" data-testid="home" @click=${ctx.home}>‹ ${s.backToList}</button>
      <div class="where"><div class="study-title">${x.title}</div></div>
      ${languageSwitch(ctx.lang, s, ctx.setLanguage)}
    </header>
    <main class="field-body">
      ${ctx.error ? html`<div class="message error" role="alert" data-testid="command-error">${ctx.error.message}</div>` : nothing}
      <p class="hint">${x.intro}</p>
      <fieldset class="choice-group" data-testid="export-formats">
        <legend>${x.format}</legend>
        ${FORMATS.map(
          (f) => html`<label class="choice">
            <input type="radio" name="export-format" data-testid=${`export-format-${f}`} .checked=${draft.format === f}
              ?disabled=${running} @change=${() => set({ format: f })} />
            <span><strong>${FORMAT_NAMES[f]}</strong> — ${x.formats[f]}</span>
          </label>`,
        )}
      </fieldset>
      <fieldset class="choice-group" data-testid="export-langs">
        <legend>${x.labels}</legend>
        ${(["ru", "kk", "en"] as Lang[]).map(
          (l) => html`<label class="choice">
            <input type="radio" name="export-lang" data-testid=${`export-lang-${l}`} .checked=${draft.dataLang === l}
              ?disabled=${running} @change=${() => set({ dataLang: l })} />
            <span>${x.langNames[l]}</span>
          </label>`,
        )}
      </fieldset>
      <label class="choice">
        <input type="checkbox" data-testid="export-anonymise" .checked=${draft.anonymise} ?disabled=${running}
          @change=${(e: Event) => set({ anonymise: (e.target as HTMLInputElement).checked })} />
        <span><strong>${x.anonymise}</strong> — ${x.anonymiseHint}</span>
      </label>
      <label class="field-label">${x.folder}
        <input type="text" data-testid="export-folder" placeholder=${x.folderHint} .value=${draft.folder} ?disabled=${running}
          @input=${(e: Event) => set({ folder: (e.target as HTMLInputElement).value })} />
      </label>
      <div class="complete-row">
        <button class="primary big" data-testid="export-start" ?disabled=${running || !draft.folder.trim()} @click=${ctx.start}>${x.start}</button>
      </div>
      ${progress && (running || progress.total > 0)
        ? html`<div class="sync-progress" data-testid="export-progress">
            <progress max=${Math.max(progress.total, 1)} .value=${progress.done}></progress>
            <span>${x.progress(progress.done, progress.total)}</span>
          </div>`
        : nothing}
      ${progress?.error ? html`<div class="message error" role="alert" data-testid="export-error">${progress.error}</div>` : nothing}
      ${progress && !running && !progress.error && progress.files.length
        ? html`<div class="message notice" data-testid="export-done">
            <p><strong>${x.done(progress.folder)}</strong></p>
            <table class="dash-table" data-testid="export-files">
              <tr><th>${x.file}</th><th>${x.rows}</th><th>${x.variables}</th></tr>
              ${progress.files.map((f) => html`<tr><td>${f.file}</td><td>${f.rows}</td><td>${f.variables}</td></tr>`)}
            </table>
            <button class="secondary big" data-testid="export-open-folder" @click=${ctx.openFolder}>${x.openFolder}</button>
          </div>`
        : nothing}
    </main>
  </div>`;
}
