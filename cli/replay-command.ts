/** `popcheck replay FILE`: validate a JSON Lines trace against the protocol. */
import { INVARIANT_NAMES } from '../model/invariants.js';
import { ModelIdentitySchema } from '../model/identity-schema.js';
import { identityFlags, issueText } from '../model/identity.js';
import { kvIdentityIssue, type KvIdentity } from '../model/kv/identity.js';
import { KvModel } from '../model/kv/model.js';
import { isKvTraceText, kvHeaderIdentity, readKvTrace, replayKv, type KvReplayResult, type KvTraceHeader } from '../traces/kv.js';
import { toRecord } from '../model/state.js';
import { headerIdentity, readTrace, replay, type ReplayResult } from '../traces/index.js';
import type { TraceHeader } from '../traces/format.js';
import { buildModel } from './check-command.js';
import { parseFlags, UsageError, type FlagSpec } from './errors.js';
import { renderSteps } from './text.js';

export interface ReplayReport {
  readonly file: string;
  readonly header: TraceHeader;
  readonly verdict: ReplayResult['verdict'];
  readonly lines: { readonly events: number; readonly used: number; readonly skipped: readonly number[] };
  readonly divergence: ReplayResult['divergence'];
  readonly violations: ReplayResult['violations'];
  /** The final invariants at the end of the trace: checked (it ended at rest) or not, and why. */
  readonly finalInvariants: ReplayResult['finalCheck'];
  readonly steps: ReplayResult['steps'];
  readonly finalState: ReturnType<typeof toRecord>;
}

export const REPLAY_FLAGS: Record<string, FlagSpec> = {
  json: { type: 'boolean' },
  rocketmq: { type: 'string' },
  invariant: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
};

export interface ReplayArgs {
  readonly file: string | null;
  readonly json: boolean;
  readonly invariants: string[] | null;
  /** `--rocketmq R`: replay against release R instead of the one the header names. */
  readonly rocketmq?: string | null;
  readonly help: boolean;
}

export function parseReplayArgs(argv: readonly string[]): ReplayArgs {
  const parsed = parseFlags('replay', argv, REPLAY_FLAGS, true);
  const v = parsed.values;
  if (v.help === true) return { file: null, json: false, invariants: null, help: true };
  if (parsed.positionals.length !== 1) throw new UsageError('replay takes one trace file (popcheck replay FILE [--json] [--rocketmq R] [--invariant NAME]...)');
  const invariants = (v.invariant as string[] | undefined) ?? null;
  for (const n of invariants ?? []) {
    if (!(INVARIANT_NAMES as readonly string[]).includes(n)) throw new UsageError(`--invariant: unknown invariant '${n}' (known: ${INVARIANT_NAMES.join(', ')})`);
  }
  return { file: parsed.positionals[0], json: v.json === true, invariants, rocketmq: (v.rocketmq as string | undefined) ?? null, help: false };
}

