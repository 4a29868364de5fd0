/**
 * The pop.log adapter: a streaming parser of RocketMQ's own `pop.log` (logger `RocketmqPop`).
 *
 * Each line is `yyyy-MM-dd HH:mm:ss LEVEL thread - message` (logback `%d{yyy-MM-dd HH:mm:ss,GMT+8} %p %t - %m%n`):
 * second resolution in GMT+8, so a line's time is an interval [from, from + 999] of epoch ms.
 * The message is matched against every known format (traces/poplog-formats.ts). The result is a
 * typed record per line kind, `unknown` (a header but no known format), or `malformed` (a known
 * format whose fields do not parse, a bad header, bad bytes, an over-long line). Lines without a
 * header that look like a stack trace are continuation lines of the record before them.
 *
 * Pure: no I/O. cli/poplog-file.ts reads files (the shell does I/O). docs/poplog.md lists the line kinds.
 */
import type { z } from 'zod';
import {
  COMPILED,
  FormatError,
  matchTemplate,
  type AnyFormatSpec,
  type CompiledEntry,
  type PopLogKind,
} from './poplog-formats.js';

export {
  ALL_KINDS,
  FORMAT_SPECS,
  GATED_KINDS,
  LONG_MAX,
  type AckJsonView,
  type AckView,
  type BatchAckJsonView,
  type CkJsonView,
  type CkWrapView,
  type FieldsOf,
  type PopCheckPointView,
  type PopLogKind,
  type PutResultView,
} from './poplog-formats.js';

/** Lines longer than this many characters are malformed ('line too long') and are not parsed. */
export const MAX_LINE_LENGTH = 1 << 20;

export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** A time known to the second: every epoch millisecond in [from, to] is possible. */
export interface TimeInterval {
  readonly from: number;
  readonly to: number;
}

interface HeaderFields {
  /** 1-based line number. */
  readonly line: number;
  readonly time: TimeInterval;
  readonly level: LogLevel;
  readonly thread: string;
  /** Stack-trace lines that followed this line (set by readPopLog; 0 from parsePopLogLine). */
  readonly continuation: number;
}

type RecordOf<S> = S extends { kind: infer K; gated: boolean; schema: infer Z extends z.ZodType }
  ? HeaderFields & { readonly kind: K; readonly gated: boolean } & z.output<Z>
  : never;

/** A recognised pop.log line: the header fields, `kind`, whether it is enablePopLog-gated, and the kind's fields. */
export type PopLogRecord = RecordOf<AnyFormatSpec>;
export type PopLogRecordOf<K extends PopLogKind> = Extract<PopLogRecord, { kind: K }>;

/** A line with a valid header whose message matches no known format. */
export interface UnknownLine extends HeaderFields {
  readonly kind: 'unknown';
  readonly message: string;
}

/** A line that cannot be trusted: a known format with bad fields, a bad header, bad bytes, too long. */
export interface MalformedLine {
  readonly kind: 'malformed';
  readonly line: number;
  readonly reason: string;
  /** The kind the line claimed to be, when the header and the start of the message were recognised. */
  readonly claimed?: PopLogKind;
  readonly time?: TimeInterval;
  readonly level?: LogLevel;
  readonly thread?: string;
  readonly continuation?: number;
}

/** A line without a header that belongs to the line before it (a stack trace). */
export interface ContinuationLine {
  readonly kind: 'continuation';
  readonly line: number;
}

export interface BlankLine {
  readonly kind: 'blank';
  readonly line: number;
}

export type PopLogLine = PopLogRecord | UnknownLine | MalformedLine | ContinuationLine | BlankLine;
/** What readPopLog yields: every line but blank and continuation lines. */
export type PopLogEntry = PopLogRecord | UnknownLine | MalformedLine;

/** A line as read from a file by a bounded reader: `tooLong` is its real length when it was cut. */
export interface RawLine {
  readonly text: string;
  readonly tooLong?: number;
}

const HEADER =
  /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:[,.](\d{3}))?[ \t]+(TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL)[ \t]+(\S+)[ \t]+-(?:[ \t]|$)(.*)$/;
const LOOSE_HEADER = /^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d/;
const STACK_LINE =
  /^(?:\s+at\s|\s*Caused by:|\s*Suppressed:|\s+\.\.\.\s*\d+\s+(?:more|common frames omitted)|\t|\s*(?:[A-Za-z_$][\w$]*\.)+[A-Za-z_$][\w$]*(?:Exception|Error|Throwable)\b)/;
