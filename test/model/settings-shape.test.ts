/**
 * The resolved settings record has fast properties, one shape for every release: the rules
 * read it on every step (`ctx.s.timerMode`), and a record in V8's dictionary mode (which adding
 * its 41 properties one at a time by name made it) turned each of those reads into a generic
 * lookup of about 80 instructions (docs/explorer.md, "Instructions by function"). The check asks
 * V8 itself, through its natives syntax, enabled for the two functions compiled here only.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../model/config.js';
import { SETTING_INFO } from '../../model/settings.js';
import { RELEASES } from '../../model/versions.js';

/** Every resolved record: each release, with and without batch ack (refused before 5.1.2), and its label. */
function everyResolved(): { label: string; s: ReturnType<typeof resolveSettings> }[] {
  const out = [];
  for (const r of RELEASES) {
    for (const batchAck of [false, true]) {
      try {
        out.push({ label: `${r.name}${batchAck ? ' batch' : ''}`, s: resolveSettings({ release: r.name, batchAck }) });
      } catch {
        // batch ack before 5.1.2
      }
    }
  }
  return out;
}

setFlagsFromString('--allow-natives-syntax');
const hasFastProperties = new Function('o', 'return %HasFastProperties(o)') as (o: object) => boolean;
const haveSameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;
setFlagsFromString('--no-allow-natives-syntax');

describe('resolved settings', () => {
  it('have fast properties, with one shape for every release and batch-ack choice', () => {
    const first = resolveSettings({ release: RELEASES[0].name });
    const all = everyResolved();
    expect(all.length).toBeGreaterThan(RELEASES.length);
    for (const { label, s } of all) {
      expect(hasFastProperties(s), label).toBe(true);
      expect(haveSameMap(s, first), label).toBe(true);
      expect(Object.isFrozen(s)).toBe(true);
    }
  });

  it('can fail: a copy of the record with its first property deleted is in dictionary mode', () => {
    const slow: Record<string, unknown> = { ...resolveSettings({ release: RELEASES[0].name }) };
    expect(hasFastProperties(slow)).toBe(true);
    delete slow[Object.keys(slow)[0]];
    expect(hasFastProperties(slow)).toBe(false);
  });
});

/*
 * Every property of the record is in the object itself (V8's in-object properties), none in
 * the separate property array a spread copy keeps all but its first four in (one more load per
 * read in every rule). V8 says where each property is in %DebugPrint's listing, which a child
 * `node` prints for the record as built (dist/, built by the global setup), and for a spread
 * copy of it (the can-fail case).
 */
describe('resolved settings, where V8 keeps their properties', () => {
  const DIST = pathToFileURL(join(fileURLToPath(new URL('../../', import.meta.url)), 'dist/')).href;
  /** %DebugPrint's listing of `expr` (of `s`, the resolved record of `release`), in a child node. */
  const listing = (release: string, expr: string): string =>
    execFileSync(
      process.execPath,
      ['--allow-natives-syntax', '--input-type=module', '-e', `const { resolveSettings } = await import(${JSON.stringify(`${DIST}model/config.js`)});
const s = resolveSettings({ release: ${JSON.stringify(release)} });
%DebugPrint(${expr});`],
      { encoding: 'utf8' },
    );
  const where = (text: string): { inObject: number; outside: number } => ({
    inObject: (text.match(/location: in-object/g) ?? []).length,
    outside: (text.match(/location: properties\[/g) ?? []).length,
  });

  it('every setting is an in-object property, for the oldest and the newest release', () => {
    for (const release of [RELEASES[0].name, RELEASES[RELEASES.length - 1].name]) {
      expect(where(listing(release, 's')), release).toEqual({ inObject: SETTING_INFO.length, outside: 0 });
    }
  });

  it('can fail: a spread copy of the record keeps most of them outside the object', () => {
    const w = where(listing(RELEASES[0].name, 'Object.freeze({ ...s })'));
    expect(w.inObject + w.outside).toBe(SETTING_INFO.length);
    expect(w.outside).toBeGreaterThan(0);
  });
});

/*
 * V8 keeps no type for an object's boolean field, so a truth test of one (`if
 * (ctx.s.enablePopBufferMerge)`) compiles to a compare with false, the empty string, undetectable
 * objects, heap numbers and BigInts; `=== true` is one compare. The rules on every ack compare
 * enablePopBufferMerge with true (docs/explorer.md, "The model's work per transition, a fourth
 * round"), which is its truth test only while every boolean setting is true or false itself.
 */
describe('boolean settings compared with true', () => {
  it('every boolean setting of every resolved record is true or false', () => {
    let checked = 0;
    for (const { label, s } of everyResolved()) {
      for (const info of SETTING_INFO) {
        if (info.type !== 'boolean') continue;
        const v = (s as Record<string, unknown>)[info.name];
        expect(v === true || v === false, `${label} ${info.name}`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it("ack's path compares enablePopBufferMerge with true, not for truth", () => {
    const src = readFileSync('model/protocol/ack.ts', 'utf8');
    const reads = [...src.matchAll(/\.enablePopBufferMerge\b(\s*[!=]==\s*true)?/g)];
    expect(reads.length).toBeGreaterThanOrEqual(2);
    for (const m of reads) expect(m[1], `a truth test of enablePopBufferMerge in ack.ts: ${m[0]}`).toBeDefined();
  });
});
