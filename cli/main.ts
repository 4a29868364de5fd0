#!/usr/bin/env -S node --max-semi-space-size=2 --optimize-for-size --v8-pool-size=1
/**
 * Binds the CLI to the process. Exit codes: 0 holds, 1 violated, 2 usage or input error,
 * 3 incomplete, 70 internal error (cli/errors.ts).
 *
 * SIGINT and SIGTERM ask a running check to stop: it prints the report so far (verdict
 * incomplete, stopReason interrupted) and exits 3; a second signal exits at once (130/143).
 * A closed stdout or stderr (`popcheck check | head`) ends the output quietly.
 *
 * The shebang runs node with the CLI's V8 flags (cli/node-flags.ts: a young generation of 2
 * MiB semi-spaces, V8 set to favour memory, one background thread). `env -S` is GNU coreutils
 * 8.30 or later, macOS and the BSDs (npm's Windows shims read it too); where env has no -S
 * (BusyBox), run `node --max-semi-space-size=2 --optimize-for-size --v8-pool-size=1
 * dist/cli/main.js`.
 */
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { setRuntimeV8Flags } from './node-flags.js';
import { prestartFor } from './prestart.js';

setRuntimeV8Flags();

// The signal handlers first, before the CLI loads: a signal while it loads (the worker threads
// starting, run.js importing) is a request to stop like any other, seen at the run's first poll.
let interrupted = false;
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(code);
    interrupted = true;
  });
}

// `check --workers N`: the worker threads start now, while the rest of the CLI loads (run.js).
await prestartFor(process.argv.slice(2));
const { run } = await import('./run.js');

const closed = { out: false, err: false };
const quietOnClose = (which: 'out' | 'err') => (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') {
    closed[which] = true;
    return;
  }
  throw err;
};
process.stdout.on('error', quietOnClose('out'));
process.stderr.on('error', quietOnClose('err'));

process.exitCode = await run(process.argv.slice(2), {
  out: (s) => {
    if (!closed.out) process.stdout.write(s);
  },
  err: (s) => {
    if (!closed.err) process.stderr.write(s);
  },
  tty: process.stderr.isTTY ? process.stderr : null,
  color: process.stdout.isTTY === true && !process.env.NO_COLOR,
  now: () => performance.now(),
  memory: () => process.memoryUsage().rss,
  peakMemory: () => process.resourceUsage().maxRSS * 1024,
  interrupted: () => interrupted,
  debug: Boolean(process.env.POPCHECK_DEBUG),
  readFile: (path) => readFileSync(path, 'utf8'),
  writeFile: (path, text) => writeFileSync(path, text),
  openOut: (path) => {
    const fd = openSync(path, 'w');
    return { write: (s) => void writeSync(fd, s), close: () => closeSync(fd) };
  },
});
// The run is over: a signal now ends the process as usual.
process.removeAllListeners('SIGINT');
process.removeAllListeners('SIGTERM');
