/**
 * The rules of the KV (RocksDB) POP service (RIP-73, RocketMQ 5.3.2 and later), pure
 * functions over the state words of model/kv/layout.ts. Each rule names the Java it stands
 * for; docs/model.md "The KV (RocksDB) POP service" gives the FILE:line@tag cites.
 *
 * Files (broker/src/main/java/org/apache/rocketmq/broker/): PCS = pop/PopConsumerService.java,
 * PCC = pop/PopConsumerCache.java, PCR = pop/PopConsumerRecord.java,
 * PCRS = pop/PopConsumerRocksdbStore.java.
 */
import { D, DF, KG, LOC, MF, R, R_WORDS, SCAN_START, type KvLayout } from './layout.js';

export interface KvSettings {
  /** BrokerConfig.enablePopBufferMerge: the cache (PopConsumerCache) exists only when on (PCS:97-98). */
  readonly enablePopBufferMerge: boolean;
  /** The client's invisibleTime of each pop and of each change of invisible time. */
  readonly popInvisibleTime: number;
  /** BrokerConfig.popCkStayBufferTime: how long a record stays in the cache before the cleanup writes it to RocksDB. */
  readonly popCkStayBufferTime: number;
  /** BrokerConfig.popReviveMaxAttemptTimes: failed retry writes rewritten with back-off before the record is dropped. */
  readonly popReviveMaxAttemptTimes: number;
  /** Release behaviour (#9626): staged records count in the cache's minimum offset. */
  readonly kvStagedMinOffset: boolean;
  /** Model granularity: run the cache cleanup's two halves as one step (hides the races in between; for finding what else breaks). */
  readonly kvAtomicCleanup: boolean;
}

export interface KvCtx {
  readonly L: KvLayout;
  readonly s: KvSettings;
  /** Messages a pop takes at most (maxMsgNums). */
  readonly batch: number;
}

/** PCS REWRITE_INTERVALS_IN_SECONDS: the back-off after the n-th failed retry write. */
export const REWRITE_INTERVALS_S = [10, 30, 60, 120, 180, 240, 300, 360, 420, 480, 540, 600, 1200, 1800, 3600, 7200] as const;
/** The scanner reads records with visibility timeout below now - 50 ms (PCS revive: upperTime). */
export const SCAN_UPPER_LAG = 50;
/** ... and from its currentTime - 3 s on (PCS revive: the lower bound). */
export const SCAN_LOWER_SLACK = 3000;

export type KvEvent =
  | { readonly type: 'pop' }
  | { readonly type: 'poll' }
  | { readonly type: 'ack'; readonly d: number }
  | { readonly type: 'change'; readonly d: number }
  | { readonly type: 'stage' }
  | { readonly type: 'flush' }
  | { readonly type: 'cacheRevive'; readonly d: number; readonly fails: boolean }
  | { readonly type: 'scan'; readonly fails: boolean }
  | { readonly type: 'crash' }
  | { readonly type: 'tick'; readonly to: number };

export const delOff = (s: Int32Array, L: KvLayout, d: number): number => s[L.del(d) + D.OFF];
export const recOff = (s: Int32Array, L: KvLayout, r: number): number => delOff(s, L, s[L.rec(r) + R.DEL]);
export const recVis = (s: Int32Array, L: KvLayout, r: number): number => s[L.rec(r) + R.POP_TIME] + s[L.rec(r) + R.INV];
export const delVis = (s: Int32Array, L: KvLayout, d: number): number => s[L.del(d) + D.POP_TIME] + s[L.del(d) + D.INV];

/** The offset a pop reads from: the pull offset, or the committed offset when there is none (ConsumerOffsetManager.queryPullOffset). */
export function pullStart(s: Int32Array): number {
  return s[KG.PULL] >= 0 ? s[KG.PULL] : s[KG.COMMIT];
}

/**
 * PopConsumerCache.getMinOffsetInCache: the smallest offset in the queue's map, or -1. At head
 * the staged map is read first (kvStagedMinOffset); before, a record the cleanup has taken
 * out is invisible here until it is back (it never is: it goes to RocksDB or to the revive).
 */
