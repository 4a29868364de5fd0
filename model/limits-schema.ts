/**
 * The zod part of model/limits.ts, apart so that the model does not load zod: only the
 * schemas of input from outside (model/identity-schema.ts, model/events.ts) use it.
 */
import { z } from 'zod';

/** An integer from `min` to `max`, with the message the CLI and the trace reader both print. */
export function intIn(min: number, max: number): z.ZodNumber {
  return z.number().refine((n) => Number.isInteger(n) && n >= min && n <= max, {
    error: (iss) => `must be an integer from ${min} to ${max} (got ${JSON.stringify(iss.input)})`,
  }) as unknown as z.ZodNumber;
}
