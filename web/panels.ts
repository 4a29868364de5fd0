/**
 * The state as a whiteboard: one panel per part of the broker and the client, drawn from
 * Session.panels(). Every element a test looks for carries a data-testid.
 */
import { fmtTime } from '../model/format.js';
import type { Broken, Panels } from '../model/session.js';
import { h, type Child } from './dom.js';

const STATE_TEXT: Record<string, string> = {
  available: 'available',
  inFlight: 'in flight',
  ackBuffered: 'ack in buffer',
  ackStored: 'ack stored',
  ackLost: 'ack lost',
  changed: 'invisible time changed',
  reviving: 'reviving',
  done: 'done',
  retried: 'retried',
  dropped: 'dropped',
  unexpected: 'unexpected',
};

function panel(id: string, title: string, hint: string, ...body: Child[]): HTMLElement {
  return h('section', { class: `panel panel-${id}`, 'data-testid': `panel-${id}` }, h('h2', {}, title, h('span', { class: 'hint' }, hint)), ...body);
}

const empty = (text: string): HTMLElement => h('p', { class: 'empty' }, text);

function bitRow(label: string, kind: string, bits: readonly boolean[], start: number, testid: string): HTMLElement {
  return h(
    'div',
    { class: 'bitrow' },
    h('span', { class: 'bitlabel' }, label),
    bits.map((b, i) =>
      h('span', { class: `bit ${kind} ${b ? 'on' : 'off'}`, 'data-testid': testid, 'data-offset': start + i, 'data-on': b ? '1' : '0', title: `${label}[${i}] (offset ${start + i}) = ${b ? 1 : 0}` }, String(start + i)),
    ),
  );
}

function flag(on: boolean, yes: string, no: string, testid: string): HTMLElement {
  return h('span', { class: `flag ${on ? 'yes' : 'no'}`, 'data-testid': testid, 'data-on': on ? '1' : '0' }, on ? yes : no);
}

function consumer(p: Panels): HTMLElement {
  return panel(
    'consumer',
    'Consumer',
    'receipt handles held, acks sent',
    h('div', { class: 'row' }, h('span', { class: 'rowlabel' }, 'holds'), p.consumer.held.length === 0 ? h('span', { class: 'muted' }, 'no handles') : p.consumer.held.flatMap((c) => c.offsets.map((o) => h('span', { class: 'chip held', 'data-testid': 'held-offset', title: c.ck }, String(o))))),
    h(
      'div',
      { class: 'row' },
      h('span', { class: 'rowlabel' }, 'acked'),
      p.consumer.acked.length === 0
        ? h('span', { class: 'muted' }, 'no acks sent')
        : p.consumer.acked.map((a) => h('span', { class: `chip acked ${a.inTime ? '' : 'late'}`, 'data-testid': 'acked-offset', title: a.inTime ? 'acked before the revive time T' : 'acked at or after T' }, `${a.offset}${a.inTime ? ' ✓' : ' (late)'}`)),
    ),
  );
}

function buffer(p: Panels): HTMLElement {
  return panel(
    'buffer',
    'Broker: CK buffer',
    'PopBufferMergeService',
    p.buffer.length === 0
      ? empty('no CK yet')
      : p.buffer.map((w) =>
          h(
            'div',
            { class: `wrapper ${w.inBuffer ? 'inbuffer' : 'gone'}`, 'data-testid': 'ck-wrapper' },
            h('div', { class: 'wraphead' }, h('b', {}, w.ck), h('span', { class: 'muted' }, ` ${w.num} msg(s), ${w.lifecycle}`)),
            bitRow('bits', 'bits', w.bits, w.startOffset, 'bit'),
            bitRow('toStoreBits', 'store', w.toStoreBits, w.startOffset, 'store-bit'),
            h(
              'div',
              { class: 'flags' },
              flag(w.inBuffer, 'in buffer', 'out of buffer', 'flag-in-buffer'),
              flag(w.ckStored, 'ckStored', 'CK not stored', 'flag-ck-stored'),
              flag(w.justOffset, 'justOffset', 'not justOffset', 'flag-just-offset'),
              flag(w.inOffsetQueue, 'in offset queue', 'not in offset queue', 'flag-offset-queue'),
            ),
          ),
        ),
  );
}

function queues(p: Panels): HTMLElement {
  const state = new Map(p.messages.map((m) => [`${m.queueId}:${m.offset}`, m.state]));
  return panel(
    'queues',
    'Queues',
    'offsets, consumer offset, offset queue',
    p.queues.map((q) => {
      const cells: Child[] = [];
      for (let o = q.minOffset; o <= q.maxOffset; o++) {
        if (o === q.consumerOffset) cells.push(h('span', { class: 'marker', 'data-testid': 'consumer-offset', title: `consumer offset ${q.consumerOffset} (persisted ${q.consumerOffsetPersisted})` }, '▼ consumer offset'));
        if (o < q.maxOffset) {
          const s = state.get(`${q.queueId}:${o}`) ?? 'available';
          cells.push(h('span', { class: `cell st-${s}`, 'data-testid': 'queue-offset', 'data-offset': o, 'data-state': s }, h('b', {}, String(o)), h('small', {}, STATE_TEXT[s] ?? s)));
        }
      }
      return h(
        'div',
        { class: 'queue' },
        h('div', { class: 'wraphead' }, h('b', {}, `queue ${q.queueId}`), h('span', { class: 'muted' }, ` consumer offset ${q.consumerOffset} (persisted ${q.consumerOffsetPersisted})`)),
        h('div', { class: 'cells' }, cells),
        h('div', { class: 'row' }, h('span', { class: 'rowlabel' }, 'offset queue'), q.offsetQueue.length === 0 ? h('span', { class: 'muted' }, 'empty') : q.offsetQueue.map((c) => h('span', { class: 'chip' }, c))),
      );
    }),
  );
}

