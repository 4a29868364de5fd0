/**
 * One-paragraph explanations of why the last state of a counterexample violates an
 * invariant, in RocketMQ's terms.
 */
import { C, E, G, KIND, Q } from './layout.js';
import { brokerName, fmtTime, offsetsOf } from './format.js';
import type { Ctx } from './protocol/context.js';
import { keyText as rmqKey, reviveAckBroker, reviveCkBroker } from './protocol/keys.js';
import { ackEntryMatchesItsCk } from './invariants.js';
import { RETRY_TOPIC } from './names.js';
import { illegalMoves } from './lifecycles.js';
import type { Event } from './events.js';
import type { State } from './state.js';

function keyText(ctx: Ctx, d: Int32Array, k: number, brokerPart: number): string {
  const c = ctx.L.ck(k);
  return rmqKey(d, ctx, d[c + C.QUEUE], d[c + C.START], d[c + C.POP_TIME], brokerPart);
}

function ackEntriesFor(d: Int32Array, ctx: Ctx, k: number, i: number): { where: string; bn: number; kind: number }[] {
  const L = ctx.L;
  const out: { where: string; bn: number; kind: number }[] = [];
  for (let p = 0; p < d[G.NLOG]; p++) {
    const e = L.log(p);
    if (d[e + E.KIND] !== KIND.CK && d[e + E.CK] === k && d[e + E.MASK] & (1 << i)) {
      out.push({ where: `revive queue offset ${p}`, bn: d[e + E.BROKER], kind: d[e + E.KIND] });
    }
  }
  return out;
}

/** `before` and `event` describe the last step (used for transition invariants). */
export function explain(invariant: string, d: State, ctx: Ctx, before?: State, event?: Event): string[] {
  const L = ctx.L;
  const lines: string[] = [];
  if (invariant === 'acked-never-retried') {
    for (let k = 0; k < d[G.NCK]; k++) {
      const c = L.ck(k);
      const bad = d[c + C.RETRIED] & d[c + C.ACKED_IN_TIME];
      const so = d[c + C.START];
      const ckKey = keyText(ctx, d, k, reviveCkBroker(ctx, d[c + C.BROKER]));
      for (const off of offsetsOf(so, bad)) {
        const i = off - so;
        const entries = ackEntriesFor(d, ctx, k, i);
        const how = entries
          .map((x) => `${x.kind === KIND.BACK ? 'a BatchAckMsg' : 'an AckMsg'} with brokerName=${brokerName(x.bn)} (${x.where}, revive key ${keyText(ctx, d, k, reviveAckBroker(ctx, x.bn))})`)
          .join('; ');
        lines.push(
          `offset ${off}: the client's ack was accepted before T=${fmtTime(d[c + C.POP_TIME] + d[c + C.INVISIBLE])}, ` +
            (entries.length > 0 ? `and reached the revive topic as ${how}; ` : 'but no ACK for it reached the revive topic; ') +
            `the CK's revive key is ${ckKey}, so the revive found no match and wrote offset ${off} to ${RETRY_TOPIC}: a duplicate delivery of an acked message.`,
        );
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
    for (let q = 0; q < L.queues; q++) {
      const committed = d[L.q(q) + Q.CONSUMER_OFFSET];
      for (let k = 0; k < d[G.NCK]; k++) {
        const c = L.ck(k);
        if (d[c + C.QUEUE] !== q) continue;
        const lost = ~(d[c + C.ACKED] | d[c + C.RETRIED]);
        for (const off of offsetsOf(d[c + C.START], lost, d[c + C.NUM])) {
          if (off < committed) {
            lines.push(`offset ${off} of queue ${q} was popped, never acked and never written to ${RETRY_TOPIC}, and the consumer offset (${committed}) has moved past it.`);
          }
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
