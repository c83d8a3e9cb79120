// Pieces shared by the home and interview screens.

import { html, type TemplateResult } from "lit-html";

import type { Lang } from "../bindings/Lang";
import { LANG_CODE, LANGS, STRINGS, type Strings } from "../i18n";

/** RU / KK / EN, always visible; each button is named in its own language. */
export function languageSwitch(current: Lang, s: Strings, choose: (lang: Lang) => void): TemplateResult {
  return html`<div class="lang-switch" role="radiogroup" aria-label=${s.languageSwitch} data-testid="lang-switch">
    ${LANGS.map(
      (l) => html`<button class="lang ${l === current ? "selected" : ""}" role="radio" aria-checked=${l === current}
        lang=${l} title=${STRINGS[l].languageName} data-testid="lang-${l}" @click=${() => l !== current && choose(l)}>${LANG_CODE[l]}</button>`,
    )}
  </div>`;
}

/** "2010-10-15T09:30:00Z" → "15.10.2010 09:30" in local time (the same in every language). */
export function formatTimestamp(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getDate())}.${p(d.getMonth() + 1)}.${d.getFullYear()} ${p(d.getHours())}:${p(d.getMinutes())}`;
}
