/**
 * Validating a pop.log against the protocol: each CK of the log is checked by its own model
 * (traces/ck-model.ts), with the model's own guards, steps and invariants. Lines are routed to
 * their CK (topic, group, queueId, startOffset and reviveTime or popTime); a CK's lines are
 * kept until its lifecycle in the log is over (no line for `closeAfterMs` of log time, or the
 * end of the file), then checked in one pass, with the whole of them in view.
 *
 * The check keeps every model state that explains the lines so far (the candidates). For a
 * line it tries, from each candidate, the steps the protocol allows that print nothing (the
 * timer, a scan or a revive pass with nothing to log for this CK, the clock moving between
 * breakpoints, an ack whose store path logs nothing when a later `find ack` shows it), then
 * the step that prints a line of the line's kind, at the times the line's one-second stamp
 * allows. A step that prints several lines (a scan, a revive pass) leaves the rest pending;
 * they must be the CK's next lines, in any order (threads and asynchronous put callbacks
 * interleave). Times are judged over the whole second: a candidate is kept if any instant
 * of the stamp's second allows the step (model time t stands for every instant up to the
 * next breakpoint, where no guard changes its answer). The timer and the scan may run late;
 * a revive pass is tried on the CK's own revive-queue traffic and on a busy queue, and once
 * with its retry writes failing. The search runs in the model's own names and times, so work
 * is shared between CKs with the same history (ConformMemo, LineMemo).
 *
 * Verdicts per CK: `conforms`; `violated` when every candidate has broken an invariant (the
 * line is the one that made it certain, e.g. the `retry msg` of an acked offset);
 * `diverges` when no candidate explains a line (with the guard or the difference of the
 * closest attempt); `unchecked` when the log does not give what the model needs (the CK was
 * popped before the log starts, its num is beyond the model, its popTime cannot be recovered).
 *
 * Pure: no I/O and no clock. The CLI (cli/validate-command.ts) reads the files.
 */
import { z } from 'zod';
import type { Event } from '../model/events.js';
import { explain } from '../model/explain.js';
import { C, CF, G, GF } from '../model/layout.js';
import type { Observation } from '../model/observations.js';
import type { PopModel } from '../model/popmodel.js';
import { EPOCH_MS } from '../model/protocol/keys.js';
import { nextBreakpoint } from '../model/protocol/time.js';
import { reviveStart } from '../model/protocol/revive.js';
import { apply } from '../model/step.js';
import { nextTimerDue } from '../model/protocol/store.js';
import type { State } from '../model/state.js';
import { CK_BASE_OFFSET, CK_MAX_NUM, CkModels, ckModelRefusal } from './ck-model.js';

import { printedIn, type PopLogRelease } from './poplog-render.js';
import { CK_LINE_KINDS, expectLines, lineMismatch, type CkWorld, type LineExpect } from './poplog-expect.js';
import { PopLogAccumulator, type PopLogEntry, type PopLogKind, type PopLogLine, type PopLogRecord, type RawLine } from './poplog.js';

/**
 * The model's clock moves between breakpoints in steps of 500 ms: a step at model time t stands
 * for every real instant in (t - 500, t] (a threshold `now - popTime > X` first holds at the
 * breakpoint X + 500). A line stamped second S happened in [S, S + 999], so a step at model time
 * t explains it when t lies in [S, S + 999 + GRAIN_MS].
 */
export const GRAIN_MS = 500;
/** Threads stamp lines when they log, and the appender writes them in arrival order: a line may be stamped this much before the line above it. */
export const STAMP_SLACK_MS = 200;
/** An asynchronous put's callback logs "put ... ok" up to this long after the put. */
export const CALLBACK_SLACK_MS = 2000;
/** Candidates kept per CK; beyond it the CK's check is incomplete. */
export const MAX_CANDIDATES = 512;
/** Silent steps tried between two lines of a CK. */
export const MAX_SILENT_STEPS = 2000;

/**
 * A CK with no line for this long (log time) is taken as done and checked. A revive normally
 * comes a few seconds after the CK's revive time; a re-put CK 10 s to minutes later. A line of a
 * CK that comes after its check is counted as a line of a CK popped before the log starts.
 */
export const CLOSE_AFTER_MS = 3 * 60_000;

export interface ValidateSettings {
  readonly release: string;
  readonly settings?: Record<string, unknown>;
  readonly batchAck?: boolean;
  /** Log time (ms) without a line of a CK after which its lifecycle is taken as over. */
  readonly closeAfterMs?: number;
}


const Int = z.number().int();

/** A CK of a pop.log, as the validator names it. */
export const CkIdSchema = z
  .object({
    topic: z.string(),
    group: z.string(),
    queueId: Int,
    startOffset: Int,
    num: Int.nullable(),
    popTime: Int.nullable(),
    reviveTime: Int.nullable(),
    brokerName: z.string().nullable(),
  })
  .strict();
export type CkId = z.infer<typeof CkIdSchema>;

export const CkViolationSchema = z
  .object({
    invariant: z.string(),
    /** The line where every candidate state had broken it. */
    line: Int.min(1),
    offsets: z.array(Int),
    explanation: z.array(z.string()),
  })
  .strict();
export type CkViolation = z.infer<typeof CkViolationSchema>;

/** One CK's check. */
export const CkResultSchema = z
  .object({
    verdict: z.enum(['conforms', 'violated', 'diverges', 'unchecked', 'incomplete']),
    ck: CkIdSchema,
    /** The CK's lines (1-based line numbers of the file). */
    lines: z.array(Int.min(1)),
    /** Where the verdict became certain (violated, diverges) or the search was cut. */
    line: Int.min(1).nullable(),
    invariant: z.string().nullable(),
    /** Offsets the verdict concerns (the acked offsets retried, the offsets of the diverging line). */
    offsets: z.array(Int),
    /** Why it diverged, was cut, or cannot be checked. */
    reason: z.string().nullable(),
    /** The model's explanation of the violation, in the log's names. */
    explanation: z.array(z.string()),
    /** For a divergence: candidate states still possible before the line. */
    candidatesBefore: Int.min(0),
    /** Every candidate came to rest (only the client could still act), so the final invariants were checked. */
    atRest: z.boolean(),
    /** Lines that show a catalogue entry's pattern (e.g. a flushed AckMsg without brokerName). */
    evidence: z.array(z.object({ line: Int.min(1), what: z.string() }).strict()),
    /** Every invariant that became certainly violated, each at its line. */
    violations: z.array(CkViolationSchema),
    /** The line where the check stopped (a divergence, a cut search); null when every line was used. */
    stoppedAt: Int.min(1).nullable(),
  })
  .strict();
export type CkResult = z.infer<typeof CkResultSchema>;
export type CkVerdict = CkResult['verdict'];

interface Candidate {
  readonly s: State;
  /** Lines the last step printed that are still to come; `step` is when it happened. */
  readonly pending: readonly LineExpect[];
  readonly stepAt: number;
  /** The expectation whose line makes a violation of the last step certain (null: the step's last line). */
  readonly evidence: LineExpect | null;
  /** Violations whose lines have all been seen (the values carry nothing: candidates are shared between CKs). */
  readonly violated: ReadonlyMap<string, number>;
  /** Violations of the last step, waiting for their evidence line. */
  readonly waiting: readonly string[];
  /** The state and event before the last step (for explanations). */
  readonly before: State | null;
  readonly event: Event | null;
}

interface Track {
  readonly key4: string;
  readonly reviveTime: number | null;
  popTime: number | null;
  readonly records: PopLogRecord[];
  lastTo: number;
}

