/**
 * Issue 10, item 8: run the checker over the new fault bounds on every release preset, alone and
 * in pairs (with each other and with the older bounds), and classify each violated invariant as a
 * known catalogue entry or as something to look at by hand.
 *
 * Not part of npm test or npm run bench. Run it from a built tree:
 *
 *     npx tsc -p tsconfig.build.json
 *     node dist/bench/sweep-issue-10.js [--out FILE.jsonl] [--timeout S] [--max-states K] [--only SUBSTRING] [--shard I/N]
 *
 * --shard I/N runs every N-th configuration from the I-th (0-based), to split the work between two
 * processes writing two files. It runs `node dist/cli/main.js check --scenario full ... --json` one at a time (one core), writes
 * one JSON line per run to FILE.jsonl (default sweep-issue-10.jsonl; an existing file is resumed:
 * configurations already in it are skipped; a run that ends in an error is recorded as such: delete
 * its line to run it again). `node dist/bench/sweep-issue-10.js --report FILE.jsonl...` prints the
 * Markdown table of the runs (one line per combination of bounds). The results
 * of the run recorded in docs/research/issue-10-java.md §8 were made with the defaults.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CATALOGUE, isCk, type BugEntry } from '../model/catalogue.js';
import { RELEASES } from '../model/versions.js';

interface Dim {
  readonly name: string;
  readonly args: readonly string[];
  /** Releases the dimension exists in (undefined: all). */
  readonly releases?: readonly string[];
  /** Bound / setting keys it turns on (for catalogue matching). */
  readonly keys: readonly string[];
}

const ASYNC_READ = ['5.1.0', '5.1.4', '5.2.0', '5.3.0', '5.3.1', '5.3.2', '5.3.3', 'head'];
const ASYNC_PUT = ['5.3.2', '5.3.3', 'head'];

/** The bounds issue 10 added. */
export const NEW_DIMS: readonly Dim[] = [
  { name: 'read-failures', args: ['--read-failures', '1', '--set', 'asyncBizRead=true'], releases: ASYNC_READ, keys: ['readFailures', 'asyncBizRead'] },
  { name: 'unreadable', args: ['--unreadable', '1'], keys: ['unreadable'] },
  { name: 'cq-lag', args: ['--cq-lag', '--expire', '1'], keys: ['cqLag', 'expire'] },
  {
    name: 'async-puts',
    args: ['--set', 'appendCkAsync=true', '--set', 'appendAckAsync=true', '--set', 'putsCompleteLate=true'],
    releases: ASYNC_PUT,
    keys: ['appendCkAsync', 'appendAckAsync', 'putsCompleteLate'],
  },
  { name: 'stale-handles', args: ['--stale-handles', '1', '--changes', '1'], keys: ['staleHandles', 'changes'] },
];

/** The older fault bounds (check --help) and the batch-ack option. */
export const OLD_DIMS: readonly Dim[] = [
  { name: 'late-acks', args: ['--late-acks', '1'], keys: ['lateAcks'] },
  { name: 'dup-acks', args: ['--dup-acks', '1'], keys: ['dupAcks'] },
  { name: 'changes', args: ['--changes', '1'], keys: ['changes'] },
  { name: 'store-failures', args: ['--store-failures', '1'], keys: ['storeFailures'] },
  { name: 'retry-failures', args: ['--retry-failures', '1'], keys: ['retryFailures'] },
  { name: 'slow-scans', args: ['--slow-scans', '1'], keys: ['slowScans'] },
  { name: 'crashes', args: ['--crashes', '1'], keys: ['crashes'] },
  { name: 'role-changes', args: ['--role-changes', '1'], keys: ['roleChanges'] },
  { name: 'produce', args: ['--produce', '1'], keys: ['produce'] },
  { name: 'expire', args: ['--expire', '1'], keys: ['expire'] },
  { name: 'gc', args: ['--gc', '1'], keys: ['gc'] },
  { name: 'pop-lag', args: ['--pop-lag'], keys: ['popLag'] },
  { name: 'timer-lag', args: ['--timer-lag'], keys: ['timerLag'] },
  { name: 'scan-stalls', args: ['--scan-stalls'], keys: ['scanStalls'] },
  { name: 'batch-ack', args: ['--batch-ack'], releases: ['5.1.4', '5.2.0', '5.3.0', '5.3.1', '5.3.2', '5.3.3', 'head'], keys: ['enablePopBatchAck'] },
];

/** The size every run shares: one queue of 2 messages, 2 pops of up to 2 messages. */
export const BASE_ARGS = ['--scenario', 'full', '--messages', '2', '--pops', '2', '--batch', '2'];

