/**
 * The browser explorer end to end: `popcheck serve`'s server on a free port, Debian's
 * chromium driven by playwright-core (no browser download). Reproduces #8835 on 5.3.1 by
 * clicking the offered buttons its counterexample names, switches to 5.3.2, reopens a copied
 * link, runs "check from here" and loads files. Screenshots go to test-output/screenshots/.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startServer, type Served } from '../../cli/serve-command.js';
import { bugSession, Session, SessionSpecSchema } from '../../model/session.js';
import { checkSession } from '../../workshop/checks.js';
import type { Event } from '../../model/events.js';
import { ROOT } from '../cli/helpers.js';
import { CK_CATALOGUE as CATALOGUE } from '../../model/catalogue.js';
import { sequenceDiagram } from '../../model/sequence-diagram.js';
import { stateGraph } from '../../checker/graph.js';
import { buildPopModel } from '../../model/factory.js';
import { eventLabel } from '../../model/narrate.js';

const CHROMIUM = process.env.POPCHECK_CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = `${ROOT}test-output/screenshots`;
const IDENTITY = { scenario: 'ack-flush', messages: 2, rocketmq: '5.3.1' } as const;

let served: Served;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`chromium is not installed at ${CHROMIUM}: the browser test needs it (apt-get install -y chromium, as .ci/run does; or set POPCHECK_CHROMIUM)`);
  }
  mkdirSync(SHOTS, { recursive: true });
  served = await startServer({ port: 0 });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
});

afterAll(async () => {
  await browser?.close();
  await served?.close();
});

async function open(hash = ''): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text());
  });
  await page.goto(`${served.url}${hash}`);
  await page.getByTestId('timeline-start').waitFor();
  (page as Page & { errors: string[] }).errors = errors;
  return page;
}

const shot = (page: Page, name: string): Promise<Buffer> => page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });

const retryOffsets = (page: Page): Promise<{ offset: string | null; dup: string | null }[]> =>
  page.getByTestId('retry-offset').evaluateAll((els) => els.map((e) => ({ offset: e.getAttribute('data-offset'), dup: e.getAttribute('data-duplicate') })));

/** Clicks the enabled offer whose event is `e`. */
async function click(page: Page, e: Event): Promise<void> {
  const offers = page.locator('[data-testid="offer"][data-enabled="1"]');
  const events = await offers.evaluateAll((els) => els.map((x) => x.getAttribute('data-event')));
  const i = events.indexOf(JSON.stringify(e));
  expect(i, `offered: ${events.join(' | ')}; wanted ${JSON.stringify(e)}`).toBeGreaterThanOrEqual(0);
  await offers.nth(i).locator('button').click();
}