/** The CK a line concerns: key fields, reviveTime and popTime when the line gives them. */
export function ckOfLine(r: PopLogRecord): { key4: string; reviveTime: number | null; popTime: number | null; offsets: number[] } | null {
  const k4 = (t: string, g: string, q: number, so: number): string => `${t}@${g}@${q}@${so}`;
  switch (r.kind) {
    case 'addCk':
    case 'addCkJustOffset':
    case 'putCkToStoreOk':
    case 'ckDone':
    case 'ckFinish':
    case 'commitOffset':
    case 'mergeKeyConflict': {
      const ck = r.ckWrap.ck;
      return { key4: k4(ck.topic, ck.cid, ck.queueId, ck.startOffset), reviveTime: ck.reviveTime, popTime: null, offsets: [] };
    }
    case 'addCkTimeout': {
      const ck = r.ck;
      return { key4: k4(ck.topic, ck.cid, ck.queueId, ck.startOffset), reviveTime: ck.reviveTime, popTime: null, offsets: [] };
    }
    case 'addAck':
    case 'putAckToStoreOk':
    case 'putBatchAckToStoreOk': {
      const ck = r.ckWrap.ck;
      const a = r.ack;
      return { key4: k4(ck.topic, ck.cid, ck.queueId, ck.startOffset), reviveTime: ck.reviveTime, popTime: a.popTime, offsets: a.type === 'ack' ? [a.ackOffset] : [...a.ackOffsetList] };
    }
    case 'addAckFail': {
      const a = r.ack;
      return { key4: k4(a.topic, a.consumerGroup, a.queueId, a.startOffset), reviveTime: null, popTime: a.popTime, offsets: a.type === 'ack' ? [a.ackOffset] : [...a.ackOffsetList] };
    }
    case 'findCk': {
      const ck = r.ck;
      return { key4: k4(ck.topic, ck.cid, ck.queueId, ck.startOffset), reviveTime: ck.reviveTime, popTime: ck.popTime, offsets: [] };
    }
    case 'findAck':
      return { key4: k4(r.ack.topic, r.ack.consumerGroup, r.ack.queueId, r.ack.startOffset), reviveTime: null, popTime: r.ack.popTime, offsets: [r.ack.ackOffset] };
    case 'findBatchAck':
      return { key4: k4(r.ack.topic, r.ack.consumerGroup, r.ack.queueId, r.ack.startOffset), reviveTime: null, popTime: r.ack.popTime, offsets: [...r.ack.ackOffsetList] };
    case 'retryMsg': {
      const ck = r.ck;
      return { key4: k4(ck.topic, ck.cid, ck.queueId, ck.startOffset), reviveTime: ck.reviveTime, popTime: null, offsets: [r.offset] };
    }
    case 'reviveBizMsgMissing':
      return null; // names the message, not its CK: counted, not used
    case 'changeInvisibleCk':
      return { key4: k4(r.topic, r.group, r.queueId, r.startOffset), reviveTime: r.reviveTime, popTime: null, offsets: [] };
    default:
      return null;
  }
}

/**
 * What a CK's check reads of a line, and nothing more (put results, thread, level, diff lists
 * are dropped): memory follows the CKs still open, and an open CK holds only this.
 */
function slim(r: PopLogRecord): PopLogRecord {
  type CkLike = { topic: string; cid: string; queueId: number; startOffset: number; num: number; reviveTime: number; brokerName: string | null; popTime?: number; rePutTimes?: unknown };
  const ck = (c: CkLike): CkLike => ({
    topic: c.topic,
    cid: c.cid,
    queueId: c.queueId,
    startOffset: c.startOffset,
    num: c.num,
    reviveTime: c.reviveTime,
    brokerName: c.brokerName,
    ...(c.popTime !== undefined ? { popTime: c.popTime } : {}),
    ...(c.rePutTimes !== undefined && c.rePutTimes !== null ? { rePutTimes: c.rePutTimes } : {}),
  });
  const x = r as unknown as Record<string, unknown> & { ckWrap?: { ck: CkLike; nbo: number }; ck?: CkLike };
  const out: Record<string, unknown> = { kind: r.kind, line: r.line, time: r.time, level: r.level, thread: '', continuation: 0, gated: r.gated };
  if (x.ckWrap) out.ckWrap = { ck: ck(x.ckWrap.ck), nbo: x.ckWrap.nbo };
  if (x.ck) out.ck = ck(x.ck);
  for (const k of ['ack', 'offset', 'reason', 'topic', 'group', 'queueId', 'startOffset', 'reviveTime'] as const) if (k in x) out[k] = x[k];
  return out as unknown as PopLogRecord;
}

const POP_KINDS: ReadonlySet<PopLogKind> = new Set<PopLogKind>(['addCk', 'addCkJustOffset', 'addCkTimeout', 'mergeKeyConflict']);

/** CK results kept in full, conforming and not (the counts are always complete). */
export const KEPT_FINDINGS = 1000;

/** How much a finding matters for a report's headline: a harm a consumer sees, another violation, a divergence, the rest. */
export function findingRank(c: CkResult): number {
  return c.verdict === 'violated' ? (OUTCOME_INVARIANTS.has(c.invariant ?? '') ? 4 : 3) : c.verdict === 'diverges' ? 2 : c.verdict === 'incomplete' ? 1 : 0;
}

/** A file's non-conforming CKs worst first (by findingRank, then line), the headline, and the file's verdict. */
export function headline(cks: readonly CkResult[]): { readonly bad: CkResult[]; readonly top: CkResult | null; readonly verdict: 'conforms' | 'violated' | 'diverges' | 'incomplete' } {
  const bad = cks.filter((c) => c.verdict !== 'conforms' && c.verdict !== 'unchecked');
  // A harm a consumer sees (an acked message retried, a loss) first, then any violation, a divergence, a cut search.
  bad.sort((x, y) => findingRank(y) - findingRank(x) || (x.line ?? 0) - (y.line ?? 0));
  const top = bad[0] ?? null;
  const verdict = top === null ? 'conforms' : top.verdict === 'violated' ? 'violated' : top.verdict === 'diverges' ? 'diverges' : 'incomplete';
  return { bad, top, verdict };
}

/** Why a line was not used by any CK's check. */
export type UnusedReason = 'notPerCk' | 'ckBeforeLog' | 'afterVerdict' | 'ckUnchecked';

export interface ValidationResult {
  readonly cks: readonly CkResult[];
  /** CK-routed lines no check used, by reason. */
  readonly unused: Readonly<Record<UnusedReason, number>>;
  readonly unusedExamples: readonly { readonly line: number; readonly reason: UnusedReason }[];
}

/**
 * The streaming validator: `push` records in file order, `finish` at the end. Memory follows
 * the CKs still open.
 */
export class PopLogValidator {
  private readonly models: CkModels;
  private readonly memo: ConformMemo = new Map();
  private readonly lineMemo: LineMemo = new Map();
  /** Seconds (epoch s) with a "put ack msg error" line. */
  private readonly putErrors = new Set<number>();
  private readonly putErrorNear = (t: number): boolean => {
    const sec = Math.floor(t / 1000);
    return this.putErrors.has(sec) || this.putErrors.has(sec + 1);
  };
  private readonly open = new Map<string, Track[]>();
  private readonly results: CkResult[] = [];
  private readonly unused: Record<UnusedReason, number> = { notPerCk: 0, ckBeforeLog: 0, afterVerdict: 0, ckUnchecked: 0 };
  private readonly unusedExamples: { line: number; reason: UnusedReason }[] = [];
  private readonly closeAfter: number;
  private lastSweep = 0;
  private latest = 0;
  private lastLine = 0;
  private prevTo = -Infinity;
  /** Results kept (KEPT_FINDINGS of each: conforming, not), and beyond them the earliest of each rank. */
  private conformingKept = 0;
  private badKept = 0;
  private readonly earliest = new Map<number, CkResult>();
  readonly counts = { cks: 0, conforms: 0, violated: 0, diverges: 0, unchecked: 0, incomplete: 0 };

  constructor(readonly v: ValidateSettings) {
    this.models = new CkModels(v.release, v.settings as never, v.batchAck ?? false);
    this.closeAfter = v.closeAfterMs ?? CLOSE_AFTER_MS;
  }

  /** Throws when the settings give no model (a bad --set). */
  check(): void {
    this.models.get(1, 60_000);
  }

  private noteUnused(line: number, reason: UnusedReason): void {
    this.unused[reason]++;
    if (this.unusedExamples.length < 10) this.unusedExamples.push({ line, reason });
  }

