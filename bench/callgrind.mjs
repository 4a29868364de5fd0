// What bench/instructions-by-function.mjs, warm-by-function.mjs and annotate-jit.mjs share: reading
// a file or exiting with a one-line error, Node's perf map (which names V8's generated code), and
// the walk over callgrind's cost lines.
import { readFileSync } from 'node:fs';

/** A file's text, or a one-line error naming the tool and the file (exit 2). */
export function readOrExit(tool, file) {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    console.error(`${tool}: ${file}: ${err.code ?? err.message}`);
    process.exit(2);
  }
}

/**
 * The ranges of a perf map ("start size name", hex, hex, text), sorted by start. `rename`, if
 * given, maps each name (e.g. to leave the build's directory out).
 */
export function perfRanges(text, rename = (name) => name) {
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => {
      const a = l.indexOf(' ');
      const b = l.indexOf(' ', a + 1);
      const start = parseInt(l.slice(0, a), 16);
      return { start, end: start + parseInt(l.slice(a + 1, b), 16), name: rename(l.slice(b + 1)) };
    })
    .sort((x, y) => x.start - y.start);
}

/** A lookup of an address in sorted ranges: "JIT name", or null outside them (a binary search). */
export function jitNamer(ranges) {
  return (addr) => {
    let lo = 0;
    let hi = ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (ranges[mid].start <= addr) lo = mid + 1;
      else hi = mid - 1;
    }
    return hi >= 0 && addr < ranges[hi].end ? `JIT ${ranges[hi].name}` : null;
  };
}

/**
 * Walks callgrind's cost lines (format with positions "instr line"; --dump-instr=yes). For each
 * cost line: `onCost(pos, cost, fn, call)`, `pos` the instruction's address, `fn` the function
 * callgrind names it in, and `call` null for the instruction's own cost or, for the line after
 * "calls=", the call's inclusive cost at the calling address: { calls, cfn }. "(id) name" defines
 * a compressed name and "(id)" reuses it, per kind (fn, ob, fl, fi, fe); an address is absolute
 * (0x...) or relative to the last (+n, -n, decimal; * the same).
 */
export function walkCallgrind(text, onCost) {
  const names = new Map();
  const named = (kind, v) => {
    const m = /^\((\d+)\)(?: (.*))?$/.exec(v.trim());
    if (!m) return v.trim();
    if (m[2] !== undefined) names.set(`${kind}${m[1]}`, m[2]);
    return names.get(`${kind}${m[1]}`) ?? '?';
  };
  let fn = '?';
  let cfn = '?';
  let pos = 0;
  let calls = -1; // calls of the pending call line, or -1
  for (const line of text.split('\n')) {
    if (line.startsWith('fn=')) fn = named('fn', line.slice(3));
    else if (line.startsWith('cfn=')) cfn = named('fn', line.slice(4));
    else if (/^c?(ob|fl|fi|fe)=/.test(line)) named(line.startsWith('c') ? line.slice(1, 3) : line.slice(0, 2), line.slice(line.indexOf('=') + 1));
    else if (line.startsWith('calls=')) calls = Number(line.slice(6).split(' ')[0]);
    else if (/^(0x|[+\-*])/.test(line)) {
      const [p, , cost] = line.split(' ');
      if (p.startsWith('0x')) pos = parseInt(p, 16);
      else if (p[0] === '+') pos += Number(p.slice(1));
      else if (p[0] === '-') pos -= Number(p.slice(1));
      const call = calls >= 0 ? { calls, cfn } : null;
      calls = -1;
      onCost(pos, Number(cost ?? 0), fn, call);
    }
  }
}
