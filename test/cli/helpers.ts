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
export async function cli(...argv: string[]): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  let t = 0;
  const code = await run(argv, {
    out: (s) => (stdout += s),
    err: (s) => (stderr += s),
    tty: null,
    now: () => (t += 1),
    debug: false,
  });
  return { code, stdout, stderr };
}

/** The built binary, as a user runs it. */
export function bin(...argv: string[]): Ran {
  const r = spawnSync(process.execPath, [BIN, ...argv], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
