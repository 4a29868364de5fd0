/**
 * From observations to printable pop.log lines: `expectLines` (traces/poplog-expect.ts) says
 * which lines a model step prints; the stamper adds, in the order the lines are written,
 * what a broker would have printed with them and the model does not track per CK:
 *
 * - offsets: a put into the timer topic (`rmq_sys_wheel_timer`, one queue) takes the next
 *   timer offset (the `logicsOffset` and `rqo` of a stored CK or ACK that waits for its
 *   deliver time); a timer delivery, or a put whose deliver time has come, takes the next
 *   offsets of the revive queue (what `find ck` / `find ack` print); a retry takes the next
 *   offset of the group's retry queue; every put advances the commit log (`wroteOffset`);
 * - the PopCheckPointWrapper of each buffered CK: `rqo`, `bits`, `sBits`, `cks`, `jo`, `nbo`;
 * - the CK as the revive holds it (`retry msg` prints its bitMap and reviveOffset);
 * - the consumer offset before a commit.
 *
 * Several model worlds can feed one stamper (simulate runs one per CK): a world's revive
 * queue offsets are its own, so each observation names its world (`scope`). Deterministic:
 * the same observations in the same order give the same lines. Pure: no I/O.
 */
import type { Observation } from '../model/observations.js';
import { expectLines, logCk, type CkWorld, type LineExpect, type LogAck, type LogCk } from './poplog-expect.js';
import { printedIn, type PopLogRelease, type PutFields, type RenderCtx } from './poplog-render.js';
import { LONG_MAX } from './poplog-formats.js';

/** A line ready to print: what it is, when, and its render context. */
export interface StampedLine {
  readonly expect: LineExpect;
  readonly at: number;
  readonly ctx: RenderCtx;
}

/** Where an observation comes from. */
export interface Origin {
  /** The model world (its revive-queue offsets are its own). */
  readonly scope: number | string;
  readonly world: CkWorld;
  /** The revive queue of the world's CKs. */
  readonly reviveQueueId: number;
  /** The thread of the step; default: one per line kind. */
  readonly thread?: string;
}

/**
 * The observation kinds the stamper reads: those that print lines, and the timer deliveries
 * that give revive-queue offsets. Others can be dropped before stamping.
 */
export const STAMPED_KINDS: ReadonlySet<Observation['kind']> = new Set<Observation['kind']>([
  'addCk',
  'addCkJustOffset',
  'addCkMock',
  'mergeKeyConflict',
  'addAk',
  'ackToStore',
  'changeInvisible',
  'putCkToStore',
  'putAckToStore',
  'putBatchAckToStore',
  'ckDone',
  'ckFinish',
  'commitOffset',
  'timerDeliver',
  'findCk',
  'findAck',
  'mockCkForAck',
  'ackDropped',
  'retryMsg',
  'bizMsgNotFound',
]);

// Commit-log sizes of the messages written: a CK, an AckMsg, a BatchAckMsg, a retry message.
const BYTES = { ck: 312, ack: 298, batchAck: 330, retry: 402 } as const;

interface Wrapper {
  rqo: number;
  bits: number;
  sBits: number;
  nbo: number;
  cks: boolean;
  jo: boolean;
}

interface CkState {
  readonly ck: LogCk;
  readonly w: Wrapper;
  /** The CK as the revive holds it. */
  revive: { bitMap: number; reviveOffset: number };
}

interface Scope {
  readonly cks: Map<string, CkState>;
  /** Model revive-queue offset -> the revive-queue offsets of the messages in that entry. */
  readonly revive: Map<number, number[]>;
}

const keyOf = (topic: string, group: string, queueId: number, startOffset: number, popTime: number): string =>
  `${topic}\u0000${group}\u0000${queueId}\u0000${startOffset}\u0000${popTime}`;
const ckKey = (c: LogCk): string => keyOf(c.topic, c.cid, c.queueId, c.startOffset, c.popTime);
const ackKey = (a: LogAck): string => keyOf(a.topic, a.consumerGroup, a.queueId, a.startOffset, a.popTime);

const maskOf = (bits: readonly number[]): number => bits.reduce((m, i) => m | (1 << i), 0);
const ackMask = (ck: LogCk, a: LogAck): number => a.offsets.reduce((m, o) => m | (1 << (o - ck.startOffset)), 0);

export class PopLogStamper {
  private readonly scopes = new Map<number | string, Scope>();
  private readonly reviveNext = new Map<number, number>();
  private readonly retryNext = new Map<string, number>();
  private readonly committed = new Map<string, number>();
  private timerNext = 0;
  private commitLog = 0;