const GMT8_MS = 8 * 3600 * 1000;

function epochGmt8(y: number, mo: number, d: number, h: number, mi: number, s: number): number | null {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return null;
  const t = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(t);
  if (back.getUTCDate() !== d || back.getUTCMonth() !== mo - 1) return null; // e.g. 02-30
  return t - GMT8_MS;
}

function normaliseLevel(l: string): LogLevel {
  return l === 'WARNING' ? 'WARN' : l === 'FATAL' ? 'ERROR' : (l as LogLevel);
}

function zodReason(e: z.ZodError): string {
  const first = e.issues[0];
  const path = first.path.length > 0 ? `${first.path.map(String).join('.')}: ` : '';
  return `${path}${first.message}`;
}

type Outcome = { ok: true; fields: Record<string, unknown> } | { ok: false; reason: string };

function tryEntry(c: CompiledEntry, message: string): Outcome {
  let holes: Record<string, unknown>;
  try {
    holes = matchTemplate(c.template, message);
  } catch (e) {
    if (e instanceof FormatError) return { ok: false, reason: e.message };
    throw e;
  }
  let parsed: ReturnType<z.ZodType['safeParse']>;
  try {
    parsed = c.spec.schema.safeParse({ ...holes, ...c.extra });
  } catch (e) {
    if (e instanceof FormatError) return { ok: false, reason: e.message };
    throw e;
  }
  if (!parsed.success) return { ok: false, reason: zodReason(parsed.error) };
  return { ok: true, fields: parsed.data as Record<string, unknown> };
}

/**
 * The entries whose claim can match a message starting with a given character: a claim is
 * anchored and the message is trimmed, so it starts with its literal's first non-blank
 * character. Entries whose template starts with a hole are tried for every message.
 */
const BY_FIRST_CHAR: ReadonlyMap<string, readonly CompiledEntry[]> = (() => {
  const always = COMPILED.filter((e) => e.template.firstLiteral.trim() === '');
  const map = new Map<string, CompiledEntry[]>();
  for (const e of COMPILED) {
    const c = e.template.firstLiteral.trim()[0];
    if (c === undefined) continue;
    if (!map.has(c)) map.set(c, [...always]);
    map.get(c)!.push(e);
  }
  map.set('', always);
  // Keep COMPILED's order, which breaks ties between claims of equal length.
  for (const list of map.values()) list.sort((a, b) => COMPILED.indexOf(a) - COMPILED.indexOf(b));
  return map;
})();

function classifyMessage(message: string): { entry: CompiledEntry; outcome: Outcome } | null {
  const claims: { entry: CompiledEntry; length: number }[] = [];
  for (const entry of BY_FIRST_CHAR.get(message[0] ?? '') ?? BY_FIRST_CHAR.get('')!) {
    const m = entry.claim.exec(message);
    if (m) claims.push({ entry, length: m[0].length });
  }
  if (claims.length === 0) return null;
  claims.sort((a, b) => b.length - a.length);
  const kind = claims[0].entry.spec.kind;
  let first: { entry: CompiledEntry; outcome: Outcome } | null = null;
  for (const c of claims) {
    if (c.entry.spec.kind !== kind) continue;
    const outcome = tryEntry(c.entry, message);
    if (outcome.ok) return { entry: c.entry, outcome };
    first ??= { entry: c.entry, outcome };
  }
  return first;
}

/**
 * Parses one pop.log line. Never throws. A header line gives a record, `unknown` or
 * `malformed`; a line without a header is `continuation` when it looks like a stack trace,
 * `blank` when empty, else `malformed`.
 */
export function parsePopLogLine(input: string | RawLine, lineNo: number): PopLogLine {
  try {
    return parseUnsafe(input, lineNo);
  } catch (e) {
    return { kind: 'malformed', line: lineNo, reason: `parser error: ${e instanceof Error ? e.message : String(e)}` };
  }
}

