/**
 * The workshop's solution checks: one function per exercise, each taking the solution
 * (as data, so a test can hand it a wrong one) and returning what it compared and whether
 * it matched. `npm run workshop:check` (workshop/check.ts) and test/workshop/workshop.test.ts
 * run them on the committed solutions. They use only the CLI as a function (cli/run.ts) and
 * the library API (exercise 6 runs `popcheck explain --json`); nothing here needs `popcheck serve`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { findEntry } from '../model/catalogue.js';
import type { RecordInvariant } from '../model/custom-invariant.js';
import { Session, SessionSpecSchema } from '../model/session.js';
import { findRelease } from '../model/versions.js';
import { commandArgv, popcheck, withFlag } from './cli-io.js';
import { loadInvariants, runInvariants } from './invariant-run.js';

/** The repository root (workshop/..), so solution paths are the same from any working directory. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface Outcome {
  readonly ok: boolean;
  /** One line: what was compared. */
  readonly compared: string;
  /** Each mismatch, in words (empty when ok). */
  readonly problems: readonly string[];
}

/** Collects mismatches; `outcome` turns them into an Outcome. */
class Comparison {
  readonly problems: string[] = [];
  expect(ok: boolean, problem: string): boolean {
    if (!ok) this.problems.push(problem);
    return ok;
  }
  same<T>(what: string, actual: T, expected: T): boolean {
    return this.expect(JSON.stringify(actual) === JSON.stringify(expected), `${what}: popcheck says ${JSON.stringify(actual)}, the solution says ${JSON.stringify(expected)}`);
  }
  outcome(compared: string): Outcome {
    return { ok: this.problems.length === 0, compared, problems: this.problems };
  }
}

const readJson = (rel: string): unknown => JSON.parse(readFileSync(`${ROOT}${rel}`, 'utf8'));

const parseWith = <T>(schema: z.ZodType<T>, value: unknown, c: Comparison, what: string): T | null => {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const i = r.error.issues[0];
  c.expect(false, `${what} is not in the expected form: ${i.path.join('.') || '(root)'}: ${i.message}`);
  return null;
};

// ---------------------------------------------------------------------------------------
// 1. Find the duplication by clicking: a SessionSpec.

/**
 * The session must be ack-flush N=2 on 5.3.1, every step taken, acked-never-retried broken
 * and an acked offset in the retry topic; the same steps on 5.3.2 must break nothing of the
 * kind.
 */
export function checkSession(spec: unknown): Outcome {
  const c = new Comparison();
  const compared = 'session.json on 5.3.1: acked-never-retried broken, an acked offset retried; on 5.3.2 neither';
  const s = parseWith(SessionSpecSchema, spec, c, 'session.json');
  if (s === null) return c.outcome(compared);
  c.same('model (scenario, messages, release)', [s.model.scenario, s.model.messages, s.model.rocketmq], ['ack-flush', 2, '5.3.1']);
  const { session, refused } = Session.open(s);
  if (!c.expect(refused === null, `step ${refused?.step} is refused on 5.3.1: ${refused?.why}`)) return c.outcome(compared);
  const broken = session.broken().map((b) => b.invariant);
  c.expect(broken.includes('acked-never-retried'), `acked-never-retried is not broken after the ${s.steps.length} steps (broken: ${broken.join(', ') || 'nothing'})`);
  const ackedRetries = session.panels().retryTopic.messages.filter((m) => m.acked);
  c.expect(ackedRetries.length > 0, 'the retry topic panel lists no acked offset');
  const fixed = session.withRelease('5.3.2').session;
  const brokenFixed = fixed.broken().map((b) => b.invariant);
  c.expect(!brokenFixed.includes('acked-never-retried'), 'the same steps break acked-never-retried on 5.3.2 too');
  c.expect(fixed.panels().retryTopic.messages.every((m) => !m.acked), 'on 5.3.2 the retry topic lists an acked offset too');
  return c.outcome(`${compared} (${s.steps.length} steps; retried although acked: ${ackedRetries.map((m) => m.offset).join(', ') || 'none'})`);
}

// ---------------------------------------------------------------------------------------
// 2. Find it with check: the command and what it found.