const bnText = (b: string | null): Child => (b === null ? h('span', { class: 'nullbn', title: 'brokerName not set' }, 'bn=null') : h('span', { class: 'muted' }, `bn=${b}`));

function timer(p: Panels): HTMLElement {
  return panel(
    'timer',
    'Timer wheel',
    'TimerMessageStore',
    p.timer.length === 0 ? empty('empty') : h('ul', { class: 'list' }, p.timer.map((t) => h('li', { 'data-testid': 'timer-entry' }, h('b', {}, t.what), ' ', bnText(t.brokerName), h('span', { class: 'when' }, ` deliver ${fmtTime(t.deliverTimeMs)}`)))),
  );
}

function revive(p: Panels): HTMLElement {
  const r = p.reviveQueue;
  const marks = (o: number): Child => {
    const which = (
      [
        ['in memory', r.reviveOffset.inMemory],
        ['committed', r.reviveOffset.committed],
        ['persisted', r.reviveOffset.persisted],
      ] as const
    )
      .filter(([, v]) => v === o)
      .map(([k]) => k);
    return which.length === 0 ? null : h('span', { class: 'rmark', 'data-testid': 'revive-offset' }, `◀ revive offset (${which.join(', ')})`);
  };
  return panel(
    'revive',
    'Revive queue',
    'rmq_sys_REVIVE_LOG',
    h('p', { class: 'muted small' }, `revive offset: in memory ${r.reviveOffset.inMemory}, committed ${r.reviveOffset.committed}, persisted ${r.reviveOffset.persisted}`),
    r.entries.length === 0
      ? empty('empty')
      : h(
          'ol',
          { class: 'list revive' },
          r.entries.map((e) => h('li', { 'data-testid': 'revive-entry' }, h('span', { class: 'qoff' }, String(e.offset)), h('b', {}, e.what), ' ', bnText(e.brokerName), ' ', marks(e.offset))),
        ),
  );
}

function retry(p: Panels): HTMLElement {
  const m = p.retryTopic.messages;
  return panel(
    'retry',
    'Retry topic',
    p.retryTopic.name,
    m.length === 0
      ? empty('nothing retried')
      : h(
          'div',
          { class: 'cells' },
          m.map((x) =>
            h(
              'span',
              { class: `cell retry ${x.acked ? 'dup' : ''}`, 'data-testid': 'retry-offset', 'data-offset': x.offset, 'data-duplicate': x.acked ? '1' : '0', title: x.acked ? 'the client acked this offset: a duplicate delivery' : 'never acked: a proper retry' },
              h('b', {}, String(x.offset)),
              h('small', {}, x.acked ? 'DUPLICATE' : 'retry'),
              x.again ? h('small', {}, 'again') : null,
            ),
          ),
        ),
  );
}

function messages(p: Panels): HTMLElement {
  return panel(
    'messages',
    'Messages',
    'lifecycle of each popped offset',
    p.messages.length === 0
      ? empty('nothing popped')
      : h('div', { class: 'cells' }, p.messages.map((m) => h('span', { class: `cell st-${m.state}`, 'data-testid': 'message-state', 'data-offset': m.offset, 'data-state': m.state }, h('b', {}, String(m.offset)), h('small', {}, STATE_TEXT[m.state] ?? m.state)))),
  );
}

/** One line, always there (so the panels below never move): which invariants are broken. */
export function brokenBanner(list: readonly Broken[]): HTMLElement {
  return h(
    'div',
    { class: `banner ${list.length > 0 ? 'bad' : 'ok'}`, 'data-testid': 'broken-banner' },
    list.length === 0
      ? 'Invariants: all hold so far'
      : h('span', {}, h('b', {}, `BROKEN (${list.length}): `), list.map((b) => `${b.invariant} at step ${b.step}`).join(', '), h('a', { href: '#why-broken', class: 'jump', onclick: (e: Event) => jumpToWhy(e) }, ' why ↓')),
  );
}

function jumpToWhy(e: Event): void {
  e.preventDefault();
  document.getElementById('why-broken')?.scrollIntoView({ behavior: 'smooth', block: 'start' });
}

/** Each broken invariant with the model's explanation. */
export function brokenPanel(list: readonly Broken[]): HTMLElement | null {
  if (list.length === 0) return null;
  return h(
    'section',
    { class: 'panel broken bad', id: 'why-broken', 'data-testid': 'panel-broken' },
    h('h2', {}, `Broken invariants (${list.length})`, h('span', { class: 'hint' }, 'and why, in RocketMQ terms')),
    list.map((b) =>
      h(
        'div',
        { class: 'inv', 'data-testid': 'broken-invariant', 'data-invariant': b.invariant },
        h('div', {}, h('b', {}, b.invariant), h('span', { class: 'muted' }, ` at step ${b.step}: ${b.description}`)),
        b.why.map((w) => h('p', { class: 'why' }, w)),
      ),
    ),
  );
}

/** The whiteboard: every panel of the state. */
export function whiteboard(p: Panels): HTMLElement[] {
  return [consumer(p), buffer(p), queues(p), timer(p), revive(p), retry(p), messages(p)];
}
