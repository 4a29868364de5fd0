/**
 * The browser explorer: a Session (model/session.ts) drawn as panels, its offers as buttons,
 * its steps as a timeline; loading a catalogue counterexample, a scenario or a file; the same
 * steps on another release; "check from here" in a Web Worker. The location hash carries
 * the session (encodeSpec), so a link reopens it.
 */
import './zod-config.js';
import { CK_CATALOGUE as CATALOGUE, entryName, fixedInText } from '../model/catalogue.js';
import type { Event } from '../model/events.js';
import { fmtTime } from '../model/format.js';
import type { Observation } from '../model/observations.js';
import { renderObservation } from '../model/render.js';
import { SCENARIOS } from '../model/scenarios/index.js';
import { bugSession, decodeSpec, encodeSpec, offerLabel, RELEASE_NAMES, Session, type Divergence, type Offer } from '../model/session.js';
import type { CheckRequest, CheckResponse } from './check-worker.js';
import { byId, fill, h, type Child } from './dom.js';
import { loadFile, type PopLogReport } from './files.js';
import { brokenBanner, brokenPanel, whiteboard } from './panels.js';
import { diagramsEl, mermaidFigure, type DiagramTab } from './diagrams.js';
import { knownBugWhy } from '../traces/catalogue-match.js';

const DEFAULT_IDENTITY = { scenario: 'ack-flush', messages: 2, rocketmq: '5.3.1' } as const;

interface Switched {
  readonly from: string;
  readonly to: string;
  readonly steps: number;
  readonly divergence: Divergence | null;
  /** The event of the diverging step. */
  readonly event: Event | null;
  /** Offsets in the retry topic before and after the switch (duplicates marked). */
  readonly retryBefore: readonly string[];
  readonly retryAfter: readonly string[];
}

const retryList = (s: Session): string[] => s.panels().retryTopic.messages.map((m) => `${m.offset}${m.acked ? ' (DUPLICATE)' : ''}`);

type Here = { readonly running: true; readonly maxStates: number } | ({ readonly running: false } & CheckResponse) | null;

const ui = {
  session: Session.start(DEFAULT_IDENTITY),
  notice: null as { readonly kind: 'error' | 'info'; readonly text: string } | null,
  switched: null as Switched | null,
  poplog: null as { readonly name: string; readonly report: PopLogReport } | null,
  here: null as Here,
  /** The session the "check from here" result belongs to (its spec), so a stale one is marked. */
  hereSpec: '',
  worker: null as Worker | null,
  diagramTab: 'sequence' as DiagramTab,
};

// ---------------------------------------------------------------------------------------------
// Actions

function setSession(s: Session, notice: typeof ui.notice = null): void {
  ui.session = s;
  ui.notice = notice;
  ui.switched = null;
  stopCheck();
  ui.here = null;
  syncForm();
  render();
}

function play(e: Event): void {
  const why = ui.session.play(e);
  ui.notice = why === null ? null : { kind: 'error', text: `refused: ${why}` };
  render();
}

function act(f: () => void): void {
  f();
  ui.notice = null;
  render();
}

function loadBug(id: string, which: 'buggy' | 'fixed'): void {
  const entry = CATALOGUE.find((e) => e.id === id);
  if (!entry) return;
  const r = bugSession(id, which);
  const run = entry[which];
  setSession(r.session, { kind: 'info', text: `#${id} on ${run.label} (${which} run): ${r.verdict}, ${r.session.steps.length} steps. ${entry.title}.` });
}

function startScenario(scenario: string, messages: number, rocketmq: string): void {
  try {
    const { session } = Session.open({ model: { scenario, messages, rocketmq }, steps: [] });
    setSession(session);
  } catch (err) {
    ui.notice = { kind: 'error', text: `cannot start: ${err instanceof Error ? err.message : String(err)}` };
    render();
  }
}

