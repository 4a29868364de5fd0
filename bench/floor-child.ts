/** `node dist/bench/floor-child.js N [WIDTH]`: explore floorModel(N, WIDTH) (bench/floor-model.ts) in this process; one JSON line: states, transitions, CPU (user + system) and wall ms of the search alone. */
import { explore } from '../checker/explore.js';
import { floorModel } from './floor-model.js';
import { setRuntimeV8Flags } from '../cli/node-flags.js';

// The CLI's V8 flags set from code (cli/node-flags.ts), as cli/main.ts sets them.
setRuntimeV8Flags();

const n = Number(process.argv[2] ?? 10);
const width = Number(process.argv[3] ?? 3);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const g = explore(floorModel(n, width), {});
const cpu = process.cpuUsage(cpu0);
process.stdout.write(`${JSON.stringify({ states: g.states, transitions: g.transitions, cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now() - t0 })}\n`);