  push(r: PopLogRecord): void {
    // The log's clock moves to a time two successive lines agree on: one line with a garbled
    // stamp (a year off) must not close every open CK as if the log had gone quiet.
    const agreed = Math.min(r.time.to, this.prevTo);
    this.prevTo = r.time.to;
    if (agreed > this.latest) this.latest = agreed;
    if (r.line > this.lastLine) this.lastLine = r.line;
    if (r.kind === 'putAckMsgError') this.putErrors.add(Math.floor(r.time.from / 1000));
    if (!CK_LINE_KINDS.has(r.kind)) return;
    const id = ckOfLine(r);
    if (id === null) {
      this.noteUnused(r.line, 'notPerCk');
      return;
    }
    const list = this.open.get(id.key4) ?? [];
    let track: Track | undefined;
    if (id.reviveTime !== null) track = list.find((t) => t.reviveTime === id.reviveTime);
    if (!track && id.popTime !== null) {
      track = list.find((t) => t.popTime === id.popTime) ?? (list.filter((t) => t.popTime === null).length === 1 ? list.find((t) => t.popTime === null) : undefined);
    }
    if (POP_KINDS.has(r.kind) && r.kind !== 'mergeKeyConflict' && (!track || track.records.some((x) => x.kind === r.kind && x.kind !== 'addCkJustOffset'))) {
      // a new pop of this offset (a new CK), unless it is the second line of the same pop (timeout, then just offset)
      if (!track || !(r.kind === 'addCkJustOffset' && track.records.every((x) => x.kind === 'addCkTimeout' || x.kind === 'putCkToStoreOk'))) {
        track = { key4: id.key4, reviveTime: id.reviveTime, popTime: null, records: [], lastTo: r.time.to };
        list.push(track);
        this.open.set(id.key4, list);
        this.counts.cks++;
      }
    }
    // A CK re-put by the revive (rePutCK: one message, its own startOffset, a later reviveTime)
    // belongs to the popped CK that holds that offset.
    if (!track && !POP_KINDS.has(r.kind)) track = this.parentOf(id, r);
    if (!track) {
      this.noteUnused(r.line, 'ckBeforeLog');
      return;
    }
    if (track.popTime === null && id.popTime !== null && track.key4 === id.key4) track.popTime = id.popTime;
    track.records.push(slim(r));
    track.lastTo = Math.max(track.lastTo, r.time.to);
    if (this.latest - this.lastSweep > 10_000) this.sweep(false);
  }

  private parentOf(id: { key4: string; reviveTime: number | null; popTime: number | null }, r: PopLogRecord): Track | undefined {
    const [topic, group, q, so] = id.key4.split('@');
    const offset = Number(so);
    const fromOffset = 'ck' in r && r.ck && typeof (r.ck as { rePutTimes?: unknown }).rePutTimes !== 'undefined' ? (r.ck as { rePutTimes: unknown }).rePutTimes : null;
    let best: Track | undefined;
    for (let back = 1; back <= CK_MAX_NUM; back++) {
      for (const t of this.open.get(`${topic}@${group}@${q}@${offset - back}`) ?? []) {
        const ck = firstCk(t.records[0]);
        if (!ck || offset - back + ck.num <= offset) continue;
        if (id.popTime !== null && t.popTime !== null && id.popTime !== t.popTime) continue;
        if (id.reviveTime !== null && t.reviveTime !== null && id.reviveTime <= t.reviveTime && fromOffset === null) continue;
        best = t;
      }
      if (best) return best;
    }
    return undefined;
  }

  /** Checks the CKs with no line for closeAfter ms (all of them at the end). */
  private sweep(all: boolean): void {
    this.lastSweep = this.latest;
    for (const [key, list] of this.open) {
      const keep: Track[] = [];
      for (const t of list) {
        if (all || this.latest - t.lastTo > this.closeAfter) this.finishTrack(t, all && this.latest - t.lastTo <= this.closeAfter ? this.lastLine : null);
        else keep.push(t);
      }
      if (keep.length === 0) this.open.delete(key);
      else this.open.set(key, keep);
    }
  }

  private finishTrack(t: Track, endLine: number | null): void {
    const res = checkTrack(t, this.models, this.memo, this.lineMemo, this.putErrorNear, endLine);
    this.counts[res.verdict]++;
    if (res.verdict === 'unchecked') for (const r of t.records) this.noteUnused(r.line, 'ckUnchecked');
    else if (res.stoppedAt !== null) for (const r of t.records) if (r.line > res.stoppedAt) this.noteUnused(r.line, 'afterVerdict');
    if (res.verdict !== 'conforms') {
      // The first KEPT_FINDINGS in full; of the rest, only the earliest of each kind (a report's
      // headline): a log with 35,000 violated CKs must not hold 35,000 explanations.
      if (this.badKept < KEPT_FINDINGS) {
        this.badKept++;
        this.results.push(res);
      } else {
        const rank = findingRank(res);
        const cur = this.earliest.get(rank);
        if (!cur || (res.line ?? Infinity) < (cur.line ?? Infinity)) this.earliest.set(rank, res);
      }
    } else if (this.conformingKept < KEPT_FINDINGS) {
      this.conformingKept++;
      this.results.push(res);
    }
  }

  finish(): ValidationResult {
    this.sweep(true);
    const order = (c: CkResult): number => c.line ?? c.lines[0] ?? 0;
    const cks = [...this.results, ...this.earliest.values()].sort((a, b) => order(a) - order(b));
    return { cks, unused: { ...this.unused }, unusedExamples: this.unusedExamples };
  }
}

// ---------------------------------------------------------------------------------------------
// One CK

const pendingKeys = new WeakMap<LineExpect, string>();
function expectKey(e: LineExpect): string {
  let k = pendingKeys.get(e);
  if (k === undefined) {
    k = JSON.stringify(e);
    pendingKeys.set(e, k);
  }
  return k;
}

const candKeys = new WeakMap<Candidate, string>();

/** Candidates with equal keys are the same candidate (the state's words are compared by the caller). */
function candKey(c: Candidate): string {
  let k = candKeys.get(c);
  if (k === undefined) {
    k = candKeyOf(c);
    candKeys.set(c, k);
  }
  return k;
}

function candKeyOf(c: Candidate): string {
  return `${hashWords(c.s)}|${c.pending.map(expectKey).join(';')}|${[...c.violated.keys()].join(',')}|${c.waiting.join(',')}|${c.evidence ? expectKey(c.evidence) : ''}`;
}

function firstCk(r: PopLogRecord): { topic: string; cid: string; queueId: number; startOffset: number; num: number; reviveTime: number; brokerName: string | null } | null {
  if (r.kind === 'addCk' || r.kind === 'addCkJustOffset' || r.kind === 'addCkMocked') return r.ckWrap.ck;
  if (r.kind === 'addCkTimeout') return r.ck;
  return null;
}

function ckIdOf(t: Track, popTime: number | null): CkId {
  const first = t.records[0];
  const ck = firstCk(first);
  const [topic, group, q, so] = t.key4.split('@');
  return {
    topic,
    group,
    queueId: Number(q),
    startOffset: Number(so),
    num: ck ? ck.num : null,
    popTime,
    reviveTime: t.reviveTime,
    brokerName: ck ? ck.brokerName : null,
  };
}

function result(t: Track, popTime: number | null, partial: Partial<CkResult> & { verdict: CkVerdict }): CkResult {
  return {
    ck: ckIdOf(t, popTime),
    lines: t.records.map((r) => r.line),
    line: null,
    invariant: null,
    offsets: [],
    reason: null,
    explanation: [],
    candidatesBefore: 0,
    atRest: false,
    evidence: [],
    violations: [],
    stoppedAt: partial.verdict === 'diverges' || partial.verdict === 'incomplete' ? (partial.line ?? null) : null,
    ...partial,
  };
}

/** Lines that show a catalogue entry's pattern (used to name the entry a violation matches). */
function evidenceOf(t: Track, putErrorNear?: (t: number) => boolean): { line: number; what: string }[] {
  const out: { line: number; what: string }[] = [];
  for (const r of t.records) {
    if (r.kind === 'addAckFail' && putErrorNear?.(r.time.from)) out.push({ line: r.line, what: 'ackPutFailedNear' });
    if (r.kind === 'putAckToStoreOk' && r.ack.brokerName === null) out.push({ line: r.line, what: 'bufferAckWithoutBrokerName' });
    if (r.kind === 'putBatchAckToStoreOk' && r.ack.brokerName === null) out.push({ line: r.line, what: 'bufferBatchAckWithoutBrokerName' });
  }
  return out;
}

/** Conforming checks, by the CK's history relative to its pop (trackSignature): CKs with the same one conform alike. */
export type ConformMemo = Map<string, { readonly atRest: boolean }>;
const MEMO_LIMIT = 20_000;

const bnClass = (b: string | null, w: CkWorld): string => (b === null ? 'N' : b === w.brokerName ? 'L' : `=${b}`);

/**
 * A CK's lines relative to its pop: what the check reads from each line (its kind, its second on
 * the model's time grid, its fields as offsets from the CK's startOffset and times from its
 * popTime). The check depends on nothing else, so two CKs with the same signature get the same
 * verdict; only conforming verdicts are reused (other verdicts quote the CK's own values).
 */
