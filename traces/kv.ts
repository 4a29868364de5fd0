/**
 * popcheck's JSON Lines traces of the KV (RocksDB) POP service model (model/kv/): the same
 * format as the CK path's (traces/format.ts): line 1 a header naming the model (a KV model
 * identity, model/kv/identity.ts, plus the format's name and version), then one KV event per
 * line. Blank lines and `#` lines are skipped (and counted).
 *
 *   {"popcheck":"trace","version":1,"scenario":"kv","messages":1,"rocketmq":"head","bounds":{"pops":1}}
 *   {"type":"pop","at":0}
 *   {"type":"tick","to":10000}
 *   {"type":"stage","at":10000}
 *   {"type":"ack","d":0,"at":10000}
 *
 * `at` (optional on every event but `tick`) is the broker's clock when the event happens; a
 * replay checks it against the model's clock. `d` names a delivery by its index (the order
 * in which pops handed messages to the client, from 0).
 *
 * Replaying folds the KV model's own guard (its enabled events) and step over the events,
 * checking the invariants after each; the first event the model does not allow is a
 * divergence named by its line and the reason; at the end, when nothing is left to happen,
 * the final invariants are checked, as the checker does on a terminal state.
 */
import { z } from 'zod';
import { MAX_TIME } from '../model/limits.js';
import { KV_IDENTITY_FIELDS, type KvIdentity } from '../model/kv/identity.js';
import { D, DF, KG, LOC, R } from '../model/kv/layout.js';
import { describeKvEvent, KvModel, nextBreakpoint } from '../model/kv/model.js';
import { cacheDue, delVis, pullStart, scanDue, type KvEvent } from '../model/kv/rules.js';
import { readJsonLines } from './read.js';

const Index = z.number().int().min(0).max(1000);
const At = z.number().int().min(0).max(MAX_TIME).optional();

export const KvEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('pop'), at: At }).strict(),
  z.object({ type: z.literal('poll'), at: At }).strict(),
  z.object({ type: z.literal('ack'), d: Index, at: At }).strict(),
  z.object({ type: z.literal('change'), d: Index, at: At }).strict(),
  z.object({ type: z.literal('stage'), at: At }).strict(),
  z.object({ type: z.literal('flush'), at: At }).strict(),
  z.object({ type: z.literal('cacheRevive'), d: Index, fails: z.boolean(), at: At }).strict(),
  z.object({ type: z.literal('scan'), fails: z.boolean(), at: At }).strict(),
  z.object({ type: z.literal('crash'), at: At }).strict(),
  z.object({ type: z.literal('tick'), to: z.number().int().min(0).max(MAX_TIME) }).strict(),
]);
export type KvTraceEvent = z.infer<typeof KvEventSchema>;

export const KvTraceHeaderSchema = z
  .object({ popcheck: z.literal('trace'), version: z.literal(1), ...KV_IDENTITY_FIELDS })
  .strict();
export type KvTraceHeader = z.infer<typeof KvTraceHeaderSchema>;

export function kvTraceHeader(id: KvIdentity): KvTraceHeader {
  const { invariants, ...rest } = id;
  return { popcheck: 'trace', version: 1, ...rest, ...(invariants ? { invariants } : {}) };
}

export function kvHeaderIdentity(h: KvTraceHeader): KvIdentity {
  const { popcheck: _p, version: _v, ...id } = h;
  return id;
}

/** The model event of a trace event (without `at`). */
export function kvModelEvent(e: KvTraceEvent): KvEvent {
  const { at: _at, ...rest } = e as KvTraceEvent & { at?: number };
  return rest as KvEvent;
}

