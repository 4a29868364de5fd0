/**
 * The CLI as a function: argv in, text out, exit code back. main.ts binds it to the
 * process; tests call it directly.
 */
// Each command loads its own modules when it runs (dynamic imports below): a `check` does not
// load the trace validators, the REPL, the KV model or the server, which cost the process a
// few MB of resident memory it would keep for the whole run.
import type { CheckArgs, TraceFormat } from './args.js';
import type { CheckReport } from './check-command.js';
import { EXIT, parseFlags, UsageError } from './errors.js';
import { COMMAND_HELP, HELP } from './help.js';
import type { ProgressSink } from './progress.js';
import { packageVersion } from './version.js';
import type { OutFile } from './simulate-command.js';
import type { ModelIdentity } from '../model/identity.js';
import type { NarratedStep } from '../model/narrate.js';
import type { Style } from '../model/walkthrough.js';

export interface Io {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
  /** A terminal to draw progress on, or null. */
  readonly tty: ProgressSink | null;
  /** Whether standard output is a terminal that takes bold and colour (explain); absent: no. */
  readonly color?: boolean;
  readonly now: () => number;
  /** Bytes the process uses. */
  readonly memory: () => number;
  /** The most bytes the process has used so far (peak RSS); absent: not reported. */
  readonly peakMemory?: () => number;
  /** Whether the user asked to stop (SIGINT, SIGTERM); absent: never. */
  readonly interrupted?: () => boolean;
  readonly debug: boolean;
  readonly readFile: (path: string) => string;
  readonly writeFile: (path: string, text: string) => void;
  /** Opens a file for writing in chunks (simulate's large output); absent: the chunks are collected and written with writeFile. */
  readonly openOut?: (path: string) => OutFile;
}

/** An output file from `io`: its own streaming writer, standard output for `-`, or chunks collected for writeFile. */
function outFile(io: Io): (path: string) => OutFile {
  return (path) => {
    if (path === '-') return { write: io.out, close: () => {} };
    if (io.openOut) return io.openOut(path);
    const parts: string[] = [];
    return { write: (s) => void parts.push(s), close: () => io.writeFile(path, parts.join('')) };
  };
}

const exitOf = (verdict: CheckReport['verdict']): number =>
  verdict === 'holds' ? EXIT.holds : verdict === 'violated' ? EXIT.violated : EXIT.incomplete;

/** What --trace-out writes for `report`'s counterexample, in `format`. */
async function traceText(format: TraceFormat, identity: ModelIdentity, steps: readonly NarratedStep[]): Promise<string> {
  if (format === 'trace') {
    const [{ writeTrace }, { traceHeader }] = await Promise.all([import('../traces/write.js'), import('../traces/format.js')]);
    return writeTrace(traceHeader(identity), steps.map((s) => s.event));
  }
  const release = identity.rocketmq;
  const { isPopLogRelease, popLogRefusal } = await import('../traces/poplog-render.js');
  if (!isPopLogRelease(release)) throw new UsageError(`--trace-format ${format}: ${popLogRefusal(release)}`);
  const [{ buildModel }, { toRecord }, { counterexamplePopLog }] = await Promise.all([
    import('./check-command.js'),
    import('../model/state.js'),
    import('../traces/counterexample-poplog.js'),
  ]);
  const model = buildModel(identity);
  const queueIds = toRecord(model.initialStates()[0], model.ctx.L).queues.map((q) => q.queueId);
  return counterexamplePopLog(steps, release, queueIds, format);
}

/** The counterexample as an ITF trace (Apalache ADR-015). */
async function itfText(identity: ModelIdentity, report: CheckReport, steps: readonly NarratedStep[]): Promise<string> {
  const [{ buildModel }, { itfTrace }] = await Promise.all([import('./check-command.js'), import('../traces/itf.js')]);
  const trace = itfTrace(
    buildModel(identity),
    steps.map((s) => s.event),
    { description: `popcheck counterexample: ${report.invariant ?? 'no invariant'} on rocketmq ${identity.rocketmq}, scenario ${identity.scenario}`, rocketmq: identity.rocketmq, scenario: identity.scenario, invariant: report.invariant },
  );
  return `${JSON.stringify(trace, null, 2)}\n`;
}