export function cacheMinOffset(s: Int32Array, c: KvCtx): number {
  const L = c.L;
  let min = -1;
  for (let r = 0; r < s[KG.NREC]; r++) {
    const b = L.rec(r);
    const counted = s[b + R.LOC] === LOC.CACHE || (c.s.kvStagedMinOffset && s[b + R.STAGED_MAP] === 1);
    if (!counted) continue;
    const o = recOff(s, L, r);
    if (min < 0 || o < min) min = o;
  }
  return min;
}

function addRecord(s: Int32Array, c: KvCtx, d: number, popTime: number, inv: number, attempts: number, loc: number): void {
  const n = s[KG.NREC];
  if (n >= c.L.maxRecords) throw new RangeError('kv: record slots exhausted (bounds too small for the layout)');
  if (loc === LOC.DB) {
    // RocksDB holds one value per key (visibility timeout + group + topic + queue + offset): a put replaces it.
    const off = delOff(s, c.L, d);
    for (let r = 0; r < n; r++) if (s[c.L.rec(r) + R.LOC] === LOC.DB && recOff(s, c.L, r) === off && recVis(s, c.L, r) === popTime + inv) drop(s, c, r);
  }
  const b = c.L.rec(n);
  s[b + R.DEL] = d;
  s[b + R.POP_TIME] = popTime;
  s[b + R.INV] = inv;
  s[b + R.ATTEMPTS] = attempts;
  s[b + R.LOC] = loc;
  s[b + R.STAGED_MAP] = 0;
  s[KG.NREC] = n + 1;
}

/** Marks record r gone (LOC 0); `normalize` drops it. */
function drop(s: Int32Array, c: KvCtx, r: number): void {
  s[c.L.rec(r) + R.LOC] = 0;
}

function retried(s: Int32Array, c: KvCtx, r: number): void {
  const d = s[c.L.rec(r) + R.DEL];
  s[c.L.del(d) + D.FLAGS] |= DF.RETRIED;
  s[c.L.msg(delOff(s, c.L, d))] |= MF.RETRIED;
}

/**
 * pop (PCS popAsync / getMessageAsync / addGetMessageResult, 5.3.3+ handleGetMessageResult):
 * read up to `batch` messages from the pull offset; commit the pull offset to the next begin
 * offset; commit the consumer offset to the cache's minimum offset, or to this pop's start
 * when the cache holds none of the queue (computed before this pop's records are written);
 * then write one record per message to the cache (to RocksDB when there is no cache).
 * A pop that finds nothing ('poll') commits the same way with nothing to write.
 */
export function applyPop(s: Int32Array, c: KvCtx, found: boolean): void {
  const L = c.L;
  const p = pullStart(s);
  const k = found ? Math.min(c.batch, L.messages - p) : 0;
  s[KG.PULL] = p + k;
  let commit = p;
  if (c.s.enablePopBufferMerge) {
    const min = cacheMinOffset(s, c);
    if (min >= 0) commit = min;
  }
  s[KG.COMMIT] = commit;
  if (!found) return;
  s[KG.USED_POPS]++;
  const now = s[KG.NOW];
  for (let i = 0; i < k; i++) {
    const d = s[KG.NDEL];
    if (d >= L.maxDeliveries) throw new RangeError('kv: delivery slots exhausted');
    const b = L.del(d);
    s[b + D.OFF] = p + i;
    s[b + D.POP_TIME] = now;
    s[b + D.INV] = c.s.popInvisibleTime;
    s[b + D.EPOCH] = s[KG.EPOCH];
    s[b + D.FLAGS] = DF.HELD;
    s[KG.NDEL] = d + 1;
    addRecord(s, c, d, now, c.s.popInvisibleTime, 0, c.s.enablePopBufferMerge ? LOC.CACHE : LOC.DB);
  }
}

/**
 * Deletes the record an ack or a change names by its handle: first from the cache, where the
 * queue's map is keyed by offset alone (PCC ConsumerRecords.delete), so any cached record of
 * that offset goes; only when the cache had none, from RocksDB by the full key
 * visibility-timeout + group + topic + queue + offset (PCR getKeyBytes, PCRS deleteRecords).
 */
