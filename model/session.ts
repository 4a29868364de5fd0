/**
 * A walk through the model by hand: the state a trainer is looking at, the events offered
 * now (each enabled one, and each disabled one with the guard that stops it), the steps
 * taken so far with what each did (typed observations), undo and redo, the same steps on
 * another release, and the encoding a URL carries. The browser explorer (web/), `popcheck
 * explain` and the REPL all drive this one module; it is pure (no IO, no clock).
 *
 * A session is named by a SessionSpec: a model identity (model/identity.ts) and the events
 * taken, so a shared link, a trace file and a catalogue counterexample are all the same kind
 * of thing.
 */
import { z } from 'zod';
import { check, type CheckResult } from '../checker/check.js';
import type { Model } from '../checker/model.js';
import type { Path } from '../checker/path.js';
import { findCkEntry, kvOnlyNote } from './catalogue.js';
import { EventSchema, type Event } from './events.js';
import { explain } from './explain.js';
import { buildPopModel } from './factory.js';
import { fmtTime } from './format.js';
import { reproductionIdentity, type ModelIdentity } from './identity.js';
import { IDENTITY_FIELDS, ModelIdentitySchema, refineIdentity } from './identity-schema.js';
import { ckState, messageState, type CkState, type MessageState } from './lifecycles.js';
import { G } from './layout.js';
import type { NarratedStep } from './narrate.js';
import type { Observation } from './observations.js';
import { variantOf, type PopModel } from './popmodel.js';
import { FULL_DEFAULTS } from './scenarios/full.js';
import { applyNarrated } from './step.js';
import { toRecord, type State, type StateRecord } from './state.js';
import { RETRY_TOPIC } from './names.js';
import { RELEASES } from './versions.js';

/** A session: which model, and the events taken from its initial state. */
export const SessionSpecSchema = z
  .object({
    model: z.object(IDENTITY_FIELDS).strict().superRefine(refineIdentity),
    steps: z.array(EventSchema).max(10_000),
  })
  .strict();
export type SessionSpec = z.infer<typeof SessionSpecSchema>;

/** An event the page can offer as a button. */
export interface Offer {
  readonly event: Event;
  readonly label: string;
  /** Who makes it happen. */
  readonly actor: 'client' | 'broker' | 'time' | 'fault';
  readonly enabled: boolean;
  /** Why it cannot happen now (the model's guard, or the scenario's bound); null when enabled. */
  readonly why: string | null;
}

/** An invariant broken in the current state (or by the last step, for a transition invariant). */
export interface Broken {
  readonly invariant: string;
  readonly description: string;
  /** The step (1-based) at which it first broke. */
  readonly step: number;
  /** Why, in RocketMQ's terms (model/explain.ts). */
  readonly why: readonly string[];
}

