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
import { readFileSync } from 'node:fs';

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
/** A file's text, or a one-line error naming it (exit 2). */
function read(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    console.error(`instructions-by-function: ${file}: ${err.code ?? err.message}`);
    process.exit(2);
  }
}
const top = Number(rest.find((a, i) => /^\d+$/.test(a) && (ci < 0 || i !== ci + 1) && (ce < 0 || i !== ce + 1)) ?? 60);

// The map: "start size name" (hex, hex, text), sorted by start for a binary search.
const ranges = read(mapFile)
  .split('\n')
  .filter((l) => l.length > 0)
  .map((l) => {
    const a = l.indexOf(' ');
    const b = l.indexOf(' ', a + 1);
    const start = parseInt(l.slice(0, a), 16);
    return { start, end: start + parseInt(l.slice(a + 1, b), 16), name: l.slice(b + 1) };
  })
  .sort((x, y) => x.start - y.start);
function jitName(addr) {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ranges[mid].start <= addr) lo = mid + 1;
    else hi = mid - 1;
  }
  return hi >= 0 && addr < ranges[hi].end ? `JIT ${ranges[hi].name}` : null;
}

// callgrind's format (positions: instr line): "(id) name" defines a compressed name, "(id)"
// reuses it; a cost line is "ADDR LINE COST" with ADDR absolute (0x...) or relative (+n, -n, *);
// the line after "calls=" is the call's inclusive cost at the calling address.
const names = new Map();
const named = (kind, v) => {
  const m = /^\((\d+)\)(?: (.*))?$/.exec(v.trim());
  if (!m) return v.trim();
  if (m[2] !== undefined) names.set(`${kind}${m[1]}`, m[2]);
  return names.get(`${kind}${m[1]}`) ?? '?';
};
const self = new Map();
const callers = new Map();
const callees = new Map();
const add = (map, k, v, n = 0) => {
  const e = map.get(k) ?? { ir: 0, calls: 0 };
  e.ir += v;
  e.calls += n;
  map.set(k, e);
};
let fn = '?';
let cfn = '?';
let pos = 0;
let call = -1; // calls of the pending call line, or -1
for (const line of read(cgFile).split('\n')) {
  if (line.startsWith('fn=')) fn = named('fn', line.slice(3));
  else if (line.startsWith('cfn=')) cfn = named('fn', line.slice(4));
  else if (/^c?(ob|fl|fi|fe)=/.test(line)) named(line.startsWith('c') ? line.slice(1, 3) : line.slice(0, 2), line.slice(line.indexOf('=') + 1));
  else if (line.startsWith('calls=')) call = Number(line.slice(6).split(' ')[0]);
  else if (/^(0x|[+\-*])/.test(line)) {
    const [p, , cost] = line.split(' ');
    if (p.startsWith('0x')) pos = parseInt(p, 16);
    else if (p[0] === '+') pos += Number(p.slice(1));
    else if (p[0] === '-') pos -= Number(p.slice(1));
    const v = Number(cost ?? 0);
    const where = jitName(pos) ?? fn;
    if (call >= 0) {
      // A callee in JIT code is an address to callgrind.
      const callee = /^0x[0-9a-f]+$/.test(cfn) ? (jitName(parseInt(cfn, 16)) ?? cfn) : cfn;
      if (callersOf !== null && callee.includes(callersOf)) add(callers, where, v, call);
      if (calleesOf !== null && where.includes(calleesOf)) add(callees, callee, v, call);
      call = -1;
    } else add(self, where, v);
  }
}
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
