// Every character the interface or the KMRS study can put on screen has a glyph in a font that
// ships with the UI (src/fonts.css), so nothing falls back to whatever the tablet has installed
// and no Kazakh letter turns into a missing-glyph box.
//
// The WOFF2 files are read directly: the table directory, the Brotli-compressed table data
// (node's zlib), then the `cmap` table (formats 4 and 12).

import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { brotliDecompressSync } from "node:zlib";
import { test } from "node:test";
import assert from "node:assert/strict";

const ui = new URL("..", import.meta.url).pathname;
const repo = join(ui, "..");

const KNOWN_TAGS = ["cmap", "head", "hhea", "hmtx", "maxp", "name", "OS/2", "post", "cvt ", "fpgm", "glyf", "loca", "prep", "CFF ",
  "VORG", "EBDT", "EBLC", "gasp", "hdmx", "kern", "LTSH", "PCLT", "VDMX", "vhea", "vmtx", "BASE", "GDEF", "GPOS", "GSUB", "EBSC",
  "JSTF", "MATH", "CBDT", "CBLC", "COLR", "CPAL", "SVG ", "sbix", "acnt", "avar", "bdat", "bloc", "bsln", "cvar", "fdsc", "feat",
  "fmtx", "fvar", "gvar", "hsty", "just", "lcar", "mort", "morx", "opbd", "prop", "trak", "Zapf", "Silf", "Glat", "Gloc", "Feat", "Sill"];

/** The code points a WOFF2 font maps to a real glyph. */
export function woff2CodePoints(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  assert.equal(bytes.toString("latin1", 0, 4), "wOF2", "not a WOFF2 file");
  const numTables = view.getUint16(12);
  const compressedSize = view.getUint32(20);
  let pos = 48;
  const base128 = () => {
    let value = 0;
    for (let i = 0; i < 5; i++) {
      const b = bytes[pos++];
      value = value * 128 + (b & 0x7f);
      if (!(b & 0x80)) return value;
    }
    throw new Error("bad UIntBase128");
  };
  const tables = [];
  for (let i = 0; i < numTables; i++) {
    const flags = bytes[pos++];
    let tag = KNOWN_TAGS[flags & 0x3f];
    if ((flags & 0x3f) === 0x3f) {
      tag = bytes.toString("latin1", pos, pos + 4);
      pos += 4;
    }
    const origLength = base128();
    const version = flags >> 6;
    const transformed = tag === "glyf" || tag === "loca" ? version === 0 : version !== 0;
    const length = transformed ? base128() : origLength;
    tables.push({ tag, length });
  }
  const data = brotliDecompressSync(bytes.subarray(pos, pos + compressedSize));
  let offset = 0;
  let cmap = null;
  for (const t of tables) {
    if (t.tag === "cmap") cmap = data.subarray(offset, offset + t.length);
    offset += t.length;
  }
  assert.ok(cmap, "no cmap table");
  return parseCmap(cmap);
}

function parseCmap(cmap) {
  const v = new DataView(cmap.buffer, cmap.byteOffset, cmap.byteLength);
  const points = new Set();
  const records = v.getUint16(2);
  for (let r = 0; r < records; r++) {
    const platform = v.getUint16(4 + r * 8);
    const encoding = v.getUint16(6 + r * 8);
    const at = v.getUint32(8 + r * 8);
    if (!(platform === 3 && (encoding === 1 || encoding === 10)) && platform !== 0) continue;
    const format = v.getUint16(at);
    if (format === 12) {
      const groups = v.getUint32(at + 12);
      for (let g = 0; g < groups; g++) {
        const start = v.getUint32(at + 16 + g * 12);
        const end = v.getUint32(at + 20 + g * 12);
        const glyph = v.getUint32(at + 24 + g * 12);
        for (let c = start; c <= end; c++) if (glyph + (c - start) !== 0) points.add(c);
      }
    } else if (format === 4) {
      const segX2 = v.getUint16(at + 6);
      const ends = at + 14;
      const starts = ends + segX2 + 2;
      const deltas = starts + segX2;
      const rangeOffsets = deltas + segX2;
      for (let s = 0; s < segX2 / 2; s++) {
        const end = v.getUint16(ends + s * 2);
        const start = v.getUint16(starts + s * 2);
        const delta = v.getInt16(deltas + s * 2);
        const ro = v.getUint16(rangeOffsets + s * 2);
        for (let c = start; c <= end && c !== 0xffff; c++) {
          let glyph;
          if (ro === 0) glyph = (c + delta) & 0xffff;
          else {
            const g = v.getUint16(rangeOffsets + s * 2 + ro + (c - start) * 2);
            glyph = g === 0 ? 0 : (g + delta) & 0xffff;
          }
          if (glyph !== 0) points.add(c);
        }
      }
    }
  }
  return points;
}

