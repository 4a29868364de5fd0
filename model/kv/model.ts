/**
 * The KV (RocksDB) POP service as a checker Model (checker/model.ts): scenario `kv`. One
 * consumer group pops one queue of N messages; the client acks or changes the invisible time
 * of what it holds; the cache cleanup, its revives, the RocksDB revive scanner, crashes and
 * time interleave freely within the bounds. Time jumps between breakpoints: the instants a
 * cached record becomes due for the cleanup and the first instant the scanner reads a RocksDB
 * record. The cleanup and the scanner run at the instant they become due (time does not move
 * on while one is due or while a cleanup is between its two halves); everything else may
 * happen at any instant in between.
 */
import type { Invariant, Model } from '../../checker/model.js';
import { resolveSettings } from '../config.js';
import { kvIdentityError, type KvIdentity } from './identity.js';
import { makeKvInvariants } from './invariants.js';
import { D, DF, KG, KvLayout, LOC, LOC_NAMES, R, SCAN_START } from './layout.js';
import {
  applyAck,
  applyCacheRevive,
  applyChange,
  applyCrash,
  applyFlush,
  applyPop,
  applyScan,
  applyStage,
  cacheDue,
  cacheMinOffset,
  delVis,
  normalize,
  pullStart,
  recVis,
  scanDue,
  SCAN_UPPER_LAG,
  type KvCtx,
  type KvEvent,
  type KvSettings,
} from './rules.js';

export interface KvBounds {
  /** Messages in the queue. */
  readonly messages: number;
  /** Pops that find messages. */
  readonly pops: number;
  /** Messages a pop takes at most. */
  readonly batch: number;
  /** Changes of invisible time. */
  readonly changes: number;
  /** Broker crashes. */
  readonly crashes: number;
  /** Failed retry-topic writes (in the scanner or the cache's revive). */
  readonly retryFailures: number;
}

export const KV_DEFAULTS: KvBounds = { messages: 2, pops: 2, batch: 1, changes: 0, crashes: 0, retryFailures: 0 };

export { KV_BOUND_LIMITS, KV_RELEASES, kvIdentityError, type KvIdentity } from './identity.js';

export function kvSettings(id: KvIdentity): KvSettings {
  const base = resolveSettings({ release: id.rocketmq, scenarioConfig: { enablePopBufferMerge: true } });
  return {
    enablePopBufferMerge: base.enablePopBufferMerge,
    popInvisibleTime: base.popInvisibleTime,
    popCkStayBufferTime: base.popCkStayBufferTime,
    popReviveMaxAttemptTimes: 16,
    kvStagedMinOffset: base.kvStagedMinOffset,
    kvAtomicCleanup: false,
    ...(id.settings ?? {}),
  };
}

export class KvModel implements Model<Int32Array, KvEvent> {
  readonly name: string;
  readonly stateWords: number;
  readonly ctx: KvCtx;
  readonly bounds: KvBounds;
  readonly invariants: readonly Invariant<Int32Array, KvEvent>[];
  private readonly initial: Int32Array;

  constructor(readonly identity: KvIdentity) {
    const why = kvIdentityError(identity);
    if (why !== null) throw new RangeError(why);
    const b: KvBounds = { ...KV_DEFAULTS, ...(identity.bounds ?? {}), messages: identity.messages };
    this.bounds = b;
    const s = kvSettings(identity);
    const maxDel = b.pops * b.batch;
    const L = new KvLayout(b.messages, maxDel, maxDel + b.changes + b.retryFailures + 1);
    this.ctx = { L, s, batch: b.batch };
    this.stateWords = L.words;
    this.name = `kv(${describeKvBounds(b)}, rocketmq ${identity.rocketmq})`;
    this.invariants = makeKvInvariants(this.ctx, identity.invariants ?? null);
    const init = new Int32Array(L.words);
    init[KG.PULL] = -1;
    init[KG.SCAN] = SCAN_START;
    this.initial = init;
  }

  initialStates(): readonly Int32Array[] {
    return [this.initial];
  }

