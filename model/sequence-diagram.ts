/**
 * A run as a Mermaid sequence diagram: who sent what to whom, drawn only from the steps'
 * typed observations (model/observations.ts), never from their prose. Pure: text in, text out.
 *
 * What each observation kind becomes is one table, OBSERVATION_DIAGRAM: arrows for messages
 * between RocketMQ's classes, topics and the client, notes for the moments that decide a run
 * (a CK leaving the buffer, an AckMsg without brokerName, an ACK the revive drops, a retry of
 * an acked offset, an offset commit), nothing for the clock (each step's header note shows it).
 *
 * Text is kept to what GitHub's Mermaid renders: participant ids are alphanumeric with `as`
 * aliases, and `;`, `#`, `{`, `}`, `<`, `>` never reach a line (they become `#NN;` entity codes).
 */
import { fmtTime } from './format.js';
import { TIMESTAMP_OFFSET } from './layout.js';
import { REVIVE_TOPIC, RETRY_TOPIC } from './names.js';
import type { NarratedStep } from './narrate.js';
import { eventLabel } from './narrate.js';
import type { AckMsgRef, BatchAckMsgRef, CkRef, Observation, ObservationKind, ObservationOf, ReviveMsg } from './observations.js';

/** The participants, left to right: id, then the label shown. */
export const PARTICIPANTS = [
  ['C', 'Consumer'],
  ['POP', 'PopMessageProcessor'],
  ['ACK', 'AckMessageProcessor'],
  ['BUF', 'PopBufferMergeService (CK buffer)'],
  ['TIMER', 'TimerMessageStore'],
  ['RQ', `revive topic (${REVIVE_TOPIC})`],
  ['REV', 'PopReviveService'],
  ['RT', `retry topic (${RETRY_TOPIC})`],
] as const;
/** A participant's id. */
export type ParticipantId = (typeof PARTICIPANTS)[number][0];
type Id = ParticipantId;

/** The shading of a step (or a pop.log line) with a decisive moment. */
export const HIGHLIGHT = 'rect rgb(255, 228, 228)';

/**
 * What each observation kind draws: `arrow` (a message, maybe with a note), `note` (a note
 * only) or `none` (nothing: the step's header already says it, or it has no diagram meaning).
 */
export const OBSERVATION_DIAGRAM: { readonly [K in ObservationKind]: 'arrow' | 'note' | 'none' } = {
  tick: 'none', // the clock: every step's header note gives its time
  produce: 'note',
  expire: 'note',
  correctMinOffset: 'note',
  offsetTooSmall: 'arrow',
  popInitialOffsetNull: 'arrow',
  addCkMock: 'arrow',
  storeReadable: 'note',
  pop: 'arrow',
  addCk: 'arrow',
  addCkJustOffset: 'arrow',
  mergeKeyConflict: 'arrow',
  bufferPutReplaces: 'note',
  offsetIllegal: 'arrow',
  supersededHandle: 'note',
  addAkChecked: 'arrow',
  addAk: 'arrow',
  markBit: 'note',
  ackToStore: 'arrow',
  changeInvisible: 'arrow',
  putCkToStore: 'arrow',
  putAckToStore: 'arrow',
  putBatchAckToStore: 'arrow',
  putCallback: 'note',
  scanStop: 'note',
  servingAgain: 'note',
  ckDone: 'note',
  scanFlush: 'note',
  ckFinish: 'note',
  commitOffset: 'note',
  scanGarbage: 'note',
  timerDeliver: 'arrow',
  reviveStart: 'arrow',
  findCk: 'arrow',
  findAck: 'arrow',
  mockCkForAck: 'arrow',
  ackDropped: 'arrow',
  mockReplacesCk: 'note',
  ckNotDue: 'note',
  backPressure: 'note',
  mockCk: 'note',
  reviveAbort: 'note',
  reviveFinish: 'note',
  reviveDispatch: 'note',
  ckAllAcked: 'note',
  bizMsgNotFound: 'note',
  skipCkFromLastEpoch: 'note',
  retryMsg: 'arrow',
  rePutCk: 'arrow',
  bizReadFailed: 'note',
  inflightStayTooLong: 'note',
  reviveCompleteCommit: 'note',
  persist: 'note',
  crash: 'note',
  changeToSlave: 'note',
  changeToMaster: 'note',
};

