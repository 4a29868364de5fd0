/**
 * The REPL's session helpers (cli/repl.ts): the same model/session.ts the web page drives,
 * with short commands for a live demo. Each prints through `print` and returns its value.
 */
import type { Event } from '../model/events.js';
import type { ModelIdentity } from '../model/identity.js';
import { fmtTime } from '../model/format.js';
import { panelText } from '../model/panel-text.js';
import { renderObservation } from '../model/render.js';
import { bugSession, checkFromHere, encodeSpec, Session, type Offer } from '../model/session.js';
import { stepHeadline } from '../model/walkthrough.js';

export type Print = (s: string) => void;

/** A partial identity with defaults (ack-flush, 3 messages, 5.3.1); `release` is short for `rocketmq`. */
export type PartialIdentity = Partial<ModelIdentity> & { release?: string };

export function identityOf(o: PartialIdentity = {}): ModelIdentity {
  const { release, ...rest } = o;
  return { scenario: 'ack-flush', messages: 3, rocketmq: release ?? '5.3.1', ...rest };
}

/**
 * The offer `what` names: an index into `s.offers()`, an event, or text: the event type
 * ('scan', 'timer', 'revive', 'pop', 'crash', ...) optionally followed by an offset for an
 * ack or a changeInvisible ('ack 101'). Text picks an enabled offer when there is one.
 */
export function findOffer(s: Session, what: number | string | Event): Offer | Event | null {
  const offers = s.offers();
  if (typeof what === 'number') return offers[what] ?? null;
  if (typeof what !== 'string') return what;
  const [type, arg] = what.trim().split(/\s+/);
  const matches = offers.filter((o) => {
    if (o.event.type !== type) return false;
    if (arg === undefined) return true;
    const e = o.event as Event & { offset?: number; queueId?: number };
    return e.type === 'pop' ? e.queueId === Number(arg) : e.offset === Number(arg);
  });
  return matches.find((o) => o.enabled) ?? matches[0] ?? null;
}

/** The helpers, printing through `print`. */
export function makeHelpers(print: Print) {
  const show = (s: Session): void => {
    print(`${s.identity.scenario} on RocketMQ ${s.identity.rocketmq}: ${s.steps.length} step(s), time ${fmtTime(s.record.now)}${s.quiescent ? ', nothing left to happen' : ''}\n`);
    print(`${panelText(s.panels()).join('\n')}\n`);
    for (const b of s.broken()) print(`BROKEN ${b.invariant} at step ${b.step}\n`);
  };
  return {
    session: (o: PartialIdentity = {}): Session => Session.start(identityOf(o)),
    bug: (id: string, which: 'buggy' | 'fixed' = 'buggy'): Session => {
      const { session, verdict } = bugSession(id, which);
      print(`catalogue entry ${id} (${which}, ${session.identity.rocketmq}): check ${verdict}, ${session.steps.length} step(s) taken\n`);
      return session;
    },
    show,
    /** Prints the buttons (s.offers() has them as data). */
    offers: (s: Session): void => {
      s.offers().forEach((o, i) => print(`${String(i).padStart(3)}  ${o.enabled ? '[x]' : '[ ]'} ${o.label.padEnd(40)} ${o.actor}${o.why ? ` — ${o.why}` : ''}\n`));
    },
    play: (s: Session, what: number | string | Event): string | null => {
      const found = findOffer(s, what);
      if (found === null) {
        print(`no offer matches ${JSON.stringify(what)}\n`);
        return 'no such offer';
      }
      // A button that is not enabled is not pressed (the model itself would take some of them,
      // e.g. a second ack of an offset, as a trace may); an explicit event is played as given.
      const offer = 'event' in found && 'label' in found ? found : null;
      if (offer !== null && !offer.enabled) {
        print(`refused: ${offer.why}\n`);
        return offer.why;
      }
      const why = s.play(offer !== null ? offer.event : (found as Event));
      if (why !== null) {
        print(`refused: ${why}\n`);
        return why;
      }
      const step = s.steps[s.steps.length - 1];
      print(`Step ${step.index} — ${fmtTime(step.time)} — ${stepHeadline(step.event, step.observations)}\n`);
      for (const o of step.observations) {
        const n = renderObservation(o);
        print(`  ${n.actor}: ${n.text}\n`);
      }
      return null;
    },
    undo: (s: Session): boolean => s.undo(),
    redo: (s: Session): boolean => s.redo(),
    release: (s: Session, rocketmq: string): Session => {
      const { session, divergence } = s.withRelease(rocketmq);
      if (divergence === null) print(`on ${rocketmq} every step does the same\n`);
      else if (divergence.refused !== null) print(`on ${rocketmq} step ${divergence.step} is refused: ${divergence.refused}\n`);
      else {
        print(`on ${rocketmq} step ${divergence.step} does something else:\n`);
        const diff = (sign: string, list: typeof divergence.before) => list.forEach((o) => print(`  ${sign} ${renderObservation(o).text}\n`));
        diff('-', divergence.before.filter((o) => !divergence.after.some((p) => JSON.stringify(p) === JSON.stringify(o))));
        diff('+', divergence.after.filter((o) => !divergence.before.some((p) => JSON.stringify(p) === JSON.stringify(o))));
      }
      return session;
    },
    /** Prints the check from here; the report is data for a page, too large to echo in a demo. */
    here: (s: Session, maxStates?: number): void => {
      const r = checkFromHere(s, maxStates);
      print(`from here: ${r.verdict}, ${r.states} states${r.interleavings !== null ? `, ${r.interleavings} interleavings` : ''}\n`);
      for (const v of r.violations) print(`  ${v.invariant}: ${v.steps.length} more step(s): ${v.steps.map((e) => e.type).join(', ')}\n`);
    },
    link: (s: Session): string => {
      const text = encodeSpec(s.spec());
      print(`${text}\n`);
      return text;
    },
  };
}
