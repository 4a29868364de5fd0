/**
 * `npm run repl`: a Node REPL with the model loaded (through ts-node), for poking at
 * states and steps by hand:
 *
 *   > let m = model({ rocketmq: '5.3.1', messages: 3 })   (a model identity, model/identity.ts)
 *   > let s = m.initialStates()[0]
 *   > m.enabledEvents(s)
 *   > s = m.step(s, m.enabledEvents(s)[0]); record(m, s)
 */
import repl from 'node:repl';
import { check } from '../checker/index.js';
import { EventSchema } from '../model/events.js';
import { buildPopModel } from '../model/factory.js';
import type { ModelIdentity } from '../model/identity.js';
import type { PopModel } from '../model/popmodel.js';
import { applyNarrated } from '../model/step.js';
import { toRecord, type State } from '../model/state.js';

/** A model from (part of) a model identity (model/identity.ts); defaults: ack-flush, 3 messages, 5.3.1. */
function model(o: Partial<ModelIdentity> & { release?: string } = {}): PopModel {
  const { release, ...rest } = o;
  return buildPopModel({ scenario: 'ack-flush', messages: 3, rocketmq: release ?? '5.3.1', ...rest });
}

const r = repl.start({ prompt: 'popcheck> ' });
Object.assign(r.context, {
  model,
  check,
  EventSchema,
  record: (m: PopModel, s: State) => toRecord(s, m.ctx.L),
  narrate: (m: PopModel, s: State, e: unknown) => applyNarrated(s, m.ctx, EventSchema.parse(e)).notes.map((n) => `${n.actor}: ${n.text}`),
});
