/**
 * Printing pop.log lines: a `LineExpect` (traces/poplog-expect.ts, what a model step prints)
 * as the complete line RocketMQ 5.3.x writes for it, header and message. The inverse of the
 * parser (traces/poplog.ts): `parsePopLogLine(renderLine(e, t, ctx))` is a record of kind
 * `e.kind` whose time interval holds `t` and which `lineMismatch(e, ·)` accepts (a property
 * test checks it for every kind).
 *
 * What a LineExpect does not say comes from the render context: the revive queue, the
 * revive-queue offset an entry sits at, the PopCheckPointWrapper fields (rqo, bits, toStoreBits,
 * nextBeginOffset, ckStored, justOffset), the put result, the thread. Missing values get
 * plausible defaults. The printed values follow the Java toString() methods and fastjson's
 * output (keys sorted, null fields left out) of the 5.3.x sources; docs/poplog.md names them.
 *
 * Pure: no I/O, no clock.
 */
import { FORMAT_SPECS, GATED_KINDS, type LogLevel, type PopLogKind } from './poplog.js';
import { LONG_MAX } from './poplog-formats.js';
import type { LineExpect, LogAck, LogCk } from './poplog-expect.js';

// The releases are declared in poplog-releases.ts, which the CLI's `check` reads without
// loading the formats (and zod); re-exported here for the renderer's users.
export { isPopLogRelease, POPLOG_RELEASES, popLogRefusal, type PopLogRelease } from './poplog-releases.js';
import type { PopLogRelease } from './poplog-releases.js';

/** The PopCheckPointWrapper fields a CkWrap prints besides its CK. */
export interface WrapperFields {
  /** Revive queue offset of the stored CK; -1 not stored; Long.MAX_VALUE while storing (mock CKs). */
  readonly rqo: number | typeof LONG_MAX;
  readonly bits: number;
  readonly sBits: number;
  readonly nbo: number;
  readonly cks: boolean;
  readonly jo: boolean;
}

/** The AppendMessageResult of a successful put. */
export interface PutFields {
  /** Commit log offset of the message. */
  readonly wroteOffset: number;
  readonly wroteBytes: number;
  readonly storeTimestamp: number;
  /** Offset in the queue the message went to (the timer topic, the revive queue, the retry topic). */
  readonly logicsOffset: number;
}

export interface RenderCtx {
  readonly release: PopLogRelease;
  /** The revive queue of the CK (CkWrap.rq, rqId, reviveQueueId, the revive thread). */
  readonly reviveQueueId: number;
  /** The thread name; default: one per kind (threadFor). */
  readonly thread?: string;
  readonly wrapper?: Partial<WrapperFields>;
  readonly put?: Partial<PutFields>;
  /** findCk / findAck / findBatchAck: the revive-queue offset of the entry read. */
  readonly reviveOffset?: number;
  /** retryMsg: the CK as the revive holds it (bitMap of the acks it found, the offset it read the CK at). */
  readonly reviveCk?: { readonly bitMap: number; readonly reviveOffset: number };
  /** commitOffset: the consumer offset before the commit (default: the CK's startOffset). */
  readonly previousOffset?: number;
  /** addAckFail almostTimeout / stayTooLong: the buffered CK the ack was refused by. */
  readonly ck?: LogCk;
  /** mergeKeyConflict: the path that found it (default addCk). */
  readonly mergeKeyOn?: 'addCk' | 'addCkJustOffset';
}

const LEVEL: ReadonlyMap<PopLogKind, LogLevel> = new Map(FORMAT_SPECS.map((s) => [s.kind, s.level]));

/** The level RocketMQ logs a kind at. */
export function levelOf(kind: PopLogKind): LogLevel {
  return LEVEL.get(kind) ?? 'INFO';
}

/** A plausible thread for a kind: the processor's pool thread, the buffer service, or the revive service of the queue. */
export function threadFor(kind: LineExpect['kind'], reviveQueueId: number, n = 1): string {
  switch (kind) {
    case 'addCk':
    case 'addCkJustOffset':
    case 'addCkTimeout':
    case 'mergeKeyConflict':
    case 'addCkMocked':
      return `PullMessageThread_${n}`;
    case 'addAck':
    case 'addAckFail':
    case 'putAckMsgError':
    case 'changeInvisibleCk':
      return `AckMessageThread_${n}`;
    case 'putCkToStoreOk':
    case 'putAckToStoreOk':
    case 'putBatchAckToStoreOk':
    case 'ckDone':
    case 'ckFinish':
    case 'commitOffset':
      return 'PopBufferMergeService';
    case 'findCk':
    case 'findAck':
    case 'findBatchAck':
    case 'retryMsg':
    case 'reviveBizMsgMissing':
      return `PopReviveService_${reviveQueueId}`;
  }
}

