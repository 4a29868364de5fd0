/**
 * `npm run repl`: a Node REPL with the model loaded (through ts-node), for poking at
 * states and steps by hand and for live demos:
 *
 *   > let m = model({ rocketmq: '5.3.1', messages: 3 })   (a model identity, model/identity.ts)
 *   > let s = m.initialStates()[0]
 *   > m.enabledEvents(s)
 *   > s = m.step(s, m.enabledEvents(s)[0]); record(m, s)
 *
 * The session helpers drive model/session.ts, as the web page does (cli/repl-helpers.ts):
 *
 *   > let s = session({ messages: 2 })   a session (defaults: ack-flush, 3 messages, 5.3.1; `release` for rocketmq)
 *   > let b = bug('8835')                the catalogue entry's shortest counterexample (bug('8835', 'fixed'))
 *   > offers(s)                          the buttons: index, enabled or not, label, who, why not
 *   > play(s, 'pop'); play(s, 'ack 101'); play(s, 3)   by type (and offset), or by offer index
 *   > show(s)                            the panels: consumer, buffer bits, queue, timer, revive queue, retry topic
 *   > undo(s); redo(s)
 *   > let f = release(b, '5.3.2')        the same steps on 5.3.2, printing where they first differ
 *   > here(s)                            check every continuation from the current state
 *   > link(s)                            the session as a URL-safe string (encodeSpec; decodeSpec reads it)
 */
import repl from 'node:repl';
import { check } from '../checker/index.js';
import { EventSchema } from '../model/events.js';
import { buildPopModel } from '../model/factory.js';
import type { PopModel } from '../model/popmodel.js';
import { decodeSpec, Session } from '../model/session.js';
import { applyNarrated } from '../model/step.js';
import { toRecord, type State } from '../model/state.js';
import { identityOf, makeHelpers, type PartialIdentity } from './repl-helpers.js';

/** A model from (part of) a model identity (model/identity.ts); defaults: ack-flush, 3 messages, 5.3.1. */
function model(o: PartialIdentity = {}): PopModel {
  return buildPopModel(identityOf(o));
}

const r = repl.start({ prompt: 'popcheck> ' });
Object.assign(r.context, {
  model,
  check,
  EventSchema,
  record: (m: PopModel, s: State) => toRecord(s, m.ctx.L),
  narrate: (m: PopModel, s: State, e: unknown) => applyNarrated(s, m.ctx, EventSchema.parse(e)).notes.map((n) => `${n.actor}: ${n.text}`),
  Session,
  decodeSpec,
  ...makeHelpers((s) => process.stdout.write(s)),
});
