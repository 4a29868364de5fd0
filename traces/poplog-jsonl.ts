/**
 * popcheck's JSON Lines form of a pop.log: the same lines with exact times and the kind
 * spelled out, for tools that do not want to parse logback's header.
 *
 *   {"popcheck":"poplog","version":1,"rocketmq":"5.3.1"}
 *   {"time":1726106400012,"level":"INFO","thread":"PullMessageThread_3","kind":"addCk","message":"[PopBuffer]add ck, CkWrap{...}"}
 *
 * Line 1 is the header. Every further line is one pop.log line: `time` is its epoch
 * millisecond (exact, where pop.log prints the second), `message` the text pop.log prints
 * after ` - `, byte for byte. `parsePopLogJsonlLine` reads a line into the same `PopLogLine`
 * union as `parsePopLogLine` (the message is matched against the same templates); its time
 * interval is [time, time].
 *
 * Pure: no I/O.
 */
import { z } from 'zod';
import { ALL_KINDS, parsePopLogMessage, type LogLevel, type PopLogKind, type PopLogLine } from './poplog.js';
import type { LineExpect } from './poplog-expect.js';
import { levelOf, POPLOG_RELEASES, renderMessage, threadFor, type RenderCtx } from './poplog-render.js';

export const PopLogJsonlHeaderSchema = z
  .object({
    popcheck: z.literal('poplog'),
    version: z.literal(1),
    /** The release whose pop.log formats the messages follow. */
    rocketmq: z.enum(POPLOG_RELEASES),
  })
  .strict();
export type PopLogJsonlHeader = z.infer<typeof PopLogJsonlHeaderSchema>;

const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const satisfies readonly LogLevel[];

export const PopLogJsonlLineSchema = z
  .object({
    /** Epoch millisecond of the line (exact). */
    time: z.number().int().min(0).max(8_640_000_000_000_000),
    level: z.enum(LEVELS),
    /** The thread, as logback's %t prints it (no whitespace). */
    thread: z.string().regex(/^\S+$/, { error: 'a thread name without whitespace' }),
    /** The line kind (docs/poplog.md), or `unknown` for a message of no known format. */
    kind: z.enum(['unknown', ...ALL_KINDS] as [PopLogKind | 'unknown', ...(PopLogKind | 'unknown')[]]),
    /** The message exactly as pop.log prints it after ` - `. */
    message: z.string(),
  })
  .strict();
export type PopLogJsonlLine = z.infer<typeof PopLogJsonlLineSchema>;

/** The header line of a pop.log JSONL file for release `rocketmq`. */
export function popLogJsonlHeader(rocketmq: PopLogJsonlHeader['rocketmq']): string {
  return JSON.stringify({ popcheck: 'poplog', version: 1, rocketmq } satisfies PopLogJsonlHeader);
}

function zodReason(e: z.ZodError): string {
  const first = e.issues[0];
  const path = first.path.length > 0 ? `${first.path.map(String).join('.')}: ` : '';
  return `${path}${first.message}`;
}

/** Reads the header line: the header, or why it is not one. */
export function parsePopLogJsonlHeader(text: string): { ok: true; header: PopLogJsonlHeader } | { ok: false; reason: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    return { ok: false, reason: 'the header is not valid JSON' };
  }
  const r = PopLogJsonlHeaderSchema.safeParse(raw);
  return r.success ? { ok: true, header: r.data } : { ok: false, reason: `not a pop.log JSONL header: ${zodReason(r.error)}` };
}

/**
 * Reads one line after the header. Never throws. Blank lines are `blank`; a line that is not
 * JSON, does not fit the schema, or whose `kind` disagrees with its message is `malformed`
 * with a reason; otherwise the message's record (or `unknown`), with time [time, time].
 */
export function parsePopLogJsonlLine(text: string, lineNo: number): PopLogLine {
  try {
    return parseUnsafe(text, lineNo);
  } catch (e) {
    return { kind: 'malformed', line: lineNo, reason: `parser error: ${e instanceof Error ? e.message : String(e)}` };
  }
}

function parseUnsafe(input: string, lineNo: number): PopLogLine {
  const text = input.endsWith('\r') ? input.slice(0, -1) : input;
  if (text.trim() === '') return { kind: 'blank', line: lineNo };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { kind: 'malformed', line: lineNo, reason: 'not valid JSON' };
  }
  const r = PopLogJsonlLineSchema.safeParse(raw);
  if (!r.success) return { kind: 'malformed', line: lineNo, reason: zodReason(r.error) };
  const { time, level, thread, kind, message } = r.data;
  const parsed = parsePopLogMessage(message, { line: lineNo, time: { from: time, to: time }, level, thread });
  if (parsed.kind === 'malformed') {
    return kind === parsed.claimed ? parsed : { ...parsed, reason: `kind '${kind}', but the message is a malformed '${parsed.claimed}' line: ${parsed.reason}` };
  }
  if (parsed.kind !== kind) {
    const is = parsed.kind === 'unknown' ? 'of no known format' : `a '${parsed.kind}' line`;
    return { kind: 'malformed', line: lineNo, reason: `kind '${kind}', but the message is ${is}`, time: { from: time, to: time }, level, thread, continuation: 0 };
  }
  return parsed;
}

/** The JSONL line of `e` at epoch millisecond `atMs` (no newline). */
export function renderJsonlLine(e: LineExpect, atMs: number, ctx: RenderCtx): string {
  const line: PopLogJsonlLine = {
    time: atMs,
    level: levelOf(e.kind),
    thread: ctx.thread ?? threadFor(e.kind, ctx.reviveQueueId),
    kind: e.kind,
    message: renderMessage(e, atMs, ctx),
  };
  return JSON.stringify(line);
}