function switchRelease(rocketmq: string): void {
  const from = ui.session.identity.rocketmq;
  if (from === rocketmq) return;
  const steps = ui.session.steps.length;
  let r: ReturnType<Session['withRelease']>;
  try {
    r = ui.session.withRelease(rocketmq);
  } catch (err) {
    ui.notice = { kind: 'error', text: `cannot switch to ${rocketmq}: ${err instanceof Error ? err.message : String(err)}` };
    render();
    return;
  }
  const d = r.divergence;
  const event = d ? (ui.session.events[d.step - 1] ?? null) : null;
  const retryBefore = retryList(ui.session);
  setSession(
    r.session,
    d === null
      ? { kind: 'info', text: `Same ${steps} steps on ${rocketmq}: every step did the same as on ${from}.` }
      : { kind: 'info', text: `Same ${steps} steps on ${rocketmq}: step ${d.step} (${event ? offerLabel(event) : '?'}) ${d.refused ? 'is refused' : 'did something else'}; the comparison is below.` },
  );
  ui.switched = { from, to: rocketmq, steps, divergence: d, event, retryBefore, retryAfter: retryList(r.session) };
  render();
}

async function loadDropped(file: File): Promise<void> {
  const text = await file.text();
  const release = RELEASE_NAMES.includes(ui.session.identity.rocketmq) ? ui.session.identity.rocketmq : '5.3.1';
  const r = loadFile(file.name, text, release);
  if (r.kind === 'error') {
    ui.notice = { kind: 'error', text: r.error };
    render();
    return;
  }
  if (r.kind === 'trace') {
    ui.poplog = null;
    setSession(
      r.session,
      r.refused
        ? { kind: 'error', text: `${file.name}:${r.refused.line}: refused: ${r.refused.why} (the steps before it are loaded)` }
        : { kind: 'info', text: `${file.name}: a popcheck trace, ${r.session.steps.length} steps on ${r.session.identity.rocketmq}` },
    );
    return;
  }
  ui.poplog = { name: file.name, report: r.report };
  ui.notice = { kind: r.report.verdict === 'conforms' ? 'info' : 'error', text: `${file.name}: ${r.report.verdict} (RocketMQ ${r.report.release} pop.log, ${r.report.cks.total} CKs)` };
  render();
}

function stopCheck(): void {
  ui.worker?.terminate();
  ui.worker = null;
}

function checkHere(maxStates: number): void {
  stopCheck();
  const worker = new Worker(new URL('./check-worker.js', import.meta.url), { type: 'module' });
  ui.worker = worker;
  ui.here = { running: true, maxStates };
  ui.hereSpec = encodeSpec(ui.session.spec());
  worker.onmessage = (e: MessageEvent<CheckResponse>) => {
    ui.here = { running: false, ...e.data };
    stopCheck();
    render();
  };
  worker.onerror = (e) => {
    ui.here = { running: false, ok: false, error: e.message || 'the worker failed' };
    stopCheck();
    render();
  };
  const req: CheckRequest = { spec: ui.session.spec(), maxStates };
  worker.postMessage(req);
  render();
}

// ---------------------------------------------------------------------------------------------
// Rendering

const note = (o: Observation): HTMLElement => {
  const n = renderObservation(o);
  return h('li', { class: 'obs', 'data-testid': 'observation' }, h('span', { class: 'actor' }, `${n.actor}:`), ' ', n.text);
};

function status(): void {
  const s = ui.session;
  const p = s.panels();
  fill(
    byId('status'),
    h('span', { class: 'clock', 'data-testid': 'clock', title: 'model time' }, `t = ${fmtTime(p.time)}`),
    h('span', { class: 'pill', 'data-testid': 'release' }, `RocketMQ ${p.release}`),
    h('span', { class: 'pill' }, `${s.identity.scenario}, ${s.identity.messages} msg${s.identity.messages === 1 ? '' : 's'}`),
    h('span', { class: `pill ${p.broker.serving ? '' : 'warn'}` }, `broker ${p.broker.role}${p.broker.serving ? '' : ', not serving'}`),
  );
}

function select(attrs: Record<string, string>, options: readonly (readonly [string, string])[], value: string): HTMLSelectElement {
  const el = h('select', attrs, options.map(([v, label]) => h('option', { value: v }, label)));
  el.value = value;
  return el;
}

/** The toolbar is built once (so a choice in it survives a re-render); syncForm shows the session's model in it. */
const form = {
  scenario: null as HTMLSelectElement | null,
  messages: null as HTMLInputElement | null,
  release: null as HTMLSelectElement | null,
  other: null as HTMLSelectElement | null,
};