function trackSignature(t: Track, w: CkWorld, num: number, it: number, grid: number): string {
  const parts: string[] = [`${num}/${it}/${grid}/${bnClass(firstCk(t.records[0])?.brokerName ?? null, w)}`];
  const o = w.origin;
  const sh = w.offsetShift;
  const ck = (c: { num: number; reviveTime: number; brokerName: string | null }): string => `${c.num},${c.reviveTime - o},${bnClass(c.brokerName, w)}`;
  const ack = (a: { type: string; popTime: number; brokerName: string | null; ackOffset?: number; ackOffsetList?: readonly number[] }): string =>
    `${a.type},${a.popTime - o},${bnClass(a.brokerName, w)},${(a.ackOffsetList ?? [a.ackOffset ?? -1]).map((x) => x - sh).join('+')}`;
  for (const r of t.records) {
    const win = windowOf(r.time.from - o, r.time.to - o, grid);
    let f: string;
    switch (r.kind) {
      case 'addCk':
      case 'addCkJustOffset':
      case 'putCkToStoreOk':
      case 'ckDone':
      case 'ckFinish':
      case 'mergeKeyConflict':
        f = ck(r.ckWrap.ck);
        break;
      case 'commitOffset':
        f = `${ck(r.ckWrap.ck)},${r.ckWrap.nbo - sh}`;
        break;
      case 'addCkTimeout':
        f = ck(r.ck);
        break;
      case 'addAck':
      case 'putAckToStoreOk':
      case 'putBatchAckToStoreOk':
        f = `${ck(r.ckWrap.ck)};${ack(r.ack as never)}`;
        break;
      case 'addAckFail':
        f = `${r.reason};${ack(r.ack as never)}`;
        break;
      case 'findCk':
        f = `${ck(r.ck)},${r.ck.popTime - o}`;
        break;
      case 'findAck':
      case 'findBatchAck':
        f = ack(r.ack as never);
        break;
      case 'retryMsg':
        f = `${ck(r.ck)},${r.offset - sh}`;
        break;
      default:
        return ''; // a kind the signature does not cover: no reuse
    }
    parts.push(`${r.kind}@${win.lineFrom},${win.bpAfter},${win.tickTo},${win.last},${win.stepFrom}${w.putErrorNear?.(r.time.from) ? 'E' : ''}:${f}`);
  }
  return parts.join('|');
}

/**
 * The world the search runs in: the model's own names, times from the pop, the model's offsets.
 * Lines are brought into it (normalizeRecord), so candidates and the search's results do not
 * depend on the CK and are shared between CKs with the same history (LineMemo).
 */
const SEARCH_WORLD: CkWorld = { topic: 'T', group: 'G', queueId: 0, brokerName: 'broker-a', otherBroker: 'broker-b', origin: 0, offsetShift: 0, popAt: 0 };

/** The results of searching one line from one set of candidates, by (candidates, the line in the search world). */
export type LineMemo = Map<string, { readonly from: readonly Candidate[]; readonly next: readonly Candidate[]; readonly cut: boolean }[]>;
const LINE_MEMO_LIMIT = 5000;

/**
 * `endLine`: the log ends (its last record at this line) before the CK's lifecycle is over by
 * the closeAfter rule (null: it is over). If the CK's last line is the log's last record, the
 * rest of its last step's lines may just not be written yet (a file cut or still being written):
 * not a divergence. If the model still has timed steps ahead (a flush, a revive), its final
 * invariants are not checked (printsAhead): the log stops before those steps would show.
 */
export function checkTrack(t: Track, models: CkModels, memo?: ConformMemo, lineMemo?: LineMemo, putErrorNear?: (t: number) => boolean, endLine: number | null = null): CkResult {
  const fast = checkTrackIn(t, models, memo, lineMemo, true, putErrorNear, endLine);
  // A divergence or a cut search is explained in the CK's own terms: search again in its world.
  return fast.verdict === 'diverges' || fast.verdict === 'incomplete' ? checkTrackIn(t, models, undefined, undefined, false, putErrorNear, endLine) : fast;
}