export const CheckAnswerSchema = z
  .object({
    command: z.string(),
    verdict: z.enum(['holds', 'violated', 'incomplete']),
    invariant: z.string().nullable(),
    length: z.number().int().nullable(),
    interleavings: z.string(),
    violatingInterleavings: z.string(),
  })
  .strict();

export async function checkCheckAnswer(answer: unknown): Promise<Outcome> {
  const c = new Comparison();
  const a = parseWith(CheckAnswerSchema, answer, c, 'answer.json');
  if (a === null) return c.outcome('answer.json');
  const compared = `\`${a.command}\`: verdict ${a.verdict}, ${a.invariant}, ${a.length} steps, ${a.violatingInterleavings} of ${a.interleavings} interleavings`;
  const argv = commandArgv(a.command);
  if (!c.same('command', argv[0], 'check')) return c.outcome(compared);
  const ran = await popcheck(withFlag(argv, '--json'));
  if (!c.expect(ran.code === 0 || ran.code === 1, `the command exits ${ran.code}: ${ran.stderr.trim()}`)) return c.outcome(compared);
  const r = JSON.parse(ran.stdout) as { verdict: string; invariant: string | null; rocketmq: string; scenario: string; messages: number; interleavings: string; violatingInterleavings: string; counterexample: { steps: unknown[] } | null };
  c.same('model checked (scenario, messages, release)', [r.scenario, r.messages, r.rocketmq], ['ack-flush', 2, '5.3.1']);
  c.same('verdict', r.verdict, a.verdict);
  c.same('invariant', r.invariant, a.invariant);
  c.same('counterexample length', r.counterexample ? r.counterexample.steps.length : null, a.length);
  c.same('interleavings', r.interleavings, a.interleavings);
  c.same('violating interleavings', r.violatingInterleavings, a.violatingInterleavings);
  return c.outcome(compared);
}

// ---------------------------------------------------------------------------------------
// 3. Flip the fix with --set: the switches, the proof at N=3..5, the converse.

const SetSchema = z.string().regex(/^[A-Za-z]+=[A-Za-z0-9]+$/, 'name=value');

export const FlipAnswerSchema = z
  .object({
    bug: z.string(),
    /** Each alone turns 5.3.1's behaviour for the bug into 5.3.2's. */
    fixes: z.array(SetSchema).min(1),
    /** The proof: on 5.3.1 with one fix, ack-flush N messages holds with this many interleavings. */
    proof: z.array(z.object({ messages: z.number().int().min(1).max(32), interleavings: z.string() }).strict()).min(1),
    /** The converse: these settings together break 5.3.2 (ack-flush, 3 messages). */
    converse: z.object({ sets: z.array(SetSchema).min(1), invariant: z.string(), length: z.number().int() }).strict(),
  })
  .strict();

const setArgs = (sets: readonly string[]): string[] => sets.flatMap((s) => ['--set', s]);

async function checkJson(argv: readonly string[]): Promise<{ code: number; report: { verdict: string; invariant: string | null; interleavings: string | null; counterexample: { steps: unknown[] } | null } | null; stderr: string }> {
  const ran = await popcheck(['check', '--json', ...argv]);
  return { code: ran.code, report: ran.code === 0 || ran.code === 1 ? JSON.parse(ran.stdout) : null, stderr: ran.stderr.trim() };
}

