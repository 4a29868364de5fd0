/**
 * The initial states, numbered, stored and checked exactly as `explore` does it: the
 * coordinator inserts them into the shared table (as final ids) and the first frontier.
 */
import { fingerprint64 } from '../fingerprint.js';
import type { Model } from '../model.js';
import type { ResolvedOptions } from '../options.js';
import { InvariantSets } from './invariant-sets.js';
import type { LevelStore } from './level-store.js';
import { encodeRecord, maxRecordBytes } from '../record.js';
import type { Replay } from './replay.js';
import type { SharedTable } from './shared-table.js';

export function insertRoots<S, E>(
  model: Model<S, E>,
  inits: readonly S[],
  symmetry: boolean,
  opt: ResolvedOptions,
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
  for (let k = 0; k < inits.length; k++) {
    if (replay.count >= opt.maxStates) {
      replay.stopReason = 'max-states';
      break;
    }
    const before = replay.count;
    const s = canon ? canon(inits[k]) : inits[k];
    const w = model.words(s);
    fingerprint64(w, 0, W, fp);
    replay.tableCall();
    const v = table.findOrClaim(fp[0], fp[1]);
    let id = v - 1;
    if (v === 0) {
      id = replay.newState(-1, -1, inv.checkAlways(s), 0);
      front.reserveBytes(at + maxRecordBytes(W), at);
      front.offset[id] = at;
      at += encodeRecord(w, zero, W, front.bytes, at);
      front.perm[id] = id;
      table.publish(table.claimed, id + 1);
    }
    if (replay.count > before) replay.addRoot(id, k);
  }
}
