/**
 * Reading a pop.log file from disk, bounded: lines are decoded as UTF-8 with replacement (a
 * line holding U+FFFD is malformed), a line longer than the limit is cut and reported as
 * malformed without being held in memory, and a last line without a newline is reported as
 * truncated. The parsing itself is traces/poplog.ts.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import {
  describeCoverage,
  MAX_LINE_LENGTH,
  readPopLog,
  type PopLogCounts,
  type PopLogEntry,
  type RawLine,
} from '../traces/poplog.js';

export interface PopLogFileOptions {
  /** Lines longer than this many characters are cut and malformed (default MAX_LINE_LENGTH, 1 MiB). */
  readonly maxLineLength?: number;
  /** Keep every entry in the result (default true); false for very large files read only for counts or through onEntry. */
  readonly keepEntries?: boolean;
  readonly onEntry?: (entry: PopLogEntry) => void;
}

export interface PopLogFileFacts {
  readonly bytes: number;
  readonly empty: boolean;
  /** The last line had no newline (the file was cut while being written, or copied mid-line). */
  readonly truncatedLastLine: boolean;
  readonly linesTooLong: number;
}

export type PopLogFileResult =
  | {
      readonly ok: true;
      readonly path: string;
      readonly entries: readonly PopLogEntry[];
      readonly counts: PopLogCounts;
      readonly file: PopLogFileFacts;
      /** describeCoverage(counts). */
      readonly coverage: string;
    }
  | { readonly ok: false; readonly path: string; readonly error: string };

/** Splits a byte stream into bounded lines (without their LF). */
export async function* boundedLines(
  chunks: AsyncIterable<Uint8Array>,
  maxLineLength: number,
  facts: { truncatedLastLine: boolean; linesTooLong: number; bytes: number },
): AsyncGenerator<RawLine> {
  const decoder = new TextDecoder('utf-8', { fatal: false });
  let parts: string[] = [];
  let length = 0;
  let tooLong = false;
  const take = (s: string): void => {
    if (tooLong) {
      length += s.length;
      return;
    }
    if (length + s.length > maxLineLength) {
      const room = Math.max(0, maxLineLength - length);
      parts.push(s.slice(0, Math.min(room, 200)));
      tooLong = true;
      length += s.length;
      return;
    }
    parts.push(s);
    length += s.length;
  };
  const finish = (): RawLine => {
    const text = parts.join('');
    const line: RawLine = tooLong ? { text: text.slice(0, 200), tooLong: length } : { text };
    if (tooLong) facts.linesTooLong++;
    parts = [];
    length = 0;
    tooLong = false;
    return line;
  };
  for await (const chunk of chunks) {
    facts.bytes += chunk.length;
    const s = decoder.decode(chunk, { stream: true });
    let from = 0;
    for (let nl = s.indexOf('\n', from); nl >= 0; nl = s.indexOf('\n', from)) {
      take(s.slice(from, nl));
      yield finish();
      from = nl + 1;
    }
    if (from < s.length) take(s.slice(from));
  }
  const tail = decoder.decode();
  if (tail) take(tail);
  if (length > 0) {
    facts.truncatedLastLine = true;
    yield finish();
  }
}

/** Reads and parses a pop.log file. Errors (no such file, a directory, unreadable) are one line naming the path. */
export async function readPopLogFile(path: string, options: PopLogFileOptions = {}): Promise<PopLogFileResult> {
  let size: number;
  try {
    const st = await stat(path);
    if (st.isDirectory()) return { ok: false, path, error: `${path} is a directory, not a pop.log file` };
    if (!st.isFile()) return { ok: false, path, error: `${path} is not a regular file` };
    size = st.size;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    return { ok: false, path, error: `cannot read ${path}: ${why}` };
  }
  const facts = { truncatedLastLine: false, linesTooLong: 0, bytes: 0 };
  const entries: PopLogEntry[] = [];
  const keep = options.keepEntries ?? true;
  try {
    const stream = readPopLog(
      boundedLines(createReadStream(path, { highWaterMark: 1 << 16 }), options.maxLineLength ?? MAX_LINE_LENGTH, facts),
    );
    for await (const entry of stream) {
      if (keep) entries.push(entry);
      options.onEntry?.(entry);
    }
    return {
      ok: true,
      path,
      entries,
      counts: stream.counts,
      file: { bytes: facts.bytes, empty: size === 0 && facts.bytes === 0, truncatedLastLine: facts.truncatedLastLine, linesTooLong: facts.linesTooLong },
      coverage: describeCoverage(stream.counts),
    };
  } catch (e) {
    return { ok: false, path, error: `cannot read ${path}: ${(e as Error).message}` };
  }
}
