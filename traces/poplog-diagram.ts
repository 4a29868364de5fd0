/**
 * One CK of a pop.log as a Mermaid sequence diagram: what the broker wrote, line by line, between
 * the participants of the model's diagram (model/sequence-diagram.ts: the Consumer,
 * PopMessageProcessor, AckMessageProcessor, the CK buffer, TimerMessageStore, the revive topic,
 * PopReviveService, the retry topic), each arrow or note labelled with its file line number
 * (`L4`), its wall-clock stamp (GMT+8, as the log prints it) and the line's own facts: offsets,
 * brokerName, revive-queue and store offsets.
 *
 * The validator's findings become notes at their lines, shaded: the lines that show a catalogue
 * entry's pattern (`CkResult.evidence`, e.g. a flushed AckMsg with brokerName=null), an ACK the
 * revive cannot match to its CK (its brokerName is not the CK's and one of its offsets is
 * retried later), a retry of an offset the client acked, every invariant at the line where it
 * became certain, a divergence or a cut search with the validator's reason.
 *
 * What each CK line kind draws is one table, CK_LINE_DIAGRAM, typed over every kind the
 * validator routes to a CK (traces/poplog-expect.ts's CkLineKind). Pure: records in, text out.
 * The records are the CK's lines parsed again (`ckLineRecords`) by whoever holds the file: the
 * validator keeps no lines of a checked CK, so its memory is unchanged.
 */
import { diagramHead, HIGHLIGHT, mermaidText, type ParticipantId } from '../model/sequence-diagram.js';
import { entriesSignedBy, EVIDENCE_TEXT } from './catalogue-match.js';
import { CK_LINE_KINDS, type CkLineKind } from './poplog-expect.js';
import { parsePopLogJsonlLine } from './poplog-jsonl.js';
import { parsePopLogLine, type PopLogRecord, type PopLogRecordOf } from './poplog.js';
import type { CkResult } from './validate.js';

/** What a line kind draws: `arrow` (a message, maybe with notes), `note` (a note only) or `none`. */
export type LineShape = 'arrow' | 'note' | 'none';

/** Every line kind of a CK, and what it draws. */
export const CK_LINE_DIAGRAM: { readonly [K in CkLineKind]: LineShape } = {
  addCk: 'arrow', // the pop puts the CK into the buffer
  addCkJustOffset: 'arrow', // the pop stored the CK; the buffer keeps its offset only
  addCkTimeout: 'arrow', // the buffer refuses the CK: T too near
  mergeKeyConflict: 'arrow', // the buffer refuses the CK: another holds its merge key
  addAck: 'arrow', // the client's ack, merged in the buffer
  addAckFail: 'arrow', // the client's ack, refused by the buffer: the store path
  putCkToStoreOk: 'arrow', // the CK written to the revive topic (through the timer)
  putAckToStoreOk: 'arrow', // a buffered ack written as an AckMsg
  putBatchAckToStoreOk: 'arrow', // buffered acks written as one BatchAckMsg
  ckDone: 'note', // the wrapper removed
  ckFinish: 'note', // the CK leaves the buffer after its flush
  commitOffset: 'note', // the consumer offset moves
  findCk: 'arrow', // the revive reads the CK
  findAck: 'arrow', // the revive reads an AckMsg
  findBatchAck: 'arrow', // the revive reads a BatchAckMsg
  retryMsg: 'arrow', // the revive writes an offset to the retry topic
  reviveBizMsgMissing: 'note', // the revive cannot read the message of an offset
  changeInvisibleCk: 'arrow', // changeInvisibleTime: a new CK
};

/** The CK's lines, parsed again from the file's text (`lineAt(n)`: line n, 1-based), in line order; lines that are not CK lines any more are left out. */
export function ckLineRecords(result: Pick<CkResult, 'lines'>, lineAt: (n: number) => string | undefined, format: 'poplog' | 'poplog-jsonl'): PopLogRecord[] {
  const out: PopLogRecord[] = [];
  for (const n of [...result.lines].sort((a, b) => a - b)) {
    const text = lineAt(n);
    if (text === undefined) continue;
    const r = format === 'poplog' ? parsePopLogLine(text, n) : parsePopLogJsonlLine(text, n);
    if ((CK_LINE_KINDS as ReadonlySet<string>).has(r.kind)) out.push(r as PopLogRecord);
  }
  return out;
}