  /** `enablePopLog` false: only the lines RocketMQ writes without it (the stamping goes on all the same). */
  constructor(
    readonly release: PopLogRelease,
    readonly enablePopLog = true,
  ) {}

  /** The lines observation `o` of a step at epoch millisecond `at` prints, stamped. */
  stamp(o: Observation, at: number, from: Origin): StampedLine[] {
    // Offsets and wrappers advance whether or not a line is printed.
    return this.stampAll(o, at, from).filter((l) => printedIn(l.expect.kind, this.release, this.enablePopLog));
  }

  private stampAll(o: Observation, at: number, from: Origin): StampedLine[] {
    const w = from.world;
    const sc = this.scope(from.scope);
    const base: RenderCtx = { release: this.release, reviveQueueId: from.reviveQueueId, ...(from.thread ? { thread: from.thread } : {}) };
    const expects = expectLines(o, w);
    const line = (e: LineExpect, extra: Partial<RenderCtx> = {}): StampedLine => ({ expect: e, at, ctx: { ...base, ...extra } });
    const wrap = (st: CkState): Partial<RenderCtx> => ({ wrapper: { ...st.w } });
    const origin = w.origin;
    switch (o.kind) {
      case 'addCk': {
        const st = this.ck(sc, logCk(w, o.ck));
        return expects.map((e) => line(e, wrap(st)));
      }
      case 'addCkJustOffset': {
        const st = this.ck(sc, logCk(w, o.ck));
        const put = this.put(from, BYTES.ck, at, origin + o.deliverTimeMs <= at, null, sc);
        Object.assign(st.w, { rqo: put.logicsOffset, cks: true, jo: true });
        return expects.map((e) => line(e, wrap(st)));
      }
      case 'addCkMock': {
        // The mock wrapper (PBMS.addCkMock): reviveQueueOffset Long.MAX_VALUE, ckStored, justOffset.
        const st = this.ck(sc, logCk(w, o.ck));
        Object.assign(st.w, { rqo: LONG_MAX, cks: true, jo: true, nbo: o.nextBeginOffset + w.offsetShift });
        return expects.map((e) => line(e, wrap(st)));
      }
      case 'addAk': {
        const st = this.ck(sc, logCk(w, o.ck));
        st.w.bits = maskOf(o.bits);
        return expects.map((e) => line(e, wrap(st)));
      }
      case 'ackToStore': {
        if (o.ok) this.put(from, BYTES.ack, at, o.direct, o.queueOffset, sc);
        return expects.map((e) => {
          if (e.kind !== 'addAckFail') return line(e);
          const st = sc.cks.get(ackKey(e.ack));
          return line(e, st ? { ck: st.ck, ...wrap(st) } : {});
        });
      }
      case 'changeInvisible': {
        const put = this.put(from, BYTES.ck, at, origin + o.deliverTimeMs <= at, null, sc);
        this.ck(sc, logCk(w, o.ck));
        return expects.map((e) => line(e, { put }));
      }
      case 'putCkToStore': {
        const st = this.ck(sc, logCk(w, o.ck));
        const put = this.put(from, BYTES.ck, at, o.direct, o.queueOffset, sc);
        Object.assign(st.w, { rqo: put.logicsOffset, cks: true });
        return expects.map((e) => line(e, { ...wrap(st), put }));
      }
      case 'putAckToStore': {
        const st = this.ck(sc, logCk(w, o.ck));
        const puts = this.puts(from, BYTES.ack, at, o.direct, o.queueOffset, sc, o.acks.length);
        return expects.map((e, i) => {
          const l = line(e, { ...wrap(st), put: puts[i] });
          if (e.kind === 'putAckToStoreOk') st.w.sBits |= ackMask(st.ck, e.ack);
          return l;
        });
      }
      case 'putBatchAckToStore': {
        const st = this.ck(sc, logCk(w, o.ck));
        const put = this.put(from, BYTES.batchAck, at, o.direct, o.queueOffset, sc);
        const out = expects.map((e) => line(e, { ...wrap(st), put }));
        st.w.sBits |= maskOf(o.ack.ackOffsetList.map((x) => x - o.ck.startOffset));
        return out;
      }
      case 'ckDone':
      case 'ckFinish': {
        const st = this.ck(sc, logCk(w, o.ck));
        return expects.map((e) => line(e, wrap(st)));
      }
      case 'commitOffset': {
        const st = this.ck(sc, logCk(w, o.ck));
        const lockKey = `${w.topic}@${w.group}@${w.queueId}`;
        const nbo = o.to + w.offsetShift;
        const before = this.committed.get(lockKey);
        const previous = before !== undefined && before < nbo ? before : o.from + w.offsetShift;
        this.committed.set(lockKey, Math.max(before ?? nbo, nbo));
        st.w.nbo = nbo;
        return expects.map((e) => line(e, { ...wrap(st), previousOffset: previous }));
      }
      case 'timerDeliver': {
        const n = o.entry.type === 'ack' ? o.entry.acks.length : 1;
        const list = sc.revive.get(o.reviveQueueOffset) ?? [];
        for (let i = 0; i < n; i++) {
          list.push(this.nextRevive(from.reviveQueueId));
          this.commitLog += o.entry.type === 'ck' ? BYTES.ck : o.entry.type === 'batchAck' ? BYTES.batchAck : BYTES.ack;
        }
        sc.revive.set(o.reviveQueueOffset, list);
        return expects.map((e) => line(e));
      }
      case 'findCk': {
        const reviveOffset = this.reviveAt(sc, from.reviveQueueId, o.offset, 0);
        const st = this.ck(sc, logCk(w, o.ck));
        st.revive = { bitMap: 0, reviveOffset };
        return expects.map((e) => line(e, { reviveOffset }));
      }
      case 'findAck':
      case 'mockCkForAck':
      case 'ackDropped': {
        if (o.kind === 'findAck') this.ck(sc, logCk(w, o.ck)).revive.bitMap = maskOf(o.bitMap);
        return expects.map((e, i) => line(e, { reviveOffset: this.reviveAt(sc, from.reviveQueueId, o.offset, i) }));
      }
      case 'retryMsg': {
        const st = this.ck(sc, logCk(w, o.ck));
        const queue = `%RETRY%${w.group}`;
        const logicsOffset = this.retryNext.get(queue) ?? 0;
        this.retryNext.set(queue, logicsOffset + 1);
        const put = this.commit(BYTES.retry, at, logicsOffset);
        return expects.map((e) => line(e, { put, reviveCk: { ...st.revive } }));
      }
      default:
        return expects.map((e) => line(e));
    }
  }

