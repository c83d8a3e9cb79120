#!/usr/bin/env node
// Peer benchmark: the per-answer cost of ODK's web form engine (@getodk/xforms-engine) filling
// a KMRS-like household questionnaire (household.xml), to be run side by side with `dala bench`.
//
//   npm run bench -- --members 14 100 [--roster count|add] [--no-warmup]
//
// For each household size N: a fresh form instance is created, the household size is set to N,
// the roster gets N members, every relevant member question is answered in interview order, then
// the household questions after the roster. Each answer (setValue / selectValue / selectValues on
// the engine's public node API) is timed with performance.now(). One JSON line per size goes to
// stdout; progress and diagnostics go to stderr.
//
// The run checks that the engine really behaves (calculated age, relevance of every member
// question, constraint results, aggregates over the roster, no violations at the end) and exits
// non-zero with a message at the first disagreement.

import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { JSDOM } from 'jsdom';

const HERE = dirname(fileURLToPath(import.meta.url));
// ODK_BENCH_TRACE=<µs> prints every answer slower than that to stderr (like DALA_BENCH_TRACE).
const TRACE_US = process.env.ODK_BENCH_TRACE ? Number(process.env.ODK_BENCH_TRACE) || 1000 : null;
const SURVEY_YEAR = 2010; // KMRS's reference year; household.xml computes age from it

// ---------------------------------------------------------------------------------------------
// Command line

function usage(msg) {
  if (msg) process.stderr.write(`bench: ${msg}\n`);
  process.stderr.write(
    'usage: npm run bench -- --members N [N ...] [--roster count|add] [--no-warmup]\n' +
      '  --members   household sizes to measure (default: 14 100)\n' +
      '  --roster    count: the size answer builds the roster through jr:count (default)\n' +
      '              add:   the repeat is uncontrolled; N members are added with addInstances()\n' +
      '  --no-warmup skip the untimed 3-member warm-up household (which also self-tests the engine)\n',
  );
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { members: [], roster: 'count', warmup: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--members') {
      while (i + 1 < argv.length && /^\d+$/.test(argv[i + 1])) opts.members.push(Number(argv[++i]));
      if (opts.members.length === 0) usage('--members needs at least one size');
    } else if (a.startsWith('--members=')) {
      opts.members.push(...a.slice('--members='.length).split(',').map(Number));
    } else if (a === '--roster') {
      opts.roster = argv[++i];
    } else if (a.startsWith('--roster=')) {
      opts.roster = a.slice('--roster='.length);
    } else if (a === '--no-warmup') {
      opts.warmup = false;
    } else if (a === '-h' || a === '--help') {
      usage();
    } else {
      usage(`unknown argument ${a}`);
    }
  }
  if (opts.members.length === 0) opts.members = [14, 100];
  if (!['count', 'add'].includes(opts.roster)) usage(`--roster must be count or add, not ${opts.roster}`);
  for (const n of opts.members) {
    if (!Number.isInteger(n) || n < 1 || n > 200) usage(`household size must be 1..200, got ${n}`);
  }
  return opts;
}

// ---------------------------------------------------------------------------------------------
// Failing loudly

class BenchError extends Error {}

function fail(msg) {
  throw new BenchError(msg);
}

function check(cond, msg) {
  if (!cond) fail(msg);
}

// ---------------------------------------------------------------------------------------------
// DOM for the engine. It parses XForms with the global DOMParser and reads `document` at import
// time, so jsdom's implementations are installed as globals before the engine is imported.
// The engine bundles web-tree-sitter (an Emscripten module) for XPath parsing; in Node it takes
// its Node branch, which refers to the CommonJS free variables `__dirname` and `module`. Both are
// missing in an ES module, so they are provided here (the WASM itself is inlined in the bundle
// and is not read from disk).

const dom = new JSDOM('<!doctype html><html><head></head><body></body></html>');
for (const name of ['document', 'DOMParser', 'XMLSerializer', 'Node', 'Element', 'Attr', 'Document', 'XMLDocument', 'Text']) {
  if (globalThis[name] === undefined) globalThis[name] = dom.window[name];
}
globalThis.__dirname ??= HERE;
globalThis.module ??= { exports: {} };

