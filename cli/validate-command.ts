/**
 * `popcheck validate FILE...`: does what a broker wrote conform to the protocol?
 *
 * A file is RocketMQ's pop.log (5.3.x formats), popcheck's JSON Lines form of one
 * (traces/poplog-jsonl.ts), or a popcheck model trace (the `replay` format). Each pop.log CK is
 * checked by its own model (traces/validate.ts). Several files (one per broker) are read one
 * after the other and reported together; the verdict is the worst of theirs.
 */
import { createReadStream, existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { open, stat } from 'node:fs/promises';
import { EVIDENCE_TEXT, findCatalogueMatches } from '../traces/catalogue-match.js';
import { boundedLines } from './poplog-file.js';
import { describeCoverage, MAX_LINE_LENGTH, PopLogAccumulator, parsePopLogLine, type PopLogCounts, type PopLogEntry, type PopLogLine, type RawLine } from '../traces/poplog.js';
import { headline, PopLogValidator, type CkResult, type UnusedReason } from '../traces/validate.js';
import { DEFAULT_RELEASE, findRelease } from '../model/versions.js';
import { parseSetFlags } from './args.js';
import { parseFlags, UsageError, type FlagSpec } from './errors.js';
import type { z } from 'zod';
import { ReplayReportSchema, type ValidateFileReportSchema, type ValidateReportSchema } from './report-schema.js';
import { runKvReplay, runReplay, type KvReplayReport } from './replay-command.js';
import { isKvTraceText } from '../traces/kv.js';
import type { NarratedStep } from '../model/narrate.js';
import { sequenceDiagram } from '../model/sequence-diagram.js';
import { ckLineRecords, popLogDiagram } from '../traces/poplog-diagram.js';
import { parsePopLogJsonlHeader, parsePopLogJsonlLine } from '../traces/poplog-jsonl.js';
import { POPLOG_RELEASES } from '../traces/poplog-render.js';

/** The release a pop.log is read as without --rocketmq (the CLI's default release). */
const DEFAULT_POPLOG_RELEASE = DEFAULT_RELEASE;

export const VALIDATE_FLAGS: Record<string, FlagSpec> = {
  format: { type: 'string' },
  rocketmq: { type: 'string' },
  set: { type: 'string', multiple: true },
  'batch-ack': { type: 'boolean' },
  'max-memory': { type: 'string' },
  mermaid: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

export interface ValidateArgs {
  readonly files: readonly string[];
  readonly format: 'auto' | 'poplog' | 'jsonl';
  readonly rocketmq: string | null;
  readonly settings: Record<string, unknown>;
  readonly batchAck: boolean;
  /** Heap of each file's worker thread, MB: a file that needs more ends incomplete. */
  readonly maxMemoryMb: number;
  readonly json: boolean;
  readonly help: boolean;
  /** `--mermaid FILE`: the model steps behind the first bad finding, as a sequence diagram. */
  readonly mermaid?: string | null;
}

/** The default heap of a validation worker, MB (the issue's goal: under 300 MB peak RSS for a 1M-line log). */
export const VALIDATE_MEMORY_MB = 192;

export function parseValidateArgs(command: string, argv: readonly string[]): ValidateArgs {
  const parsed = parseFlags(command, argv, VALIDATE_FLAGS, true);
  const v = parsed.values;
  const none: ValidateArgs = { files: [], format: 'auto', rocketmq: null, settings: {}, batchAck: false, maxMemoryMb: VALIDATE_MEMORY_MB, json: false, help: true, mermaid: null };
  if (v.help === true) return none;
  if (parsed.positionals.length === 0) throw new UsageError(`${command} takes one or more files (popcheck ${command} FILE... [--format auto|poplog|jsonl] [--rocketmq R] [--set k=v]... [--json])`);
  const format = (v.format as string | undefined) ?? 'auto';
  if (format !== 'auto' && format !== 'poplog' && format !== 'jsonl') throw new UsageError(`--format: expected auto, poplog or jsonl (got '${format}')`);
  const rocketmq = (v.rocketmq as string | undefined) ?? null;
  if (rocketmq !== null && !findRelease(rocketmq)) throw new UsageError(`--rocketmq: unknown release '${rocketmq}' (try: popcheck versions)`);
  const settings = parseSetFlags(v.set);
  if ('popInvisibleTime' in settings) throw new UsageError('--set popInvisibleTime: validate takes each CK\'s invisible time from the log (reviveTime - popTime)');
  const mem = v['max-memory'] as string | undefined;
  if (mem !== undefined && (!/^[0-9]+$/.test(mem) || Number(mem) < 64 || Number(mem) > 65536)) {
    throw new UsageError(`--max-memory: expected megabytes, 64..65536 (got '${mem}')`);
  }
  const maxMemoryMb = mem === undefined ? VALIDATE_MEMORY_MB : Number(mem);
  return { files: parsed.positionals, format, rocketmq, settings, batchAck: v['batch-ack'] === true, maxMemoryMb, json: v.json === true, help: false, mermaid: (v.mermaid as string | undefined) ?? null };
}

export type Verdict = ValidateReport['verdict'];

/** The report of one file, and of the whole run: the types are those of their published schemas (cli/report-schema.ts). */
export type FileReport = z.infer<typeof ValidateFileReportSchema>;
export type ValidateReport = z.infer<typeof ValidateReportSchema>;

const RANK: Record<Verdict, number> = { conforms: 0, incomplete: 1, diverges: 2, violated: 3 };

async function firstLine(path: string): Promise<string> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await fh.read(buf, 0, 4096, 0);
    const text = buf.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '');
    return text.split('\n').find((l) => l.trim() !== '') ?? '';
  } finally {
    await fh.close();
  }
}

