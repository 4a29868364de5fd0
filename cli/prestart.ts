/**
 * `popcheck check --workers N` starts its N - 1 worker threads first thing in the process,
 * before the CLI loads its own modules and parses its arguments (a few hundred ms of wall
 * time, which the workers spend starting Node and importing the model's modules on the other
 * core): see checker/parallel/prestart.ts. This module loads nothing else of the CLI.
 */
import { MAX_WORKERS } from '../checker/parallel/limits.js';
import { FACTORY_MODULE } from './factory-module.js';

/**
 * The --workers value of check's arguments `args` (after the command) when it is a plain
 * integer, else null: a quick look, the parser (args.ts) decides. The last one counts.
 */
export function workersFlag(args: readonly string[]): number | null {
  let raw: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') break;
    if (a === '--workers') raw = args[++i];
    else if (a.startsWith('--workers=')) raw = a.slice('--workers='.length);
  }
  return raw !== undefined && /^[0-9]+$/.test(raw) ? Number(raw) : null;
}

/**
 * Prestarts the worker threads a `check --workers N` command line `argv` will use (none
 * otherwise; a one-thread check does not load the parallel explorer's modules).
 */
export async function prestartFor(argv: readonly string[]): Promise<void> {
  if (argv[0] !== 'check') return;
  const n = workersFlag(argv.slice(1));
  if (n === null || n < 2 || n > MAX_WORKERS) return;
  const { prestartWorkers } = await import('../checker/parallel/prestart.js');
  prestartWorkers(n - 1, FACTORY_MODULE);
}
