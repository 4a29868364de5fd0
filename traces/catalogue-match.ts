/**
 * Which catalogue entries (model/catalogue.ts) a violation found in a pop.log matches: the
 * entries of the violated invariant that affect the release, narrowed by what the lines show
 * when an entry has a signature in pop.log (#8835: a flushed AckMsg without brokerName, then
 * the retry of an acked offset; 8835-batch: the same with a BatchAckMsg; I-2: a store-path ack
 * with a "put ack msg error" line in its second).
 */
import { CK_CATALOGUE as CATALOGUE, type BugEntry, type BugRun } from '../model/catalogue.js';
import { resolveSettings } from '../model/config.js';
import { findScenario } from '../model/scenarios/index.js';
import type { Event } from '../model/events.js';
import type { ModelIdentity } from '../model/identity.js';
import type { PopModel } from '../model/popmodel.js';
import { check } from '../checker/index.js';
import { replay } from './replay.js';
import type { CkResult } from './validate.js';

/** The most states knownBugsOf explores on from a fixed replay's last state (see `replayViolates`). */
const REST_SEARCH = 200_000;

/** Entries with a pop.log signature: the evidence each needs. */
const SIGNATURES: Readonly<Record<string, string>> = {
  '8835': 'bufferAckWithoutBrokerName',
  '8835-batch': 'bufferBatchAckWithoutBrokerName',
  'I-2': 'ackPutFailedNear',
};

/** What each evidence pattern (CkResult.evidence's `what`) means, in words. */
export const EVIDENCE_TEXT: Readonly<Record<string, string>> = {
  bufferAckWithoutBrokerName: 'the buffer flushed an AckMsg without brokerName (put ack to store ok ... brokerName=null)',
  bufferBatchAckWithoutBrokerName: 'the buffer flushed a BatchAckMsg without brokerName (put batch ack to store ok ... brokerName=null)',
  ackPutFailedNear: 'an ack went to the store path and a "put ack msg error" line is in the same second: its AckMsg may not have been written, while the client was told SUCCESS',
};

/** The catalogue entries whose pop.log signature is the evidence pattern `what`. */
export function entriesSignedBy(what: string): string[] {
  return Object.entries(SIGNATURES)
    .filter(([, w]) => w === what)
    .map(([id]) => id);
}

export function findCatalogueMatches(release: string, ck: CkResult): string[] {
  if (ck.violations.length === 0) return [];
  const broken = new Set(ck.violations.map((v) => v.invariant));
  const seen = new Set(ck.evidence.map((e) => e.what));
  const affects = (e: (typeof CATALOGUE)[number]): boolean => (e.affected as readonly string[]).includes(release);
  const candidates = CATALOGUE.filter((e) => broken.has(e.invariant) && affects(e));
  // An entry whose pattern the lines show matches even before its own invariant fails (the first sign).
  const signed = CATALOGUE.filter((e) => affects(e) && SIGNATURES[e.id] !== undefined && seen.has(SIGNATURES[e.id]));
  if (signed.length > 0) return signed.map((e) => e.id);
  return candidates.filter((e) => SIGNATURES[e.id] === undefined).map((e) => e.id);
}

/** A catalogue bug whose fix, applied alone to the run's settings, removes a counterexample. */
export interface KnownBug {
  readonly id: string;
  readonly kind: 'bug' | 'hypothesis';
  readonly title: string;
  readonly fixedIn: string;
  readonly links: readonly string[];
  /** The fix, as settings (`fixOf`): the entry's own fix, else its switches whose values its buggy and fixed runs differ in, at the fixed run's values. */
  readonly fix: Readonly<Record<string, unknown>>;
  /** null: under the fix the same steps replay without the violation; else the first step the fix does not allow, and the guard's reason. */
  readonly refused: { readonly step: number; readonly reason: string } | null;
}

/** What a known bug's fix does to the counterexample, in words (the CLI's text and the browser's panel). */
export function knownBugWhy(k: Pick<KnownBug, 'id' | 'fix' | 'refused'>, steps: number, invariant: string): string {
  const fix = Object.entries(k.fix).map(([name, value]) => `${name}=${String(value)}`).join(', ');
  return k.refused === null
    ? `with its fix alone (${fix}), the same ${steps} steps do not violate ${invariant} (popcheck bug ${k.id})`
    : `with its fix alone (${fix}), step ${k.refused.step} cannot happen: ${k.refused.reason} (popcheck bug ${k.id})`;
}

/**
 * The catalogue entries (bugs and confirmed hypotheses of the CK path) that explain a
 * counterexample of `check`: those of the violated invariant that affect the run's release,
 * whose conditions the run meets (batch ack, the yes/no settings the bug needs: `conditionsOf`),
 * and whose fix, set alone on the run's own settings (`fixOf`; every other setting and bound
 * unchanged), makes the counterexample no behaviour of the model: the same events replay without violating the
 * invariant, or the fix refuses one of them (the fix removes a step the violation needs; not
 * when the fix only turns off a feature the entry's reproduction turns on). An entry is named
 * only when the counterexample replays to the violation under the run's own model; a fix that
 * still lets the steps violate, or settings the model refuses to combine with the fix, name
 * nothing.
 */
