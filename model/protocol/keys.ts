/**
 * Merge keys. RocketMQ concatenates topic + group + queueId + startOffset + popTime
 * (+ brokerName) with no separators. With one topic and one group the model compares the
 * rest. popTime is a 13-digit epoch in RocketMQ (the model renders model time as
 * EPOCH_MS + t), so it never runs into its neighbours; queueId followed by startOffset
 * can: (queueId 1, offset 23) and (queueId 12, offset 3) share "123" (hazard I-1). With
 * keyMode=tuple the fields are compared one by one instead.
 */
import * as layoutModule from '../layout.js';
import type { Ctx } from './context.js';

// The imported constants as this module's own: V8's optimizing compiler folds a module's
// own constants into the code, and loads an imported binding at every use (docs/explorer.md,
// "Counting instructions").
const { BROKER, C, CF, G, Q } = layoutModule;

/** Model time 0 as a wall-clock epoch, for keys and display of popTime. */
export const EPOCH_MS = 1_700_000_000_000;

/** RocketMQ queueId of model queue q. */
export function queueLabel(d: Int32Array, ctx: Ctx, q: number): number {
  return d[ctx.L.q(q) + Q.QUEUE_ID];
}

/** Do (queue a, startOffset sa) and (queue b, startOffset sb) give the same key prefix? */
export function queueOffsetKeyEqual(d: Int32Array, ctx: Ctx, qa: number, sa: number, qb: number, sb: number): boolean {
  if (qa === qb) return sa === sb;
  if (ctx.s.keyMode === 'tuple') return false;
  const la = queueLabel(d, ctx, qa);
  const lb = queueLabel(d, ctx, qb);
  if (la === lb) return sa === sb;
  return `${la}${sa}` === `${lb}${sb}`;
}

/** The buffer's merge key includes brokerName (since RIP-32, 5.0.0). */
export function bufferKeyMatches(d: Int32Array, ctx: Ctx, k: number, q: number, so: number, pt: number, bn: number): boolean {
  const c = ctx.L.ck(k);
  return (
    d[c + C.POP_TIME] === pt &&
    d[c + C.BROKER] === bn &&
    queueOffsetKeyEqual(d, ctx, d[c + C.QUEUE], d[c + C.START], q, so)
  );
}

/** PopBufferMergeService.buffer.get(key): the wrapper in the buffer under this key, or -1. */
export function findWrapper(d: Int32Array, ctx: Ctx, q: number, so: number, pt: number, bn: number): number {
  const n = d[G.NCK];
  if (n <= 0) return -1;
  // Every CK slot in order, the bound tested after each (a `do … while`, not a `for`): V8
  // compiles a loop's first pass apart and enters the loop proper, with its stack check and
  // its values set up, only to test the bound again; with one CK slot (ack-flush) a `for`
  // paid that on every ack that found no wrapper (docs/explorer.md, "The model's plumbing per
  // transition").
  let k = 0;
  do {
    if ((d[ctx.L.ck(k) + C.FLAGS] & CF.IN_BUFFER) !== 0 && bufferKeyMatches(d, ctx, k, q, so, pt, bn)) return k;
  } while (++k < n);
  return -1;
}

/** The reviving broker's own name: broker-b when the messages escaped to the remote group. */
export function reviveLocalBroker(ctx: Ctx): number {
  return ctx.s.escapeToRemoteBroker ? BROKER.B : BROKER.A;
}

/** brokerName as the revive puts it in a CK's key (-1: not part of the key). */
export function reviveCkBroker(ctx: Ctx, bn: number): number {
  return ctx.s.reviveKeyHasBrokerName ? bn : -1;
}

/** brokerName as the revive puts it in an ACK's key, with the blank fallback when enabled. */
export function reviveAckBroker(ctx: Ctx, bn: number): number {
  if (!ctx.s.reviveKeyHasBrokerName) return -1;
  if (bn === BROKER.NONE && ctx.s.reviveBlankBrokerNameFallback) return reviveLocalBroker(ctx);
  return bn;
}

/** Revive key equality of (q, so, pt, brokerPart) tuples, under the key mode. */
export function reviveKeyEqual(
  d: Int32Array,
  ctx: Ctx,
  qa: number,
  sa: number,
  pa: number,
  ba: number,
  qb: number,
  sb: number,
  pb: number,
  bb: number,
): boolean {
  return pa === pb && ba === bb && queueOffsetKeyEqual(d, ctx, qa, sa, qb, sb);
}

/** Does the revive key of an ACK (of CK slot `ackCk`, brokerName `bn`) equal the revive key of CK slot `k`? */
export function reviveAckMatchesCk(d: Int32Array, ctx: Ctx, ackCk: number, bn: number, k: number): boolean {
  const a = ctx.L.ck(ackCk);
  const c = ctx.L.ck(k);
  return reviveKeyEqual(
    d,
    ctx,
    d[a + C.QUEUE],
    d[a + C.START],
    d[a + C.POP_TIME],
    reviveAckBroker(ctx, bn),
    d[c + C.QUEUE],
    d[c + C.START],
    d[c + C.POP_TIME],
    reviveCkBroker(ctx, d[c + C.BROKER]),
  );
}

/** The key as RocketMQ prints it (for reports). */
export function keyText(d: Int32Array, ctx: Ctx, q: number, so: number, pt: number, brokerPart: number): string {
  const bn = brokerPart === -1 ? '' : brokerPart === BROKER.NONE ? 'null' : brokerPart === BROKER.A ? 'broker-a' : 'broker-b';
  return `TopicTest+GID_POP+${queueLabel(d, ctx, q)}+${so}+${EPOCH_MS + pt}${bn === '' ? '' : `+${bn}`}`;
}
