/** Part a: the popcheck table. */
import type { PopcheckCase } from './cases.js';
import { runPopcheck, type PopcheckOutcome } from './popcheck-case.js';
import { bigCount, int, ms, renderTable } from './table.js';

const HEADER = ['scenario', 'bound', 'release', 'verdict', 'states', 'transitions', 'time ms', 'states/s', 'bytes/state', 'interleavings'];

function row(c: PopcheckCase, o: PopcheckOutcome): string[] {
  const head = [c.scenario, c.bound, c.release];
  if (o.kind !== 'ran') return [...head, o.kind, ...HEADER.slice(4).map(() => '-')];
  const r = o.report;
  return [
    ...head,
    r.verdict,
    int(r.states),
    int(r.transitions),
    ms(o.ms),
    int(r.states / (o.ms / 1000)),
    r.bytesPerState.toFixed(1),
    r.interleavings === null ? '-' : bigCount(r.interleavings),
  ];
}

/** Runs every case (progress on `progress`), returns the table and its footnotes. */
export async function popcheckTable(cases: readonly PopcheckCase[], progress: (s: string) => void): Promise<string> {
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const c of cases) {
    progress(`popcheck ${c.scenario} ${c.bound} ${c.release}`);
    const o = await runPopcheck(c);
    rows.push(row(c, o));
    if (o.kind !== 'ran') notes.push(`${o.kind}: ${c.scenario} ${c.bound} ${c.release}: ${o.reason}`);
  }
  return [renderTable(HEADER, rows, 3), ...notes].join('\n');
}