/** The @font-face rules of src/fonts.css: family, file, unicode ranges. */
function faces() {
  const css = readFileSync(join(ui, "src/fonts.css"), "utf8");
  return [...css.matchAll(/@font-face\s*\{([^}]*)\}/g)].map(([, body]) => {
    const family = /font-family:\s*"([^"]+)"/.exec(body)[1];
    const style = /font-style:\s*(\w+)/.exec(body)[1];
    const weight = /font-weight:\s*(\d+)/.exec(body)[1];
    const url = /url\("([^"]+)"\)/.exec(body)[1];
    const ranges = /unicode-range:\s*([^;]+);/.exec(body)[1].split(",").map((r) => {
      const [a, b] = r.trim().replace(/^U\+/i, "").split("-");
      return [parseInt(a, 16), parseInt(b ?? a, 16)];
    });
    return { family, style, weight, file: join(ui, "node_modules", url), ranges };
  });
}

function collectFiles(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) collectFiles(p, out);
    else if (name.endsWith(".toml")) out.push(p);
  }
  return out;
}

/** Every character that can reach the screen: interface strings and the study's texts (not comments). */
function shownCharacters() {
  const sources = [join(ui, "src/i18n.ts"), ...collectFiles(join(repo, "schema/kmrs-2010"))];
  const chars = new Map();
  for (const file of sources) {
    for (const line of readFileSync(file, "utf8").split("\n")) {
      if (/^\s*(#|\/\/|\*|\/\*)/.test(line)) continue;
      for (const ch of line) {
        const cp = ch.codePointAt(0);
        if (cp >= 0x20 && !chars.has(cp)) chars.set(cp, file.slice(repo.length));
      }
    }
  }
  for (let cp = 0x20; cp < 0x7f; cp++) if (!chars.has(cp)) chars.set(cp, "ASCII");
  return chars;
}

test("the shipped fonts cover every character of the interface and the study", () => {
  const all = faces();
  const cmaps = new Map();
  const glyphs = (file) => cmaps.get(file) ?? cmaps.set(file, woff2CodePoints(readFileSync(file))).get(file);
  const missing = [];
  for (const [family, style, weight] of [["Dala Sans", "normal", "400"], ["Dala Sans", "normal", "700"], ["Dala Sans", "italic", "400"]]) {
    for (const [cp, where] of shownCharacters()) {
      // Within a family the browser tries every face whose unicode-range holds the character (the
      // subsets' ranges overlap: Ұ is declared by both cyrillic and cyrillic-ext) and uses one that
      // has the glyph; "Dala Symbols" is the next family, for what Noto Sans lacks.
      const holds = (f) => f.ranges.some(([a, b]) => cp >= a && cp <= b);
      const face =
        all.find((f) => f.family === family && f.style === style && f.weight === weight && holds(f) && glyphs(f.file).has(cp)) ??
        all.find((f) => f.family === "Dala Symbols" && holds(f));
      if (!face || !glyphs(face.file).has(cp)) {
        missing.push(`U+${cp.toString(16).toUpperCase().padStart(4, "0")} "${String.fromCodePoint(cp)}" (${family} ${weight} ${style}, from ${where})`);
      }
    }
  }
  assert.deepEqual(missing, [], `characters without a shipped glyph:\n${missing.join("\n")}`);
});

test("Kazakh letters are in the shipped Noto Sans", () => {
  const kazakh = "ӘәҒғҚқҢңӨөҰұҮүҺһІі";
  const files = faces().filter((f) => f.family === "Dala Sans" && f.weight === "400" && f.style === "normal");
  const covered = new Set(files.flatMap((f) => [...glyphs(f)]));
  function glyphs(f) {
    return [...woff2CodePoints(readFileSync(f.file))].filter((cp) => f.ranges.some(([a, b]) => cp >= a && cp <= b));
  }
  for (const ch of kazakh) assert.ok(covered.has(ch.codePointAt(0)), `no glyph for ${ch}`);
});
