/**
 * popcheck's JSON Lines trace format. Line 1 is a header naming the model the trace runs
 * against; every further line is one event (model/events.ts), in order. Blank lines and
 * lines starting with `#` are skipped (and counted).
 *
 *   {"popcheck":"trace","version":1,"scenario":"ack-flush","messages":3,"rocketmq":"5.3.1"}
 *   {"type":"pop","queueId":0,"maxNums":3,"at":0}
 *   {"type":"ack","queueId":0,"startOffset":100,"popTime":0,"offset":100,"at":1000}
 */
import { z } from 'zod';
import { EventSchema } from '../model/events.js';

const SettingValue = z.union([z.boolean(), z.number(), z.string()]);

export const TraceHeaderSchema = z
  .object({
    popcheck: z.literal('trace'),
    version: z.literal(1),
    scenario: z.enum(['ack-flush', 'full']),
    messages: z.number().int().positive(),
    rocketmq: z.string(),
    batchAck: z.boolean().optional(),
    bounds: z.record(z.string(), z.union([z.number(), z.boolean(), z.array(z.number())])).optional(),
    settings: z.record(z.string(), SettingValue).optional(),
  })
  .strict();

export type TraceHeader = z.infer<typeof TraceHeaderSchema>;
export { EventSchema };
