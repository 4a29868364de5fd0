/**
 * A narrated walkthrough of a session (model/session.ts): one section per step with a
 * headline, what RocketMQ's classes did (the typed observations, rendered by
 * model/render.ts and grouped by class) and the panels after it with what changed marked;
 * an intro and an ending (which invariant broke at which step and why, or that nothing
 * broke), and optionally a coda: the same steps on another configuration and where it first
 * does something else. `popcheck explain` prints it; `--json` prints the data. Pure: styling
 * (bold, colour) is a parameter, the terminal decides.
 */
import type { Event } from './events.js';
import { fmtTime } from './format.js';
import type { ModelIdentity } from './identity.js';
import type { NarratedStep } from './narrate.js';
import type { Observation } from './observations.js';
import { changedSections, panelLines, wrap, type PanelLine } from './panel-text.js';
import type { Note } from './protocol/context.js';
import { renderObservation } from './render.js';
import { offerLabel, Session, type Broken, type Divergence, type Panels } from './session.js';

export interface WalkStep extends NarratedStep {
  /** One line saying what the step was, in RocketMQ's terms. */
  readonly headline: string;
  /** The panels after the step. */
  readonly panels: Panels;
  /** The panel sections (model/panel-text.ts) whose line this step changed. */
  readonly changed: readonly string[];
}

/** The same steps on another configuration. */
export interface Coda {
  /** What the other configuration is, e.g. "5.3.2 (the fixing release)". */
  readonly label: string;
  readonly identity: ModelIdentity;
  /** The first step that did something else there, or null (the steps did the same). */
  readonly divergence: Divergence | null;
  /** The headline of the diverging step. */
  readonly divergedHeadline: string | null;
  /** Steps the other configuration took (fewer when it refused one). */
  readonly steps: number;
  readonly broken: readonly Broken[];
  /** Retry-topic offsets at the end, here and there. */
  readonly retriedHere: readonly number[];
  readonly retriedThere: readonly number[];
}

export interface Walkthrough {
  readonly title: string;
  /** Paragraphs. */
  readonly intro: readonly string[];
  readonly model: ModelIdentity;
  readonly initial: Panels;
  readonly steps: readonly WalkStep[];
  /** Invariants broken, in the order the walkthrough reports them: the one to tell first, then the others by step. */
  readonly broken: readonly Broken[];
  /** A step the model refused (the walk stops before it), e.g. a trace event the protocol does not allow. */
  readonly refused: { readonly step: number; readonly why: string; readonly where: string | null } | null;
  /** Whether nothing is left to happen at the end. */
  readonly quiescent: boolean;
  readonly coda: Coda | null;
}

