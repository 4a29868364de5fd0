/** A one-message CK written straight to the revive topic (change of invisible time, rePutCK). */
import { C, CF, G, KIND } from '../layout.js';
import { K, type Ctx } from './context.js';
import { writeRevive } from './store.js';

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

/** Takes the next CK slot for `ck` and writes its CK message (deliver T - 1 s). Returns the slot. */
export function storeOneMessageCk(d: Int32Array, ctx: Ctx, ck: OneMessageCk): number {
  const L = ctx.L;
  const n = d[G.NCK];
  if (n >= L.ckSlots) throw new Error(`model bound exceeded: more than ${L.ckSlots} CKs`);
  const p = L.ck(n);
  const parent = L.ck(ck.parent);
  d[G.NCK] = n + 1;
  d[p + C.ORIGIN] = ck.origin;
  d[p + C.QUEUE] = d[parent + C.QUEUE];
  d[p + C.START] = ck.offset;
  d[p + C.NUM] = 1;
  d[p + C.POP_TIME] = ck.popTime;
  d[p + C.INVISIBLE] = ck.invisibleTime;
  d[p + C.BROKER] = ck.broker;
  d[p + C.NEXT_BEGIN] = ck.offset + 1;
  d[p + C.HELD] = ck.held ? 1 : 0;
  d[p + C.PARENT] = ck.parent;
  d[p + C.REPUT] = ck.rePutTimes;
  d[p + C.EPOCH] = d[G.EPOCH];
  d[p + C.REVIVE_POS] = -1;
  d[p + C.FLAGS] = CF.CK_STORED;
  writeRevive(d, ctx, KIND.CK, n, ck.broker, 0, ck.popTime + ck.invisibleTime - K.ackTimeInterval);
  return n;
}