const ENTITY: Readonly<Record<string, string>> = { ';': '#59;', '#': '#35;', '{': '#123;', '}': '#125;', '<': '#lt;', '>': '#gt;' };

/** Text safe on a Mermaid line: the characters Mermaid parses as syntax become entity codes. */
export function mermaidText(s: string): string {
  return s.replace(/[;#{}<>]/g, (c) => ENTITY[c]).replace(/\s+/g, ' ').trim();
}

const bn = (b: string | null): string => b ?? 'null';
const list = (xs: readonly number[]): string => `[${xs.join(',')}]`;

/** What one run draws with: the lines so far and what the client has acked (for the retry notes). */
interface Pen {
  readonly lines: string[];
  /** `queueId:offset` -> when the client's ack was accepted. */
  readonly acked: Map<string, number>;
  /** Whether the run has CKs of more than one queue (then CKs are named with their queue). */
  readonly queues: boolean;
  /** The step has a moment worth highlighting. */
  key: boolean;
}

function ckName(pen: Pen, ck: Pick<CkRef, 'queueId' | 'startOffset'>): string {
  const so = ck.startOffset === TIMESTAMP_OFFSET ? 'timestamp' : String(ck.startOffset);
  return pen.queues ? `CK q${ck.queueId}@${so}` : `CK@${so}`;
}

function ackMsgs(acks: readonly AckMsgRef[]): string {
  const names = [...new Set(acks.map((a) => bn(a.brokerName)))];
  return `AckMsg ao=${acks.map((a) => a.ackOffset).join(',')} brokerName=${names.join('/')}`;
}

const batchAckMsg = (a: BatchAckMsgRef): string => `BatchAckMsg ao=${list(a.ackOffsetList)} brokerName=${bn(a.brokerName)}`;

function entryText(pen: Pen, e: ReviveMsg): string {
  if (e.type === 'ck') return `${ckName(pen, e.ck)} brokerName=${bn(e.brokerName)}`;
  return e.type === 'ack' ? ackMsgs(e.acks) : batchAckMsg(e.ack);
}

function arrow(pen: Pen, from: Id, to: Id, text: string, reply = false): void {
  pen.lines.push(`  ${from}${reply ? '-->>' : '->>'}${to}: ${mermaidText(text)}`);
}

function note(pen: Pen, over: Id | `${Id},${Id}`, text: string): void {
  pen.lines.push(`  Note over ${over}: ${mermaidText(text)}`);
}

/** A write to the revive topic: through the timer, or straight to the revive queue. */
function write(pen: Pen, from: Id, o: { deliverTimeMs: number; direct: boolean; queueOffset: number | null }, what: string): void {
  if (o.direct) arrow(pen, from, 'RQ', `${what}, at revive queue offset ${o.queueOffset}`);
  else arrow(pen, from, 'TIMER', `${what}, deliver ${fmtTime(o.deliverTimeMs)}`);
}

function acked(pen: Pen, queueId: number, offset: number, at: number): void {
  if (!pen.acked.has(`${queueId}:${offset}`)) pen.acked.set(`${queueId}:${offset}`, at);
}

function clientAck(pen: Pen, o: { via: 'ack' | 'ackOrigin'; ack: AckMsgRef; at: number }): void {
  if (o.via === 'ack') arrow(pen, 'C', 'ACK', `ack offset ${o.ack.ackOffset}`);
}

function withoutBrokerName(pen: Pen, over: Id | `${Id},${Id}`, what: string, ck: CkRef): void {
  pen.key = true;
  note(pen, over, `${what} written without brokerName (brokerName=null), the CK says ${bn(ck.brokerName)}`);
}

const FLUSH_WHY: Readonly<Record<ObservationOf<'scanFlush'>['reason'], (limitMs: number) => string>> = {
  notServing: () => 'not serving',
  almostTimeout: (ms) => `T less than ${ms / 1000}s away`,
  stayTooLong: (ms) => `in the buffer over ${ms / 1000}s`,
};

type Draw<K extends ObservationKind> = (pen: Pen, o: ObservationOf<K>) => void;

const DRAW: { readonly [K in ObservationKind]: Draw<K> } = {
  tick: () => {},
  produce: (p, o) => note(p, 'POP', `a producer appends offset ${o.offset} to queue ${o.queueId}`),
  expire: (p, o) => note(p, 'POP', `retention deletes offset ${o.offset} of queue ${o.queueId}${o.minOffsetLags ? ' (min offset not corrected yet)' : ''}`),
  correctMinOffset: (p, o) => note(p, 'POP', `min offset of queue ${o.queueId} corrected to ${o.to}`),
  popInitialOffsetNull: (p, o) => {
    p.key = true;
    arrow(p, 'C', 'POP', `pop queue ${o.queueId}`);
    arrow(p, 'POP', 'C', `getMessage null at ${o.offset}: consumer offset ${o.from} -> 0 committed, no message`, true);
  },
  addCkMock: (p, o) => {
    arrow(p, 'C', 'POP', `pop queue ${o.queueId}`);
    arrow(p, 'POP', 'BUF', `MESSAGE_WAS_REMOVING at ${o.startOffset}: addCkMock, nextBeginOffset ${o.nextBeginOffset}`);
  },
  storeReadable: (p, o) => note(p, 'POP,REV', o.readable ? 'the store answers getMessage again' : 'the store answers getMessage with null'),
  offsetTooSmall: (p, o) => {
    arrow(p, 'C', 'POP', `pop queue ${o.queueId}`);
    arrow(p, 'POP', 'C', `OFFSET_TOO_SMALL at ${o.offset}, consumer offset set to ${o.minOffset}`, true);
  },
  pop: (p, o) => {
    const { ck } = o;
    arrow(p, 'C', 'POP', `pop queue ${ck.queueId}`);
    arrow(p, 'POP', 'C', `${ck.num} msg(s), offsets ${ck.startOffset}..${ck.startOffset + ck.num - 1}, popTime ${fmtTime(ck.popTime)}, T ${fmtTime(ck.reviveTime)}`, true);
  },
  addCk: (p, o) => arrow(p, 'POP', 'BUF', `addCk ${ckName(p, o.ck)} brokerName=${bn(o.ck.brokerName)}: kept in the buffer`),
  addCkJustOffset: (p, o) => {
    arrow(p, 'POP', 'BUF', `addCkJustOffset ${ckName(p, o.ck)} (${o.why})`);
    arrow(p, 'BUF', 'TIMER', `${ckName(p, o.ck)}, deliver ${fmtTime(o.deliverTimeMs)}`);
  },
  mergeKeyConflict: (p, o) => {
    arrow(p, 'POP', 'BUF', `addCkJustOffset ${ckName(p, o.ck)}`);
    arrow(p, 'BUF', 'POP', `mergeKey conflict with ${ckName(p, o.conflictsWith)}: refused`, true);
    arrow(p, 'POP', 'C', 'no message', true);
  },
  bufferPutReplaces: (p, o) => {
    p.key = true;
    note(p, 'BUF', `${ckName(p, o.ck)} takes the buffer key of ${ckName(p, o.replaced)}${o.replacedStored ? '' : ', whose CK and acks are never stored'}`);
  },
  offsetIllegal: (p, o) => {
    arrow(p, 'C', 'ACK', `${o.request} offset ${o.offset}`);
    arrow(p, 'ACK', 'C', `NO_MESSAGE: below min offset ${o.minOffset}`, true);
  },
  supersededHandle: (p, o) => {
    p.key = true;
    note(
      p,
      'C',
      `${o.request} offset ${o.offset} with the handle of ${ckName(p, o.handle)} popTime ${fmtTime(o.handle.popTime)}, replaced by changeInvisibleTime with ${ckName(p, o.newest)} popTime ${fmtTime(o.newest.popTime)}: the broker cannot tell`,
    );
  },
  addAkChecked: (p, o) => {
    arrow(p, 'C', 'ACK', `ack offset ${o.ack.ackOffset}`);
    arrow(p, 'ACK', 'BUF', `addAk offset ${o.ack.ackOffset}: checks pass, bit not marked yet`);
  },
  addAk: (p, o) => {
    clientAck(p, o);
    if (o.via === 'ack') acked(p, o.ack.queueId, o.ack.ackOffset, o.at);
    arrow(p, 'ACK', 'BUF', `${o.via === 'ack' ? 'addAk' : 'ackOrigin'} offset ${o.ack.ackOffset}: bits ${list(o.bits)}`);
  },
  markBit: (p, o) => {
    if (o.inBuffer) acked(p, o.ck.queueId, o.offset, -1);
    else p.key = true;
    note(p, 'BUF', o.inBuffer ? `offset ${o.offset} marked, bits ${list(o.bits)}` : `offset ${o.offset} marked on a removed wrapper: bit lost, client told SUCCESS`);
  },
  ackToStore: (p, o) => {
    clientAck(p, o);
    if (o.via === 'ack') acked(p, o.ack.queueId, o.ack.ackOffset, o.at);
    const what = `AckMsg ao=${o.ack.ackOffset} brokerName=${bn(o.ack.brokerName)} (addAk refused: ${o.refusal})`;
    if (o.ok) write(p, 'ACK', o, what);
    else {
      p.key = true;
      note(p, 'ACK', `${what}: put FAILED, the client is told SUCCESS anyway`);
    }
    if (o.ok && o.ack.brokerName === null) {
      p.key = true;
      note(p, 'ACK', 'AckMsg written without brokerName (brokerName=null)');
    }
  },
  changeInvisible: (p, o) => {
    arrow(p, 'C', 'ACK', `changeInvisibleTime offset ${o.offset}`);
    arrow(p, 'ACK', 'TIMER', `new ${ckName(p, o.ck)} T ${fmtTime(o.ck.reviveTime)}, deliver ${fmtTime(o.deliverTimeMs)}`);
  },
  putCkToStore: (p, o) => write(p, 'BUF', o, `${ckName(p, o.ck)} brokerName=${bn(o.ck.brokerName)} bitMap=0`),
  putAckToStore: (p, o) => {
    write(p, 'BUF', o, ackMsgs(o.acks));
    if (o.brokerNameOmitted) withoutBrokerName(p, 'BUF,TIMER', `AckMsg ao=${o.acks.map((a) => a.ackOffset).join(',')}`, o.ck);
  },
  putBatchAckToStore: (p, o) => {
    write(p, 'BUF', o, batchAckMsg(o.ack));
    if (o.brokerNameOmitted) withoutBrokerName(p, 'BUF,TIMER', `BatchAckMsg ao=${list(o.ack.ackOffsetList)}`, o.ck);
  },
  putCallback: (p, o) =>
    note(
      p,
      'BUF',
      o.put === 'ck'
        ? `put callback: ${ckName(p, o.ck)} ckStored=true`
        : o.listCleared
          ? `batch ack put callback: the shared index list is empty, toStoreBits of ${ckName(p, o.ck)} unchanged`
          : `ack put callback: toStoreBits of ${ckName(p, o.ck)} += ${list(o.marked)}`,
    ),
  scanStop: (p) => note(p, 'BUF', 'scan too slow: serving=false'),
  servingAgain: (p) => note(p, 'BUF', 'buffer empty: serving=true again'),
  ckDone: (p, o) => note(p, 'BUF', o.stored ? `${ckName(p, o.ck)} done, removed (already stored)` : `${ckName(p, o.ck)} fully acked in memory (bits ${list(o.bits)}): removed, never stored`),
  scanFlush: (p, o) => note(p, 'BUF', `${ckName(p, o.ck)} leaves the buffer (${FLUSH_WHY[o.reason](o.limitMs ?? 0)}), bits ${list(o.bits)}`),
  ckFinish: (p, o) => note(p, 'BUF', `ck finish: ${ckName(p, o.ck)} removed from the buffer`),
  commitOffset: (p, o) => note(p, 'BUF', `consumer offset of queue ${o.queueId} committed ${o.from} to ${o.to}`),
  scanGarbage: (p, o) => note(p, 'BUF', `scanGarbage removes the offset queue of queue ${o.queueId}`),
  timerDeliver: (p, o) => arrow(p, 'TIMER', 'RQ', `${entryText(p, o.entry)} to revive queue offset ${o.reviveQueueOffset}${o.delayLevel ? ' (delay level)' : ''}`),
  reviveStart: (p, o) => arrow(p, 'REV', 'RQ', `read revive queue ${o.oldOffset + 1}..${o.tailOffset}`),
  findCk: (p, o) => arrow(p, 'RQ', 'REV', `offset ${o.offset}: ${ckName(p, o.ck)} brokerName=${bn(o.brokerName)}`, true),
  findAck: (p, o) => arrow(p, 'RQ', 'REV', `offset ${o.offset}: ${entryText(p, o.entry)}, matches ${ckName(p, o.ck)}, bitMap ${list(o.bitMap)}`, true),
  mockCkForAck: (p, o) => {
    arrow(p, 'RQ', 'REV', `offset ${o.offset}: ${entryText(p, o.entry)}`, true);
    note(p, 'REV', `no CK for ${o.waitMs / 1000}s: a mock CK takes its place`);
  },
  ackDropped: (p, o) => {
    p.key = true;
    arrow(p, 'RQ', 'REV', `offset ${o.offset}: ${entryText(p, o.entry)}`, true);
    note(p, 'REV', `ACK dropped: no CK under its key${o.keyBrokerName === undefined ? '' : ` (brokerName part ${bn(o.keyBrokerName)})`}`);
  },
  mockReplacesCk: (p, o) => note(p, 'REV', `the mock CK of offset ${o.offset} replaces ${ckName(p, o.ck)}`),
  ckNotDue: (p, o) => note(p, 'REV', `CK at offset ${o.offset} not due yet: the pass stops`),
  backPressure: (p) => note(p, 'REV', 'too many retries in flight: the pass waits'),
  mockCk: (p, o) => note(p, 'REV', `mock CK at offset ${o.offset}: nothing to retry`),
  reviveAbort: (p) => {
    p.key = true;
    note(p, 'REV', 'retry write failed, no rePutCK: the pass aborts');
  },
  reviveFinish: (p, o) => note(p, 'REV', o.newOffset > o.oldOffset ? `revive offset committed ${o.oldOffset} to ${o.newOffset}` : `revive offset stays ${o.oldOffset}`),
  reviveDispatch: (p, o) => note(p, 'REV', `${ckName(p, o.ck)} due: retries of ${list(o.offsets)} dispatched`),
  ckAllAcked: (p, o) => note(p, 'REV', `${ckName(p, o.ck)} due: every offset acked`),
  bizMsgNotFound: (p, o) => {
    p.key = true;
    note(p, 'REV', `offset ${o.offset}: message not found (${o.why}), not retried`);
  },
  skipCkFromLastEpoch: (p, o) => {
    p.key = true;
    note(p, 'REV', `offset ${o.offset}: stored after popTime, skipped (not retried)`);
  },
  retryMsg: (p, o) => {
    arrow(p, 'REV', 'RT', o.readOffset === o.offset ? `offset ${o.offset}` : `offset ${o.readOffset} (for unacked offset ${o.offset})`);
    const at = p.acked.get(`${o.ck.queueId}:${o.offset}`);
    if (at !== undefined || o.readOffset !== o.offset) p.key = true;
    const dup = at === undefined ? '' : `: a duplicate of an acked message (acked${at >= 0 ? ` at ${fmtTime(at)}` : ''})`;
    note(p, 'RT', `offset ${o.offset} retried${o.readOffset === o.offset ? '' : `, but the message of offset ${o.readOffset} was written`}${dup}`);
  },
  rePutCk: (p, o) => arrow(p, 'REV', 'TIMER', `re-put ${ckName(p, o.newCk)} (${o.why}, rePutTimes ${o.rePutTimes})`),
  bizReadFailed: (p, o) => note(p, 'REV', `read of ${o.offset} for ${ckName(p, o.ck)} fails${o.rePut ? ': re-put' : ': callback aborts, entry stranded'}`),
  inflightStayTooLong: (p, o) => note(p, 'REV', `${ckName(p, o.ck)} stayed too long in flight: removed from the map`),
  reviveCompleteCommit: (p, o) => note(p, 'REV', `retries of ${ckName(p, o.ck)} complete: revive offset committed to ${o.to}`),
  persist: (p, o) => note(p, 'BUF,REV', `offsets persisted (revive offset ${o.reviveOffset})`),
  crash: (p, o) => {
    p.key = true;
    note(p, 'POP,REV', `broker crash and restart: ${o.lostCks} buffered CK(s) lost, revive offset back to ${o.reviveOffset}`);
  },
  changeToSlave: (p, o) => {
    p.key = true;
    note(p, 'POP,REV', `role change to slave: buffer cleared (${o.lostCks} CK(s) never stored)`);
  },
  changeToMaster: (p, o) => note(p, 'POP,REV', `role change to master: the revive reads from offset ${o.nextReadOffset}`),
};

/** Draws one observation (exported for tests: every kind, by OBSERVATION_DIAGRAM). */
export function drawObservation(o: Observation, lines: string[] = []): string[] {
  const pen: Pen = { lines, acked: new Map(), queues: false, key: false };
  (DRAW[o.kind] as Draw<ObservationKind>)(pen, o);
  return lines;
}

function ckOf(o: Observation): CkRef | null {
  return 'ck' in o && o.ck !== undefined ? o.ck : null;
}

/** The first lines of a diagram: the header, the title (if any) and the participants, left to right. */
export function diagramHead(title?: string, labels: Partial<Record<ParticipantId, string>> = {}): string[] {
  const head = ['sequenceDiagram'];
  if (title !== undefined) head.push(`  title ${mermaidText(title)}`);
  for (const [id, label] of PARTICIPANTS) head.push(`  participant ${id} as ${mermaidText(labels[id] ?? label)}`);
  return head;
}

/** The run `steps` as a Mermaid sequenceDiagram (no fences). */
export function sequenceDiagram(steps: readonly NarratedStep[], opts: { title?: string } = {}): string {
  const queues = new Set(steps.flatMap((s) => s.observations.map((o) => ckOf(o)?.queueId ?? null).filter((q) => q !== null)));
  const pen: Pen = { lines: [], acked: new Map(), queues: queues.size > 1, key: false };
  const head = diagramHead(opts.title);
  const body: string[] = [];
  for (const step of steps) {
    pen.lines.length = 0;
    pen.key = false;
    note(pen, 'C,RT', `${step.index}. ${fmtTime(step.time)} ${eventLabel(step.event)}`);
    for (const o of step.observations) (DRAW[o.kind] as Draw<ObservationKind>)(pen, o);
    if (pen.key) body.push(`  ${HIGHLIGHT}`, ...pen.lines.map((l) => `  ${l}`), '  end');
    else body.push(...pen.lines);
  }
  return [...head, ...body].join('\n') + '\n';
}
