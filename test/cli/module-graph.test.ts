/**
 * What a `check` loads (issue 12, memory): the explorer's path does not load zod, neither in
 * the main thread nor in a worker thread of `--workers` (zod and the schemas built at import
 * cost a thread about 4 MB of resident memory for the whole run); the CLI's `check` loads zod
 * only to parse its flags (model/identity-schema.ts), and none of the schemas of the report,
 * the traces and pop.log; a one-thread `check` does not load the parallel explorer. Observed, not read off the sources: each case runs in a child
 * process (or a worker thread) under a module hook that writes down every module it loads
 * (dist/, built by the global setup), so an import that comes back by any path fails here.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIST = pathToFileURL(join(ROOT, 'dist/')).href;
const dir = mkdtempSync(join(tmpdir(), 'popcheck-modules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A module hook (run on Node's hooks thread) that appends each file module it loads to the file `data.log`. */
const HOOKS = pathToFileURL(join(dir, 'hooks.mjs')).href;
writeFileSync(
  join(dir, 'hooks.mjs'),
  `import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(log, url + '\\n');
  return next(url, context);
}
`,
);

let runs = 0;
/** Runs `code` (an ES module's text) in a fresh `node` whose modules are written down from the start; returns their URLs. */
function loadedBy(code: string, args: readonly string[] = []): string[] {
  const log = join(dir, `loaded-${++runs}.txt`);
  writeFileSync(log, '');
  const preload = join(dir, `register-${runs}.mjs`);
  writeFileSync(preload, `import { register } from 'node:module';\nregister(${JSON.stringify(HOOKS)}, { data: { log: ${JSON.stringify(log)} } });\n`);
  execFileSync(process.execPath, ['--import', pathToFileURL(preload).href, '--input-type=module', '-e', code, ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  return readFileSync(log, 'utf8').split('\n').filter((l) => l !== '');
}

const zod = (urls: readonly string[]): string[] => urls.filter((u) => u.includes('/node_modules/zod/'));
const ours = (urls: readonly string[]): string[] => urls.filter((u) => u.startsWith(DIST)).map((u) => u.slice(DIST.length));
/** The modules of schemas for input and output other than the CLI flags' model identity. */
const OTHER_SCHEMAS = ['model/state-schema.js', 'model/observation-schema.js', 'model/events.js', 'traces/poplog-formats.js', 'traces/format.js', 'cli/report-schema.js'];

const FULL = { scenario: 'full', messages: 1, rocketmq: '5.3.2', bounds: { pops: 1 } };

describe('the modules a check loads', () => {
  it('a worker thread of the parallel explorer builds its model and explores without loading zod', () => {
    // The worker as checker/parallel/pool.ts starts it, with the model module the CLI gives
    // (model/build.js); the hook is registered inside the worker thread, before it imports.
    const log = join(dir, 'worker.txt');
    writeFileSync(log, '');
    const inWorker = `import { register } from 'node:module';
register(${JSON.stringify(HOOKS)}, { data: { log: ${JSON.stringify(log)} } });
await import(${JSON.stringify(`${DIST}checker/parallel/worker.js`)});`;
    const code = `import { Worker } from 'node:worker_threads';
const w = new Worker(new URL('data:text/javascript,' + encodeURIComponent(${JSON.stringify(inWorker)})), {
  workerData: { module: ${JSON.stringify(`${DIST}model/build.js`)}, args: ${JSON.stringify(FULL)}, symmetry: true },
});
w.on('message', (m) => { if (m.type !== 'ready') throw new Error(JSON.stringify(m)); void w.terminate(); });
w.on('error', (e) => { throw e; });`;
    loadedBy(code);
    const urls = readFileSync(log, 'utf8').split('\n').filter((l) => l !== '');
    expect(ours(urls)).toContain('checker/parallel/worker.js');
    expect(ours(urls)).toContain('model/popmodel.js');
    expect(zod(urls)).toEqual([]);
    expect(ours(urls).filter((u) => u.includes('schema'))).toEqual([]);
  });

  it("building a parsed identity's model and exploring it in one thread loads no zod", () => {
    const urls = loadedBy(`const { modelOf } = await import(${JSON.stringify(`${DIST}model/build.js`)});
const { check } = await import(${JSON.stringify(`${DIST}checker/index.js`)});
const r = check(modelOf(${JSON.stringify(FULL)}));
if (r.states < 10) throw new Error('explored ' + r.states + ' states');`);
    expect(ours(urls)).toContain('checker/explore.js');
    expect(zod(urls)).toEqual([]);
  });

  it("the CLI's check loads zod only for its flags' identity schema, and no other schema", () => {
    const urls = loadedBy(`process.argv.splice(1, 0, 'popcheck'); await import(${JSON.stringify(`${DIST}cli/main.js`)});`, [
      'check',
      '--scenario',
      'full',
      '--messages',
      '1',
      '--pops',
      '1',
      '--rocketmq',
      '5.3.2',
      '--workers',
      '2',
      '--json',
    ]);
    expect(ours(urls)).toContain('cli/check-command.js');
    expect(ours(urls)).toContain('model/identity-schema.js');
    expect(ours(urls).filter((u) => OTHER_SCHEMAS.includes(u))).toEqual([]);
    expect(ours(urls).filter((u) => u.endsWith('-schema.js')).sort()).toEqual(['model/identity-schema.js', 'model/limits-schema.js', 'model/settings-schema.js']);
    expect(ours(urls)).toContain('checker/parallel/pool.js');
  });

  it("the CLI's one-thread check does not load the parallel explorer", () => {
    const urls = loadedBy(`process.argv.splice(1, 0, 'popcheck'); await import(${JSON.stringify(`${DIST}cli/main.js`)});`, ['check', '--messages', '2', '--rocketmq', '5.3.2', '--json']);
    expect(ours(urls)).toContain('checker/explore.js');
    // limits.js is MAX_WORKERS, which the flags' parser checks --workers against; growable.js
    // the growable shared buffer the one-thread table's segments use too.
    expect(ours(urls).filter((u) => u.startsWith('checker/parallel/')).sort()).toEqual(['checker/parallel/growable.js', 'checker/parallel/limits.js']);
  });
});
