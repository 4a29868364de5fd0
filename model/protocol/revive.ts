/**
 * One PopReviveService scan, atomic: consumeReviveMessage (read the revive queue from
 * the last offset, match ACKs to CKs read before them in the same scan), then
 * mergeAndRevive (write every unmatched offset of each due CK to the retry topic, commit
 * the revive offset of the last CK processed).
 */
import { C, CF, E, G, KIND } from '../layout.js';
import { brokerName, fmtBits, fmtEntry, fmtTime } from '../format.js';
import { RETRY_TOPIC } from '../names.js';
import { K, note, type Ctx } from './context.js';
import { reviveCkBroker, reviveKeysMatch } from './keys.js';
import { timerBehind } from './store.js';

interface Point {
  /** CK slot. */
  k: number;
  /** Position of the CK in the revive queue (PopCheckPoint.reviveOffset). */
  pos: number;
  /** The revive's in-memory bitMap. */
  bitmap: number;
}

function sameCkKey(d: Int32Array, ctx: Ctx, a: number, b: number): boolean {
  const ca = ctx.L.ck(a);
  const cb = ctx.L.ck(b);
  return (
    d[ca + C.QUEUE] === d[cb + C.QUEUE] &&
    d[ca + C.START] === d[cb + C.START] &&
    d[ca + C.POP_TIME] === d[cb + C.POP_TIME] &&
    reviveCkBroker(ctx, d[ca + C.BROKER]) === reviveCkBroker(ctx, d[cb + C.BROKER])
  );
}

/** The offset the next scan starts after: max(in-memory reviveOffset, committed offset). */
export function reviveStart(d: Int32Array): number {
  return Math.max(d[G.REVIVE_MEM], d[G.REVIVE_COMMIT]);
}

export function revive(d: Int32Array, ctx: Ctx): void {
  const L = ctx.L;
  const now = d[G.NOW];
  const old = reviveStart(d);
  const points: Point[] = [];
  let endTime = 0;
  note(ctx, 'PopReviveService', 'start revive', `revive scan at ${fmtTime(now)}: old offset is ${old}, reading revive queue ${old + 1}..${d[G.NLOG] - 1}`);
  for (let p = old + 1; p < d[G.NLOG]; p++) {
    const e = L.log(p);
    const kind = d[e + E.KIND];
    const k = d[e + E.CK];
    if (kind === KIND.CK) {
      const existing = points.findIndex((x) => sameCkKey(d, ctx, x.k, k));
      const point = { k, pos: p, bitmap: 0 };
      if (existing >= 0) points[existing] = point;
      else points.push(point);
      note(ctx, 'PopReviveService', 'find ck', `offset ${p}: find ck CK@${d[L.ck(k) + C.START]} (bn=${brokerName(d[e + E.BROKER])})`);
    } else {
      const mask = d[e + E.MASK];
      const msg = fmtEntry(d, L, kind, k, mask, d[e + E.BROKER]);
      const point = points.find((x) => reviveKeysMatch(d, ctx, e, x.k));
      if (!point) {
        note(
          ctx,
          'PopReviveService',
          'ack dropped',
          `offset ${p}: ${msg}: no CK read before it under its key${ctx.s.reviveKeyHasBrokerName ? ` (brokerName part: ${reviveAckName(ctx, d[e + E.BROKER])})` : ''}; ACK dropped`,
        );
      } else {
        const so = d[L.ck(k) + C.START];
        const pc = L.ck(point.k);
        for (let i = 0; i < 32; i++) {
          if ((mask & (1 << i)) === 0) continue;
          const idx = so + i - d[pc + C.START];
          if (idx >= 0 && idx < d[pc + C.NUM]) point.bitmap |= 1 << idx;
        }
        note(ctx, 'PopReviveService', kind === KIND.BACK ? 'find batch ack' : 'find ack', `offset ${p}: ${msg} matches CK@${d[pc + C.START]}, bitMap=${fmtBits(point.bitmap, d[pc + C.NUM])}`);
      }
    }
    endTime = Math.max(endTime, d[e + E.DELIVER]);
  }
  if (endTime !== 0 && now - endTime > K.reviveIdle && !timerBehind(d, ctx)) endTime = now;

  let newOffset = old;
  for (const point of points) {
    const c = L.ck(point.k);
    const T = d[c + C.POP_TIME] + d[c + C.INVISIBLE];
    if (endTime - T <= K.reviveDueMargin) {
      note(ctx, 'PopReviveService', 'ck not due', `CK@${d[c + C.START]} not due yet (endTime ${fmtTime(endTime)} - T ${fmtTime(T)} <= 2s); scan stops here`);
      break;
    }
    const num = d[c + C.NUM];
    const so = d[c + C.START];
    const retried: number[] = [];
    for (let j = 0; j < num; j++) {
      if (point.bitmap & (1 << j)) continue;
      const bit = 1 << j;
      if (d[c + C.RETRIED] & bit) d[c + C.RETRIED_AGAIN] |= bit;
      d[c + C.RETRIED] |= bit;
      retried.push(so + j);
    }
    d[c + C.FLAGS] |= CF.REVIVED;
    note(
      ctx,
      'PopReviveService',
      retried.length > 0 ? 'retry msg' : 'ck revived',
      retried.length > 0
        ? `CK@${so} due: offsets ${retried.join(',')} not acked -> written to ${RETRY_TOPIC}`
        : `CK@${so} due: every offset acked, nothing to retry`,
    );
    newOffset = point.pos;
  }
  if (newOffset > old) d[G.REVIVE_COMMIT] = newOffset;
  d[G.REVIVE_MEM] = newOffset;
  note(ctx, 'PopReviveService', 'revive finish', `revive finish, old offset is ${old}, new offset is ${newOffset}`);
}

function reviveAckName(ctx: Ctx, bn: number): string {
  if (bn === 0 && ctx.s.reviveBlankBrokerNameFallback) return `${brokerName(bn)} -> local broker-a`;
  return brokerName(bn);
}