/** The current state as the panels a whiteboard would have. */
export interface Panels {
  readonly time: number;
  readonly release: string;
  readonly broker: { readonly serving: boolean; readonly role: 'master' | 'slave'; readonly epoch: number };
  readonly consumer: {
    /** Receipt handles the client holds, per CK. */
    readonly held: readonly { readonly ck: string; readonly queueId: number; readonly offsets: readonly number[] }[];
    /** Offsets whose ack the client sent (and whether before the CK's revive time T). */
    readonly acked: readonly { readonly queueId: number; readonly offset: number; readonly inTime: boolean }[];
  };
  /** PopBufferMergeService's buffer: one wrapper per CK that has been in it. */
  readonly buffer: readonly {
    readonly ck: string;
    readonly queueId: number;
    readonly startOffset: number;
    readonly num: number;
    readonly inBuffer: boolean;
    readonly inOffsetQueue: boolean;
    readonly justOffset: boolean;
    readonly ckStored: boolean;
    /** PopCheckPointWrapper.bits and toStoreBits, one flag per message of the CK. */
    readonly bits: readonly boolean[];
    readonly toStoreBits: readonly boolean[];
    readonly nextBeginOffset: number;
    readonly lifecycle: CkState | 'unexpected';
  }[];
  /** The business queues: offsets, the consumer offset, and the buffer's offset queue (commit FIFO). */
  readonly queues: readonly {
    readonly queueId: number;
    readonly minOffset: number;
    readonly maxOffset: number;
    readonly consumerOffset: number;
    readonly consumerOffsetPersisted: number;
    readonly offsetQueue: readonly string[];
  }[];
  /** The timer wheel (TimerMessageStore): CK and ACK messages waiting for their delivery time. */
  readonly timer: readonly { readonly what: string; readonly brokerName: string | null; readonly deliverTimeMs: number; readonly slot: number }[];
  /** The revive queue (rmq_sys_REVIVE_LOG queue 0) and the revive offsets. */
  readonly reviveQueue: {
    readonly entries: readonly { readonly offset: number; readonly what: string; readonly brokerName: string | null; readonly deliverTimeMs: number }[];
    readonly reviveOffset: { readonly inMemory: number; readonly committed: number; readonly persisted: number };
  };
  /** What the revive wrote to the retry topic. */
  readonly retryTopic: {
    readonly name: string;
    readonly messages: readonly { readonly queueId: number; readonly offset: number; readonly ck: string; readonly acked: boolean; readonly again: boolean }[];
  };
  /** Every popped message's lifecycle state (docs/lifecycles.md). */
  readonly messages: readonly { readonly queueId: number; readonly offset: number; readonly ck: string; readonly state: MessageState | 'unexpected' }[];
}

/** Where a replay of a session's steps on another model stopped agreeing with the original. */
export interface Divergence {
  /** The 1-based step. */
  readonly step: number;
  /** The event was refused (guard or bound) — the rest of the steps were dropped. */
  readonly refused: string | null;
  /** What the step did before and after the switch (empty when refused). */
  readonly before: readonly Observation[];
  readonly after: readonly Observation[];
}

/** A short label for an event, in RocketMQ's words. */
export function offerLabel(e: Event): string {
  const at = e.type !== 'tick' && e.at !== undefined ? ` @${fmtTime(e.at)}` : '';
  switch (e.type) {
    case 'pop':
      return `pop queue ${e.queueId} (max ${e.maxNums})${e.popTime !== undefined ? ` popTime ${fmtTime(e.popTime)}` : ''}${at}`;
    case 'ack':
      return `ack ${e.offset} (CK@${e.startOffset})${e.storeFails ? ', put fails' : ''}${e.brokerName === null ? ', brokerName null' : ''}${at}`;
    case 'ackMark':
      return `mark ack ${e.offset} in buffer${at}`;
    case 'changeInvisible':
      return `changeInvisibleTime ${e.offset} to ${fmtTime(e.invisibleTime)}${at}`;
    case 'tick':
      return `wait until ${fmtTime(e.to)}`;
    case 'scan':
      return `buffer scan${e.slow ? ' (slow)' : ''}${at}`;
    case 'timer':
      return `timer delivers${at}`;
    case 'revive':
      return `revive pass${e.retryFails ? ' (retry writes fail)' : ''}${at}`;
    case 'reviveComplete':
      return `async retries of CK@${e.startOffset} complete${e.readFails === undefined ? '' : ` (the read of ${e.readFails} fails)`}${at}`;
    case 'putComplete':
      return `the ${e.put === 'ck' ? 'CK' : 'ACK'} put of CK@${e.startOffset} completes (callback)${at}`;
    case 'roleChange':
      return `become ${e.role}${at}`;
    case 'produce':
    case 'expire':
    case 'gc':
    case 'correctMinOffset':
      return `${e.type} queue ${e.queueId}${e.type === 'expire' && e.minOffsetLags ? ' (commit log only)' : ''}${at}`;
    case 'storeReadable':
      return `store ${e.readable ? 'readable again' : 'not readable'}${at}`;
    default:
      return `${e.type}${at}`;
  }
}

