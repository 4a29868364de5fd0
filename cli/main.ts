#!/usr/bin/env node
/** Binds the CLI to the process. Exit codes: 0 holds, 1 violated, 2 usage or input error, 3 incomplete. */
import { readFileSync, writeFileSync } from 'node:fs';
import { run } from './run.js';

process.exitCode = await run(process.argv.slice(2), {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  tty: process.stderr.isTTY ? process.stderr : null,
  now: () => performance.now(),
  memory: () => process.memoryUsage().rss,
  debug: Boolean(process.env.POPCHECK_DEBUG),
  readFile: (path) => readFileSync(path, 'utf8'),
  writeFile: (path, text) => writeFileSync(path, text),
});
