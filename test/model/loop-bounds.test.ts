/**
 * The read-only walks over a state on the explorer's path (the invariants, the breakpoints, the
 * scenarios' enabled computations) read a loop's bound once, before the loop, not at every test:
 * V8 does not hoist a typed-array read out of a loop, and each read costs about 13 instructions
 * (docs/explorer.md, "The model's own work per transition"). A loop condition that reads the state
 * again would still be right, only slower; this keeps it from coming back unnoticed. (Rules that
 * write the state while they walk it keep their loops as they are.)
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const READ_ONLY = ['model/invariants.ts', 'model/protocol/time.ts', 'model/scenarios/ack-flush.ts', 'model/scenarios/full.ts'];

/** The `for` loops of `src` whose condition reads an element of a state array (d, st, before, after). */
function loopsReadingTheState(src: string): string[] {
  return [...src.matchAll(/for \(let (\w+) = [^;]+; \1 < (?:d|st|before|after)\[[^\]]+\]; /g)].map((m) => m[0]);
}

describe('read-only walks over the state', () => {
  it('are recognised (the pattern finds a loop that reads its bound at every test)', () => {
    expect(loopsReadingTheState('for (let k = 0; k < d[G.NCK]; k++) {')).toHaveLength(1);
    expect(loopsReadingTheState('for (let i = 0; i < st[c + C.NUM]; i++)')).toHaveLength(1);
    expect(loopsReadingTheState('for (let k = 0, nck = d[G.NCK]; k < nck; k++) {')).toHaveLength(0);
  });

  it('read their loop bounds once', () => {
    for (const file of READ_ONLY) expect(loopsReadingTheState(readFileSync(file, 'utf8')), file).toEqual([]);
  });
});
