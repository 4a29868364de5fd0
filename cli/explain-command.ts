/**
 * `popcheck explain`: a narrated walkthrough of one run, step by step, for a trainer to
 * project. The run is a catalogue entry's shortest counterexample (`--bug ID`, on the buggy
 * release; `--fixed`: the same steps on the fixing release), a popcheck trace file
 * (`--trace FILE`), or the shortest counterexample of a check given by check's scenario flags.
 * Returns the report as data; run.ts prints it.
 */
import { findCkEntry, findEntry, CATALOGUE, kvOnlyNote } from '../model/catalogue.js';
import { reproductionIdentity, type ModelIdentity } from '../model/identity.js';
import { bugSession, Session } from '../model/session.js';
import { walkthrough, type Walkthrough } from '../model/walkthrough.js';
import { bugIntro, scenarioIntro, traceIntro, type CheckSummary } from '../model/walkthrough-intro.js';
import { readTrace } from '../traces/read.js';
import { headerIdentity } from '../traces/format.js';
import { CHECK_FLAGS, checkIdentity, intFlag, MODEL_FLAGS, modelFromFlags, SPILL_BUFFER_DEFAULT, type CheckArgs } from './args.js';
import { buildModel, runCheck, type Clock } from './check-command.js';
import { parseFlags, UsageError, type FlagSpec } from './errors.js';

const pick = (names: readonly string[]): Record<string, FlagSpec> => Object.fromEntries(names.map((n) => [n, CHECK_FLAGS[n]]));

export const EXPLAIN_FLAGS: Record<string, FlagSpec> = {
  ...pick([...MODEL_FLAGS, 'json', 'max-states', 'timeout', 'max-memory', 'help', 'bug']),
  fixed: { type: 'boolean' },
  trace: { type: 'string' },
  mermaid: { type: 'string' },
};

export type ExplainSource =
  | { readonly kind: 'bug'; readonly id: string; readonly fixed: boolean }
  | { readonly kind: 'trace'; readonly file: string }
  | { readonly kind: 'scenario'; readonly check: CheckArgs };

export interface ExplainArgs {
  readonly help: boolean;
  readonly json: boolean;
  readonly mermaid: string | null;
  readonly source: ExplainSource;
}

export function parseExplainArgs(argv: readonly string[]): ExplainArgs {
  const v = parseFlags('explain', argv, EXPLAIN_FLAGS).values;
  const str = (k: string): string | undefined => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const help = v.help === true;
  const json = v.json === true;
  const mermaid = str('mermaid') ?? null;
  const bug = str('bug');
  const trace = str('trace');
  const modelFlag = MODEL_FLAGS.find((k) => v[k] !== undefined);
  const checkFlag = ['max-states', 'timeout', 'max-memory'].find((k) => v[k] !== undefined);
  if (help) return { help, json, mermaid, source: { kind: 'bug', id: '8835', fixed: false } };
  if (bug !== undefined && trace !== undefined) throw new UsageError('--bug and --trace name two different runs; give one');
  if (v.fixed === true && bug === undefined) throw new UsageError('--fixed walks a catalogue entry on its fixing release: give --bug ID too');
  if (bug !== undefined || trace !== undefined) {
    const flag = bug !== undefined ? '--bug' : '--trace';
    if (modelFlag) throw new UsageError(`${flag} runs its own configuration; drop --${modelFlag}`);
    if (checkFlag) throw new UsageError(`--${checkFlag} bounds the check of scenario flags; ${flag} runs no such check`);
  }
  if (bug !== undefined) {
    if (!findEntry(bug)) throw new UsageError(`--bug: unknown catalogue entry '${bug}' (known: ${CATALOGUE.map((e) => e.id).join(', ')})`);
    const kv = kvOnlyNote(bug, 'explain');
    if (kv !== null) throw new UsageError(`--bug: ${kv}`);
    return { help, json, mermaid, source: { kind: 'bug', id: bug, fixed: v.fixed === true } };
  }
  if (trace !== undefined) return { help, json, mermaid, source: { kind: 'trace', file: trace } };
  const timeout = str('timeout');
  if (timeout !== undefined && (!/^[0-9]+(\.[0-9]+)?$/.test(timeout) || Number(timeout) <= 0 || Number(timeout) > 31_536_000)) {
    throw new UsageError(`--timeout must be a positive number of seconds, at most 31536000 (got '${timeout}')`);
  }
  const check: CheckArgs = {
    model: modelFromFlags(v),
    json: false,
    maxStates: intFlag('--max-states', str('max-states'), 1, Number.MAX_SAFE_INTEGER),
    maxMemoryMb: intFlag('--max-memory', str('max-memory'), 1, 1 << 20),
    timeoutSec: timeout === undefined ? null : Number(timeout),
    symmetry: true,
    stopAtFirst: false,
    withStates: false,
    workers: 1,
    help: false,
    bug: null,
    traceOut: null,
    traceFormat: 'trace',
    itf: null,
    mermaid: null,
    graph: null,
    spillDir: null,
    spillBuffer: SPILL_BUFFER_DEFAULT,
  };
  return { help, json, mermaid, source: { kind: 'scenario', check } };
}