const GMT8_MS = 8 * 3600_000;

/** Epoch ms as the log's wall clock in GMT+8: HH:MM:SS, with .mmm when the line gives milliseconds. */
export function wallClock(ms: number): string {
  const iso = new Date(ms + GMT8_MS).toISOString();
  return ms % 1000 === 0 ? iso.slice(11, 19) : iso.slice(11, 23);
}

type CkLine = PopLogRecordOf<CkLineKind>;

/** What one diagram is drawn with. */
interface Pen {
  readonly result: CkResult;
  /** Lines of the current record's block. */
  readonly lines: string[];
  /** The record's block has a decisive moment (shaded). */
  key: boolean;
  /** The participant the record's last arrow or note is at (where the validator's notes go). */
  at: ParticipantId;
  /** The record's evidence was told by its own note. */
  evidenceTold: boolean;
  /** offset -> line of the client's first ack of it (add ack, add ack fail). */
  readonly acked: Map<number, number>;
  /** offset -> first line that retries it. */
  readonly retried: ReadonlyMap<number, number>;
  /** line -> evidence patterns. */
  readonly evidence: ReadonlyMap<number, readonly string[]>;
}

const bn = (b: string | null | undefined): string => b ?? 'null';

function ckName(so: number): string {
  return `CK@${so}`;
}

/** The offsets of a CkWrap bit mask of a CK that starts at `so`. */
function bitOffsets(mask: number, so: number, num: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < Math.min(num, 32); i++) if (Math.floor(mask / 2 ** i) % 2 === 1) out.push(so + i);
  return out;
}

const list = (xs: readonly number[]): string => `[${xs.join(',')}]`;

function ackOffsets(a: { type?: 'ack' | 'batchAck'; ackOffset?: number; ackOffsetList?: readonly number[] }): number[] {
  return a.ackOffsetList !== undefined ? [...a.ackOffsetList] : a.ackOffset !== undefined ? [a.ackOffset] : [];
}

function ackText(a: { ackOffset?: number; ackOffsetList?: readonly number[]; brokerName: string | null }, batch: boolean): string {
  return batch ? `BatchAckMsg ao=${list(ackOffsets(a))} brokerName=${bn(a.brokerName)}` : `AckMsg ao=${ackOffsets(a).join(',')} brokerName=${bn(a.brokerName)}`;
}

/** `L4 10:15:13`: the line number and its stamp. */
function stamp(r: CkLine): string {
  return `L${r.line} ${wallClock(r.time.from)}`;
}

function arrow(p: Pen, from: ParticipantId, to: ParticipantId, text: string, reply = false): void {
  p.lines.push(`  ${from}${reply ? '-->>' : '->>'}${to}: ${mermaidText(text)}`);
  p.at = to;
}

function note(p: Pen, over: ParticipantId | `${ParticipantId},${ParticipantId}`, text: string): void {
  p.lines.push(`  Note over ${over}: ${mermaidText(text)}`);
  p.at = over.split(',')[0] as ParticipantId;
}

function logicsOffset(r: { result?: { appendMessageResult: { logicsOffset: number } | null } }): string {
  const lo = r.result?.appendMessageResult?.logicsOffset;
  return lo === undefined ? '' : `, logicsOffset ${lo}`;
}

function clientAck(p: Pen, offsets: readonly number[], line: number): void {
  for (const o of offsets) if (!p.acked.has(o)) p.acked.set(o, line);
}

/** A flushed AckMsg or BatchAckMsg: the put, and a note when it carries another brokerName than the CK. */
function putAck(p: Pen, r: PopLogRecordOf<'putAckToStoreOk' | 'putBatchAckToStoreOk'>, batch: boolean): void {
  const what = ackText(r.ack, batch);
  arrow(p, 'BUF', 'TIMER', `${stamp(r)} put ${batch ? 'batch ack' : 'ack'} to store ok: ${what}${logicsOffset(r)}`);
  const ckBroker = r.ckWrap.ck.brokerName;
  if ((r.ack.brokerName ?? null) === (ckBroker ?? null)) return;
  p.key = true;
  const ev = p.evidence.get(r.line) ?? [];
  const signed = ev.flatMap(entriesSignedBy);
  p.evidenceTold = ev.length > 0;
  const name = `${batch ? 'BatchAckMsg' : 'AckMsg'} ao=${ackOffsets(r.ack).join(',')}`;
  const without = r.ack.brokerName === null ? `written without brokerName (brokerName=null)` : `written with brokerName=${r.ack.brokerName}`;
  note(p, 'BUF,TIMER', `L${r.line}: ${name} ${without}, the CK says ${bn(ckBroker)}${signed.length > 0 ? `: the pattern of ${signed.map((id) => `#${id}`).join(', ')}` : ''}`);
}