/** A system error reading `path` (ENOENT, EACCES, EIO, ...) as a one-line usage error naming it; any other error is returned as it is. */
function readError(path: string, e: unknown): unknown {
  const err = e as NodeJS.ErrnoException | null;
  if (typeof err?.code !== 'string' || typeof err.syscall !== 'string') return e;
  return new UsageError(`${path}: cannot read: ${err.code === 'ENOENT' ? 'no such file' : err.code === 'EACCES' ? 'permission denied' : `${err.code} (${err.syscall})`}`);
}

async function checkReadable(path: string): Promise<void> {
  let st;
  try {
    st = await stat(path);
  } catch (e) {
    throw readError(path, e);
  }
  if (st.isDirectory()) throw new UsageError(`${path}: is a directory, not a log file`);
  if (!st.isFile()) throw new UsageError(`${path}: is not a regular file`);
}

/** The worker script (dist build); absent when popcheck runs from its TypeScript sources. */
const WORKER = new URL('./validate-worker.js', import.meta.url);

/** Validates several files in worker threads, at most `cores` at once; reports in the order given. */
async function inWorkers(a: ValidateArgs): Promise<FileReport[]> {
  const cores = Math.max(1, Math.min(a.files.length, availableParallelism()));
  const out: FileReport[] = new Array(a.files.length);
  // A bad file's error, by index: the first in the order given is the one reported, whichever worker ends first.
  const failed: Error[] = [];
  let stop = a.files.length;
  let next = 0;
  const run = async (): Promise<void> => {
    while (next < stop) {
      const i = next++;
      const msg = await new Promise<{ ok: true; report: FileReport } | { ok: false; usage: boolean; message: string }>((resolve, reject) => {
        const w = new Worker(WORKER, { workerData: { path: a.files[i], args: a }, resourceLimits: { maxOldGenerationSizeMb: a.maxMemoryMb } });
        w.once('message', resolve);
        w.once('error', (err: NodeJS.ErrnoException) => {
          if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') resolve({ ok: true, report: outOfMemory(a.files[i], a) });
          else reject(err);
        });
        w.once('exit', (code) => {
          if (code !== 0) reject(new Error(`validate worker for ${a.files[i]} exited with code ${code}`));
        });
      });
      if (msg.ok) out[i] = msg.report;
      else {
        failed[i] = msg.usage ? new UsageError(msg.message) : new Error(msg.message);
        stop = Math.min(stop, i); // files after it need not be read
      }
    }
  };
  await Promise.all(Array.from({ length: cores }, run));
  const bad = failed.find((e) => e !== undefined);
  if (bad) throw bad;
  return out;
}