function checkTrackIn(
  t: Track,
  models: CkModels,
  memo: ConformMemo | undefined,
  lineMemo: LineMemo | undefined,
  shared: boolean,
  putErrorNear: ((t: number) => boolean) | undefined,
  endLine: number | null,
): CkResult {
  const first = t.records[0];
  if (!POP_KINDS.has(first.kind) || first.kind === 'mergeKeyConflict') {
    return result(t, t.popTime, { verdict: 'unchecked', reason: `its first line (${first.line}) is not the pop's: the CK was popped before the log starts` });
  }
  const ck = firstCk(first);
  if (ck === null) return result(t, t.popTime, { verdict: 'unchecked', reason: 'no CK on its first line' });
  let popTime = t.popTime;
  let guessed = false;
  if (popTime === null) {
    // No line gives popTime: an invisible time of whole seconds that fits the pop's stamp.
    // popTime is sampled when the request arrives, just before the pop logs its CK.
    const lo = ck.reviveTime - first.time.to;
    const hi = ck.reviveTime - (first.time.from - STAMP_SLACK_MS);
    const fits: number[] = [];
    for (let it = Math.ceil(lo / 1000) * 1000; it <= hi; it += 1000) fits.push(it);
    if (fits.length !== 1) return result(t, null, { verdict: 'unchecked', reason: 'no line gives its popTime, and its reviveTime fits more than one invisible time' });
    popTime = ck.reviveTime - fits[0];
    guessed = true;
  }
  const it = ck.reviveTime - popTime;
  const refusal = ckModelRefusal(ck.num, it);
  if (refusal !== null) return result(t, popTime, { verdict: 'unchecked', reason: refusal });
  if (t.records.some((r) => r.kind === 'changeInvisibleCk')) {
    return result(t, popTime, { verdict: 'unchecked', reason: 'changeInvisibleTime of its messages: not yet checked per CK' });
  }
  let model: PopModel;
  try {
    model = models.get(ck.num, it);
    if (!BUSY.has(model)) BUSY.set(model, models.get(ck.num, it, true));
  } catch (err) {
    return result(t, popTime, { verdict: 'unchecked', reason: (err as Error).message });
  }
  const world: CkWorld = {
    topic: ck.topic,
    group: ck.cid,
    queueId: ck.queueId,
    brokerName: ck.brokerName ?? 'broker-a',
    otherBroker: ck.brokerName === 'broker-b' ? 'broker-a' : 'broker-b',
    // Model time 0 is the pop. The model's timer slots are then multiples of the precision after
    // the pop, RocketMQ's multiples since the epoch: the model delivers a CK (T - 1 s) at most one
    // precision earlier than RocketMQ, and since the search lets the timer run late, every real
    // delivery time is also one of the model's.
    origin: popTime,
    popAt: 0,
    offsetShift: ck.startOffset - CK_BASE_OFFSET,
    putErrorNear,
  };
  const evidence = evidenceOf(t, putErrorNear);
  const grid = onGrid(model) && (popTime - world.origin) % GRAIN_MS === 0 ? GRAIN_MS : 1;
  const signature = memo ? trackSignature(t, world, ck.num, it, grid) : '';
  const known = signature !== '' ? memo?.get(signature) : undefined;
  if (known) return result(t, popTime, { verdict: 'conforms', atRest: known.atRest, evidence });
  const remember = (r: CkResult): CkResult => {
    // A CK cut by the end of the log is not memoised: the same lines in mid-log are judged in full.
    if (memo && signature !== '' && r.verdict === 'conforms' && endLine === null) {
      if (memo.size >= MEMO_LIMIT) memo.clear();
      memo.set(signature, { atRest: r.atRest });
    }
    return r;
  };
  // Offsets a find-ack shows acked that no line of the ack path shows: acks whose store path logs nothing.
  const logged = new Set<number>();
  const found = new Set<number>();
  for (const r of t.records) {
    const id = ckOfLine(r);
    if (!id) continue;
    if (r.kind === 'addAck' || r.kind === 'addAckFail') for (const o of id.offsets) logged.add(o);
    if (r.kind === 'findAck' || r.kind === 'findBatchAck') for (const o of id.offsets) found.add(o);
  }
  const silentAcks = [...found].filter((o) => !logged.has(o)).map((o) => o - world.offsetShift);

  let frontier: Candidate[] = [{ s: model.initialStates()[0], pending: [], stepAt: 0, evidence: null, violated: new Map(), waiting: [], before: null, event: null }];
  let truncated = false;
  const violations: CkViolation[] = [];
  const certain = new Set<string>();
  const done = (partial: Partial<CkResult> & { verdict: CkVerdict }): CkResult => {
    if (violations.length === 0) return result(t, popTime, { evidence, ...partial });
    // A violation already certain stands, whatever the later lines do. The headline is the
    // first harm a user sees (a retry of an acked message, a loss), else the first sign.
    const v = violations.find((x) => OUTCOME_INVARIANTS.has(x.invariant)) ?? violations[0];
    return result(t, popTime, {
      evidence,
      candidatesBefore: partial.candidatesBefore ?? 0,
      verdict: 'violated',
      line: v.line,
      invariant: v.invariant,
      offsets: v.offsets,
      explanation: v.explanation,
      reason: partial.verdict === 'violated' || partial.verdict === 'conforms' ? null : `after it, line ${partial.line}: ${partial.reason}`,
      violations,
      stoppedAt: partial.verdict === 'diverges' || partial.verdict === 'incomplete' ? (partial.line ?? null) : null,
    });
  };
  const sw = shared ? { ...SEARCH_WORLD, putErrorNear } : world;

  for (const raw of t.records) {
    const r = shared ? normalizeRecord(raw, world) : raw;
    const win = windowOf(r.time.from - world.origin, r.time.to - world.origin, grid);
    const next = new Map<string, Candidate[]>();
    let size = 0;
    let closest: { score: number; text: string } | null = null;
    const miss = (score: number, text: string): void => {
      if (closest === null || score > closest.score) closest = { score, text };
    };
    const search: Search = { budget: MAX_SILENT_STEPS, cut: false };
    const memoKey = lineMemo ? `${frontier.map(candKey).join('~')}#${lineSignature(r, win, silentAcks)}#${putErrorNear?.(r.time.from) ? 'E' : ''}` : '';
    const hit = lineMemo?.get(memoKey)?.find((m) => sameFrontier(m.from, frontier));
    if (hit) {
      for (const n of hit.next) {
        const key = candKey(n);
        const same = next.get(key);
        if (same) same.push(n);
        else next.set(key, [n]);
        size++;
      }
      if (hit.cut) truncated = true;
    } else {
      for (const c of frontier) {
        for (const n of advance(model, sw, c, r, win, silentAcks, miss, search)) {
          const key = candKey(n);
          const same = next.get(key);
          if (same && same.some((y) => sameWords(y.s, n.s))) continue;
          if (same) same.push(n);
          else next.set(key, [n]);
          size++;
        }
        if (size > MAX_CANDIDATES) {
          truncated = true;
          break;
        }
      }
      if (search.cut) truncated = true;
      if (lineMemo && size > 0) {
        if (lineMemo.size >= LINE_MEMO_LIMIT) lineMemo.clear();
        const list = lineMemo.get(memoKey) ?? [];
        list.push({ from: frontier, next: [...next.values()].flat(), cut: truncated });
        lineMemo.set(memoKey, list);
      }
    }
    if (size === 0) {
      const cl = closest as { score: number; text: string } | null;
      if (truncated) return done({ verdict: 'incomplete', line: r.line, reason: `the search was cut (more than ${MAX_CANDIDATES} candidate states or ${MAX_SILENT_STEPS} silent steps), so line ${r.line} cannot be called a divergence`, candidatesBefore: frontier.length });
      return done({
        verdict: 'diverges',
        line: r.line,
        offsets: ckOfLine(raw)?.offsets ?? [],
        reason: `no step of the model prints this '${r.kind}' line here${guessed ? ' (popTime inferred from the pop line)' : ''}: ${cl ? speak(cl.text, world) : 'no candidate state'} (times from ${gmt8(world.origin)})`,
        candidatesBefore: frontier.length,
      });
    }
    frontier = [...next.values()].flat().slice(0, MAX_CANDIDATES);
    // A violation is certain when every candidate has broken the invariant.
    for (const inv of frontier[0].violated.keys()) {
      if (certain.has(inv) || !frontier.every((c) => c.violated.has(inv))) continue;
      certain.add(inv);
      const c = frontier[0];
      const explanation = c.before && c.event ? explain(inv, c.s, model.ctx, c.before, c.event).map((x) => speak(x, world)) : [];
      if (explanation.length > 0) explanation.push(timeNote(world));
      violations.push({ invariant: inv, line: r.line, offsets: violatedOffsets(inv, c.s, model, world), explanation });
    }
  }
  // The end of the CK's lines: pending lines never came?
  const settled = frontier.filter((c) => c.pending.length === 0);
  if (settled.length === 0 && t.records[t.records.length - 1].line === endLine) return done({ verdict: 'conforms', atRest: false });
  if (settled.length === 0) {
    const c = frontier[0];
    const lastLine = t.records[t.records.length - 1].line;
    return done({
      verdict: 'diverges',
      line: lastLine,
      reason: `the model's last step also prints ${c.pending.map((p) => `'${p.kind}'`).join(', ')}, which never came`,
      candidatesBefore: frontier.length,
    });
  }
  // Final invariants, when every candidate has come to rest (only the client could act).
  const finals = model.invariants.filter((i) => i.kind === 'final');
  const cut = endLine !== null && printsAhead(model, settled, sw);
  const atRest = !cut && settled.every((c) => model.enabledEvents(c.s).every((e) => !BROKER_TYPES.has(e.type)));
  if (atRest && settled.length === frontier.length) {
    for (const inv of finals) {
      if (certain.has(inv.name) || !settled.every((c) => !inv.holds(c.s))) continue;
      certain.add(inv.name);
      const lastLine = t.records[t.records.length - 1].line;
      violations.push({ invariant: inv.name, line: lastLine, offsets: [], explanation: explain(inv.name, settled[0].s, model.ctx, settled[0].before ?? undefined, settled[0].event ?? undefined).map((x) => speak(x, world)) });
    }
  }
  return remember(done({ verdict: truncated ? 'incomplete' : 'conforms', atRest, reason: truncated ? `more than ${MAX_CANDIDATES} candidate states` : null }));
}

function sameFrontier(a: readonly Candidate[], b: readonly Candidate[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !(candKey(a[i]) === candKey(b[i]) && sameWords(a[i].s, b[i].s))) return false;
  return true;
}

/** A line as the search sees it: its kind, its second on the model's grid, its fields in the search world, the silent acks. */
function lineSignature(r: PopLogRecord, win: Window, silent: readonly number[]): string {
  const { line: _l, time: _t, thread: _th, continuation: _c, level: _lv, ...fields } = r as PopLogRecord & { continuation?: number };
  return `${r.kind}@${win.lineFrom},${win.bpAfter},${win.tickTo},${win.last},${win.stepFrom}:${silent.join(',')}:${JSON.stringify(fields)}`;
}

const bnIn = (b: string | null, w: CkWorld): string | null => (b === null ? null : b === w.brokerName ? 'broker-a' : b === w.otherBroker ? 'broker-b' : `?${b}`);

/**
 * A line brought into the search world: names, offsets and times as the CK's model has them
 * (the topic, group and queue of the CK become the model's, offsets lose the CK's shift, times
 * its origin; a name that is not the CK's stays visibly different). Only the fields the search
 * compares are kept.
 */
