// Small display helpers. Numbers are *not* read or formatted here: the session reads what the
// interviewer typed by the rules of the interview language (crates/questionnaire/src/number.rs,
// docs/number-input.md) and sends back the value, the JSON answer and the formatted read-back.

const CURRENCY_SIGNS: Record<string, string> = { KZT: "₸", RUB: "₽", USD: "$", EUR: "€" };

/** The sign shown beside an amount field and on the currency buttons ("KZT" → "₸"). */
export function currencySign(code: string): string {
  return CURRENCY_SIGNS[code] ?? code;
}

/** The digits of a text, for the day / month / year fields of a date. */
export function digitsOnly(text: string): string {
  return text.replace(/\D/g, "");
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