/** The report of a file whose check needed more than --max-memory: incomplete, nothing concluded. */
function outOfMemory(path: string, a: ValidateArgs): FileReport {
  return {
    file: path,
    format: 'poplog',
    rocketmq: a.rocketmq ?? DEFAULT_POPLOG_RELEASE,
    verdict: 'incomplete',
    line: null,
    invariant: null,
    ck: null,
    offsets: [],
    catalogue: [],
    reason: `the check needed more than --max-memory ${a.maxMemoryMb} MB (CKs open at once); nothing is concluded for this file`,
    explanation: [],
    violations: [],
    candidatesBefore: null,
    lines: 0,
    linesByKind: {},
    unusedLines: { total: 0, notPerCk: {}, unknown: 0, malformed: 0, blank: 0, continuation: 0, ckBeforeLog: 0, ckUnchecked: 0, afterVerdict: 0 },
    malformedExamples: [],
    coverage: 'The check stopped: out of memory.',
    cks: { total: 0, conforms: 0, violated: 0, diverges: 0, unchecked: 0, incomplete: 0 },
    findings: [],
    facts: { truncatedLastLine: false, linesTooLong: 0, timeWentBack: 0 },
    replay: null,
  };
}

export async function runValidate(a: ValidateArgs, readFile: (p: string) => string): Promise<ValidateReport> {
  let files: FileReport[] = [];
  // From the built CLI every file is read in a worker thread with a bounded heap (--max-memory).
  if (existsSync(fileURLToPath(WORKER))) files = await inWorkers(a);
  else for (const f of a.files) files.push(await validateFile(f, a, readFile));
  const worst = files.reduce((w, f) => (RANK[f.verdict] > RANK[w.verdict] ? f : w), files[0]);
  const firstBad = files
    .filter((f) => f.verdict === worst.verdict && f.verdict !== 'conforms')
    .sort((x, y) => (x.line ?? 0) - (y.line ?? 0))[0];
  const linesByKind: Record<string, number> = {};
  for (const f of files) for (const [k, n] of Object.entries(f.linesByKind)) linesByKind[k] = (linesByKind[k] ?? 0) + n;
  return {
    command: 'validate',
    verdict: worst.verdict,
    file: firstBad?.file ?? null,
    line: firstBad?.line ?? null,
    invariant: firstBad?.invariant ?? null,
    ck: firstBad?.ck ?? null,
    offsets: firstBad?.offsets ?? [],
    catalogue: firstBad?.catalogue ?? [],
    linesByKind,
    unusedLines: files.reduce((n, f) => n + f.unusedLines.total, 0),
    files,
  };
}

export async function validateFile(path: string, a: ValidateArgs, readFile: (p: string) => string): Promise<FileReport> {
  await checkReadable(path);
  const head = await firstLine(path).catch((e: unknown) => Promise.reject(readError(path, e)));
  let format: FileReport['format'];
  if (a.format === 'poplog') format = 'poplog';
  else if (head.trimStart().startsWith('{')) {
    // --format jsonl: the file must be pop.log JSONL (a bad header is refused as one, not read as a model trace).
    format = a.format === 'jsonl' || /"popcheck"\s*:\s*"poplog"/.test(head) ? 'poplog-jsonl' : 'trace';
  } else if (a.format === 'jsonl') {
    throw new UsageError(`${path}:1: --format jsonl: the first line is not a JSON object`);
  } else format = 'poplog';
  if (format === 'trace') return traceReport(path, a, readFile);
  let release = a.rocketmq;
  if (format === 'poplog-jsonl') {
    const h = parsePopLogJsonlHeader(head);
    if (!h.ok) throw new UsageError(`${path}:1: ${h.reason}`);
    if (release !== null && release !== h.header.rocketmq) {
      throw new UsageError(`${path}:1: the file says RocketMQ ${h.header.rocketmq}, --rocketmq says ${release}`);
    }
    release = h.header.rocketmq;
  }
  release ??= DEFAULT_POPLOG_RELEASE;
  if (!(POPLOG_RELEASES as readonly string[]).includes(release)) {
    throw new UsageError(`--rocketmq ${release}: popcheck reads the pop.log formats of ${POPLOG_RELEASES.join(', ')} only`);
  }
  let validator: PopLogValidator;
  try {
    validator = new PopLogValidator({ release, settings: a.settings, batchAck: a.batchAck });
    validator.check();
  } catch (err) {
    throw new UsageError(`--set: ${(err as Error).message}`);
  }
  const acc = new PopLogAccumulator();
  const facts = { truncatedLastLine: false, linesTooLong: 0, bytes: 0 };
  let first = true;
  const feed = (entries: readonly PopLogEntry[]): void => {
    for (const e of entries) if (e.kind !== 'unknown' && e.kind !== 'malformed') validator.push(e);
  };
  const parse =
    format === 'poplog-jsonl'
      ? (input: string | RawLine, n: number): PopLogLine =>
          typeof input !== 'string' && input.tooLong !== undefined
            ? { kind: 'malformed', line: n, reason: `line too long (${input.tooLong} characters)` }
            : parsePopLogJsonlLine(typeof input === 'string' ? input : input.text, n)
      : parsePopLogLine;
  try {
    for await (const raw of boundedLines(createReadStream(path, { highWaterMark: 1 << 16 }), MAX_LINE_LENGTH, facts)) {
      // The JSONL header is the first non-blank line (as firstLine found it); blank lines before it are blank lines.
      if (first && format === 'poplog-jsonl' && raw.tooLong === undefined && raw.text.replace(/^\uFEFF/, '').trim() !== '') {
        acc.skip();
        first = false;
      } else feed(acc.push(raw, parse));
    }
  } catch (e) {
    throw readError(path, e);
  }
  feed(acc.end());
  const counts = acc.counts;
  if (counts.records + counts.unknown === 0 && counts.malformed > 0) {
    // Not one line has a pop.log line's form (binary data, a .gz, another log's layout): no verdict, not even a vacuous one.
    const ex = counts.malformedExamples[0];
    const what = format === 'poplog' ? 'a pop.log' : 'pop.log JSONL';
    throw new UsageError(`${path}:${ex.line}: not ${what}: none of its ${counts.lines} lines is a pop.log line (line ${ex.line}: ${ex.reason.replace(/[\u0000-\u001f\u007f]/g, ' ')})`);
  }
  const res = validator.finish();
  return fileReport(path, format, release, counts, res, validator, facts);
}