  enabledEvents(s: Int32Array): readonly KvEvent[] {
    const c = this.ctx;
    const L = c.L;
    const b = this.bounds;
    const out: KvEvent[] = [];
    const p = pullStart(s);
    if (p < L.messages && s[KG.USED_POPS] < b.pops) out.push({ type: 'pop' });
    if (p >= L.messages) {
      const min = c.s.enablePopBufferMerge ? cacheMinOffset(s, c) : -1;
      const commit = min >= 0 ? min : p;
      if (commit !== s[KG.COMMIT] || s[KG.PULL] !== p) out.push({ type: 'poll' });
    }
    for (let d = 0; d < s[KG.NDEL]; d++) {
      // The client acks or changes a delivery it holds before the handle's deadline, or lets it go.
      if ((s[L.del(d) + D.FLAGS] & DF.HELD) === 0 || s[KG.NOW] >= delVis(s, L, d)) continue;
      out.push({ type: 'ack', d });
      if (s[KG.USED_CHANGES] < b.changes) out.push({ type: 'change', d });
    }
    let cacheDueNow = false;
    const canFail = s[KG.USED_RETRY_FAILURES] < b.retryFailures;
    for (let r = 0; r < s[KG.NREC]; r++) {
      const loc = s[L.rec(r) + R.LOC];
      if (loc === LOC.CACHE && cacheDue(s, c, r)) cacheDueNow = true;
      if (loc === LOC.CACHE_REVIVE) {
        const d = s[L.rec(r) + R.DEL];
        out.push({ type: 'cacheRevive', d, fails: false });
        if (canFail) out.push({ type: 'cacheRevive', d, fails: true });
      }
    }
    // With the default (local) message store the cache's revive completes inside the cleanup's
    // loop (EscapeBridge.getMessageAsync -> DefaultMessageStore.getMessageAsync is already
    // completed), so the flush waits for every pending cache revive.
    if (s[KG.STAGING] === 1 && !pendingCacheRevive(s, c)) out.push({ type: 'flush' });
    else if (cacheDueNow) out.push({ type: 'stage' });
    const scanNow = scanDue(s, c).length > 0;
    if (scanNow) {
      out.push({ type: 'scan', fails: false });
      if (canFail) out.push({ type: 'scan', fails: true });
    }
    if (s[KG.USED_CRASHES] < b.crashes) out.push({ type: 'crash' });
    if (s[KG.STAGING] === 0 && !cacheDueNow && !scanNow) {
      const to = nextBreakpoint(s, c);
      if (to !== null) out.push({ type: 'tick', to });
    }
    return out;
  }

  step(s: Int32Array, e: KvEvent): Int32Array {
    const out = new Int32Array(s);
    return this.stepInto(s, e, out);
  }

  stepInto(s: Int32Array, e: KvEvent, out: Int32Array): Int32Array {
    out.set(s);
    const c = this.ctx;
    switch (e.type) {
      case 'pop':
        applyPop(out, c, true);
        break;
      case 'poll':
        applyPop(out, c, false);
        break;
      case 'ack':
        applyAck(out, c, e.d);
        break;
      case 'change':
        applyChange(out, c, e.d);
        break;
      case 'stage':
        applyStage(out, c);
        if (c.s.kvAtomicCleanup) applyFlush(out, c);
        break;
      case 'flush':
        applyFlush(out, c);
        break;
      case 'cacheRevive': {
        const r = findCacheRevive(out, c, e.d);
        applyCacheRevive(out, c, r, e.fails);
        break;
      }
      case 'scan':
        applyScan(out, c, e.fails);
        break;
      case 'crash':
        applyCrash(out, c);
        break;
      case 'tick':
        out[KG.NOW] = e.to;
        break;
    }
    normalize(out, c);
    return out;
  }

  words(s: Int32Array): Int32Array {
    return s;
  }

  fromWords(w: Int32Array): Int32Array {
    return w;
  }
}

function pendingCacheRevive(s: Int32Array, c: KvCtx): boolean {
  for (let r = 0; r < s[KG.NREC]; r++) if (s[c.L.rec(r) + R.LOC] === LOC.CACHE_REVIVE) return true;
  return false;
}