  /** Forgets a world whose lines are all stamped (its CKs and revive offsets). */
  forget(scope: number | string): void {
    this.scopes.delete(scope);
  }

  private scope(s: number | string): Scope {
    let sc = this.scopes.get(s);
    if (!sc) {
      sc = { cks: new Map(), revive: new Map() };
      this.scopes.set(s, sc);
    }
    return sc;
  }

  private ck(sc: Scope, ck: LogCk): CkState {
    const k = ckKey(ck);
    let st = sc.cks.get(k);
    if (!st) {
      st = { ck, w: { rqo: -1, bits: 0, sBits: 0, nbo: ck.startOffset + ck.num, cks: false, jo: false }, revive: { bitMap: 0, reviveOffset: 0 } };
      sc.cks.set(k, st);
    }
    return st;
  }

  private nextRevive(rq: number): number {
    const n = this.reviveNext.get(rq) ?? 0;
    this.reviveNext.set(rq, n + 1);
    return n;
  }

  /** The revive-queue offset of message `i` of the world's entry at model offset `local` (given one if the entry's arrival was not seen). */
  private reviveAt(sc: Scope, rq: number, local: number, i: number): number {
    const list = sc.revive.get(local) ?? [];
    while (list.length <= i) list.push(this.nextRevive(rq));
    sc.revive.set(local, list);
    return list[i];
  }

  private commit(bytes: number, at: number, logicsOffset: number): PutFields {
    const put = { wroteOffset: this.commitLog, wroteBytes: bytes, storeTimestamp: at, logicsOffset };
    this.commitLog += bytes;
    return put;
  }

  /** `n` puts of one revive-topic write: into the revive queue when its deliver time has come (`direct`), else into the timer topic. */
  private puts(from: Origin, bytes: number, at: number, direct: boolean, local: number | null, sc: Scope, n: number): PutFields[] {
    const out: PutFields[] = [];
    for (let i = 0; i < n; i++) {
      if (direct) {
        const logicsOffset = local === null ? this.nextRevive(from.reviveQueueId) : this.reviveAt(sc, from.reviveQueueId, local, i);
        out.push(this.commit(bytes, at, logicsOffset));
      } else {
        out.push(this.commit(bytes, at, this.timerNext++));
      }
    }
    return out;
  }

  private put(from: Origin, bytes: number, at: number, direct: boolean, local: number | null, sc: Scope): PutFields {
    return this.puts(from, bytes, at, direct, local, sc, 1)[0];
  }
}