/** A revive-topic ACK read by the revive: the arrow, and a note when its key cannot be the CK's (another brokerName) and one of its offsets is retried after it. */
function findAck(p: Pen, r: PopLogRecordOf<'findAck' | 'findBatchAck'>, batch: boolean): void {
  arrow(p, 'RQ', 'REV', `${stamp(r)} find ${batch ? 'batch ack' : 'ack'} at revive queue offset ${r.offset}: ${ackText(r.ack, batch)}`, true);
  const ckBroker = p.result.ck.brokerName;
  const ackBroker = r.ack.brokerName ?? null;
  if (ackBroker === ckBroker) return;
  const later = ackOffsets(r.ack)
    .map((o) => [o, p.retried.get(o)] as const)
    .filter((x): x is readonly [number, number] => x[1] !== undefined && x[1] > r.line);
  if (later.length === 0) return;
  p.key = true;
  note(p, 'REV', `L${r.line}: ACK not matched: its revive key ends +${bn(ackBroker)}, the CK's +${bn(ckBroker)}, and ${later.map(([o, l]) => `offset ${o} is retried at L${l}`).join(', ')}`);
}

const ADD_ACK_FAIL: Readonly<Record<PopLogRecordOf<'addAckFail'>['reason'], string>> = {
  noCk: 'no CK in the buffer',
  almostTimeout: 'T almost due',
  stayTooLong: 'the CK stayed in the buffer too long',
};

type Draw<K extends CkLineKind> = (p: Pen, r: PopLogRecordOf<K>) => void;

