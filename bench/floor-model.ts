/**
 * The explorer's floor: bench/ack-flush.pml's abstraction (pc, buf, direct, flushed, tail) as a
 * hand-packed `Model`, explored by the same explorer as popcheck's protocol model. It has the
 * same state space as `check --scenario ack-flush --no-symmetry` (1 + 2^N + 3^N + 3 (2^N - 1)
 * states), so its CPU time is what the explorer (queue, fingerprint, table, numbering, path
 * counting) costs with a state of a few words, the model's own work aside. `width` pads the
 * state with zero words, to see what the width alone costs.
 */
import type { Model } from '../checker/model.js';

// word 0: pc (0 = before the pop, 1 = after) | flushed << 1 | tail << 2; word 1: buf; word 2: direct.
const ACKING = 0;
const REVIVED = 3;

export function floorModel(n: number, width = 3): Model<Int32Array, number> {
  if (width < 3) throw new Error('width >= 3');
  const all = n === 32 ? -1 : (1 << n) - 1;
  const FLUSH = n;
  const TIMER = n + 1;
  const POP = n + 2;
  // The enabled list is returned in an array of exactly its length, one per length, reused:
  // `events.length = 0` on one shared array cost about 120 instructions a transition in V8's
  // runtime (the length's store, then the elements regrown as it is pushed again), the bench
  // model's cost, not the explorer's (docs/explorer.md, "The explorer's work per transition, a
  // fourth round"). The explorer reads a list before it asks for the next, as before.
  const found = new Int32Array(n + 1);
  const lists: number[][] = [];
  for (let k = 0; k <= n + 1; k++) lists.push(new Array<number>(k).fill(0));
  const listOf = (k: number): number[] => {
    const list = lists[k];
    for (let i = 0; i < k; i++) list[i] = found[i];
    return list;
  };
  const apply = (out: Int32Array, e: number): void => {
    const w0 = out[0];
    if (e === POP) out[0] = 1;
    else if (e < n) {
      if ((w0 & 2) === 0) out[1] |= 1 << e;
      else out[2] |= 1 << e;
    } else if (e === FLUSH) out[0] = w0 | 2;
    else out[0] = (w0 & 3) | ((((w0 >> 2) & 3) + 1) << 2);
  };
  return {
    name: `floor(${n}, ${width})`,
    stateWords: width,
    initialStates: () => [new Int32Array(width)],
    enabledEvents(s) {
      const w0 = s[0];
      if ((w0 & 1) === 0) {
        found[0] = POP;
        return listOf(1);
      }
      const tail = (w0 >> 2) & 3;
      let k = 0;
      if (tail === ACKING) {
        const acked = s[1] | s[2];
        for (let i = 0; i < n; i++) if ((acked & (1 << i)) === 0) found[k++] = i;
        if ((w0 & 2) === 0) found[k++] = FLUSH;
        // the timer runs once every message is acked and the buffer is flushed; a CK the flush
        // dropped (every ack merged) leaves nothing to deliver
        else if (acked === all && s[1] !== all) found[k++] = TIMER;
      } else if (tail < REVIVED) found[k++] = TIMER;
      return listOf(k);
    },
    step(s, e) {
      const d = s.slice();
      apply(d, e);
      return d;
    },
    stepInto(s, e, out) {
      out.set(s);
      apply(out, e);
      return out;
    },
    stepOnto(_s, e, out) {
      apply(out, e);
      return out;
    },
    words: (s) => s,
    fromWords: (w) => w,
    invariants: [],
  };
}
