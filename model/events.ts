/**
 * The model's events: one zod discriminated union; the TypeScript types are inferred
 * from it. Input from outside (traces, the workshop, replays) is parsed with
 * `EventSchema`; the explorer's inner loop uses events the model built itself.
 *
 * Every event except `tick` may carry `at`, the model time (ms) at which it happens; the
 * clock first moves to `at` (it never moves backwards). Without `at` the event happens now.
 */
import { z } from 'zod';
import { MAX_SETTING_MS, MAX_TIME, OFFSET_LIMIT } from './limits.js';
import { intIn } from './limits-schema.js';

/**
 * Numbers are limited to what the model represents exactly (model/limits.ts): a time up to
 * MAX_TIME, an offset up to 2^30 (2^30 itself being the startOffset of a CK re-put with a
 * timestamp), a model queue index 0..3.
 */
const Time = intIn(0, MAX_TIME);
const QueueId = intIn(0, 3);
const Offset = intIn(0, OFFSET_LIMIT);
const At = { at: Time.optional() };
export const BrokerNameSchema = z.enum(['broker-a', 'broker-b']).nullable();

/** A receipt handle (ExtraInfoUtil): queueId, the CK's startOffset and popTime, the message offset. */
const Handle = {
  queueId: QueueId,
  startOffset: Offset,
  popTime: Time,
  offset: Offset,
};

export const PopEventSchema = z
  .object({
    type: z.literal('pop'),
    /** Model queue index popped (PopMessageProcessor.popMsgFromQueue). */
    queueId: QueueId,
    /** maxMsgNums of the request (popBatchNums). */
    maxNums: intIn(1, 32),
    /** When the request sampled popTime, if earlier than the read (defaults to the read time). */
    popTime: Time.optional(),
    ...At,
  })
  .strict();

export const AckEventSchema = z
  .object({
    type: z.literal('ack'),
    ...Handle,
    /** brokerName in the handle; defaults to the CK's. */
    brokerName: BrokerNameSchema.optional(),
    /** The ACK message's store write fails (the client is told SUCCESS anyway). */
    storeFails: z.boolean().optional(),
    ...At,
  })
  .strict();

export const AckMarkEventSchema = z.object({ type: z.literal('ackMark'), ...Handle, ...At }).strict();

export const ChangeInvisibleEventSchema = z
  .object({ type: z.literal('changeInvisible'), ...Handle, invisibleTime: intIn(1, MAX_SETTING_MS), ...At })
  .strict();

export const ProduceEventSchema = z.object({ type: z.literal('produce'), queueId: QueueId, ...At }).strict();
export const ExpireEventSchema = z
  .object({
    type: z.literal('expire'),
    queueId: QueueId,
    /** Only the commit log is cleaned: the consume queue's min offset stays until a correctMinOffset event. */
    minOffsetLags: z.boolean().optional(),
    ...At,
  })
  .strict();
export const ScanEventSchema = z
  .object({
    type: z.literal('scan'),
    /** The scan took longer than popCkStayBufferTimeOut - 1 s: serving becomes false after it. */
    slow: z.boolean().optional(),
    ...At,
  })
  .strict();
export const GcEventSchema = z.object({ type: z.literal('gc'), queueId: QueueId, ...At }).strict();
export const TimerEventSchema = z.object({ type: z.literal('timer'), ...At }).strict();
export const ReviveEventSchema = z
  .object({
    type: z.literal('revive'),
    /** The retry-topic writes of this pass fail (the revive re-puts the CKs). */
    retryFails: z.boolean().optional(),
    ...At,
  })
  .strict();
export const ReviveCompleteEventSchema = z
  .object({
    type: z.literal('reviveComplete'),
    queueId: QueueId,
    startOffset: Offset,
    popTime: Time,
    /** The read of this offset completes exceptionally (the other reads of the CK complete normally). */
    readFails: Offset.optional(),
    ...At,
  })
  .strict();
/**
 * The callback of a late asynchronous put of PopBufferMergeService (appendCkAsync /
 * appendAckAsync with putsCompleteLate): `put` says whose — the CK's, or the buffered ACKs'
 * (AckMsg or BatchAckMsg) — for the CK with this key.
 */
export const PutCompleteEventSchema = z
  .object({ type: z.literal('putComplete'), put: z.enum(['ck', 'ack']), queueId: QueueId, startOffset: Offset, popTime: Time, ...At })
  .strict();
export const PersistEventSchema = z.object({ type: z.literal('persist'), ...At }).strict();
export const CrashEventSchema = z.object({ type: z.literal('crash'), ...At }).strict();
export const RoleChangeEventSchema = z.object({ type: z.literal('roleChange'), role: z.enum(['master', 'slave']), ...At }).strict();
/**
 * The store stops (readable: false) or starts again (readable: true) answering
 * DefaultMessageStore.getMessage: in between it returns null (--unreadable).
 */
export const StoreReadableEventSchema = z.object({ type: z.literal('storeReadable'), readable: z.boolean(), ...At }).strict();
/**
 * The consume queue's min offset catches up with the commit log retention deleted
 * (ConsumeQueue.correctMinOffset; only with --cq-lag, where `expire` deletes the commit log alone).
 */
export const CorrectMinOffsetEventSchema = z.object({ type: z.literal('correctMinOffset'), queueId: QueueId, ...At }).strict();
export const TickEventSchema = z.object({ type: z.literal('tick'), to: Time }).strict();

export const EventSchema = z.discriminatedUnion('type', [
  PopEventSchema,
  AckEventSchema,
  AckMarkEventSchema,
  ChangeInvisibleEventSchema,
  ProduceEventSchema,
  ExpireEventSchema,
  ScanEventSchema,
  GcEventSchema,
  TimerEventSchema,
  ReviveEventSchema,
  ReviveCompleteEventSchema,
  PutCompleteEventSchema,
  PersistEventSchema,
  CrashEventSchema,
  RoleChangeEventSchema,
  StoreReadableEventSchema,
  CorrectMinOffsetEventSchema,
  TickEventSchema,
]);

export type PopEvent = Readonly<z.infer<typeof PopEventSchema>>;
export type AckEvent = Readonly<z.infer<typeof AckEventSchema>>;
export type AckMarkEvent = Readonly<z.infer<typeof AckMarkEventSchema>>;
export type ChangeInvisibleEvent = Readonly<z.infer<typeof ChangeInvisibleEventSchema>>;
export type ScanEvent = Readonly<z.infer<typeof ScanEventSchema>>;
export type ReviveEvent = Readonly<z.infer<typeof ReviveEventSchema>>;
export type Event = Readonly<z.infer<typeof EventSchema>>;
export type EventType = Event['type'];