function deleteByHandle(s: Int32Array, c: KvCtx, off: number, vis: number): void {
  const L = c.L;
  if (c.s.enablePopBufferMerge) {
    for (let r = 0; r < s[KG.NREC]; r++) {
      if (s[L.rec(r) + R.LOC] === LOC.CACHE && recOff(s, L, r) === off) {
        drop(s, c, r);
        return;
      }
    }
  }
  for (let r = 0; r < s[KG.NREC]; r++) {
    if (s[L.rec(r) + R.LOC] === LOC.DB && recOff(s, L, r) === off && recVis(s, L, r) === vis) drop(s, c, r);
  }
}

/** ack (PCS ackAsync, reached from AckMessageProcessor.appendAckNew): the client acks delivery d with its handle. */
export function applyAck(s: Int32Array, c: KvCtx, d: number): void {
  const L = c.L;
  const b = L.del(d);
  const vis = delVis(s, L, d);
  s[b + D.FLAGS] = (s[b + D.FLAGS] & ~DF.HELD) | DF.ACKED | (s[KG.NOW] < vis ? DF.ACKED_IN_TIME : 0);
  s[L.msg(s[b + D.OFF])] |= MF.ACKED;
  deleteByHandle(s, c, s[b + D.OFF], vis);
}

/**
 * change of invisible time (PCS changeInvisibilityDuration from ChangeInvisibleTimeProcessor):
 * write a new record (popTime now, the new invisible time) straight to RocksDB, then delete the
 * old one as an ack does; the client's handle becomes the new one.
 */
export function applyChange(s: Int32Array, c: KvCtx, d: number): void {
  const L = c.L;
  const b = L.del(d);
  const now = s[KG.NOW];
  const oldVis = delVis(s, L, d);
  addRecord(s, c, d, now, c.s.popInvisibleTime, 0, LOC.DB);
  deleteByHandle(s, c, s[b + D.OFF], oldVis);
  s[b + D.POP_TIME] = now;
  s[b + D.INV] = c.s.popInvisibleTime;
  s[KG.USED_CHANGES]++;
}

/** Is cached record r due for the cleanup (visibility timeout reached, or stayed popCkStayBufferTime)? */
export function cacheDue(s: Int32Array, c: KvCtx, r: number): boolean {
  const now = s[KG.NOW];
  return recVis(s, c.L, r) <= now || s[c.L.rec(r) + R.POP_TIME] + c.s.popCkStayBufferTime <= now;
}

/**
 * cleanup, first half (PCC cleanupRecords: removeExpiredRecords at 5.3.2/5.3.3,
 * stageExpiredRecords at head): every due record leaves the cache's map; an expired one
 * (visibility timeout <= now) is handed to the asynchronous revive (the cache's consumer,
 * PCS revive(record), whose result nobody reads), the others wait for the RocksDB write.
 */
export function applyStage(s: Int32Array, c: KvCtx): void {
  const L = c.L;
  const now = s[KG.NOW];
  for (let r = 0; r < s[KG.NREC]; r++) {
    const b = L.rec(r);
    if (s[b + R.LOC] !== LOC.CACHE || !cacheDue(s, c, r)) continue;
    s[b + R.LOC] = recVis(s, L, r) <= now ? LOC.CACHE_REVIVE : LOC.STAGED;
    s[b + R.STAGED_MAP] = 1;
  }
  s[KG.STAGING] = 1;
}

/**
 * cleanup, second half: write the staged records to RocksDB, clear the staged set, and commit
 * the cache's minimum offset when the queue's map still holds a record.
 */
export function applyFlush(s: Int32Array, c: KvCtx): void {
  const L = c.L;
  for (let r = 0; r < s[KG.NREC]; r++) {
    const b = L.rec(r);
    if (s[b + R.LOC] === LOC.STAGED) s[b + R.LOC] = LOC.DB;
    if (s[b + R.LOC] === LOC.REVIVED_STAGED) s[b + R.LOC] = 0;
    s[b + R.STAGED_MAP] = 0;
  }
  s[KG.STAGING] = 0;
  const min = cacheMinOffset(s, c);
  if (min >= 0) s[KG.COMMIT] = min;
}

/**
 * The cache's revive of one expired record completes (PCS revive(record) -> reviveRetry):
 * the message is written to the retry topic, or the write fails and the record is gone (the
 * cache ignores the result: no back-off record is written).
 */