export async function checkFlipAnswer(answer: unknown): Promise<Outcome> {
  const c = new Comparison();
  const a = parseWith(FlipAnswerSchema, answer, c, 'answer.json');
  if (a === null) return c.outcome('answer.json');
  const compared = `${a.fixes.join(' | ')} fix #${a.bug} on 5.3.1 at N=${a.proof.map((p) => p.messages).join(',')}; ${a.converse.sets.join(' + ')} break 5.3.2`;
  const entry = findEntry(a.bug);
  if (!c.expect(entry !== undefined, `no catalogue entry '${a.bug}'`)) return c.outcome(compared);
  const v531 = findRelease('5.3.1')!.behaviours as Record<string, unknown>;
  const v532 = findRelease('5.3.2')!.behaviours as Record<string, unknown>;
  const named = (s: string) => s.split('=') as [string, string];
  for (const s of a.fixes) {
    const [name, value] = named(s);
    c.expect((entry!.switches as readonly string[]).includes(name), `${name} is not one of #${a.bug}'s switches (${entry!.switches.join(', ')})`);
    c.expect(String(v532[name]) === value && String(v531[name]) !== value, `${s} is not 5.3.2's value of a switch 5.3.1 has otherwise`);
    for (const p of a.proof) {
      const r = await checkJson(['--rocketmq', '5.3.1', '--messages', String(p.messages), ...setArgs([s])]);
      if (!c.expect(r.report !== null, `--set ${s} N=${p.messages}: exit ${r.code}: ${r.stderr}`)) continue;
      c.same(`--set ${s} N=${p.messages}: verdict`, r.report!.verdict, 'holds');
      c.same(`--set ${s} N=${p.messages}: interleavings`, r.report!.interleavings, p.interleavings);
    }
  }
  // Without the fix, 5.3.1 does break at these N: the switch is what made the difference.
  for (const p of a.proof) {
    const r = await checkJson(['--rocketmq', '5.3.1', '--messages', String(p.messages)]);
    c.same(`5.3.1 without --set, N=${p.messages}: verdict`, r.report?.verdict ?? `exit ${r.code}`, 'violated');
  }
  for (const s of a.converse.sets) {
    const [name, value] = named(s);
    c.expect(String(v531[name]) === value && String(v532[name]) !== value, `converse: ${s} is not 5.3.1's value of a switch 5.3.2 has otherwise`);
  }
  const conv = await checkJson(['--rocketmq', '5.3.2', '--messages', '3', ...setArgs(a.converse.sets)]);
  if (c.expect(conv.report !== null, `converse: exit ${conv.code}: ${conv.stderr}`)) {
    c.same('converse: verdict', conv.report!.verdict, 'violated');
    c.same('converse: invariant', conv.report!.invariant, a.converse.invariant);
    c.same('converse: counterexample length', conv.report!.counterexample?.steps.length ?? null, a.converse.length);
  }
  // Each converse setting alone is not enough (the other fix still covers it): the answer must name all that are needed.
  for (const s of a.converse.sets.length > 1 ? a.converse.sets : []) {
    const r = await checkJson(['--rocketmq', '5.3.2', '--messages', '3', ...setArgs([s])]);
    c.same(`converse with only --set ${s}: verdict`, r.report?.verdict ?? `exit ${r.code}`, 'holds');
  }
  return c.outcome(compared);
}

// ---------------------------------------------------------------------------------------
// 4. Write a new invariant: the invariants and where each holds or breaks.

export const InvariantAnswerSchema = z
  .object({
    file: z.string(),
    runs: z
      .array(
        z
          .object({
            invariant: z.string(),
            flags: z.string(),
            verdict: z.enum(['holds', 'violated']),
            length: z.number().int().optional(),
          })
          .strict(),
      )
      .min(2),
  })
  .strict();

/** `invariants` against the answer's runs; at least one must hold and one be violated somewhere. */
export function checkInvariantAnswer(invariants: readonly RecordInvariant[], answer: unknown): Outcome {
  const c = new Comparison();
  const a = parseWith(InvariantAnswerSchema, answer, c, 'answer.json');
  if (a === null) return c.outcome('answer.json');
  const compared = `${invariants.map((i) => i.name).join(', ')} over ${a.runs.length} runs`;
  const holdsSomewhere = new Set<string>();
  const brokenSomewhere = new Set<string>();
  for (const run of a.runs) {
    const inv = invariants.find((i) => i.name === run.invariant);
    if (!c.expect(inv !== undefined, `${a.file} exports no invariant '${run.invariant}'`)) continue;
    let result;
    try {
      result = runInvariants([inv!], commandArgv(run.flags));
    } catch (err) {
      c.expect(false, `${run.invariant} with ${run.flags}: ${(err as Error).message}`);
      continue;
    }
    const o = result.outcomes[0];
    c.same(`${run.invariant} with ${run.flags}: verdict`, o.verdict, run.verdict);
    if (run.verdict === 'violated') c.same(`${run.invariant} with ${run.flags}: counterexample length`, o.length, run.length ?? null);
    (o.verdict === 'holds' ? holdsSomewhere : o.verdict === 'violated' ? brokenSomewhere : new Set<string>()).add(run.invariant);
  }
  c.expect(holdsSomewhere.size > 0, 'no invariant holds in any run: show one that holds');
  c.expect(brokenSomewhere.size > 0, 'no invariant is broken in any run: find a configuration that breaks one');
  return c.outcome(compared);
}

