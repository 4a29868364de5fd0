/** Part b: SPIN and popcheck side by side on ack-flush. */
import { join } from 'node:path';
import { RELEASES, type PopcheckCase } from './cases.js';
import { runPopcheck, type PopcheckOutcome } from './popcheck-case.js';
import { OUT_DIR } from './paths.js';
import { runSpin, type SpinResult } from './spin-run.js';
import { int, mb, ms, ratio, renderTable } from './table.js';

/** The like-for-like popcheck run: SPIN checks one assertion and stops at the first error. */
export const FIRST_FLAGS = ['--stop-at-first', '--invariant', 'acked-never-retried'];

const HEADER = [
  'N',
  'release',
  'SPIN verdict',
  'SPIN states',
  'SPIN MB',
  'SPIN ms',
  'pan ms',
  'popcheck',
  'popcheck ms',
  'first ms',
  'first/SPIN',
  'first/pan',
];

export interface SpinTableOptions {
  readonly sizes: readonly number[];
  readonly timeoutSec: number;
  readonly memLimMb: number;
  readonly progress: (s: string) => void;
}

type SpinOutcome = { readonly ok: true; readonly r: SpinResult } | { readonly ok: false; readonly reason: string };

const DECIDED = new Set(['holds', 'violated']);

/** popcheck time / SPIN time; "<x" when SPIN did not reach a verdict (its time is then a lower bound). */
function ratioCell(pop: PopcheckOutcome, s: SpinOutcome, spinMs: (r: SpinResult) => number): string {
  if (pop.kind !== 'ran' || !s.ok) return '-';
  const x = ratio(pop.ms / spinMs(s.r));
  return DECIDED.has(s.r.verdict) ? x : `<${x}`;
}

function popVerdict(o: PopcheckOutcome): string {
  return o.kind === 'ran' ? o.report.verdict : o.kind;
}

/** The table, its footnotes, and whether SPIN and popcheck disagreed on a verdict. */
export async function spinTable(o: SpinTableOptions): Promise<{ text: string; mismatch: boolean }> {
  const rows: string[][] = [];
  const notes: string[] = [];
  let mismatch = false;
  // popcheck first, so its timings do not follow a multi-GB pan run whose memory is being released.
  const jobs: { n: number; release: string; full: PopcheckOutcome; first: PopcheckOutcome }[] = [];
  for (const n of o.sizes) {
    for (const release of RELEASES) {
      const c: PopcheckCase = { scenario: 'ack-flush', bound: `N=${n}`, release, flags: ['--messages', String(n)] };
      o.progress(`popcheck ack-flush N=${n} ${release}`);
      jobs.push({ n, release, full: await runPopcheck(c), first: await runPopcheck(c, FIRST_FLAGS) });
    }
  }
  for (const { n, release, full, first } of jobs) {
    o.progress(`SPIN ack-flush N=${n} ${release}`);
    let s: SpinOutcome;
    try {
      const workDir = join(OUT_DIR, 'spin', `ack-flush-N${n}-${release}`);
      s = { ok: true, r: await runSpin({ n, release, batchAck: false, timeoutSec: o.timeoutSec, memLimMb: o.memLimMb, workDir }) };
    } catch (err) {
      s = { ok: false, reason: (err as Error).message.split('\n')[0] };
      notes.push(`SPIN error: N=${n} ${release}: ${s.reason}`);
    }
    for (const p of [full, first]) if (p.kind !== 'ran') notes.push(`popcheck ${p.kind}: N=${n} ${release}: ${p.reason}`);
    if (s.ok && DECIDED.has(s.r.verdict) && full.kind === 'ran' && s.r.verdict !== full.report.verdict) {
      mismatch = true;
      notes.push(`VERDICT MISMATCH: N=${n} ${release}: SPIN ${s.r.verdict}, popcheck ${full.report.verdict}`);
    }
    const sr = s.ok ? s.r : null;
    rows.push([
      String(n),
      release,
      sr ? sr.verdict : 'error',
      sr?.states == null ? '-' : int(sr.states),
      sr?.memoryMb == null ? '-' : mb(sr.memoryMb),
      sr ? ms(sr.totalMs) : '-',
      sr ? ms(sr.panMs) : '-',
      popVerdict(full),
      full.kind === 'ran' ? ms(full.ms) : '-',
      first.kind === 'ran' ? ms(first.ms) : '-',
      ratioCell(first, s, (r) => r.totalMs),
      ratioCell(first, s, (r) => r.panMs),
    ]);
  }
  return { text: [renderTable(HEADER, rows, 2), ...notes].join('\n'), mismatch };
}