function findCacheRevive(s: Int32Array, c: KvCtx, d: number): number {
  for (let r = 0; r < s[KG.NREC]; r++) if (s[c.L.rec(r) + R.LOC] === LOC.CACHE_REVIVE && s[c.L.rec(r) + R.DEL] === d) return r;
  throw new RangeError(`kv: no cache revive pending for delivery ${d}`);
}

/** The next instant after now at which the cleanup or the scanner has something to do, or null. */
export function nextBreakpoint(s: Int32Array, c: KvCtx): number | null {
  const L = c.L;
  const now = s[KG.NOW];
  let best: number | null = null;
  const consider = (t: number): void => {
    if (t > now && (best === null || t < best)) best = t;
  };
  for (let r = 0; r < s[KG.NREC]; r++) {
    const b = L.rec(r);
    const loc = s[b + R.LOC];
    if (loc === LOC.CACHE) consider(Math.min(recVis(s, L, r), s[b + R.POP_TIME] + c.s.popCkStayBufferTime));
    if (loc === LOC.DB) consider(recVis(s, L, r) + SCAN_UPPER_LAG + 1);
  }
  for (let d = 0; d < s[KG.NDEL]; d++) if ((s[L.del(d) + D.FLAGS] & DF.HELD) !== 0) consider(delVis(s, L, d));
  return best;
}

export function describeKvBounds(b: KvBounds): string {
  return `N=${b.messages} pops=${b.pops} batch=${b.batch} changes=${b.changes} crashes=${b.crashes} retryFailures=${b.retryFailures}`;
}

/** One line per event, for counterexamples. */
export function describeKvEvent(e: KvEvent, before: Int32Array, c: KvCtx): string {
  const L = c.L;
  const now = before[KG.NOW];
  const at = `t=${now}`;
  switch (e.type) {
    case 'pop': {
      const p = pullStart(before);
      const k = Math.min(c.batch, L.messages - p);
      return `${at} pop: offsets ${p}..${p + k - 1} (records to ${c.s.enablePopBufferMerge ? 'the cache' : 'RocksDB'}; consumer offset committed before they are written)`;
    }
    case 'poll':
      return `${at} pop finds nothing at offset ${pullStart(before)} (commits the consumer offset)`;
    case 'ack':
      return `${at} ack of offset ${before[L.del(e.d) + D.OFF]} (delivery ${e.d}, handle deadline ${delVis(before, L, e.d)}${now < delVis(before, L, e.d) ? ', in time' : ', late'})`;
    case 'change':
      return `${at} changeInvisibleTime of offset ${before[L.del(e.d) + D.OFF]} (delivery ${e.d}): new record to RocksDB, old one deleted`;
    case 'stage':
      return `${at} cache cleanup takes the due records out of the cache`;
    case 'flush':
      return `${at} cache cleanup writes them to RocksDB and commits the cache's minimum offset`;
    case 'cacheRevive':
      return `${at} the cache's revive of offset ${before[L.del(e.d) + D.OFF]} ${e.fails ? 'fails to write the retry message (record dropped)' : 'writes it to the retry topic'}`;
    case 'scan':
      return `${at} revive scanner reads ${scanDue(before, c).length} expired record(s) from RocksDB${e.fails ? ' (the first retry write fails: back-off record or drop)' : ' and writes them to the retry topic'}`;
    case 'crash':
      return `${at} broker crash and restart (cache and pull offset lost, RocksDB kept)`;
    case 'tick':
      return `time moves to ${e.to}`;
  }
}

/** A compact picture of a state, for counterexamples. */
export function describeKvState(s: Int32Array, c: KvCtx): string {
  const L = c.L;
  const recs: string[] = [];
  for (let r = 0; r < s[KG.NREC]; r++) {
    const b = L.rec(r);
    const names = LOC_NAMES;
    recs.push(`${s[L.del(s[b + R.DEL]) + D.OFF]}@${names[s[b + R.LOC]]}(vis ${recVis(s, L, r)})`);
  }
  return `commit=${s[KG.COMMIT]} pull=${s[KG.PULL]} records=[${recs.join(' ')}]`;
}
