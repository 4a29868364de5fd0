/** A one-message CK written straight to the revive topic (change of invisible time, rePutCK). */
import * as layoutModule from '../layout.js';
import type { Layout } from '../layout.js';
import * as contextModule from './context.js';
import type { Ctx } from './context.js';
import { writeRevive } from './store.js';

// The imported constants as this module's own: V8's optimizing compiler folds a module's
// own constants into the code, and loads an imported binding at every use (docs/explorer.md,
// "Counting instructions").
const { C, CF, G, KIND } = layoutModule;
const { K } = contextModule;

export interface OneMessageCk {
  readonly origin: number;
  /** The CK it derives from. */
  readonly parent: number;
  readonly offset: number;
  readonly popTime: number;
  readonly invisibleTime: number;
  readonly broker: number;
  /** Whether the client holds a handle for it. */
  readonly held: boolean;
  readonly rePutTimes: number;
}

/**
 * Takes the next CK slot and writes what every CK has: its key (queue, startOffset, popTime),
 * size, invisibleTime, brokerName, nextBeginOffset, the CK it derives from (-1 for a pop's),
 * the current epoch, and no revive-queue position yet. The caller sets the rest (flags, the
 * client's handles, re-put count). Returns the slot.
 */
export function takeCkSlot(
  d: Int32Array,
  L: Layout,
  origin: number,
  queue: number,
  start: number,
  num: number,
  popTime: number,
  invisibleTime: number,
  broker: number,
  nextBegin: number,
  parent: number,
): number {
  const k = d[G.NCK];
  if (k >= L.ckSlots) throw new Error(`model bound exceeded: more than ${L.ckSlots} CKs`);
  const c = L.ck(k);
  d[G.NCK] = k + 1;
  d[c + C.ORIGIN] = origin;
  d[c + C.QUEUE] = queue;
  d[c + C.START] = start;
  d[c + C.NUM] = num;
  d[c + C.POP_TIME] = popTime;
  d[c + C.INVISIBLE] = invisibleTime;
  d[c + C.BROKER] = broker;
  d[c + C.NEXT_BEGIN] = nextBegin;
  d[c + C.PARENT] = parent;
  d[c + C.EPOCH] = d[G.EPOCH];
  d[c + C.REVIVE_POS] = -1;
  return k;
}

/** Takes the next CK slot for `ck` and writes its CK message (deliver T - 1 s). Returns the slot. */
export function storeOneMessageCk(d: Int32Array, ctx: Ctx, ck: OneMessageCk): number {
  const L = ctx.L;
  const queue = d[L.ck(ck.parent) + C.QUEUE];
  const n = takeCkSlot(d, L, ck.origin, queue, ck.offset, 1, ck.popTime, ck.invisibleTime, ck.broker, ck.offset + 1, ck.parent);
  const p = L.ck(n);
  d[p + C.HELD] = ck.held ? 1 : 0;
  d[p + C.REPUT] = ck.rePutTimes;
  d[p + C.FLAGS] = CF.CK_STORED;
  writeRevive(d, ctx, KIND.CK, n, ck.broker, 0, ck.popTime + ck.invisibleTime - K.ackTimeInterval);
  return n;
}