const DRAW: { readonly [K in CkLineKind]: Draw<K> } = {
  addCk: (p, r) => {
    const ck = r.ckWrap.ck;
    arrow(p, 'POP', 'BUF', `${stamp(r)} add ck: ${ckName(ck.startOffset)} num=${ck.num} (offsets ${ck.startOffset}..${ck.startOffset + ck.num - 1}) brokerName=${bn(ck.brokerName)}, revive queue ${r.ckWrap.rq}: kept in the buffer`);
  },
  addCkJustOffset: (p, r) => {
    const ck = r.ckWrap.ck;
    arrow(p, 'POP', 'BUF', `${stamp(r)} add ck just offset: ${ckName(ck.startOffset)} num=${ck.num} brokerName=${bn(ck.brokerName)} stored at pop (rqo ${r.ckWrap.rqo}), the buffer keeps its offset only`);
  },
  addCkTimeout: (p, r) => {
    arrow(p, 'BUF', 'POP', `${stamp(r)} add ck, timeout: ${ckName(r.ck.startOffset)} refused (T too near), the pop stores it`, true);
  },
  mergeKeyConflict: (p, r) => {
    p.key = true;
    arrow(p, 'BUF', 'POP', `${stamp(r)} mergeKey conflict (${r.on}): ${ckName(r.ckWrap.ck.startOffset)} refused, another CK holds key ${r.mergeKey}`, true);
  },
  addAck: (p, r) => {
    const offsets = ackOffsets(r.ack);
    clientAck(p, offsets, r.line);
    const ck = r.ckWrap.ck;
    arrow(p, 'C', 'ACK', `${stamp(r)} ack offset ${offsets.join(',')}`);
    arrow(p, 'ACK', 'BUF', `add ack: ${ackText(r.ack, r.ack.type === 'batchAck')} merged, buffered acks ${list(bitOffsets(r.ckWrap.bits, ck.startOffset, ck.num))}`);
  },
  addAckFail: (p, r) => {
    const offsets = ackOffsets(r.ack);
    clientAck(p, offsets, r.line);
    arrow(p, 'C', 'ACK', `${stamp(r)} ack offset ${offsets.join(',')}`);
    arrow(p, 'ACK', 'BUF', `add ack fail (${ADD_ACK_FAIL[r.reason]}): ${ackText(r.ack, r.ack.type === 'batchAck')} goes to the store path (not logged)`);
  },
  putCkToStoreOk: (p, r) => {
    const ck = r.ckWrap.ck;
    arrow(p, 'BUF', 'TIMER', `${stamp(r)} put ck to store ok: ${ckName(ck.startOffset)} brokerName=${bn(ck.brokerName)}${logicsOffset(r)} (rqo ${r.ckWrap.rqo})`);
  },
  putAckToStoreOk: (p, r) => putAck(p, r, false),
  putBatchAckToStoreOk: (p, r) => putAck(p, r, true),
  ckDone: (p, r) => {
    const ck = r.ckWrap.ck;
    note(p, 'BUF', `${stamp(r)} ck done: ${ckName(ck.startOffset)} removed from the buffer, acked ${list(bitOffsets(r.ckWrap.bits, ck.startOffset, ck.num))}`);
  },
  ckFinish: (p, r) => {
    const w = r.ckWrap;
    note(p, 'BUF', `${stamp(r)} ck finish: ${ckName(w.ck.startOffset)} leaves the buffer, acked ${list(bitOffsets(w.bits, w.ck.startOffset, w.ck.num))}, stored ${list(bitOffsets(w.sBits, w.ck.startOffset, w.ck.num))}`);
  },
  commitOffset: (p, r) => note(p, 'BUF', `${stamp(r)} commit offset: consumer offset ${r.previous} to ${r.ckWrap.nbo}`),
  findCk: (p, r) => {
    const ck = r.ck;
    arrow(p, 'RQ', 'REV', `${stamp(r)} find ck at revive queue offset ${r.offset}: ${ckName(ck.startOffset)} brokerName=${bn(ck.brokerName)}, popTime ${wallClock(ck.popTime)}, invisible ${ck.invisibleTime / 1000}s`, true);
  },
  findAck: (p, r) => findAck(p, r, false),
  findBatchAck: (p, r) => findAck(p, r, true),
  retryMsg: (p, r) => {
    arrow(p, 'REV', 'RT', `${stamp(r)} retry msg: offset ${r.offset} (reviveDelay ${r.reviveDelay}s)${logicsOffset(r)}`);
    const acked = p.acked.get(r.offset);
    if (acked === undefined) return;
    p.key = true;
    note(p, 'RT', `L${r.line}: offset ${r.offset} retried: a duplicate of an acked message (the client's ack at L${acked})`);
  },
  reviveBizMsgMissing: (p, r) => {
    p.key = true;
    note(p, 'REV', `${stamp(r)} offset ${r.offset}: business message not found (${r.info}), retry ${r.retry}`);
  },
  changeInvisibleCk: (p, r) => {
    arrow(p, 'C', 'ACK', `${stamp(r)} changeInvisibleTime of ${ckName(r.startOffset)}`);
    arrow(p, 'ACK', 'TIMER', `new ${ckName(r.startOffset)} T ${wallClock(r.reviveTime)}, revive queue ${r.reviveQid}${logicsOffset(r)}`);
  },
};

function newPen(result: CkResult, records: readonly CkLine[]): Pen {
  const retried = new Map<number, number>();
  for (const r of records) if (r.kind === 'retryMsg' && !retried.has(r.offset)) retried.set(r.offset, r.line);
  const evidence = new Map<number, string[]>();
  for (const e of result.evidence) evidence.set(e.line, [...(evidence.get(e.line) ?? []), e.what]);
  return { result, lines: [], key: false, at: 'C', evidenceTold: false, acked: new Map(), retried, evidence };
}

/** Draws one record (exported for tests: every kind, by CK_LINE_DIAGRAM). */
export function drawLine(result: CkResult, r: CkLine): string[] {
  const p = newPen(result, [r]);
  (DRAW[r.kind] as Draw<CkLineKind>)(p, r);
  return p.lines;
}

/** Explanations up to this long are drawn with their invariant. */
const SHORT_EXPLANATION = 240;