function parseUnsafe(input: string | RawLine, lineNo: number): PopLogLine {
  const raw = typeof input === 'string' ? { text: input } : input;
  if (raw.tooLong !== undefined || raw.text.length > MAX_LINE_LENGTH) {
    const length = raw.tooLong ?? raw.text.length;
    return { kind: 'malformed', line: lineNo, reason: `line too long (${length} characters)` };
  }
  let text = raw.text;
  if (lineNo === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.endsWith('\r')) text = text.slice(0, -1);
  if (text.includes('\uFFFD')) return { kind: 'malformed', line: lineNo, reason: 'invalid UTF-8 (the line holds U+FFFD)' };
  if (text.trim() === '') return { kind: 'blank', line: lineNo };
  const h = HEADER.exec(text);
  if (!h) {
    if (LOOSE_HEADER.test(text)) return { kind: 'malformed', line: lineNo, reason: 'a timestamp without a valid "LEVEL thread - message" header' };
    if (STACK_LINE.test(text)) return { kind: 'continuation', line: lineNo };
    return { kind: 'malformed', line: lineNo, reason: 'no log header (yyyy-MM-dd HH:mm:ss LEVEL thread - message)' };
  }
  const t = epochGmt8(+h[1], +h[2], +h[3], +h[4], +h[5], +h[6]);
  if (t === null) return { kind: 'malformed', line: lineNo, reason: `invalid timestamp ${h[1]}-${h[2]}-${h[3]} ${h[4]}:${h[5]}:${h[6]}` };
  const time: TimeInterval = h[7] !== undefined ? { from: t + +h[7], to: t + +h[7] } : { from: t, to: t + 999 };
  const level = normaliseLevel(h[8]);
  const thread = h[9];
  return parsePopLogMessage(h[10], { line: lineNo, time, level, thread });
}

/**
 * Parses a message (the text after ` - `) against the known formats, with the header fields
 * given: a record, `unknown`, or `malformed` (a known format with bad fields). Never throws
 * on bad input. parsePopLogLine uses it after reading the header; the JSON Lines form of
 * pop.log (traces/poplog-jsonl.ts) uses it on its `message` field.
 */
export function parsePopLogMessage(
  message: string,
  header: { readonly line: number; readonly time: TimeInterval; readonly level: LogLevel; readonly thread: string },
): PopLogRecord | UnknownLine | MalformedLine {
  const base = { ...header, continuation: 0 };
  const text = message.trim();
  const found = classifyMessage(text);
  if (!found) return { kind: 'unknown', ...base, message: text };
  const { entry, outcome } = found;
  if (!outcome.ok) {
    return { kind: 'malformed', ...base, claimed: entry.spec.kind, reason: `${entry.spec.kind}: ${outcome.reason}` };
  }
  return { ...base, ...outcome.fields, kind: entry.spec.kind, gated: entry.spec.gated } as PopLogRecord;
}

// ---------------------------------------------------------------------------------------------
// Streaming

export interface LineExample {
  readonly line: number;
  readonly reason: string;
  readonly text: string;
}

export interface PopLogCounts {
  /** Every line seen, blank and continuation lines included. */
  lines: number;
  /** Recognised lines, by kind. */
  linesByKind: Partial<Record<PopLogKind, number>>;
  records: number;
  unknown: number;
  malformed: number;
  continuation: number;
  blank: number;
  /** Recognised lines of enablePopLog-gated kinds. */
  gatedLines: number;
  /** The first few malformed lines (line number, reason, start of the text). */
  malformedExamples: LineExample[];
  /** The first few unknown lines. */
  unknownExamples: LineExample[];
  /** How many header lines have an earlier second than the header line before them. */
  timeWentBack: number;
  firstTimeWentBack: { line: number; previousLine: number; byMs: number } | null;
  firstTime: number | null;
  lastTime: number | null;
}

export const EXAMPLES_KEPT = 5;

export function emptyCounts(): PopLogCounts {
  return {
    lines: 0,
    linesByKind: {},
    records: 0,
    unknown: 0,
    malformed: 0,
    continuation: 0,
    blank: 0,
    gatedLines: 0,
    malformedExamples: [],
    unknownExamples: [],
    timeWentBack: 0,
    firstTimeWentBack: null,
    firstTime: null,
    lastTime: null,
  };
}

const snippet = (s: string): string => (s.length > 160 ? s.slice(0, 160) + '…' : s);

/**
 * The state of a streaming read. push() returns the entries completed by a line (an entry is
 * held back until the next header line, so that its stack-trace continuation is counted);
 * end() returns the last one.
 */
export class PopLogAccumulator {
  readonly counts: PopLogCounts = emptyCounts();
  private held: PopLogEntry | null = null;
  private lineNo = 0;
  private prevTime: { line: number; at: number } | null = null;

  /** Counts a line that is not a log line (a JSON Lines header). */
  skip(): void {
    this.lineNo++;
    this.counts.lines++;
  }

