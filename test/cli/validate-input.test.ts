/**
 * `popcheck validate` on bad input, through the built binary. The standard: a bad line is
 * counted in the report (unusedLines, malformedExamples naming the line), a bad file or flag is
 * one line on stderr naming FILE, FILE:LINE or the flag with exit 2; never a stack trace, never
 * exit 70, never a line that is neither used nor counted. Every file starts from a real
 * simulated log (simulate --seed 7 --cks 50 --rocketmq 5.3.2, 355 lines), edited.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FileReport, ValidateReport } from '../../cli/validate-command.js';
import { CK_LINE_KINDS } from '../../traces/poplog-expect.js';
import { bin, type Ran } from './helpers.js';

let dir = '';
/** The simulated log's lines, without their newlines. */
let lines: string[] = [];
let jsonl: string[] = [];

const path = (name: string): string => join(dir, name);
function write(name: string, content: string | Buffer): string {
  writeFileSync(path(name), content);
  return path(name);
}
const text = (ls: readonly string[]): string => ls.map((l) => `${l}\n`).join('');

/** Lines of the bytes as a reader sees them: one per LF, plus a last one without LF. */
function physicalLines(file: string): number {
  const b = readFileSync(file);
  let n = 0;
  for (const x of b) if (x === 0x0a) n++;
  return b.length > 0 && b[b.length - 1] !== 0x0a ? n + 1 : n;
}

function validate(...argv: string[]): { r: Ran; report: ValidateReport } {
  const r = bin('validate', ...argv, '--json');
  expect(r.stderr, argv.join(' ')).toBe('');
  expect([0, 1, 3], `${argv.join(' ')}: ${r.stderr}`).toContain(r.code);
  return { r, report: JSON.parse(r.stdout) as ValidateReport };
}

/**
 * Every line of `file` is counted once: f.lines is the file's line count; each line is a
 * recognised kind, unknown, malformed, blank or a continuation (or the JSONL header); the
 * unused total is the sum of its reasons; malformedExamples name lines of the file. Returns
 * the lines used by a CK's check (lines = used + unused).
 */
function accounted(f: FileReport, file: string, header = 0): number {
  const u = f.unusedLines;
  expect(f.lines, `${file}: lines`).toBe(physicalLines(file));
  const recognised = Object.values(f.linesByKind).reduce((a, b) => a + b, 0);
  expect(recognised + u.unknown + u.malformed + u.blank + u.continuation + header, `${file}: every line classified`).toBe(f.lines);
  const notPerCk = Object.values(u.notPerCk).reduce((a, b) => a + b, 0);
  expect(u.total, `${file}: unused = the sum of its reasons`).toBe(notPerCk + u.unknown + u.malformed + u.blank + u.continuation + u.ckBeforeLog + u.ckUnchecked + u.afterVerdict);
  expect(f.malformedExamples).toHaveLength(Math.min(5, u.malformed));
  for (const m of f.malformedExamples) {
    expect(m.line).toBeGreaterThanOrEqual(1);
    expect(m.line).toBeLessThanOrEqual(f.lines);
  }
  // Lines of per-CK kinds are used by a CK's check or unused for a CK reason.
  const perCk = Object.entries(f.linesByKind).reduce((n, [k, c]) => n + (CK_LINE_KINDS.has(k as never) ? c : 0), 0);
  const used = f.lines - header - u.total;
  expect(used, `${file}: used`).toBe(perCk - u.notPerCk['per-CK kinds without a CK key'] - u.ckBeforeLog - u.ckUnchecked - u.afterVerdict);
  expect(used).toBeGreaterThanOrEqual(0);
  return used;
}

/** Exit 2, nothing on stdout, one line on stderr matching `re` after "popcheck: ". */
function refused(r: Ran, re: RegExp, what: string): void {
  expect(r.code, `${what}: ${r.stderr}`).toBe(2);
  expect(r.stdout, what).toBe('');
  expect(r.stderr, what).toMatch(/^popcheck: [^\n]*\n$/);
  expect(r.stderr.slice('popcheck: '.length).trimEnd(), what).toMatch(re);
  expect(r.stderr, what).not.toMatch(/internal error|\n\s+at /);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'popcheck-validate-input-'));
  const r = bin('simulate', '--seed', '7', '--cks', '50', '--rocketmq', '5.3.2', '--out', path('base.log'));
  expect(r.code, r.stderr).toBe(0);
  lines = readFileSync(path('base.log'), 'utf8').split('\n').slice(0, -1);
  const j = bin('simulate', '--seed', '7', '--cks', '50', '--rocketmq', '5.3.2', '--format', 'jsonl', '--out', path('base.jsonl'));
  expect(j.code, j.stderr).toBe(0);
  jsonl = readFileSync(path('base.jsonl'), 'utf8').split('\n').slice(0, -1);
});

