/**
 * Part c: pop.log validation. For each release, `popcheck simulate` writes a log in each format
 * into a temporary directory, then `popcheck validate FILE --json` reads it; both run as child
 * processes of the built CLI (dist/cli/main.js), measured by bench/child-measure.ts. One more
 * row validates the release's two files at once (one worker thread per file). The files are
 * deleted when their rows are done, the directory at the end (or on SIGINT/SIGTERM).
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { POPLOG_FORMATS, POPLOG_SEED, VALIDATE_GOALS, type PoplogRelease } from './cases.js';
import { describeRssMethod, rssMethod, runNodeChild, type ChildRun, type RssMethod } from './child-measure.js';
import { repoRoot } from './paths.js';
import { int, mb, renderTable } from './table.js';

export const CLI = join(repoRoot(), 'dist', 'cli', 'main.js');

/** What the table reads from `validate --json`. */
interface FileCounts {
  readonly lines: number;
  readonly cks: { readonly total: number; readonly conforms: number; readonly violated: number; readonly diverges: number; readonly unchecked: number; readonly incomplete: number };
  /** The first 50 CKs that did not conform. */
  readonly findings: readonly { readonly verdict: string; readonly invariant: string | null; readonly reason: string | null }[];
}
interface ValidateJson {
  readonly verdict: string;
  /** The headline: its invariant and the catalogue entries it matches. */
  readonly invariant: string | null;
  readonly catalogue: readonly string[];
  readonly files: readonly FileCounts[];
}

export interface PoplogRow {
  readonly format: string;
  readonly release: string;
  readonly files: number;
  readonly cks: number;
  readonly bytes: number;
  /** Wall time of simulate (null: the row reuses files written for other rows). */
  readonly simulateMs: number | null;
  readonly validate: ChildRun | null;
  readonly report: ValidateJson | null;
  readonly spec: PoplogRelease;
  /** Why the row has no figures (a simulate or validate that failed). */
  readonly error: string | null;
}

const lastLine = (s: string): string => s.trim().split('\n').at(-1) ?? '';

function failure(what: string, r: ChildRun): string {
  const how = r.signal !== null ? `killed by ${r.signal}` : `exit code ${r.status}`;
  const msg = lastLine(r.stderr);
  return `${what}: ${how}${msg !== '' ? `: ${msg}` : ''}`;
}

export interface PoplogOptions {
  readonly releases: readonly PoplogRelease[];
  readonly cks: number;
  readonly progress: (s: string) => void;
}

export interface PoplogOutcome {
  readonly text: string;
  /** A verdict the release's log should not get, a diverging CK, or a run that failed. */
  readonly unexpected: boolean;
}

/** Validates `files` (one row); `format` labels it. */
function validateRow(m: RssMethod, dir: string, format: string, rel: PoplogRelease, files: readonly string[], cks: number, simulateMs: number | null): PoplogRow {
  const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
  const base = { format, release: rel.release, files: files.length, cks, bytes, simulateMs, spec: rel };
  const v = runNodeChild(m, dir, CLI, ['validate', ...files, '--rocketmq', rel.release, '--json']);
  // validate exits 0 conforms, 1 violated, 3 incomplete; 2 is a usage or input error.
  if (v.status !== 0 && v.status !== 1 && v.status !== 3) return { ...base, validate: v, report: null, error: failure('validate', v) };
  let report: ValidateJson;
  try {
    report = JSON.parse(v.stdout) as ValidateJson;
  } catch {
    return { ...base, validate: v, report: null, error: `validate: its --json output is not JSON: ${lastLine(v.stderr)}` };
  }
  return { ...base, validate: v, report, error: null };
}

/** Runs simulate and validate for every release and format; see the file comment. */
export function poplogRows(o: PoplogOptions, m: RssMethod, dir: string): PoplogRow[] {
  const rows: PoplogRow[] = [];
  for (const rel of o.releases) {
    const written: string[] = [];
    for (const format of POPLOG_FORMATS) {
      const file = join(dir, `${rel.release}.${format === 'jsonl' ? 'jsonl' : 'log'}`);
      o.progress(`simulate ${format} ${rel.release} (${int(o.cks)} CKs)`);
      const s = runNodeChild(m, dir, CLI, ['simulate', '--seed', String(POPLOG_SEED), '--cks', String(o.cks), '--format', format, '--rocketmq', rel.release, '--out', file]);
      if (s.status !== 0) {
        rows.push({ format, release: rel.release, files: 1, cks: o.cks, bytes: 0, simulateMs: s.wallMs, validate: null, report: null, spec: rel, error: failure('simulate', s) });
        continue;
      }
      written.push(file);
      o.progress(`validate ${format} ${rel.release}`);
      rows.push(validateRow(m, dir, format, rel, [file], o.cks, s.wallMs));
    }
    if (written.length === POPLOG_FORMATS.length && rel === o.releases[0]) {
      o.progress(`validate ${POPLOG_FORMATS.join(' + ')} ${rel.release}`);
      rows.push(validateRow(m, dir, POPLOG_FORMATS.join(' + '), rel, written, o.cks * written.length, null));
    }
    for (const f of written) rmSync(f, { force: true });
  }
  return rows;
}