function toolbar(): void {
  const bug = select({ 'data-testid': 'bug-select', 'aria-label': 'catalogue entry' }, CATALOGUE.map((e) => [e.id, `#${e.id} ${e.title}`] as const), '8835');
  const run = select({ 'data-testid': 'bug-run', 'aria-label': 'run' }, [['buggy', 'buggy run'], ['fixed', 'fixed run']], 'buggy');
  const scenario = (form.scenario = select({ 'data-testid': 'scenario-select', 'aria-label': 'scenario' }, SCENARIOS.map((s) => [s.name, s.name] as const), 'ack-flush'));
  const messages = (form.messages = h('input', { type: 'number', min: 1, max: 32, value: 2, 'data-testid': 'messages-input', 'aria-label': 'messages', class: 'num' }));
  const release = (form.release = select({ 'data-testid': 'release-select', 'aria-label': 'release' }, RELEASE_NAMES.map((r) => [r, r] as const), '5.3.1'));
  const other = (form.other = select({ 'data-testid': 'switch-select', 'aria-label': 'switch to release' }, RELEASE_NAMES.map((r) => [r, r] as const), '5.3.2'));
  const file = h('input', { type: 'file', accept: '.jsonl,.json,.log,.txt', 'data-testid': 'file-input', 'aria-label': 'load a file' });
  file.addEventListener('change', () => {
    const f = file.files?.[0];
    file.value = '';
    if (f) void loadDropped(f);
  });
  fill(
    byId('toolbar'),
    h('div', { class: 'group' }, h('label', {}, 'Catalogue'), bug, run, h('button', { 'data-testid': 'load-bug', onclick: () => loadBug(bug.value, run.value as 'buggy' | 'fixed') }, 'Load counterexample')),
    h('div', { class: 'group' }, h('label', {}, 'New'), scenario, messages, release, h('button', { 'data-testid': 'start', onclick: () => startScenario(scenario.value, Number(messages.value), release.value) }, 'Start')),
    h('div', { class: 'group' }, h('label', {}, 'Same steps on'), other, h('button', { 'data-testid': 'switch-release', onclick: () => switchRelease(other.value) }, 'Switch release')),
    h('div', { class: 'group' }, h('label', {}, 'File'), file),
  );
}

function syncForm(): void {
  const id = ui.session.identity;
  if (form.scenario) form.scenario.value = id.scenario;
  if (form.messages) form.messages.value = String(id.messages);
  if (form.release) form.release.value = id.rocketmq;
  if (form.other) form.other.value = id.rocketmq === '5.3.2' ? '5.3.1' : id.rocketmq === '5.3.1' ? '5.3.2' : form.other.value;
}

function offerEl(o: Offer, i: number): HTMLElement {
  const ev = JSON.stringify(o.event);
  const button = h('button', { class: `offer-btn actor-${o.actor}`, disabled: !o.enabled, title: o.why ?? `${o.actor}: ${o.label}`, 'aria-describedby': o.why ? `why-${i}` : null }, o.label);
  if (o.enabled) button.addEventListener('click', () => play(o.event));
  return h(
    'div',
    { class: `offer ${o.enabled ? 'on' : 'off'}`, 'data-testid': 'offer', 'data-enabled': o.enabled ? '1' : '0', 'data-event': ev, 'data-label': o.label, 'data-why': o.why ?? null, 'data-actor': o.actor },
    button,
    o.why ? h('small', { class: 'why', id: `why-${i}`, 'data-testid': 'offer-why' }, o.why) : null,
  );
}

function events(): void {
  const s = ui.session;
  const offers = s.offers();
  const on = offers.filter((o) => o.enabled);
  const off = offers.filter((o) => !o.enabled);
  fill(
    byId('undo'),
    h('button', { 'data-testid': 'undo', disabled: !s.canUndo, onclick: () => act(() => s.undo()), title: 'undo the last step' }, '↶ Undo'),
    h('button', { 'data-testid': 'redo', disabled: !s.canRedo, onclick: () => act(() => s.redo()), title: 'redo the step undone' }, '↷ Redo'),
    h('button', { 'data-testid': 'copy-link', onclick: () => void copyLink(), title: 'copy a link to this session' }, 'Copy link'),
    h('button', { 'data-testid': 'download-session', onclick: downloadSession, title: 'save this session (model and steps) as session.json' }, 'Download'),
  );
  let i = 0;
  fill(
    byId('offers'),
    on.length === 0 ? h('p', { class: 'empty' }, s.quiescent ? 'Nothing left to happen: the run is over.' : 'No event enabled.') : h('div', { class: 'offers on' }, on.map((o) => offerEl(o, i++))),
    off.length > 0 ? h('details', { class: 'offers off', open: true }, h('summary', {}, `Not possible now (${off.length})`), off.map((o) => offerEl(o, i++))) : null,
  );
}