function fileReport(
  path: string,
  format: FileReport['format'],
  release: string,
  counts: PopLogCounts,
  res: ReturnType<PopLogValidator['finish']>,
  validator: PopLogValidator,
  facts: { truncatedLastLine: boolean; linesTooLong: number },
): FileReport {
  const { top, verdict } = headline(res.cks);
  const notPerCk: Record<string, number> = {};
  for (const [k, n] of Object.entries(counts.linesByKind)) {
    if (!PER_CK.has(k)) notPerCk[k] = n as number;
  }
  notPerCk['per-CK kinds without a CK key'] = res.unused.notPerCk;
  const u = res.unused as Record<UnusedReason, number>;
  const notPerCkTotal = Object.values(notPerCk).reduce((x, y) => x + y, 0);
  const total = notPerCkTotal + counts.unknown + counts.malformed + counts.blank + counts.continuation + u.ckBeforeLog + u.ckUnchecked + u.afterVerdict;
  const findings = res.cks.filter((c) => c.verdict !== 'conforms').slice(0, 50);
  // The headline CK is always among the findings (its lines are what --mermaid draws).
  if (top !== null && !findings.includes(top)) findings.push(top);
  return {
    file: path,
    format,
    rocketmq: release,
    verdict,
    line: top?.line ?? null,
    invariant: top?.invariant ?? null,
    ck: top?.ck ?? null,
    offsets: top?.offsets ?? [],
    catalogue: top && top.verdict === 'violated' ? findCatalogueMatches(release, top) : [],
    reason: top?.reason ?? null,
    explanation: top?.explanation ?? [],
    violations: top?.violations ?? [],
    candidatesBefore: top ? top.candidatesBefore : null,
    lines: counts.lines,
    linesByKind: { ...(counts.linesByKind as Record<string, number>) },
    unusedLines: {
      total,
      notPerCk,
      unknown: counts.unknown,
      malformed: counts.malformed,
      blank: counts.blank,
      continuation: counts.continuation,
      ckBeforeLog: u.ckBeforeLog,
      ckUnchecked: u.ckUnchecked,
      afterVerdict: u.afterVerdict,
    },
    malformedExamples: counts.malformedExamples.map((m) => ({ line: m.line, reason: m.reason })),
    coverage: describeCoverage(counts),
    cks: { total: validator.counts.cks, ...pick(validator.counts) },
    findings,
    facts: { truncatedLastLine: facts.truncatedLastLine, linesTooLong: facts.linesTooLong, timeWentBack: counts.timeWentBack },
    replay: null,
  };
}

function pick(c: PopLogValidator['counts']): { conforms: number; violated: number; diverges: number; unchecked: number; incomplete: number } {
  return { conforms: c.conforms, violated: c.violated, diverges: c.diverges, unchecked: c.unchecked, incomplete: c.incomplete };
}

