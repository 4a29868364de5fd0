/**
 * popcheck's JSON Lines trace format. Line 1 is a header naming the model the trace runs
 * against; every further line is one event (model/events.ts), in order. Blank lines and
 * lines starting with `#` are skipped (and counted).
 *
 *   {"popcheck":"trace","version":1,"scenario":"ack-flush","messages":3,"rocketmq":"5.3.1"}
 *   {"type":"pop","queueId":0,"maxNums":3,"at":0}
 *   {"type":"ack","queueId":0,"startOffset":100,"popTime":0,"offset":100,"at":1000}
 *
 * The header is a model identity (model/identity.ts: scenario, messages, rocketmq, batchAck,
 * settings, bounds, invariants), checked by the same schema as the CLI's flags, plus the
 * format's name and version.
 */
import { z } from 'zod';
import { EventSchema } from '../model/events.js';
import type { ModelIdentity } from '../model/identity.js';
import { IDENTITY_FIELDS, refineIdentity } from '../model/identity-schema.js';

export const TraceHeaderSchema = z
  .object({
    popcheck: z.literal('trace'),
    version: z.literal(1),
    ...IDENTITY_FIELDS,
  })
  .strict()
  .superRefine(refineIdentity);

export type TraceHeader = z.infer<typeof TraceHeaderSchema>;

/** The header of a trace of `identity`. */
export function traceHeader(identity: ModelIdentity): TraceHeader {
  const { invariants, ...rest } = identity;
  return { popcheck: 'trace', version: 1, ...rest, ...(invariants ? { invariants } : {}) };
}

/** The model identity a header names. */
export function headerIdentity(h: TraceHeader): ModelIdentity {
  const { popcheck: _p, version: _v, ...identity } = h;
  return identity;
}

export { EventSchema };
