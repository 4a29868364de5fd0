/**
 * What the model can represent exactly. A state is one Int32Array, so every time, offset
 * and id the model stores must fit in an int32, and so must every value the protocol
 * derives from them (T = popTime + invisibleTime, T + reviveDueMargin + tick, times plus
 * reviveAckWaitMs, ...). Outside these limits a value would wrap silently; the schemas that
 * take input from outside (model/identity-schema.ts, model/events.ts, with limits-schema.ts's
 * `intIn`) refuse it instead.
 */
import { TIMESTAMP_OFFSET } from './layout.js';

/** Longest time setting (popInvisibleTime, reviveAckWaitMs, ...), ms: one day. */
export const MAX_SETTING_MS = 86_400_000;

/**
 * Latest model time an input may name (`at`, `popTime`, `to`), ms: about 11.6 days. A time
 * derived from it adds a few settings of at most MAX_SETTING_MS and constant margins, and
 * stays below 2^31 (1e9 + 12 * 86.4e6 < 2.147e9).
 */
export const MAX_TIME = 1_000_000_000;

/**
 * Offsets are below 2^30: the model uses 2^30 itself as the startOffset of a CK re-put with
 * a timestamp in place of its offset (hazard I-6), so no message may have it. The last
 * message of a queue is firstOffset + messages + produce - 1.
 */
export const OFFSET_LIMIT = TIMESTAMP_OFFSET;

/** Largest RocketMQ queueId (an int32 in the state). */
export const MAX_QUEUE_ID = 2_147_483_647;