function readText(file: string, readFile: (path: string) => string): string {
  try {
    return readFile(file);
  } catch (err) {
    throw new UsageError(`${file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** A replay of either implementation's trace: the header's `scenario` decides (kv: traces/kv.ts). */
export type AnyReplayReport = { readonly kind: 'ck'; readonly report: ReplayReport } | { readonly kind: 'kv'; readonly report: KvReplayReport };

export function runAnyReplay(a: { file: string; invariants: string[] | null; rocketmq?: string | null }, readFile: (path: string) => string): AnyReplayReport {
  const text = readText(a.file, readFile);
  return isKvTraceText(text) ? { kind: 'kv', report: runKvReplay(a, text) } : { kind: 'ck', report: runReplay(a, readFile, text) };
}

export interface KvReplayReport {
  readonly file: string;
  readonly header: KvTraceHeader;
  /** The model replayed against (the header's, with --rocketmq and --invariant applied). */
  readonly identity: KvIdentity;
  readonly verdict: KvReplayResult['verdict'];
  readonly lines: { readonly events: number; readonly used: number; readonly skipped: readonly number[] };
  readonly divergence: KvReplayResult['divergence'];
  readonly violations: KvReplayResult['violations'];
  readonly finalInvariants: KvReplayResult['finalCheck'];
  readonly steps: KvReplayResult['steps'];
}

/** Replays a KV trace (traces/kv.ts) against the KV model its header names, or release `rocketmq`. */
export function runKvReplay(a: { file: string; invariants: string[] | null; rocketmq?: string | null }, text: string): KvReplayReport {
  const file = a.file;
  const read = readKvTrace(text);
  if (!read.ok) throw new UsageError(`${file}:${read.error.line}: ${read.error.message}`);
  const candidate = { ...kvHeaderIdentity(read.header), ...(a.invariants ? { invariants: a.invariants } : {}), ...(a.rocketmq ? { rocketmq: a.rocketmq } : {}) };
  const why = kvIdentityIssue(candidate);
  if (why !== null) {
    if (why.path[0] === 'rocketmq' && a.rocketmq) throw new UsageError(`--rocketmq: ${why.message}`);
    throw new UsageError(`${file}:${read.headerLine}: ${issueText(why)}`);
  }
  const identity = candidate as KvIdentity;
  const r = replayKv(new KvModel(identity), read.events, read.headerLine);
  return {
    file,
    header: read.header,
    identity,
    verdict: r.verdict,
    lines: { events: read.events.length, used: r.eventsUsed, skipped: read.skipped },
    divergence: r.divergence,
    violations: r.violations,
    finalInvariants: r.finalCheck,
    steps: r.steps,
  };
}

export function renderKvReplay(r: KvReplayReport): string {
  const id = r.identity;
  const out = [
    `popcheck replay ${r.file}: KV service, ${identityFlags(id)}${id.rocketmq !== r.header.rocketmq ? ` (the trace was written on ${r.header.rocketmq})` : ''}`,
    `${r.lines.events} event line(s), ${r.lines.used} replayed` + (r.lines.skipped.length > 0 ? `, ${r.lines.skipped.length} blank or comment line(s) skipped` : ''),
    '',
    ...r.steps.map((s) => `  ${r.file}:${s.line}  ${s.text}`),
    '',
  ];
  if (r.divergence) {
    out.push(`DIVERGES at ${r.file}:${r.divergence.line}: ${JSON.stringify(r.divergence.event)}`);
    out.push(`  the KV model does not allow it here: ${r.divergence.reason}`);
  }
  for (const v of r.violations) out.push(`VIOLATED ${v.invariant} after ${r.file}:${v.line}`, `  ${v.description}`);
  const f = r.finalInvariants;
  if (f && f.invariants.length > 0) out.push(f.checked ? `Final invariants (${f.invariants.join(', ')}) checked: the trace ends at rest.` : `Final invariants (${f.invariants.join(', ')}) NOT checked: ${f.reason}`);
  if (r.verdict === 'conforms') out.push('CONFORMS: every event is allowed by the KV model and no invariant failed.');
  return out.join('\n');
}

export function runReplay(a: { file: string; invariants: string[] | null; rocketmq?: string | null }, readFile: (path: string) => string, given?: string): ReplayReport {
  const file = a.file;
  const text = given ?? readText(file, readFile);
  const read = readTrace(text);
  if (!read.ok) throw new UsageError(`${file}:${read.error.line}: ${read.error.message}`);
  const h = read.header;
  const headerLine = read.skipped.reduce((n, l) => (l === n ? n + 1 : n), 1);
  const identity = ModelIdentitySchema.safeParse({ ...headerIdentity(h), ...(a.invariants ? { invariants: a.invariants } : {}), ...(a.rocketmq ? { rocketmq: a.rocketmq } : {}) });
  if (!identity.success) {
    const i = identity.error.issues[0];
    if (i.path[0] === 'rocketmq' && a.rocketmq) throw new UsageError(`--rocketmq: ${i.message}`);
    throw new UsageError(`${file}:${headerLine}: ${issueText(i)}`);
  }
  let model;
  try {
    model = buildModel(identity.data);
  } catch (err) {
    throw new UsageError(`${file}:${headerLine}: ${(err as Error).message}`);
  }
  const r = replay(model, read.events, headerLine);
  return {
    file,
    header: h,
    verdict: r.verdict,
    lines: { events: read.events.length, used: r.eventsUsed, skipped: read.skipped },
    divergence: r.divergence,
    violations: r.violations,
    finalInvariants: r.finalCheck,
    steps: r.steps,
    finalState: toRecord(r.final, model.ctx.L),
  };
}

export function renderReplay(r: ReplayReport): string {
  const out: string[] = [];
  const h = r.header;
  out.push(`popcheck replay ${r.file}: ${h.scenario}, messages=${h.messages}, RocketMQ ${h.rocketmq}`);
  out.push(
    `${r.lines.events} event line(s), ${r.lines.used} replayed` + (r.lines.skipped.length > 0 ? `, ${r.lines.skipped.length} blank or comment line(s) skipped` : ''),
  );
  out.push('');
  const steps = r.steps.map((s, i) => ({ index: i + 1, event: s.event, time: 0, notes: s.notes }));
  out.push(...renderSteps(steps).map((l) => `  ${l}`).map((l) => l.replace(/\s+0\.0s {2}/, '  ')));
  out.push('');
  if (r.divergence) {
    out.push(`DIVERGES at ${r.file}:${r.divergence.line}: ${JSON.stringify(r.divergence.event)}`);
    out.push(`  the protocol does not allow it here: ${r.divergence.reason}`);
  }
  for (const v of r.violations) {
    out.push(`VIOLATED ${v.invariant} after ${r.file}:${v.line}`);
    for (const e of v.explanation) out.push(`  ${e}`);
  }
  const f = r.finalInvariants;
  if (f && f.invariants.length > 0) {
    if (f.checked) out.push(`Final invariants (${f.invariants.join(', ')}) checked: the trace ends at rest.`);
    else {
      out.push(`Final invariants (${f.invariants.join(', ')}) NOT checked: ${f.reason}; pending: ${f.pending.map((e) => JSON.stringify(e)).join(', ')}${f.pendingCount > f.pending.length ? ', ...' : ''}`);
    }
  }
  if (r.verdict === 'conforms') out.push('CONFORMS: every event is allowed by the protocol and no invariant failed.');
  return out.join('\n');
}