const { loadForm } = await import('@getodk/xforms-engine');

function packageVersion(specifier, expectedName) {
  // Walk up from the resolved entry point to the package's own package.json.
  let dir = dirname(fileURLToPath(import.meta.resolve(specifier)));
  for (;;) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj)) {
      const meta = JSON.parse(readFileSync(pj, 'utf8'));
      if (meta.name === expectedName) return meta.version;
    }
    const up = dirname(dir);
    if (up === dir) fail(`cannot find the package.json of ${expectedName}`);
    dir = up;
  }
}

const ENGINE_VERSION = packageVersion('@getodk/xforms-engine', '@getodk/xforms-engine');
const JSDOM_VERSION = packageVersion('jsdom', 'jsdom');

// ---------------------------------------------------------------------------------------------
// The answers an interviewer gives. Member `i` (1-based) has a deterministic profile. The head
// (line 1) is 70; the other members' ages cycle through values that reach every relevance branch
// of the roster and sit on both sides of each age limit (4|6, 10, 15, 16|17|18, 36|41, ...), so a
// household of 14 already checks every relevance rule at its boundary.

const HEAD_AGE = 70;
const OTHER_AGES = [36, 12, 6, 29, 74, 16, 49, 4, 24, 15, 41, 10, 18, 17];

function memberProfile(i) {
  const age = i === 1 ? HEAD_AGE : OTHER_AGES[(i - 2) % OTHER_AGES.length];
  // Head, spouse, then sons/daughters, or "other relative" where the head would be less than
  // 12 years older (the form's relationship constraint checks that gap).
  const rel = i === 1 ? '1' : i === 2 ? '2' : HEAD_AGE - age >= 12 ? '3' : '8';
  const education = age < 7 ? '1' : age < 16 ? '2' : age < 23 ? '4' : '8';
  return {
    i,
    by: SURVEY_YEAR - age,
    age,
    rel,
    birthCountry: i % 5 === 0 ? '643' : '398',
    residence: i % 7 === 3 ? '2' : '1',
    education,
  };
}

// Per member question: when it is relevant (mirroring the form's relevant="" expressions, used to
// check the engine's relevance) and the value given. `kind` is the engine node call used.
const MEMBER_PLAN = {
  name: { kind: 'text', value: (p) => `Member ${p.i}` },
  rel: { kind: 'one', value: (p) => p.rel },
  sex: { kind: 'one', value: (p) => (p.i % 2 ? '1' : '2') },
  birth_year: { kind: 'int', value: (p) => p.by },
  marital: { kind: 'one', when: (p) => p.age >= 16, value: (p) => (p.age >= 18 ? '2' : '1') },
  nationality: { kind: 'one', value: (p) => (p.i % 3 === 0 ? '2' : '1') },
  citizenship: { kind: 'one', value: () => '398' },
  birth_country: { kind: 'one', value: (p) => p.birthCountry },
  oblast: { kind: 'one', when: (p) => p.birthCountry === '398', value: (p) => String((p.i % 20) + 1) },
  residence: { kind: 'one', value: (p) => p.residence },
  absence_reason: { kind: 'one', when: (p) => p.residence === '2', value: () => '1' },
  activity: {
    kind: 'one',
    when: (p) => p.age >= 15,
    value: (p) => (p.age >= 63 ? '7' : p.age < 23 ? '6' : '1'),
  },
  codecision: {
    kind: 'one',
    when: (p) => p.age >= 18 && p.residence === '1' && p.rel !== '1',
    value: () => '1',
  },
  education: { kind: 'one', when: (p) => p.age >= 6, value: (p) => p.education },
  enrolled: { kind: 'one', when: (p) => p.age >= 6 && p.age <= 40, value: (p) => (p.age < 23 ? '1' : '2') },
  edu_year: {
    kind: 'int',
    when: (p) => p.age >= 6 && p.education !== '1',
    value: (p) => Math.min(p.by + 17, SURVEY_YEAR),
  },
  languages: { kind: 'many', value: () => ['kk', 'ru'] },
  lang_main: { kind: 'one', value: (p) => (p.i % 2 ? 'kk' : 'ru') },
  disability: { kind: 'one', value: () => '2' },
  health_insurance: { kind: 'one', value: () => '1' },
  phone: { kind: 'one', when: (p) => p.age >= 10, value: () => '1' },
  internet: { kind: 'one', when: (p) => p.age >= 6, value: () => '1' },
};
// Calculated member fields (not answered): line and age. 21 answerable + age + line = the
// 23 questions of the roster plus the line number.
const MEMBER_CALCULATED = new Set(['line', 'age']);