export function applyCacheRevive(s: Int32Array, c: KvCtx, r: number, fails: boolean): void {
  if (fails) s[KG.USED_RETRY_FAILURES]++;
  else retried(s, c, r);
  const b = c.L.rec(r);
  if (s[b + R.STAGED_MAP] === 1) s[b + R.LOC] = LOC.REVIVED_STAGED;
  else drop(s, c, r);
}

/** RocksDB records the scanner reads now: visibility timeout in [currentTime - 3 s, now - 50 ms), in key order. */
export function scanDue(s: Int32Array, c: KvCtx): number[] {
  const L = c.L;
  const lower = s[KG.SCAN] === SCAN_START ? -Infinity : s[KG.SCAN] - SCAN_LOWER_SLACK;
  const upper = s[KG.NOW] - SCAN_UPPER_LAG;
  const due: number[] = [];
  for (let r = 0; r < s[KG.NREC]; r++) {
    if (s[L.rec(r) + R.LOC] !== LOC.DB) continue;
    const v = recVis(s, L, r);
    if (v >= lower && v < upper) due.push(r);
  }
  return due.sort((a, b) => recVis(s, L, a) - recVis(s, L, b) || recOff(s, L, a) - recOff(s, L, b));
}

/**
 * The revive scanner (PCS revive(currentTime, maxCount)): each due record's message is
 * written to the retry topic; a failed write (`fails`: the first due record's) is rewritten
 * as a new record, popTime now and invisibleTime + the next back-off, attemptTimes + 1, while
 * attemptTimes < popReviveMaxAttemptTimes, else dropped; then the scanned records are deleted
 * and currentTime moves to the last one's visibility timeout.
 */
export function applyScan(s: Int32Array, c: KvCtx, fails: boolean): void {
  const L = c.L;
  const due = scanDue(s, c);
  const now = s[KG.NOW];
  due.forEach((r, i) => {
    const b = L.rec(r);
    if (fails && i === 0) {
      s[KG.USED_RETRY_FAILURES]++;
      const att = s[b + R.ATTEMPTS];
      if (att < c.s.popReviveMaxAttemptTimes) {
        const backoff = 1000 * REWRITE_INTERVALS_S[Math.min(REWRITE_INTERVALS_S.length, att)]; // att < max <= 16
        addRecord(s, c, s[b + R.DEL], now, s[b + R.INV] + backoff, att + 1, LOC.DB);
      }
    } else {
      retried(s, c, r);
    }
  });
  s[KG.SCAN] = due.length === 0 ? now - SCAN_UPPER_LAG : recVis(s, L, due[due.length - 1]);
  for (const r of due) drop(s, c, r);
}

/** A broker crash and restart: the cache (with its staged set and pending revives) and the pull offset are lost; RocksDB and the committed offset are kept; the scanner starts over. */
export function applyCrash(s: Int32Array, c: KvCtx): void {
  const L = c.L;
  for (let r = 0; r < s[KG.NREC]; r++) if (s[L.rec(r) + R.LOC] !== LOC.DB) drop(s, c, r);
  s[KG.PULL] = -1;
  s[KG.STAGING] = 0;
  s[KG.SCAN] = SCAN_START;
  s[KG.EPOCH]++;
  s[KG.USED_CRASHES]++;
}

/**
 * Drops gone records and sorts the rest (location, delivery, popTime, ...) so that equal
 * situations have equal words.
 */
export function normalize(s: Int32Array, c: KvCtx): void {
  const L = c.L;
  const rows: number[][] = [];
  for (let r = 0; r < s[KG.NREC]; r++) {
    const b = L.rec(r);
    if (s[b + R.LOC] !== 0) rows.push(Array.from(s.subarray(b, b + R_WORDS)));
  }
  rows.sort((a, b) => {
    if (a[R.LOC] !== b[R.LOC]) return a[R.LOC] - b[R.LOC];
    for (let i = 0; i < R_WORDS; i++) if (a[i] !== b[i]) return a[i] - b[i];
    return 0;
  });
  s.fill(0, L.rec(0), L.words);
  rows.forEach((row, i) => s.set(row, L.rec(i)));
  s[KG.NREC] = rows.length;
}
