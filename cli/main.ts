#!/usr/bin/env node
/**
 * The shell: parse, run, print, exit. Exit codes: 0 holds, 1 violated, 2 usage or input
 * error, 3 incomplete.
 */
import { parseCheckArgs } from './args.js';
import { runCheck } from './check-command.js';
import { EXIT, UsageError } from './errors.js';
import { renderJson } from './json.js';
import { renderCheck } from './text.js';
import { HELP, CHECK_HELP } from './help.js';
import { ProgressLine } from './progress.js';

function main(argv: readonly string[]): number {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP);
    return command === undefined ? EXIT.usage : EXIT.holds;
  }
  if (command === 'check') {
    const args = parseCheckArgs(rest);
    if (args.help) {
      process.stdout.write(CHECK_HELP);
      return EXIT.holds;
    }
    const progress = !args.json && process.stderr.isTTY ? new ProgressLine(process.stderr) : null;
    const report = runCheck(args, { now: () => performance.now() }, progress ? (p) => progress.update(p) : undefined);
    progress?.clear();
    process.stdout.write(`${args.json ? renderJson(report) : renderCheck(report)}\n`);
    return report.verdict === 'holds' ? EXIT.holds : report.verdict === 'violated' ? EXIT.violated : EXIT.incomplete;
  }
  throw new UsageError(`unknown command '${command}' (try: popcheck --help)`);
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  if (err instanceof UsageError) {
    process.stderr.write(`popcheck: ${err.message}\n`);
  } else {
    const e = err as Error;
    process.stderr.write(`popcheck: internal error: ${e.message}\n`);
    if (process.env.POPCHECK_DEBUG) process.stderr.write(`${e.stack}\n`);
  }
  process.exitCode = EXIT.usage;
}
