/**
 * A file dropped on the page (pure: text in, result out; no DOM). A popcheck JSON Lines trace
 * opens as a session (its header names the model); RocketMQ's pop.log, or popcheck's JSON
 * Lines form of one, goes through the validator (traces/validate.ts) and comes back as a
 * report: the verdict, the CKs, and each finding with its lines and the catalogue entries it
 * matches. A file that cannot be read is one line naming `name:line`.
 */
import { Session, SessionSpecSchema } from '../model/session.js';
import { headerIdentity } from '../traces/format.js';
import { readTrace } from '../traces/read.js';
import { findCatalogueMatches } from '../traces/catalogue-match.js';
import type { PopLogLine } from '../traces/poplog.js';
import { parsePopLogJsonlHeader, parsePopLogJsonlLine } from '../traces/poplog-jsonl.js';
import { isPopLogRelease } from '../traces/poplog-render.js';
import { ckLineRecords, popLogDiagram } from '../traces/poplog-diagram.js';
import { headline, validatePopLogLines, type CkResult } from '../traces/validate.js';

/** Releases whose pop.log formats the validator reads. */

export interface PopLogReport {
  readonly format: 'poplog' | 'poplog-jsonl';
  readonly release: string;
  readonly verdict: 'conforms' | 'violated' | 'diverges' | 'incomplete';
  readonly lines: number;
  readonly cks: { readonly total: number; readonly conforms: number; readonly violated: number; readonly diverges: number; readonly unchecked: number; readonly incomplete: number };
  /** The CKs that did not conform, worst first (at most 50). */
  readonly findings: readonly (CkResult & { readonly catalogue: readonly string[] })[];
  readonly malformed: number;
  /** The headline finding's lines as a Mermaid sequence diagram (traces/poplog-diagram.ts, as `validate --mermaid`), when it violated or diverged. */
  readonly diagram: string | null;
}

export type Loaded =
  | { readonly kind: 'trace'; readonly session: Session; readonly refused: { readonly line: number; readonly why: string } | null; readonly error?: never }
  | { readonly kind: 'poplog'; readonly report: PopLogReport; readonly error?: never }
  | { readonly kind: 'error'; readonly error: string };

const err = (name: string, line: number, message: string): Loaded => ({ kind: 'error', error: `${name}:${line}: ${message.replace(/[\u0000-\u001f\u007f]/g, ' ')}` });

/** Reads `text` (the contents of file `name`); pop.logs without a header are read as `release`. */
export function loadFile(name: string, text: string, release = '5.3.1'): Loaded {
  const body = text.replace(/^\uFEFF/, '');
  const lines = body.split('\n');
  const firstIndex = lines.findIndex((l) => l.trim() !== '');
  if (firstIndex < 0) return err(name, 1, 'the file is empty');
  const head = lines[firstIndex].trim();
  if (head.startsWith('{') && !/"popcheck"\s*:\s*"poplog"/.test(head)) return loadTrace(name, body);
  if (head.startsWith('{')) {
    const h = parsePopLogJsonlHeader(head);
    if (!h.ok) return err(name, firstIndex + 1, h.reason);
    return loadPopLog(name, lines, 'poplog-jsonl', h.header.rocketmq, firstIndex);
  }
  return loadPopLog(name, lines, 'poplog', isPopLogRelease(release) ? release : '5.3.1', -1);
}

function loadTrace(name: string, text: string): Loaded {
  const r = readTrace(text);
  if (!r.ok) return err(name, r.error.line, r.error.message);
  const spec = SessionSpecSchema.safeParse({ model: headerIdentity(r.header), steps: r.events.map((e) => e.event) });
  if (!spec.success) return err(name, 1, `${spec.error.issues[0].path.join('.')}: ${spec.error.issues[0].message}`);
  const { session, refused } = Session.open(spec.data);
  return { kind: 'trace', session, refused: refused ? { line: r.events[refused.step - 1].line, why: refused.why } : null };
}

function loadPopLog(name: string, lines: string[], format: PopLogReport['format'], release: string, headerIndex: number): Loaded {
  const jsonl = format === 'poplog-jsonl';
  const parse = (input: string | { text: string }, n: number): PopLogLine => parsePopLogJsonlLine(typeof input === 'string' ? input : input.text, n);
  const result = validatePopLogLines(lines, { release }, jsonl ? { parse, skip: headerIndex + 1 } : {});
  const counts = result.lineCounts;
  if (counts.records + counts.unknown === 0 && (!jsonl || counts.malformed > 0)) {
    const ex = counts.malformedExamples[0];
    return jsonl
      ? err(name, ex.line, `not pop.log JSONL: ${ex.reason}`)
      : err(name, ex?.line ?? 1, `not a pop.log: no line has a pop.log line's form${ex ? ` (${ex.reason})` : ''}`);
  }
  const { bad, top, verdict } = headline(result.cks);
  const c = result.counts;
  return {
    kind: 'poplog',
    report: {
      format,
      release,
      verdict,
      lines: lines[lines.length - 1] === '' ? lines.length - 1 : lines.length,
      cks: { total: c.cks, conforms: c.conforms, violated: c.violated, diverges: c.diverges, unchecked: c.unchecked, incomplete: c.incomplete },
      findings: bad.slice(0, 50).map((f) => ({ ...f, catalogue: f.verdict === 'violated' ? findCatalogueMatches(release, f) : [] })),
      malformed: counts.malformed,
      diagram: top && (top.verdict === 'violated' || top.verdict === 'diverges') ? popLogDiagram(top, ckLineRecords(top, (n) => lines[n - 1], format), release) : null,
    },
  };
}
