// The supervisor dashboard's charts must work offline: Chart.js is an npm dependency bundled by
// Vite, never loaded from a network address, and the dashboard's strings exist in all three tables.
// Run with `npm test` (node --test).

import { readFileSync, readdirSync } from "node:fs";
import { test } from "node:test";
import assert from "node:assert/strict";

const read = (path) => readFileSync(new URL(path, import.meta.url), "utf8");

test("Chart.js is a bundled dependency, imported from the package", () => {
  const pkg = JSON.parse(read("../package.json"));
  assert.match(pkg.dependencies["chart.js"] ?? "", /^\^4\./, "chart.js 4.x in dependencies");
  assert.match(read("../src/views/dashboard.ts"), /from "chart\.js";/);
});

test("no interface file loads anything from the network", () => {
  const dir = new URL("../src/views/", import.meta.url);
  for (const name of [...readdirSync(dir).map((f) => `../src/views/${f}`), "../index.html", "../src/main.ts"]) {
    assert.doesNotMatch(read(name), /(src|href)=["']?https?:|import\(["']https?:|from ["']https?:/, name);
  }
});

test("the dashboard's strings are defined in ru, kk and en", () => {
  const source = read("../src/i18n.ts");
  const keys = (lang) => {
    const start = source.indexOf(`const ${lang}: Strings = {`);
    const block = source.slice(source.indexOf("  dash: {", start), source.indexOf("\n  },", source.indexOf("  dash: {", start)));
    return [...block.matchAll(/^\s{4}([a-zA-Z]+):/gm)].map((m) => m[1]).sort();
  };
  assert.ok(keys("ru").length > 30);
  assert.deepEqual(keys("kk"), keys("ru"));
  assert.deepEqual(keys("en"), keys("ru"));
});