import { CK_LINE_KINDS } from '../traces/poplog-expect.js';
const PER_CK: ReadonlySet<string> = CK_LINE_KINDS as ReadonlySet<string>;

function traceReport(path: string, a: ValidateArgs, readFile: (p: string) => string): FileReport {
  if (a.rocketmq !== null || Object.keys(a.settings).length > 0 || a.batchAck) {
    throw new UsageError(`${path}: a popcheck trace names its model in its header; --rocketmq, --set and --batch-ack do not apply`);
  }
  const text = readFile(path);
  if (isKvTraceText(text)) return kvTraceReport(path, runKvReplay({ file: path, invariants: null }, text));
  const r = runReplay({ file: path, invariants: null }, readFile, text);
  return modelTraceReport(path, r.header.rocketmq, r, 'A popcheck model trace: every event line is checked against the model its header names.', ReplayReportSchema.parse(r));
}

/** What `validate` needs of a model trace's replay, whichever implementation it is of. */
interface TraceReplay {
  readonly verdict: Verdict;
  readonly lines: { readonly events: number; readonly used: number; readonly skipped: readonly number[] };
  readonly divergence: { readonly line: number; readonly reason: string } | null;
  readonly violations: readonly { readonly invariant: string; readonly line: number; readonly explanation: readonly string[] }[];
  readonly steps: readonly { readonly event: { readonly type: string } }[];
}

function modelTraceReport(path: string, rocketmq: string, r: TraceReplay, coverage: string, replay: FileReport['replay']): FileReport {
  const v = r.violations[0];
  const afterVerdict = r.lines.events - r.lines.used;
  return {
    file: path,
    format: 'trace',
    rocketmq,
    verdict: r.verdict,
    line: v?.line ?? r.divergence?.line ?? null,
    invariant: v?.invariant ?? null,
    ck: null,
    offsets: [],
    catalogue: [],
    reason: r.divergence?.reason ?? null,
    explanation: [...(v?.explanation ?? [])],
    violations: r.violations.map((x) => ({ invariant: x.invariant, line: x.line, offsets: [], explanation: [...x.explanation] })),
    candidatesBefore: r.divergence ? 1 : null,
    lines: r.lines.events + r.lines.skipped.length + 1,
    linesByKind: r.steps.reduce<Record<string, number>>((m, s) => {
      m[s.event.type] = (m[s.event.type] ?? 0) + 1;
      return m;
    }, {}),
    unusedLines: { total: r.lines.skipped.length + afterVerdict, notPerCk: {}, unknown: 0, malformed: 0, blank: r.lines.skipped.length, continuation: 0, ckBeforeLog: 0, ckUnchecked: 0, afterVerdict },
    malformedExamples: [],
    coverage,
    cks: { total: 0, conforms: 0, violated: 0, diverges: 0, unchecked: 0, incomplete: 0 },
    findings: [],
    facts: { truncatedLastLine: false, linesTooLong: 0, timeWentBack: 0 },
    replay,
  };
}

/** A KV model trace (traces/kv.ts) as a file of `validate`: replayed against the KV model its header names. */
function kvTraceReport(path: string, r: KvReplayReport): FileReport {
  const replay = { ...r, violations: r.violations.map((x) => ({ ...x, explanation: [x.description] })) };
  return modelTraceReport(path, r.identity.rocketmq, replay, 'A popcheck KV model trace: every event line is checked against the KV service model its header names.', null);
}

// ---------------------------------------------------------------------------------------------
// Text

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function ckText(c: CkResult['ck']): string {
  return `CK ${c.topic}@${c.group}@${c.queueId} startOffset=${c.startOffset}${c.num !== null ? ` num=${c.num}` : ''}${c.popTime !== null ? ` popTime=${c.popTime}` : ''}${c.reviveTime !== null ? ` reviveTime=${c.reviveTime}` : ''} brokerName=${c.brokerName ?? 'null'}`;
}

