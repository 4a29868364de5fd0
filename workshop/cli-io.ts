/**
 * The popcheck CLI in-process (cli/run.ts) for the workshop's solution checks: argv in,
 * exit code and output back. Files are read from disk; written files are kept in memory.
 */
import { readFileSync } from 'node:fs';
import { run } from '../cli/run.js';

export interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Files the command wrote, by path (kept in memory, never on disk). */
  readonly written: ReadonlyMap<string, string>;
}

export async function popcheck(argv: readonly string[]): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  const written = new Map<string, string>();
  let t = 0;
  const code = await run(argv, {
    out: (s) => (stdout += s),
    err: (s) => (stderr += s),
    tty: null,
    now: () => (t += 1),
    memory: () => 0,
    debug: false,
    readFile: (path) => readFileSync(path, 'utf8'),
    writeFile: (path, text) => void written.set(path, text),
  });
  return { code, stdout, stderr, written };
}

/**
 * A command line as a participant types it ("npx popcheck check --messages 2") as argv for
 * run(): the leading `npx`/`popcheck` dropped, split on blanks (no quoting needed by any
 * workshop command).
 */
export function commandArgv(command: string): string[] {
  const words = command.trim().split(/\s+/).filter((w) => w !== '');
  while (words[0] === 'npx' || words[0] === 'popcheck') words.shift();
  return words;
}

/** `argv` with `flag` added unless present. */
export function withFlag(argv: readonly string[], flag: string): string[] {
  return argv.includes(flag) ? [...argv] : [...argv, flag];
}
