/**
 * Part b: popcheck against SPIN on the same state space, and the `full` rows. Each run is a
 * child process measured from outside (bench/child-measure.ts): popcheck's runCheck in
 * `dist/bench/explore-child.js` (its CPU and wall time taken around runCheck, so Node's start
 * is not in them), pan's search alone under GNU time (spin -a and gcc are not measured). Peak
 * RSS is the whole process's; bytes/state is peak RSS / states.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeRssMethod, runNodeChild, type RssMethod } from './child-measure.js';
import type { ExploreChildResult } from './explore-child.js';
import { OUT_DIR } from './paths.js';
import { GCC_FLAGS, panFlags, runSpin, type SpinResult } from './spin-run.js';
import { int, mb, renderTable } from './table.js';

/** The release of the side-by-side: the fixed one, so that both tools explore everything. */
export const SIDE_BY_SIDE_RELEASE = '5.3.2';
export const SIDE_BY_SIDE_SIZES: readonly number[] = [10, 12, 14];
export const SIDE_BY_SIDE_SIZES_QUICK: readonly number[] = [10, 12];

/** `popcheck check` arguments of the ack-flush side-by-side. */
export function ackFlushArgv(n: number): string[] {
  return ['--scenario', 'ack-flush', '--messages', String(n), '--no-symmetry', '--rocketmq', SIDE_BY_SIDE_RELEASE];
}

export interface FullRow {
  readonly bound: string;
  readonly workers: number;
  readonly argv: readonly string[];
}
function fullRows(m: number): FullRow[] {
  return [1, 2].map((workers) => ({
    bound: `m=${m} pops=${m} b=1`,
    workers,
    argv: ['--scenario', 'full', '--messages', String(m), '--pops', String(m), '--batch', '1', '--rocketmq', SIDE_BY_SIDE_RELEASE, ...(workers > 1 ? ['--workers', String(workers)] : [])],
  }));
}
/** `full --messages 4 --pops 4 --batch 1` (about 6 M states), sequential and on 2 workers; `--quick`: 3 messages and pops. */
export const FULL_ROWS: readonly FullRow[] = fullRows(4);
export const FULL_ROWS_QUICK: readonly FullRow[] = fullRows(3);

/** Issue 12's goals. */
export const EXPLORER_GOALS = { cpuRatio: 1, rssRatio: 1, statesPerSec: 1_000_000, bytesPerState: 64 } as const;

const EXPLORE_CHILD = join(dirname(fileURLToPath(import.meta.url)), 'explore-child.js');
const FLOOR_CHILD = join(dirname(fileURLToPath(import.meta.url)), 'floor-child.js');

type Measured<T> = { readonly ok: true; readonly r: T } | { readonly ok: false; readonly reason: string };
interface PopRun extends ExploreChildResult {
  readonly peakRssKb: number | null;
}

/** One popcheck run in a child process. */
export function measurePopcheck(method: RssMethod, workDir: string, argv: readonly string[]): Measured<PopRun> {
  const c = runNodeChild(method, workDir, EXPLORE_CHILD, argv);
  if (c.status !== 0) {
    const how = c.signal !== null ? `killed by ${c.signal}` : `exit code ${c.status}`;
    return { ok: false, reason: `${how}: ${c.stderr.trim().split('\n').at(-1) ?? ''}` };
  }
  const r = JSON.parse(c.stdout.trim().split('\n').at(-1) ?? '{}') as ExploreChildResult;
  return { ok: true, r: { ...r, peakRssKb: c.peakRssKb } };
}

interface FloorRun {
  readonly states: number;
  readonly transitions: number;
  readonly cpuMs: number;
}

/**
 * The explorer alone on the same state space: bench/floor-model.ts (ack-flush packed into three
 * words) explored by the same explorer in a child process, its search's CPU time.
 */
export function measureFloor(method: RssMethod, workDir: string, n: number): Measured<FloorRun> {
  const c = runNodeChild(method, workDir, FLOOR_CHILD, [String(n), '3']);
  if (c.status !== 0) {
    const how = c.signal !== null ? `killed by ${c.signal}` : `exit code ${c.status}`;
    return { ok: false, reason: `${how}: ${c.stderr.trim().split('\n').at(-1) ?? ''}` };
  }
  return { ok: true, r: JSON.parse(c.stdout.trim().split('\n').at(-1) ?? '{}') as FloorRun };
}

const sec = (ms: number | null): string => (ms === null ? '-' : (ms / 1000).toFixed(ms < 10_000 ? 2 : 1));
const mib = (kb: number | null): string => (kb === null ? '-' : mb(kb / 1024));
const perState = (kb: number | null, states: number | null): string => {
  if (kb === null || !states) return '-';
  const b = (kb * 1024) / states;
  return b >= 100 ? int(b) : b.toFixed(1);
};
const times = (a: number | null, b: number | null): string => (a === null || b === null || b === 0 ? '-' : (a / b).toFixed(2));

