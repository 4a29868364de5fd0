/** Human-readable rendering of a check report. */
import type { NarratedStep } from '../model/narrate.js';
import { eventLabel } from '../model/narrate.js';
import { fmtTime } from '../model/format.js';
import type { CheckReport } from './check-command.js';
import { entryName, fixedInText } from '../model/catalogue.js';
import { knownBugWhy } from '../traces/catalogue-match.js';

function bytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(1)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}

/** Steps as text; consecutive `tick` steps are shown as one line ("time passes to ..."). */
export function renderSteps(steps: readonly Omit<NarratedStep, 'observations'>[]): string[] {
  const lines: string[] = [];
  const w = String(steps.length).length * (steps.some((s) => s.event.type === 'tick') ? 2 : 1) + 1;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    if (s.event.type === 'tick') {
      let j = i;
      while (j + 1 < steps.length && steps[j + 1].event.type === 'tick') j++;
      const range = j > i ? `${s.index}-${steps[j].index}` : String(s.index);
      lines.push(`${range.padStart(w)}. ${fmtTime(steps[j].time).padStart(6)}  time passes to ${fmtTime(steps[j].time)}`);
      i = j;
      continue;
    }
    lines.push(`${String(s.index).padStart(w)}. ${fmtTime(s.time).padStart(6)}  ${eventLabel(s.event)}`);
    for (const n of s.notes) lines.push(`${' '.repeat(w + 11)}${n.actor}: ${n.text}`);
  }
  return lines;
}

export function renderCheck(r: CheckReport): string {
  const out: string[] = [];
  const s = r.settings;
  out.push(
    `popcheck ${r.scenario}: ${r.bounds}, RocketMQ ${r.rocketmq} ` +
      `(enablePopBufferMerge=${s.enablePopBufferMerge}, enablePopBatchAck=${s.enablePopBatchAck}, invisibleTime=${s.popInvisibleTime / 1000}s)`,
  );
  out.push(`invariants: ${r.invariants.join(', ')}`);
  out.push('');
  if (r.verdict === 'violated' && r.violations.length > 0) {
    const v = r.violations[0];
    out.push(`VIOLATED ${v.invariant}: ${v.description}`);
    out.push('');
    out.push(`Shortest counterexample (${v.length} steps):`);
    out.push(...renderSteps(v.counterexample.steps).map((l) => `  ${l}`));
    if (v.explanation.length > 0) {
      out.push('');
      out.push('Why:');
      for (const e of v.explanation) out.push(`  ${e}`);
    }
    if (v.knownBugs.length > 0) {
      out.push('');
      out.push(v.knownBugs.length === 1 ? 'Known bug:' : 'Known bugs (the fix of each alone removes this counterexample):');
      for (const k of v.knownBugs) {
        out.push(`  ${entryName(k)}: ${k.title} (${fixedInText(k.fixedIn)}; ${k.links[0] ?? 'no upstream link'})`);
        out.push(`    ${knownBugWhy(k, v.length, v.invariant)}`);
      }
    }
    if (r.violations.length > 1) {
      out.push('');
      out.push('Also violated:');
      for (const o of r.violations.slice(1)) {
        const known = o.knownBugs.length > 0 ? `; known bug ${o.knownBugs.map((k) => entryName(k)).join(', ')}` : '';
        out.push(`  ${o.invariant} (shortest counterexample: ${o.length} steps${o.violatingInterleavings ? `; ${o.violatingInterleavings} interleavings` : ''}${known})`);
        for (const e of o.explanation) out.push(`    ${e}`);
      }
    }
  } else if (r.verdict === 'holds') {
    out.push(`HOLDS: no invariant is violated in any of the ${r.interleavings ?? 'explored'} interleavings.`);
  } else {
    out.push(`INCOMPLETE: the run stopped early (${r.stopReason}); nothing is proven beyond the ${r.states} states explored.`);
  }
  out.push('');
  const counted =
    r.interleavings === null
      ? r.spill?.pathsNotCounted === 'not-layered'
        ? 'interleavings not counted (spilled to disk, and the state graph is not layered)'
        : r.complete
        ? 'interleavings not counted'
        : 'interleavings not counted (incomplete run)'
      : `${r.interleavings} interleavings covered, ${r.violatingInterleavings ?? '0'} violating${r.invariant ? ` ${r.invariant}` : ''}`;
  out.push(
    `${r.verdict}: ${r.states} states, ${r.transitions} transitions, depth ${r.depth}; ${counted}; ` +
      `symmetry ${r.symmetry ? 'on' : 'off'}; ${r.elapsedMs} ms (${r.statesPerSecond} states/s); ` +
      `store ${bytes(r.storeBytes)} (${r.bytesPerState} B/state)` +
      (r.peakRssBytes === null ? '' : `; peak RSS ${bytes(r.peakRssBytes)} (${r.rssBytesPerState} B/state)`) +
      `; fingerprint collision probability ${r.collisionProbability.toExponential(1)}`,
  );
  if (r.spill !== null) {
    out.push(`spilled to disk: ${r.spill.merges} merges of a buffer of ${r.spill.bufferStates} successors, at most ${bytes(r.spill.diskPeakBytes)} on disk`);
  }
  return out.join('\n');
}

export function renderBug(r: import('./bug-command.js').BugReport): string {
  const b = r.bug;
  const line = (label: string, c: import('./check-command.js').CheckReport) =>
    `  ${label.padEnd(44)} ${c.verdict.toUpperCase().padEnd(10)} ${String(c.states).padStart(8)} states  ` +
    `${c.interleavings ?? '?'} interleavings, ${c.violatingInterleavings ?? '?'} violating  (${c.elapsedMs} ms)`;
  const out: string[] = [];
  out.push(`${b.kind === 'bug' ? `#${b.id}` : b.id}: ${b.title}`);
  out.push(`  ${b.summary}`);
  out.push(`  invariant: ${b.invariant}; switches: ${b.switches.join(', ') || '(none)'}; scenario ${r.buggy.scenario}: ${r.buggy.bounds}`);
  out.push('');
  out.push(line(`buggy: ${b.buggyRun.label}`, r.buggy));
  out.push(line(`fixed: ${b.fixedRun.label}`, r.fixed));
  out.push('');
  out.push(
    r.outcome === 'as-expected'
      ? 'As the catalogue says.'
      : r.outcome === 'incomplete'
        ? `INCOMPLETE: a run stopped early (${[r.buggy, r.fixed].map((c) => c.stopReason).filter((x) => x !== null).join(', ')}), so the catalogue's claim was not checked (expected the buggy run ${b.expectBuggy} and the fixed run holds).`
        : `NOT as the catalogue says (expected the buggy run ${b.expectBuggy} and the fixed run holds).`,
  );
  const v = r.buggy.violations[0];
  if (v) {
    out.push('');
    out.push(`Shortest counterexample on ${b.buggyRun.label} (${v.length} steps):`);
    out.push(...renderSteps(v.counterexample.steps).map((l) => `  ${l}`));
    if (v.explanation.length > 0) {
      out.push('');
      out.push('Why:');
      for (const e of v.explanation) out.push(`  ${e}`);
    }
  }
  return out.join('\n');
}