describe('popcheck serve in chromium', () => {
  const bug = bugSession('8835');
  const expected = bug.session.panels().retryTopic.messages;
  let link = '';

  it('reproduces #8835 on 5.3.1 by clicking, and shows it is gone on 5.3.2', async () => {
    const page = await open();
    // A fresh 5.3.1 ack-flush session of 2 messages, chosen in the toolbar.
    await page.getByTestId('scenario-select').selectOption('ack-flush');
    await page.getByTestId('messages-input').fill('2');
    await page.getByTestId('release-select').selectOption('5.3.1');
    await page.getByTestId('start').click();
    await expect.poll(() => page.getByTestId('timeline-step').count()).toBe(0);
    await shot(page, '1-empty-session');

    // Before the pop, "ack 100" is offered disabled, with the model's guard (as Session.offers() says).
    const fresh = Session.start(IDENTITY).offers();
    const guard = fresh.find((o) => !o.enabled && o.event.type === 'ack' && o.event.offset === 100)!;
    expect(guard.why).toMatch(/^no receipt handle for offset 100/);
    const ack100 = page.locator(`[data-testid="offer"][data-enabled="0"][data-label="${guard.label}"]`);
    await expect.poll(() => ack100.getAttribute('data-why')).toBe(guard.why);
    expect(await ack100.locator('button').isDisabled()).toBe(true);
    expect(await ack100.locator('button').getAttribute('title')).toBe(guard.why);
    expect(await ack100.getByTestId('offer-why').innerText()).toBe(guard.why);
    expect(await ack100.getByTestId('offer-why').isVisible()).toBe(true);
    await ack100.scrollIntoViewIfNeeded();
    await ack100.hover();
    await page.getByTestId('panel-events').screenshot({ path: `${SHOTS}/5-disabled-guard.png` });

    // The counterexample, one offered button at a time.
    const steps = bug.session.events;
    await click(page, steps[0]);
    await expect.poll(() => page.getByTestId('timeline-step').count()).toBe(1);
    expect(await page.getByTestId('held-offset').allInnerTexts()).toEqual(['100', '101']);
    await shot(page, '2-after-pop');
    for (const e of steps.slice(1)) await click(page, e);
    await expect.poll(() => page.getByTestId('timeline-step').count()).toBe(steps.length);

    // The retry topic holds exactly the duplicated offsets the session says, marked DUPLICATE.
    expect(expected.length).toBeGreaterThan(0);
    expect(await retryOffsets(page)).toEqual(expected.map((m) => ({ offset: String(m.offset), dup: m.acked ? '1' : '0' })));
    expect(await page.getByTestId('retry-offset').first().innerText()).toMatch(/DUPLICATE/);
    const broken = await page.getByTestId('broken-invariant').evaluateAll((els) => els.map((e) => e.getAttribute('data-invariant')));
    expect(broken).toEqual(bug.session.broken().map((b) => b.invariant));
    expect(broken).toContain('acked-never-retried');
    expect(await page.getByTestId('broken-banner').innerText()).toMatch(/BROKEN \(\d\).*acked-never-retried at step 7/);
    // Each step lists its observations as renderObservation prints them.
    expect(await page.getByTestId('timeline-step').nth(2).getByTestId('observation').count()).toBe(bug.session.steps[2].observations.length);
    await page.getByTestId('panel-retry').scrollIntoViewIfNeeded();
    await shot(page, '3-8835-violated-5.3.1');
    link = page.url();
    expect(link).toMatch(/#[A-Za-z0-9_-]+$/);

    // The same steps on 5.3.2: nothing retried, and the step that did something else.
    const switched = bug.session.withRelease('5.3.2');
    expect(switched.divergence).not.toBeNull();
    await page.getByTestId('switch-select').selectOption('5.3.2');
    await page.getByTestId('switch-release').click();
    await expect.poll(() => page.getByTestId('release').innerText()).toMatch(/5\.3\.2/);
    expect(await page.getByTestId('retry-offset').count()).toBe(0);
    expect(await page.getByTestId('panel-retry').innerText()).toMatch(/nothing retried/);
    expect(await page.getByTestId('panel-divergence').getAttribute('data-step')).toBe(String(switched.divergence!.step));
    expect(await page.getByTestId('divergence-before').innerText()).toMatch(/bn=null/);
    expect(await page.getByTestId('divergence-after').innerText()).toMatch(/AckMsg\{ao=100[^}]*bn=broker-a\}/);
    expect(await page.getByTestId('broken-invariant').count()).toBe(0);
    expect(await page.getByTestId('broken-banner').innerText()).toMatch(/all hold/);
    const before = expected.map((m) => `${m.offset}${m.acked ? ' (DUPLICATE)' : ''}`).join(', ');
    expect(await page.getByTestId('divergence-retry').innerText()).toBe(`Retry topic: on 5.3.1 ${before}; on 5.3.2 nothing.`);
    await page.getByTestId('panel-divergence').scrollIntoViewIfNeeded();
    await shot(page, '4-switched-to-5.3.2');
    expect((page as Page & { errors: string[] }).errors).toEqual([]);
    await page.close();
  });

  it('reopens a copied link in the same state', async () => {
    expect(link).not.toBe('');
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(link);
    await expect.poll(() => page.getByTestId('timeline-step').count()).toBe(bug.session.steps.length);
    expect(await retryOffsets(page)).toEqual(expected.map((m) => ({ offset: String(m.offset), dup: m.acked ? '1' : '0' })));
    expect(await page.getByTestId('release').innerText()).toMatch(/5\.3\.1/);

    // Download saves the session as the workshop's exercise 1 expects it.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-session').click()]);
    expect(download.suggestedFilename()).toBe('session.json');
    const saved: unknown = JSON.parse(readFileSync(await download.path(), 'utf8'));
    expect(SessionSpecSchema.parse(saved).steps).toEqual(bug.session.spec().steps);
    expect(checkSession(saved).ok).toBe(true);

    // Undo, redo, and a click on the timeline rewinds.
    await page.getByTestId('undo').click();
    await expect.poll(() => page.getByTestId('timeline-step').count()).toBe(bug.session.steps.length - 1);
    expect(await page.getByTestId('retry-offset').count()).toBe(0);
    await page.getByTestId('redo').click();
    await expect.poll(() => page.getByTestId('retry-offset').count()).toBe(expected.length);
    await page.getByTestId('timeline-step').nth(0).locator('button').first().click();
    await expect.poll(() => page.getByTestId('timeline-step').count()).toBe(1);

    // Check from here (after the pop): a verdict, and its counterexample played.
    await page.getByTestId('check-here').click();
    await expect.poll(() => page.getByTestId('here-verdict').count(), { timeout: 30_000 }).toBe(1);
    expect(await page.getByTestId('here-verdict').innerText()).toBe('VIOLATED');
    expect(await page.getByTestId('panel-here').innerText()).toMatch(/states, .* transitions/);
    // The counterexample from here is #8835, named as `check` names it, with the fix that removes it.
    expect(await page.getByTestId('here-known-bug').evaluateAll((ps) => ps.map((p) => p.getAttribute('data-id')))).toEqual(['8835']);
    expect(await page.getByTestId('here-known-bug').innerText()).toMatch(
      /^Known bug #8835: Buffered acks written without brokerName are not matched by the revive \(fixed in 5\.3\.2, upstream\)\. Over the whole run \((\d+) steps from the start\), with its fix alone \(bufferAckOmitsBrokerName=false\), the same \1 steps do not violate acked-never-retried/,
    );
    expect(await page.getByTestId('here-known-bug').locator('a').getAttribute('href')).toBe('https://github.com/apache/rocketmq/issues/8835');
    await page.getByTestId('panel-here').scrollIntoViewIfNeeded();
    await shot(page, '6-check-from-here');
    await page.getByTestId('play-it').click();
    await expect.poll(() => page.getByTestId('retry-offset').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="retry-offset"][data-duplicate="1"]').count()).toBeGreaterThan(0);
    await page.close();
  });

  it('draws the run, the lifecycles and the state graph with mermaid and Graphviz in the page', async () => {
    expect(link).not.toBe('');
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(link);
    // The sequence diagram of the #8835 run, drawn by mermaid: the AckMsg without brokerName, the dropped ACK, the retry.
    const seq = page.getByTestId('sequence-diagram');
    await expect.poll(() => seq.getAttribute('data-rendered'), { timeout: 30_000 }).toBe('true');
    const drawn = await seq.locator('svg').textContent();
    expect(drawn).toMatch(/brokerName=null/);
    expect(drawn).toMatch(/ACK dropped/);
    for (const m of expected) expect(drawn).toMatch(new RegExp(`offset ${m.offset} retried`));
    expect(await page.getByTestId('sequence-diagram-text').textContent()).toBe(
      sequenceDiagram(bug.session.steps, { title: 'RocketMQ 5.3.1, ack-flush' }),
    );
    await page.getByTestId('panel-diagrams').scrollIntoViewIfNeeded();
    await page.getByTestId('panel-diagrams').screenshot({ path: `${SHOTS}/7-sequence-diagram.png` });

    // The lifecycles, as `popcheck diagram lifecycle` writes them.
    await page.getByTestId('tab-lifecycle').click();
    for (const i of [0, 1]) await expect.poll(() => page.getByTestId(`lifecycle-${i}`).getAttribute('data-rendered'), { timeout: 30_000 }).toBe('true');
    expect(await page.getByTestId('lifecycle-0').locator('svg').textContent()).toMatch(/ackBuffered/);
    await page.getByTestId('panel-diagrams').screenshot({ path: `${SHOTS}/8-lifecycles.png` });

    // The state graph, as `check --graph` draws it: as many states as the checker explores.
    const model = buildPopModel(IDENTITY);
    const g = stateGraph(model, { maxStates: 5000, stateLabel: () => '', eventLabel });
    if (!g.ok) throw new Error('ack-flush N=2 must fit the graph');
    await page.getByTestId('tab-graph').click();
    await expect.poll(() => page.getByTestId('state-graph').getAttribute('data-rendered'), { timeout: 60_000 }).toBe('true');
    expect(await page.getByTestId('state-graph-caption').innerText()).toMatch(new RegExp(`^${g.graph.nodes.length} states, ${g.graph.edges.length} transitions`));
    expect(await page.getByTestId('state-graph').locator('svg g.node').count()).toBe(g.graph.nodes.length);
    await page.getByTestId('panel-diagrams').screenshot({ path: `${SHOTS}/9-state-graph.png` });
    expect(errors).toEqual([]);
    await page.close();
  });

  it("mermaid draws every catalogue counterexample's --mermaid output and every Mermaid block of the docs", async () => {
    const page = await open();
    await page.getByTestId('tab-lifecycle').click();
    await expect.poll(() => page.getByTestId('lifecycle-0').getAttribute('data-rendered'), { timeout: 30_000 }).toBe('true');
    const texts: { name: string; text: string }[] = [];
    for (const e of CATALOGUE) {
      const { session } = bugSession(e.id);
      if (session.steps.length > 0) texts.push({ name: `#${e.id}`, text: sequenceDiagram(session.steps, { title: `#${e.id}` }) });
    }
    for (const f of ['README.md', 'workshop/README.md', 'docs/lifecycles.md', 'docs/model.md']) {
      const md = readFileSync(`${ROOT}${f}`, 'utf8');
      let i = 0;
      for (const m of md.matchAll(/```mermaid\n([\s\S]*?)```/g)) texts.push({ name: `${f} block ${++i}`, text: m[1] });
    }
    expect(texts.length).toBeGreaterThan(CATALOGUE.length);
    const failures = await page.evaluate(async (list) => {
      const m = (globalThis as unknown as { mermaid: { render(id: string, t: string): Promise<{ svg: string }> } }).mermaid;
      const bad: string[] = [];
      let n = 0;
      for (const { name, text } of list) {
        try {
          const { svg } = await m.render(`check${n++}`, text);
          if (!svg.includes('<svg')) bad.push(`${name}: no svg`);
        } catch (err) {
          bad.push(`${name}: ${String((err as Error).message ?? err).slice(0, 200)}`);
        }
      }
      return bad;
    }, texts);
    expect(failures).toEqual([]);
    await page.close();
  });

  it('says a bad link is bad and starts fresh', async () => {
    const page = await open('#not-a-session');
    expect(await page.getByTestId('error').innerText()).toMatch(/does not hold a popcheck session/);
    expect(await page.getByTestId('timeline-step').count()).toBe(0);
    await page.close();
  });

  it('loads a trace, a pop.log, and names the line of an unreadable file', async () => {
    const page = await open();
    const input = page.getByTestId('file-input');
    const header = JSON.stringify({ popcheck: 'trace', version: 1, ...IDENTITY });
    const trace = [header, ...bug.session.events.map((e) => JSON.stringify(e))].join('\n');
    await input.setInputFiles({ name: 'cx.jsonl', mimeType: 'application/json', buffer: Buffer.from(trace) });
    await expect.poll(() => page.getByTestId('timeline-step').count()).toBe(bug.session.steps.length);
    expect(await retryOffsets(page)).toHaveLength(expected.length);

    await input.setInputFiles({ name: 'bad.jsonl', mimeType: 'application/json', buffer: Buffer.from(`${header}\n{"type":"pop"}\n`) });
    expect(await page.getByTestId('error').innerText()).toMatch(/^bad\.jsonl:2: /);

    const log = readFileSync(`${ROOT}test/fixtures/poplog/8835-5.3.1.log`);
    await input.setInputFiles({ name: '8835-5.3.1.log', mimeType: 'text/plain', buffer: log });
    await expect.poll(() => page.getByTestId('poplog-verdict').count()).toBe(1);
    expect(await page.getByTestId('poplog-verdict').innerText()).toBe('VIOLATED');
    expect(await page.getByTestId('open-match').first().innerText()).toMatch(/#8835/);
    // The headline CK's lines as a sequence diagram, drawn by mermaid.
    const logDiagram = page.getByTestId('poplog-diagram');
    await expect.poll(() => logDiagram.getAttribute('data-rendered'), { timeout: 30_000 }).toBe('true');
    expect(await logDiagram.locator('svg').count()).toBe(1);
    expect(await logDiagram.innerText()).toMatch(/brokerName=null/);
    expect(await page.getByTestId('poplog-diagram-text').textContent()).toMatch(/L10: VIOLATED acked-never-retried/);
    await page.getByTestId('panel-poplog').scrollIntoViewIfNeeded();
    await page.getByTestId('panel-poplog').screenshot({ path: `${SHOTS}/10-poplog-report.png` });
    await page.close();
  });
});

describe('the server', () => {
  const raw = (path: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> =>
    new Promise((resolve, reject) => {
      const u = new URL(served.url);
      const req = request({ host: u.hostname, port: u.port, path, method: 'GET' }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    });

  it('binds loopback only and serves its page with no-store and a same-origin CSP', async () => {
    expect(served.address.address).toBe('127.0.0.1');
    const r = await raw('/');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect((await raw('/app.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await raw('/style.css')).headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it.each(['/../package.json', '/%2e%2e/package.json', '/..%2fpackage.json', '/..\\package.json', '/web/../../package.json'])('refuses %j', async (path) => {
    const r = await raw(path);
    expect([400, 404]).toContain(r.status);
    expect(r.body).not.toMatch(/popcheck.*version/);
  });

  it('has nothing else: no other file, no listing', async () => {
    for (const p of ['/package.json', '/web/', '/dist/', '/cli/serve-command.ts']) expect((await raw(p)).status).toBe(404);
  });
});
