/**
 * `npm run repl`: a Node REPL with the model loaded (through ts-node), for poking at
 * states and steps by hand:
 *
 *   > let m = model({ release: '5.3.1', messages: 3 })
 *   > let s = m.initialStates()[0]
 *   > m.enabledEvents(s)
 *   > s = m.step(s, m.enabledEvents(s)[0]); record(m, s)
 */
import repl from 'node:repl';
import { check } from '../checker/index.js';
import { resolveSettings } from '../model/config.js';
import { EventSchema } from '../model/events.js';
import { PopModel } from '../model/popmodel.js';
import { findScenario } from '../model/scenarios/index.js';
import { applyNarrated } from '../model/step.js';
import { toRecord, type State } from '../model/state.js';

function model(o: { release?: string; messages?: number; scenario?: string; batchAck?: boolean } = {}): PopModel {
  const def = findScenario(o.scenario ?? 'ack-flush');
  if (!def) throw new Error(`unknown scenario ${o.scenario}`);
  const release = o.release ?? '5.3.1';
  const settings = resolveSettings({ release, scenarioConfig: def.config, batchAck: o.batchAck });
  return new PopModel(def.build({ messages: o.messages ?? 3, release, settings }));
}

const r = repl.start({ prompt: 'popcheck> ' });
Object.assign(r.context, {
  model,
  check,
  EventSchema,
  record: (m: PopModel, s: State) => toRecord(s, m.ctx.L),
  narrate: (m: PopModel, s: State, e: unknown) => applyNarrated(s, m.ctx, EventSchema.parse(e)).notes.map((n) => `${n.actor}: ${n.text}`),
});
