/**
 * The initial states, numbered, stored and checked through the explorer core as `explore` does: the
 * coordinator inserts them into the shared table (as final ids) and the first frontier.
 */
import { fingerprint64 } from '../fingerprint.js';
import type { Model } from '../model.js';
import { InvariantSets } from '../invariant-sets.js';
import type { LevelStore } from './level-store.js';
import { encodeRecord, maxRecordBytes } from '../record.js';
import type { Replay } from './replay.js';
import type { SharedTable } from './shared-table.js';

export function insertRoots<S, E>(
  model: Model<S, E>,
  inits: readonly S[],
  symmetry: boolean,
  replay: Replay,
  table: SharedTable,
  front: LevelStore,
): void {
  const W = model.stateWords;
  const canon = symmetry && model.canonicalize ? model.canonicalize.bind(model) : null;
  const inv = new InvariantSets(model);
  const fp = new Uint32Array(2);
  let at = 0;
  const zero = new Int32Array(W);
  const core = replay.core;
  for (let k = 0; k < inits.length; k++) {
    if (core.full) {
      core.refuseRoot();
      break;
    }
    const s = canon ? canon(inits[k]) : inits[k];
    const w = model.words(s);
    fingerprint64(w, 0, W, fp);
    if (table.findOrClaim(fp[0], fp[1]) === 0) {
      replay.tableSize.add(fp[0], fp[1]);
      const id = core.newState(-1, -1, inv.checkAlways(s), 0);
      front.reserveBytes(at + maxRecordBytes(W), at);
      front.offset[id] = at;
      at += encodeRecord(w, zero, W, front.bytes, at);
      front.perm[id] = id;
      table.publish(table.claimed, id + 1);
      core.root(id, k);
    }
  }
}
