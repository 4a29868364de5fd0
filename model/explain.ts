/**
 * One-paragraph explanations of why the last state of a counterexample violates an
 * invariant, in RocketMQ's terms.
 */
import { C, E, G, KIND, Q } from './layout.js';
import { brokerName, fmtTime, offsetsOf } from './format.js';
import type { Ctx } from './protocol/context.js';
import { keyText as rmqKey, reviveAckBroker, reviveAckMatchesCk, reviveCkBroker } from './protocol/keys.js';
import { ARRIVED } from './protocol/store.js';
import { ackEntryMatchesItsCk, deliveryRoot, lostOffsets } from './invariants.js';
import { RETRY_TOPIC } from './names.js';
import { illegalMoves } from './lifecycles.js';
import type { Event } from './events.js';
import type { State } from './state.js';

function keyText(ctx: Ctx, d: Int32Array, k: number, brokerPart: number): string {
  const c = ctx.L.ck(k);
  return rmqKey(d, ctx, d[c + C.QUEUE], d[c + C.START], d[c + C.POP_TIME], brokerPart);
}

/** An ACK/bAck of CK k carrying message index i: in the revive queue (pos >= 0) or in the timer. */
interface AckEntry {
  readonly kind: number;
  readonly bn: number;
  /** Revive-queue offset, or -1 while it waits in the timer. */
  readonly pos: number;
  /** Timer slot (delay-level delivery time) while in the timer. */
  readonly slot: number;
  /** Written straight to the revive queue: its deliverTimeMs T was not in the future. */
  readonly direct: boolean;
}

function ackEntriesFor(d: Int32Array, ctx: Ctx, k: number, i: number): AckEntry[] {
  const L = ctx.L;
  const out: AckEntry[] = [];
  const n = d[G.NLOG];
  for (let p = 0; p < n + d[G.NTIMER]; p++) {
    const e = L.log(p);
    if (d[e + E.KIND] === KIND.CK || d[e + E.CK] !== k || (d[e + E.MASK] & (1 << i)) === 0) continue;
    const queued = p < n;
    out.push({
      kind: d[e + E.KIND],
      bn: d[e + E.BROKER],
      pos: queued ? p : -1,
      slot: queued ? -1 : d[e + E.SLOT],
      direct: queued && d[e + E.SLOT] === ARRIVED.DIRECT,
    });
  }
  return out;
}

/**
 * The entry that carries the in-time, stored ack of index i. An entry that went through the
 * timer wheel was written before T (its deliverTimeMs T was in the future), so it is an
 * in-time ack; an entry written directly was written at or after T, which an in-time ack
 * (at exactly T, or a buffered ack flushed late) shares with a late one. With delay levels
 * every entry goes through the delay queue and the first is taken.
 */
function inTimeEntry(entries: readonly AckEntry[], ctx: Ctx): AckEntry | undefined {
  if (ctx.s.timerMode === 'delayLevel') return entries[0];
  return entries.find((x) => !x.direct) ?? entries[0];
}

function ackName(kind: number, bn: number): string {
  return `${kind === KIND.BACK ? 'a BatchAckMsg' : 'an AckMsg'} with brokerName=${brokerName(bn)}`;
}

/** Why the revive of CK k did not count the stored, in-time ack of index i. */
function ackFate(d: Int32Array, ctx: Ctx, k: number, i: number, ckKey: string): string {
  const c = ctx.L.ck(k);
  const entries = ackEntriesFor(d, ctx, k, i);
  const x = inTimeEntry(entries, ctx);
  if (!x) return 'and its CK finished fully acked in memory';
  const ckPos = d[c + C.REVIVE_POS];
  const ckAt = ckPos >= 0 ? ` at revive queue offset ${ckPos}` : '';
  const waiting = ctx.s.timerMode === 'delayLevel' ? `the delay queue (delivery at ${fmtTime(x.slot)})` : `the timer (slot ${fmtTime(x.slot)})`;
  const where = x.pos >= 0 ? `revive queue offset ${x.pos}` : waiting;
  const written = x.direct ? ' written directly (at or after T)' : '';
  const ackKey = keyText(ctx, d, k, reviveAckBroker(ctx, x.bn));
  if (!reviveAckMatchesCk(d, ctx, k, x.bn, k) && ackKey !== ckKey) {
    return (
      `and stored as ${ackName(x.kind, x.bn)}${written} (${where}); its revive key is ${ackKey}` +
      (reviveAckBroker(ctx, x.bn) !== x.bn ? ' (a blank brokerName is keyed with the reviving broker\'s own name)' : '') +
      `, ` +
      `but the CK's revive key is ${ckKey}, so the revive never matched it`
    );
  }
  const stored = `and stored as ${ackName(x.kind, x.bn)}${written} under the CK's own revive key ${ckKey}, `;
  if (x.pos < 0) return `${stored}but it was still in ${waiting} when the revive processed the CK${ckAt}`;
  if (ckPos >= 0 && x.pos < ckPos) {
    return `${stored}but it reached revive queue offset ${x.pos}, before its CK${ckAt}; the revive matches an ACK only to a CK read before it, so the ACK matched nothing`;
  }
  return `${stored}but it reached revive queue offset ${x.pos} only after the revive pass that processed the CK${ckAt} had read the queue`;
}

