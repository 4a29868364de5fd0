/**
 * Finds SPIN (and the C compiler its verifiers need), installing the Debian package `spin`
 * with apt-get when it is missing and installing is allowed.
 */
import { spawnSync } from 'node:child_process';

export type SpinStatus =
  | { readonly available: true; readonly version: string; readonly installed: boolean }
  | { readonly available: false; readonly reason: string };

/** The first line of `cmd args`' output, or null when it cannot be run. */
function firstLine(cmd: string, args: readonly string[]): string | null {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error || r.status !== 0) return null;
  const line = `${r.stdout}${r.stderr}`.trim().split('\n')[0];
  return line === '' ? null : line;
}

/** "Spin Version 6.5.2 -- 6 December 2019", or null when spin is not on PATH. */
export function spinVersion(): string | null {
  const v = firstLine('spin', ['-V']);
  return v !== null && v.startsWith('Spin Version') ? v : null;
}

/** "gcc (Debian 12.2.0-14) 12.2.0", or null when gcc is not on PATH. */
export function gccVersion(): string | null {
  return firstLine('gcc', ['--version']);
}

/** The last line apt-get printed that says what went wrong. */
function aptError(r: ReturnType<typeof spawnSync>): string {
  if (r.error) return (r.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'apt-get is not on PATH' : r.error.message;
  const lines = `${r.stderr ?? ''}\n${r.stdout ?? ''}`.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return lines.find((l) => l.startsWith('E:')) ?? lines.at(-1) ?? `exit code ${r.status}`;
}

function apt(args: readonly string[]): ReturnType<typeof spawnSync> {
  return spawnSync('apt-get', args, {
    encoding: 'utf8',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    timeout: 600_000,
  });
}

/** `apt-get install -y spin`, after `apt-get update` when the package lists do not know spin. Null: installed. */
export function aptInstallSpin(): string | null {
  let r = apt(['install', '-y', 'spin']);
  if (r.status !== 0 && !r.error && /Unable to locate package/.test(String(r.stderr))) {
    apt(['update']);
    r = apt(['install', '-y', 'spin']);
  }
  return r.status === 0 ? null : `apt-get install -y spin failed: ${aptError(r)}`;
}

export function ensureSpin(opts: { readonly install: boolean }): SpinStatus {
  if (gccVersion() === null) return { available: false, reason: 'gcc is not on PATH (SPIN compiles its verifier pan.c with it)' };
  const found = spinVersion();
  if (found !== null) return { available: true, version: found, installed: false };
  if (!opts.install) return { available: false, reason: 'spin is not on PATH (installing it was not requested)' };
  const failed = aptInstallSpin();
  if (failed !== null) return { available: false, reason: failed };
  const version = spinVersion();
  if (version === null) return { available: false, reason: 'apt-get installed spin but `spin -V` still fails' };
  return { available: true, version, installed: true };
}