// ---------------------------------------------------------------------------------------------
// Engine helpers

function leafName(node) {
  return node.currentState.reference.replace(/\[\d+\]/g, '').split('/').pop();
}

function childNamed(parent, name) {
  const found = parent.currentState.children.find((c) => leafName(c) === name);
  if (!found) fail(`node ${parent.currentState.reference}/${name} not found in the engine's tree`);
  return found;
}

function plain(v) {
  return typeof v === 'bigint' ? Number(v) : v;
}

function applyAnswer(node, kind, value) {
  switch (kind) {
    case 'text':
    case 'int':
      check(node.nodeType === 'input', `${node.currentState.reference} is a ${node.nodeType}, expected input`);
      node.setValue(value);
      return;
    case 'one':
      check(node.nodeType === 'select', `${node.currentState.reference} is a ${node.nodeType}, expected select`);
      node.selectValue(value);
      return;
    case 'many':
      check(node.nodeType === 'select', `${node.currentState.reference} is a ${node.nodeType}, expected select`);
      node.selectValues(value);
      return;
    default:
      fail(`unknown answer kind ${kind}`);
  }
}

function checkStored(node, kind, value) {
  const got = node.currentState.value;
  const ref = node.currentState.reference;
  if (kind === 'one') {
    check(Array.isArray(got) && got.length === 1 && got[0] === value, `${ref}: engine holds ${JSON.stringify(got)}, set ${value}`);
  } else if (kind === 'many') {
    check(Array.isArray(got) && got.join(' ') === value.join(' '), `${ref}: engine holds ${JSON.stringify(got)}, set ${value}`);
  } else if (kind === 'int') {
    check(plain(got) === value, `${ref}: engine holds ${String(got)}, set ${value}`);
  } else {
    check(got === value, `${ref}: engine holds ${JSON.stringify(got)}, set ${JSON.stringify(value)}`);
  }
}

function checkValid(node, expectValid = true) {
  const v = node.validationState.constraint;
  const ref = node.currentState.reference;
  if (expectValid) {
    check(v.valid, `${ref}: constraint unexpectedly violated (${v.message?.asString ?? 'no message'})`);
  } else {
    check(!v.valid, `${ref}: constraint unexpectedly satisfied`);
  }
}

// Times one answer in microseconds. Only the engine call is inside the timed region.
function timedAnswer(node, kind, value, times) {
  const t0 = performance.now();
  applyAnswer(node, kind, value);
  const us = (performance.now() - t0) * 1000;
  times.push(us);
  if (TRACE_US !== null && us > TRACE_US) {
    process.stderr.write(`slow answer ${node.currentState.reference}: ${us.toFixed(0)} µs\n`);
  }
  checkStored(node, kind, value);
  checkValid(node);
  return us;
}

function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  const idx = Math.round((sorted.length - 1) * p);
  return sorted[Math.min(idx, sorted.length - 1)];
}

// ---------------------------------------------------------------------------------------------
// One household