export function normalizeRecord(r: PopLogRecord, w: CkWorld): PopLogRecord {
  const sh = w.offsetShift;
  const o = w.origin;
  const name = (v: string, mine: string, model: string): string => (v === mine ? model : `?${v}`);
  const q = (v: number): number => (v === w.queueId ? 0 : -1 - v);
  type CkLike = { topic: string; cid: string; queueId: number; startOffset: number; num: number; reviveTime: number; brokerName: string | null; popTime?: number };
  const ck = (c: CkLike): CkLike => ({
    topic: name(c.topic, w.topic, SEARCH_WORLD.topic),
    cid: name(c.cid, w.group, SEARCH_WORLD.group),
    queueId: q(c.queueId),
    startOffset: c.startOffset - sh,
    num: c.num,
    reviveTime: c.reviveTime - o,
    brokerName: bnIn(c.brokerName, w),
    ...(c.popTime !== undefined ? { popTime: c.popTime - o } : {}),
  });
  type AckLike = { type?: string; ackOffset?: number; ackOffsetList?: readonly number[]; startOffset: number; consumerGroup: string; topic: string; queueId: number; popTime: number; brokerName: string | null };
  const ack = (a: AckLike): AckLike => ({
    ...(a.type !== undefined ? { type: a.type } : {}),
    ...(a.ackOffset !== undefined ? { ackOffset: a.ackOffset - sh } : {}),
    ...(a.ackOffsetList !== undefined ? { ackOffsetList: a.ackOffsetList.map((x) => x - sh) } : {}),
    startOffset: a.startOffset - sh,
    consumerGroup: name(a.consumerGroup, w.group, SEARCH_WORLD.group),
    topic: name(a.topic, w.topic, SEARCH_WORLD.topic),
    queueId: q(a.queueId),
    popTime: a.popTime - o,
    brokerName: bnIn(a.brokerName, w),
  });
  const base = { kind: r.kind, line: r.line, time: r.time, level: r.level, thread: '', continuation: 0, gated: r.gated };
  const x = r as unknown as Record<string, unknown> & { ckWrap?: { ck: CkLike; nbo: number } };
  const out: Record<string, unknown> = { ...base };
  if (x.ckWrap) out.ckWrap = { ck: ck(x.ckWrap.ck), nbo: x.ckWrap.nbo - sh };
  if (r.kind === 'addCkTimeout' || r.kind === 'retryMsg') out.ck = ck(r.ck as CkLike);
  if (r.kind === 'findCk') out.ck = ck(r.ck as CkLike);
  if ('ack' in r && r.ack) out.ack = ack(r.ack as AckLike);
  if (r.kind === 'retryMsg') out.offset = r.offset - sh;
  if (r.kind === 'addAckFail') out.reason = r.reason;
  return out as unknown as PopLogRecord;
}

/** Are all the model's times multiples of 500 ms (then the search may move the clock on that grid)? */
function onGrid(model: PopModel): boolean {
  const st = model.ctx.s;
  return [st.popInvisibleTime, st.popCkStayBufferTime, st.popCkStayBufferTimeOut, st.timerPrecisionMs, st.reviveAckWaitMs].every((x) => x % GRAIN_MS === 0);
}

/** Invariants about what a consumer sees; the others are about the broker's own bookkeeping. */
export const OUTCOME_INVARIANTS: ReadonlySet<string> = new Set(['acked-never-retried', 'success-never-retried', 'no-loss', 'no-concurrent-redelivery']);

const BROKER_TYPES = new Set(['timer', 'scan', 'revive', 'reviveComplete']);

/** Model ms as seconds. */
function sec(ms: number): string {
  return `+${(ms / 1000).toFixed(1)} s`;
}

function gmt8(ms: number): string {
  return `${new Date(ms + 8 * 3600_000).toISOString().replace('T', ' ').replace('Z', '')} GMT+8`;
}

function timeNote(w: CkWorld): string {
  return `(model times are seconds after the pop, ${gmt8(w.origin)}; revive queue offsets are the model's, whose revive queue holds this CK's entries only)`;
}

