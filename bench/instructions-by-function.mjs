// usage: node bench/instructions-by-function.mjs CALLGRIND_OUT PERF_MAP [TOP] [--callers NAME | --callees NAME]
//
// Self instructions per function of a run counted by callgrind, V8's generated code included:
// cachegrind and callgrind name no function in JIT code, so this adds up callgrind's per-address
// counts under the address ranges Node writes to /tmp/perf-PID.map. Make the two files with
//   valgrind --tool=callgrind --dump-instr=yes --callgrind-out-file=OUT \
//     node --single-threaded --perf-basic-prof --no-compact-code-space dist/bench/explore-child.js ARGS
// (--no-compact-code-space: code does not move, so the map's ranges hold for the whole run).
// With --callers NAME: the callers of the functions whose name contains NAME (a builtin, say),
// with the inclusive instructions and the number of calls of each. With --callees NAME: the
// functions that the functions whose name contains NAME call, the same way. A callee in JIT code
// (callgrind names it by its address) is named from the perf map.
import { jitNamer, perfRanges, readOrExit, walkCallgrind } from './callgrind.mjs';

const [cgFile, mapFile, ...rest] = process.argv.slice(2);
if (!cgFile || !mapFile) {
  console.error('usage: node bench/instructions-by-function.mjs CALLGRIND_OUT PERF_MAP [TOP] [--callers NAME]');
  process.exit(2);
}
const ci = rest.indexOf('--callers');
const callersOf = ci >= 0 ? rest[ci + 1] : null;
if (ci >= 0 && !callersOf) {
  console.error('instructions-by-function: --callers needs a NAME');
  process.exit(2);
}
const ce = rest.indexOf('--callees');
const calleesOf = ce >= 0 ? rest[ce + 1] : null;
if (ce >= 0 && !calleesOf) {
  console.error('instructions-by-function: --callees needs a NAME');
  process.exit(2);
}
const read = (file) => readOrExit('instructions-by-function', file);
const top = Number(rest.find((a, i) => /^\d+$/.test(a) && (ci < 0 || i !== ci + 1) && (ce < 0 || i !== ce + 1)) ?? 60);

const jitName = jitNamer(perfRanges(read(mapFile)));

const self = new Map();
const callers = new Map();
const callees = new Map();
const add = (map, k, v, n = 0) => {
  const e = map.get(k) ?? { ir: 0, calls: 0 };
  e.ir += v;
  e.calls += n;
  map.set(k, e);
};
walkCallgrind(read(cgFile), (pos, v, fn, call) => {
  const where = jitName(pos) ?? fn;
  if (call === null) return add(self, where, v);
  // A callee in JIT code is an address to callgrind.
  const callee = /^0x[0-9a-f]+$/.test(call.cfn) ? (jitName(parseInt(call.cfn, 16)) ?? call.cfn) : call.cfn;
  if (callersOf !== null && callee.includes(callersOf)) add(callers, where, v, call.calls);
  if (calleesOf !== null && where.includes(calleesOf)) add(callees, callee, v, call.calls);
});
const total = [...self.values()].reduce((a, e) => a + e.ir, 0);
const show = (map, withCalls) =>
  [...map.entries()]
    .sort((a, b) => b[1].ir - a[1].ir)
    .slice(0, top)
    .forEach(([k, e]) => {
      const m = `${(e.ir / 1e6).toFixed(1)}M`.padStart(9);
      console.log(withCalls ? `${m} ${String(e.calls).padStart(10)} calls  ${k}` : `${m} ${((100 * e.ir) / total).toFixed(1).padStart(5)}%  ${k}`);
    });
console.log(`${(total / 1e6).toFixed(1)} M instructions`);
if (calleesOf !== null) show(callees, true);
else if (callersOf !== null) show(callers, true);
else show(self, false);
