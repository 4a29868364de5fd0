/**
 * Merge keys. RocketMQ concatenates topic + group + queueId + startOffset + popTime
 * (+ brokerName). With one topic and one group, the model compares the remaining fields
 * as a tuple; brokerName takes part as described by the settings.
 */
import { BROKER, C, CF, E, G, LOCAL_BROKER } from '../layout.js';
import type { Ctx } from './context.js';

/** The buffer's merge key always includes brokerName (since RIP-32, 5.0.0). */
export function bufferKeyMatches(d: Int32Array, ctx: Ctx, k: number, q: number, so: number, pt: number, bn: number): boolean {
  const c = ctx.L.ck(k);
  return d[c + C.QUEUE] === q && d[c + C.START] === so && d[c + C.POP_TIME] === pt && d[c + C.BROKER] === bn;
}

/** PopBufferMergeService.buffer.get(key): the wrapper in the buffer under this key, or -1. */
export function findWrapper(d: Int32Array, ctx: Ctx, q: number, so: number, pt: number, bn: number): number {
  const n = d[G.NCK];
  for (let k = 0; k < n; k++) {
    if ((d[ctx.L.ck(k) + C.FLAGS] & CF.IN_BUFFER) !== 0 && bufferKeyMatches(d, ctx, k, q, so, pt, bn)) return k;
  }
  return -1;
}

/** brokerName as the revive puts it in a CK's key (-1: not part of the key). */
export function reviveCkBroker(ctx: Ctx, bn: number): number {
  return ctx.s.reviveKeyHasBrokerName ? bn : -1;
}

/** brokerName as the revive puts it in an ACK's key, with the blank fallback when enabled. */
export function reviveAckBroker(ctx: Ctx, bn: number): number {
  if (!ctx.s.reviveKeyHasBrokerName) return -1;
  if (bn === BROKER.NONE && ctx.s.reviveBlankBrokerNameFallback) return LOCAL_BROKER;
  return bn;
}

/** Does the revive key of the ACK/bAck entry at word `e` equal the revive key of CK slot `k`? */
export function reviveKeysMatch(d: Int32Array, ctx: Ctx, e: number, k: number): boolean {
  const L = ctx.L;
  const a = L.ck(d[e + E.CK]);
  const c = L.ck(k);
  return (
    d[a + C.QUEUE] === d[c + C.QUEUE] &&
    d[a + C.START] === d[c + C.START] &&
    d[a + C.POP_TIME] === d[c + C.POP_TIME] &&
    reviveAckBroker(ctx, d[e + E.BROKER]) === reviveCkBroker(ctx, d[c + C.BROKER])
  );
}
