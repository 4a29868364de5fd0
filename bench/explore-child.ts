/**
 * `node dist/bench/explore-child.js CHECK-ARGS...`: one `popcheck check`, run in this process
 * through the CLI's own parser and runCheck, for bench/side-by-side.ts, which measures the
 * process as a whole (peak RSS, CPU) from outside. Prints one JSON line: the counts, and the
 * CPU time (user + system, every thread of the process: worker threads included) and wall
 * time spent in runCheck (build the model, explore, count interleavings), so Node's start
 * and module loading are not in them.
 */
import { prestartFor } from '../cli/prestart.js';
import { setRuntimeV8Flags } from '../cli/node-flags.js';

// The CLI's V8 flags set from code (cli/node-flags.ts), as cli/main.ts sets them.
setRuntimeV8Flags();

// As the CLI (cli/main.ts): `--workers N` starts the worker threads before the rest loads.
await prestartFor(['check', ...process.argv.slice(2)]);
const { parseCheckArgs } = await import('../cli/args.js');
const { runCheck } = await import('../cli/check-command.js');

export interface ExploreChildResult {
  readonly verdict: string;
  readonly states: number;
  readonly transitions: number;
  /** User + system CPU of the whole process during runCheck, ms. */
  readonly cpuMs: number;
  /** Wall time of runCheck, ms. */
  readonly wallMs: number;
  /** The explorer's own figure: its stored bytes (fingerprint table, parents, edges) per state. */
  readonly storeBytesPerState: number;
}

const args = parseCheckArgs(process.argv.slice(2));
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const r = await runCheck(args, { now: () => performance.now() });
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const out: ExploreChildResult = {
  verdict: r.verdict,
  states: r.states,
  transitions: r.transitions,
  cpuMs: (cpu.user + cpu.system) / 1000,
  wallMs,
  storeBytesPerState: r.bytesPerState,
};
process.stdout.write(`${JSON.stringify(out)}\n`);
