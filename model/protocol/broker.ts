/** Broker-wide events: persisting offsets, crash and restart, role changes. */
import * as layoutModule from '../layout.js';
import type { Ctx } from './context.js';
import { narrating, observe } from './observe.js';
import { reviveStart } from './revive.js';

// The imported constants as this module's own: V8's optimizing compiler folds a module's
// own constants into the code, and loads an imported binding at every use (docs/explorer.md,
// "Counting instructions").
const { C, CF, G, GF, Q } = layoutModule;

/** Consumer offsets and the revive offset reach disk (ConsumerOffsetManager.persist). */
export function persist(d: Int32Array, ctx: Ctx): void {
  for (let q = 0; q < ctx.L.queues; q++) d[ctx.L.q(q) + Q.CONSUMER_PERSIST] = d[ctx.L.q(q) + Q.CONSUMER_OFFSET];
  d[G.REVIVE_PERSIST] = d[G.REVIVE_COMMIT];
  if (narrating(ctx)) observe(ctx, { kind: 'persist', reviveOffset: d[G.REVIVE_COMMIT] });
}

export function persistUseful(d: Int32Array, ctx: Ctx): boolean {
  if (d[G.REVIVE_PERSIST] !== d[G.REVIVE_COMMIT]) return true;
  for (let q = 0; q < ctx.L.queues; q++) if (d[ctx.L.q(q) + Q.CONSUMER_PERSIST] !== d[ctx.L.q(q) + Q.CONSUMER_OFFSET]) return true;
  return false;
}

/**
 * The in-memory buffer and offset FIFOs are gone; CKs never stored are lost. A CK whose late
 * put is pending was written already: it counts as stored. The callbacks of late puts no
 * longer matter (after a crash they never run; on a slave they touch dropped wrappers), so
 * their pending marks are cleared.
 */
function dropBuffer(d: Int32Array, ctx: Ctx): number {
  let lost = 0;
  for (let k = 0; k < d[G.NCK]; k++) {
    const c = ctx.L.ck(k);
    const f = d[c + C.FLAGS];
    if ((f & CF.IN_BUFFER) !== 0 && (f & (CF.CK_STORED | CF.CK_PUT_PENDING)) === 0) {
      d[c + C.FLAGS] |= CF.LOST;
      lost++;
    }
    if ((f & CF.CK_PUT_PENDING) !== 0) d[c + C.FLAGS] |= CF.CK_STORED;
    d[c + C.FLAGS] &= ~(CF.IN_BUFFER | CF.IN_OFFSET_QUEUE | CF.CK_PUT_PENDING | CF.ACK_PUT_PENDING);
    if (ctx.L.ackPut0 >= 0) d[ctx.L.ackPut(k)] = 0;
  }
  return lost;
}

export function crash(d: Int32Array, ctx: Ctx): void {
  const lost = dropBuffer(d, ctx);
  for (let q = 0; q < ctx.L.queues; q++) d[ctx.L.q(q) + Q.CONSUMER_OFFSET] = d[ctx.L.q(q) + Q.CONSUMER_PERSIST];
  d[G.REVIVE_COMMIT] = d[G.REVIVE_PERSIST];
  d[G.REVIVE_MEM] = d[G.REVIVE_PERSIST];
  let dropped = 0;
  for (let k = 0; k < d[G.NCK]; k++) {
    const c = ctx.L.ck(k);
    // Every retry still in flight dies with the process, also those of a CK the back-pressure
    // already took out of inflightReviveRequestMap: their futures' callbacks never run.
    d[c + C.FLAGS] &= ~(CF.INFLIGHT | CF.INFLIGHT_FAILED);
    if (d[c + C.RETRY_PENDING] !== 0) dropped++;
    d[c + C.RETRY_PENDING] = 0;
  }
  d[G.FLAGS] = (d[G.FLAGS] | GF.SERVING) & ~GF.SLAVE;
  d[G.EPOCH]++;
  d[G.USED_CRASHES]++;
  if (narrating(ctx)) observe(ctx, { kind: 'crash', lostCks: lost, reviveOffset: d[G.REVIVE_PERSIST], droppedInflight: dropped });
}

/**
 * changeToSlave (ReplicasManager / DLedgerRoleChangeHandler) -> changeSpecialServiceStatus(false):
 * the revive only stops (setShouldRunPopRevive(false)); PopBufferMergeService, seeing the
 * SLAVE role, clears its buffer and offset FIFOs. Nothing else is reset: not `serving`, not
 * the revive's in-memory offset, not the in-flight retries.
 */
export function becomeSlave(d: Int32Array, ctx: Ctx): void {
  const lost = dropBuffer(d, ctx);
  d[G.FLAGS] |= GF.SLAVE;
  d[G.EPOCH]++;
  d[G.USED_ROLE_CHANGES]++;
  if (narrating(ctx)) observe(ctx, { kind: 'changeToSlave', lostCks: lost });
}

/**
 * The broker group has a master again (the takeover that follows every demotion; not
 * counted against --role-changes). changeToMaster reloads nothing: the consumer offsets,
 * the revive group's among them, are what the slave's syncConsumerOffset last copied from
 * the master (modelled as the persisted values); the revive only starts again
 * (setShouldRunPopRevive(true)), keeping its in-memory reviveOffset, which only the
 * constructor and mergeAndRevive assign. Releases before 5.1.0 have no in-memory offset
 * (a pass starts at the committed one); it arrived with the asynchronous revive (#5755),
 * so `reviveAsync` tells them apart. `serving` is left alone: an idle buffer scan turns it
 * back on.
 */
export function becomeMaster(d: Int32Array, ctx: Ctx): void {
  for (let q = 0; q < ctx.L.queues; q++) d[ctx.L.q(q) + Q.CONSUMER_OFFSET] = d[ctx.L.q(q) + Q.CONSUMER_PERSIST];
  d[G.REVIVE_COMMIT] = d[G.REVIVE_PERSIST];
  if (!ctx.s.reviveAsync) d[G.REVIVE_MEM] = d[G.REVIVE_COMMIT];
  d[G.FLAGS] &= ~GF.SLAVE;
  if (narrating(ctx)) observe(ctx, { kind: 'changeToMaster', reviveOffset: d[G.REVIVE_PERSIST], nextReadOffset: reviveStart(d) + 1 });
}
