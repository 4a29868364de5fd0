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

export function readTrace(text: string): ReadResult {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  let header: TraceHeader | null = null;
  const events: TraceLine[] = [];
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
      const h = TraceHeaderSchema.safeParse(value);
      if (!h.success) return { ok: false, error: { line: n, message: `not a popcheck trace header: ${issue(h.error)}` } };
      header = h.data;
      continue;
    }
    const e = EventSchema.safeParse(value);
    if (!e.success) return { ok: false, error: { line: n, message: `not an event: ${issue(e.error)}` } };
    events.push({ line: n, event: e.data });
  }
  if (header === null) return { ok: false, error: { line: lines.length + 1, message: 'no header line' } };
  return { ok: true, header, events, skipped };
}
