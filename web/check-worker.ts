/**
 * "Check from here" off the page's thread: rebuilds the session from its spec and runs the
 * exhaustive checker from its current state (model/session.ts's checkFromHere).
 */
import './zod-config.js';
import { buildPopModel } from '../model/factory.js';
import { checkFromHere, Session, SessionSpecSchema, type HereReport } from '../model/session.js';
import { knownBugsOf, type KnownBug } from '../traces/catalogue-match.js';

export interface CheckRequest {
  readonly spec: unknown;
  readonly maxStates: number;
}

export type CheckResponse =
  | {
      readonly ok: true;
      readonly report: HereReport;
      readonly ms: number;
      /** The catalogue bugs the first counterexample is, over the whole run (the session's steps, then the steps from here): as `check` names them. */
      readonly knownBugs: readonly KnownBug[];
      /** How many steps that whole run has (a refused step's number counts from the session's first step). */
      readonly runSteps: number;
    }
  | { readonly ok: false; readonly error: string };

const scope = self as unknown as { onmessage: ((e: { data: CheckRequest }) => void) | null; postMessage(m: CheckResponse): void };

scope.onmessage = (e) => {
  try {
    const spec = SessionSpecSchema.parse(e.data.spec);
    const { session } = Session.open(spec);
    const t0 = performance.now();
    const report = checkFromHere(session, e.data.maxStates);
    const ms = Math.round(performance.now() - t0);
    const v = report.violations[0];
    const run = v === undefined ? [] : [...spec.steps, ...v.steps];
    const knownBugs = v === undefined ? [] : knownBugsOf(session.identity, session.model, v.invariant, run, buildPopModel);
    scope.postMessage({ ok: true, report, ms, knownBugs, runSteps: run.length });
  } catch (err) {
    scope.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) });
  }
};
