/**
 * The resolved settings record has fast properties, one shape for every release: the rules
 * read it on every step (`ctx.s.timerMode`), and a record in V8's dictionary mode (which adding
 * its 41 properties one at a time by name made it) turned each of those reads into a generic
 * lookup of about 80 instructions (docs/explorer.md, "Instructions by function"). The check asks
 * V8 itself, through its natives syntax, enabled for the two functions compiled here only.
 */
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../model/config.js';
import { RELEASES } from '../../model/versions.js';

setFlagsFromString('--allow-natives-syntax');
const hasFastProperties = new Function('o', 'return %HasFastProperties(o)') as (o: object) => boolean;
const haveSameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;
setFlagsFromString('--no-allow-natives-syntax');

describe('resolved settings', () => {
  it('have fast properties, with one shape for every release and batch-ack choice', () => {
    const first = resolveSettings({ release: RELEASES[0].name });
    for (const r of RELEASES) {
      for (const batchAck of [false, true]) {
        let s;
        try {
          s = resolveSettings({ release: r.name, batchAck });
        } catch {
          continue; // batch ack before 5.1.2
        }
        expect(hasFastProperties(s), `${r.name}${batchAck ? ' batch' : ''}`).toBe(true);
        expect(haveSameMap(s, first), `${r.name}${batchAck ? ' batch' : ''}`).toBe(true);
        expect(Object.isFrozen(s)).toBe(true);
      }
    }
  });

  it('can fail: a copy of the record with its first property deleted is in dictionary mode', () => {
    const slow: Record<string, unknown> = { ...resolveSettings({ release: RELEASES[0].name }) };
    expect(hasFastProperties(slow)).toBe(true);
    delete slow[Object.keys(slow)[0]];
    expect(hasFastProperties(slow)).toBe(false);
  });
});
