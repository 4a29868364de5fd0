/**
 * The model's events: one zod discriminated union; the TypeScript types are inferred
 * from it. Input from outside (traces, the workshop, `--replay`) is parsed with
 * `EventSchema`; the explorer's inner loop uses events the model built itself.
 *
 * Every event may carry `at`, the model time (ms) at which it happens; the clock first
 * moves to `at` (it never moves backwards). Without `at` the event happens now.
 */
import { z } from 'zod';

const Time = z.number().int().nonnegative();
const QueueId = z.number().int().nonnegative();
const Offset = z.number().int().nonnegative();
export const BrokerNameSchema = z.enum(['broker-a', 'broker-b']).nullable();

export const PopEventSchema = z
  .object({
    type: z.literal('pop'),
    /** The queue popped (PopMessageProcessor.popMsgFromQueue). */
    queueId: QueueId,
    /** maxMsgNums of the request (popBatchNums). */
    maxNums: z.number().int().min(1).max(32),
    at: Time.optional(),
  })
  .strict();

export const AckEventSchema = z
  .object({
    type: z.literal('ack'),
    /** The receipt handle: queueId, the CK's startOffset and popTime, the message offset. */
    queueId: QueueId,
    startOffset: Offset,
    popTime: Time,
    offset: Offset,
    /** brokerName in the handle; defaults to the CK's. */
    brokerName: BrokerNameSchema.optional(),
    at: Time.optional(),
  })
  .strict();

export const ScanEventSchema = z.object({ type: z.literal('scan'), at: Time.optional() }).strict();
export const TimerEventSchema = z.object({ type: z.literal('timer'), at: Time.optional() }).strict();
export const ReviveEventSchema = z.object({ type: z.literal('revive'), at: Time.optional() }).strict();
export const TickEventSchema = z.object({ type: z.literal('tick'), to: Time }).strict();

export const EventSchema = z.discriminatedUnion('type', [
  PopEventSchema,
  AckEventSchema,
  ScanEventSchema,
  TimerEventSchema,
  ReviveEventSchema,
  TickEventSchema,
]);

export type PopEvent = Readonly<z.infer<typeof PopEventSchema>>;
export type AckEvent = Readonly<z.infer<typeof AckEventSchema>>;
export type ScanEvent = Readonly<z.infer<typeof ScanEventSchema>>;
export type TimerEvent = Readonly<z.infer<typeof TimerEventSchema>>;
export type ReviveEvent = Readonly<z.infer<typeof ReviveEventSchema>>;
export type TickEvent = Readonly<z.infer<typeof TickEventSchema>>;
export type Event = Readonly<z.infer<typeof EventSchema>>;
export type EventType = Event['type'];

export const EVENT_TYPES: readonly EventType[] = ['pop', 'ack', 'scan', 'timer', 'revive', 'tick'];

/** Who performs each event in RocketMQ. */
export const EVENT_ACTOR: Readonly<Record<EventType, string>> = {
  pop: 'PullMessageThread (PopMessageProcessor)',
  ack: 'AckMessageThread (AckMessageProcessor)',
  scan: 'PopBufferMergeService',
  timer: 'TimerMessageStore',
  revive: 'PopReviveService',
  tick: 'clock',
};