function actorOf(e: Event): Offer['actor'] {
  switch (e.type) {
    case 'pop':
    case 'ack':
    case 'changeInvisible':
      return e.type === 'ack' && e.storeFails ? 'fault' : 'client';
    case 'tick':
      return 'time';
    case 'crash':
    case 'roleChange':
    case 'expire':
    case 'storeReadable':
      return 'fault';
    case 'scan':
      return e.slow ? 'fault' : 'broker';
    case 'revive':
      return e.retryFails ? 'fault' : 'broker';
    default:
      return 'broker';
  }
}

const sameEvent = (a: Event, b: Event): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Canonical JSON of an event without `at` (so an offered "ack 101 @1s" and a probe "ack 101" are the same button). */
const eventKind = (e: Event): string => {
  const { at: _at, ...rest } = e as Event & { at?: number };
  return JSON.stringify(rest);
};

/** One model's step over a state: the new state and what happened, or why it was refused. */
function tryStep(model: PopModel, s: State, e: Event): { state: State; observations: Observation[]; notes: NarratedStep['notes'] } | string {
  const why = model.why(s, e) ?? model.exceeds(s, e);
  if (why !== null) return why;
  const r = applyNarrated(s, model.ctx, e);
  return { state: r.state, observations: r.observations, notes: r.notes };
}

export class Session {
  readonly model: PopModel;
  private readonly states: State[];
  private readonly taken: NarratedStep[] = [];
  /** Steps undone and not yet redone (most recent undo last). */
  private readonly undone: Event[] = [];

  private constructor(readonly identity: ModelIdentity) {
    this.model = buildPopModel(identity);
    this.states = [this.model.initialStates()[0]];
  }

  /**
   * A session of `spec`'s model with as many of its steps as the model takes; `refused`
   * says which step was refused and why (the steps after it are dropped).
   */
  static open(spec: SessionSpec): { session: Session; refused: { step: number; why: string } | null } {
    const identity = ModelIdentitySchema.parse(spec.model);
    const session = new Session(identity);
    for (let i = 0; i < spec.steps.length; i++) {
      const why = session.play(spec.steps[i]);
      if (why !== null) return { session, refused: { step: i + 1, why } };
    }
    return { session, refused: null };
  }

  /** A new session of `identity` with no steps. */
  static start(identity: ModelIdentity): Session {
    return Session.open({ model: identity, steps: [] }).session;
  }

  get state(): State {
    return this.states[this.states.length - 1];
  }

  get record(): StateRecord {
    return toRecord(this.state, this.model.ctx.L);
  }

  /** The steps taken, with what each did. */
  get steps(): readonly NarratedStep[] {
    return this.taken;
  }

  get events(): readonly Event[] {
    return this.taken.map((s) => s.event);
  }

  get canUndo(): boolean {
    return this.taken.length > 0;
  }

  get canRedo(): boolean {
    return this.undone.length > 0;
  }

  spec(): SessionSpec {
    return { model: this.identity, steps: [...this.events] };
  }

  /** Takes `e`; returns null, or why it was refused (the state is then unchanged). Clears redo unless `e` is what redo would take. */
  play(e: Event): string | null {
    const parsed = EventSchema.safeParse(e);
    if (!parsed.success) return `not an event: ${parsed.error.issues[0]?.message ?? 'invalid'}`;
    const ev = parsed.data;
    const before = this.state;
    const r = tryStep(this.model, before, ev);
    if (typeof r === 'string') return r;
    this.states.push(r.state);
    const index = this.taken.length + 1;
    this.taken.push({ index, event: ev, time: r.state[G.NOW], notes: r.notes, observations: r.observations });
    const next = this.undone[this.undone.length - 1];
    if (next !== undefined && sameEvent(next, ev)) this.undone.pop();
    else this.undone.length = 0;
    return null;
  }

