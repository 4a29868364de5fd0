/**
 * Runs a Node script as a child process and measures it: wall time (performance.now() around
 * the child), CPU time and peak RSS. Peak RSS comes from GNU time (`time -v -o FILE`) when it is
 * on PATH; otherwise from a preload (`node --import`) that writes the process's
 * `process.resourceUsage()` (maxRSS, CPU) to a file when it exits. Both report the whole
 * process, worker threads included.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { NODE_FLAGS } from '../cli/node-flags.js';

export type RssMethod = { readonly kind: 'time'; readonly path: string } | { readonly kind: 'preload' };

export interface ChildRun {
  /** Exit code, or null when a signal ended the child. */
  readonly status: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly wallMs: number;
  /** User + system CPU, ms; null when the child did not report it (e.g. it was killed). */
  readonly cpuMs: number | null;
  /** Peak resident set size, KiB; null when not reported. */
  readonly peakRssKb: number | null;
}

/** The first executable `name` on PATH. */
export function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}

/** Reads GNU time's `-v` report: peak RSS (KiB) and user + system CPU (ms). */
export function parseTimeV(text: string): { peakRssKb: number | null; cpuMs: number | null } {
  const num = (re: RegExp): number | null => {
    const m = re.exec(text);
    return m ? Number(m[1]) : null;
  };
  const rss = num(/Maximum resident set size \(kbytes\):\s*(\d+)/);
  const user = num(/User time \(seconds\):\s*([\d.]+)/);
  const sys = num(/System time \(seconds\):\s*([\d.]+)/);
  return { peakRssKb: rss, cpuMs: user !== null && sys !== null ? Math.round((user + sys) * 1000) : null };
}

/** GNU time when `time` on PATH is GNU time and reports a peak RSS; else the preload. */
export function rssMethod(workDir: string): RssMethod {
  const path = onPath('time');
  if (path !== null) {
    const out = join(workDir, 'time-probe.txt');
    const r = spawnSync(path, ['-v', '-o', out, process.execPath, '-e', '0'], { encoding: 'utf8' });
    const ok = r.status === 0 && existsSync(out) && parseTimeV(readFileSync(out, 'utf8')).peakRssKb !== null;
    rmSync(out, { force: true });
    if (ok) return { kind: 'time', path };
  }
  return { kind: 'preload' };
}

export function describeRssMethod(m: RssMethod): string {
  return m.kind === 'time' ? `${m.path} -v (GNU time: the child's maximum resident set size)` : 'node --import a preload that writes process.resourceUsage().maxRSS at exit (no GNU time on PATH)';
}

/** The preload: on exit of the main thread, writes maxRSS (KiB) and CPU (µs) as JSON to $POPCHECK_BENCH_USAGE. */
const PRELOAD = `import { writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
const out = process.env.POPCHECK_BENCH_USAGE;
if (isMainThread && out) process.on('exit', () => { const u = process.resourceUsage(); writeFileSync(out, JSON.stringify({ maxRSS: u.maxRSS, cpu: u.userCPUTime + u.systemCPUTime })); });
`;

/** Runs `node NODE_FLAGS script args...` (the CLI's V8 flags, as `popcheck` runs) and measures it; work files go to `workDir`. */
export function runNodeChild(method: RssMethod, workDir: string, script: string, args: readonly string[]): ChildRun {
  const usage = join(workDir, 'usage.txt');
  rmSync(usage, { force: true });
  let cmd: string;
  let argv: string[];
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (method.kind === 'time') {
    cmd = method.path;
    argv = ['-v', '-o', usage, process.execPath, ...NODE_FLAGS, script, ...args];
  } else {
    const preload = join(workDir, 'usage-preload.mjs');
    if (!existsSync(preload)) writeFileSync(preload, PRELOAD);
    cmd = process.execPath;
    argv = [...NODE_FLAGS, '--import', pathToFileURL(preload).href, script, ...args];
    env.POPCHECK_BENCH_USAGE = usage;
  }
  const t0 = performance.now();
  const r = spawnSync(cmd, argv, { encoding: 'utf8', env, maxBuffer: 256 * 2 ** 20 });
  const wallMs = performance.now() - t0;
  if (r.error) throw r.error;
  let peakRssKb: number | null = null;
  let cpuMs: number | null = null;
  let status = r.status;
  let signal = r.signal as string | null;
  if (existsSync(usage)) {
    const text = readFileSync(usage, 'utf8');
    if (method.kind === 'time') {
      ({ peakRssKb, cpuMs } = parseTimeV(text));
      // GNU time exits 128+N when the child died of signal N, and says so in its report.
      const m = /Command terminated by signal (\d+)/.exec(text);
      if (m) {
        signal = `signal ${m[1]}`;
        status = null;
      }
    } else {
      const u = JSON.parse(text) as { maxRSS: number; cpu: number };
      peakRssKb = u.maxRSS;
      cpuMs = Math.round(u.cpu / 1000);
    }
    rmSync(usage, { force: true });
  }
  return { status, signal, stdout: r.stdout, stderr: r.stderr, wallMs, cpuMs, peakRssKb };
}
