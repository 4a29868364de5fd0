/**
 * The zod schemas of the model's observations (model/observations.ts): what the JSON report's
 * schema (cli/report-schema.ts) and the tests check observations against. Apart from
 * observations.ts so that the model and the explorer do not load zod.
 */
import { z } from 'zod';
import type { ObservationKind } from './observations.js';

const int = z.number().int();
/** A brokerName as written in a CK, an AckMsg or a receipt handle; null: not set. */
const BrokerNameSchema = z.string().nullable();

/**
 * A PopCheckPoint. `startOffset` is TIMESTAMP_OFFSET (model/layout.ts) for a CK re-put with
 * the in-flight map's timestamp as its startOffset (hazard I-6).
 */
export const CkRefSchema = z.object({
  queueId: int,
  startOffset: int,
  num: int,
  popTime: int,
  invisibleTime: int,
  /** popTime + invisibleTime (T). */
  reviveTime: int,
  brokerName: BrokerNameSchema,
});

/** An AckMsg (one offset). */
export const AckMsgSchema = z.object({
  ackOffset: int,
  startOffset: int,
  queueId: int,
  popTime: int,
  brokerName: BrokerNameSchema,
});

/** A BatchAckMsg (several offsets of one CK). */
export const BatchAckMsgSchema = z.object({
  ackOffsetList: z.array(int),
  startOffset: int,
  queueId: int,
  popTime: int,
  brokerName: BrokerNameSchema,
});

/** One revive-topic entry: a CK message, one or more AckMsgs (merged by the model), or one BatchAckMsg. */
export const ReviveMsgSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ck'), ck: CkRefSchema, brokerName: BrokerNameSchema }),
  z.object({ type: z.literal('ack'), acks: z.array(AckMsgSchema) }),
  z.object({ type: z.literal('batchAck'), ack: BatchAckMsgSchema }),
]);
export const AckEntrySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ack'), acks: z.array(AckMsgSchema) }),
  z.object({ type: z.literal('batchAck'), ack: BatchAckMsgSchema }),
]);

/** Why addAk refuses an ack (the ack then goes to the store). */
export const AddAkRefusalSchema = z.enum(['bufferMergeDisabled', 'notServing', 'noCk', 'justOffset', 'almostTimeout', 'stayTooLong']);

/** A write to the revive topic: its deliverTimeMs and, when not in the future (no timer), the revive queue offset it landed at. */
const write = {
  deliverTimeMs: int,
  direct: z.boolean(),
  /** The revive queue offset of a direct write; null when it went to the timer. */
  queueOffset: int.nullable(),
};
/** Bit indices of PopCheckPointWrapper.bits (or the revive's bitMap). */
const bits = z.array(int);

