/**
 * The whiteboard panels of a session (model/session.ts's `Panels`) as a few compact lines of
 * text, one per panel, for a terminal: what `popcheck explain` prints after each step and
 * what the REPL's `show(s)` prints. Pure.
 *
 *   consumer  holds CK@100 q0: 101 | acked 100 (in time)
 *   buffer    CK@100 q0  bits [x .]  toStore [. .]  in the buffer, in the offset queue (buffered)
 *   queue 0   offsets 100..101 | consumer offset 100 (persisted 100) | offset queue [CK@100 q0]
 *   timer     CK@100 q0 @59.0s | AckMsg 100 of CK@100 bn=null @60.0s
 *   revive    #0 CK@100 q0 bn=broker-a | revive offset -1 (committed -1, persisted -1)
 *   retry     %RETRY%GID_POP_TopicTest: 100 (DUPLICATE: acked)
 *   messages  100 retried, 101 done
 */
import { fmtTime } from './format.js';
import type { Panels } from './session.js';

/** One panel's line: `section` is stable from step to step, so that a change can be found by comparing text. */
export interface PanelLine {
  readonly section: string;
  readonly text: string;
}

const flags = (bits: readonly boolean[]): string => `[${bits.map((b) => (b ? 'x' : '.')).join(' ')}]`;
const bn = (b: string | null): string => `bn=${b ?? 'null'}`;

function bufferLine(w: Panels['buffer'][number]): string {
  const where: string[] = [];
  if (w.inBuffer) where.push('in the buffer');
  else where.push(w.ckStored ? 'out of the buffer, CK stored' : 'out of the buffer');
  if (w.inOffsetQueue) where.push(w.justOffset ? 'in the offset queue (just offset)' : 'in the offset queue');
  if (w.inBuffer && w.ckStored) where.push('CK stored');
  return `${w.ck}  bits ${flags(w.bits)}  toStore ${flags(w.toStoreBits)}  ${where.join(', ')} (${w.lifecycle})`;
}

function queueLine(q: Panels['queues'][number]): string {
  const offsets = q.maxOffset > q.minOffset ? `offsets ${q.minOffset}..${q.maxOffset - 1}` : `no messages (min offset ${q.minOffset})`;
  const persisted = q.consumerOffsetPersisted === q.consumerOffset ? '' : ` (persisted ${q.consumerOffsetPersisted})`;
  return `${offsets} | consumer offset ${q.consumerOffset}${persisted} | offset queue [${q.offsetQueue.join(', ')}]`;
}

/** The panels as lines; a panel with nothing in it says so, except the broker's, shown only when it is not a serving master of epoch 0. */
export function panelLines(p: Panels): PanelLine[] {
  const out: PanelLine[] = [];
  const b = p.broker;
  if (b.role !== 'master' || !b.serving || b.epoch !== 0) {
    out.push({ section: 'broker', text: `${b.role}${b.serving ? ', serving' : ', NOT serving'}, epoch ${b.epoch}` });
  }
  const held = p.consumer.held.map((h) => `${h.ck}: ${h.offsets.join(' ')}`);
  const acked = p.consumer.acked.map((a) => `${a.offset}${a.inTime ? '' : ' (late)'}`);
  out.push({
    section: 'consumer',
    text: `${held.length > 0 ? `holds ${held.join('; ')}` : 'holds nothing'} | ${acked.length > 0 ? `acked ${acked.join(', ')}` : 'acked nothing'}`,
  });
  if (p.buffer.length === 0) out.push({ section: 'buffer', text: 'empty' });
  p.buffer.forEach((w, i) => out.push({ section: i === 0 ? 'buffer' : `buffer ${i}`, text: bufferLine(w) }));
  for (const q of p.queues) out.push({ section: `queue ${q.queueId}`, text: queueLine(q) });
  out.push({
    section: 'timer',
    text: p.timer.length === 0 ? 'empty' : p.timer.map((x) => `${x.what}${x.what.startsWith('CK') ? '' : ` ${bn(x.brokerName)}`} @${fmtTime(x.deliverTimeMs)}`).join(' | '),
  });
  const r = p.reviveQueue;
  const entries = r.entries.map((x) => `#${x.offset} ${x.what} ${bn(x.brokerName)}`);
  const ro = r.reviveOffset;
  out.push({
    section: 'revive',
    text: `${entries.length > 0 ? `${entries.join(' | ')} | ` : 'empty | '}revive offset ${ro.inMemory} (committed ${ro.committed}, persisted ${ro.persisted})`,
  });
  const retried = p.retryTopic.messages.map((m) => `${m.offset}${m.acked ? ' (DUPLICATE: acked)' : ''}${m.again ? ' (again)' : ''}`);
  out.push({ section: 'retry', text: `${p.retryTopic.name}: ${retried.length > 0 ? retried.join(', ') : 'nothing'}` });
  if (p.messages.length > 0) out.push({ section: 'messages', text: p.messages.map((m) => `${m.offset} ${m.state}`).join(', ') });
  return out;
}

/** The sections whose line differs from `before`'s (a section that appeared or disappeared counts). */
export function changedSections(before: readonly PanelLine[], after: readonly PanelLine[]): string[] {
  const old = new Map(before.map((l) => [l.section, l.text]));
  return after.filter((l) => old.get(l.section) !== l.text).map((l) => l.section);
}

/** Greedy word wrap to `width` columns; every line after the first starts with `indent`. A word longer than a line is left whole. */
export function wrap(text: string, width: number, first = '', indent = first.replace(/./g, ' ')): string[] {
  const words = text.split(' ');
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const w of words) {
    if (!empty && line.length + 1 + w.length > width) {
      lines.push(line);
      line = indent + w;
    } else {
      line += (empty ? '' : ' ') + w;
    }
    empty = false;
  }
  lines.push(line);
  return lines;
}

/** The panels as text lines of at most `width` columns (a label column, then the wrapped line). */
export function panelText(p: Panels, width = 100): string[] {
  return panelLines(p).flatMap((l) => wrap(l.text, width, `  ${l.section.padEnd(10)}`));
}
