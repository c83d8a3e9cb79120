// Numbers as the interviewer types and reads them, and as they are stored.
//
// Display: thousands grouped with a no-break space ("150 000"), a decimal comma or point both
// accepted while typing. Storage: plain JSON numbers with a point, whatever the interface
// language, so RU/KK/EN never disagree about what was recorded.

const GROUP = "\u00a0";

/** Keeps digits and at most one decimal separator (when `decimals`), as typed. */
export function cleanNumberText(text: string, decimals: boolean): string {
  let out = "";
  let seenSeparator = false;
  for (const ch of text) {
    if (ch >= "0" && ch <= "9") out += ch;
    else if (decimals && (ch === "," || ch === ".") && !seenSeparator) {
      out += ch;
      seenSeparator = true;
    } else if (ch === "-" && out === "") out += ch;
  }
  return out;
}

/** "150000,5" → "150 000,5": groups the integer part while keeping what was typed after it. */
export function groupThousands(text: string): string {
  const cleaned = cleanNumberText(text, true);
  const match = /^(-?)(\d*)([.,]\d*)?$/.exec(cleaned);
  if (!match) return cleaned;
  const [, sign, int, frac = ""] = match;
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, GROUP);
  return sign + grouped + frac;
}

/** The number in a typed text, or null when it holds none ("", "-", ","). */
export function parseNumber(text: string): number | null {
  const cleaned = cleanNumberText(text.split(GROUP).join("").replace(/\s/g, ""), true).replace(",", ".");
  if (!/\d/.test(cleaned)) return null;
  const n = Number(cleaned);
  return Number.isFinite(n) ? n : null;
}

/** A stored number for display: grouped for money, plain for years and counts. */
export function formatNumber(n: number, grouped: boolean): string {
  const text = String(n);
  return grouped ? groupThousands(text) : text;
}

const CURRENCY_SIGNS: Record<string, string> = { KZT: "₸", RUB: "₽", USD: "$", EUR: "€" };

export function currencySign(code: string): string {
  return CURRENCY_SIGNS[code] ?? code;
}

/** "2010-10-15" → [15, 10, 2010] as texts for the three date fields. */
export function splitDate(value: unknown): [string, string, string] {
  if (typeof value === "string") {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (m) return [m[3], m[2], m[1]];
  }
  return ["", "", ""];
}

/** The three date fields → "YYYY-MM-DD", or null while incomplete. */
export function joinDate(day: string, month: string, year: string): string | null {
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) return null;
  return `${year}-${month.padStart(2, "0")}-${day.padStart(2, "0")}`;
}
