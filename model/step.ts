/**
 * The pure step: `guard` says why an event cannot happen in a state (null: it can), and
 * `apply` returns the state after it. Both are total over the event union.
 */
import { BROKER, C, G } from './layout.js';
import type { Event } from './events.js';
import { fmtTime } from './format.js';
import { ack, findCkForHandle } from './protocol/ack.js';
import { scan } from './protocol/buffer.js';
import type { Ctx, Note } from './protocol/context.js';
import { pop, popBlocked } from './protocol/pop.js';
import { revive } from './protocol/revive.js';
import { deliverSlot, nextTimerSlot } from './protocol/store.js';
import { asState, type State } from './state.js';

const BROKER_CODE = { 'broker-a': BROKER.A, 'broker-b': BROKER.B } as const;

function eventTime(s: State, e: Event): number {
  return e.type === 'tick' ? e.to : (e.at ?? s[G.NOW]);
}

/** Why `e` cannot happen in `s`, or null when it can. */
export function guard(s: State, ctx: Ctx, e: Event): string | null {
  const now = s[G.NOW];
  const at = eventTime(s, e);
  if (at < now) return `time cannot go back from ${fmtTime(now)} to ${fmtTime(at)}`;
  switch (e.type) {
    case 'tick':
      return e.to > now ? null : `tick must move the clock forward from ${fmtTime(now)}`;
    case 'pop':
      return popBlocked(s, ctx, e.queueId);
    case 'ack': {
      const k = findCkForHandle(s, ctx, e.queueId, e.startOffset, e.popTime, e.offset);
      if (k < 0) {
        return `no receipt handle for offset ${e.offset} (queue ${e.queueId}, startOffset ${e.startOffset}, popTime ${e.popTime})`;
      }
      const bit = 1 << (e.offset - e.startOffset);
      if ((s[ctx.L.ck(k) + C.HELD] & bit) === 0) return `the client no longer holds a handle for offset ${e.offset}`;
      return null;
    }
    case 'timer': {
      const slot = nextTimerSlot(s, ctx);
      if (slot < 0) return 'the timer holds no CK or ACK';
      return slot <= at ? null : `the next timer slot is ${fmtTime(slot)}, after ${fmtTime(at)}`;
    }
    case 'scan':
    case 'revive':
      return null;
  }
}

/** The state after `e` (which must pass `guard`). Narration goes to ctx.notes when present. */
export function apply(s: State, ctx: Ctx, e: Event): State {
  const d = s.slice();
  const at = eventTime(s, e);
  if (at > d[G.NOW]) d[G.NOW] = at;
  switch (e.type) {
    case 'tick':
      ctx.notes?.push({ actor: 'clock', tag: 'tick', text: `time passes to ${fmtTime(at)}` });
      break;
    case 'pop':
      pop(d, ctx, e.queueId, e.maxNums);
      break;
    case 'ack': {
      const k = findCkForHandle(d, ctx, e.queueId, e.startOffset, e.popTime, e.offset);
      const bn = e.brokerName === undefined ? d[ctx.L.ck(k) + C.BROKER] : e.brokerName === null ? BROKER.NONE : BROKER_CODE[e.brokerName];
      ack(d, ctx, k, e.offset - e.startOffset, bn);
      break;
    }
    case 'scan':
      scan(d, ctx);
      break;
    case 'timer':
      deliverSlot(d, ctx);
      break;
    case 'revive':
      revive(d, ctx);
      break;
  }
  return asState(d);
}

/** Applies `e` and returns the state with the narration of what happened. */
export function applyNarrated(s: State, ctx: Omit<Ctx, 'notes'>, e: Event): { state: State; notes: Note[] } {
  const notes: Note[] = [];
  const state = apply(s, { ...ctx, notes }, e);
  return { state, notes };
}
