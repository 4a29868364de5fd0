/**
 * What a model step prints in pop.log: the one correspondence between the model's typed
 * observations (model/observations.ts) and RocketMQ's pop.log line kinds (traces/poplog-formats.ts).
 *
 * Both directions use it. The validator (traces/validate.ts) matches a parsed line against the
 * lines a candidate step would print (`expectLines` + `lineMatches`); the renderer
 * (traces/poplog-render.ts) prints them (`expectLines` + a template). So a pop.log written by
 * `simulate` or `check --trace-out --format poplog` and the validator that reads it cannot
 * disagree about which observation prints which line.
 *
 * The model runs one CK's world: one topic, one group, one queue (model queue 0), the local
 * broker `broker-a`. `CkWorld` maps it to the log's names and times: model time t is epoch
 * millisecond `origin + t`; queue offsets are the log's own (the model queue starts at the CK's
 * startOffset). Revive-queue offsets are not compared: the model's revive queue holds only this
 * CK's entries, the broker's holds every CK's.
 *
 * Sources at 5.3.1 (PBMS = broker/.../processor/PopBufferMergeService.java, PRS =
 * PopReviveService.java, AMP = AckMessageProcessor.java): addCk logs "add ck" (PBMS L514) or,
 * refused for time, "add ck, timeout" (L487) before the pop stores the CK and logs "add ck just
 * offset" (L448) after putCkToStore (L439, whose callback logs "put ck to store ok", L620); a
 * refused addAk logs "add ack fail" for no wrapper, almost timeout and stay too long (L530, L544,
 * L551) and nothing when the buffer merge is off, the service is not serving or the wrapper is
 * just-offset (L520-536); the revive logs "find ack" for every ACK it reads, before it looks the
 * key up (PRS L369), so a dropped ACK and an ACK that mocks a CK print it too.
 */
import type { AckMsgRef, BatchAckMsgRef, CkRef, Observation, ReviveMsg } from '../model/observations.js';
import type { PopLogKind, PopLogRecord } from './poplog.js';

/** The log's names for one CK's model world. */
export interface CkWorld {
  readonly topic: string;
  readonly group: string;
  /** RocketMQ queueId of model queue 0. */
  readonly queueId: number;
  /** The name the log gives the local broker (model `broker-a`). */
  readonly brokerName: string;
  /** The name the log gives another broker (model `broker-b`). */
  readonly otherBroker: string;
  /** Epoch ms of model time 0. */
  readonly origin: number;
  /** Log queue offset minus model queue offset (the model queue starts at CK_BASE_OFFSET). */
  readonly offsetShift: number;
  /** Model time of the pop (popTime - origin); 0 when absent. */
  readonly popAt?: number;
  /** The validator's: whether the log has a "put ack msg error" line within a second of epoch ms t. */
  readonly putErrorNear?: (t: number) => boolean;
}

/** A PopCheckPoint in the log's terms. */
export interface LogCk {
  readonly topic: string;
  readonly cid: string;
  readonly queueId: number;
  readonly startOffset: number;
  readonly num: number;
  readonly popTime: number;
  readonly invisibleTime: number;
  readonly reviveTime: number;
  readonly brokerName: string | null;
}

/** An AckMsg or BatchAckMsg in the log's terms. */
export interface LogAck {
  readonly type: 'ack' | 'batchAck';
  readonly offsets: readonly number[];
  readonly startOffset: number;
  readonly topic: string;
  readonly consumerGroup: string;
  readonly queueId: number;
  readonly popTime: number;
  readonly brokerName: string | null;
}

