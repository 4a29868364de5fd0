// usage: node bench/kernel-driver.mjs DIST ITERATIONS
//
// Drives the fingerprint kernel (checker/wasm/kernel.wat) as the one-thread explorer calls it
// (explore.ts: `step`, `pushChild` for two successors of each state's four, `restore` for the other two, `shift`
// per state), on 153-word states whose successors differ in six words over two or three blocks,
// with no model around it: for counting the kernel's instructions per call of its TurboFan code
// (V8 compiles a Wasm function the same whoever calls it) in seconds rather than minutes:
//   valgrind --tool=callgrind --dump-instr=yes --callgrind-out-file=/tmp/k.cg \
//     node --single-threaded --print-wasm-code bench/kernel-driver.mjs dist 200000 > /tmp/k.code
//   node bench/annotate-jit.mjs /tmp/k.cg /tmp/k.code "wasm-function[2]"
// (kernel.wat's functions by index: 2 `step`, 3 `restore`, 5 `shift`, 7 `pushChild`; the
// first instruction's count of the last listed version is its number of calls).
// docs/explorer.md, "Fixed addresses in the kernel's memory".
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [dist, iterArg] = process.argv.slice(2);
if (!dist || !/^\d+$/.test(iterArg ?? '')) {
  console.error('usage: node bench/kernel-driver.mjs DIST ITERATIONS');
  process.exit(2);
}
const at = (file) => pathToFileURL(resolve(dist, file)).href;
const { FingerprintStepper } = await import(at('checker/fingerprint.js'));
const { PackedQueue } = await import(at('checker/queue.js'));
const W = 153;
const stepper = new FingerprintStepper(W, true);
stepper.keepParentInScratch();
const queue = new PackedQueue(W, stepper);
let seed = 12345;
const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8);
const root = new Int32Array(W);
for (let i = 0; i < W; i++) root[i] = i % 3 === 0 ? rnd() % 1000 : i % 3 === 1 ? 0 : rnd() % 16;
queue.push(root);
const iterations = Number(iterArg);
const scratch = stepper.scratch;
const pos = [0, 1, 30, 31, 33, 36, 60, 62, 64, 65, 90, 91, 120, 121, 140];
let pushed = 0;
for (let t = 0; t < iterations; ) {
  stepper.setParent(queue.shift(), queue.fp);
  for (let e = 0; e < 4 && t < iterations; e++, t++) {
    const b = (e * 3 + (t & 7)) % 9;
    scratch[pos[b]] += 1 + (t & 1);
    scratch[pos[b + 1]] ^= 0x100;
    scratch[pos[b + 2]] = rnd() % 4000;
    scratch[pos[b + 3]] += 7;
    scratch[pos[b + 4]] = e;
    scratch[pos[b + 5]] ^= 3;
    const n = stepper.step(scratch);
    if (e % 3 === 0) {
      queue.pushChild(scratch, stepper.diff, n);
      pushed++;
    }
    stepper.restoreParent(n);
  }
}
console.log(`${iterations} successors, ${pushed} queued`);