  undo(): boolean {
    const last = this.taken.pop();
    if (!last) return false;
    this.states.pop();
    this.undone.push(last.event);
    return true;
  }

  redo(): boolean {
    const e = this.undone[this.undone.length - 1];
    if (e === undefined) return false;
    return this.play(e) === null;
  }

  /** Goes back to after step `n` (0: the initial state); the steps after it can be redone. */
  rewind(n: number): void {
    while (this.taken.length > Math.max(0, n)) this.undo();
  }

  /**
   * The invariants broken so far: each `always` or `transition` invariant at the first step
   * that broke it, and each `final` one if nothing is left to happen now.
   */
  broken(): Broken[] {
    const out: Broken[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < this.taken.length; i++) {
      const before = this.states[i];
      const after = this.states[i + 1];
      const e = this.taken[i].event;
      for (const inv of this.model.invariants) {
        if (seen.has(inv.name) || inv.kind === 'final') continue;
        const ok = inv.kind === 'always' ? inv.holds(after) : inv.holds(before, e, after);
        if (!ok) {
          seen.add(inv.name);
          out.push({ invariant: inv.name, description: inv.description, step: i + 1, why: explain(inv.name, after, this.model.ctx, before, e) });
        }
      }
    }
    if (this.model.enabledEvents(this.state).length === 0) {
      for (const inv of this.model.invariants) {
        if (inv.kind === 'final' && !inv.holds(this.state)) {
          out.push({ invariant: inv.name, description: inv.description, step: this.taken.length, why: explain(inv.name, this.state, this.model.ctx) });
        }
      }
    }
    return out;
  }

  /** Whether the scenario has nothing left to happen. */
  get quiescent(): boolean {
    return this.model.enabledEvents(this.state).length === 0;
  }

  /**
   * The buttons: every event the scenario offers now (enabled), then one probe of each other
   * kind of event (disabled, with the guard that stops it, or the scenario's bound).
   */
  offers(): Offer[] {
    const s = this.state;
    const enabled = this.model.enabledEvents(s);
    const out: Offer[] = enabled.map((e) => ({ event: e, label: offerLabel(e), actor: actorOf(e), enabled: true, why: null }));
    const kinds = new Set(enabled.map(eventKind));
    for (const e of this.probes()) {
      if (kinds.has(eventKind(e))) continue;
      kinds.add(eventKind(e));
      const why = this.model.why(s, e) ?? this.model.exceeds(s, e) ?? `the ${this.identity.scenario} scenario does not schedule it now`;
      out.push({ event: e, label: offerLabel(e), actor: actorOf(e), enabled: false, why });
    }
    return out;
  }

  /** One event of each kind the page always shows, built for the current state. */
  private probes(): Event[] {
    const rec = this.record;
    const now = rec.now;
    const batch = this.identity.scenario === 'ack-flush' ? this.identity.messages : (this.identity.bounds?.batch ?? FULL_DEFAULTS.batch);
    const out: Event[] = [];
    for (const q of rec.queues.keys()) out.push({ type: 'pop', queueId: q, maxNums: batch });
    if (rec.cks.length === 0) {
      const q = rec.queues[0];
      for (let o = q.minOffset; o < q.maxOffset && o < q.minOffset + batch; o++) out.push({ type: 'ack', queueId: 0, startOffset: q.minOffset, popTime: now, offset: o });
    }
    for (const ck of rec.cks) {
      const q = rec.queues.findIndex((x) => x.queueId === ck.queueId);
      for (let i = 0; i < ck.num; i++) out.push({ type: 'ack', queueId: Math.max(0, q), startOffset: ck.startOffset, popTime: ck.popTime, offset: ck.startOffset + i });
    }
    out.push({ type: 'scan' }, { type: 'timer' }, { type: 'revive' }, { type: 'persist' }, { type: 'crash' });
    return out;
  }