  push(input: string | RawLine, parse: (input: string | RawLine, lineNo: number) => PopLogLine = parsePopLogLine): PopLogEntry[] {
    const lineNo = ++this.lineNo;
    const c = this.counts;
    c.lines++;
    const parsed = parse(input, lineNo);
    switch (parsed.kind) {
      case 'blank':
        c.blank++;
        return [];
      case 'continuation':
        c.continuation++;
        if (this.held) this.held = { ...this.held, continuation: (this.held.continuation ?? 0) + 1 };
        return [];
      default:
        break;
    }
    const text = typeof input === 'string' ? input : input.text;
    if (parsed.kind === 'malformed') {
      c.malformed++;
      if (c.malformedExamples.length < EXAMPLES_KEPT) c.malformedExamples.push({ line: lineNo, reason: parsed.reason, text: snippet(text) });
    } else if (parsed.kind === 'unknown') {
      c.unknown++;
      if (c.unknownExamples.length < EXAMPLES_KEPT) c.unknownExamples.push({ line: lineNo, reason: 'no known format', text: snippet(text) });
    } else {
      c.records++;
      c.linesByKind[parsed.kind] = (c.linesByKind[parsed.kind] ?? 0) + 1;
      if (parsed.gated) c.gatedLines++;
    }
    if (parsed.time) this.noteTime(lineNo, parsed.time.from);
    const out = this.held ? [this.held] : [];
    this.held = parsed;
    return out;
  }

  end(): PopLogEntry[] {
    const out = this.held ? [this.held] : [];
    this.held = null;
    return out;
  }

  private noteTime(line: number, at: number): void {
    const c = this.counts;
    if (this.prevTime && at < this.prevTime.at) {
      c.timeWentBack++;
      c.firstTimeWentBack ??= { line, previousLine: this.prevTime.line, byMs: this.prevTime.at - at };
    }
    this.prevTime = { line, at };
    c.firstTime ??= at;
    c.lastTime = c.lastTime === null ? at : Math.max(c.lastTime, at);
  }
}

/** A streaming read of pop.log lines: iterate it for the entries; `counts` is updated as it goes. */
export interface PopLogStream extends AsyncIterable<PopLogEntry> {
  readonly counts: PopLogCounts;
}

/** Reads pop.log lines (strings without their newline, or RawLines from a bounded reader) as a stream of entries. */
export function readPopLog(lines: Iterable<string | RawLine> | AsyncIterable<string | RawLine>): PopLogStream {
  const acc = new PopLogAccumulator();
  return {
    get counts() {
      return acc.counts;
    },
    async *[Symbol.asyncIterator]() {
      for await (const line of lines) yield* acc.push(line);
      yield* acc.end();
    },
  };
}

/** The synchronous form of readPopLog, for in-memory lines. */
export function readPopLogSync(lines: Iterable<string | RawLine>): { entries: PopLogEntry[]; counts: PopLogCounts } {
  const acc = new PopLogAccumulator();
  const entries: PopLogEntry[] = [];
  for (const line of lines) entries.push(...acc.push(line));
  entries.push(...acc.end());
  return { entries, counts: acc.counts };
}

/** Splits text into lines (LF or CRLF; a final newline does not start a new line). */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** One or two sentences on what the counted lines allow one to conclude. */
export function describeCoverage(counts: PopLogCounts): string {
  const seen = counts.records + counts.unknown + counts.malformed;
  if (seen === 0) return 'The log holds no pop.log lines, so nothing can be concluded from it.';
  const bad =
    counts.malformed > 0
      ? ` ${counts.malformed} line${counts.malformed === 1 ? ' was' : 's were'} malformed (first at line ${counts.malformedExamples[0]?.line}) and ${counts.malformed === 1 ? 'was' : 'were'} not used.`
      : '';
  if (counts.gatedLines === 0) {
    return (
      `No enablePopLog-gated line (add ck, add ack, put ck/ack to store ok, ck done, Commit offset, find ck/ack, retry msg, ...) is present, ` +
      `as with the default enablePopLog=false: only buffer-scan heartbeats, revive scan and revive-finish summaries, warnings and errors ` +
      `(${counts.records} line${counts.records === 1 ? '' : 's'}) can be checked, and no per-checkpoint validation is possible.` +
      bad
    );
  }
  return (
    `${counts.gatedLines} of ${counts.records} recognised lines are enablePopLog-gated event lines, so checkpoints, acks, flushes, ` +
    `offset commits and revives can be followed one by one over the logged time span (to the second, in GMT+8).` +
    bad
  );
}
