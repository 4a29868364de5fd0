/**
 * Issue 12, item 1, "measure both" (bench/packed-model.ts):
 *   node dist/bench/packed-child.js ranges N > R.json   each word's range over ack-flush N (5.3.2, no symmetry)
 *   node dist/bench/packed-child.js packed N R.json     explore it over the packing of R.json
 *   node dist/bench/packed-child.js plain N             explore it as it is, by the same call
 * (`--rocketmq R` anywhere: another release than 5.3.2; `--flat`: pack across the layout's
 * regions, see packingOf).
 * Each exploring mode prints one JSON line: words a state, states, transitions, verdicts, CPU and
 * wall ms of the search alone. Count instructions with cachegrind as bench/count-instructions.sh
 * does (per warm transition: N = 12 minus N = 11, over 1,497,729).
 */
import { readFileSync } from 'node:fs';
import { startExplore } from '../checker/explore.js';
import { RELEASES } from '../model/versions.js';
import type { Model } from '../checker/model.js';
import { ackFlushModel, layoutRegions, packedModel, packingOf, wordRanges } from './packed-model.js';

function usage(msg: string): never {
  process.stderr.write(`packed-child: ${msg}\nusage: packed-child.js ranges N | packed N RANGES.json | plain N\n`);
  process.exit(2);
}

const argv = process.argv.slice(2);
const r = argv.indexOf('--rocketmq');
const release = r >= 0 ? argv.splice(r, 2)[1] : '5.3.2';
if (!RELEASES.some((x) => x.name === release)) usage(`--rocketmq: unknown release '${release ?? ''}'`);
const f = argv.indexOf('--flat');
const flat = f >= 0;
if (flat) argv.splice(f, 1);
const [mode, nArg, file] = argv;
const n = Number(nArg);
if (!Number.isInteger(n) || n < 1 || n > 16) usage(`N must be an integer 1..16, got '${nArg ?? ''}'`);
if (mode === 'ranges') {
  process.stdout.write(`${JSON.stringify({ messages: n, release, ...wordRanges(ackFlushModel(n, release)) })}\n`);
} else if (mode === 'packed' || mode === 'plain') {
  // The plain model as the CLI explores it (PopModel itself, symmetry off by option).
  let model: Model<Int32Array, unknown> = ackFlushModel(n, release);
  if (mode === 'packed') {
    if (!file) usage('packed needs the ranges file');
    // Ranges of another bound or release would pack values outside them: refused, not wrapped.
    let r: { messages?: unknown; release?: unknown; min?: unknown; max?: unknown };
    try {
      r = JSON.parse(readFileSync(file, 'utf8')) as typeof r;
    } catch (err) {
      usage(`${file}: ${(err as Error).message}`);
    }
    if (r.messages !== n || r.release !== release) usage(`${file}: ranges of ack-flush N=${String(r.messages)} on ${String(r.release)}, not N=${n} on ${release}`);
    if (!Array.isArray(r.min) || !Array.isArray(r.max) || ![...r.min, ...r.max].every((v) => Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31)) usage(`${file}: min and max must be arrays of int32 values`);
    const inner = ackFlushModel(n, release);
    // `--flat`: fields packed first fit across the layout's regions (fewer words, coarser bookkeeping).
    const region = flat ? undefined : layoutRegions(inner.instance.layout);
    model = packedModel(inner, packingOf(Int32Array.from(r.min as number[]), Int32Array.from(r.max as number[]), region));
  }
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  // In slices of 1,024 states, as the CLI runs it (cli/check-command.ts).
  const run = startExplore(model, { symmetry: false });
  while (!run.advance(1024));
  const g = run.graph();
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - t0;
  // The graph itself, as a checksum of every state's parent, event and invariant flags: a packed
  // run must number the same states the same way and find the same verdicts.
  let sum = 0;
  for (let i = 0; i < g.states; i++) sum = (Math.imul(sum, 31) + g.parent.get(i) * 7 + g.via.get(i) * 3 + g.flags.get(i)) | 0;
  const out = {
    mode,
    words: model.stateWords,
    states: g.states,
    transitions: g.transitions,
    complete: g.complete,
    violations: g.firstViolations.map((v) => model.invariants[v.invariant].name),
    graphSum: sum,
    cpuMs: (cpu.user + cpu.system) / 1000,
    wallMs,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
} else usage(`unknown mode '${mode ?? ''}'`);
