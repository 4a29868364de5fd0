/**
 * The initial states, numbered, stored and checked through the explorer core as `explore` does: the
 * coordinator inserts them into the shared table (as final ids) and the first frontier
 * (key entries, level-store.ts: fingerprints and records against the store's base, the all-zero state, from the arena's
 * first byte, by position in `nextPos`; the caller makes them the frontier with `adopt`).
 * Returns the bytes written.
 */
import { eachInitialState } from '../core.js';
import type { Model } from '../model.js';
import { InvariantSets } from '../invariant-sets.js';
import { ENTRY_HEAD, writeAlways, writeFingerprint, writeLink, type LevelStore } from './level-store.js';
import { encodeRecord, maxRecordBytes } from '../record.js';
import type { Replay } from './replay.js';
import { SEGMENT_FULL, type SharedTable } from './shared-table.js';

export function insertRoots<S, E>(
  model: Model<S, E>,
  inits: readonly S[],
  symmetry: boolean,
  replay: Replay,
  table: SharedTable,
  store: LevelStore,
): number {
  const W = model.stateWords;
  const canon = symmetry && model.canonicalize ? model.canonicalize.bind(model) : null;
  const inv = new InvariantSets(model);
  let at = 0;
  const core = replay.core;
  eachInitialState(
    model,
    inits,
    canon,
    core,
    (hi, lo) => {
      const v = table.findOrClaim(hi, lo);
      // The table was sized for twice the initial states: a segment cannot fill up here.
      if (v === SEGMENT_FULL) throw new Error('parallel explorer: no room in the table for the initial states');
      if (v !== 0) return false;
      replay.tableSize.add(hi, lo);
      return true;
    },
    (s, w, k, hi, lo) => {
      const always = inv.checkAlways(s);
      const id = core.newState(-1, -1, always, 0);
      store.reserveBytes(at + ENTRY_HEAD + maxRecordBytes(W));
      writeFingerprint(store.bytes, at, hi, lo);
      // Key entries only (level-store.ts): they need not stay within a block.
      writeLink(store.bytes, at, 0);
      writeAlways(store.bytes, at, always);
      store.nextPos[id] = at;
      at += ENTRY_HEAD + encodeRecord(w, store.backBase, W, store.bytes, at + ENTRY_HEAD);
      table.publish(table.claimed, id + 1);
      core.root(id, k);
    },
  );
  return at;
}
