/**
 * The opening paragraphs of a walkthrough (model/walkthrough.ts): what the run is, on which
 * release, and what to watch. Pure text from data.
 */
import { entryName, fixedInText, type BugEntry } from './catalogue.js';
import type { ModelIdentity } from './identity.js';
import { findScenario } from './scenarios/index.js';

const WATCH =
  'Each step says what RocketMQ\'s classes did, then shows the panels after it: the consumer, the buffer (bits, toStoreBits), ' +
  'the queue with its consumer offset and offset queue, the timer, the revive queue with its offset, the retry topic and each ' +
  'message\'s lifecycle state. Lines marked * changed in that step.';

/** "ack-flush, N=3, RocketMQ 5.3.1, enablePopBatchAck" and the settings changed. */
export function modelText(id: ModelIdentity, bounds: string): string {
  const extras = [id.batchAck ? 'enablePopBatchAck=true' : null, ...Object.entries(id.settings ?? {}).map(([k, v]) => `${k}=${String(v)}`)].filter((x) => x !== null);
  return `scenario ${id.scenario} (${bounds}) on RocketMQ ${id.rocketmq}${extras.length > 0 ? `, ${extras.join(', ')}` : ''}`;
}

export function bugIntro(entry: BugEntry, which: 'buggy' | 'fixed', steps: number, bounds: string, id: ModelIdentity): string[] {
  const run = entry[which];
  const other = which === 'buggy' ? entry.fixed : entry.buggy;
  const out = [entry.summary, `See ${entry.links.join(' and ')}.`];
  if (steps === 0) {
    out.push(`On ${run.label} the model checker finds no run that breaks ${entry.invariant}; there is nothing to walk through (${modelText(id, bounds)}).`);
    return out;
  }
  out.push(
    which === 'buggy'
      ? `We walk through the model checker's shortest run that breaks ${entry.invariant} on ${run.label} (${modelText(id, bounds)}): ${steps} steps. ` +
          `At the end the same steps run on ${other.label}, the release that fixed it.`
      : `We walk through the buggy release's shortest counterexample (${steps} steps, found on ${other.label}) on ${run.label}, the release that fixed it ` +
          `(${modelText(id, bounds)}), and compare with ${other.label} at the end.`,
  );
  out.push(WATCH);
  return out;
}

export interface CheckSummary {
  readonly verdict: 'holds' | 'violated' | 'incomplete';
  readonly states: number;
  readonly interleavings: string | null;
  readonly violatingInterleavings: string | null;
  readonly invariant: string | null;
  readonly stopReason: string | null;
  /** The catalogue bugs the walked counterexample is (traces/catalogue-match.ts's knownBugsOf): id, title, fixing release. */
  readonly knownBugs: readonly { readonly id: string; readonly kind: string; readonly title: string; readonly fixedIn: string }[];
}

export function scenarioIntro(id: ModelIdentity, bounds: string, c: CheckSummary, steps: number): string[] {
  const def = findScenario(id.scenario);
  const out = [`The ${modelText(id, bounds)}${def ? `: ${def.summary}` : ''}.`];
  const explored = `The model checker explored ${c.states} states${c.interleavings !== null ? ` (${c.interleavings} complete interleavings)` : ''}`;
  if (c.verdict === 'violated') {
    out.push(
      `${explored} and found ${c.invariant} violated${c.violatingInterleavings !== null ? ` in ${c.violatingInterleavings} of them` : ''}. ` +
        `We walk through the shortest counterexample: ${steps} steps.`,
    );
    for (const k of c.knownBugs) {
      out.push(
        `It is a known bug: ${entryName(k)}, "${k.title}" (${fixedInText(k.fixedIn)}); with its fix alone this counterexample cannot happen. ` +
          `\`popcheck explain --bug ${k.id}\` walks the catalogue's own run of it.`,
      );
    }
    out.push(WATCH);
  } else if (c.verdict === 'holds') {
    out.push(`${explored}: every invariant holds in every one of them, so there is no counterexample to walk through.`);
  } else {
    out.push(`${explored} and stopped early (${c.stopReason}) without finding a violation: nothing is proven, and there is nothing to walk through.`);
  }
  return out;
}

export function traceIntro(file: string, id: ModelIdentity, bounds: string, events: number): string[] {
  return [`The trace ${file}: ${events} event(s) on the ${modelText(id, bounds)}. We replay it step by step.`, WATCH];
}
