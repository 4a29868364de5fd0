/**
 * The CLI as a function: argv in, text out, exit code back. main.ts binds it to the
 * process; tests call it directly.
 */
import { parseCheckArgs } from './args.js';
import { runCheck } from './check-command.js';
import { EXIT, UsageError, usageFromParse } from './errors.js';
import { CHECK_HELP, HELP } from './help.js';
import { renderJson } from './json.js';
import { ProgressLine, type ProgressSink } from './progress.js';
import { renderBug, renderCheck } from './text.js';
import { runBug } from './bug-command.js';
import { bugsJson, bugsText, versionsJson, versionsText } from './catalogue-command.js';
import { parseArgs } from 'node:util';
import { renderReplay, runReplay } from './replay-command.js';
import { writeTrace } from '../traces/write.js';
import type { TraceHeader } from '../traces/format.js';

export interface Io {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
  /** A terminal to draw progress on, or null. */
  readonly tty: ProgressSink | null;
  readonly now: () => number;
  /** Bytes the process uses. */
  readonly memory: () => number;
  readonly debug: boolean;
  readonly readFile: (path: string) => string;
  readonly writeFile: (path: string, text: string) => void;
}

async function dispatch(argv: readonly string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    io.err(HELP);
    return EXIT.usage;
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    io.out(HELP);
    return EXIT.holds;
  }
  if (command === 'check') {
    const args = parseCheckArgs(rest);
    if (args.help) {
      io.out(CHECK_HELP);
      return EXIT.holds;
    }
    if (args.bug !== null) {
      const report = await runBug(args, { now: io.now, memory: io.memory });
      io.out(`${args.json ? JSON.stringify(report, null, 2) : renderBug(report)}\n`);
      return report.asExpected ? EXIT.holds : EXIT.violated;
    }
    const progress = !args.json && io.tty ? new ProgressLine(io.tty, io.now, io.memory) : null;
    const report = await runCheck(args, { now: io.now, memory: io.memory }, progress ? (p) => progress.update(p) : undefined);
    progress?.clear();
    if (args.traceOut !== null) {
      if (!report.counterexample) throw new UsageError(`--trace-out: there is no counterexample to write (verdict ${report.verdict})`);
      const header: TraceHeader = {
        popcheck: 'trace',
        version: 1,
        scenario: args.scenario as TraceHeader['scenario'],
        messages: args.messages,
        rocketmq: args.rocketmq,
        ...(args.batchAck ? { batchAck: true } : {}),
        ...(Object.keys(args.bounds).length > 0 ? { bounds: args.bounds as TraceHeader['bounds'] } : {}),
        ...(Object.keys(args.overrides).length > 0 ? { settings: args.overrides as TraceHeader['settings'] } : {}),
      };
      try {
        io.writeFile(args.traceOut, writeTrace(header, report.counterexample.steps.map((s) => s.event)));
      } catch (err) {
        throw new UsageError(`--trace-out ${args.traceOut}: cannot write: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
    }
    io.out(`${args.json ? renderJson(report) : renderCheck(report)}\n`);
    return report.verdict === 'holds' ? EXIT.holds : report.verdict === 'violated' ? EXIT.violated : EXIT.incomplete;
  }
  if (command === 'replay') {
    const { report, json } = runReplay(rest, io.readFile);
    io.out(`${json ? JSON.stringify(report, null, 2) : renderReplay(report)}\n`);
    return report.verdict === 'conforms' ? EXIT.holds : EXIT.violated;
  }
  if (command === 'bugs' || command === 'versions') {
    const json =
      usageFromParse(() => parseArgs({ args: [...rest], strict: true, allowPositionals: false, options: { json: { type: 'boolean' } } })).values.json ??
      false;
    if (command === 'bugs') io.out(`${json ? JSON.stringify(bugsJson(), null, 2) : bugsText()}\n`);
    else io.out(`${json ? JSON.stringify(versionsJson(), null, 2) : versionsText()}\n`);
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
    } else {
      const e = err as Error;
      io.err(`popcheck: internal error: ${e.message}\n`);
      if (io.debug) io.err(`${e.stack}\n`);
    }
    return EXIT.usage;
  }
}
