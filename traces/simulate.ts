/**
 * `popcheck simulate`: a random, valid pop.log of many CKs, every line of which a model step
 * prints. Each CK is one run of its own model (traces/ck-model.ts: one queue, one pop of
 * `num` messages): a seeded random client acks most messages in time, some late, some never;
 * the broker's services (buffer scan, timer, revive) run promptly, a few milliseconds after
 * they are due. The observations of every step become pop.log lines (traces/poplog-expect.ts
 * `expectLines`, stamped by traces/poplog-stamp.ts), merged over all CKs by time: equal
 * times keep CK order, then step order.
 *
 * Deterministic: a small seeded PRNG (no Math.random, no clock); CK i's choices depend only
 * on the seed and i. Streaming: CKs are generated in pop-time order and their lines merged
 * through a heap of the CKs still running, so memory holds the CKs that overlap in time,
 * not the file. Pure: the lines come out of a generator; cli/simulate-command.ts writes them.
 */
import type { Event } from '../model/events.js';
import { G } from '../model/layout.js';
import type { Observation } from '../model/observations.js';
import type { PopModel } from '../model/popmodel.js';
import type { SettingOverrides } from '../model/identity.js';
import { nextBreakpoint } from '../model/protocol/time.js';
import { apply } from '../model/step.js';
import type { State } from '../model/state.js';
import { CK_BASE_OFFSET, ckOrigin, CkModels } from './ck-model.js';
import type { CkWorld } from './poplog-expect.js';
import { popLogJsonlHeader, renderJsonlLine } from './poplog-jsonl.js';
import { renderLine, type PopLogRelease } from './poplog-render.js';
import { PopLogStamper, STAMPED_KINDS } from './poplog-stamp.js';

export type SimulateFormat = 'poplog' | 'jsonl';

export interface SimulateOptions {
  readonly seed: number;
  readonly cks: number;
  readonly release: PopLogRelease;
  readonly batchAck: boolean;
  readonly settings: SettingOverrides;
  readonly topics: number;
  readonly groups: number;
  readonly queues: number;
  readonly reviveQueues: number;
  /** Epoch ms of the first pop. */
  readonly start: number;
  /** The most messages one pop takes (1..16). */
  readonly batch: number;
  readonly format: SimulateFormat;
  /** RocketMQ's enablePopLog (default true); false writes only the lines logged without it. */
  readonly enablePopLog?: boolean;
}

export const SIMULATE_DEFAULTS = {
  seed: 1,
  topics: 3,
  groups: 2,
  queues: 4,
  reviveQueues: 8,
  /** 2024-09-12T10:00:00+08:00. */
  start: 1_726_106_400_000,
  batch: 4,
  format: 'poplog' as SimulateFormat,
};

/** Milliseconds between two pops (plus a jitter below it): with 30-60 s invisible times, a thousand-odd CKs overlap. */
export const POP_GAP_MS = 50;
/** Invisible times a pop draws from, unless popInvisibleTime is set. */
export const INVISIBLE_TIMES = [30_000, 60_000] as const;
/** A CK's run stops after this many steps (it is counted). */
export const MAX_STEPS = 300;
/** Queue offsets of every (topic, group, queue) start here. */
export const FIRST_OFFSET = 1000;

export interface SimulateStats {
  cks: number;
  lines: number;
  steps: number;
  /** CKs whose run hit MAX_STEPS. */
  capped: number;
  /** Epoch ms of the last line. */
  lastTime: number | null;
}

// ---------------------------------------------------------------------------------------------
// A seeded PRNG (mulberry32), and a seed per CK (splitmix32 of the seed and the index)

export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** A uint32. */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** In [0, 1). */
  float(): number {
    return this.next() / 4294967296;
  }
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }
}

