/** Replays a path with narration: what each step did, in RocketMQ's terms. */
import type { Path } from '../checker/path.js';
import type { Event } from './events.js';
import { G } from './layout.js';
import type { Observation } from './observations.js';
import type { PopModel } from './popmodel.js';
import type { Note } from './protocol/context.js';
import { applyNarrated } from './step.js';
import { toRecord, type State, type StateRecord } from './state.js';

export interface NarratedStep {
  readonly index: number;
  readonly event: Event;
  /** Model time after the step, ms. */
  readonly time: number;
  /** What the step did, in prose (rendered from `observations`). */
  readonly notes: readonly Note[];
  /** What the step did, typed (model/observations.ts). */
  readonly observations: readonly Observation[];
  readonly state?: StateRecord;
}

export function narrate(model: PopModel, path: Path<State, Event>, withStates = false): NarratedStep[] {
  const out: NarratedStep[] = [];
  let s = path.initial;
  path.steps.forEach((step, i) => {
    const { state, notes, observations } = applyNarrated(s, { L: model.ctx.L, s: model.ctx.s }, step.event);
    out.push({
      index: i + 1,
      event: step.event,
      time: state[G.NOW],
      notes,
      observations,
      ...(withStates ? { state: toRecord(state, model.ctx.L) } : {}),
    });
    s = state;
  });
  return out;
}

/** A short label for an event, e.g. "ack 101", "scan", "pop q0 x3". */
export function eventLabel(e: Event): string {
  switch (e.type) {
    case 'pop':
      return `pop q${e.queueId} x${e.maxNums}`;
    case 'ack':
      return `ack ${e.offset}`;
    case 'tick':
      return 'tick';
    case 'reviveComplete':
      return e.readFails === undefined ? e.type : `reviveComplete (read of ${e.readFails} fails)`;
    case 'putComplete':
      return `${e.put} put callback CK@${e.startOffset}`;
    default:
      return e.type;
  }
}