/** `before` and `event` describe the last step (used for transition invariants). */
export function explain(invariant: string, d: State, ctx: Ctx, before?: State, event?: Event): string[] {
  const L = ctx.L;
  const lines: string[] = [];
  if (invariant === 'acked-never-retried') {
    for (let k = 0; k < d[G.NCK]; k++) {
      const c = L.ck(k);
      const bad = d[c + C.RETRIED] & d[c + C.ACK_STORED_IN_TIME];
      const so = d[c + C.START];
      const T = fmtTime(d[c + C.POP_TIME] + d[c + C.INVISIBLE]);
      const ckKey = keyText(ctx, d, k, reviveCkBroker(ctx, d[c + C.BROKER]));
      for (const off of offsetsOf(so, bad)) {
        const i = off - so;
        const who = d[c + C.CHANGED] & (1 << i) ? "changeInvisibleTime's ack of the original CK" : "the client's ack";
        const head = `offset ${off}: ${who} was accepted before T=${T} `;
        if ((d[c + C.REVIVE_UNACKED] & (1 << i)) === 0) {
          const gone = offsetsOf(so, d[c + C.REVIVE_UNACKED] & ~d[c + C.RETRIED], d[c + C.NUM]);
          lines.push(
            `${head}and stored, and the revive found it acked; but it retried ${gone.length > 0 ? `offset ${gone.join(',')}` : 'another offset'} of the CK, ` +
              `whose message was gone, and the read returned offset ${off} instead, so offset ${off} was written to ${RETRY_TOPIC}: a duplicate delivery of an acked message.`,
          );
          continue;
        }
        lines.push(`${head}${ackFate(d, ctx, k, i, ckKey)}; the revive found offset ${off} unacked and wrote it to ${RETRY_TOPIC}: a duplicate delivery of an acked message.`);
      }
    }
  } else if (invariant === 'ack-key-agreement') {
    const scan = (base: (i: number) => number, n: number, where: string) => {
      for (let i = 0; i < n; i++) {
        const e = base(i);
        if (ackEntryMatchesItsCk(d, ctx, e)) continue;
        const k = d[e + E.CK];
        const c = L.ck(k);
        lines.push(
          `${d[e + E.KIND] === KIND.BACK ? 'BatchAckMsg' : 'AckMsg'} for offsets ${offsetsOf(d[c + C.START], d[e + E.MASK]).join(',')} (${where}) ` +
            `is keyed ${keyText(ctx, d, k, reviveAckBroker(ctx, d[e + E.BROKER]))} by the revive, ` +
            `but its CK is keyed ${keyText(ctx, d, k, reviveCkBroker(ctx, d[c + C.BROKER]))}.`,
        );
      }
    };
    scan((p) => L.log(p), d[G.NLOG], 'revive queue');
    scan((i) => L.timer(d, i), d[G.NTIMER], 'timer');
  } else if (invariant === 'no-loss') {
    for (const [q, off] of lostOffsets(d, ctx)) {
      const committed = d[L.q(q) + Q.CONSUMER_OFFSET];
      lines.push(`offset ${off} of queue ${q} was popped, never acked and never written to ${RETRY_TOPIC}, and the consumer offset (${committed}) has moved past it.`);
    }
  } else if (invariant === 'acked-delivery-never-retried' && before) {
    for (let k = 0; k < d[G.NCK]; k++) {
      const c = L.ck(k);
      const fresh = k < before[G.NCK] ? d[c + C.RETRIED] & ~before[c + C.RETRIED] : d[c + C.RETRIED];
      const root = deliveryRoot(d, ctx, k);
      for (const off of offsetsOf(d[c + C.START], fresh, d[c + C.NUM])) {
        for (let m = root; m < before[G.NCK]; m++) {
          const mc = L.ck(m);
          const i = off - before[mc + C.START];
          if (before[mc + C.QUEUE] !== d[c + C.QUEUE] || i < 0 || i >= before[mc + C.NUM] || (before[mc + C.ACKED_IN_TIME] & (1 << i)) === 0) continue;
          if (deliveryRoot(before, ctx, m) !== root) continue;
          const superseded = (before[mc + C.CHANGED] & (1 << i)) !== 0;
          lines.push(
            `offset ${off}: the client's ack with the receipt handle of CK@${before[mc + C.START]} (popTime ${fmtTime(before[mc + C.POP_TIME])})` +
              (superseded ? ', a handle changeInvisibleTime had already superseded,' : '') +
              ` was answered SUCCESS before its T=${fmtTime(before[mc + C.POP_TIME] + before[mc + C.INVISIBLE])}; ` +
              (m === k
                ? `yet that same CK wrote offset ${off} to ${RETRY_TOPIC} (the ack was not durable).`
                : `CK@${d[c + C.START]} (popTime ${fmtTime(d[c + C.POP_TIME])}) of the same delivery, which that ack did not name, wrote offset ${off} to ${RETRY_TOPIC}.`),
          );
          break;
        }
      }
    }
  } else if (invariant === 'lifecycle-legal' && before && event) {
    for (const m of illegalMoves(before, d, L, event.type)) {
      const c = L.ck(m.ck);
      const what = m.what === 'ck' ? `CK@${d[c + C.START]}` : `offset ${d[c + C.START] + m.index}`;
      lines.push(`${what} moved ${m.from} -> ${m.to} in a ${m.event} step; that move is not in its lifecycle table (docs/lifecycles.md).`);
    }
  }
  return lines;
}
