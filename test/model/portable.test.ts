/** model/, the explorer core and traces/ must run unchanged in a browser: no Node-only imports. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const rel = join(dir, name);
    if (rel === join('checker', 'parallel')) continue; // the worker-thread explorer is Node-only by design
    if (statSync(join(ROOT, rel)).isDirectory()) out.push(...sources(rel));
    else if (name.endsWith('.ts')) out.push(rel);
  }
  return out;
}

describe('portable core', () => {
  it('model/, checker/ (but checker/parallel/) and traces/ import no Node built-ins', () => {
    const files = ['model', 'checker', 'traces'].flatMap(sources);
    expect(files.length).toBeGreaterThan(20);
    const offenders = files.filter((f) => /from '(node:|fs'|path'|worker_threads'|os')|\bprocess\./.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
