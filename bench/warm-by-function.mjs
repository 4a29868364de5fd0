// usage: node bench/warm-by-function.mjs SMALL.cg SMALL.map LARGE.cg LARGE.map TRANSITIONS [TOP]
//
// The warm work per transition of each function: self instructions of a larger run (say ack-flush
// N = 12) minus those of a smaller one (N = 11), by function, divided by the transitions between
// them (1,497,729 from N = 11 to N = 12). Start-up and compiling cost about the same in both runs,
// so what is left is the work of the transitions the larger run adds. Make each pair of files as
// for instructions-by-function.mjs (callgrind with --dump-instr=yes, Node with --perf-basic-prof
// --no-compact-code-space). A WebAssembly function is named with its module, which the perf map
// does not name: the modules' code lies in separate regions, numbered in the order their code first
// appears in the map (in an explore-child run "wasm1" is the fingerprint kernel, checker/wasm/kernel.wat,
// instantiated by the explorer first, and "wasm2" model/wasm/lifecycle.wat).
import { jitNamer, perfRanges, readOrExit, walkCallgrind } from './callgrind.mjs';

const [smallCg, smallMap, largeCg, largeMap, transitionsArg, topArg] = process.argv.slice(2);
if (!smallCg || !smallMap || !largeCg || !largeMap || !transitionsArg) {
  console.error('usage: node bench/warm-by-function.mjs SMALL.cg SMALL.map LARGE.cg LARGE.map TRANSITIONS [TOP]');
  process.exit(2);
}
const transitions = Number(transitionsArg);
const top = Number(topArg ?? 40);

const read = (file) => readOrExit('warm-by-function', file);

/** The perf map's ranges, sorted, WebAssembly functions named with their module's size. */
function ranges(mapFile) {
  // The build's directory is left out, so that runs of two builds compare by name.
  const rows = perfRanges(read(mapFile), (name) => name.replace(/file:\/\/\/\S*\/dist\//, '').replace(/-(liftoff|turbofan)$/, ''));
  // WebAssembly code regions: functions less than 16 MiB apart are one module's; the modules are
  // numbered in the order their code first appears in the map.
  const regions = [];
  for (const r of rows.filter((x) => /wasm-function\[\d+\]/.test(x.name))) {
    let g = regions.find((x) => Math.abs(r.start - x.start) < 16 * 1024 * 1024);
    if (!g) regions.push((g = { start: r.start, first: Infinity, members: [] }));
    g.members.push(r);
  }
  const order = read(mapFile).split('\n');
  for (const g of regions) g.first = Math.min(...g.members.map((r) => order.findIndex((l) => l.startsWith(r.start.toString(16) + ' '))));
  regions.sort((a, b) => a.first - b.first).forEach((g, i) => {
    for (const r of g.members) r.name = r.name.replace('JS:wasm-function', `JS:wasm${i + 1}:wasm-function`);
  });
  return rows;
}

/** Self instructions by function name (callgrind's cost lines, JIT addresses named by the map). */
function selfByName(cgFile, mapFile) {
  const jit = jitNamer(ranges(mapFile));
  const self = new Map();
  walkCallgrind(read(cgFile), (pos, cost, fn, call) => {
    // A call's line is its inclusive cost: not this function's own.
    if (call !== null) return;
    const where = jit(pos) ?? fn;
    self.set(where, (self.get(where) ?? 0) + cost);
  });
  return self;
}

const small = selfByName(smallCg, smallMap);
const large = selfByName(largeCg, largeMap);
const rows = [...new Set([...small.keys(), ...large.keys()])].map((n) => [n, (large.get(n) ?? 0) - (small.get(n) ?? 0)]);
const total = rows.reduce((a, r) => a + r[1], 0);
console.log(`${(total / transitions).toFixed(0)} instructions a transition (${(total / 1e6).toFixed(1)} M over ${transitions} transitions)`);
rows
  .sort((a, b) => b[1] - a[1])
  .slice(0, top)
  .forEach(([n, v]) => console.log(`${(v / transitions).toFixed(1).padStart(8)}  ${n}`));
