/**
 * A counterexample in the Informal Trace Format (ITF) of Apalache's ADR-015, which Quint and
 * Apalache read and write: `{"#meta": {...}, "vars": [...], "states": [{"#meta": {"index": i}, var: value, ...}]}`.
 *
 * Each state is the model state in its record form (model/state.ts `toRecord`: now, serving,
 * role, epoch, queues, cks, timer, reviveQueue, reviveOffset) plus `action`, the event that
 * led to it (`init` for the initial state). Values per ADR-015: integers as
 * `{"#bigint": "123"}`, records as JSON objects, sequences (queues, CKs, timer and revive-queue
 * entries) as JSON arrays, offset and bit sets as `{"#set": [...]}`; a value that may be
 * absent (a brokerName) as Quint's Option variant `{"tag": "Some", "value": v}` /
 * `{"tag": "None", "value": {"#tup": []}}`, and the action as a variant tagged with the
 * event type. Pure: no I/O.
 */
import { z } from 'zod';
import type { Event } from '../model/events.js';
import type { PopModel } from '../model/popmodel.js';
import { toRecord, type State } from '../model/state.js';

export type ItfValue =
  | boolean
  | string
  | number
  | { readonly '#bigint': string }
  | { readonly '#tup': readonly ItfValue[] }
  | { readonly '#set': readonly ItfValue[] }
  | { readonly '#map': readonly (readonly [ItfValue, ItfValue])[] }
  | { readonly '#unserializable': string }
  | readonly ItfValue[]
  | { readonly [field: string]: ItfValue };

/** An ITF value (ADR-015). */
export const ItfValueSchema: z.ZodType<ItfValue> = z.lazy(() =>
  z.union([
    z.boolean(),
    z.string(),
    z.number().int(),
    z.object({ '#bigint': z.string().regex(/^-?[0-9]+$/) }).strict(),
    z.object({ '#tup': z.array(ItfValueSchema) }).strict(),
    z.object({ '#set': z.array(ItfValueSchema) }).strict(),
    z.object({ '#map': z.array(z.tuple([ItfValueSchema, ItfValueSchema])) }).strict(),
    z.object({ '#unserializable': z.string() }).strict(),
    z.array(ItfValueSchema),
    z.record(z.string().regex(/^[^#]/, { error: "a record field does not start with '#'" }), ItfValueSchema),
  ]),
);

const ItfStateSchema = z.object({ '#meta': z.record(z.string(), z.unknown()).optional() }).catchall(ItfValueSchema);

/** An ITF trace (ADR-015): every state gives every variable, and no other. */
export const ItfTraceSchema = z
  .object({
    '#meta': z.record(z.string(), z.unknown()).optional(),
    params: z.array(z.string()).optional(),
    vars: z.array(z.string()),
    states: z.array(ItfStateSchema),
    loop: z.number().int().min(0).optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    const vars = [...t.vars].sort().join(',');
    t.states.forEach((s, i) => {
      const keys = Object.keys(s).filter((k) => k !== '#meta').sort().join(',');
      if (keys !== vars) ctx.addIssue({ code: 'custom', path: ['states', i], message: `state ${i} gives [${keys}], the trace's vars are [${vars}]` });
    });
  });
export type ItfTrace = z.infer<typeof ItfTraceSchema>;

/** Record fields that hold sequences; every other array of the state record is a set. */
const SEQUENCES = new Set(['queues', 'cks', 'timer', 'reviveQueue']);
/** Record fields that may be null (encoded as Option). */
const OPTIONAL = new Set(['brokerName']);

const NONE: ItfValue = { tag: 'None', value: { '#tup': [] } };

function encode(v: unknown, key: string | null): ItfValue {
  if (key !== null && OPTIONAL.has(key)) return v === null || v === undefined ? NONE : { tag: 'Some', value: encode(v, null) };
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new RangeError(`ITF: ${key ?? 'a value'} is not an integer: ${v}`);
    return { '#bigint': String(v) };
  }
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  if (Array.isArray(v)) {
    if (key !== null && SEQUENCES.has(key)) return v.map((x) => encode(x, null));
    const items = [...new Set(v as unknown[])].sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : 1));
    return { '#set': items.map((x) => encode(x, null)) };
  }
  if (v !== null && typeof v === 'object') {
    const out: Record<string, ItfValue> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = encode(x, k);
    return out;
  }
  throw new RangeError(`ITF: cannot encode ${key ?? 'a value'}: ${String(v)}`);
}

/** An event as a variant: its type as the tag, its other fields as the record. */
function actionOf(e: Event | null): ItfValue {
  if (e === null) return { tag: 'init', value: { '#tup': [] } };
  const { type, ...fields } = e;
  return { tag: type, value: encode(fields, null) };
}

export const ITF_VARS = ['action', 'now', 'serving', 'storeReadable', 'role', 'epoch', 'queues', 'cks', 'timer', 'reviveQueue', 'reviveOffset'] as const;

/**
 * The ITF trace of `events` run from `model`'s initial state. Throws when an event is not
 * enabled (the caller passes a counterexample the model produced).
 */
export function itfTrace(model: PopModel, events: readonly Event[], meta: Record<string, unknown>): ItfTrace {
  let s: State = model.initialStates()[0];
  const state = (i: number, e: Event | null): ItfTrace['states'][number] => {
    const rec = encode(toRecord(s, model.ctx.L), null) as Record<string, ItfValue>;
    return { '#meta': { index: i }, action: actionOf(e), ...rec };
  };
  const states = [state(0, null)];
  events.forEach((e, i) => {
    const why = model.why(s, e);
    if (why !== null) throw new Error(`ITF: step ${i + 1} (${e.type}) is not enabled: ${why}`);
    s = model.step(s, e);
    states.push(state(i + 1, e));
  });
  return {
    '#meta': {
      format: 'ITF',
      'format-description': 'https://apalache-mc.org/docs/adr/015adr-trace.html',
      source: 'popcheck',
      ...meta,
    },
    vars: [...ITF_VARS],
    states,
  };
}