function fillHousehold(form, n, roster, { selfTest = false } = {}) {
  const times = [];
  const gc = globalThis.gc;
  if (typeof gc === 'function') gc();

  const tCreate = performance.now();
  const instance = form.createInstance();
  const createMs = performance.now() - tCreate;
  const root = instance.root;
  check(root?.nodeType === 'root', 'createInstance() did not return an instance with a root node');

  const t0 = performance.now();
  const hhSize = childNamed(root, 'hh_size');
  const range = childNamed(root, 'member');
  const expectedRangeType = roster === 'count' ? 'repeat-range:controlled' : 'repeat-range:uncontrolled';
  check(range.nodeType === expectedRangeType, `roster is ${range.nodeType}, expected ${expectedRangeType}`);
  check(range.currentState.children.length === 0, `a new instance has ${range.currentState.children.length} members, expected 0`);

  // The size answer. With jr:count it is the answer that builds the roster.
  const sizeUs = timedAnswer(hhSize, 'int', n, times);
  let rosterBuildUs;
  if (roster === 'count') {
    rosterBuildUs = sizeUs;
  } else {
    // Uncontrolled repeat: the interviewer adds the members one by one.
    rosterBuildUs = 0;
    for (let k = 0; k < n; k++) {
      const before = range.currentState.children.length;
      const ta = performance.now();
      range.addInstances(before - 1 < 0 ? undefined : before - 1, 1);
      rosterBuildUs += (performance.now() - ta) * 1000;
      check(range.currentState.children.length === before + 1, 'addInstances() did not add a member');
    }
  }
  const members = range.currentState.children;
  check(members.length === n, `roster has ${members.length} members after building it, expected ${n}`);

  // Every member question, in interview order.
  let adults = 0;
  let children = 0;
  for (let i = 1; i <= n; i++) {
    const member = members[i - 1];
    check(member.nodeType === 'repeat-instance', `member ${i} is a ${member.nodeType}`);
    const p = memberProfile(i);
    if (p.age >= 18) adults++;
    if (p.age < 15) children++;
    const seen = new Set();
    for (const node of member.currentState.children) {
      const name = leafName(node);
      seen.add(name);
      if (MEMBER_CALCULATED.has(name)) continue;
      const q = MEMBER_PLAN[name];
      if (!q) fail(`unexpected member question ${name} in the engine's tree`);
      const expectRelevant = q.when ? q.when(p) : true;
      const relevant = node.currentState.relevant;
      check(
        relevant === expectRelevant,
        `member ${i} (age ${p.age}) ${name}: engine says relevant=${relevant}, the form's rule gives ${expectRelevant}`,
      );
      if (!relevant) continue;
      timedAnswer(node, q.kind, q.value(p), times);
      if (name === 'birth_year') {
        const age = plain(childNamed(member, 'age').currentState.value);
        check(age === p.age, `member ${i}: calculated age is ${age}, expected ${p.age}`);
        check(plain(childNamed(member, 'line').currentState.value) === i, `member ${i}: wrong line number`);
      }
    }
    for (const name of [...Object.keys(MEMBER_PLAN), ...MEMBER_CALCULATED]) {
      check(seen.has(name), `member ${i}: question ${name} missing from the engine's tree`);
    }
  }

  // Aggregates over the roster, as the engine computed them.
  const agg = (name) => plain(childNamed(root, name).currentState.value);
  check(agg('n_members') === n, `n_members = ${agg('n_members')}, expected ${n}`);
  check(agg('n_heads') === 1, `n_heads = ${agg('n_heads')}, expected 1`);
  check(agg('n_adults') === adults, `n_adults = ${agg('n_adults')}, expected ${adults}`);
  check(agg('n_children') === children, `n_children = ${agg('n_children')}, expected ${children}`);
  check(agg('head_name') === 'Member 1', `head_name = ${agg('head_name')}`);

  // Household questions after the roster.
  const respondent = childNamed(root, 'respondent');
  if (selfTest) {
    // Untimed: the respondent constraint must reject a member under 18, the birth-year constraint
    // must reject 1850, and the head-count constraint must notice a second head.
    const minor = [...Array(n).keys()].map((k) => k + 1).find((i) => memberProfile(i).age < 18);
    check(minor !== undefined, 'self-test needs a member under 18');
    respondent.setValue(minor);
    checkValid(respondent, false);
    const by2 = childNamed(members[1], 'birth_year');
    by2.setValue(1850);
    checkValid(by2, false);
    by2.setValue(memberProfile(2).by);
    checkValid(by2);
    const rel2 = childNamed(members[1], 'rel');
    const headCheck = childNamed(root, 'head_check');
    rel2.selectValue('1');
    checkValid(rel2, false);
    headCheck.selectValue('1');
    checkValid(headCheck, false);
    rel2.selectValue(MEMBER_PLAN.rel.value(memberProfile(2)));
    checkValid(headCheck);
    headCheck.selectValue(null);
    respondent.setValue('');
  }
  timedAnswer(childNamed(root, 'head_check'), 'one', '1', times);
  timedAnswer(respondent, 'int', 1, times);
  check(agg('respondent_name') === 'Member 1', `respondent_name = ${agg('respondent_name')}`);
  timedAnswer(childNamed(root, 'dwelling'), 'one', '2', times);
  timedAnswer(childNamed(root, 'rooms'), 'int', 3, times);
  const totalMs = performance.now() - t0;

  // The whole interview must now be complete and valid in the engine's own judgement.
  const violations = root.validationState.violations;
  check(
    violations.length === 0,
    `the engine reports ${violations.length} violation(s) at the end, first: ${violations[0]?.reference} ` +
      `(${violations[0]?.violation?.condition})`,
  );
  const xml = root.instanceState.instanceXML;
  const memberElements = (xml.match(/<member>/g) ?? []).length;
  check(memberElements === n, `the instance XML has ${memberElements} <member> elements, expected ${n}`);

  const sorted = [...times].sort((a, b) => a - b);
  return {
    peer: 'odk-xforms-engine',
    version: ENGINE_VERSION,
    members: n,
    answers: times.length,
    median_us: round1(percentile(sorted, 0.5)),
    p99_us: round1(percentile(sorted, 0.99)),
    max_us: round1(sorted[sorted.length - 1]),
    roster_build_us: round1(rosterBuildUs),
    total_ms: round1(totalMs),
    roster: roster,
    create_ms: round1(createMs),
    node: process.version,
    jsdom: JSDOM_VERSION,
  };
}