export interface Config {
  readonly id: string;
  readonly release: string;
  readonly dims: readonly Dim[];
}

export function configs(): Config[] {
  const out: Config[] = [];
  const combos: Dim[][] = [[]];
  for (const d of NEW_DIMS) combos.push([d]);
  for (let i = 0; i < NEW_DIMS.length; i++) for (let j = i + 1; j < NEW_DIMS.length; j++) combos.push([NEW_DIMS[i], NEW_DIMS[j]]);
  for (const d of NEW_DIMS) for (const o of OLD_DIMS) combos.push([d, o]);
  // The older bounds alone, last: what a pair adds to its two halves.
  for (const o of OLD_DIMS) combos.push([o]);
  for (const combo of combos) {
    for (const release of RELEASES.map((r) => r.name)) {
      if (combo.some((d) => d.releases !== undefined && !d.releases.includes(release))) continue;
      // --cq-lag with --expire 1 already has expire; skip the pair that only repeats it.
      if (combo.length === 2 && combo[0].name === 'cq-lag' && combo[1].name === 'expire') continue;
      const name = combo.length === 0 ? 'baseline' : combo.map((d) => d.name).join('+');
      out.push({ id: `${name}@${release}`, release, dims: combo });
    }
  }
  return out;
}

function argsOf(c: Config): string[] {
  const args = [...BASE_ARGS, '--rocketmq', c.release];
  const seen = new Set<string>();
  for (const d of c.dims) {
    for (let i = 0; i < d.args.length; i++) {
      const a = d.args[i];
      // An argument repeated by two dimensions (e.g. --changes) is given once.
      if (a.startsWith('--') && a !== '--set' && seen.has(a)) {
        if (i + 1 < d.args.length && !d.args[i + 1].startsWith('--')) i++;
        continue;
      }
      seen.add(a);
      args.push(a);
    }
  }
  return args;
}

const FAULT_KEYS = [
  'lateAcks', 'dupAcks', 'changes', 'staleHandles', 'storeFailures', 'retryFailures', 'readFailures', 'slowScans', 'crashes',
  'roleChanges', 'produce', 'expire', 'gc', 'unreadable', 'cqLag', 'popLag', 'timerLag', 'scanStalls',
];
const SETTING_KEYS = ['asyncBizRead', 'appendCkAsync', 'appendAckAsync', 'putsCompleteLate', 'enablePopBatchAck', 'escapeToRemoteBroker', 'enableSkipLongAwaitingAck', 'lmqGroup', 'splitAddAk'];

/** What an entry's buggy run needs on top of the base (fault bounds and switched-on options). */
function needs(e: BugEntry): string[] {
  const b = { ...(e.bounds ?? {}), ...(e.buggy.bounds ?? {}) } as Record<string, unknown>;
  const s = { ...(e.settings ?? {}), ...(e.buggy.overrides ?? {}) } as Record<string, unknown>;
  const out = FAULT_KEYS.filter((k) => b[k] !== undefined && b[k] !== 0 && b[k] !== false);
  for (const k of SETTING_KEYS) if (s[k] === true) out.push(k);
  if (e.batchAck === true) out.push('enablePopBatchAck');
  if (typeof b.queues === 'number' && b.queues > 1) out.push('queues');
  return out;
}

/** Catalogue entries that explain a violation of `invariant` at `release` with these keys on. */
export function knownEntries(invariant: string, release: string, keys: readonly string[]): string[] {
  // The sweep runs the CK path (scenario full); KV entries are about another service.
  return CATALOGUE.filter(isCk).filter(
    (e) => e.invariant === invariant && e.affected.includes(release) && needs(e).every((k) => keys.includes(k)),
  ).map((e) => e.id);
}

interface Row {
  id: string;
  release: string;
  dims: string[];
  args: string[];
  verdict: string;
  complete: boolean;
  stopReason: string | null;
  states: number;
  elapsedMs: number;
  violations: { invariant: string; length: number; known: string[] }[];
  error?: string;
}