  /** The current state as panels. */
  panels(): Panels {
    const d = this.state;
    const L = this.model.ctx.L;
    const rec = this.record;
    const ckName = (so: number, queueId: number): string => `CK@${so} q${queueId}`;
    // addCkMock's offset-only wrapper (num 0): it names no CK.
    const wrapperName = (c: (typeof rec.cks)[number]): string => (c.origin === 'mock' ? `mock@${c.startOffset} q${c.queueId}` : ckName(c.startOffset, c.queueId));
    const messages: Panels['messages'][number][] = [];
    rec.cks.forEach((ck, k) => {
      for (let i = 0; i < ck.num; i++) messages.push({ queueId: ck.queueId, offset: ck.startOffset + i, ck: ckName(ck.startOffset, ck.queueId), state: messageState(d, L, k, i) });
    });
    const flags = (list: readonly number[], num: number): boolean[] => Array.from({ length: num }, (_, i) => list.includes(i));
    const entryName = (x: StateRecord['timer'][number]): string =>
      x.tag === 'ck' ? `CK@${x.startOffset} q${x.queueId}` : `${x.tag === 'bAck' ? 'BatchAckMsg' : 'AckMsg'} ${x.offsets.join(',')} of CK@${x.startOffset}`;
    return {
      time: rec.now,
      release: this.identity.rocketmq,
      broker: { serving: rec.serving, role: rec.role, epoch: rec.epoch },
      consumer: {
        held: rec.cks.filter((c) => c.client.held.length > 0).map((c) => ({ ck: ckName(c.startOffset, c.queueId), queueId: c.queueId, offsets: c.client.held })),
        acked: rec.cks.flatMap((c) => c.client.acked.map((o) => ({ queueId: c.queueId, offset: o, inTime: c.client.ackedInTime.includes(o) }))),
      },
      buffer: rec.cks.map((c, k) => ({
        ck: wrapperName(c),
        queueId: c.queueId,
        startOffset: c.startOffset,
        num: c.num,
        inBuffer: c.wrapper.inBuffer,
        inOffsetQueue: c.wrapper.inOffsetQueue,
        justOffset: c.wrapper.justOffset,
        ckStored: c.wrapper.ckStored,
        bits: flags(c.wrapper.bits, c.num),
        toStoreBits: flags(c.wrapper.toStoreBits, c.num),
        nextBeginOffset: c.wrapper.nextBeginOffset,
        lifecycle: ckState(d, L, k),
      })),
      queues: rec.queues.map((q) => ({
        queueId: q.queueId,
        minOffset: q.minOffset,
        maxOffset: q.maxOffset,
        consumerOffset: q.consumerOffset,
        consumerOffsetPersisted: q.consumerOffsetPersisted,
        offsetQueue: rec.cks.filter((c) => c.queueId === q.queueId && c.wrapper.inOffsetQueue).map(wrapperName),
      })),
      timer: rec.timer.map((x) => ({ what: entryName(x), brokerName: x.brokerName, deliverTimeMs: x.deliverTimeMs, slot: x.slot ?? x.deliverTimeMs })),
      reviveQueue: {
        entries: rec.reviveQueue.map((x, offset) => ({ offset, what: entryName(x), brokerName: x.brokerName, deliverTimeMs: x.deliverTimeMs })),
        reviveOffset: rec.reviveOffset,
      },
      retryTopic: {
        name: RETRY_TOPIC,
        messages: rec.cks.flatMap((c) =>
          c.retried.map((o) => ({ queueId: c.queueId, offset: o, ck: ckName(c.startOffset, c.queueId), acked: c.client.acked.includes(o), again: c.retriedAgain.includes(o) })),
        ),
      },
      messages,
    };
  }