// ---------------------------------------------------------------------------------------
// 5. Validate a broker log and locate the bad line.

export const LogAnswerSchema = z
  .object({
    command: z.string(),
    /** How the log was generated (popcheck simulate ...); re-run and compared byte for byte. */
    generatedBy: z.string(),
    verdict: z.enum(['conforms', 'violated', 'diverges', 'incomplete']),
    invariant: z.string().nullable(),
    line: z.number().int().nullable(),
    offsets: z.array(z.number().int()),
    catalogue: z.array(z.string()),
    /** The line where the buffer wrote the AckMsg without brokerName. */
    ackWithoutBrokerNameLine: z.number().int(),
  })
  .strict();

export async function checkLogAnswer(answer: unknown): Promise<Outcome> {
  const c = new Comparison();
  const a = parseWith(LogAnswerSchema, answer, c, 'answer.json');
  if (a === null) return c.outcome('answer.json');
  const argv = commandArgv(a.command);
  const file = argv[1] ?? '';
  const compared = `${file}: ${a.verdict} ${a.invariant} at line ${a.line} (offsets ${a.offsets.join(',')}, catalogue ${a.catalogue.join(',')}); AckMsg without brokerName at line ${a.ackWithoutBrokerNameLine}`;
  if (!c.same('command', argv[0], 'validate')) return c.outcome(compared);
  let text: string;
  try {
    text = readFileSync(`${ROOT}${file}`, 'utf8');
  } catch {
    c.expect(false, `${file}: cannot read it (paths are relative to the repository root)`);
    return c.outcome(compared);
  }
  const gen = commandArgv(a.generatedBy);
  const outAt = gen.indexOf('--out');
  if (c.expect(gen[0] === 'simulate' && outAt > 0, 'generatedBy must be a `popcheck simulate ... --out FILE` command')) {
    gen[outAt + 1] = '/workshop-check/regenerated.log';
    const sim = await popcheck(gen);
    c.expect(sim.written.get('/workshop-check/regenerated.log') === text, `${file} is not what \`${a.generatedBy}\` writes`);
  }
  const ran = await popcheck(withFlag(argv.map((w) => (w === file ? `${ROOT}${file}` : w)), '--json'));
  if (!c.expect(ran.code === 0 || ran.code === 1, `validate exits ${ran.code}: ${ran.stderr.trim()}`)) return c.outcome(compared);
  const r = JSON.parse(ran.stdout) as { verdict: string; invariant: string | null; line: number | null; offsets: number[]; catalogue: string[]; ck: { topic: string; group: string; queueId: number; startOffset: number } | null };
  c.same('verdict', r.verdict, a.verdict);
  c.same('invariant', r.invariant, a.invariant);
  c.same('line', r.line, a.line);
  c.same('offsets', r.offsets, a.offsets);
  c.same('catalogue', r.catalogue, a.catalogue);
  const lines = text.split('\n');
  const bad = lines[a.ackWithoutBrokerNameLine - 1] ?? '';
  c.expect(
    bad.includes('[PopBuffer]put ack to store ok') &&
      a.offsets.some((o) => r.ck !== null && bad.includes(`AckMsg{ackOffset=${o}, startOffset=${r.ck.startOffset}, consumerGroup='${r.ck.group}', topic='${r.ck.topic}', queueId=${r.ck.queueId}, `)) &&
      /AckMsg\{[^}]*brokerName=null\}/.test(bad),
    `line ${a.ackWithoutBrokerNameLine} is not the buffer writing an AckMsg of the violated CK's offset ${a.offsets.join(' or ')} without brokerName`,
  );
  const violatedLine = lines[(a.line ?? 0) - 1] ?? '';
  c.expect(a.offsets.some((o) => violatedLine.includes('retry msg') && violatedLine.includes(`offset ${o},`)), `line ${a.line} is not the retry of offset ${a.offsets.join(' or ')}`);
  return c.outcome(compared);
}

// ---------------------------------------------------------------------------------------
// The committed solutions.

export interface Exercise {
  readonly id: string;
  readonly title: string;
  /** Checks the committed solution; null when the exercise has no automated check. */
  readonly check: (() => Promise<Outcome>) | null;
}