/** The counterexample as a Mermaid sequence diagram. */
async function mermaidText(identity: ModelIdentity, report: CheckReport, steps: readonly NarratedStep[]): Promise<string> {
  const [{ sequenceDiagram }, { sequenceTitle }] = await Promise.all([import('../model/sequence-diagram.js'), import('./diagram-command.js')]);
  return sequenceDiagram(steps, { title: sequenceTitle(identity, report.invariant) });
}

/** Writes `report`'s counterexample where --trace-out and --itf say, or notes on stderr that there is none. */
async function traceOut(io: Io, args: CheckArgs, identity: ModelIdentity, report: CheckReport, what: string): Promise<void> {
  const outputs: [string, string | null, (steps: readonly NarratedStep[]) => Promise<string>][] = [
    ['--trace-out', args.traceOut, (steps) => traceText(args.traceFormat, identity, steps)],
    ['--itf', args.itf, (steps) => itfText(identity, report, steps)],
    ['--mermaid', args.mermaid, (steps) => mermaidText(identity, report, steps)],
  ];
  for (const [flag, path, text] of outputs) {
    if (path === null) continue;
    if (!report.counterexample) {
      io.err(`popcheck: note: ${flag}: no counterexample to write (${what}verdict ${report.verdict}); ${path} not written\n`);
      continue;
    }
    writeOut(io, flag, path, await text(report.counterexample.steps));
  }
}

