/**
 * The CLI as a function: argv in, text out, exit code back. main.ts binds it to the
 * process; tests call it directly.
 */
import { parseCheckArgs } from './args.js';
import { runCheck } from './check-command.js';
import { EXIT, UsageError } from './errors.js';
import { CHECK_HELP, HELP } from './help.js';
import { renderJson } from './json.js';
import { ProgressLine } from './progress.js';
import { renderCheck } from './text.js';

export interface Io {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
  /** A terminal to draw progress on, or null. */
  readonly tty: NodeJS.WriteStream | null;
  readonly now: () => number;
  readonly debug: boolean;
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
    const progress = !args.json && io.tty ? new ProgressLine(io.tty) : null;
    const report = await runCheck(args, { now: io.now }, progress ? (p) => progress.update(p) : undefined);
    progress?.clear();
    io.out(`${args.json ? renderJson(report) : renderCheck(report)}\n`);
    return report.verdict === 'holds' ? EXIT.holds : report.verdict === 'violated' ? EXIT.violated : EXIT.incomplete;
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
