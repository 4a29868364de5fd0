import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { run } from '../../cli/run.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = `${ROOT}dist/cli/main.js`;

export interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The CLI in-process. */
export const FILES = new Map<string, string>();
/** What the in-process CLI reads as the process's memory use. */
export const MEMORY = { bytes: 100 * 1024 * 1024 };

export async function cli(...argv: string[]): Promise<Ran> {
  return cliWith({}, ...argv);
}

/** The CLI in-process with a terminal (collecting what is drawn on it), a clock step and an interruption flag. */
export async function cliWith(opts: { tty?: { text: string }; msPerTick?: number; interrupted?: () => boolean }, ...argv: string[]): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  let t = 0;
  const tty = opts.tty;
  const code = await run(argv, {
    out: (s) => (stdout += s),
    err: (s) => (stderr += s),
    tty: tty ? { write: (s: string) => (tty.text += s) } : null,
    now: () => (t += opts.msPerTick ?? 1),
    memory: () => MEMORY.bytes,
    interrupted: opts.interrupted,
    debug: false,
    readFile: (path) => {
      const text = FILES.get(path);
      if (text === undefined) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
      return text;
    },
    writeFile: (path, text) => {
      FILES.set(path, text);
    },
  });
  return { code, stdout, stderr };
}

/** The built binary, as a user runs it. */
export function bin(...argv: string[]): Ran {
  const r = spawnSync(process.execPath, [BIN, ...argv], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
