// usage: node bench/annotate-jit.mjs CALLGRIND_OUT CODE_LISTING NAME [MIN]
//
// The machine code of one optimized function (TurboFan JavaScript, or a WebAssembly function
// such as "wasm-function[5]") with how often each instruction ran. The listing must come from the
// run callgrind counted: V8 embeds heap addresses in its code, so a listing printed by another
// run has other addresses, and at places other lengths. Print it in the same run:
//   valgrind --tool=callgrind --dump-instr=yes --callgrind-out-file=/tmp/cg.out \
//     node --single-threaded --print-opt-code --code-comments dist/bench/explore-child.js ARGS > /tmp/code.txt
// (--print-wasm-code instead of --print-opt-code for WebAssembly). Every compiled version of NAME
// is shown, each with its total; MIN hides the instructions that ran fewer times.
import { readOrExit, walkCallgrind } from './callgrind.mjs';

const [cgFile, codeFile, want, minArg] = process.argv.slice(2);
if (!cgFile || !codeFile || !want) {
  console.error('usage: node bench/annotate-jit.mjs CALLGRIND_OUT CODE_LISTING NAME [MIN]');
  process.exit(2);
}
const min = Number(minArg ?? 0);
const cost = new Map();
walkCallgrind(readOrExit('annotate-jit', cgFile), (pos, c, fn, call) => {
  // A call's line is its inclusive cost, at the calling instruction: not the instruction's own.
  if (call === null) cost.set(pos, (cost.get(pos) ?? 0) + c);
});
// V8's listings: "name = NAME" (JavaScript) or "name: NAME" (WebAssembly) opens a function, its
// instructions are "ADDRESS OFFSET BYTES TEXT", "--- End code ---" closes it.
let inFn = false;
let total = 0;
for (const l of readOrExit('annotate-jit', codeFile).split('\n')) {
  const name = /^name(?: =|:) (.*)$/.exec(l);
  if (name) {
    inFn = name[1].trim() === want;
    total = 0;
    if (inFn) console.log(`==== ${want}`);
    continue;
  }
  if (!inFn) continue;
  const m = /^(0x[0-9a-f]+)\s+([0-9a-f]+)\s+\S+\s+(.*)$/.exec(l);
  if (m) {
    const c = cost.get(parseInt(m[1], 16)) ?? 0;
    total += c;
    if (c >= min) console.log(`${String(c).padStart(10)} ${m[2].padStart(5)}  ${m[3]}`);
  } else if (l.startsWith('--- End code')) {
    console.log(`==== ${want}: ${total} instructions`);
    inFn = false;
  }
}