const ACK_HEADER = [
  'N',
  'verdicts',
  'popcheck states',
  'SPIN states',
  'diff',
  'popcheck transitions',
  'SPIN transitions',
  'popcheck CPU s',
  'pan CPU s',
  'CPU popcheck/SPIN',
  'explorer alone CPU s',
  'explorer alone/SPIN',
  'popcheck RSS MB',
  'pan RSS MB',
  'RSS popcheck/SPIN',
  'popcheck B/state',
  'pan B/state',
  'store B/state',
];

const FULL_HEADER = ['scenario', 'bound', 'release', 'workers', 'verdict', 'states', 'transitions', 'wall s', 'CPU s', 'states/s', 'states/CPU s', 'peak RSS MB', 'B/state', 'store B/state'];

export interface SideBySideOptions {
  readonly sizes: readonly number[];
  readonly full: readonly FullRow[];
  readonly spin: boolean;
  readonly method: RssMethod;
  readonly timeoutSec: number;
  readonly memLimMb: number;
  readonly progress: (s: string) => void;
}

/** The two tables and their footnotes; `mismatch` when SPIN and popcheck disagree on a state count or a verdict. */
export async function sideBySide(o: SideBySideOptions): Promise<{ text: string; mismatch: boolean }> {
  const workDir = join(OUT_DIR, 'side-by-side');
  mkdirSync(workDir, { recursive: true });
  const notes: string[] = [];
  let mismatch = false;
  const rows: string[][] = [];
  const goal: { cpu: string; rss: string } = { cpu: '-', rss: '-' };
  for (const n of o.sizes) {
    o.progress(`popcheck ack-flush N=${n} --no-symmetry`);
    const p = measurePopcheck(o.method, workDir, ackFlushArgv(n));
    let s: Measured<SpinResult> | null = null;
    if (o.spin) {
      o.progress(`SPIN ack-flush N=${n}`);
      try {
        const r = await runSpin({ n, release: SIDE_BY_SIDE_RELEASE, batchAck: false, timeoutSec: o.timeoutSec, memLimMb: o.memLimMb, workDir: join(OUT_DIR, 'spin', `ack-flush-N${n}`), measure: o.method });
        s = { ok: true, r };
      } catch (err) {
        s = { ok: false, reason: (err as Error).message.split('\n')[0] };
      }
    }
    o.progress(`the explorer alone (bench/floor-model.ts) N=${n}`);
    const f = measureFloor(o.method, workDir, n);
    if (!f.ok) notes.push(`the explorer alone failed: N=${n}: ${f.reason}`);
    const fr = f.ok ? f.r : null;
    if (fr && p.ok && (fr.states !== p.r.states || fr.transitions !== p.r.transitions)) {
      mismatch = true;
      notes.push(`MISMATCH: N=${n}: the explorer alone explored ${int(fr.states)} states and ${int(fr.transitions)} transitions, popcheck ${int(p.r.states)} and ${int(p.r.transitions)}`);
    }
    if (!p.ok) notes.push(`popcheck failed: N=${n}: ${p.reason}`);
    if (s !== null && !s.ok) notes.push(`SPIN failed: N=${n}: ${s.reason}`);
    const pr = p.ok ? p.r : null;
    const sr = s !== null && s.ok ? s.r : null;
    if (pr && sr && sr.verdict !== 'timeout' && sr.verdict !== 'out of memory') {
      if (pr.verdict !== sr.verdict || pr.states !== sr.states) {
        mismatch = true;
        notes.push(`MISMATCH: N=${n}: popcheck ${pr.verdict} with ${int(pr.states)} states, SPIN ${sr.verdict} with ${sr.states === null ? '?' : int(sr.states)}`);
      }
    } else if (sr && pr) {
      notes.push(`SPIN stopped (${sr.verdict}) at N=${n}: its figures are those reached so far`);
    }
    const spinCpu = sr?.panCpuMs ?? null;
    const spinRss = sr?.panPeakRssKb ?? null;
    const cpuRatio = times(pr?.cpuMs ?? null, spinCpu);
    const rssRatio = times(pr?.peakRssKb ?? null, spinRss);
    if (n === Math.max(...o.sizes)) {
      goal.cpu = `${cpuRatio} at N=${n}`;
      goal.rss = `${rssRatio} at N=${n}`;
    }
    rows.push([
      String(n),
      `${pr?.verdict ?? '-'} / ${sr?.verdict ?? (o.spin ? 'error' : '-')}`,
      pr ? int(pr.states) : '-',
      sr?.states == null ? '-' : int(sr.states),
      pr && sr?.states != null ? int(sr.states - pr.states) : '-',
      pr ? int(pr.transitions) : '-',
      sr?.transitions == null ? '-' : int(sr.transitions),
      sec(pr?.cpuMs ?? null),
      sec(spinCpu),
      cpuRatio,
      sec(fr?.cpuMs ?? null),
      times(fr?.cpuMs ?? null, spinCpu),
      mib(pr?.peakRssKb ?? null),
      mib(spinRss),
      rssRatio,
      perState(pr?.peakRssKb ?? null, pr?.states ?? null),
      perState(spinRss, sr?.states ?? null),
      pr ? pr.storeBytesPerState.toFixed(1) : '-',
    ]);
  }
  const fullRows: string[][] = [];
  const fullGoals: string[] = [];
  for (const f of o.full) {
    o.progress(`popcheck full ${f.bound} workers=${f.workers}`);
    const p = measurePopcheck(o.method, workDir, f.argv);
    if (!p.ok) {
      notes.push(`popcheck failed: full ${f.bound} workers=${f.workers}: ${p.reason}`);
      fullRows.push(['full', f.bound, SIDE_BY_SIDE_RELEASE, String(f.workers), 'error', ...FULL_HEADER.slice(5).map(() => '-')]);
      continue;
    }
    const r = p.r;
    const rate = r.states / (r.wallMs / 1000);
    const cpuRate = r.states / (r.cpuMs / 1000);
    fullRows.push([
      'full',
      f.bound,
      SIDE_BY_SIDE_RELEASE,
      String(f.workers),
      r.verdict,
      int(r.states),
      int(r.transitions),
      sec(r.wallMs),
      sec(r.cpuMs),
      int(rate),
      int(cpuRate),
      mib(r.peakRssKb),
      perState(r.peakRssKb, r.states),
      r.storeBytesPerState.toFixed(1),
    ]);
    if (f.workers === 1) fullGoals.push(`${int(rate)} states/s, ${int(cpuRate)} per CPU second (goal >= ${int(EXPLORER_GOALS.statesPerSec)} on one core), ${perState(r.peakRssKb, r.states)} B/state by peak RSS (goal <= ${EXPLORER_GOALS.bytesPerState})`);
  }
  const text = [
    `ack-flush, RocketMQ ${SIDE_BY_SIDE_RELEASE}, no symmetry: popcheck check ${ackFlushArgv(0).join(' ').replace('--messages 0', '--messages N')}`,
    `  against SPIN on bench/ack-flush.pml (spin -a -DN=N -DREL=532; gcc ${GCC_FLAGS.join(' ')} -DMEMLIM=${o.memLimMb}; ./pan -w<ceil(log2 states)>, e.g. ${panFlags(14)[0]} at N=14)`,
    '',
    renderTable(ACK_HEADER, rows, 2),
    '',
    renderTable(FULL_HEADER, fullRows, 3),
    '',
    'verdicts: popcheck / SPIN. diff: SPIN states - popcheck states (0: the same state space). SPIN transitions are pan\'s "stored + matched",',
    '  which counts the initial state as one: popcheck\'s transitions + 1.',
    'CPU s: user + system CPU; popcheck: of its process during runCheck (model, explore, interleaving counts; worker threads included),',
    '  pan: its search alone (not spin -a, not gcc). wall s: runCheck\'s wall time; states/s = states / wall s;',
    '  states/CPU s = states / CPU s (CPU s counts V8\'s GC helper threads too; on a busy machine states/s falls, states/CPU s less so).',
    `RSS MB: peak resident set size of the whole process (MB = 2^20 bytes), by ${describeRssMethod(o.method)}.`,
    '  B/state = peak RSS / states, fixed costs included (a 9-state popcheck run peaks at about 65 MB, pan at about 2 MB).',
    '  store B/state: popcheck\'s own figure for its stored tables (fingerprints, parents, edges) per state, without the search',
    '  queue or the heap around them.',
    'CPU and RSS popcheck/SPIN: popcheck\'s figure divided by pan\'s (above 1: popcheck needs more).',
    'explorer alone: the same explorer on bench/floor-model.ts, this state space packed into three words by hand (same states and',
    '  transitions), CPU of its search: what the explorer costs (queue, fingerprints, visited table, numbering, path counts) when the',
    '  model costs almost nothing. popcheck CPU minus this is, roughly, the protocol model\'s own work (rules, enabled events, invariants).',
    `Issue 12's goals: ack-flush CPU popcheck/SPIN <= ${EXPLORER_GOALS.cpuRatio} (now ${goal.cpu}), RSS popcheck/SPIN <= ${EXPLORER_GOALS.rssRatio} (now ${goal.rss});`,
    `  full ${o.full[0]?.bound ?? ''} sequential: ${fullGoals[0] ?? '-'}.`,
    ...(o.spin ? [] : ['SPIN columns empty: SPIN unavailable or --no-spin.']),
    ...(o.method.kind === 'time' ? [] : ['pan CPU and RSS need GNU time (time -v), which is not on PATH: those columns are empty.']),
    ...notes,
  ];
  return { text: text.join('\n'), mismatch };
}