describe('validate: bad lines are counted, every line accounted for', () => {
  it('the unedited log: 355 lines, all used, conforms', () => {
    expect(lines).toHaveLength(355);
    const { r, report } = validate(path('base.log'), '--rocketmq', '5.3.2');
    expect(r.code).toBe(0);
    expect(report.files[0].cks).toMatchObject({ total: 50, conforms: 50 });
    expect(accounted(report.files[0], path('base.log'))).toBe(355);
  });

  it('a truncated last line (no newline, cut mid-CkWrap): malformed, named, the rest conforms', () => {
    // The file ends in the middle of a scan: the CK's step owes a line the log does not hold
    // (its 'Commit offset'); that is the end of the log, not a divergence.
    const k = lines.findIndex((l, i) => i > 100 && l.includes('Commit offset'));
    const cut = lines[k].slice(0, lines[k].indexOf('CkWrap{') + 40);
    const file = write('truncated.log', text(lines.slice(0, k)) + cut);
    const { r, report } = validate(file, '--rocketmq', '5.3.2');
    const f = report.files[0];
    expect(r.code, JSON.stringify(f.findings[0])).toBe(0);
    expect(f.facts.truncatedLastLine).toBe(true);
    expect(f.unusedLines.malformed).toBe(1);
    expect(f.malformedExamples[0]).toMatchObject({ line: k + 1, reason: expect.stringMatching(/^commitOffset: /) });
    expect(accounted(f, file)).toBe(k - f.unusedLines.ckUnchecked);
    const t = bin('validate', file, '--rocketmq', '5.3.2');
    expect(t.stdout).toContain(`1 malformed (first: line ${k + 1}: commitOffset: `);
    expect(t.stdout).toContain('the last line has no newline');
  });

  it("garbled JSON in a 'raw :' field: malformed with the field named; the CK that lost it diverges, and the text says why it may", () => {
    const k = lines.findIndex((l) => l.includes('find ck, offset:'));
    const l = lines[k].replace(/raw : \{"bm":0,/, 'raw : {bm;0,');
    expect(l).not.toBe(lines[k]);
    const file = write('raw-json.log', text([...lines.slice(0, k), l, ...lines.slice(k + 1)]));
    const { r, report } = validate(file, '--rocketmq', '5.3.2');
    const f = report.files[0];
    expect(f.unusedLines.malformed).toBe(1);
    expect(f.malformedExamples[0]).toMatchObject({ line: k + 1, reason: expect.stringMatching(/^findCk: ck: not valid JSON: '\{bm;0,/) });
    expect(r.code).toBe(1);
    expect(f.verdict).toBe('diverges');
    expect(f.line).toBeGreaterThan(k + 1);
    expect(accounted(f, file)).toBe(355 - 1 - f.unusedLines.afterVerdict);
    const t = bin('validate', file, '--rocketmq', '5.3.2');
    expect(t.code).toBe(1);
    expect(t.stdout).toContain(`note: 1 malformed line(s) were not used (first: line ${k + 1})`);
  });

  it('a CkWrap with a missing field: malformed, naming the field; its CK cannot be followed, its other lines are counted', () => {
    const l = lines[0].replace(/, num=\d+/, '');
    expect(l).not.toBe(lines[0]);
    const file = write('missing-field.log', text([l, ...lines.slice(1)]));
    const { r, report } = validate(file, '--rocketmq', '5.3.2');
    const f = report.files[0];
    expect(r.code).toBe(0);
    expect(f.malformedExamples).toEqual([{ line: 1, reason: expect.stringMatching(/^addCk: ckWrap\.ck\.num: /) }]);
    expect(f.cks.total).toBe(49);
    expect(f.unusedLines.ckBeforeLog).toBeGreaterThan(0);
    expect(accounted(f, file)).toBe(355 - 1 - f.unusedLines.ckBeforeLog);
    expect(bin('validate', file, '--rocketmq', '5.3.2').stdout).toMatch(/malformed \(first: line 1: addCk: ckWrap\.ck\.num/);
  });

  it("a line cut by log rotation (its tail at the start of the next file): each file counts its piece as malformed", () => {
    const k = 200;
    const at = lines[k].indexOf('CkWrap{') + 30;
    const a = write('rot.1.log', text(lines.slice(0, k)) + lines[k].slice(0, at));
    const b = write('rot.2.log', text([lines[k].slice(at), ...lines.slice(k + 1)]));
    const { r, report } = validate(a, b, '--rocketmq', '5.3.2');
    expect(r.code).toBe(0);
    const [fa, fb] = report.files;
    expect(fa.facts.truncatedLastLine).toBe(true);
    expect(fa.malformedExamples).toEqual([{ line: k + 1, reason: expect.any(String) }]);
    expect(fb.malformedExamples).toEqual([{ line: 1, reason: expect.stringMatching(/no log header/) }]);
    accounted(fa, a);
    accounted(fb, b);
    // The second file's lines are of CKs popped in the first: counted, not checked.
    expect(fb.unusedLines.ckBeforeLog).toBeGreaterThan(0);
    expect(report.unusedLines).toBe(fa.unusedLines.total + fb.unusedLines.total);
  });

  it('timestamps going backwards across a rotation (the newer file before the older one): counted as a fact, no false alarm', () => {
    const file = write('backwards.log', text([...lines.slice(180), ...lines.slice(0, 180)]));
    const { r, report } = validate(file, '--rocketmq', '5.3.2');
    const f = report.files[0];
    expect(r.code).toBe(0);
    expect(f.facts.timeWentBack).toBe(1);
    expect(f.unusedLines.malformed).toBe(0);
    accounted(f, file);
    expect(bin('validate', file, '--rocketmq', '5.3.2').stdout).toContain('timestamps go back 1 time(s)');
  });

  it('CRLF line ends and a BOM: read as the plain log', () => {
    for (const [name, content] of [
      ['crlf.log', lines.map((l) => `${l}\r\n`).join('')],
      ['bom.log', `\uFEFF${text(lines)}`],
      ['bom-crlf.log', `\uFEFF${lines.map((l) => `${l}\r\n`).join('')}`],
    ] as const) {
      const file = write(name, content);
      const { r, report } = validate(file, '--rocketmq', '5.3.2');
      expect(r.code, name).toBe(0);
      expect(report.files[0].cks.conforms, name).toBe(50);
      expect(accounted(report.files[0], file), name).toBe(355);
    }
  });

  it('non-UTF-8 bytes in a line: that line is malformed and named', () => {
    const raw = Buffer.from(lines[20], 'utf8');
    const bad = Buffer.concat([raw.subarray(0, 60), Buffer.from([0xff, 0xfe, 0xc3]), raw.subarray(63)]);
    const file = write('not-utf8.log', Buffer.concat([Buffer.from(text(lines.slice(0, 20))), bad, Buffer.from(`\n${text(lines.slice(21))}`)]));
    const { report } = validate(file, '--rocketmq', '5.3.2');
    const f = report.files[0];
    expect(f.malformedExamples).toEqual([{ line: 21, reason: 'invalid UTF-8 (the line holds U+FFFD)' }]);
    expect(accounted(f, file)).toBe(355 - 1 - f.unusedLines.afterVerdict - f.unusedLines.ckBeforeLog);
  });

  it('a 10 MB line: malformed (too long), counted, not held whole; the rest is checked', () => {
    const big = `${lines[30].slice(0, 150)}${'x'.repeat(10 * 1024 * 1024)}`;
    const file = write('long.log', text([...lines.slice(0, 30), big, ...lines.slice(31)]));
    const t0 = Date.now();
    const { report } = validate(file, '--rocketmq', '5.3.2');
    expect(Date.now() - t0).toBeLessThan(20_000);
    const f = report.files[0];
    expect(f.facts.linesTooLong).toBe(1);
    expect(f.malformedExamples).toEqual([{ line: 31, reason: `line too long (${big.length} characters)` }]);
    expect(accounted(f, file)).toBe(355 - 1 - f.unusedLines.afterVerdict - f.unusedLines.ckBeforeLog);
  });

  it('an empty file: 0 lines, and the text says nothing could be concluded', () => {
    const file = write('empty.log', '');
    const { r, report } = validate(file);
    expect(r.code).toBe(0);
    expect(report.files[0]).toMatchObject({ lines: 0, verdict: 'conforms', cks: { total: 0 } });
    expect(accounted(report.files[0], file)).toBe(0);
    expect(report.files[0].coverage).toMatch(/nothing can be concluded/);
    const t = bin('validate', file);
    expect(t.code).toBe(0);
    expect(t.stdout.trimEnd().split('\n').at(-1)).toBe('CONFORMS only vacuously: no CK could be checked, so nothing per-CK could be concluded.');
  });

  it('a JSONL line that is not JSON: malformed and named; the header counts as a line', () => {
    const file = write('not-json.jsonl', text([...jsonl.slice(0, 5), jsonl[5].slice(0, 50), ...jsonl.slice(6)]));
    const { r, report } = validate(file);
    const f = report.files[0];
    expect(r.code).toBe(0);
    expect(f.rocketmq).toBe('5.3.2');
    expect(f.malformedExamples).toEqual([{ line: 6, reason: 'not valid JSON' }]);
    expect(accounted(f, file, 1)).toBe(355 - 1 - f.unusedLines.ckBeforeLog);
  });

  it('blank lines before the JSONL header: blank, and the header is still the header', () => {
    const file = write('lead.jsonl', `\n\n${text(jsonl)}`);
    const { r, report } = validate(file);
    expect(r.code).toBe(0);
    expect(report.files[0].unusedLines).toMatchObject({ total: 2, blank: 2, malformed: 0 });
    expect(accounted(report.files[0], file, 1)).toBe(355);
  });
});

describe('validate: bad files and flags are one line naming the place, exit 2', () => {
  it('a directory, a missing file', () => {
    mkdirSync(path('a-dir'), { recursive: true });
    refused(bin('validate', path('a-dir')), /^\S+a-dir: is a directory, not a log file$/, 'directory');
    refused(bin('validate', path('nope.log')), /^\S+nope\.log: cannot read: no such file$/, 'missing');
  });

  it('a file that cannot be read (EIO on /proc/self/mem; EACCES when not root)', () => {
    if (process.platform === 'linux') refused(bin('validate', '/proc/self/mem'), /^\/proc\/self\/mem: cannot read: EIO \(read\)$/, 'EIO');
    if (process.getuid?.() !== 0) {
      const file = write('unreadable.log', text(lines));
      writeFileSync(file, text(lines), { mode: 0o000 });
      refused(bin('validate', file), /^\S+unreadable\.log: cannot read: permission denied$/, 'EACCES');
    }
  });

  it('no line of the file is a pop.log line (random bytes, a JSONL file read as pop.log): refused, naming the first', () => {
    let x = 7;
    const noise = Buffer.from(Array.from({ length: 200_000 }, () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 16) & 0xff));
    const file = write('noise.log', noise);
    refused(bin('validate', file), /^\S+noise\.log:1: not a pop\.log: none of its \d+ lines is a pop\.log line \(line 1: /, 'noise');
    refused(bin('validate', path('base.jsonl'), '--format', 'poplog'), /^\S+base\.jsonl:1: not a pop\.log: none of its 356 lines is a pop\.log line \(line 1: no log header/, 'jsonl as poplog');
  });

  it('a JSONL file with a bad header', () => {
    const v2 = write('v2.jsonl', text(['{"popcheck":"poplog","version":2,"rocketmq":"5.3.2"}', ...jsonl.slice(1)]));
    refused(bin('validate', v2), /^\S+v2\.jsonl:1: not a pop\.log JSONL header: version: /, 'version 2');
    const cut = write('cut-header.jsonl', text(['{"popcheck":"poplog","version":1,', ...jsonl.slice(1)]));
    refused(bin('validate', cut), /^\S+cut-header\.jsonl:1: the header is not valid JSON$/, 'cut header');
    // With --format jsonl a JSON first line is a pop.log JSONL header or refused as one (not read as a model trace).
    const other = write('other.jsonl', text(['{"popcheck":"poplogs","version":1,"rocketmq":"5.3.2"}', ...jsonl.slice(1)]));
    refused(bin('validate', other, '--format', 'jsonl'), /^\S+other\.jsonl:1: not a pop\.log JSONL header: popcheck: /, 'other header');
    refused(bin('validate', path('base.jsonl'), '--rocketmq', '5.3.1'), /^\S+base\.jsonl:1: the file says RocketMQ 5\.3\.2, --rocketmq says 5\.3\.1$/, 'release');
  });

  it('--format jsonl on a text pop.log; --rocketmq 5.0.0 on a pop.log (formats known for 5.3.x only)', () => {
    refused(bin('validate', path('base.log'), '--format', 'jsonl'), /^\S+base\.log:1: --format jsonl: the first line is not a JSON object$/, 'jsonl');
    refused(bin('validate', path('base.log'), '--rocketmq', '5.0.0'), /^--rocketmq 5\.0\.0: popcheck reads the pop\.log formats of 5\.3\.0, 5\.3\.1, 5\.3\.2, 5\.3\.3, head only$/, '5.0.0');
  });

  it('unknown flags and bad flag values', () => {
    const cases: [string[], RegExp][] = [
      [['--bogus'], /^unknown option '--bogus'/],
      [['-x'], /^unknown option '-x'/],
      [['--format', 'xml'], /^--format: expected auto, poplog or jsonl \(got 'xml'\)$/],
      [['--format'], /'--format' argument missing|--format/],
      [['--rocketmq', '9.9'], /^--rocketmq: unknown release '9\.9'/],
      [['--set', 'nope=1'], /^--set: unknown setting 'nope'/],
      [['--set', 'popCkStayBufferTime'], /^--set expects name=value/],
      [['--set', 'popCkStayBufferTime=1234'], /^--set: .*popCkStayBufferTime.*multiple of 500/],
      [['--json', '--json'], /^--json is given more than once/],
    ];
    for (const [flags, re] of cases) refused(bin('validate', path('base.log'), ...flags), re, flags.join(' '));
    refused(bin('validate'), /^validate takes one or more files/, 'no file');
  });

  it('two files where one is bad: the bad one is named, whichever comes first', () => {
    const noise = write('zeros.log', Buffer.alloc(5000, 0xff));
    const good = path('base.log');
    refused(bin('validate', good, path('nope.log'), '--rocketmq', '5.3.2'), /^\S+nope\.log: cannot read: no such file$/, 'good, missing');
    refused(bin('validate', path('nope.log'), good, '--rocketmq', '5.3.2'), /^\S+nope\.log: cannot read: no such file$/, 'missing, good');
    refused(bin('validate', good, noise, '--rocketmq', '5.3.2'), /^\S+zeros\.log:1: not a pop\.log: /, 'good, noise');
    refused(bin('validate', good, path('a-dir'), '--rocketmq', '5.3.2'), /^\S+a-dir: is a directory/, 'good, directory');
    // Of two bad files the first given is named (the workers may end in either order).
    for (let i = 0; i < 2; i++) refused(bin('validate', path('nope-1.log'), path('nope-2.log')), /^\S+nope-1\.log: cannot read: no such file$/, 'two missing');
  });
});

describe('validate: a log written with enablePopLog=false', () => {
  it('conforms with 0 checked CKs; the coverage says per-CK validation is not possible, and the text that nothing per-CK was concluded', () => {
    const file = path('quiet.log');
    const s = bin('simulate', '--seed', '7', '--cks', '2000', '--rocketmq', '5.3.2', '--no-pop-log', '--out', file);
    expect(s.code, s.stderr).toBe(0);
    const { r, report } = validate(file, '--rocketmq', '5.3.2');
    const f = report.files[0];
    expect(r.code).toBe(0);
    expect(f.verdict).toBe('conforms');
    expect(f.lines).toBeGreaterThan(0);
    expect(f.cks).toEqual({ total: 0, conforms: 0, violated: 0, diverges: 0, unchecked: 0, incomplete: 0 });
    expect(f.coverage).toMatch(/no per-checkpoint validation is possible/);
    expect(accounted(f, file)).toBe(0);
    const t = bin('validate', file, '--rocketmq', '5.3.2');
    expect(t.code).toBe(0);
    expect(t.stdout).toContain('no per-checkpoint validation is possible');
    expect(t.stdout.trimEnd().split('\n').at(-1)).toBe('CONFORMS only vacuously: no CK could be checked, so nothing per-CK could be concluded.');
    // With CKs checked the verdict line is the usual one.
    expect(bin('validate', path('base.log'), '--rocketmq', '5.3.2').stdout.trimEnd().split('\n').at(-1)).toMatch(/^CONFORMS: every checked CK/);
  });
});
