/**
 * A counterexample as the pop.log its broker would have written (enablePopLog=true): the
 * observations of each step (model/narrate.ts) mapped to lines by `expectLines`, stamped
 * (traces/poplog-stamp.ts) and printed (traces/poplog-render.ts, or the JSONL form).
 *
 * The world: topic TopicA, group GroupA, the local broker broker-a (model broker-b is
 * broker-b), revive queue 0, model time 0 at 2024-09-12 10:00:00 GMT+8, the model's own
 * offsets. Each model queue is its RocketMQ queueId. Pure: no I/O.
 */
import type { Event } from '../model/events.js';
import type { Observation } from '../model/observations.js';
import type { CkWorld } from './poplog-expect.js';
import { popLogJsonlHeader, renderJsonlLine } from './poplog-jsonl.js';
import { renderLine, type PopLogRelease } from './poplog-render.js';
import { PopLogStamper } from './poplog-stamp.js';

/** Epoch ms of model time 0 in a counterexample's pop.log. */
export const COUNTEREXAMPLE_ORIGIN = 1_726_106_400_000;
export const COUNTEREXAMPLE_REVIVE_QUEUE = 0;

/** What a step of a counterexample gives: its event, the model time after it, its observations. */
export interface ObservedStep {
  readonly event: Event;
  readonly time: number;
  readonly observations: readonly Observation[];
}

/** The thread a step's lines are written on. */
export function threadOfEvent(e: Event, reviveQueueId: number): string | undefined {
  switch (e.type) {
    case 'pop':
      return 'PullMessageThread_1';
    case 'ack':
    case 'ackMark':
    case 'changeInvisible':
      return 'AckMessageThread_1';
    case 'scan':
      return 'PopBufferMergeService';
    case 'revive':
    case 'reviveComplete':
      return `PopReviveService_${reviveQueueId}`;
    default:
      return undefined;
  }
}

/** The model queue an observation concerns (null: none, or it does not say). */
export function modelQueueOf(o: Observation): number | null {
  if ('ck' in o && o.ck) return o.ck.queueId;
  if ('ack' in o && o.ack) return o.ack.queueId;
  if ('entry' in o && o.entry) {
    const e = o.entry;
    return e.type === 'ck' ? e.ck.queueId : e.type === 'batchAck' ? e.ack.queueId : (e.acks[0]?.queueId ?? null);
  }
  if ('queueId' in o && typeof o.queueId === 'number') return o.queueId;
  return null;
}

/**
 * The pop.log text (`poplog`) or JSON Lines (`jsonl`, with its header) of a counterexample.
 * `queueIds[q]` is the RocketMQ queueId of model queue q.
 */
export function counterexamplePopLog(steps: readonly ObservedStep[], release: PopLogRelease, queueIds: readonly number[], format: 'poplog' | 'jsonl'): string {
  const stamper = new PopLogStamper(release);
  const worlds = queueIds.map(
    (queueId): CkWorld => ({ topic: 'TopicA', group: 'GroupA', queueId, brokerName: 'broker-a', otherBroker: 'broker-b', origin: COUNTEREXAMPLE_ORIGIN, offsetShift: 0 }),
  );
  const out: string[] = format === 'jsonl' ? [popLogJsonlHeader(release)] : [];
  for (const step of steps) {
    const thread = threadOfEvent(step.event, COUNTEREXAMPLE_REVIVE_QUEUE);
    const at = COUNTEREXAMPLE_ORIGIN + step.time;
    for (const o of step.observations) {
      const world = worlds[modelQueueOf(o) ?? 0] ?? worlds[0];
      for (const l of stamper.stamp(o, at, { scope: 'counterexample', world, reviveQueueId: COUNTEREXAMPLE_REVIVE_QUEUE, thread })) {
        out.push(format === 'jsonl' ? renderJsonlLine(l.expect, l.at, l.ctx) : renderLine(l.expect, l.at, l.ctx));
      }
    }
  }
  return out.length === 0 ? '' : out.join('\n') + '\n';
}