/** What `explain` found: the walkthrough (null when there is nothing to walk), and the exit verdict. */
export interface ExplainResult {
  readonly source: { readonly kind: 'bug'; readonly id: string; readonly fixed: boolean } | { readonly kind: 'trace'; readonly file: string } | { readonly kind: 'scenario' };
  /** violated: the walked run breaks an invariant (or a trace event is refused); holds: it breaks nothing; incomplete: a bounded check could not tell. */
  readonly verdict: 'violated' | 'holds' | 'incomplete';
  readonly check: CheckSummary | null;
  readonly walkthrough: Walkthrough;
  /** The session walked (for --mermaid). */
  readonly session: Session;
}

function bugRun(id: string, fixed: boolean): ExplainResult {
  const entry = findCkEntry(id)!;
  const buggyIdentity = reproductionIdentity(entry, entry.buggy, null);
  const fixedIdentity = reproductionIdentity(entry, entry.fixed, null);
  const { session: buggy } = bugSession(id, 'buggy');
  const which = fixed ? 'fixed' : 'buggy';
  const opened = fixed ? Session.open({ model: fixedIdentity, steps: [...buggy.events] }) : { session: buggy, refused: null };
  const session = opened.session;
  const bounds = session.model.instance.bounds;
  const steps = buggy.steps.length;
  const w = walkthrough({
    title: `${entry.kind === 'bug' ? `#${entry.id}` : entry.id}: ${entry.title} (${entry[which].label})`,
    intro: bugIntro(entry, which, steps, bounds, session.identity),
    session,
    focus: entry.invariant,
    refused: opened.refused ? { ...opened.refused, where: null } : null,
    coda:
      steps === 0
        ? null
        : fixed
          ? { identity: buggyIdentity, label: `${entry.buggy.label} (the buggy release)` }
          : { identity: fixedIdentity, label: `${entry.fixed.label} (the release that fixed it)` },
  });
  const broke = w.broken.length > 0 || w.refused !== null;
  return { source: { kind: 'bug', id, fixed }, verdict: broke ? 'violated' : 'holds', check: null, walkthrough: w, session };
}

function traceRun(file: string, readFile: (path: string) => string): ExplainResult {
  let text: string;
  try {
    text = readFile(file);
  } catch (err) {
    throw new UsageError(`--trace ${file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const r = readTrace(text);
  if (!r.ok) throw new UsageError(`${file}:${r.error.line}: ${r.error.message}`);
  const identity: ModelIdentity = headerIdentity(r.header);
  try {
    buildModel(identity);
  } catch (err) {
    throw new UsageError(`${file}:1: ${(err as Error).message}`);
  }
  const { session, refused } = Session.open({ model: identity, steps: r.events.map((e) => e.event) });
  const w = walkthrough({
    title: `The trace ${file}`,
    intro: traceIntro(file, identity, session.model.instance.bounds, r.events.length),
    session,
    refused: refused ? { ...refused, where: `${file}:${r.events[refused.step - 1].line}` } : null,
  });
  return { source: { kind: 'trace', file }, verdict: w.broken.length > 0 || w.refused !== null ? 'violated' : 'holds', check: null, walkthrough: w, session };
}

async function scenarioRun(check: CheckArgs, clock: Clock): Promise<ExplainResult> {
  const report = await runCheck(check, clock);
  const summary: CheckSummary = {
    verdict: report.verdict,
    states: report.states,
    interleavings: report.interleavings,
    violatingInterleavings: report.violatingInterleavings,
    invariant: report.invariant,
    stopReason: report.stopReason,
    knownBugs: (report.violations[0]?.knownBugs ?? []).map((k) => ({ id: k.id, kind: k.kind, title: k.title, fixedIn: k.fixedIn })),
  };
  const steps = report.counterexample?.steps.map((s) => s.event) ?? [];
  const identity = checkIdentity(check.model);
  const { session, refused } = Session.open({ model: identity, steps });
  if (refused) throw new Error(`the counterexample does not replay: step ${refused.step}: ${refused.why}`);
  const w = walkthrough({
    title: `popcheck explain: ${identity.scenario} on RocketMQ ${identity.rocketmq}`,
    intro: scenarioIntro(identity, session.model.instance.bounds, summary, steps.length),
    session,
    focus: report.invariant,
  });
  return { source: { kind: 'scenario' }, verdict: report.verdict, check: summary, walkthrough: w, session };
}

export async function runExplain(a: ExplainArgs, clock: Clock, readFile: (path: string) => string): Promise<ExplainResult> {
  switch (a.source.kind) {
    case 'bug':
      return bugRun(a.source.id, a.source.fixed);
    case 'trace':
      return traceRun(a.source.file, readFile);
    case 'scenario':
      return scenarioRun(a.source.check, clock);
  }
}

/** Whether the text should walk the steps (a check that holds or could not tell has nothing to walk). */
export function walks(r: ExplainResult): boolean {
  return r.check === null || r.check.verdict === 'violated';
}

/** `--json`: the report (docs/schemas/explain-report.schema.json). */
export function explainJson(r: ExplainResult): unknown {
  const w = r.walkthrough;
  return {
    command: 'explain',
    source: r.source,
    verdict: r.verdict,
    check: r.check,
    title: w.title,
    intro: w.intro,
    model: w.model,
    initial: w.initial,
    steps: w.steps,
    broken: w.broken,
    refused: w.refused,
    quiescent: w.quiescent,
    coda: w.coda,
  };
}