export function renderValidate(r: ValidateReport): string {
  const out: string[] = [];
  for (const f of r.files) {
    out.push(`popcheck validate ${f.file} (${f.format}, RocketMQ ${f.rocketmq})`);
    if (f.format === 'trace') {
      out.push(`  a popcheck model trace: ${f.verdict}${f.line !== null ? ` at line ${f.line}` : ''}${f.invariant ? ` (${f.invariant})` : ''}${f.reason ? `: ${f.reason}` : ''}`);
      continue;
    }
    const c = f.cks;
    out.push(`  ${plural(f.lines, 'line')}; ${plural(c.total, 'CK')}: ${c.conforms} conform, ${c.violated} violated, ${c.diverges} diverge, ${c.incomplete} incomplete, ${c.unchecked} not checkable`);
    out.push(`  ${f.coverage}`);
    const u = f.unusedLines;
    const parts = [
      u.ckBeforeLog > 0 ? `${u.ckBeforeLog} of CKs popped before the log starts` : '',
      u.ckUnchecked > 0 ? `${u.ckUnchecked} of CKs the model cannot check` : '',
      u.afterVerdict > 0 ? `${u.afterVerdict} after a CK's verdict` : '',
      u.unknown > 0 ? `${u.unknown} unknown` : '',
      u.malformed > 0 ? `${u.malformed} malformed (first: line ${f.malformedExamples[0]?.line}: ${f.malformedExamples[0]?.reason})` : '',
      u.blank + u.continuation > 0 ? `${u.blank + u.continuation} blank or stack-trace` : '',
    ].filter((p) => p !== '');
    const notPerCk = Object.entries(u.notPerCk).filter(([, n]) => n > 0);
    if (notPerCk.length > 0) parts.push(`${notPerCk.reduce((n, [, k]) => n + k, 0)} not about one CK (${notPerCk.map(([k, n]) => `${k} ${n}`).join(', ')})`);
    out.push(`  lines not used: ${u.total}${parts.length > 0 ? `: ${parts.join('; ')}` : ''}`);
    if (f.facts.truncatedLastLine) out.push('  the last line has no newline (cut while written?)');
    if (f.facts.timeWentBack > 0) out.push(`  timestamps go back ${f.facts.timeWentBack} time(s) (log rotation or clock change)`);
    if (f.verdict === 'violated' && f.ck) {
      out.push('');
      out.push(`VIOLATED ${f.invariant} at ${f.file}:${f.line}`);
      out.push(`  ${ckText(f.ck)}`);
      if (f.offsets.length > 0) out.push(`  offsets: ${f.offsets.join(', ')}`);
      for (const e of f.explanation) out.push(`  ${e}`);
      const more = f.violations.filter((x) => x.invariant !== f.invariant);
      for (const m of more) {
        out.push(`  also ${m.invariant} at line ${m.line}${m.line < (f.line ?? 0) ? ' (the first sign)' : ''}${m.explanation.length > 0 ? ':' : ''}`);
        for (const e of m.explanation) out.push(`    ${e}`);
      }
      for (const ev of f.findings.find((x) => x.line === f.line && x.invariant === f.invariant)?.evidence ?? []) {
        out.push(`  line ${ev.line}: ${EVIDENCE_TEXT[ev.what] ?? ev.what}`);
      }
      if (f.catalogue.length > 0) out.push(`  matches catalogue: ${f.catalogue.join(', ')} (popcheck bugs)`);
    } else if (f.verdict === 'diverges' && f.ck) {
      out.push('');
      out.push(`DIVERGES at ${f.file}:${f.line}: no model step explains this line`);
      out.push(`  ${ckText(f.ck)}`);
      out.push(`  ${f.candidatesBefore} candidate state(s) were possible before it; the closest: ${f.reason}`);
      if (u.malformed > 0) out.push(`  note: ${u.malformed} malformed line(s) were not used (first: line ${f.malformedExamples[0]?.line}); a CK that lost a line to one of them diverges`);
    } else if (f.verdict === 'incomplete') {
      out.push('');
      out.push(`INCOMPLETE ${f.line !== null ? `at ${f.file}:${f.line}` : `for ${f.file}`}: ${f.reason}`);
    }
    const unchecked = f.findings.filter((x) => x.verdict === 'unchecked');
    if (unchecked.length > 0) {
      const why = new Map<string, number>();
      for (const x of unchecked) why.set(x.reason ?? '', (why.get(x.reason ?? '') ?? 0) + 1);
      out.push(`  not checkable: ${[...why].map(([w, n]) => `${n} × ${w}`).join('; ')}`);
    }
    out.push('');
  }
  const verdictText: Record<Verdict, string> = {
    conforms: 'CONFORMS: every checked CK is explained by the protocol and no invariant failed.',
    violated: 'VIOLATED: the broker did something the protocol forbids.',
    diverges: 'DIVERGES: a line no model step explains.',
    incomplete: 'INCOMPLETE: the check stopped before a verdict (a cut search, or --max-memory).',
  };
  // No CK checked (enablePopLog=false, an empty log, only CKs popped before it starts): say that the verdict is empty.
  const checked = r.files.reduce((n, f) => n + (f.format === 'trace' ? 1 : f.cks.total - f.cks.unchecked), 0);
  out.push(r.verdict === 'conforms' && checked === 0 ? 'CONFORMS only vacuously: no CK could be checked, so nothing per-CK could be concluded.' : verdictText[r.verdict]);
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// --mermaid

/**
 * The model steps `--mermaid` draws for a validation: the replayed steps of the first popcheck
 * model trace that violates or diverges (up to the diverging line). A pop.log's CKs are checked
 * over sets of candidate states, with no single step path kept: null (validateDiagram draws
 * their lines instead).
 */
export function validateSteps(r: ValidateReport): { steps: NarratedStep[]; title: string } | null {
  const f = r.files.find((x) => x.format === 'trace' && x.replay !== null && (x.verdict === 'violated' || x.verdict === 'diverges'));
  if (!f || !f.replay) return null;
  let now = 0;
  const steps = f.replay.steps.map((s, i) => {
    now = Math.max(now, (s.event.type === 'tick' ? s.event.to : s.event.at) ?? now);
    return { index: i + 1, event: s.event, time: now, notes: s.notes, observations: s.observations };
  });
  const at = f.line === null ? '' : ` at line ${f.line}`;
  return { steps, title: `popcheck validate ${f.file} (RocketMQ ${f.rocketmq}): ${f.verdict}${f.invariant ? ` ${f.invariant}` : ''}${at}` };
}

/** The CK a pop.log file's report headlines (the worst finding, as `fileReport` chose it), when it violated or diverged. */
export function headlineCk(f: FileReport): CkResult | null {
  if (f.format === 'trace' || (f.verdict !== 'violated' && f.verdict !== 'diverges') || f.ck === null) return null;
  const same = (x: CkResult): boolean =>
    x.verdict === f.verdict && x.line === f.line && x.invariant === f.invariant && JSON.stringify(x.ck) === JSON.stringify(f.ck);
  return f.findings.find(same) ?? null;
}

/** Lines `wanted` of the file at `path` (1-based numbers), read once, streaming: only those lines are kept. */
async function linesOf(path: string, wanted: ReadonlySet<number>): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  const last = Math.max(0, ...wanted);
  const stream = createReadStream(path, { highWaterMark: 1 << 16 });
  let n = 0;
  try {
    for await (const raw of boundedLines(stream, MAX_LINE_LENGTH, { truncatedLastLine: false, linesTooLong: 0, bytes: 0 })) {
      n++;
      if (wanted.has(n) && raw.tooLong === undefined) out.set(n, raw.text);
      if (n >= last) break;
    }
  } catch (e) {
    throw readError(path, e);
  } finally {
    stream.destroy();
  }
  return out;
}