function round1(x) {
  return Math.round(x * 10) / 10;
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  let xml = readFileSync(join(HERE, 'household.xml'), 'utf8');
  if (opts.roster === 'add') {
    // Same form with an uncontrolled roster: no jr:count, members added by the interviewer.
    const before = xml;
    xml = xml.replace(/ jr:count="[^"]*"/, '').replace(/ jr:noAddRemove="[^"]*"/, '');
    check(xml !== before, 'household.xml has no jr:count to remove');
  }

  const runStart = performance.now();
  const tLoad = performance.now();
  const form = await loadForm(xml);
  const loadMs = performance.now() - tLoad;
  if (form.status === 'failure') throw form.error;
  check(typeof form.createInstance === 'function', `loadForm() returned status ${form.status} without createInstance()`);
  process.stderr.write(
    `odk bench: @getodk/xforms-engine ${ENGINE_VERSION}, jsdom ${JSDOM_VERSION}, node ${process.version}; ` +
      `form loaded in ${loadMs.toFixed(1)} ms; roster=${opts.roster}\n`,
  );

  if (opts.warmup) {
    const w = fillHousehold(form, 3, opts.roster, { selfTest: true });
    process.stderr.write(`odk bench: warm-up household of 3 passed the self-test (${w.answers} answers, ${w.total_ms} ms)\n`);
  }

  for (const n of opts.members) {
    const figures = fillHousehold(form, n, opts.roster);
    process.stdout.write(JSON.stringify(figures) + '\n');
  }
  process.stderr.write(`odk bench: done in ${((performance.now() - runStart) / 1000).toFixed(1)} s\n`);
}

main().catch((e) => {
  if (e instanceof BenchError) {
    process.stderr.write(`odk bench FAILED: ${e.message}\n`);
  } else {
    process.stderr.write(`odk bench FAILED with an engine error:\n${e?.stack ?? e}\n`);
  }
  process.exit(1);
});