const HEADER = [
  'format',
  'release',
  'files',
  'lines',
  'CKs',
  'file MB',
  'simulate s',
  'validate s',
  'CPU s',
  'lines/s',
  'peak RSS MB',
  'verdict',
  'headline (catalogue)',
  'CKs conform / violated / other',
  `>= ${int(VALIDATE_GOALS.linesPerSec)} lines/s`,
  `< ${VALIDATE_GOALS.peakRssMb} MB`,
];

const sec = (ms: number): string => (ms / 1000).toFixed(1);
const rssMb = (kb: number): number => kb / 1024;

/** Worker threads validate runs for `files` files. */
export const workersFor = (files: number): number => Math.max(1, Math.min(files, availableParallelism()));

/** lines/s per worker thread (the goal is for one core). */
function linesPerSecPerWorker(r: PoplogRow): number | null {
  if (r.report === null || r.validate === null) return null;
  return lines(r) / (r.validate.wallMs / 1000) / workersFor(r.files);
}

const lines = (r: PoplogRow): number => (r.report?.files ?? []).reduce((n, f) => n + f.lines, 0);

function ckCounts(r: ValidateJson): string {
  let conform = 0;
  let violated = 0;
  let other = 0;
  for (const f of r.files) {
    conform += f.cks.conforms;
    violated += f.cks.violated;
    other += f.cks.diverges + f.cks.unchecked + f.cks.incomplete;
  }
  return `${int(conform)} / ${int(violated)} / ${int(other)}`;
}

function headline(r: ValidateJson): string {
  if (r.invariant === null) return '-';
  // Catalogue ids: RocketMQ issue numbers (8835) and popcheck's own findings (I-2).
  return r.catalogue.length > 0 ? `${r.invariant} (${r.catalogue.map((c) => (/^\d+$/.test(c) ? `#${c}` : c)).join(', ')})` : r.invariant;
}

/** "1 incomplete (more than 256 candidate states)": the CKs counted as other, with the first reason of each kind. */
function otherText(r: ValidateJson): string | null {
  const parts: string[] = [];
  for (const kind of ['diverges', 'incomplete', 'unchecked'] as const) {
    const n = r.files.reduce((k, f) => k + f.cks[kind], 0);
    if (n === 0) continue;
    const reason = r.files.flatMap((f) => f.findings).find((x) => x.verdict === kind)?.reason;
    parts.push(`${int(n)} ${kind === 'diverges' ? 'diverge' : kind}${reason ? ` (the first: ${reason})` : ''}`);
  }
  return parts.length > 0 ? parts.join(', ') : null;
}

const met = (ok: boolean): string => (ok ? 'met' : 'not met');

function row(r: PoplogRow): string[] {
  const head = [r.format, r.release, String(r.files)];
  const sim = r.simulateMs === null ? '-' : sec(r.simulateMs);
  if (r.error !== null || r.report === null || r.validate === null) {
    const v = r.validate;
    return [...head, '-', int(r.cks), r.bytes > 0 ? mb(r.bytes / 2 ** 20) : '-', sim, v ? sec(v.wallMs) : '-', v?.cpuMs != null ? sec(v.cpuMs) : '-', '-', v?.peakRssKb != null ? mb(rssMb(v.peakRssKb)) : '-', 'error', '-', '-', '-', v?.peakRssKb != null ? met(rssMb(v.peakRssKb) < VALIDATE_GOALS.peakRssMb) : '-'];
  }
  const v = r.validate;
  const n = lines(r);
  const perWorker = linesPerSecPerWorker(r) ?? 0;
  return [
    ...head,
    int(n),
    int(r.cks),
    mb(r.bytes / 2 ** 20),
    sim,
    sec(v.wallMs),
    v.cpuMs === null ? '-' : sec(v.cpuMs),
    int(n / (v.wallMs / 1000)),
    v.peakRssKb === null ? '-' : mb(rssMb(v.peakRssKb)),
    r.report.verdict,
    headline(r.report),
    ckCounts(r.report),
    met(perWorker >= VALIDATE_GOALS.linesPerSec),
    v.peakRssKb === null ? '-' : met(rssMb(v.peakRssKb) < VALIDATE_GOALS.peakRssMb),
  ];
}

