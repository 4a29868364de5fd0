/**
 * The invariants of the KV service model, named as the CK path's where they mean the same
 * thing for the user (model/invariants.ts); their KV meaning is stated in each description
 * and in docs/model.md.
 */
import type { Invariant } from '../../checker/model.js';
import { D, DF, KG, MF } from './layout.js';
import { delVis, pullStart, type KvCtx, type KvEvent } from './rules.js';

export const KV_INVARIANT_NAMES = ['acked-never-retried', 'no-loss', 'no-concurrent-redelivery', 'offsets-monotonic', 'commit-progress'] as const;
export type KvInvariantName = (typeof KV_INVARIANT_NAMES)[number];

export const KV_DESCRIPTIONS: Readonly<Record<KvInvariantName, string>> = {
  'acked-never-retried': "no message is written to the retry topic by a record of a delivery the client acked before that delivery's visibility timeout",
  'no-loss': 'when nothing is left to happen, every offset below the committed consumer offset is acked or in the retry topic',
  'no-concurrent-redelivery': 'a pop never returns an offset that an earlier pop of the same broker run delivered and the client still holds within its visibility timeout',
  'offsets-monotonic': 'the committed consumer offset never moves backwards',
  'commit-progress': 'when nothing is left to happen and the whole queue was popped, the committed consumer offset has reached the end of the queue (a pop that finds nothing commits it once the cache is empty)',
};

export function kvAckedNeverRetried(s: Int32Array, c: KvCtx): boolean {
  for (let d = 0; d < s[KG.NDEL]; d++) {
    const f = s[c.L.del(d) + D.FLAGS];
    if ((f & DF.ACKED_IN_TIME) !== 0 && (f & DF.RETRIED) !== 0) return false;
  }
  return true;
}

export function kvNoLoss(s: Int32Array, c: KvCtx): boolean {
  for (let o = 0; o < s[KG.COMMIT]; o++) if ((s[c.L.msg(o)] & (MF.ACKED | MF.RETRIED)) === 0) return false;
  return true;
}

export function kvNoConcurrentRedelivery(before: Int32Array, e: KvEvent, after: Int32Array, c: KvCtx): boolean {
  if (e.type !== 'pop') return true;
  const L = c.L;
  for (let n = before[KG.NDEL]; n < after[KG.NDEL]; n++) {
    const off = after[L.del(n) + D.OFF];
    for (let d = 0; d < before[KG.NDEL]; d++) {
      const b = L.del(d);
      if (before[b + D.OFF] !== off || before[b + D.EPOCH] !== before[KG.EPOCH]) continue;
      if ((before[b + D.FLAGS] & DF.HELD) !== 0 && before[KG.NOW] < delVis(before, L, d)) return false;
    }
  }
  return true;
}

export function kvOffsetsMonotonic(before: Int32Array, _e: KvEvent, after: Int32Array): boolean {
  return after[KG.COMMIT] >= before[KG.COMMIT];
}

/** Checked once the consumer has popped the whole queue (a bound that stopped the pops earlier leaves nothing to check). */
export function kvCommitProgress(s: Int32Array, c: KvCtx): boolean {
  return pullStart(s) < c.L.messages || s[KG.COMMIT] >= pullStart(s);
}

export function makeKvInvariants(c: KvCtx, only?: readonly string[] | null): Invariant<Int32Array, KvEvent>[] {
  const all: Invariant<Int32Array, KvEvent>[] = [
    { name: 'acked-never-retried', kind: 'always', description: KV_DESCRIPTIONS['acked-never-retried'], holds: (s) => kvAckedNeverRetried(s, c) },
    { name: 'no-loss', kind: 'final', description: KV_DESCRIPTIONS['no-loss'], holds: (s) => kvNoLoss(s, c) },
    { name: 'no-concurrent-redelivery', kind: 'transition', description: KV_DESCRIPTIONS['no-concurrent-redelivery'], holds: (b, e, a) => kvNoConcurrentRedelivery(b, e, a, c) },
    { name: 'offsets-monotonic', kind: 'transition', description: KV_DESCRIPTIONS['offsets-monotonic'], holds: (b, e, a) => kvOffsetsMonotonic(b, e, a) },
    { name: 'commit-progress', kind: 'final', description: KV_DESCRIPTIONS['commit-progress'], holds: (s) => kvCommitProgress(s, c) },
  ];
  return only ? all.filter((i) => only.includes(i.name)) : all;
}