/** A headline for a step, from what it did. */
export function stepHeadline(e: Event, obs: readonly Observation[]): string {
  const of = <K extends Observation['kind']>(k: K): Extract<Observation, { kind: K }>[] => obs.filter((o): o is Extract<Observation, { kind: K }> => o.kind === k);
  switch (e.type) {
    case 'pop': {
      const p = of('pop')[0];
      if (of('mergeKeyConflict').length > 0) return `a pop of queue ${e.queueId} meets a merge-key conflict and returns nothing`;
      if (of('popInitialOffsetNull').length > 0) return `a pop of queue ${e.queueId} reads null from the store and commits consumer offset 0`;
      const mock = of('addCkMock')[0];
      if (mock) return `a pop of queue ${e.queueId} finds only deleted messages: a mock wrapper (nextBeginOffset ${mock.nextBeginOffset}) joins the offset queue`;
      if (!p) return `a pop of queue ${e.queueId} finds nothing to return`;
      const where = of('addCk').length > 0 ? 'the CK stays in the buffer' : of('addCkJustOffset').length > 0 ? 'the CK goes straight to the revive topic' : 'the CK is stored';
      return `the client pops ${p.ck.num} message(s) from queue ${p.ck.queueId} (CK@${p.ck.startOffset}); ${where}`;
    }
    case 'ack': {
      if (of('offsetIllegal').length > 0) return `the client acks ${e.offset}: the offset is gone (NO_MESSAGE)`;
      if (of('addAk').length > 0) return `the client acks ${e.offset}; the buffer merges it into CK@${e.startOffset}`;
      if (of('addAkChecked').length > 0) return `the client acks ${e.offset}; addAk's checks pass, the bit not yet marked`;
      const s = of('ackToStore')[0];
      if (s) return `the client acks ${e.offset}; addAk refuses, ${s.ok ? `the AckMsg (bn=${s.ack.brokerName ?? 'null'}) goes to the revive topic` : 'and the AckMsg put FAILS'}`;
      return `the client acks ${e.offset}`;
    }
    case 'ackMark':
      return `the buffer marks the ack of ${e.offset}`;
    case 'scan': {
      const flushed = of('scanFlush').map((o) => `CK@${o.ck.startOffset}`);
      const done = of('ckDone').filter((o) => !o.stored).map((o) => `CK@${o.ck.startOffset}`);
      const parts: string[] = [];
      if (flushed.length > 0) parts.push(`flushes ${flushed.join(', ')}`);
      if (done.length > 0) parts.push(`finds ${done.join(', ')} fully acked`);
      if (of('scanStop').length > 0) parts.push('runs too long: serving = false');
      return `the buffer scan ${parts.length > 0 ? parts.join(' and ') : 'has nothing to flush'}`;
    }
    case 'timer': {
      const what = of('timerDeliver').map((o) => (o.entry.type === 'ck' ? `CK@${o.entry.ck.startOffset}` : o.entry.type === 'ack' ? `AckMsg ${o.entry.acks.map((a) => a.ackOffset).join(',')}` : `BatchAckMsg ${o.entry.ack.ackOffsetList.join(',')}`));
      return `the timer delivers ${what.length > 0 ? what.join(' and ') : 'nothing'} to the revive queue`;
    }
    case 'revive': {
      const parts: string[] = [];
      const dropped = of('ackDropped').map((o) => fmtEntryOffsets(o.entry));
      if (dropped.length > 0) parts.push(`drops the ACK of ${dropped.join(', ')}`);
      const retried = of('retryMsg').map((o) => o.readOffset);
      if (retried.length > 0) parts.push(`retries ${retried.join(', ')}`);
      const allAcked = of('ckAllAcked').map((o) => `CK@${o.ck.startOffset}`);
      if (allAcked.length > 0) parts.push(`finds ${allAcked.join(', ')} fully acked`);
      if (of('ckNotDue').length > 0) parts.push('stops at a CK not yet due');
      if (of('reviveAbort').length > 0) parts.push('aborts (the retry write failed)');
      return `the revive pass ${parts.length > 0 ? parts.join(' and ') : 'reads the revive queue'}`;
    }
    case 'tick':
      return `time passes to ${fmtTime(e.to)}`;
    case 'crash':
      return 'the broker crashes and restarts';
    case 'roleChange':
      return `the broker becomes ${e.role}`;
    case 'persist':
      return 'the broker persists its offsets';
    case 'storeReadable':
      return e.readable ? 'the store answers reads again' : 'the store stops answering reads (getMessage returns null)';
    case 'correctMinOffset':
      return `the consume queue of queue ${e.queueId} corrects its min offset`;
    default:
      return offerLabel(e);
  }
}

function fmtEntryOffsets(e: Extract<Observation, { kind: 'ackDropped' }>['entry']): string {
  return e.type === 'ack' ? e.acks.map((a) => a.ackOffset).join(',') : e.ack.ackOffsetList.join(',');
}

/** The steps of `session` with headlines and the panels after each. */
export function walkSteps(session: Session): { initial: Panels; steps: WalkStep[] } {
  const replay = Session.start(session.identity);
  const initial = replay.panels();
  let before: PanelLine[] = panelLines(initial);
  const steps: WalkStep[] = [];
  for (const s of session.steps) {
    const why = replay.play(s.event);
    if (why !== null) throw new Error(`walkSteps: step ${s.index} replays differently: ${why}`);
    const panels = replay.panels();
    const lines = panelLines(panels);
    steps.push({ ...s, headline: stepHeadline(s.event, s.observations), panels, changed: changedSections(before, lines) });
    before = lines;
  }
  return { initial, steps };
}