/**
 * What `validate --mermaid` draws: for a popcheck model trace that violates or diverges, its
 * replayed steps (model/sequence-diagram.ts); for a pop.log, the lines of the CK the report
 * headlines, read again from the file (traces/poplog-diagram.ts). Otherwise a note saying why
 * nothing is drawn.
 */
export async function validateDiagram(r: ValidateReport): Promise<{ text: string; note?: never } | { note: string; text?: never }> {
  const f = r.verdict === 'violated' || r.verdict === 'diverges' ? r.files.find((x) => x.file === r.file && x.verdict === r.verdict) : undefined;
  if (f === undefined || f.format === 'trace') {
    const steps = validateSteps(r);
    if (steps !== null) return { text: sequenceDiagram(steps.steps, { title: steps.title }) };
    if (r.files.every((x) => x.format === 'trace')) return { note: `no model steps to draw (verdict ${r.verdict})` };
    return { note: `no violated or diverging CK to draw (verdict ${r.verdict})` };
  }
  const ck = headlineCk(f);
  if (ck === null) return { note: `no violated or diverging CK to draw (verdict ${r.verdict})` };
  const lines = await linesOf(f.file, new Set(ck.lines));
  const records = ckLineRecords(ck, (n) => lines.get(n), f.format);
  return { text: popLogDiagram(ck, records, f.rocketmq) };
}