/** A path of the KV model as a trace: the header, then each event with the clock it happened at. */
export function writeKvTrace(id: KvIdentity, initial: Int32Array, steps: readonly { readonly event: KvEvent; readonly state: Int32Array }[]): string {
  const lines = [JSON.stringify(kvTraceHeader(id))];
  let now = initial[KG.NOW];
  for (const st of steps) {
    lines.push(JSON.stringify(st.event.type === 'tick' ? st.event : { ...st.event, at: now }));
    now = st.state[KG.NOW];
  }
  return `${lines.join('\n')}\n`;
}

/** Does this text's first JSON line name the KV model (`"scenario":"kv"`)? */
export function isKvTraceText(text: string): boolean {
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    try {
      const v = JSON.parse(line) as { scenario?: unknown; popcheck?: unknown };
      return v !== null && typeof v === 'object' && v.popcheck === 'trace' && v.scenario === 'kv';
    } catch {
      return false;
    }
  }
  return false;
}

export interface KvTraceLine {
  readonly line: number;
  readonly event: KvTraceEvent;
}

export type KvReadResult =
  | { readonly ok: true; readonly header: KvTraceHeader; readonly headerLine: number; readonly events: readonly KvTraceLine[]; readonly skipped: readonly number[] }
  | { readonly ok: false; readonly error: { readonly line: number; readonly message: string } };

export function readKvTrace(text: string): KvReadResult {
  return readJsonLines(text, KvTraceHeaderSchema, KvEventSchema, { header: 'a popcheck KV trace header', event: 'a KV event' });
}

export interface KvReplayStep {
  readonly line: number;
  readonly event: KvEvent;
  /** What the step did, in words (as a counterexample's steps). */
  readonly text: string;
}

export interface KvReplayResult {
  readonly verdict: 'conforms' | 'diverges' | 'violated';
  readonly eventsUsed: number;
  readonly divergence: { readonly line: number; readonly event: KvTraceEvent; readonly reason: string } | null;
  readonly violations: readonly { readonly invariant: string; readonly line: number; readonly description: string }[];
  readonly steps: readonly KvReplayStep[];
  /** Final invariants: checked when the trace ends at rest (nothing enabled), with the reason when not; null after a divergence. */
  readonly finalCheck: { readonly checked: boolean; readonly invariants: readonly string[]; readonly reason: string | null } | null;
}

const same = (a: KvEvent, b: KvEvent): boolean => JSON.stringify(a, Object.keys(a).sort()) === JSON.stringify(b, Object.keys(b).sort());

/** Why the model does not allow `e` in state `s` (the first reason that applies). */
export function kvWhyNot(m: KvModel, s: Int32Array, e: KvEvent): string {
  const c = m.ctx;
  const L = c.L;
  const b = m.bounds;
  const now = s[KG.NOW];
  const dueNow = (): string | null => {
    if (s[KG.STAGING] === 1) return 'a cache cleanup is between its two halves (stage, then flush)';
    for (let r = 0; r < s[KG.NREC]; r++) if (s[L.rec(r) + R.LOC] === LOC.CACHE && cacheDue(s, c, r)) return `a cached record is due for the cleanup at t=${now}`;
    if (scanDue(s, c).length > 0) return `the revive scanner has expired RocksDB records to read at t=${now}`;
    return null;
  };
  const delivery = (d: number): string | null => {
    if (d >= s[KG.NDEL]) return `no delivery ${d} (${s[KG.NDEL]} so far)`;
    if ((s[L.del(d) + D.FLAGS] & DF.HELD) === 0) return `delivery ${d} (offset ${s[L.del(d) + D.OFF]}) was already acked`;
    if (now >= delVis(s, L, d)) return `the handle of delivery ${d} expired at t=${delVis(s, L, d)} (the client has given the message up)`;
    return null;
  };
  switch (e.type) {
    case 'pop': {
      if (pullStart(s) >= L.messages) return `no message left to pop at offset ${pullStart(s)} (a pop that finds nothing is "poll")`;
      if (s[KG.USED_POPS] >= b.pops) return `bound reached: --pops ${b.pops}`;
      break;
    }
    case 'poll':
      if (pullStart(s) < L.messages) return `offset ${pullStart(s)} still has a message (that is a "pop")`;
      return 'a pop that finds nothing would change nothing here';
    case 'ack':
      return delivery(e.d) ?? 'not enabled';
    case 'change':
      return delivery(e.d) ?? `bound reached: --changes ${b.changes}`;
    case 'stage':
      if (s[KG.STAGING] === 1) return 'a cache cleanup is already between its two halves';
      return `no cached record is due for the cleanup at t=${now}`;
    case 'flush':
      if (s[KG.STAGING] === 0) return 'no cache cleanup in progress (a flush follows a stage)';
      return "the cache's revive of an expired record is still pending (the cleanup waits for it)";
    case 'cacheRevive':
      if (e.fails && s[KG.USED_RETRY_FAILURES] >= b.retryFailures) return `bound reached: --retry-failures ${b.retryFailures}`;
      return `no cache revive pending for delivery ${e.d}`;
    case 'scan':
      if (scanDue(s, c).length === 0) return `no RocksDB record is due for the scanner at t=${now}`;
      return `bound reached: --retry-failures ${b.retryFailures}`;
    case 'crash':
      return `bound reached: --crashes ${b.crashes}`;
    case 'tick': {
      const due = dueNow();
      if (due !== null) return `time cannot move on: ${due}`;
      const next = nextBreakpoint(s, c);
      return next === null ? 'nothing is left to happen: time does not move' : `time moves to the next breakpoint t=${next}, not to ${e.to}`;
    }
  }
  return 'not enabled here';
}