/** A line a step prints, with the fields that identify it (the renderer fills in the rest). */
export type LineExpect =
  | { readonly kind: 'addCk' | 'addCkJustOffset' | 'addCkTimeout' | 'putCkToStoreOk' | 'ckDone' | 'ckFinish' | 'mergeKeyConflict'; readonly ck: LogCk }
  /** addCkMock's offset-only wrapper (num 0): no CK is written, so the validator routes it to none. */
  | { readonly kind: 'addCkMocked'; readonly ck: LogCk }
  | { readonly kind: 'addAck'; readonly ck: LogCk; readonly ack: LogAck }
  | { readonly kind: 'addAckFail'; readonly reason: 'noCk' | 'almostTimeout' | 'stayTooLong'; readonly ack: LogAck }
  | { readonly kind: 'putAckToStoreOk' | 'putBatchAckToStoreOk'; readonly ck: LogCk; readonly ack: LogAck }
  | { readonly kind: 'putAckMsgError' }
  | { readonly kind: 'commitOffset'; readonly ck: LogCk; readonly nextBeginOffset: number }
  | { readonly kind: 'findCk'; readonly ck: LogCk }
  | { readonly kind: 'findAck' | 'findBatchAck'; readonly ack: LogAck }
  | { readonly kind: 'retryMsg'; readonly ck: LogCk; readonly offset: number }
  | { readonly kind: 'reviveBizMsgMissing'; readonly ck: LogCk; readonly offset: number }
  | { readonly kind: 'changeInvisibleCk'; readonly ck: LogCk };

/** Line kinds that concern one CK: the validator routes them to that CK's model. */
export const CK_LINE_KIND_LIST = [
  'addCk',
  'addCkJustOffset',
  'addCkTimeout',
  'mergeKeyConflict',
  'addAck',
  'addAckFail',
  'putCkToStoreOk',
  'putAckToStoreOk',
  'putBatchAckToStoreOk',
  'ckDone',
  'ckFinish',
  'commitOffset',
  'findCk',
  'findAck',
  'findBatchAck',
  'retryMsg',
  'reviveBizMsgMissing',
  'changeInvisibleCk',
] as const satisfies readonly PopLogKind[];
/** A line kind that concerns one CK. */
export type CkLineKind = (typeof CK_LINE_KIND_LIST)[number];
export const CK_LINE_KINDS: ReadonlySet<PopLogKind> = new Set<PopLogKind>(CK_LINE_KIND_LIST);

function brokerOut(w: CkWorld, b: string | null): string | null {
  return b === null ? null : b === 'broker-a' ? w.brokerName : w.otherBroker;
}

export function logCk(w: CkWorld, ck: CkRef): LogCk {
  return {
    topic: w.topic,
    cid: w.group,
    queueId: w.queueId,
    startOffset: ck.startOffset + w.offsetShift,
    num: ck.num,
    popTime: w.origin + ck.popTime,
    invisibleTime: ck.invisibleTime,
    reviveTime: w.origin + ck.reviveTime,
    brokerName: brokerOut(w, ck.brokerName),
  };
}

function logAck(w: CkWorld, a: AckMsgRef): LogAck {
  return { type: 'ack', offsets: [a.ackOffset + w.offsetShift], startOffset: a.startOffset + w.offsetShift, topic: w.topic, consumerGroup: w.group, queueId: w.queueId, popTime: w.origin + a.popTime, brokerName: brokerOut(w, a.brokerName) };
}

function logBatchAck(w: CkWorld, a: BatchAckMsgRef): LogAck {
  return { type: 'batchAck', offsets: a.ackOffsetList.map((o) => o + w.offsetShift), startOffset: a.startOffset + w.offsetShift, topic: w.topic, consumerGroup: w.group, queueId: w.queueId, popTime: w.origin + a.popTime, brokerName: brokerOut(w, a.brokerName) };
}

/** The find-ack lines of a revive-topic ACK entry: one per AckMsg (the model merges them), one per BatchAckMsg. */
function findAcks(w: CkWorld, entry: Exclude<ReviveMsg, { type: 'ck' }>): LineExpect[] {
  if (entry.type === 'batchAck') return [{ kind: 'findBatchAck', ack: logBatchAck(w, entry.ack) }];
  return entry.acks.map((a) => ({ kind: 'findAck' as const, ack: logAck(w, a) }));
}