/** The goals' summary, from the rows. */
function goalLines(rows: readonly PoplogRow[]): string[] {
  const ran = rows.filter((r) => r.error === null && r.validate !== null && r.report !== null);
  const single = ran.filter((r) => r.files === 1);
  const out: string[] = [];
  if (single.length > 0) {
    const rates = single.map((r) => lines(r) / (r.validate!.wallMs / 1000));
    const cpuRates = single.filter((r) => r.validate!.cpuMs).map((r) => lines(r) / (r.validate!.cpuMs! / 1000));
    const best = Math.max(...rates);
    const metCount = rates.filter((x) => x >= VALIDATE_GOALS.linesPerSec).length;
    out.push(
      `Goal >= ${int(VALIDATE_GOALS.linesPerSec)} lines/s on one core: ${metCount === single.length ? 'met' : metCount === 0 ? 'not met' : 'met on some rows only'}` +
        ` (${metCount} of ${single.length} single-file rows; best ${int(best)} lines/s wall, ${((100 * best) / VALIDATE_GOALS.linesPerSec).toFixed(1)}% of the goal` +
        `${cpuRates.length > 0 ? `; best ${int(Math.max(...cpuRates))} lines per CPU second` : ''}).`,
    );
  }
  const withRss = ran.filter((r) => r.validate!.peakRssKb !== null);
  if (withRss.length > 0) {
    const mbs = withRss.map((r) => rssMb(r.validate!.peakRssKb!));
    const metCount = mbs.filter((x) => x < VALIDATE_GOALS.peakRssMb).length;
    out.push(
      `Goal < ${VALIDATE_GOALS.peakRssMb} MB peak RSS: ${metCount === withRss.length ? 'met' : metCount === 0 ? 'not met' : 'met on some rows only'}` +
        ` (${metCount} of ${withRss.length} rows; lowest ${mb(Math.min(...mbs))} MB, highest ${mb(Math.max(...mbs))} MB).`,
    );
  }
  return out;
}

/** Part c's table, goals and footnotes. */
export function poplogTable(o: PoplogOptions): PoplogOutcome {
  if (!existsSync(CLI)) return { text: `pop.log part skipped: ${CLI} is missing (npm run build)`, unexpected: false };
  const dir = mkdtempSync(join(tmpdir(), 'popcheck-bench-'));
  const clean = (): void => rmSync(dir, { recursive: true, force: true });
  const onSignal = (signal: NodeJS.Signals): void => {
    clean();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let rows: PoplogRow[];
  let method: RssMethod;
  try {
    method = rssMethod(dir);
    rows = poplogRows(o, method, dir);
  } finally {
    clean();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  const notes: string[] = [];
  let unexpected = false;
  for (const r of rows) {
    if (r.error !== null) {
      notes.push(`error: ${r.format} ${r.release}: ${r.error}`);
      unexpected = true;
    } else if (r.report !== null) {
      const rel = r.spec;
      const diverging = r.report.files.reduce((k, f) => k + f.cks.diverges, 0);
      const others = [...new Set(r.report.files.flatMap((f) => f.findings).filter((x) => x.verdict === 'violated' && !rel.invariants.includes(x.invariant ?? '')).map((x) => x.invariant))];
      if (!rel.expect.includes(r.report.verdict as never) || diverging > 0 || others.length > 0) {
        const what = [r.report.verdict, ...(diverging > 0 ? [`${diverging} CK(s) diverge`] : []), ...(others.length > 0 ? [`violates ${others.join(', ')}`] : [])];
        notes.push(`UNEXPECTED VERDICT: ${r.format} ${r.release}: ${what.join(', ')}; expected ${rel.expect.join(' or ')}, violating only ${rel.invariants.join(' or ')}, no CK diverging`);
        unexpected = true;
      }
      const other = otherText(r.report);
      if (other !== null) notes.push(`other, ${r.format} ${r.release}: ${other}`);
    }
  }
  const multi = rows.find((r) => r.files > 1);
  const text = [
    renderTable(HEADER, rows.map(row), 3),
    ...notes,
    '',
    ...goalLines(rows),
    '',
    `simulate: popcheck simulate --seed ${POPLOG_SEED} --cks ${o.cks} --format poplog|jsonl --rocketmq R --out FILE (3 topics x 2 groups x 4 queues, 8 revive queues), a child process;`,
    '  simulate s = its wall time; file MB = the file\'s size (MB = 2^20 bytes). lines = the file\'s lines as validate counts them (JSONL: with its header).',
    'validate: node dist/cli/main.js validate FILE... --rocketmq R --json, a child process; validate s = its wall time (Node\'s start included),',
    '  CPU s = user + system time of the process (all threads), lines/s = lines / validate s.',
    `peak RSS: ${describeRssMethod(method)}.`,
    ...(multi
      ? [`${multi.format}: both ${multi.release} files at once in one process, one worker thread each (${workersFor(multi.files)} on this machine); its lines/s goal is judged per worker (lines/s / ${workersFor(multi.files)}).`]
      : []),
    'headline: the invariant of the CK validate reports first (a harm a consumer sees first) and the catalogue entries it matches (docs/catalogue.md).',
    'Expected:',
    ...o.releases.map((r) => `  ${r.release}: ${r.expect.join(' or ')}, violating only ${r.invariants.join(' or ')}: ${r.why};`),
    '  every line of a simulated log is a model step, so no CK may diverge. Else the row is listed as UNEXPECTED VERDICT (exit code 1);',
    '  the violating CKs checked are the first 50 that validate lists.',
  ].join('\n');
  return { text, unexpected };
}
