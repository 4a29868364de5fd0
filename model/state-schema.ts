/**
 * The zod schemas of `toRecord`'s records (model/state.ts): a state in RocketMQ's vocabulary,
 * as the JSON report and a trace's final state print it. Apart from state.ts so that the model
 * and the explorer do not load zod; the report's schema (cli/report-schema.ts) imports them.
 */
import { z } from 'zod';

const Offsets = z.array(z.number().int()).readonly();

/** A CK, ACK or BatchAckMsg in the timer or the revive queue. */
export const EntryRecordSchema = z
  .object({
    tag: z.enum(['ck', 'ack', 'bAck']),
    queueId: z.number().int(),
    startOffset: z.number().int(),
    popTime: z.number().int(),
    brokerName: z.string().nullable(),
    offsets: Offsets,
    deliverTimeMs: z.number().int(),
    /** In the timer: the slot it waits in. */
    slot: z.number().int().optional(),
  })
  .strict()
  .readonly();

/** A CK with its buffer wrapper, the client's view and the history the invariants read. */
export const CkRecordSchema = z
  .object({
    queueId: z.number().int(),
    startOffset: z.number().int(),
    num: z.number().int(),
    popTime: z.number().int(),
    invisibleTime: z.number().int(),
    reviveTime: z.number().int(),
    brokerName: z.string().nullable(),
    wrapper: z
      .object({
        inBuffer: z.boolean(),
        inOffsetQueue: z.boolean(),
        justOffset: z.boolean(),
        ckStored: z.boolean(),
        bits: Offsets,
        toStoreBits: Offsets,
        nextBeginOffset: z.number().int(),
      })
      .strict()
      .readonly(),
    /** mock: addCkMock's offset-only wrapper of a pop that found no message (num 0). */
    origin: z.enum(['pop', 'changeInvisible', 'rePut', 'mock']),
    doneInMemory: z.boolean(),
    lost: z.boolean(),
    revived: z.boolean(),
    reviveOffset: z.number().int(),
    reviveUnacked: Offsets,
    retryPending: Offsets,
    changed: Offsets,
    foreignRetries: z.number().int(),
    client: z.object({ held: Offsets, acked: Offsets, ackedInTime: Offsets }).strict().readonly(),
    ackWritten: Offsets,
    /** Offsets one of whose acks was accepted before T and stored (what acked-never-retried protects). */
    ackStoredInTime: Offsets,
    retried: Offsets,
    retriedAgain: Offsets,
  })
  .strict()
  .readonly();

/** A model state as a plain record in RocketMQ's vocabulary (`--with-states`, replay's final state). */
export const StateRecordSchema = z
  .object({
    now: z.number().int(),
    serving: z.boolean(),
    /** DefaultMessageStore.getMessage answers (false in an --unreadable window: it returns null). */
    storeReadable: z.boolean(),
    role: z.enum(['master', 'slave']),
    epoch: z.number().int(),
    queues: z
      .array(
        z
          .object({
            queueId: z.number().int(),
            minOffset: z.number().int(),
            maxOffset: z.number().int(),
            firstStoredOffset: z.number().int(),
            /** The consume queue's min offset (getMinOffsetInQueue); below firstStoredOffset only in the MESSAGE_WAS_REMOVING window (--cq-lag). */
            cqMinOffset: z.number().int(),
            consumerOffset: z.number().int(),
            consumerOffsetPersisted: z.number().int(),
          })
          .strict()
          .readonly(),
      )
      .readonly(),
    cks: z.array(CkRecordSchema).readonly(),
    timer: z.array(EntryRecordSchema).readonly(),
    reviveQueue: z.array(EntryRecordSchema).readonly(),
    reviveOffset: z.object({ inMemory: z.number().int(), committed: z.number().int(), persisted: z.number().int() }).strict().readonly(),
  })
  .strict()
  .readonly();
