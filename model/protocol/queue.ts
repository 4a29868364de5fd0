/** The business queue: producing, retention, and scanGarbage's removal of offset FIFOs. */
import * as layoutModule from '../layout.js';
import type { Ctx } from './context.js';
import { narrating, observe } from './observe.js';

// The imported constants as this module's own: V8's optimizing compiler folds a module's
// own constants into the code, and loads an imported binding at every use (docs/explorer.md,
// "Counting instructions").
const { C, CF, G, Q } = layoutModule;

export function produce(d: Int32Array, ctx: Ctx, q: number): void {
  const b = ctx.L.q(q);
  const off = d[b + Q.MAX];
  d[b + Q.STORE_TIME + (off - d[b + Q.MIN])] = d[G.NOW];
  d[b + Q.MAX] = off + 1;
  d[G.USED_PRODUCES]++;
  if (narrating(ctx)) observe(ctx, { kind: 'produce', queueId: q, offset: off, storeTimestamp: d[G.NOW] });
}

export function produceBlocked(d: Int32Array, ctx: Ctx, q: number): string | null {
  if (q < 0 || q >= ctx.L.queues) return `queue ${q} does not exist`;
  const b = ctx.L.q(q);
  if (d[b + Q.MAX] - d[b + Q.MIN] >= ctx.L.messagesPerQueue) return `bound reached: ${ctx.L.messagesPerQueue} messages in queue ${q}`;
  return null;
}

/**
 * Retention deletes the oldest message still stored. By default the consume queue's min
 * offset follows in the same step; with `minOffsetLags` only the commit log is cleaned and
 * correctMinOffset moves the min offset later (the MESSAGE_WAS_REMOVING window).
 */
export function expire(d: Int32Array, ctx: Ctx, q: number, minOffsetLags = false): void {
  const b = ctx.L.q(q);
  const off = d[b + Q.LIVE_FROM];
  d[b + Q.LIVE_FROM] = off + 1;
  if (!minOffsetLags) d[b + Q.CQ_MIN] = off + 1;
  d[G.USED_EXPIRIES]++;
  if (narrating(ctx)) observe(ctx, { kind: 'expire', queueId: q, offset: off, ...(minOffsetLags ? { minOffsetLags: true } : {}) });
}

/** ConsumeQueue.correctMinOffset: the min offset moves up to the first unit whose message is still stored. */
export function correctMinOffset(d: Int32Array, ctx: Ctx, q: number): void {
  const b = ctx.L.q(q);
  const from = d[b + Q.CQ_MIN];
  d[b + Q.CQ_MIN] = d[b + Q.LIVE_FROM];
  if (narrating(ctx)) observe(ctx, { kind: 'correctMinOffset', queueId: q, from, to: d[b + Q.LIVE_FROM] });
}

export function correctMinOffsetBlocked(d: Int32Array, ctx: Ctx, q: number): string | null {
  if (q < 0 || q >= ctx.L.queues) return `queue ${q} does not exist`;
  const b = ctx.L.q(q);
  return d[b + Q.CQ_MIN] < d[b + Q.LIVE_FROM] ? null : `the min offset of queue ${q} is already ${d[b + Q.CQ_MIN]}`;
}

export function expireBlocked(d: Int32Array, ctx: Ctx, q: number): string | null {
  if (q < 0 || q >= ctx.L.queues) return `queue ${q} does not exist`;
  const b = ctx.L.q(q);
  return d[b + Q.LIVE_FROM] < d[b + Q.MAX] ? null : `no stored message left in queue ${q}`;
}

/** Is the message at `off` of queue q still stored? */
export function isLive(d: Int32Array, ctx: Ctx, q: number, off: number): boolean {
  const b = ctx.L.q(q);
  return off >= d[b + Q.LIVE_FROM] && off < d[b + Q.MAX];
}

/** storeTimestamp of the message at `off` of queue q. */
export function storeTime(d: Int32Array, ctx: Ctx, q: number, off: number): number {
  const b = ctx.L.q(q);
  return d[b + Q.STORE_TIME + (off - d[b + Q.MIN])];
}

/** scanGarbage removes the queue's offset FIFO when it thinks the group no longer exists. */
export function gcBlocked(d: Int32Array, ctx: Ctx, q: number): string | null {
  if (q < 0 || q >= ctx.L.queues) return `queue ${q} does not exist`;
  if (!ctx.s.lmqGroup) return 'the group is in the subscription group table';
  if (!ctx.s.gcUsesRawGroupTable) return 'containsSubscriptionGroup knows LMQ groups';
  for (let k = 0, nck = d[G.NCK]; k < nck; k++) {
    const c = ctx.L.ck(k);
    if (d[c + C.QUEUE] === q && (d[c + C.FLAGS] & CF.IN_OFFSET_QUEUE) !== 0) return null;
  }
  return `the offset queue of queue ${q} is empty`;
}

export function gc(d: Int32Array, ctx: Ctx, q: number): void {
  d[G.USED_GCS]++;
  for (let k = 0; k < d[G.NCK]; k++) {
    const c = ctx.L.ck(k);
    if (d[c + C.QUEUE] === q) d[c + C.FLAGS] &= ~CF.IN_OFFSET_QUEUE;
  }
  if (narrating(ctx)) observe(ctx, { kind: 'scanGarbage', queueId: q });
}