export const ObservationSchema = z.discriminatedUnion('kind', [
  // the clock and the business queue
  z.object({ kind: z.literal('tick'), to: int }),
  z.object({ kind: z.literal('produce'), queueId: int, offset: int, storeTimestamp: int }),
  /** minOffsetLags: only the commit log is cleaned; the consume queue's min offset is corrected later (--cq-lag). */
  z.object({ kind: z.literal('expire'), queueId: int, offset: int, minOffsetLags: z.literal(true).optional() }),
  z.object({ kind: z.literal('correctMinOffset'), queueId: int, from: int, to: int }),
  // PopMessageProcessor
  z.object({ kind: z.literal('offsetTooSmall'), queueId: int, offset: int, minOffset: int }),
  /** 5.0.0-alpha: getMessage answered null; consumer offset `from` -> 0 committed directly ("Pop initial offset ... ->null"). */
  z.object({ kind: z.literal('popInitialOffsetNull'), queueId: int, offset: int, from: int }),
  /** MESSAGE_WAS_REMOVING: addCkMock puts an offset-only wrapper (num 0) in the offset FIFO. */
  z.object({ kind: z.literal('addCkMock'), queueId: int, startOffset: int, nextBeginOffset: int, deletedUpTo: int, ck: CkRefSchema }),
  z.object({ kind: z.literal('pop'), ck: CkRefSchema, at: int }),
  // PopBufferMergeService: registration
  z.object({ kind: z.literal('addCk'), ck: CkRefSchema }),
  z.object({ kind: z.literal('addCkJustOffset'), ck: CkRefSchema, why: z.enum(['bufferMergeDisabled', 'notServing', 'almostTimeout']), deliverTimeMs: int }),
  z.object({ kind: z.literal('mergeKeyConflict'), ck: CkRefSchema, conflictsWith: CkRefSchema }),
  z.object({ kind: z.literal('bufferPutReplaces'), ck: CkRefSchema, replaced: CkRefSchema, replacedStored: z.boolean() }),
  // AckMessageProcessor / ChangeInvisibleTimeProcessor
  z.object({ kind: z.literal('offsetIllegal'), request: z.enum(['ack', 'changeInvisibleTime']), offset: int, at: int, queueId: int, minOffset: int }),
  /**
   * An ack or changeInvisibleTime sent with a receipt handle that a changeInvisibleTime already
   * replaced: `handle` is the CK the handle names, `newest` the newest CK changeInvisibleTime
   * derived from it for this offset. The broker keeps no record of which handle is current and
   * goes on with the CK the handle names.
   */
  z.object({
    kind: z.literal('supersededHandle'),
    request: z.enum(['ack', 'changeInvisibleTime']),
    offset: int,
    at: int,
    handle: CkRefSchema,
    newest: CkRefSchema,
  }),
  z.object({ kind: z.literal('addAkChecked'), ack: AckMsgSchema, at: int }),
  z.object({ kind: z.literal('addAk'), via: z.enum(['ack', 'ackOrigin']), ack: AckMsgSchema, ck: CkRefSchema, at: int, bits }),
  z.object({ kind: z.literal('markBit'), ck: CkRefSchema, offset: int, bits, inBuffer: z.boolean() }),
  z.object({
    kind: z.literal('ackToStore'),
    via: z.enum(['ack', 'ackOrigin']),
    at: int,
    refusal: AddAkRefusalSchema,
    ack: AckMsgSchema,
    /** false: the put failed ("put ack msg error"); the client is told SUCCESS anyway. */
    ok: z.boolean(),
    ...write,
  }),
  z.object({ kind: z.literal('changeInvisible'), offset: int, at: int, ck: CkRefSchema, deliverTimeMs: int }),
  // PopBufferMergeService: scan
  /** callbackLater: appendCkAsync with a store that completes late; ckStored waits for the putCallback. */
  z.object({ kind: z.literal('putCkToStore'), ck: CkRefSchema, ...write, callbackLater: z.literal(true).optional() }),
  z.object({ kind: z.literal('putAckToStore'), ck: CkRefSchema, acks: z.array(AckMsgSchema), brokerNameOmitted: z.boolean(), ...write }),
  z.object({ kind: z.literal('putBatchAckToStore'), ck: CkRefSchema, ack: BatchAckMsgSchema, brokerNameOmitted: z.boolean(), ...write }),
  /**
   * The callback of a late asynchronous put (appendCkAsync / appendAckAsync): `marked` are the
   * indices set in toStoreBits; listCleared: a BatchAckMsg callback read the scan's shared
   * batchAckIndexList after the scan had cleared it (#10256).
   */
  z.object({ kind: z.literal('putCallback'), put: z.enum(['ck', 'ack', 'batchAck']), ck: CkRefSchema, marked: z.array(int), listCleared: z.boolean() }),
  z.object({ kind: z.literal('scanStop') }),
  z.object({ kind: z.literal('servingAgain') }),
  z.object({ kind: z.literal('ckDone'), ck: CkRefSchema, stored: z.boolean(), bits }),
  z.object({
    kind: z.literal('scanFlush'),
    ck: CkRefSchema,
    at: int,
    reason: z.enum(['notServing', 'almostTimeout', 'stayTooLong']),
    /** popCkStayBufferTimeOut (almostTimeout) or popCkStayBufferTime (stayTooLong); null when not serving. */
    limitMs: int.nullable(),
    bits,
  }),
  z.object({ kind: z.literal('ckFinish'), ck: CkRefSchema }),
  z.object({ kind: z.literal('commitOffset'), queueId: int, from: int, to: int, ck: CkRefSchema, ckStored: z.boolean() }),
  z.object({ kind: z.literal('scanGarbage'), queueId: int }),
  // TimerMessageStore / ScheduleMessageService
  z.object({ kind: z.literal('timerDeliver'), entry: ReviveMsgSchema, slot: int, at: int, deliverTimeMs: int, reviveQueueOffset: int, delayLevel: z.boolean() }),
  // PopReviveService: consumeReviveMessage
  z.object({ kind: z.literal('reviveStart'), at: int, oldOffset: int, tailOffset: int }),
  z.object({ kind: z.literal('findCk'), offset: int, ck: CkRefSchema, brokerName: BrokerNameSchema }),
  z.object({ kind: z.literal('findAck'), offset: int, entry: AckEntrySchema, ck: CkRefSchema, bitMap: bits }),
  z.object({ kind: z.literal('mockCkForAck'), offset: int, entry: AckEntrySchema, waitMs: int }),
  z.object({
    kind: z.literal('ackDropped'),
    offset: int,
    entry: AckEntrySchema,
    /** The brokerName part of the revive key the ACK was looked up under; undefined when the key has none. */
    keyBrokerName: BrokerNameSchema.optional(),
  }),
  z.object({ kind: z.literal('mockReplacesCk'), offset: int, ck: CkRefSchema }),
  // PopReviveService: mergeAndRevive, reviveMsgFromCk, rePutCK
  z.object({ kind: z.literal('ckNotDue'), offset: int, endTime: int, reviveTime: int }),
  z.object({ kind: z.literal('backPressure') }),
  z.object({ kind: z.literal('mockCk'), offset: int }),
  z.object({ kind: z.literal('reviveAbort') }),
  z.object({ kind: z.literal('reviveFinish'), oldOffset: int, newOffset: int }),
  z.object({ kind: z.literal('reviveDispatch'), ck: CkRefSchema, offsets: z.array(int) }),
  z.object({ kind: z.literal('ckAllAcked'), ck: CkRefSchema }),
  z.object({ kind: z.literal('bizMsgNotFound'), ck: CkRefSchema, offset: int, why: z.enum(['noBrokerName', 'deleted', 'endlessRePut']) }),
  z.object({ kind: z.literal('skipCkFromLastEpoch'), ck: CkRefSchema, offset: int, storeTimestamp: int }),
  z.object({ kind: z.literal('retryMsg'), ck: CkRefSchema, offset: int, readOffset: int, topic: z.string() }),
  z.object({ kind: z.literal('rePutCk'), ck: CkRefSchema, offset: int, newCk: CkRefSchema, rePutTimes: int, why: z.enum(['retryFailed', 'stayTooLong', 'readFailed', 'offsetOverflow']) }),
  z.object({ kind: z.literal('bizReadFailed'), ck: CkRefSchema, offset: int, rePut: z.boolean() }),
  z.object({ kind: z.literal('inflightStayTooLong'), ck: CkRefSchema }),
  z.object({ kind: z.literal('reviveCompleteCommit'), ck: CkRefSchema, from: int, to: int }),
  // broker-wide
  z.object({ kind: z.literal('persist'), reviveOffset: int }),
  z.object({ kind: z.literal('crash'), lostCks: int, reviveOffset: int, droppedInflight: int }),
  z.object({ kind: z.literal('changeToSlave'), lostCks: int }),
  z.object({ kind: z.literal('changeToMaster'), reviveOffset: int, nextReadOffset: int }),
  /** DefaultMessageStore.getMessage starts (readable false) or stops answering null. */
  z.object({ kind: z.literal('storeReadable'), readable: z.boolean() }),
]);

/** Every kind, in the schema's order. */
export const OBSERVATION_KINDS = ObservationSchema.options.map((o) => o.shape.kind.value) as readonly ObservationKind[];
