/**
 * Named invariants, in priority order: when several are violated, the first listed is the
 * headline of the report (user-visible harm before internal inconsistency).
 */
import type { Invariant } from '../checker/model.js';
import type { Event } from './events.js';
import { C, E, G, KIND, Q } from './layout.js';
import { illegalMoves } from './lifecycles.js';
import type { Ctx } from './protocol/context.js';
import { reviveKeysMatch } from './protocol/keys.js';
import type { State } from './state.js';

export const INVARIANT_NAMES = ['acked-never-retried', 'ack-key-agreement', 'no-loss', 'lifecycle-legal'] as const;
export type InvariantName = (typeof INVARIANT_NAMES)[number];

/** acked-never-retried: no offset whose ack the broker accepted by T is written to the retry topic by its CK. */
export function ackedNeverRetried(d: Int32Array, ctx: Ctx): boolean {
  for (let k = 0; k < d[G.NCK]; k++) {
    const c = ctx.L.ck(k);
    if ((d[c + C.RETRIED] & d[c + C.ACKED_IN_TIME]) !== 0) return false;
  }
  return true;
}

/** ack-key-agreement: every ACK/bAck in the timer or the revive queue carries its CK's revive merge key. */
export function ackKeyAgreement(d: Int32Array, ctx: Ctx): boolean {
  const L = ctx.L;
  for (let p = 0; p < d[G.NLOG]; p++) {
    const e = L.log(p);
    if (d[e + E.KIND] !== KIND.CK && !reviveKeysMatch(d, ctx, e, d[e + E.CK])) return false;
  }
  for (let i = 0; i < d[G.NTIMER]; i++) {
    const e = L.timer(i);
    if (d[e + E.KIND] !== KIND.CK && !reviveKeysMatch(d, ctx, e, d[e + E.CK])) return false;
  }
  return true;
}

/**
 * no-loss (checked when nothing is left to happen): every popped offset was acked by the
 * client or written to the retry topic, unless the committed consumer offset has not
 * passed it (then the queue still holds it for the next pop).
 */
export function noLoss(d: Int32Array, ctx: Ctx): boolean {
  const L = ctx.L;
  for (let q = 0; q < L.queues; q++) {
    const committed = d[L.q(q) + Q.CONSUMER_OFFSET];
    for (let k = 0; k < d[G.NCK]; k++) {
      const c = L.ck(k);
      if (d[c + C.QUEUE] !== q) continue;
      const so = d[c + C.START];
      for (let i = 0; i < d[c + C.NUM]; i++) {
        const off = so + i;
        if (off >= committed) continue;
        if (!offsetAckedOrRetried(d, ctx, q, off)) return false;
      }
    }
  }
  return true;
}

function offsetAckedOrRetried(d: Int32Array, ctx: Ctx, q: number, off: number): boolean {
  for (let k = 0; k < d[G.NCK]; k++) {
    const c = ctx.L.ck(k);
    if (d[c + C.QUEUE] !== q) continue;
    const i = off - d[c + C.START];
    if (i < 0 || i >= d[c + C.NUM]) continue;
    if ((d[c + C.ACKED] | d[c + C.RETRIED]) & (1 << i)) return true;
  }
  return false;
}

export function makeInvariants(ctx: Ctx): Invariant<State, Event>[] {
  return [
    {
      name: 'acked-never-retried',
      kind: 'always',
      description: 'an offset whose ack the broker accepted (by the CK revive time T) never enters the retry topic',
      holds: (s) => ackedNeverRetried(s, ctx),
    },
    {
      name: 'ack-key-agreement',
      kind: 'always',
      description: "every ACK written for a CK carries that CK's merge key as the revive computes it",
      holds: (s) => ackKeyAgreement(s, ctx),
    },
    {
      name: 'no-loss',
      kind: 'final',
      description: 'when nothing is left to happen, every popped offset is acked or in the retry topic',
      holds: (s) => noLoss(s, ctx),
    },
    {
      name: 'lifecycle-legal',
      kind: 'transition',
      description: 'every step moves each message and CK along its lifecycle table',
      holds: (b, e, a) => illegalMoves(b, a, ctx.L, e.type).length === 0,
    },
  ];
}