export function replayKv(m: KvModel, events: readonly KvTraceLine[], headerLine = 1): KvReplayResult {
  let s = m.initialStates()[0];
  const steps: KvReplayStep[] = [];
  const violations: { invariant: string; line: number; description: string }[] = [];
  const seen = new Set<string>();
  for (const { line, event } of events) {
    const e = kvModelEvent(event);
    const at = (event as { at?: number }).at;
    let reason: string | null = null;
    if (at !== undefined && at !== s[KG.NOW]) reason = `at t=${at}, but the broker's clock is t=${s[KG.NOW]}`;
    else if (!m.enabledEvents(s).some((x) => same(x, e))) reason = kvWhyNot(m, s, e);
    if (reason !== null) return { verdict: 'diverges', eventsUsed: steps.length, divergence: { line, event, reason }, violations, steps, finalCheck: null };
    const before = s;
    s = m.step(s, e);
    steps.push({ line, event: e, text: describeKvEvent(e, before, m.ctx) });
    for (const inv of m.invariants) {
      if (seen.has(inv.name)) continue;
      const ok = inv.kind === 'always' ? inv.holds(s) : inv.kind === 'transition' ? inv.holds(before, e, s) : true;
      if (!ok) {
        seen.add(inv.name);
        violations.push({ invariant: inv.name, line, description: inv.description });
      }
    }
  }
  const finals = m.invariants.filter((i) => i.kind === 'final');
  const pending = m.enabledEvents(s);
  const lastLine = events.length > 0 ? events[events.length - 1].line : headerLine;
  if (pending.length === 0) {
    for (const inv of finals) {
      if (seen.has(inv.name) || inv.kind !== 'final' || inv.holds(s)) continue;
      seen.add(inv.name);
      violations.push({ invariant: inv.name, line: lastLine, description: inv.description });
    }
  }
  const finalCheck =
    pending.length === 0
      ? { checked: true, invariants: finals.map((i) => i.name), reason: null }
      : { checked: false, invariants: finals.map((i) => i.name), reason: `the trace ended with ${pending.length} event(s) still enabled (${[...new Set(pending.map((p) => p.type))].join(', ')}), so it is not at rest` };
  return { verdict: violations.length > 0 ? 'violated' : 'conforms', eventsUsed: steps.length, divergence: null, violations, steps, finalCheck };
}