/** Broken invariants with `first` (if broken) first, then the rest in the model's priority order. */
export function orderBroken(broken: readonly Broken[], priority: readonly string[], first: string | null): Broken[] {
  const rank = (b: Broken): number => (b.invariant === first ? -1 : priority.indexOf(b.invariant));
  return [...broken].sort((a, b) => rank(a) - rank(b));
}

const retriedOffsets = (p: Panels): number[] => p.retryTopic.messages.map((m) => m.offset);

/** The coda: `session`'s steps on `identity`. */
export function coda(session: Session, identity: ModelIdentity, label: string): Coda {
  const { session: there, divergence } = session.switchTo(identity);
  const d = divergence?.step;
  const step = d === undefined ? undefined : session.steps[d - 1];
  return {
    label,
    identity,
    divergence,
    divergedHeadline: step ? stepHeadline(step.event, step.observations) : null,
    steps: there.steps.length,
    broken: orderBroken(there.broken(), there.model.invariants.map((i) => i.name), null),
    retriedHere: retriedOffsets(session.panels()),
    retriedThere: retriedOffsets(there.panels()),
  };
}

export interface WalkthroughInput {
  readonly title: string;
  readonly intro: readonly string[];
  readonly session: Session;
  /** The invariant to tell first when several broke (e.g. a catalogue entry's). */
  readonly focus?: string | null;
  readonly refused?: Walkthrough['refused'];
  readonly coda?: { readonly identity: ModelIdentity; readonly label: string } | null;
}

export function walkthrough(input: WalkthroughInput): Walkthrough {
  const { session } = input;
  const { initial, steps } = walkSteps(session);
  const priority = session.model.invariants.map((i) => i.name);
  return {
    title: input.title,
    intro: input.intro,
    model: session.identity,
    initial,
    steps,
    broken: orderBroken(session.broken(), priority, input.focus ?? null),
    refused: input.refused ?? null,
    quiescent: session.quiescent,
    coda: input.coda ? coda(session, input.coda.identity, input.coda.label) : null,
  };
}

/** Text styling: identity for plain text; the terminal passes ANSI. */
export interface Style {
  readonly bold: (s: string) => string;
  readonly dim: (s: string) => string;
  /** A changed panel line, a violation. */
  readonly mark: (s: string) => string;
}

export const PLAIN: Style = { bold: (s) => s, dim: (s) => s, mark: (s) => s };

const timeText = (ms: number): string => fmtTime(ms).replace(/s$/, ' s');

/** Notes grouped by class: a class's name, then its lines, for each run of notes by the same class. */
function groupedNotes(notes: readonly Note[], width: number, style: Style): string[] {
  const out: string[] = [];
  let actor: string | null = null;
  for (const n of notes) {
    if (n.actor !== actor) {
      actor = n.actor;
      out.push(`  ${style.bold(n.actor)}`);
    }
    out.push(...wrap(n.text, width, '    - ', '      '));
  }
  return out;
}

function panelBlock(panels: Panels, changed: ReadonlySet<string>, width: number, style: Style): string[] {
  const out: string[] = [];
  for (const l of panelLines(panels)) {
    const hot = changed.has(l.section);
    const lines = wrap(l.text, width, `${hot ? '* ' : '  '}${l.section.padEnd(10)}`, ' '.repeat(12));
    out.push(...(hot ? lines.map(style.mark) : lines.map(style.dim)));
  }
  return out;
}

function brokenText(b: Broken, steps: readonly WalkStep[], width: number, style: Style): string[] {
  const h = steps[b.step - 1]?.headline;
  const out = wrap(`${b.invariant} broke at step ${b.step}${h ? ` (${h})` : ''}: ${b.description}.`, width);
  out[0] = style.mark(b.invariant) + out[0].slice(b.invariant.length);
  for (const w of b.why) out.push(...wrap(w, width, '  - ', '    '));
  return out;
}