export function ckSeed(seed: number, i: number): number {
  let z = (seed ^ Math.imul(i + 1, 0x9e3779b9)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/** A, B, ..., Z, AA, AB, ...: topic and group names TopicA, GroupB. */
export function letters(i: number): string {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

// ---------------------------------------------------------------------------------------------
// One CK

export interface CkSpec {
  readonly index: number;
  readonly world: CkWorld;
  readonly reviveQueueId: number;
  readonly num: number;
  readonly invisibleTime: number;
}

interface Item {
  /** Epoch ms. */
  readonly t: number;
  readonly o: Observation;
  readonly thread: string | undefined;
}

interface PlannedAck {
  readonly offset: number;
  /** Model time the client sends it. */
  readonly at: number;
  /** The ACK message's store write fails (when the ack goes to the store). */
  readonly fails: boolean;
  done: boolean;
}

/** The client's acks of a CK: most in time, some after T, some never; a few repeated, a few whose store write fails. */
function planAcks(rng: Rng, num: number, invisibleTime: number): PlannedAck[] {
  const plan: PlannedAck[] = [];
  for (let i = 0; i < num; i++) {
    const offset = CK_BASE_OFFSET + i;
    const u = rng.float();
    let at: number;
    if (u < 0.85) {
      const delay = Math.floor(-Math.log(1 - rng.float()) * 1500) + rng.int(3, 80);
      at = Math.min(delay, invisibleTime - 1);
    } else if (u < 0.91) {
      at = invisibleTime + rng.int(0, 8000);
    } else {
      continue;
    }
    plan.push({ offset, at, fails: rng.float() < 0.02, done: false });
    if (rng.float() < 0.03) plan.push({ offset, at: at + rng.int(200, 5000), fails: false, done: false });
  }
  return plan.sort((a, b) => a.at - b.at || a.offset - b.offset);
}

interface Candidate {
  readonly e: Event;
  /** Model time it happens at. */
  readonly at: number;
  readonly thread: string | undefined;
  /** The client's planned ack it is, if any. */
  readonly planned: PlannedAck | null;
}

/** Broker services run this long (at most) after they are due, ms. */
const JITTER: Partial<Record<Event['type'], number>> = { scan: 150, timer: 80, revive: 900, reviveComplete: 300, ackMark: 3 };

/** The observations of one random run of a CK's model, with their epoch-ms times and threads. */
export function runCk(model: PopModel, spec: CkSpec, rng: Rng): { items: Item[]; steps: number; capped: boolean } {
  const ctx = model.ctx;
  const origin = spec.world.origin;
  const revivers = `PopReviveService_${spec.reviveQueueId}`;
  const items: Item[] = [];
  let s: State = model.initialStates()[0];
  let steps = 0;
  const step = (e: Event, thread: string | undefined): void => {
    const why = model.why(s, e);
    if (why !== null) throw new Error(`simulate: CK ${spec.index}: the model refuses ${JSON.stringify(e)}: ${why}`);
    const observations: Observation[] = [];
    s = apply(s, { L: ctx.L, s: ctx.s, notes: null, observations }, e);
    steps++;
    const t = origin + s[G.NOW];
    for (const o of observations) if (STAMPED_KINDS.has(o.kind)) items.push({ t, o, thread });
  };
  step({ type: 'pop', queueId: 0, maxNums: spec.num, at: spec.world.popAt ?? 0 }, `PullMessageThread_${rng.int(1, 24)}`);
  const plan = planAcks(rng, spec.num, spec.invisibleTime);
  while (steps < MAX_STEPS) {
    const now = s[G.NOW];
    const nb = nextBreakpoint(s, ctx);
    const limit = nb < 0 ? Infinity : nb;
    // Every candidate has the time it would happen at; the earliest before the next breakpoint is taken.
    const candidates: Candidate[] = [];
    let tick: Event | null = null;
    const acks = new Map<number, { plain?: Event; failing?: Event }>();
    for (const e of model.enabledEvents(s)) {
      switch (e.type) {
        case 'tick':
          tick = e;
          break;
        case 'ack': {
          const a = acks.get(e.offset) ?? {};
          if (e.storeFails) a.failing = e;
          else a.plain = e;
          acks.set(e.offset, a);
          break;
        }
        case 'scan':
        case 'revive':
        case 'timer':
        case 'reviveComplete':
        case 'ackMark': {
          // No slow scans and no failing retry writes: the CK model's bounds do not allow them anyway.
          if ((e.type === 'scan' && e.slow) || (e.type === 'revive' && e.retryFails)) break;
          const at = Math.min(now + rng.int(0, JITTER[e.type] ?? 0), limit - 1);
          const thread = e.type === 'scan' ? 'PopBufferMergeService' : e.type === 'ackMark' ? `AckMessageThread_${rng.int(1, 8)}` : e.type === 'timer' ? undefined : revivers;
          candidates.push({ e: { ...e, at }, at, thread, planned: null });
          break;
        }
        default:
          break;
      }
    }
    const seen = new Set<number>();
    for (const p of plan) {
      if (p.done || seen.has(p.offset)) continue;
      seen.add(p.offset);
      const a = acks.get(p.offset);
      if (!a?.plain) continue;
      const e = p.fails && a.failing ? a.failing : a.plain;
      const at = Math.max(now, p.at);
      candidates.push({ e: { ...e, at } as Event, at, thread: `AckMessageThread_${rng.int(1, 8)}`, planned: p });
    }
    let chosen: Candidate | null = null;
    for (const c of candidates) if (c.at < limit && (chosen === null || c.at < chosen.at)) chosen = c;
    if (chosen !== null) {
      if (chosen.planned !== null) chosen.planned.done = true;
      step(chosen.e, chosen.thread);
    } else if (tick !== null) {
      step(tick, undefined);
    } else {
      return { items, steps, capped: false };
    }
  }
  return { items, steps, capped: true };
}

// ---------------------------------------------------------------------------------------------
// All CKs, merged by time

interface Cursor {
  readonly spec: CkSpec;
  readonly items: readonly Item[];
  pos: number;
}

const before = (a: Cursor, b: Cursor): boolean => {
  const ta = a.items[a.pos].t;
  const tb = b.items[b.pos].t;
  return ta < tb || (ta === tb && a.spec.index < b.spec.index);
};

/** A binary min-heap of cursors, by (time of the next item, CK index). */
class CursorHeap {
  private readonly h: Cursor[] = [];
  get size(): number {
    return this.h.length;
  }
  peek(): Cursor | undefined {
    return this.h[0];
  }
  push(c: Cursor): void {
    const h = this.h;
    h.push(c);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }
  pop(): Cursor | undefined {
    const h = this.h;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last !== undefined) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l], h[m])) m = l;
        if (r < h.length && before(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}

/** Lines per chunk the generator yields. */
const CHUNK_LINES = 2048;

/**
 * The simulated log as text chunks (each a run of complete lines with their newlines; the
 * JSONL form starts with its header). `stats` is updated as the chunks are taken.
 */
export function simulate(opts: SimulateOptions): { chunks: Iterable<string>; stats: SimulateStats } {
  const stats: SimulateStats = { cks: 0, lines: 0, steps: 0, capped: 0, lastTime: null };
  return { chunks: generate(opts, stats), stats };
}

/** The pop time of CK i: POP_GAP_MS apart, plus a jitter below the gap (so pop times strictly increase). */
function popTimeOf(opts: SimulateOptions, i: number, rng: Rng): number {
  return opts.start + i * POP_GAP_MS + rng.int(0, POP_GAP_MS - 1);
}

function* generate(opts: SimulateOptions, stats: SimulateStats): Generator<string> {
  const models = new CkModels(opts.release, opts.settings, opts.batchAck);
  const fixedInvisible = opts.settings.popInvisibleTime;
  const stamper = new PopLogStamper(opts.release, opts.enablePopLog ?? true);
  const heap = new CursorHeap();
  const nextOffset = new Map<string, number>();
  let out: string[] = [];
  if (opts.format === 'jsonl') out.push(popLogJsonlHeader(opts.release));

  const emit = (c: Cursor): void => {
    const item = c.items[c.pos];
    const lines = stamper.stamp(item.o, item.t, { scope: c.spec.index, world: c.spec.world, reviveQueueId: c.spec.reviveQueueId, thread: item.thread });
    for (const l of lines) {
      out.push(opts.format === 'jsonl' ? renderJsonlLine(l.expect, l.at, l.ctx) : renderLine(l.expect, l.at, l.ctx));
      stats.lines++;
      stats.lastTime = l.at;
    }
  };
  /** Emits, in order, every line at or before `until` (every line when undefined). */
  function* drain(until?: number): Generator<string> {
    for (let c = heap.peek(); c !== undefined && (until === undefined || c.items[c.pos].t <= until); c = heap.peek()) {
      heap.pop();
      emit(c);
      c.pos++;
      if (c.pos < c.items.length) heap.push(c);
      else stamper.forget(c.spec.index);
      if (out.length >= CHUNK_LINES) {
        yield out.join('\n') + '\n';
        out = [];
      }
    }
  }

  let nextRng = new Rng(ckSeed(opts.seed, 0));
  let nextPop = popTimeOf(opts, 0, nextRng);
  for (let i = 0; i < opts.cks; i++) {
    const rng = nextRng;
    const popTime = nextPop;
    const topic = `Topic${letters(rng.int(0, opts.topics - 1))}`;
    const group = `Group${letters(rng.int(0, opts.groups - 1))}`;
    const queueId = rng.int(0, opts.queues - 1);
    const reviveQueueId = rng.int(0, opts.reviveQueues - 1);
    const num = rng.int(1, opts.batch);
    const invisibleTime = fixedInvisible ?? INVISIBLE_TIMES[rng.int(0, INVISIBLE_TIMES.length - 1)];
    const key = `${topic}@${group}@${queueId}`;
    const startOffset = nextOffset.get(key) ?? FIRST_OFFSET;
    nextOffset.set(key, startOffset + num);
    const world: CkWorld = {
      topic,
      group,
      queueId,
      brokerName: 'broker-a',
      otherBroker: 'broker-b',
      // As the validator does: model time 0 is the pop's epoch second, so the model's timer
      // slots fall where RocketMQ's do.
      origin: ckOrigin(popTime),
      offsetShift: startOffset - CK_BASE_OFFSET,
      popAt: popTime - ckOrigin(popTime),
    };
    const spec: CkSpec = { index: i, world, reviveQueueId, num, invisibleTime };
    const run = runCk(models.get(num, invisibleTime), spec, rng);
    stats.cks++;
    stats.steps += run.steps;
    if (run.capped) stats.capped++;
    if (run.items.length > 0) heap.push({ spec, items: run.items, pos: 0 });
    if (i + 1 < opts.cks) {
      nextRng = new Rng(ckSeed(opts.seed, i + 1));
      nextPop = popTimeOf(opts, i + 1, nextRng);
      // Every later CK's lines are at or after its pop time, and sort after equal times of earlier CKs.
      yield* drain(nextPop);
    }
  }
  yield* drain();
  if (out.length > 0) yield out.join('\n') + '\n';
}