/** The validator's notes at line `n`: evidence not told yet, invariants certain here, a divergence or a cut search. */
function findingNotes(p: Pen, n: number): void {
  const res = p.result;
  if (!p.evidenceTold) {
    for (const what of p.evidence.get(n) ?? []) {
      p.key = true;
      const signed = entriesSignedBy(what);
      note(p, p.at, `L${n}: ${EVIDENCE_TEXT[what] ?? what}${signed.length > 0 ? `: the pattern of ${signed.map((id) => `#${id}`).join(', ')}` : ''}`);
    }
  }
  const here = res.violations.filter((v) => v.line === n);
  if (here.length > 0) {
    p.key = true;
    const offsets = [...new Set(here.flatMap((v) => v.offsets))].sort((a, b) => a - b);
    const names = here.map((v) => v.invariant).join(', ');
    const headline = res.verdict === 'violated' && res.line === n ? 'VIOLATED ' : '';
    // A short explanation (ack-key-agreement's keys) is said too; a long one is the report's.
    const short = here.map((v) => v.explanation[0]).filter((x) => x !== undefined && x.length <= SHORT_EXPLANATION);
    note(p, p.at, `L${n}: ${headline}${names} broken, certain from this line${offsets.length > 0 ? `, offsets ${offsets.join(', ')}` : ''}${short.length > 0 ? `: ${short.join(' ')}` : ''}`);
  }
  if (res.line === n && (res.verdict === 'diverges' || res.verdict === 'incomplete')) {
    p.key = true;
    const what =
      res.verdict === 'diverges'
        ? `DIVERGES: no model step explains this line (${res.candidatesBefore} candidate state(s) before it): ${res.reason ?? ''}${res.stoppedAt === n ? '. The check stopped here' : ''}`
        : `INCOMPLETE: the search was cut here: ${res.reason ?? ''}`;
    note(p, 'C,RT', `L${n}: ${what}`);
  }
}

/** The title of a CK's diagram. */
export function popLogDiagramTitle(result: CkResult, release: string): string {
  const c = result.ck;
  const at = result.line === null ? '' : ` at line ${result.line}`;
  return `pop.log CK ${c.topic}@${c.group}@${c.queueId} startOffset ${c.startOffset} on RocketMQ ${release}: ${result.verdict}${result.invariant ? ` ${result.invariant}` : ''}${at}`;
}

/**
 * The CK `result` as a Mermaid sequenceDiagram (no fences) of its pop.log lines `records`
 * (ckLineRecords). `release` names the RocketMQ release the log was read as.
 */
export function popLogDiagram(result: CkResult, records: readonly PopLogRecord[], release: string): string {
  const ckLines = records.filter((r): r is CkLine => CK_LINE_KINDS.has(r.kind)).sort((a, b) => a.line - b.line);
  const p = newPen(result, ckLines);
  const c = result.ck;
  const body: string[] = [];
  const times = [
    c.popTime !== null ? `popped ${wallClock(c.popTime)}` : null,
    c.reviveTime !== null ? `T (reviveTime) ${wallClock(c.reviveTime)}` : null,
  ].filter((x) => x !== null);
  note(p, 'C,RT', `CK ${c.topic}@${c.group}@${c.queueId} startOffset ${c.startOffset}${c.num !== null ? ` num ${c.num}` : ''} brokerName=${bn(c.brokerName)}${times.length > 0 ? `: ${times.join(', ')}` : ''} (GMT+8, stamps to the second as the log prints them)`);
  body.push(...p.lines);
  for (const r of ckLines) {
    p.lines.length = 0;
    p.key = false;
    p.evidenceTold = false;
    (DRAW[r.kind] as Draw<CkLineKind>)(p, r);
    findingNotes(p, r.line);
    if (p.key) body.push(`  ${HIGHLIGHT}`, ...p.lines.map((l) => `  ${l}`), '  end');
    else body.push(...p.lines);
  }
  // A finding at a line that was not re-read (the file changed since): still said, at the end.
  const drawn = new Set(ckLines.map((r) => r.line));
  const missing = [...new Set([...result.violations.map((v) => v.line), ...(result.line !== null ? [result.line] : [])])].filter((n) => !drawn.has(n)).sort((a, b) => a - b);
  for (const n of missing) {
    p.lines.length = 0;
    p.at = 'C';
    findingNotes(p, n);
    body.push(...p.lines);
  }
  // The log's own names: its retry topic is %RETRY%{group}_{topic} (KeyBuilder.buildPopRetryTopicV1, KeyBuilder.java:40 at 5.3.1; with enableRetryTopicV2 the separator is '+'); the revive topic's name is not in pop.log.
  const labels = { RQ: 'revive topic', RT: `retry topic (%RETRY%${result.ck.group}_${result.ck.topic})` };
  return [...diagramHead(popLogDiagramTitle(result, release), labels), ...body].join('\n') + '\n';
}
