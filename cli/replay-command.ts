/** `popcheck replay FILE`: validate a JSON Lines trace against the protocol. */
import { parseArgs } from 'node:util';
import { INVARIANT_NAMES } from '../model/invariants.js';
import { toRecord } from '../model/state.js';
import { parseSettingValue, type SettingName, type SettingValue } from '../model/settings.js';
import { readTrace, replay, type ReplayResult } from '../traces/index.js';
import type { TraceHeader } from '../traces/format.js';
import { buildModel } from './check-command.js';
import { UsageError, usageFromParse } from './errors.js';
import { renderSteps } from './text.js';

export interface ReplayReport {
  readonly file: string;
  readonly header: TraceHeader;
  readonly verdict: ReplayResult['verdict'];
  readonly lines: { readonly events: number; readonly used: number; readonly skipped: readonly number[] };
  readonly divergence: ReplayResult['divergence'];
  readonly violations: ReplayResult['violations'];
  readonly steps: ReplayResult['steps'];
  readonly finalState: ReturnType<typeof toRecord>;
}

export function runReplay(argv: readonly string[], readFile: (path: string) => string): { report: ReplayReport; json: boolean } {
  const parsed = usageFromParse(() =>
    parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: { json: { type: 'boolean' }, invariant: { type: 'string', multiple: true } },
    }),
  );
  const files = parsed.positionals;
  if (files.length !== 1) throw new UsageError('replay takes one trace file (popcheck replay FILE [--json] [--invariant NAME]...)');
  const file = files[0];
  for (const n of parsed.values.invariant ?? []) {
    if (!(INVARIANT_NAMES as readonly string[]).includes(n)) throw new UsageError(`--invariant: unknown invariant '${n}'`);
  }
  let text: string;
  try {
    text = readFile(file);
  } catch (err) {
    throw new UsageError(`${file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const read = readTrace(text);
  if (!read.ok) throw new UsageError(`${file}:${read.error.line}: ${read.error.message}`);
  const h = read.header;
  const overrides: Partial<Record<SettingName, SettingValue>> = {};
  for (const [k, v] of Object.entries(h.settings ?? {})) {
    const r = parseSettingValue(k, String(v));
    if (!r.ok) throw new UsageError(`${file}:1: ${r.error}`);
    overrides[r.name] = r.value;
  }
  let model;
  try {
    model = buildModel({
      scenario: h.scenario,
      messages: h.messages,
      rocketmq: h.rocketmq,
      batchAck: h.batchAck ?? false,
      overrides,
      invariants: parsed.values.invariant ?? null,
      bounds: h.bounds,
    });
  } catch (err) {
    throw new UsageError(`${file}:1: ${(err as Error).message}`);
  }
  const r = replay(model, read.events);
  return {
    json: parsed.values.json ?? false,
    report: {
      file,
      header: h,
      verdict: r.verdict,
      lines: { events: read.events.length, used: r.eventsUsed, skipped: read.skipped },
      divergence: r.divergence,
      violations: r.violations,
      steps: r.steps,
      finalState: toRecord(r.final, model.ctx.L),
    },
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
  if (r.verdict === 'conforms') out.push('CONFORMS: every event is allowed by the protocol and no invariant failed.');
  return out.join('\n');
}
