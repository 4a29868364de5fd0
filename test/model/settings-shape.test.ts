/**
 * The resolved settings record has fast properties, one shape for every release: the rules
 * read it on every step (`ctx.s.timerMode`), and a record in V8's dictionary mode (which adding
 * its 41 properties one at a time by name made it) turned each of those reads into a generic
 * lookup of about 80 instructions (docs/explorer.md, "Instructions by function"). The check asks
 * V8 itself, through its natives syntax, enabled for the two functions compiled here only.
 */
import { readFileSync } from 'node:fs';
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
