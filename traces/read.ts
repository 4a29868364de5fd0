/** Reading a JSON Lines trace: every line is used, skipped (and counted), or an error naming it. */
import type { Event } from '../model/events.js';
import { EventSchema, TraceHeaderSchema, type TraceHeader } from './format.js';

export interface TraceLine {
  readonly line: number;
  readonly event: Event;
}

export type ReadResult =
  | {
      readonly ok: true;
      readonly header: TraceHeader;
      readonly events: readonly TraceLine[];
      /** Line numbers of blank and comment lines. */
      readonly skipped: readonly number[];
      readonly error?: never;
    }
  | { readonly ok: false; readonly error: { readonly line: number; readonly message: string }; readonly header?: never; readonly events?: never; readonly skipped?: never };

function issue(e: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  const first = e.issues[0];
  const path = first.path.length > 0 ? `${first.path.map(String).join('.')}: ` : '';
  return `${path}${first.message}`;
}

type Schema<T> = { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } } };

/** A header line then event lines, each parsed by its schema; blank and `#` lines skipped; the first bad line is the error. */
export function readJsonLines<H, E>(
  text: string,
  headerSchema: Schema<H>,
  eventSchema: Schema<E>,
  names: { readonly header: string; readonly event: string },
): { ok: true; header: H; headerLine: number; events: { line: number; event: E }[]; skipped: number[] } | { ok: false; error: { line: number; message: string } } {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  let header: { value: H; line: number } | null = null;
  const events: { line: number; event: E }[] = [];
  const skipped: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    const raw = lines[i].trim();
    if (raw === '' || raw.startsWith('#')) {
      skipped.push(n);
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      return { ok: false, error: { line: n, message: `not JSON: ${(err as Error).message}` } };
    }
    if (header === null) {
      const h = headerSchema.safeParse(value);
      if (!h.success) return { ok: false, error: { line: n, message: `not ${names.header}: ${issue(h.error)}` } };
      header = { value: h.data, line: n };
      continue;
    }
    const e = eventSchema.safeParse(value);
    if (!e.success) return { ok: false, error: { line: n, message: `not ${names.event}: ${issue(e.error)}` } };
    events.push({ line: n, event: e.data });
  }
  if (header === null) return { ok: false, error: { line: lines.length + 1, message: 'no header line' } };
  return { ok: true, header: header.value, headerLine: header.line, events, skipped };
}

export function readTrace(text: string): ReadResult {
  const r = readJsonLines(text, TraceHeaderSchema as Schema<TraceHeader>, EventSchema as Schema<Event>, { header: 'a popcheck trace header', event: 'an event' });
  return r.ok ? { ok: true, header: r.header, events: r.events, skipped: r.skipped } : r;
}