function timeline(): void {
  const s = ui.session;
  const n = s.steps.length;
  const item = (k: number, head: Child, obs: readonly Observation[]): HTMLElement =>
    h(
      'li',
      { class: `step ${k === n ? 'current' : ''}`, 'data-testid': k === 0 ? 'timeline-start' : 'timeline-step', 'data-step': k },
      h('button', { class: 'stephead', title: k === n ? 'the current state' : `go back to after step ${k}`, onclick: () => act(() => s.rewind(k)) }, head),
      obs.length > 0 ? h('ul', { class: 'obslist' }, obs.map(note)) : null,
    );
  fill(
    byId('timeline'),
    item(0, h('span', {}, h('span', { class: 'idx' }, '0'), ' initial state'), []),
    s.steps.map((st) => item(st.index, h('span', {}, h('span', { class: 'idx' }, String(st.index)), h('span', { class: 'time' }, fmtTime(st.time)), ' ', h('b', {}, offerLabel(st.event))), st.observations)),
  );
  const cur = byId('timeline').querySelector('.current');
  if (cur && 'scrollIntoView' in cur) cur.scrollIntoView({ block: 'nearest' });
}

function divergenceEl(sw: Switched): HTMLElement {
  const d = sw.divergence;
  const title = `Same ${sw.steps} steps: ${sw.from} → ${sw.to}`;
  const retried = (l: readonly string[]): string => (l.length === 0 ? 'nothing' : l.join(', '));
  const outcome = h('p', { 'data-testid': 'divergence-retry' }, h('b', {}, 'Retry topic: '), `on ${sw.from} ${retried(sw.retryBefore)}; on ${sw.to} ${retried(sw.retryAfter)}.`);
  if (d === null) return h('section', { class: 'panel divergence', 'data-testid': 'panel-divergence', 'data-step': '' }, h('h2', {}, title), h('p', {}, 'Every step did the same on both releases.'), outcome);
  const before = d.before.map((o) => JSON.stringify(o));
  const after = d.after.map((o) => JSON.stringify(o));
  const col = (rel: string, list: readonly Observation[], mine: string[], theirs: string[], testid: string): HTMLElement =>
    h('div', { class: 'col', 'data-testid': testid }, h('h3', {}, `on ${rel}`), list.length === 0 ? h('p', { class: 'empty' }, 'nothing (refused)') : h('ul', { class: 'obslist' }, list.map((o, k) => {
      const li = note(o);
      if (!theirs.includes(mine[k])) li.classList.add('differs');
      return li;
    })));
  return h(
    'section',
    { class: 'panel divergence', 'data-testid': 'panel-divergence', 'data-step': d.step },
    h('h2', {}, title, h('span', { class: 'hint' }, `first step that did something else: step ${d.step}${sw.event ? `, ${offerLabel(sw.event)}` : ''}`)),
    outcome,
    d.refused ? h('p', { class: 'why bad' }, `On ${sw.to} step ${d.step} is refused: ${d.refused}; the steps after it were dropped.`) : null,
    h('div', { class: 'cols' }, col(sw.from, d.before, before, after, 'divergence-before'), col(sw.to, d.after, after, before, 'divergence-after')),
  );
}