// ---------------------------------------------------------------------------------------
// 6. Explain it to a colleague: the story's facts, read off `popcheck explain --json`.

export const ExplainAnswerSchema = z
  .object({
    command: z.string(),
    /** The step at which the same steps do something else on the fixing release. */
    partsAtStep: z.number().int().min(1),
    /** What that step writes: the flushed AckMsg's brokerName on each release (null: not set). */
    flushedAckBrokerName: z.object({ buggy: z.string().nullable(), fixed: z.string().nullable() }).strict(),
    /** Offsets the revive writes to the retry topic on the buggy release, and on the fixed one. */
    retried: z.object({ buggy: z.array(z.number().int()), fixed: z.array(z.number().int()) }).strict(),
  })
  .strict();

export async function checkExplainAnswer(answer: unknown): Promise<Outcome> {
  const c = new Comparison();
  const a = parseWith(ExplainAnswerSchema, answer, c, 'answer.json');
  if (a === null) return c.outcome('answer.json');
  const compared = `\`${a.command}\`: the runs part at step ${a.partsAtStep}; flushed AckMsg brokerName ${a.flushedAckBrokerName.buggy} -> ${a.flushedAckBrokerName.fixed}; retried [${a.retried.buggy.join(',')}] -> [${a.retried.fixed.join(',')}]`;
  const argv = commandArgv(a.command);
  if (!c.same('command', [argv[0], argv[1], argv[2]], ['explain', '--bug', '8835'])) return c.outcome(compared);
  const ran = await popcheck(withFlag(argv, '--json'));
  if (!c.expect(ran.code === 1, `the command exits ${ran.code} (expected 1: the walk shows a violation): ${ran.stderr.trim()}`)) return c.outcome(compared);
  type Obs = { kind: string; acks?: { brokerName: string | null }[] };
  const r = JSON.parse(ran.stdout) as { coda: { divergence: { step: number; before: Obs[]; after: Obs[] } | null; retriedHere: number[]; retriedThere: number[] } | null };
  const d = r.coda?.divergence ?? null;
  if (!c.expect(d !== null, 'the walk has no comparison with the fixing release')) return c.outcome(compared);
  const flushed = (obs: readonly Obs[]): string | null | undefined => obs.find((o) => o.kind === 'putAckToStore')?.acks?.[0]?.brokerName;
  c.same('step where the runs part', d!.step, a.partsAtStep);
  c.same("the flushed AckMsg's brokerName on the buggy release", flushed(d!.before), a.flushedAckBrokerName.buggy);
  c.same("the flushed AckMsg's brokerName on the fixed release", flushed(d!.after), a.flushedAckBrokerName.fixed);
  c.same('retried on the buggy release', r.coda!.retriedHere, a.retried.buggy);
  c.same('retried on the fixed release', r.coda!.retriedThere, a.retried.fixed);
  return c.outcome(compared);
}

const SOLUTIONS = 'workshop/exercises';

export const EXERCISES: readonly Exercise[] = [
  { id: '01', title: 'Find the duplication by clicking', check: async () => checkSession(readJson(`${SOLUTIONS}/01-click-the-duplicate/solution/session.json`)) },
  { id: '02', title: 'Find it with check', check: () => checkCheckAnswer(readJson(`${SOLUTIONS}/02-find-it-with-check/solution/answer.json`)) },
  { id: '03', title: 'Flip the fix with --set and prove it', check: () => checkFlipAnswer(readJson(`${SOLUTIONS}/03-flip-the-fix/solution/answer.json`)) },
  {
    id: '04',
    title: 'Write a new invariant',
    check: async () => {
      const answer = readJson(`${SOLUTIONS}/04-write-an-invariant/solution/answer.json`) as { file?: unknown };
      const invariants = await loadInvariants(`${ROOT}${String(answer.file)}`);
      return checkInvariantAnswer(invariants, answer);
    },
  },
  { id: '05', title: 'Validate a broker log and locate the bad line', check: () => checkLogAnswer(readJson(`${SOLUTIONS}/05-validate-a-broker-log/solution/answer.json`)) },
  { id: '06', title: 'Explain it to a colleague', check: () => checkExplainAnswer(readJson(`${SOLUTIONS}/06-explain-it/solution/answer.json`)) },
];