/** The model's text in the log's names: its revive keys and its offsets. */
export function speak(text: string, w: CkWorld): string {
  return text
    .replace(/%RETRY%GID_POP_TopicTest/g, `%RETRY%${w.group}_${w.topic}`)
    .replace(/TopicTest\+GID_POP\+(\d+)\+(\d+)\+(\d+)/g, (_m, _q, so, pt) => `${w.topic}+${w.group}+${w.queueId}+${Number(so) + w.offsetShift}+${Number(pt) - EPOCH_MS + w.origin}`)
    .replace(/(?<!queue |revive |reviveQueue)\b(offsets?|startOffset|so=|CK@)(\s*\{?)(\d+(?:,\s*\d+)*)/g, (_m, word, sep, list: string) =>
      w.offsetShift === 0 ? `${word}${sep}${list}` : `${word}${sep}${list.split(/,\s*/).map((x) => Number(x) + w.offsetShift).join(', ')}`,
    );
}

function violatedOffsets(inv: string, s: State, model: PopModel, w: CkWorld): number[] {
  if (inv !== 'acked-never-retried' && inv !== 'success-never-retried') return [];
  const L = model.ctx.L;
  const out: number[] = [];
  for (let k = 0; k < s[G.NCK]; k++) {
    const c = L.ck(k);
    const mask = s[c + C.RETRIED] & (inv === 'acked-never-retried' ? s[c + C.ACK_STORED_IN_TIME] : s[c + C.ACKED]);
    for (let i = 0; i < 32; i++) if (mask & (1 << i)) out.push(s[c + C.START] + i + w.offsetShift);
  }
  return [...new Set(out)].sort((a, b) => a - b);
}

/** The events that could print a line of this kind. */
function lineEvents(model: PopModel, s: State, r: PopLogRecord, w: CkWorld): Event[] {
  const L = model.ctx.L;
  switch (r.kind) {
    case 'addCk':
    case 'addCkJustOffset':
    case 'addCkTimeout':
      return s[G.NCK] === 0 && s[G.NOW] <= (w.popAt ?? 0) ? [{ type: 'pop', queueId: 0, maxNums: L.messagesPerQueue, at: w.popAt ?? 0 }] : [];
    case 'addAck':
    case 'addAckFail': {
      const a = r.ack;
      if (a.type !== 'ack' || s[G.NCK] === 0) return [];
      const c = L.ck(0);
      const bn = a.brokerName === null ? null : a.brokerName === w.brokerName ? ('broker-a' as const) : ('broker-b' as const);
      const base = { type: 'ack' as const, queueId: 0, startOffset: s[c + C.START], popTime: s[c + C.POP_TIME], offset: a.ackOffset - w.offsetShift, brokerName: bn };
      // A failing ACK put prints "put ack msg error" (ungated, naming no CK): only then is it a possibility.
      return r.kind === 'addAckFail' && w.putErrorNear?.(r.time.from) ? [base, { ...base, storeFails: true }] : [base];
    }
    case 'putCkToStoreOk':
    case 'putAckToStoreOk':
    case 'putBatchAckToStoreOk':
    case 'ckDone':
    case 'ckFinish':
    case 'commitOffset':
      return [{ type: 'scan' }];
    case 'findCk':
    case 'findAck':
    case 'findBatchAck':
      return [REVIVE];
    case 'retryMsg': {
      // A retry is written by the revive pass, or, with asynchronous reads, when its read completes.
      const out: Event[] = [REVIVE];
      for (let k = 0; k < s[G.NCK]; k++) {
        const c = L.ck(k);
        if (s[c + C.RETRY_PENDING] !== 0) out.push({ type: 'reviveComplete', queueId: s[c + C.QUEUE], startOffset: s[c + C.START], popTime: s[c + C.POP_TIME] });
      }
      return out;
    }
    default:
      return [];
  }
}

interface Stepped {
  readonly s: State;
  readonly lines: LineExpect[];
  readonly broken: string[];
}

const CLIENT_TYPES = new Set(['pop', 'ack', 'changeInvisible']);

/** The step `e` from `s`: the state after it, the lines it prints, the invariants it breaks; null when the model does not allow it. */
function step(base: PopModel, s: State, e: Event, w: CkWorld): Stepped | null {
  const model = (e as { busy?: boolean }).busy ? (BUSY.get(base) ?? base) : base;
  if (model.why(s, e) !== null) return null;
  // The one failing revive pass the CK's bounds allow.
  if (e.type === 'revive' && e.retryFails && s[G.USED_RETRY_FAILURES] >= 1) return null;
  // Client events use up budgets (late, repeated, failing acks); the broker's never overflow one CK's layout.
  if (CLIENT_TYPES.has(e.type) && model.exceeds(s, e) !== null) return null;
  const observations: Observation[] = [];
  let next: State;
  try {
    next = apply(s, { L: model.ctx.L, s: model.ctx.s, notes: null, observations }, e);
  } catch {
    return null;
  }
  const broken: string[] = [];
  for (const inv of model.invariants) {
    const ok = inv.kind === 'always' ? inv.holds(next) : inv.kind === 'transition' ? inv.holds(s, e, next) : true;
    if (!ok) broken.push(inv.name);
  }
  // Lines that name no CK (put ack msg error) are not routed to a CK's check, so not expected by it.
  const lines: LineExpect[] = [];
  for (const o of observations) for (const l of expectLines(o, w)) if (CK_LINE_KINDS.has(l.kind) && printedIn(l.kind, model.instance.release as PopLogRelease, true)) lines.push(l);
  return { s: next, lines, broken };
}

function sameWords(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const TIMER: Event = { type: 'timer' };
const SCAN: Event = { type: 'scan' };
const REVIVE: Event = { type: 'revive' };
/**
 * A revive pass on a revive queue other CKs keep writing to: endTime is about now (the
 * reviveQueueBusy setting). One CK's model holds only its own revive-queue entries, so a pass
 * is tried both ways: the CK's own traffic alone, and a busy queue.
 */
const REVIVE_BUSY = { type: 'revive', busy: true } as unknown as Event;
/** Each CK model's twin with reviveQueueBusy=true (same layout, so states are shared). */
const BUSY = new WeakMap<PopModel, PopModel>();
/** Passes whose retry writes fail (the CK is re-put, the revive logs only an error line that names no CK). */
const REVIVE_FAILING: Event = { type: 'revive', retryFails: true };
const REVIVE_BUSY_FAILING = { type: 'revive', retryFails: true, busy: true } as unknown as Event;

/**
 * The steps the broker may take from `x` without a client: the timer, the buffer scan, a
 * revive pass, the end of asynchronous retries, and the clock moving to the next breakpoint.
 * Unlike `check`'s default (time does not pass while a timer slot is due or a scan would change
 * something), the timer and the scan may run late here, as on a loaded broker (the `full`
 * scenario's --timer-lag and --scan-stalls): a log stamped a second late is not a divergence.
 */
function brokerSteps(model: PopModel, x: State, w: CkWorld): { e: Event; st: Stepped }[] {
  const out: { e: Event; st: Stepped }[] = [];
  const ctx = model.ctx;
  const now = x[G.NOW];
  const due = nextTimerDue(x, ctx);
  if (due >= 0 && due <= now) {
    const st = step(model, x, TIMER, w);
    if (st) out.push({ e: TIMER, st });
  }
  if (bufferBusy(x, model) || (x[G.FLAGS] & GF.SERVING) === 0) {
    const scan = step(model, x, SCAN, w);
    if (scan && !sameWords(scan.s, x)) out.push({ e: SCAN, st: scan });
  }
  // Only a pass with nothing to read logs nothing (every entry it reads is this CK's and is logged).
  if (x[G.NLOG] - 1 <= reviveStart(x)) for (const r of reviveSteps(model, x, w)) out.push(r);
  for (let k = 0; k < x[G.NCK]; k++) {
    const c = ctx.L.ck(k);
    if (x[c + C.RETRY_PENDING] === 0) continue;
    const e: Event = { type: 'reviveComplete', queueId: x[c + C.QUEUE], startOffset: x[c + C.START], popTime: x[c + C.POP_TIME] };
    const st = step(model, x, e, w);
    if (st) out.push({ e, st });
  }
  // The callbacks of late asynchronous puts (appendCkAsync / appendAckAsync with putsCompleteLate):
  // their "put ... to store ok" lines are expected at the put (expectLines), so the callback
  // itself is a silent broker step; without it a wrapper waiting for ckStored never moves on.
  for (let k = 0; k < x[G.NCK]; k++) {
    const c = ctx.L.ck(k);
    const f = x[c + C.FLAGS];
    const key = { queueId: x[c + C.QUEUE], startOffset: x[c + C.START], popTime: x[c + C.POP_TIME] };
    for (const put of ['ck', 'ack'] as const) {
      if ((f & (put === 'ck' ? CF.CK_PUT_PENDING : CF.ACK_PUT_PENDING)) === 0) continue;
      const e: Event = { type: 'putComplete', put, ...key };
      const st = step(model, x, e, w);
      if (st) out.push({ e, st });
    }
  }
  const bp = nextBreakpoint(x, ctx);
  if (bp > now) {
    const e: Event = { type: 'tick', to: bp };
    const st = step(model, x, e, w);
    if (st) out.push({ e, st });
  }
  return out;
}

/** The `full` scenario's own test: a scan has something to do only with a wrapper in the buffer or an offset queue. */
function bufferBusy(x: State, model: PopModel): boolean {
  for (let k = 0; k < x[G.NCK]; k++) if ((x[model.ctx.L.ck(k) + C.FLAGS] & (CF.IN_BUFFER | CF.IN_OFFSET_QUEUE)) !== 0) return true;
  return false;
}

/** The `full` scenario's own test: a revive pass can change something only with an unread entry, or an in-memory offset behind the committed one. */
function reviveHasWork(x: State): boolean {
  return x[G.NLOG] - 1 > reviveStart(x) || x[G.REVIVE_MEM] < x[G.REVIVE_COMMIT];
}

const retries = (st: Stepped): boolean => st.lines.some((l) => l.kind === 'retryMsg');

/**
 * The revive passes that change something: on the CK's own traffic and on a busy queue; and,
 * when a pass would write retries, the same pass with its retry writes failing.
 */
function reviveSteps(model: PopModel, x: State, w: CkWorld): { e: Event; st: Stepped }[] {
  if (!reviveHasWork(x)) return [];
  const out: { e: Event; st: Stepped }[] = [];
  const quiet = step(model, x, REVIVE, w);
  const busy = step(model, x, REVIVE_BUSY, w);
  if (quiet && !sameWords(quiet.s, x)) out.push({ e: REVIVE, st: quiet });
  if (busy && !sameWords(busy.s, x) && !(quiet && sameWords(quiet.s, busy.s))) out.push({ e: REVIVE_BUSY, st: busy });
  if (quiet && retries(quiet)) {
    const f = step(model, x, REVIVE_FAILING, w);
    if (f) out.push({ e: REVIVE_FAILING, st: f });
  }
  if (busy && retries(busy) && !(quiet && retries(quiet) && sameWords(quiet.s, busy.s))) {
    const f = step(model, x, REVIVE_BUSY_FAILING, w);
    if (f) out.push({ e: REVIVE_BUSY_FAILING, st: f });
  }
  return out;
}

/** States searched by printsAhead; beyond it the CK is taken as having lines ahead. */
const AHEAD_STATES = 300;

/**
 * Can the broker, left alone (timer, scan, revive, the clock moving on), still print a line of
 * this CK from one of the candidates? Then a log that ends here stops before the CK's story does.
 */
function printsAhead(model: PopModel, from: readonly Candidate[], w: CkWorld): boolean {
  const queue: State[] = from.map((c) => c.s);
  const seen = new Set<number>(queue.map(hashWords));
  for (let budget = AHEAD_STATES; queue.length > 0; budget--) {
    if (budget <= 0) return true;
    const x = queue.shift()!;
    for (const e of model.enabledEvents(x)) {
      if (!BROKER_TYPES.has(e.type) && e.type !== 'tick') continue;
      const st = step(model, x, e, w);
      if (st === null) continue;
      if (st.lines.length > 0) return true;
      const h = hashWords(st.s);
      if (!seen.has(h)) {
        seen.add(h);
        queue.push(st.s);
      }
    }
  }
  return false;
}

/** A key for a state: a 53-bit hash of its words (FNV-1a, two lanes) plus its length; equal keys are checked word by word. */
function hashWords(s: Int32Array): number {
  let h1 = 0x811c9dc5 | 0;
  let h2 = 0x01000193 | 0;
  for (let i = 0; i < s.length; i++) {
    h1 = Math.imul(h1 ^ s[i], 0x01000193);
    h2 = Math.imul(h2 ^ s[i], 0x5bd1e995) ^ (h2 >>> 13);
  }
  return (h1 >>> 0) * 0x200000 + ((h2 >>> 0) & 0x1fffff);
}

/** The line's second, as the comparisons of the search need it, on the model's time grid (`g` ms; 1 when the CK's times are off the 500 ms grid). */
export interface Window {
  /** The earliest model time at which the line's step may be taken. */
  readonly lineFrom: number;
  /** A breakpoint after this leaves the whole second reachable without passing it. */
  readonly bpAfter: number;
  /** Where the clock jumps to reach the second when no breakpoint comes first. */
  readonly tickTo: number;
  /** The latest model time for the line's step (and for the search). */
  readonly last: number;
  /** A pending line may be stamped at most this late after its step's time... (earliest step time allowed). */
  readonly stepFrom: number;
}

const ceilTo = (x: number, g: number): number => Math.ceil(x / g) * g;
const floorTo = (x: number, g: number): number => Math.floor(x / g) * g;

export function windowOf(from: number, to: number, g: number): Window {
  return {
    lineFrom: ceilTo(from - STAMP_SLACK_MS, g),
    bpAfter: floorTo(from, g),
    tickTo: ceilTo(from, g),
    last: floorTo(to + GRAIN_MS + STAMP_SLACK_MS, g),
    stepFrom: ceilTo(from - CALLBACK_SLACK_MS, g),
  };
}

function withViolations(c: Candidate, broken: readonly string[], line: number | null): { violated: Map<string, number>; waiting: string[] } {
  const violated = new Map(c.violated);
  const waiting = [...c.waiting];
  for (const b of broken) {
    if (violated.has(b) || waiting.includes(b)) continue;
    if (line !== null) violated.set(b, 1);
    else waiting.push(b);
  }
  return { violated, waiting };
}

function pickEvidence(before: State, lines: readonly LineExpect[], model: PopModel, w: CkWorld): LineExpect | null {
  const c = model.ctx.L.ck(0);
  if (before[G.NCK] === 0) return null;
  for (const l of lines) {
    if (l.kind !== 'retryMsg') continue;
    const i = l.offset - w.offsetShift - before[c + C.START];
    if (i >= 0 && i < 32 && (before[c + C.ACKED] & (1 << i)) !== 0) return l;
  }
  return null;
}

/** The search's shared state for one line of one CK. */
interface Search {
  budget: number;
  cut: boolean;
}

/** The candidates that explain line r after candidate c. */
function advance(
  model: PopModel,
  w: CkWorld,
  c: Candidate,
  r: PopLogRecord,
  win: Window,
  silentAcks: readonly number[],
  miss: (score: number, text: string) => void,
  search: Search,
): Candidate[] {
  // Lines the last step printed come first.
  if (c.pending.length > 0) {
    const i = c.pending.findIndex((p) => lineMismatch(p, r) === null);
    const what = `the model's ${c.event?.type ?? 'step'} at ${sec(c.stepAt)}`;
    if (i < 0) {
      const near = c.pending.find((p) => p.kind === r.kind);
      miss(near ? 8 : 7, near ? `${what} prints this '${r.kind}' line with ${lineMismatch(near, r)}` : `${what} also prints ${c.pending.map((p) => `'${p.kind}'`).join(', ')}, which must come before this line`);
      return [];
    }
    if (c.stepAt > win.last || c.stepAt < win.stepFrom) {
      miss(6, `${what} prints this line, but the line is stamped too ${c.stepAt > win.last ? 'early' : 'late'} for it`);
      return [];
    }
    const pending = c.pending.filter((_, j) => j !== i);
    const isEvidence = c.evidence === c.pending[i] || pending.length === 0;
    if (isEvidence && c.waiting.length > 0) {
      const violated = new Map(c.violated);
      for (const b of c.waiting) violated.set(b, 1);
      return [{ ...c, pending, violated, waiting: [], evidence: null }];
    }
    return [{ ...c, pending }];
  }
  const out: Candidate[] = [];
  // Search the silent steps up to the line's second, then try the line's own step.
  const seen = new Map<number, Candidate[]>();
  const queue: Candidate[] = [c];
  const tryLine = (x: Candidate): void => {
    const now = x.s[G.NOW];
    const events = lineEvents(model, x.s, r, w);
    if (events.length === 0) miss(1, `no '${r.kind}' step is possible in this state`);
    const revives = events.some((e) => e.type === 'revive') ? reviveSteps(model, x.s, w) : [];
    if (events.some((e) => e.type === 'revive') && revives.length === 0) miss(5, `at ${sec(now)} a revive pass has nothing to read`);
    const tried: { e: Event; st: Stepped | null }[] = [...revives, ...events.filter((e) => e.type !== 'revive').map((e) => ({ e, st: null }))];
    for (const { e, st: pre } of tried) {
      if (pre === null) {
        const why = model.why(x.s, e);
        if (why !== null) {
          miss(5, `at ${sec(now)} the guard of ${e.type} refuses: ${why}`);
          continue;
        }
      }
      const st = pre ?? step(model, x.s, e, w);
      if (!st) continue;
      if (st.lines.length === 0) {
        miss(5, `${e.type} at ${sec(now)} prints nothing for this CK`);
        continue;
      }
      const evidence = pickEvidence(x.s, st.lines, model, w);
      for (let i = 0; i < st.lines.length; i++) {
        const why2 = lineMismatch(st.lines[i], r);
        if (why2 !== null) {
          miss(st.lines[i].kind === r.kind ? 6 : 5, st.lines[i].kind === r.kind ? `${e.type} at ${sec(now)} prints it with ${why2}` : `${e.type} at ${sec(now)} prints ${st.lines.map((l) => `'${l.kind}'`).join(', ')}, not '${r.kind}'`);
          continue;
        }
        const pending = st.lines.filter((_, j) => j !== i);
        const done = pending.length === 0 || evidence === st.lines[i];
        // Violations of the silent steps before it are shown by this line.
        const shown = x.waiting.length === 0 ? x : { ...x, violated: new Map([...x.violated, ...x.waiting.map((b) => [b, 1] as const)]), waiting: [] };
        const v = withViolations(shown, st.broken, done ? r.line : null);
        out.push({ s: st.s, pending, stepAt: st.s[G.NOW], evidence: done ? null : evidence, violated: v.violated, waiting: v.waiting, before: x.s, event: e });
        break;
      }
    }
  };
  while (queue.length > 0) {
    if (search.budget-- <= 0) {
      search.cut = true;
      break;
    }
    const x = queue.shift()!;
    const h = hashWords(x.s);
    const bucket = seen.get(h);
    if (bucket && bucket.some((y) => sameWords(y.s, x.s) && sameViolations(y, x))) continue;
    if (bucket) bucket.push(x);
    else seen.set(h, [x]);
    const now = x.s[G.NOW];
    const bp = nextBreakpoint(x.s, model.ctx);
    if (now <= win.last && (now >= win.lineFrom || bp < 0 || bp > win.bpAfter)) tryLine(x);
    if (now >= win.last) continue;
    const succ = brokerSteps(model, x.s, w).filter(({ e, st }) => st.lines.length === 0 && (e.type !== 'tick' || e.to <= win.last));
    // Time moves to the line's second when no breakpoint comes first.
    if (now < win.tickTo && (bp < 0 || bp > win.bpAfter)) {
      const e: Event = { type: 'tick', to: win.tickTo };
      const st = step(model, x.s, e, w);
      if (st) succ.push({ e, st });
    }
    if (x.s[G.NCK] > 0) {
      const ck = model.ctx.L.ck(0);
      for (const o of silentAcks) {
        const i = o - x.s[ck + C.START];
        if (i >= 0 && i < 32 && (x.s[ck + C.HELD] & (1 << i)) !== 0) {
          const e: Event = { type: 'ack', queueId: 0, startOffset: x.s[ck + C.START], popTime: x.s[ck + C.POP_TIME], offset: o };
          const st = step(model, x.s, e, w);
          if (st && st.lines.length === 0) succ.push({ e, st });
        }
      }
    }
    for (const { e, st } of succ) {
      const v = withViolations(x, st.broken, null);
      queue.push({ ...x, s: st.s, violated: v.violated, waiting: v.waiting, before: x.s, event: e });
    }
  }
  return out;
}

function sameViolations(a: Candidate, b: Candidate): boolean {
  if (a.violated.size !== b.violated.size || a.waiting.length !== b.waiting.length) return false;
  for (const k of a.violated.keys()) if (!b.violated.has(k)) return false;
  return a.waiting.every((x) => b.waiting.includes(x));
}

/** Validates in-memory pop.log lines (the pure core of `popcheck validate` on one file). */
export function validatePopLogLines(
  lines: Iterable<string>,
  v: ValidateSettings,
  opts: {
    /** How a line is read (default: pop.log text; parsePopLogJsonlLine for the JSON Lines form). */
    readonly parse?: (input: string | RawLine, lineNo: number) => PopLogLine;
    /** Leading lines that are not log lines (a JSON Lines header): counted, not read. */
    readonly skip?: number;
  } = {},
): ValidationResult & { counts: PopLogValidator['counts']; lineCounts: PopLogAccumulator['counts'] } {
  const validator = new PopLogValidator(v);
  const acc = new PopLogAccumulator();
  const feed = (entries: readonly PopLogEntry[]): void => {
    for (const e of entries) if (e.kind !== 'unknown' && e.kind !== 'malformed') validator.push(e);
  };
  let n = 0;
  for (const l of lines) {
    if (n++ < (opts.skip ?? 0)) acc.skip();
    else feed(opts.parse ? acc.push(l, opts.parse) : acc.push(l));
  }
  feed(acc.end());
  return { ...validator.finish(), counts: validator.counts, lineCounts: acc.counts };
}