function hereEl(): HTMLElement {
  const input = h('input', { type: 'number', min: 100, max: 5_000_000, step: 1000, value: ui.here?.running ? ui.here.maxStates : 200_000, class: 'num wide', 'data-testid': 'max-states', 'aria-label': 'state limit' });
  const running = ui.here?.running === true;
  const button = h('button', { 'data-testid': 'check-here', onclick: () => (running ? (stopCheck(), (ui.here = null), render()) : checkHere(Number(input.value) || 200_000)) }, running ? 'Stop' : 'Check from here');
  const body: Child[] = [];
  const here = ui.here;
  const stale = ui.hereSpec !== encodeSpec(ui.session.spec());
  if (here?.running) body.push(h('p', { class: 'muted', 'data-testid': 'here-running' }, `exploring every interleaving from step ${ui.session.steps.length} (at most ${here.maxStates.toLocaleString('en')} states)…`));
  else if (here && !here.ok) body.push(h('p', { class: 'why bad' }, `the check failed: ${here.error}`));
  else if (here && here.ok) {
    const r = here.report;
    const v = r.violations[0];
    body.push(
      h(
        'p',
        { class: 'verdict-line' },
        h('span', { class: `verdict ${r.verdict}`, 'data-testid': 'here-verdict' }, r.verdict.toUpperCase()),
        ` ${r.states.toLocaleString('en')} states, ${r.transitions.toLocaleString('en')} transitions, depth ${r.depth}, ${r.interleavings ?? 'uncounted'} interleavings, ${here.ms} ms`,
        r.stopReason ? ` (stopped: ${r.stopReason})` : '',
        stale ? h('span', { class: 'muted' }, ' (for an earlier state)') : '',
      ),
    );
    if (v) {
      body.push(
        h('p', {}, h('b', {}, v.invariant), `: ${v.description}`, v.violatingInterleavings ? h('span', { class: 'muted' }, ` (${v.violatingInterleavings} violating interleavings)`) : ''),
        h('p', {}, `Shortest counterexample from here, ${v.steps.length} steps: `, h('span', { class: 'mono' }, v.steps.map((e) => offerLabel(e)).join(' → '))),
        h('button', { 'data-testid': 'play-it', disabled: stale, onclick: () => playAll(v.steps) }, '▶ Play it'),
      );
      for (const k of here.knownBugs) {
        body.push(
          h(
            'p',
            { class: 'known-bug', 'data-testid': 'here-known-bug', 'data-id': k.id },
            h('b', {}, `Known bug ${entryName(k)}`),
            `: ${k.title} (${fixedInText(k.fixedIn)}`,
            k.links[0] ? [', ', h('a', { href: k.links[0], target: '_blank', rel: 'noopener' }, 'upstream')] : '',
            '). ',
            h('span', { class: 'muted' }, `Over the whole run (${here.runSteps} steps from the start), ${knownBugWhy(k, here.runSteps, v.invariant)}.`),
          ),
        );
      }
      for (const other of r.violations.slice(1)) body.push(h('p', { class: 'muted small' }, `also ${other.invariant} (${other.steps.length} steps)`));
    }
  }
  return h('section', { class: 'panel here', 'data-testid': 'panel-here' }, h('h2', {}, 'Check from here', h('span', { class: 'hint' }, 'every interleaving from the current state, in a Web Worker')), h('div', { class: 'row' }, h('label', {}, 'state limit '), input, button), body);
}

function playAll(steps: readonly Event[]): void {
  for (const e of steps) {
    const why = ui.session.play(e);
    if (why !== null) {
      ui.notice = { kind: 'error', text: `refused: ${why}` };
      break;
    }
  }
  render();
}

function poplogEl(name: string, r: PopLogReport): HTMLElement {
  const c = r.cks;
  return h(
    'section',
    { class: 'panel poplog', 'data-testid': 'panel-poplog' },
    h('h2', {}, `pop.log: ${name}`, h('span', { class: 'hint' }, `${r.format === 'poplog' ? 'pop.log' : 'pop.log JSON Lines'}, read as RocketMQ ${r.release}`)),
    h('p', {}, h('span', { class: `verdict ${r.verdict}`, 'data-testid': 'poplog-verdict' }, r.verdict.toUpperCase()), ` ${r.lines} lines; ${c.total} CKs: ${c.conforms} conform, ${c.violated} violated, ${c.diverges} diverge, ${c.incomplete} incomplete, ${c.unchecked} not checkable${r.malformed > 0 ? `; ${r.malformed} malformed lines` : ''}`),
    r.findings.map((f) =>
      h(
        'div',
        { class: 'finding', 'data-testid': 'poplog-finding' },
        h('div', {}, h('b', {}, `CK ${f.ck.topic}@${f.ck.group}@${f.ck.queueId} startOffset ${f.ck.startOffset}`), `: ${f.verdict}${f.invariant ? ` ${f.invariant}` : ''}${f.line !== null ? ` at line ${f.line}` : ''}${f.offsets.length > 0 ? `, offsets ${f.offsets.join(', ')}` : ''}`),
        f.reason ? h('p', { class: 'why' }, f.reason) : null,
        f.explanation.map((x) => h('p', { class: 'why' }, x)),
        f.catalogue.length > 0
          ? h('p', {}, 'matches ', f.catalogue.map((id) => h('button', { 'data-testid': 'open-match', onclick: () => loadBug(id, 'buggy') }, `open #${id}'s counterexample`)))
          : null,
      ),
    ),
    r.diagram !== null ? mermaidFigure('The headline CK\'s lines, as the broker wrote them (validate --mermaid)', r.diagram, 'poplog-diagram') : null,
  );
}