  /**
   * The same steps on another release (or other settings): the new session, and the first
   * step that did something else there (refused, or other observations).
   */
  switchTo(identity: ModelIdentity): { session: Session; divergence: Divergence | null } {
    const { session, refused } = Session.open({ model: identity, steps: [...this.events] });
    const n = session.steps.length;
    for (let i = 0; i < n; i++) {
      const a = this.taken[i].observations;
      const b = session.steps[i].observations;
      if (JSON.stringify(a) !== JSON.stringify(b)) return { session, divergence: { step: i + 1, refused: null, before: a, after: b } };
    }
    if (refused) return { session, divergence: { step: refused.step, refused: refused.why, before: this.taken[refused.step - 1].observations, after: [] } };
    return { session, divergence: null };
  }

  /** The same steps on another release. */
  withRelease(rocketmq: string): { session: Session; divergence: Divergence | null } {
    return this.switchTo({ ...this.identity, rocketmq });
  }
}

/** The model's other releases, for a release switch. */
export const RELEASE_NAMES: readonly string[] = RELEASES.map((r) => r.name);

/** A session on the path of a catalogue entry's run: its shortest counterexample (or no steps when the run holds). */
export function bugSession(id: string, which: 'buggy' | 'fixed' = 'buggy'): { session: Session; verdict: CheckResult<State, Event>['verdict'] } {
  const entry = findCkEntry(id);
  if (!entry) throw new RangeError(kvOnlyNote(id, 'a session') ?? `unknown catalogue entry '${id}'`);
  const identity = reproductionIdentity(entry, entry[which], null);
  const model = buildPopModel({ ...identity, invariants: [entry.invariant] });
  const r = check(model, { symmetry: false });
  const v = r.violations[0];
  const steps = v ? v.counterexample.steps.map((s) => s.event) : [];
  return { session: Session.open({ model: identity, steps }).session, verdict: r.verdict };
}

/** A model whose only initial state is `from` (checking "from here"). */
export function fromState(model: PopModel, from: State): Model<State, Event> {
  return variantOf(model, { name: `${model.name} from a state`, initialStates: [from] });
}

/** What "check from here" reports: data a page or a terminal renders. */
export interface HereReport {
  readonly verdict: 'holds' | 'violated' | 'incomplete';
  readonly states: number;
  readonly transitions: number;
  readonly depth: number;
  /** Complete interleavings from here (decimal; null when not counted). */
  readonly interleavings: string | null;
  readonly stopReason: string | null;
  readonly violations: readonly {
    readonly invariant: string;
    readonly description: string;
    readonly violatingInterleavings: string | null;
    /** The shortest counterexample from the current state: the events to take from here. */
    readonly steps: readonly Event[];
  }[];
}

/** Runs the exhaustive checker from the session's current state, within `maxStates`. */
export function checkFromHere(session: Session, maxStates = 200_000): HereReport {
  const m = fromState(session.model, session.state);
  const r = check(m, { maxStates, symmetry: false });
  return {
    verdict: r.verdict,
    states: r.states,
    transitions: r.transitions,
    depth: r.depth,
    interleavings: r.interleavings === null ? null : r.interleavings.toString(),
    stopReason: r.stopReason,
    violations: r.violations.map((v) => ({
      invariant: v.invariant,
      description: v.description,
      violatingInterleavings: v.violatingInterleavings === null ? null : v.violatingInterleavings.toString(),
      steps: (v.counterexample as Path<State, Event>).steps.map((s) => s.event),
    })),
  };
}

/** A session spec as a URL-safe string (base64url of its JSON). */
export function encodeSpec(spec: SessionSpec): string {
  const json = JSON.stringify(spec);
  const bytes = new TextEncoder().encode(json);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Reads a string written by encodeSpec; throws a RangeError naming what is wrong. */
export function decodeSpec(text: string): SessionSpec {
  let json: unknown;
  try {
    const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    json = JSON.parse(new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0))));
  } catch {
    throw new RangeError('the link does not hold a popcheck session (not base64url JSON)');
  }
  const parsed = SessionSpecSchema.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new RangeError(`the link's session is invalid: ${i.path.join('.')}: ${i.message}`);
  }
  return parsed.data;
}