/** The pop.log lines (5.3.x, enablePopLog=true) an observation prints, in the order RocketMQ prints them. */
export function expectLines(o: Observation, w: CkWorld): LineExpect[] {
  switch (o.kind) {
    case 'addCk':
      return [{ kind: 'addCk', ck: logCk(w, o.ck) }];
    case 'addCkJustOffset': {
      // addCkJustOffset stores the CK (putCkToStore, whose callback logs "put ck to store ok",
      // PBMS L439/L620 at 5.3.1) and then logs "add ck just offset" (L448).
      const ck = logCk(w, o.ck);
      const stored: LineExpect[] = [{ kind: 'addCkJustOffset', ck }, { kind: 'putCkToStoreOk', ck }];
      return o.why === 'almostTimeout' ? [{ kind: 'addCkTimeout', ck }, ...stored] : stored;
    }
    case 'mergeKeyConflict':
      return [{ kind: 'mergeKeyConflict', ck: logCk(w, o.ck) }];
    case 'addCkMock':
      // PBMS.addCkMock logs "add ck just offset, mocked" (enablePopLog; L463-465 at 5.3.2).
      return [{ kind: 'addCkMocked', ck: logCk(w, o.ck) }];
    case 'addAk':
      return [{ kind: 'addAck', ck: logCk(w, o.ck), ack: logAck(w, o.ack) }];
    case 'ackToStore': {
      const out: LineExpect[] = [];
      if (o.refusal === 'noCk' || o.refusal === 'almostTimeout' || o.refusal === 'stayTooLong') {
        out.push({ kind: 'addAckFail', reason: o.refusal, ack: logAck(w, o.ack) });
      }
      if (!o.ok) out.push({ kind: 'putAckMsgError' });
      return out;
    }
    case 'changeInvisible':
      return [{ kind: 'changeInvisibleCk', ck: logCk(w, o.ck) }];
    case 'putCkToStore':
      return [{ kind: 'putCkToStoreOk', ck: logCk(w, o.ck) }];
    case 'putAckToStore':
      return o.acks.map((a) => ({ kind: 'putAckToStoreOk' as const, ck: logCk(w, o.ck), ack: logAck(w, a) }));
    case 'putBatchAckToStore':
      return [{ kind: 'putBatchAckToStoreOk', ck: logCk(w, o.ck), ack: logBatchAck(w, o.ack) }];
    case 'ckDone':
      return [{ kind: 'ckDone', ck: logCk(w, o.ck) }];
    case 'ckFinish':
      return [{ kind: 'ckFinish', ck: logCk(w, o.ck) }];
    case 'commitOffset':
      return [{ kind: 'commitOffset', ck: logCk(w, o.ck), nextBeginOffset: o.to + w.offsetShift }];
    case 'findCk':
      return [{ kind: 'findCk', ck: logCk(w, o.ck) }];
    case 'findAck':
    case 'mockCkForAck':
    case 'ackDropped':
      return findAcks(w, o.entry);
    case 'retryMsg':
      return [{ kind: 'retryMsg', ck: logCk(w, o.ck), offset: o.offset + w.offsetShift }];
    case 'bizMsgNotFound':
      return [{ kind: 'reviveBizMsgMissing', ck: logCk(w, o.ck), offset: o.offset + w.offsetShift }];
    default:
      return [];
  }
}

// ---------------------------------------------------------------------------------------------
// Matching a parsed line against an expected one

type CkFields = { topic: string; cid: string; queueId: number; startOffset: number; num: number; reviveTime: number; brokerName: string | null };

function sameCk(e: LogCk, r: CkFields): string | null {
  if (r.topic !== e.topic || r.cid !== e.cid || r.queueId !== e.queueId || r.startOffset !== e.startOffset) return 'another CK';
  if (r.num !== e.num) return `num ${r.num}, the model's CK has ${e.num}`;
  if (r.reviveTime !== e.reviveTime) return `reviveTime ${r.reviveTime}, the model's CK has ${e.reviveTime}`;
  if (r.brokerName !== e.brokerName) return `brokerName ${r.brokerName ?? 'null'}, the model's CK has ${e.brokerName ?? 'null'}`;
  return null;
}

type AckFields = { type?: 'ack' | 'batchAck'; ackOffset?: number; ackOffsetList?: readonly number[]; startOffset: number; consumerGroup: string; topic: string; queueId: number; popTime: number; brokerName: string | null };