/** Writes an output file; a failure is a usage error naming the flag. */
function writeOut(io: Io, flag: string, path: string, body: string): void {
  try {
    io.writeFile(path, body);
  } catch (err) {
    throw new UsageError(`${flag} ${path}: cannot write: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** Bold and colour for a terminal. */
const ANSI: Style = {
  bold: (s) => `\x1b[1m${s}\x1b[22m`,
  dim: (s) => `\x1b[2m${s}\x1b[22m`,
  mark: (s) => `\x1b[1;33m${s}\x1b[0m`,
};

/** False when `wantsKv` (kv-command.ts) is surely false: no flag it looks at is there, so the KV model need not be loaded to ask it. */
function mayBeKv(argv: readonly string[]): boolean {
  const i = argv.indexOf('--scenario');
  return argv.some((x) => x === '--kv' || x === '--compare-implementations' || x === '--scenario=kv' || x === '--bug' || x.startsWith('--bug=')) || (i >= 0 && argv[i + 1] === 'kv');
}

async function dispatch(argv: readonly string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    io.err(HELP);
    return EXIT.usage;
  }
  if (command === '--version' || command === '-V' || command === 'version') {
    if (rest.length > 0) throw new UsageError(`${command} takes no arguments`);
    io.out(`popcheck ${packageVersion()}\n`);
    return EXIT.holds;
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    if (rest.length > 1) throw new UsageError('help takes at most one command (popcheck help [COMMAND])');
    const topic = rest[0];
    if (topic === undefined) io.out(HELP);
    else if (COMMAND_HELP[topic] !== undefined) io.out(COMMAND_HELP[topic]);
    else throw new UsageError(`help: unknown command '${topic}' (known: ${Object.keys(COMMAND_HELP).join(', ')})`);
    return EXIT.holds;
  }
  const clock = { now: io.now, memory: io.memory, peakMemory: io.peakMemory, interrupted: io.interrupted };
  if (command === 'check' && mayBeKv(rest) && (await import('./kv-command.js')).wantsKv(rest)) {
    const { KV_HELP, parseKvArgs, renderCompare, renderKv, renderKvBug, runCompare, runKvBug, runKvTraced } = await import('./kv-command.js');
    const a = parseKvArgs(rest);
    if (a.help) {
      io.out(KV_HELP);
      return EXIT.holds;
    }
    if (a.bug !== null) {
      const b = runKvBug(a.bug);
      if (a.traceOut !== null) {
        if (b.trace === null) io.err(`popcheck: note: --trace-out: no counterexample to write (buggy run: verdict holds); ${a.traceOut} not written\n`);
        else writeOut(io, '--trace-out', a.traceOut, b.trace);
      }
      io.out(`${a.json ? JSON.stringify(b.report, null, 2) : renderKvBug(b.report)}\n`);
      return b.report.asExpected ? EXIT.holds : EXIT.violated;
    }
    if (a.compare) {
      const c = runCompare(a.identity, a.maxStates);
      io.out(`${a.json ? JSON.stringify(c, null, 2) : renderCompare(c)}\n`);
      return c.differ ? EXIT.violated : EXIT.holds;
    }
    const { report: r, trace } = runKvTraced(a.identity, a.maxStates);
    if (a.traceOut !== null) {
      if (trace === null) io.err(`popcheck: note: --trace-out: no counterexample to write (verdict ${r.verdict}); ${a.traceOut} not written\n`);
      else writeOut(io, '--trace-out', a.traceOut, trace);
    }
    io.out(`${a.json ? JSON.stringify(r, null, 2) : renderKv(r)}\n`);
    return exitOf(r.verdict as CheckReport['verdict']);
  }
  if (command === 'check') {
    const { parseCheckArgs } = await import('./args.js');
    const args = parseCheckArgs(rest);
    if (args.help) {
      io.out(COMMAND_HELP.check);
      return EXIT.holds;
    }
    // --graph first: a state space too large to draw is a usage error before anything is printed.
    const findBug = async (bug: string) => (await import('../model/catalogue.js')).findCkEntry(bug)!;
    const bugArgs = async (bug: string) => (await import('./bug-command.js')).argsFor(await findBug(bug), 'buggy', args).model;
    const graph = args.graph === null ? null : await (await import('./diagram-command.js')).graphText(args.bug !== null ? await bugArgs(args.bug) : args.model, args.graph);
    if (graph !== null) writeOut(io, '--graph', args.graph!, graph);
    if (args.bug !== null) {
      const { runBug } = await import('./bug-command.js');
      const { renderBug } = await import('./text.js');
      const report = await runBug(args, clock);
      await traceOut(io, args, await bugArgs(args.bug), report.buggy, `buggy run ${report.bug.buggyRun.label}: `);
      io.out(`${args.json ? JSON.stringify(report, null, 2) : renderBug(report)}\n`);
      return report.outcome === 'as-expected' ? EXIT.holds : report.outcome === 'incomplete' ? EXIT.incomplete : EXIT.violated;
    }
    const [{ runCheck }, { ProgressLine }, { renderJson }, { renderCheck }] = await Promise.all([
      import('./check-command.js'),
      import('./progress.js'),
      import('./json.js'),
      import('./text.js'),
    ]);
    const progress = !args.json && io.tty ? new ProgressLine(io.tty, io.now, io.memory) : null;
    let report: CheckReport;
    try {
      report = await runCheck(args, clock, progress ? (p) => progress.update(p) : undefined);
    } finally {
      progress?.clear();
    }
    await traceOut(io, args, args.model, report, '');
    io.out(`${args.json ? renderJson(report) : renderCheck(report)}\n`);
    return exitOf(report.verdict);
  }
  if (command === 'explain') {
    const { explainJson, parseExplainArgs, runExplain, walks } = await import('./explain-command.js');
    const a = parseExplainArgs(rest);
    if (a.help) {
      io.out(COMMAND_HELP.explain);
      return EXIT.holds;
    }
    const r = await runExplain(a, clock, io.readFile);
    const { PLAIN, renderIntro, renderWalkthrough } = await import('../model/walkthrough.js');
    if (a.mermaid !== null) {
      try {
        const { sequenceDiagram } = await import('../model/sequence-diagram.js');
        io.writeFile(a.mermaid, sequenceDiagram(r.session.steps, { title: r.walkthrough.title }));
      } catch (err) {
        throw new UsageError(`--mermaid ${a.mermaid}: cannot write: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
    }
    const style = io.color ? ANSI : PLAIN;
    const w = r.walkthrough;
    const text = walks(r) ? renderWalkthrough(w, style) : renderIntro(w, style);
    io.out(`${a.json ? JSON.stringify(explainJson(r), null, 2) : text}\n`);
    return r.verdict === 'holds' ? EXIT.holds : r.verdict === 'violated' ? EXIT.violated : EXIT.incomplete;
  }
  if (command === 'replay') {
    const { parseReplayArgs, renderKvReplay, renderReplay, runAnyReplay } = await import('./replay-command.js');
    const a = parseReplayArgs(rest);
    if (a.help || a.file === null) {
      io.out(COMMAND_HELP.replay);
      return EXIT.holds;
    }
    const any = runAnyReplay({ file: a.file, invariants: a.invariants, rocketmq: a.rocketmq ?? null }, io.readFile);
    const text = any.kind === 'kv' ? renderKvReplay(any.report) : renderReplay(any.report);
    io.out(`${a.json ? JSON.stringify(any.report, null, 2) : text}\n`);
    return any.report.verdict === 'conforms' ? EXIT.holds : EXIT.violated;
  }
  if (command === 'validate') {
    const { parseValidateArgs, renderValidate, runValidate, validateDiagram } = await import('./validate-command.js');
    const a = parseValidateArgs(command, rest);
    if (a.help) {
      io.out(COMMAND_HELP.validate);
      return EXIT.holds;
    }
    const report = await runValidate(a, io.readFile);
    const mermaid = a.mermaid ?? null;
    if (mermaid !== null) {
      const d = await validateDiagram(report);
      if (d.text === undefined) io.err(`popcheck: note: --mermaid: ${d.note}; ${mermaid} not written\n`);
      else writeOut(io, '--mermaid', mermaid, d.text);
    }
    io.out(`${a.json ? JSON.stringify(report, null, 2) : renderValidate(report)}\n`);
    return report.verdict === 'conforms' ? EXIT.holds : report.verdict === 'incomplete' ? EXIT.incomplete : EXIT.violated;
  }
  if (command === 'simulate') {
    const { parseSimulateArgs, runSimulate, simulateSummary } = await import('./simulate-command.js');
    const a = parseSimulateArgs(rest);
    if (a.help) {
      io.out(COMMAND_HELP.simulate);
      return EXIT.holds;
    }
    const stats = runSimulate(a, outFile(io));
    io.err(simulateSummary(a, stats));
    return EXIT.holds;
  }
  if (command === 'diagram') {
    const { parseDiagramArgs, runDiagram } = await import('./diagram-command.js');
    const a = parseDiagramArgs(rest);
    if (a.help) {
      io.out(COMMAND_HELP.diagram);
      return EXIT.holds;
    }
    const d = await runDiagram(a, clock);
    if (d.note !== null) io.err(d.note);
    if (a.out === null) io.out(d.text);
    else writeOut(io, '--out', a.out, d.text);
    return EXIT.holds;
  }
  if (command === 'serve') {
    const { parseServeArgs, runServe } = await import('./serve-command.js');
    const a = parseServeArgs(rest);
    if (a.help) {
      io.out(COMMAND_HELP.serve);
      return EXIT.holds;
    }
    return runServe(a, io.out, io.err, () => io.interrupted?.() ?? false);
  }
  if (command === 'bugs' || command === 'versions') {
    const v = parseFlags(command, rest, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }).values;
    const { bugsJson, bugsText, versionsJson, versionsText } = await import('./catalogue-command.js');
    if (v.help === true) io.out(COMMAND_HELP[command]);
    else if (command === 'bugs') io.out(`${v.json === true ? JSON.stringify(bugsJson(), null, 2) : bugsText()}\n`);
    else io.out(`${v.json === true ? JSON.stringify(versionsJson(), null, 2) : versionsText()}\n`);
    return EXIT.holds;
  }
  throw new UsageError(`unknown command '${command}' (try: popcheck --help)`);
}

export async function run(argv: readonly string[], io: Io): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`popcheck: ${err.message}\n`);
      return EXIT.usage;
    }
    const e = err as Error;
    io.err(`popcheck: internal error: ${e?.message ?? String(err)} (exit ${EXIT.internal}; POPCHECK_DEBUG=1 shows the stack)\n`);
    if (io.debug) io.err(`${e?.stack}\n`);
    return EXIT.internal;
  }
}