function observationDiff(before: readonly Observation[], after: readonly Observation[], width: number): string[] {
  const out: string[] = [];
  const n = Math.max(before.length, after.length);
  for (let i = 0; i < n; i++) {
    const a = before[i];
    const b = after[i];
    if (a !== undefined && b !== undefined && JSON.stringify(a) === JSON.stringify(b)) continue;
    const line = (sign: string, o: Observation) => {
      const note = renderObservation(o);
      return wrap(`${note.actor}: ${note.text}`, width, `    ${sign} `, '      ');
    };
    if (a !== undefined) out.push(...line('-', a));
    if (b !== undefined) out.push(...line('+', b));
  }
  return out;
}

function codaText(w: Walkthrough, c: Coda, width: number, style: Style): string[] {
  const out: string[] = [style.bold(`The same ${w.steps.length} steps on ${c.label}`), ''];
  const here = w.model.rocketmq;
  const there = c.identity.rocketmq === here ? c.label : c.identity.rocketmq;
  const d = c.divergence;
  if (d === null) {
    out.push(...wrap(`Every step does exactly the same on ${there}.`, width));
  } else if (d.refused !== null) {
    out.push(...wrap(`Step ${d.step} (${c.divergedHeadline}) is refused there: ${d.refused}. The walk on ${there} stops after step ${c.steps}.`, width));
  } else {
    out.push(...wrap(`The runs part at step ${d.step} (${c.divergedHeadline}): there it does this instead (- on ${here}, + on ${there}):`, width));
    out.push(...observationDiff(d.before, d.after, width));
  }
  out.push('');
  const list = (o: readonly number[]) => (o.length > 0 ? `offset(s) ${o.join(', ')}` : 'nothing');
  out.push(...wrap(`At the end the retry topic holds ${list(c.retriedThere)} on ${there} (${list(c.retriedHere)} on ${here}).`, width));
  const gone = c.retriedHere.filter((o) => !c.retriedThere.includes(o));
  if (gone.length > 0 && w.broken.length > 0) out.push(...wrap(`The retry of ${gone.join(', ')} is gone.`, width));
  if (c.broken.length === 0) out.push(...wrap(`Nothing breaks on ${there}.`, width));
  else {
    out.push('', `On ${there} these steps break:`);
    for (const b of c.broken) out.push(...brokenText(b, [], width, style));
  }
  return out;
}

/** The title and the intro paragraphs (all there is to say when there is nothing to walk). */
export function renderIntro(w: Walkthrough, style: Style = PLAIN, width = 100): string {
  const out: string[] = [style.bold(w.title)];
  for (const p of w.intro) out.push('', ...wrap(p, width));
  return out.join('\n');
}

/** The walkthrough as text of at most `width` columns. */
export function renderWalkthrough(w: Walkthrough, style: Style = PLAIN, width = 100): string {
  const out: string[] = [renderIntro(w, style, width), ''];
  out.push(style.bold('Before the first step'));
  out.push(...panelBlock(w.initial, new Set(), width, style), '');
  for (const s of w.steps) {
    out.push(...wrap(`Step ${s.index} — ${timeText(s.time)} — ${s.headline}`, width, '', '    ').map(style.bold));
    out.push(...groupedNotes(s.notes, width, style));
    out.push(...panelBlock(s.panels, new Set(s.changed), width, style), '');
  }
  if (w.refused) {
    out.push(...wrap(`${w.refused.where ? `${w.refused.where}: ` : ''}step ${w.refused.step} is refused by the model: ${w.refused.why}. The walk stops here.`, width), '');
  }
  out.push(style.bold('What broke'));
  if (w.broken.length === 0) {
    out.push(...wrap(`Nothing broke: no invariant is violated in ${w.steps.length === 1 ? 'this step' : `these ${w.steps.length} steps`}${w.quiescent ? ', and nothing is left to happen' : ''}.`, width));
  } else {
    const [first, ...rest] = w.broken;
    out.push(...brokenText(first, w.steps, width, style));
    if (rest.length > 0) {
      out.push('', 'Also broken:');
      for (const b of rest) out.push(...brokenText(b, w.steps, width, style));
    }
  }
  if (w.coda) out.push('', ...codaText(w, w.coda, width, style));
  return out.join('\n');
}