function sameAck(e: LogAck, r: AckFields): string | null {
  if (r.topic !== e.topic || r.consumerGroup !== e.consumerGroup || r.queueId !== e.queueId || r.startOffset !== e.startOffset) return 'an ack of another CK';
  if (r.popTime !== e.popTime) return `popTime ${r.popTime}, the model's ack has ${e.popTime}`;
  const offsets = r.ackOffsetList ?? (r.ackOffset !== undefined ? [r.ackOffset] : []);
  if (offsets.length !== e.offsets.length || offsets.some((x, i) => x !== e.offsets[i])) return `offsets [${offsets.join(', ')}], the model's ack has [${e.offsets.join(', ')}]`;
  if ((r.brokerName ?? null) !== e.brokerName) return `brokerName ${r.brokerName ?? 'null'}, the model's ack has ${e.brokerName ?? 'null'}`;
  return null;
}

/** Null when the record is the line `e` expects; otherwise what differs. */
export function lineMismatch(e: LineExpect, r: PopLogRecord): string | null {
  if (e.kind !== r.kind) return `a '${e.kind}' line was expected`;
  switch (e.kind) {
    case 'addCk':
    case 'addCkJustOffset':
    case 'putCkToStoreOk':
    case 'ckDone':
    case 'ckFinish':
    case 'mergeKeyConflict':
    case 'addCkMocked':
      return sameCk(e.ck, (r as Extract<PopLogRecord, { kind: typeof e.kind }>).ckWrap.ck);
    case 'addCkTimeout':
      return sameCk(e.ck, (r as Extract<PopLogRecord, { kind: 'addCkTimeout' }>).ck);
    case 'addAck':
    case 'putAckToStoreOk':
    case 'putBatchAckToStoreOk': {
      const rr = r as Extract<PopLogRecord, { kind: 'addAck' | 'putAckToStoreOk' | 'putBatchAckToStoreOk' }>;
      return sameCk(e.ck, rr.ckWrap.ck) ?? sameAck(e.ack, rr.ack);
    }
    case 'addAckFail': {
      const rr = r as Extract<PopLogRecord, { kind: 'addAckFail' }>;
      if (rr.reason !== e.reason) return `reason '${rr.reason}', the model's addAk refusal is '${e.reason}'`;
      return sameAck(e.ack, rr.ack);
    }
    case 'putAckMsgError':
      return null;
    case 'commitOffset': {
      const rr = r as Extract<PopLogRecord, { kind: 'commitOffset' }>;
      const ck = sameCk(e.ck, rr.ckWrap.ck);
      if (ck !== null) return ck;
      return rr.ckWrap.nbo === e.nextBeginOffset ? null : `nextBeginOffset ${rr.ckWrap.nbo}, the model commits ${e.nextBeginOffset}`;
    }
    case 'findCk': {
      const rr = r as Extract<PopLogRecord, { kind: 'findCk' }>;
      const ck = sameCk(e.ck, rr.ck);
      if (ck !== null) return ck;
      return rr.ck.popTime === e.ck.popTime ? null : `popTime ${rr.ck.popTime}, the model's CK has ${e.ck.popTime}`;
    }
    case 'findAck':
    case 'findBatchAck':
      return sameAck(e.ack, (r as Extract<PopLogRecord, { kind: 'findAck' | 'findBatchAck' }>).ack);
    case 'retryMsg': {
      const rr = r as Extract<PopLogRecord, { kind: 'retryMsg' }>;
      return sameCk(e.ck, rr.ck) ?? (rr.offset === e.offset ? null : `offset ${rr.offset}, the model retries ${e.offset}`);
    }
    case 'reviveBizMsgMissing': {
      const rr = r as Extract<PopLogRecord, { kind: 'reviveBizMsgMissing' }>;
      return rr.offset === e.offset && rr.topic === e.ck.topic && rr.queueId === e.ck.queueId ? null : `offset ${rr.offset}, the model misses ${e.offset}`;
    }
    case 'changeInvisibleCk': {
      const rr = r as Extract<PopLogRecord, { kind: 'changeInvisibleCk' }>;
      return rr.topic === e.ck.topic && rr.group === e.ck.cid && rr.queueId === e.ck.queueId && rr.startOffset === e.ck.startOffset && rr.reviveTime === e.ck.reviveTime
        ? null
        : 'another changeInvisibleTime CK';
    }
  }
}