function run(c: Config, cli: string, timeout: number, maxStates: number): Row {
  const args = argsOf(c);
  const p = spawnSync('node', [cli, 'check', ...args, '--json', '--timeout', String(timeout), '--max-states', String(maxStates)], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const base = { id: c.id, release: c.release, dims: c.dims.map((d) => d.name), args };
  if (p.status === 2 || p.status === 70 || p.stdout.trim() === '') {
    return { ...base, verdict: 'error', complete: false, stopReason: null, states: 0, elapsedMs: 0, violations: [], error: p.stderr.trim().split('\n')[0] };
  }
  const r = JSON.parse(p.stdout) as {
    verdict: string; complete: boolean; stopReason: string | null; states: number; elapsedMs: number;
    violations?: { invariant: string; length: number }[];
  };
  const keys = c.dims.flatMap((d) => d.keys);
  return {
    ...base,
    verdict: r.verdict,
    complete: r.complete,
    stopReason: r.stopReason,
    states: r.states,
    elapsedMs: r.elapsedMs,
    violations: (r.violations ?? []).map((v) => ({ invariant: v.invariant, length: v.length, known: knownEntries(v.invariant, c.release, keys) })),
  };
}

/** Releases as a compact list: ranges of consecutive presets ("5.1.0–head"). */
function releaseSpan(rs: readonly string[]): string {
  const all = RELEASES.map((r) => r.name);
  const idx = [...new Set(rs)].map((r) => all.indexOf(r)).sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && idx[j + 1] === idx[j] + 1) j++;
    out.push(i === j ? all[idx[i]] : `${all[idx[i]]}–${all[idx[j]]}`);
    i = j + 1;
  }
  return out.join(', ');
}

/** A Markdown table of the runs in `rows`: one line per combination of bounds. */
export function report(rows: readonly Row[]): string {
  const byCombo = new Map<string, Row[]>();
  for (const r of rows) {
    const k = r.dims.length === 0 ? 'baseline' : r.dims.join(' + ');
    byCombo.set(k, [...(byCombo.get(k) ?? []), r]);
  }
  const dimKeys = new Map([...NEW_DIMS, ...OLD_DIMS].map((d) => [d.name, d.keys]));
  const lines = [
    '| bounds (on top of the base) | runs | holds | violated | incomplete | states (max) | violated invariants: releases [catalogue entries matching] |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const [k, rs] of byCombo) {
    const count = (v: string) => rs.filter((r) => r.verdict === v).length;
    const inc = rs.filter((r) => !r.complete).length;
    const inv = new Map<string, { rel: string[]; known: Set<string> }>();
    for (const r of rs) {
      const keys = r.dims.flatMap((d) => dimKeys.get(d) ?? []);
      for (const v of r.violations) {
        const e = inv.get(v.invariant) ?? { rel: [], known: new Set<string>() };
        e.rel.push(r.release);
        for (const id of knownEntries(v.invariant, r.release, keys)) e.known.add(id);
        inv.set(v.invariant, e);
      }
    }
    const invText = [...inv]
      .map(([name, e]) => `${name}: ${releaseSpan(e.rel)}${e.known.size > 0 ? ` [${[...e.known].join(', ')}]` : ''}`)
      .join('; ');
    lines.push(`| ${k} | ${rs.length} | ${count('holds')} | ${count('violated')} | ${inc} | ${Math.max(...rs.map((r) => r.states))} | ${invText || '—'} |`);
  }
  return lines.join('\n');
}

function main(): void {
  const argv = process.argv.slice(2);
  if (argv[0] === '--report') {
    const rows = new Map<string, Row>();
    for (const f of argv.slice(1)) for (const l of readFileSync(f, 'utf8').split('\n')) if (l.trim() !== '') rows.set((JSON.parse(l) as Row).id, JSON.parse(l) as Row);
    process.stdout.write(report([...rows.values()]) + '\n');
    return;
  }
  const opt = (name: string, dflt: string): string => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : dflt;
  };
  const out = opt('--out', 'sweep-issue-10.jsonl');
  const timeout = Number(opt('--timeout', '30'));
  const maxStates = Number(opt('--max-states', '1500000'));
  const only = opt('--only', '');
  const [shard, shards] = opt('--shard', '0/1').split('/').map(Number);
  const here = dirname(fileURLToPath(import.meta.url));
  const cli = join(here, '..', 'cli', 'main.js');
  const done = new Set<string>();
  if (existsSync(out)) for (const l of readFileSync(out, 'utf8').split('\n')) if (l.trim() !== '') done.add((JSON.parse(l) as Row).id);
  const todo = configs().filter((c, i) => !done.has(c.id) && c.id.includes(only) && i % shards === shard);
  process.stderr.write(`${todo.length} runs to do (${done.size} already in ${out})\n`);
  for (const c of todo) {
    const row = run(c, cli, timeout, maxStates);
    appendFileSync(out, JSON.stringify(row) + '\n');
    const v = row.violations.map((x) => `${x.invariant}:${x.length}${x.known.length > 0 ? `[known: ${x.known.join('/')}]` : ''}`).join(' ');
    process.stderr.write(`${row.id} ${row.verdict}${row.complete ? '' : ` (incomplete: ${row.stopReason})`} ${row.states} ${v}${row.error ?? ''}\n`);
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) main();
