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
import { readFileSync } from 'node:fs';

const [smallCg, smallMap, largeCg, largeMap, transitionsArg, topArg] = process.argv.slice(2);
if (!smallCg || !smallMap || !largeCg || !largeMap || !transitionsArg) {
  console.error('usage: node bench/warm-by-function.mjs SMALL.cg SMALL.map LARGE.cg LARGE.map TRANSITIONS [TOP]');
  process.exit(2);
}
const transitions = Number(transitionsArg);
const top = Number(topArg ?? 40);

function read(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    console.error(`warm-by-function: ${file}: ${err.code ?? err.message}`);
    process.exit(2);
  }
}

/** The perf map's ranges, sorted, WebAssembly functions named with their module's size. */
function ranges(mapFile) {
  const rows = read(mapFile)
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => {
      const a = l.indexOf(' ');
      const b = l.indexOf(' ', a + 1);
      const start = parseInt(l.slice(0, a), 16);
      // The build's directory is left out, so that runs of two builds compare by name.
      const name = l.slice(b + 1).replace(/file:\/\/\/\S*\/dist\//, '').replace(/-(liftoff|turbofan)$/, '');
      return { start, end: start + parseInt(l.slice(a + 1, b), 16), name };
    })
    .sort((x, y) => x.start - y.start);
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
  const rs = ranges(mapFile);
  const jit = (addr) => {
    let lo = 0;
    let hi = rs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (rs[mid].start <= addr) lo = mid + 1;
      else hi = mid - 1;
    }
    return hi >= 0 && addr < rs[hi].end ? `JIT ${rs[hi].name}` : null;
  };
  const names = new Map();
  const named = (v) => {
    const m = /^\((\d+)\)(?: (.*))?$/.exec(v.trim());
    if (!m) return v.trim();
    if (m[2] !== undefined) names.set(m[1], m[2]);
    return names.get(m[1]) ?? '?';
  };
  const self = new Map();
  let fn = '?';
  let pos = 0;
  let call = false;
  for (const line of read(cgFile).split('\n')) {
    if (line.startsWith('fn=')) fn = named(line.slice(3));
    else if (line.startsWith('cfn=')) named(line.slice(4));
    else if (line.startsWith('calls=')) call = true;
    else if (/^(0x|[+\-*])/.test(line)) {
      const [p, , cost] = line.split(' ');
      if (p.startsWith('0x')) pos = parseInt(p, 16);
      else if (p[0] === '+') pos += Number(p.slice(1));
      else if (p[0] === '-') pos -= Number(p.slice(1));
      // The line after calls= is the call's inclusive cost: not this function's own.
      if (call) call = false;
      else {
        const where = jit(pos) ?? fn;
        self.set(where, (self.get(where) ?? 0) + Number(cost ?? 0));
      }
    }
  }
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