function diagrams(): HTMLElement {
  return diagramsEl(ui.session, ui.diagramTab, (t) => {
    ui.diagramTab = t;
    render();
  });
}

function render(): void {
  const s = ui.session;
  status();
  const n = ui.notice;
  fill(byId('notice'), n ? h('p', { class: `notice-${n.kind}`, 'data-testid': n.kind === 'error' ? 'error' : 'info' }, n.text) : null);
  const broken = s.broken();
  fill(byId('board'), brokenBanner(broken), h('div', { class: 'grid' }, whiteboard(s.panels())));
  events();
  timeline();
  fill(byId('extras'), brokenPanel(broken), ui.switched ? divergenceEl(ui.switched) : null, hereEl(), ui.poplog ? poplogEl(ui.poplog.name, ui.poplog.report) : null, diagrams());
  const hash = `#${encodeSpec(s.spec())}`;
  if (location.hash !== hash) history.replaceState(null, '', hash);
}

/** Saves the session (its SessionSpec: model identity and steps) as session.json. */
function downloadSession(): void {
  const blob = new Blob([`${JSON.stringify(ui.session.spec(), null, 2)}\n`], { type: 'application/json' });
  const a = h('a', { href: URL.createObjectURL(blob), download: 'session.json' });
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

async function copyLink(): Promise<void> {
  try {
    await navigator.clipboard.writeText(location.href);
    ui.notice = { kind: 'info', text: 'Link copied: it reopens this session.' };
  } catch {
    ui.notice = { kind: 'info', text: `Link: ${location.href}` };
  }
  render();
}

function fromHash(): void {
  const hash = location.hash.replace(/^#/, '');
  if (hash === '') return;
  try {
    const { session, refused } = Session.open(decodeSpec(hash));
    ui.session = session;
    if (refused) ui.notice = { kind: 'error', text: `the link's step ${refused.step} is refused: ${refused.why} (the steps before it are loaded)` };
  } catch (err) {
    ui.session = Session.start(DEFAULT_IDENTITY);
    ui.notice = { kind: 'error', text: `${err instanceof Error ? err.message : String(err)}; starting a fresh session` };
  }
}

function dragAndDrop(): void {
  const veil = byId('dropveil');
  let depth = 0;
  window.addEventListener('dragenter', (e) => {
    e.preventDefault();
    depth++;
    veil.hidden = false;
  });
  window.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) veil.hidden = true;
  });
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => {
    e.preventDefault();
    depth = 0;
    veil.hidden = true;
    const f = e.dataTransfer?.files?.[0];
    if (f) void loadDropped(f);
  });
}

function keys(): void {
  window.addEventListener('keydown', (e) => {
    if ((e.target as HTMLElement | null)?.closest('input, select, textarea')) return;
    const mod = e.ctrlKey || e.metaKey;
    if (mod && e.key.toLowerCase() === 'z' && !e.shiftKey) act(() => ui.session.undo());
    else if (mod && (e.key.toLowerCase() === 'y' || (e.key.toLowerCase() === 'z' && e.shiftKey))) act(() => ui.session.redo());
    else return;
    e.preventDefault();
  });
}

fromHash();
window.addEventListener('hashchange', () => {
  if (location.hash === `#${encodeSpec(ui.session.spec())}`) return;
  fromHash();
  syncForm();
  render();
});
toolbar();
syncForm();
dragAndDrop();
keys();
render();
