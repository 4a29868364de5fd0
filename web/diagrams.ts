/**
 * The page's diagrams, the same ones the CLI writes: the run's sequence diagram
 * (model/sequence-diagram.ts, as `--mermaid`), the lifecycles (typescript-fsm's toMermaid(), as
 * `popcheck diagram lifecycle`) and the state graph (checker/graph.ts, as `check --graph`).
 * Mermaid text is drawn by the mermaid library (bundled as mermaid.min.js, loaded on first use),
 * the graph by Graphviz-wasm in a worker (graph-worker.ts). Nothing is fetched from elsewhere.
 */
import { ckMachine, messageMachine } from '../model/lifecycles.js';
import { sequenceDiagram } from '../model/sequence-diagram.js';
import type { Session } from '../model/session.js';
import { h } from './dom.js';
import type { GraphResponse } from './graph-worker.js';

export type DiagramTab = 'sequence' | 'lifecycle' | 'graph';

interface MermaidApi {
  initialize(config: Record<string, unknown>): void;
  render(id: string, text: string): Promise<{ svg: string }>;
}

let mermaidReady: Promise<MermaidApi> | null = null;

/** Loads mermaid.min.js (the server's own copy) once. */
function mermaid(): Promise<MermaidApi> {
  mermaidReady ??= new Promise<MermaidApi>((resolve, reject) => {
    const s = document.createElement('script');
    s.src = 'mermaid.min.js';
    s.onload = () => {
      const m = (globalThis as unknown as { mermaid?: MermaidApi }).mermaid;
      if (!m) return reject(new Error('mermaid.min.js did not define mermaid'));
      m.initialize({ startOnLoad: false, securityLevel: 'strict', theme: 'default', sequence: { useMaxWidth: false } });
      resolve(m);
    };
    s.onerror = () => reject(new Error('mermaid.min.js could not be loaded (run npm run build:web)'));
    document.head.appendChild(s);
  });
  return mermaidReady;
}

/** Rendered SVG by source text, so a redraw of the page does not render again. */
const svgCache = new Map<string, Promise<string>>();
let renderCount = 0;

function mermaidSvg(text: string): Promise<string> {
  let p = svgCache.get(text);
  if (!p) {
    p = mermaid().then((m) => m.render(`mmd${++renderCount}`, text).then((r) => r.svg));
    svgCache.set(text, p);
    p.catch(() => svgCache.delete(text));
  }
  return p;
}

let graphWorker: Worker | null = null;
const graphCache = new Map<string, Promise<GraphResponse>>();

/** The state graph of the session's model (its initial state onwards), drawn in the worker. */
function graphSvg(session: Session): Promise<GraphResponse> {
  const spec = { model: session.identity, steps: [] };
  const key = JSON.stringify(spec);
  let p = graphCache.get(key);
  if (!p) {
    p = new Promise<GraphResponse>((resolve) => {
      graphWorker ??= new Worker('graph-worker.js', { type: 'module' });
      const w = graphWorker;
      w.onmessage = (e: MessageEvent<GraphResponse>) => resolve(e.data);
      w.onerror = (e) => resolve({ ok: false, error: e.message || 'the graph worker failed' });
      w.postMessage({ spec });
    });
    graphCache.set(key, p);
  }
  return p;
}

/** The Mermaid texts of the lifecycle diagrams. */
export function lifecycleTexts(): readonly { readonly title: string; readonly text: string }[] {
  return [
    { title: 'A popped message', text: messageMachine().toMermaid('message lifecycle') },
    { title: 'A CK', text: ckMachine().toMermaid('CK lifecycle') },
  ];
}

/** Puts `svg` (or an error line) into `box` when it arrives, unless the panel was redrawn. */
function fillLater(box: HTMLElement, work: Promise<string>): void {
  work.then(
    (svg) => {
      if (!box.isConnected) return;
      box.innerHTML = svg;
      box.dataset.rendered = 'true';
    },
    (err: unknown) => {
      if (!box.isConnected) return;
      box.replaceChildren(h('p', { class: 'notice-error', 'data-testid': 'diagram-error' }, `not drawn: ${err instanceof Error ? err.message : String(err)}`));
      box.dataset.rendered = 'error';
    },
  );
}

/** A Mermaid diagram drawn by the mermaid library, with its text below (used by the pop.log panel too). */
export function mermaidFigure(title: string | null, text: string, testid: string): HTMLElement {
  const box = h('div', { class: 'diagram', 'data-testid': testid }, h('p', { class: 'empty' }, 'drawing…'));
  fillLater(box, mermaidSvg(text));
  const fit = h('button', { class: 'tab', 'data-testid': `${testid}-fit`, onclick: () => box.classList.toggle('fit') }, 'fit to width / actual size');
  return h(
    'figure',
    {},
    h('figcaption', {}, title ?? '', ' ', fit),
    box,
    h('details', {}, h('summary', {}, 'Mermaid text (paste into a ```mermaid block on GitHub)'), h('pre', { class: 'mono', 'data-testid': `${testid}-text` }, text)),
  );
}

/** The diagrams panel for `session`, showing `tab`; `choose` switches tabs. */
export function diagramsEl(session: Session, tab: DiagramTab, choose: (t: DiagramTab) => void): HTMLElement {
  const tabs: readonly [DiagramTab, string][] = [
    ['sequence', 'Sequence of this run'],
    ['lifecycle', 'Lifecycles'],
    ['graph', 'State graph'],
  ];
  let body: HTMLElement;
  if (tab === 'sequence') {
    body =
      session.steps.length === 0
        ? h('p', { class: 'empty' }, 'No steps yet: take a step and its messages appear here.')
        : mermaidFigure(null, sequenceDiagram(session.steps, { title: `RocketMQ ${session.identity.rocketmq}, ${session.identity.scenario}` }), 'sequence-diagram');
  } else if (tab === 'lifecycle') {
    body = h('div', { class: 'lifecycles' }, lifecycleTexts().map((l, i) => mermaidFigure(l.title, l.text, `lifecycle-${i}`)));
  } else {
    const box = h('div', { class: 'diagram graph', 'data-testid': 'state-graph' }, h('p', { class: 'empty' }, 'exploring and drawing…'));
    const caption = h('p', { class: 'hint', 'data-testid': 'state-graph-caption' }, '');
    fillLater(
      box,
      graphSvg(session).then((r) => {
        if (!r.ok) throw new Error(r.error);
        caption.textContent = `${r.states} states, ${r.edges} transitions from the initial state; red: a state or step that breaks an invariant; bold: the checker's shortest counterexample.`;
        return r.svg;
      }),
    );
    const fit = h('button', { class: 'tab', 'data-testid': 'state-graph-fit', onclick: () => box.classList.toggle('fit') }, 'fit to width / actual size');
    body = h('div', {}, h('div', { class: 'graph-head' }, caption, fit), box);
  }
  return h(
    'section',
    { class: 'panel diagrams', 'data-testid': 'panel-diagrams' },
    h(
      'h2',
      {},
      'Diagrams',
      h('span', { class: 'hint' }, 'the same ones popcheck writes: --mermaid, diagram lifecycle, check --graph'),
    ),
    h(
      'div',
      { class: 'tabs', role: 'tablist' },
      tabs.map(([t, label]) =>
        h('button', { role: 'tab', 'aria-selected': t === tab ? 'true' : 'false', class: t === tab ? 'tab on' : 'tab', 'data-testid': `tab-${t}`, onclick: () => choose(t) }, label),
      ),
    ),
    body,
  );
}