/**
 * Whether release `r` prints a line of this kind: gated kinds only with enablePopLog=true
 * (FORMAT_SPECS), and 5.3.0 logs a missing biz message at DEBUG, below the pop logger's INFO.
 */
export function printedIn(kind: LineExpect['kind'], r: PopLogRelease, enablePopLog = true): boolean {
  if (!enablePopLog && GATED_KINDS.has(kind)) return false;
  return !(kind === 'reviveBizMsgMissing' && r === '5.3.0');
}

// ---------------------------------------------------------------------------------------------
// Time

const GMT8_MS = 8 * 3600 * 1000;
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** `yyyy-MM-dd HH:mm:ss` in GMT+8, as pop.log's header prints epoch millisecond `ms`. */
export function formatPopLogTime(ms: number): string {
  const d = new Date(Math.floor(ms / 1000) * 1000 + GMT8_MS);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

// ---------------------------------------------------------------------------------------------
// Java toString() and fastjson values

/** PopCheckPoint.queueOffsetDiff of a CK of consecutive offsets. */
function diffOf(num: number): number[] {
  return Array.from({ length: num }, (_, i) => i);
}

/** Java's List.toString(): `[a, b]`. */
const javaList = (xs: readonly number[]): string => `[${xs.join(', ')}]`;

/** `PopCheckPoint [...]`; 5.3.0 has no rePutTimes field. */
export function popCheckPointText(ck: LogCk, r: PopLogRelease, bitMap = 0, reviveOffset = 0): string {
  const rp = r === '5.3.0' ? '' : ', rePutTimes=null';
  return (
    `PopCheckPoint [topic=${ck.topic}, cid=${ck.cid}, queueId=${ck.queueId}, startOffset=${ck.startOffset}, bitMap=${bitMap}, ` +
    `num=${ck.num}, reviveTime=${ck.reviveTime}, reviveOffset=${reviveOffset}, diff=${ck.num === 0 ? 'null' : javaList(diffOf(ck.num))}, brokerName=${ck.brokerName ?? 'null'}${rp}]`
  );
}

/** The wrapper fields of a CK with nothing yet known about it: just added to the buffer. */
export function defaultWrapper(ck: LogCk): WrapperFields {
  return { rqo: -1, bits: 0, sBits: 0, nbo: ck.startOffset + ck.num, cks: false, jo: false };
}

/** `CkWrap{rq=.., rqo=.., ck=PopCheckPoint [..], bits=.., sBits=.., nbo=.., cks=.., jo=..}`. */
export function ckWrapText(ck: LogCk, ctx: RenderCtx, nbo?: number): string {
  const w = { ...defaultWrapper(ck), ...(ctx.wrapper ?? {}), ...(nbo === undefined ? {} : { nbo }) };
  const rqo = w.rqo === LONG_MAX ? '9223372036854775807' : String(w.rqo);
  return `CkWrap{rq=${ctx.reviveQueueId}, rqo=${rqo}, ck=${popCheckPointText(ck, ctx.release)}, bits=${w.bits}, sBits=${w.sBits}, nbo=${w.nbo}, cks=${w.cks}, jo=${w.jo}}`;
}

/** `AckMsg{..}` or `BatchAckMsg{..}`. */
export function ackText(a: LogAck): string {
  const head = a.type === 'ack' ? `AckMsg{ackOffset=${a.offsets[0]}` : `BatchAckMsg{ackOffsetList=${javaList(a.offsets)}`;
  return (
    `${head}, startOffset=${a.startOffset}, consumerGroup='${a.consumerGroup}', topic='${a.topic}', queueId=${a.queueId}, ` +
    `popTime=${a.popTime}, brokerName=${a.brokerName ?? 'null'}}`
  );
}

/** 32 hex digits: the store host (10.0.0.1:10911) and the commit log offset, as MessageDecoder.createMessageId lays them out. */
function msgId(wroteOffset: number): string {
  return `0A00000100002A9F${wroteOffset.toString(16).toUpperCase().padStart(16, '0')}`;
}

/** `PutMessageResult [putMessageStatus=PUT_OK, appendMessageResult=AppendMessageResult{..}, remotePut=false]`. */
export function putResultText(p: Partial<PutFields>, atMs: number, bytes: number): string {
  const wroteOffset = p.wroteOffset ?? 0;
  return (
    `PutMessageResult [putMessageStatus=PUT_OK, appendMessageResult=AppendMessageResult{status=PUT_OK, wroteOffset=${wroteOffset}, ` +
    `wroteBytes=${p.wroteBytes ?? bytes}, msgId='${msgId(wroteOffset)}', storeTimestamp=${p.storeTimestamp ?? atMs}, ` +
    `logicsOffset=${p.logicsOffset ?? 0}, pagecacheRT=0, msgNum=1}, remotePut=false]`
  );
}

/** A put that failed before it reached the commit log. */
const FAILED_PUT = 'PutMessageResult [putMessageStatus=UNKNOWN_ERROR, appendMessageResult=null, remotePut=false]';

/** A JSON object with fastjson's output rules: keys sorted, null and undefined values left out. */
function fastjson(o: Record<string, unknown>): string {
  const keys = Object.keys(o)
    .filter((k) => o[k] !== null && o[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(o[k])}`).join(',')}}`;
}

/** The revive-topic body of a CK message (buildCkMsg): bitMap 0, reviveOffset 0, plus the getter-derived reviveTime. */
export function ckJson(ck: LogCk): string {
  return fastjson({
    bm: 0,
    bn: ck.brokerName,
    c: ck.cid,
    d: diffOf(ck.num),
    it: ck.invisibleTime,
    n: ck.num,
    pt: ck.popTime,
    q: ck.queueId,
    reviveTime: ck.popTime + ck.invisibleTime,
    ro: 0,
    so: ck.startOffset,
    t: ck.topic,
  });
}

/** The revive-topic body of an AckMsg, or of a BatchAckMsg written by the buffer (its ackOffset is left at 0). */
export function ackJson(a: LogAck): string {
  return fastjson({
    ao: a.type === 'ack' ? a.offsets[0] : 0,
    aol: a.type === 'batchAck' ? a.offsets : undefined,
    bn: a.brokerName,
    c: a.consumerGroup,
    pt: a.popTime,
    q: a.queueId,
    so: a.startOffset,
    t: a.topic,
  });
}

/** RocketMQ's merge key: topic + cid + queueId + startOffset + popTime + brokerName, Java string concatenation. */
export function mergeKeyOf(ck: LogCk): string {
  return `${ck.topic}${ck.cid}${ck.queueId}${ck.startOffset}${ck.popTime}${ck.brokerName ?? 'null'}`;
}

// Typical message sizes in the commit log: a CK, an AckMsg, a BatchAckMsg, a retry message.
const BYTES = { ck: 312, ack: 298, batchAck: 330, retry: 402 } as const;

// ---------------------------------------------------------------------------------------------
// Messages

const PB = '[PopBuffer]';

/** The message of the line `e`, exactly as pop.log prints it after ` - ` (trailing spaces included). */
export function renderMessage(e: LineExpect, atMs: number, ctx: RenderCtx): string {
  const rq = ctx.reviveQueueId;
  switch (e.kind) {
    case 'addCk':
      return `${PB}add ck, ${ckWrapText(e.ck, ctx)}`;
    case 'addCkJustOffset':
      return `${PB}add ck just offset, ${ckWrapText(e.ck, ctx)}`;
    case 'addCkMocked':
      return `${PB}add ck just offset, mocked, ${ckWrapText(e.ck, ctx)}`;
    case 'addCkTimeout':
      return `${PB}add ck, timeout, ${popCheckPointText(e.ck, ctx.release)}, ${atMs}`;
    case 'mergeKeyConflict':
      return `${PB}mergeKey conflict when add ${ctx.mergeKeyOn === 'addCkJustOffset' ? 'ckJustOffset' : 'ck'}. ck:${ckWrapText(e.ck, ctx)}, mergeKey:${mergeKeyOf(e.ck)}`;
    case 'addAck':
      return `${PB}add ack, rqId=${rq}, ${ckWrapText(e.ck, ctx)}, ${ackText(e.ack)}`;
    case 'addAckFail': {
      if (e.reason === 'noCk') return `${PB}add ack fail, rqId=${rq}, no ck, ${ackText(e.ack)}`;
      const ck = ctx.ck ?? ckOfAck(e.ack);
      const why = e.reason === 'almostTimeout' ? 'almost timeout for revive' : 'stay too long';
      return `${PB}add ack fail, rqId=${rq}, ${why}, ${ckWrapText(ck, ctx)}, ${ackText(e.ack)}, ${atMs}`;
    }
    case 'putCkToStoreOk':
      return `${PB}put ck to store ok: ${ckWrapText(e.ck, ctx)}, ${putResultText(ctx.put ?? {}, atMs, BYTES.ck)}`;
    case 'putAckToStoreOk':
      return `${PB}put ack to store ok: ${ckWrapText(e.ck, ctx)}, ${ackText(e.ack)}, ${putResultText(ctx.put ?? {}, atMs, BYTES.ack)}`;
    case 'putBatchAckToStoreOk':
      return `${PB}put batch ack to store ok: ${ckWrapText(e.ck, ctx)}, ${ackText(e.ack)}, ${putResultText(ctx.put ?? {}, atMs, BYTES.batchAck)}`;
    case 'putAckMsgError':
      return `put ack msg error:${FAILED_PUT}`;
    case 'ckDone':
      return `${PB}ck done, ${ckWrapText(e.ck, ctx)}`;
    case 'ckFinish':
      return `${PB}ck finish, ${ckWrapText(e.ck, ctx)}`;
    case 'commitOffset':
      return `Commit offset, ${ckWrapText(e.ck, ctx, e.nextBeginOffset)}, ${ctx.previousOffset ?? e.ck.startOffset}`;
    case 'findCk':
      return `reviveQueueId=${rq},find ck, offset:${ctx.reviveOffset ?? 0}, raw : ${ckJson(e.ck)}`;
    case 'findAck':
      return `reviveQueueId=${rq}, find ack, offset:${ctx.reviveOffset ?? 0}, raw : ${ackJson(e.ack)}`;
    case 'findBatchAck':
      return `reviveQueueId=${rq}, find batch ack, offset:${ctx.reviveOffset ?? 0}, raw : ${ackJson(e.ack)}`;
    case 'retryMsg': {
      const held = ctx.reviveCk ?? { bitMap: 0, reviveOffset: 0 };
      const delay = Math.trunc((atMs - e.ck.reviveTime) / 1000);
      return (
        `reviveQueueId=${rq},retry msg, ck=${popCheckPointText(e.ck, ctx.release, held.bitMap, held.reviveOffset)}, ` +
        `msg queueId ${e.ck.queueId}, offset ${e.offset}, reviveDelay=${delay}, result is ${putResultText(ctx.put ?? {}, atMs, BYTES.retry)} `
      );
    }
    case 'reviveBizMsgMissing': {
      // EscapeBridge: a local message that is gone is not retried; without a brokerName the lookup goes remote and finds no broker.
      const local = e.ck.brokerName !== null;
      return (
        `reviveQueueId=${rq}, can not get biz msg, topic:${e.ck.topic}, qid:${e.ck.queueId}, offset:${e.offset}, ` +
        `brokerName:${e.ck.brokerName ?? 'null'}, info:${local ? 'Can not get msg' : 'brokerAddress not found'}, retry:${!local}, then continue`
      );
    }
    case 'changeInvisibleCk': {
      const sep = ctx.release === '5.3.0' || ctx.release === '5.3.1' ? ' ,' : ',';
      return (
        `change Invisible${sep} appendCheckPoint, topic ${e.ck.topic}, queueId ${e.ck.queueId},reviveId ${rq}, cid ${e.ck.cid}, ` +
        `startOffset ${e.ck.startOffset}, rt ${e.ck.reviveTime}, result ${putResultText(ctx.put ?? {}, atMs, BYTES.ck)}`
      );
    }
  }
}

/** A CK for an ack when the buffered CK is not known: its key, the offsets the ack covers, a 60 s invisible time. */
function ckOfAck(a: LogAck): LogCk {
  const last = Math.max(...a.offsets, a.startOffset);
  return {
    topic: a.topic,
    cid: a.consumerGroup,
    queueId: a.queueId,
    startOffset: a.startOffset,
    num: last - a.startOffset + 1,
    popTime: a.popTime,
    invisibleTime: 60_000,
    reviveTime: a.popTime + 60_000,
    brokerName: a.brokerName,
  };
}

/** The complete pop.log line of `e` at epoch millisecond `atMs`: `yyyy-MM-dd HH:mm:ss LEVEL thread - message`. */
export function renderLine(e: LineExpect, atMs: number, ctx: RenderCtx): string {
  return `${formatPopLogTime(atMs)} ${levelOf(e.kind)} ${ctx.thread ?? threadFor(e.kind, ctx.reviveQueueId)} - ${renderMessage(e, atMs, ctx)}`;
}
