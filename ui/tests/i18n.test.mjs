// Checks the interface strings in src/i18n.ts without a browser: the Kazakh table is Cyrillic
// (a Latin "i" in place of the Cyrillic "і" looks identical on screen and breaks search and
// sorting), and the three tables define the same keys. Run with `npm test` (node --test).

import { readFileSync } from "node:fs";
import { test } from "node:test";
import assert from "node:assert/strict";

const source = readFileSync(new URL("../src/i18n.ts", import.meta.url), "utf8");

function table(lang) {
  const start = source.indexOf(`const ${lang}: Strings = {`);
  assert.ok(start >= 0, `no table for ${lang}`);
  const end = source.indexOf("\n};", start);
  return source.slice(start, end);
}

/** The text inside quotes and template literals, without ${...} expressions. */
function literals(block) {
  const out = [];
  for (const m of block.matchAll(/"((?:[^"\\]|\\.)*)"|`((?:[^`\\]|\\.)*)`/g)) {
    out.push((m[1] ?? m[2]).replace(/\$\{[^}]*\}/g, ""));
  }
  return out;
}

function keys(block) {
  return [...block.matchAll(/^\s{2}([a-zA-Z]+):/gm)].map((m) => m[1]).sort();
}

test("Kazakh strings are written in Cyrillic only", () => {
  const latin = literals(table("kk")).filter((s) => /[A-Za-z]/.test(s.replace(/\b(not_started|in_progress|complete|has_errors|error|warning|unanswered)\b/g, "")));
  assert.deepEqual(latin, [], "Latin letters in Kazakh strings");
});

test("Kazakh strings use the Kazakh letters", () => {
  const text = literals(table("kk")).join(" ");
  for (const letter of ["ә", "ғ", "қ", "ң", "ө", "ұ", "ү", "і"]) {
    assert.ok(text.toLowerCase().includes(letter), `no ${letter} in the Kazakh interface`);
  }
});

test("ru, kk and en define the same strings", () => {
  assert.deepEqual(keys(table("kk")), keys(table("ru")));
  assert.deepEqual(keys(table("en")), keys(table("ru")));
  assert.ok(keys(table("ru")).length > 40);
});