export function knownBugsOf(
  id: ModelIdentity,
  model: PopModel,
  invariant: string,
  events: readonly Event[],
  build: (id: ModelIdentity) => PopModel,
): KnownBug[] {
  const violates = (m: PopModel) => replayViolates(m, events, invariant);
  // The entry's conditions: batch ack when its reproduction acks in batches, and the yes/no
  // settings the bug needs (the entry's `conditions`, else each yes/no setting its runs share);
  // its numbers only size the run.
  const s = model.ctx.s as unknown as Record<string, unknown>;
  const conditionsHold = (e: (typeof CATALOGUE)[number]): boolean =>
    (e.batchAck !== true || s.enablePopBatchAck === true) && Object.entries(conditionsOf(e)).every(([name, value]) => s[name] === value);
  const candidates = CATALOGUE.filter(
    (e) =>
      e.kind !== 'hazard' &&
      e.expectBuggy === 'violated' &&
      e.invariant === invariant &&
      e.switches.length > 0 &&
      (e.affected as readonly string[]).includes(id.rocketmq) &&
      conditionsHold(e),
  );
  if (candidates.length === 0 || violates(model) !== true) return [];
  const out: KnownBug[] = [];
  for (const e of candidates) {
    // The fix: the entry's own, else its switches whose values its buggy and fixed runs differ in
    // (a switch both runs share, like asyncBizRead for an asynchronous-read bug, is a condition).
    const fix = fixOf(e);
    if (Object.keys(fix).length === 0) continue;
    let fixed: PopModel;
    try {
      // Only the invariant in question: the search on from the replay stops at its first violation.
      fixed = build({ ...id, invariants: [invariant] as ModelIdentity['invariants'], settings: { ...(id.settings ?? {}), ...fix } as ModelIdentity['settings'] });
    } catch {
      continue; // the fix does not combine with the run's other settings: no claim
    }
    const after = violates(fixed);
    if (after === true) continue;
    const refused = after === false ? null : after;
    // A fix that turns off a feature the entry's reproduction turns on (asyncBizRead, splitAddAk)
    // refuses every step of that feature, whatever bug the counterexample shows: such a refusal
    // says nothing about this entry, so it names nothing (a clean replay still does).
    if (refused !== null && Object.keys(fix).some((name) => typeof e.settings?.[name as keyof typeof e.settings] === 'boolean')) continue;
    out.push({ id: e.id, kind: e.kind as 'bug' | 'hypothesis', title: e.title, fixedIn: e.fixedIn, links: e.links, fix, refused });
  }
  // A fix under which the same steps replay without the violation first; then those that refuse a step.
  return [...out.filter((k) => k.refused === null), ...out.filter((k) => k.refused !== null)];
}

/** The yes/no settings a catalogue entry's bug needs: its `conditions`, else the yes/no settings its runs share. */
export function conditionsOf(e: BugEntry): Readonly<Record<string, boolean>> {
  if (e.conditions !== undefined) return e.conditions as Record<string, boolean>;
  return Object.fromEntries(Object.entries(e.settings ?? {}).filter((kv): kv is [string, boolean] => typeof kv[1] === 'boolean'));
}

/**
 * A catalogue entry's fix as settings: its own `fix`, else the switches whose values its buggy
 * and fixed runs differ in, at the fixed run's values.
 */
export function fixOf(e: BugEntry): Record<string, unknown> {
  if (e.fix !== undefined) return { ...e.fix };
  const buggySettings = settingsOf(e, e.buggy);
  const fixedSettings = settingsOf(e, e.fixed);
  const fix: Record<string, unknown> = {};
  for (const sw of e.switches) if (fixedSettings[sw] !== buggySettings[sw]) fix[sw] = fixedSettings[sw];
  return fix;
}

/** The settings of a catalogue entry's run (as `check --bug` resolves them), by name. */
function settingsOf(e: BugEntry, run: BugRun): Record<string, unknown> {
  return resolveSettings({
    release: run.release,
    scenarioConfig: findScenario(e.scenario)?.config,
    batchAck: e.batchAck,
    overrides: { ...(e.settings ?? {}), ...(run.overrides ?? {}) },
  }) as unknown as Record<string, unknown>;
}

/**
 * Whether `events` replay on `model` to a violation of `invariant` (true); or the step the model
 * refuses, and why. A replay without the violation that does not end at rest counts as no
 * violation (false) only when no run on from its last state violates the invariant either: a fix
 * that only moves time (a CK not yet due when the steps end) may have postponed the violation,
 * not removed it. That search is bounded (REST_SEARCH states, and the model's own bounds) and
 * stops at the model's first violation of any invariant; one it cannot finish counts as violating.
 */
export function replayViolates(model: PopModel, events: readonly Event[], invariant: string): boolean | { readonly step: number; readonly reason: string } {
  const r = replay(model, events.map((event, i) => ({ line: i + 1, event })));
  if (r.divergence !== null) return { step: r.divergence.line, reason: r.divergence.reason };
  if (r.violations.some((v) => v.invariant === invariant)) return true;
  if (r.finalCheck?.checked === true) return false;
  const onward = check(Object.create(model, { initialStates: { value: () => [r.final] } }) as PopModel, { maxStates: REST_SEARCH, stopAtFirstViolation: true });
  return !onward.complete || onward.violations.some((v) => v.invariant === invariant);
}
