/**
 * "Check from here" off the page's thread: rebuilds the session from its spec and runs the
 * exhaustive checker from its current state (model/session.ts's checkFromHere).
 */
import './zod-config.js';
import { checkFromHere, Session, SessionSpecSchema, type HereReport } from '../model/session.js';

export interface CheckRequest {
  readonly spec: unknown;
  readonly maxStates: number;
}

export type CheckResponse = { readonly ok: true; readonly report: HereReport; readonly ms: number } | { readonly ok: false; readonly error: string };

const scope = self as unknown as { onmessage: ((e: { data: CheckRequest }) => void) | null; postMessage(m: CheckResponse): void };

scope.onmessage = (e) => {
  try {
    const spec = SessionSpecSchema.parse(e.data.spec);
    const { session } = Session.open(spec);
    const t0 = performance.now();
    const report = checkFromHere(session, e.data.maxStates);
    scope.postMessage({ ok: true, report, ms: Math.round(performance.now() - t0) });
  } catch (err) {
    scope.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) });
  }
};
