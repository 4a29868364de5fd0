/**
 * Recording observations from protocol code, and building their parts from the state.
 * Nothing here runs unless `narrating(ctx)`: the explorer's inner loop allocates nothing.
 */
import * as layoutModule from '../layout.js';
import type { Layout } from '../layout.js';
import { brokerName } from '../format.js';
import type { AckMsgRef, BatchAckMsgRef, CkRef, Observation, ReviveMsg } from '../observations.js';
import { renderObservation } from '../render.js';
import type { Ctx } from './context.js';

// The imported constants as this module's own: V8's optimizing compiler folds a module's
// own constants into the code, and loads an imported binding at every use (docs/explorer.md,
// "Counting instructions").
const { BROKER, C, G, KIND } = layoutModule;

/** Does this step record what it does (observations, or their rendering as notes)? */
export function narrating(ctx: Ctx): boolean {
  return ctx.notes !== null || (ctx.observations !== undefined && ctx.observations !== null);
}

/** Records an observation (and its note, when notes are wanted). Call only when narrating(ctx). */
export function observe(ctx: Ctx, o: Observation): void {
  ctx.observations?.push(o);
  ctx.notes?.push(renderObservation(o));
}

/** A brokerName code as RocketMQ writes it (null: not set). */
export function brokerNameOf(code: number): string | null {
  return code === BROKER.NONE ? null : brokerName(code);
}

export function ckRef(d: Int32Array, L: Layout, k: number): CkRef {
  const c = L.ck(k);
  return {
    queueId: d[c + C.QUEUE],
    startOffset: d[c + C.START],
    num: d[c + C.NUM],
    popTime: d[c + C.POP_TIME],
    invisibleTime: d[c + C.INVISIBLE],
    reviveTime: d[c + C.POP_TIME] + d[c + C.INVISIBLE],
    brokerName: brokerNameOf(d[c + C.BROKER]),
  };
}

/** The AckMsg of offset `offset` of CK slot k, with brokerName code bn. */
export function ackMsgRef(d: Int32Array, L: Layout, k: number, offset: number, bn: number): AckMsgRef {
  const c = L.ck(k);
  return { ackOffset: offset, startOffset: d[c + C.START], queueId: d[c + C.QUEUE], popTime: d[c + C.POP_TIME], brokerName: brokerNameOf(bn) };
}

/** The offsets of the bits of `mask` (bit i: startOffset + i) of CK slot k. */
function maskOffsets(d: Int32Array, L: Layout, k: number, mask: number): number[] {
  const so = d[L.ck(k) + C.START];
  const out: number[] = [];
  for (let i = 0; i < 32; i++) if (mask & (1 << i)) out.push(so + i);
  return out;
}

/** One AckMsg per bit of `mask`. */
export function ackMsgRefs(d: Int32Array, L: Layout, k: number, mask: number, bn: number): AckMsgRef[] {
  return maskOffsets(d, L, k, mask).map((o) => ackMsgRef(d, L, k, o, bn));
}

export function batchAckMsgRef(d: Int32Array, L: Layout, k: number, mask: number, bn: number): BatchAckMsgRef {
  const c = L.ck(k);
  return { ackOffsetList: maskOffsets(d, L, k, mask), startOffset: d[c + C.START], queueId: d[c + C.QUEUE], popTime: d[c + C.POP_TIME], brokerName: brokerNameOf(bn) };
}

/** A revive-topic entry of kind `kind` (KIND.CK / ACK / BACK) for CK slot k. */
export function reviveMsgRef(d: Int32Array, L: Layout, kind: number, k: number, mask: number, bn: number): ReviveMsg {
  if (kind === KIND.CK) return { type: 'ck', ck: ckRef(d, L, k), brokerName: brokerNameOf(bn) };
  if (kind === KIND.BACK) return { type: 'batchAck', ack: batchAckMsgRef(d, L, k, mask, bn) };
  return { type: 'ack', acks: ackMsgRefs(d, L, k, mask, bn) };
}

/** An ACK or bAck entry (never a CK). */
export function ackEntryRef(d: Int32Array, L: Layout, kind: number, k: number, mask: number, bn: number): Exclude<ReviveMsg, { type: 'ck' }> {
  return kind === KIND.BACK ? { type: 'batchAck', ack: batchAckMsgRef(d, L, k, mask, bn) } : { type: 'ack', acks: ackMsgRefs(d, L, k, mask, bn) };
}

/** Bit indices below num of a mask, as PopCheckPointWrapper.toString prints bits. */
export function bitList(mask: number, num: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < num; i++) if (mask & (1 << i)) out.push(i);
  return out;
}

/** The fields of a revive-topic write that just happened (a direct one is the queue's last entry). */
export function writeRef(d: Int32Array, deliverTimeMs: number, direct: boolean): { deliverTimeMs: number; direct: boolean; queueOffset: number | null } {
  return { deliverTimeMs, direct, queueOffset: direct ? d[G.NLOG] - 1 : null };
}
