/**
 * The model's modules on the explorer's path read the layout's constants (and K, ...) as
 * module-local consts, not through imported bindings: V8 folds a module's own constants into
 * optimized code and loads an imported binding at every use (docs/explorer.md, "Counting
 * instructions", "The model side: imported constants"). A new named import of one of them would
 * still work, only slower; this keeps it from coming back unnoticed.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as layoutModule from '../../model/layout.js';

const HOT = [
  'model/lifecycles.ts',
  'model/invariants.ts',
  'model/step.ts',
  'model/state.ts',
  'model/symmetry.ts',
  'model/protocol/ack.ts',
  'model/protocol/broker.ts',
  'model/protocol/buffer.ts',
  'model/protocol/change.ts',
  'model/protocol/ck.ts',
  'model/protocol/keys.ts',
  'model/protocol/observe.ts',
  'model/protocol/pop.ts',
  'model/protocol/queue.ts',
  'model/protocol/revive.ts',
  'model/protocol/store.ts',
  'model/protocol/time.ts',
  'model/scenarios/ack-flush.ts',
  'model/scenarios/full.ts',
];

/** Exported constants (objects and numbers, by their UPPER_CASE names) of the modules the hot ones read per step. */
const CONSTANTS = new Set([
  ...Object.keys(layoutModule).filter((n) => /^[A-Z][A-Z0-9_]*$/.test(n)),
  'K',
  'ARRIVED',
  'DELAY_LEVELS_MS',
  'DEQUEUE_BEHIND_UNIT_MS',
  'INFLIGHT_STAY_MS',
]);

/** The names a module imports by name (not `import type`, not namespaces), with the module they come from. */
function namedImports(src: string): { name: string; from: string }[] {
  const out: { name: string; from: string }[] = [];
  for (const m of src.matchAll(/^import\s+\{([^}]*)\}\s+from\s+'([^']+)';/gm)) {
    for (const spec of m[1].split(',')) {
      const name = spec.trim();
      if (name !== '' && !name.startsWith('type ')) out.push({ name: name.split(/\s+as\s+/)[0], from: m[2] });
    }
  }
  return out;
}

/**
 * The functions an ack after the flush (nearly every step of ack-flush) calls in another module,
 * by the module that calls them: each is read as a module-local const, which V8 folds into the
 * optimized caller, where a named import's binding is loaded and checked before every call
 * (docs/explorer.md, "The model's ack path per transition").
 */
const ACK_PATH: Readonly<Record<string, readonly string[]>> = {
  'model/popmodel.ts': ['applyInto'],
  'model/step.ts': ['ack', 'findCkForHandle'],
  'model/protocol/ack.ts': ['findWrapper', 'narrating', 'writeRevive'],
};

/** Whether `src` declares `name` as a module-local const destructured from a module namespace. */
function localConst(src: string, name: string): boolean {
  return new RegExp(`^const \\{[^}]*\\b${name}\\b[^}]*\\} = \\w+Module;$`, 'm').test(src);
}

describe("the explorer's model modules", () => {
  it('import no layout constant (nor K, ARRIVED, the timer constants) by name', () => {
    expect(CONSTANTS.has('C') && CONSTANTS.has('G') && CONSTANTS.has('CF') && CONSTANTS.has('KIND')).toBe(true);
    for (const file of HOT) {
      const bad = namedImports(readFileSync(file, 'utf8')).filter((i) => CONSTANTS.has(i.name));
      expect(bad, file).toEqual([]);
    }
  });

  it("read the ack path's functions from other modules as module-local consts, not named imports", () => {
    for (const [file, names] of Object.entries(ACK_PATH)) {
      const src = readFileSync(file, 'utf8');
      expect(namedImports(src).filter((i) => names.includes(i.name)), file).toEqual([]);
      for (const name of names) expect(localConst(src, name), `${file}: ${name}`).toBe(true);
    }
  });

  it('the check sees a named import of a constant', () => {
    expect(namedImports("import { C, CF, fullMask, type Layout } from '../layout.js';").map((i) => i.name)).toEqual(['C', 'CF', 'fullMask']);
    expect(namedImports("import { K, type Ctx } from './context.js';").filter((i) => CONSTANTS.has(i.name))).toHaveLength(1);
    expect(localConst('const { findWrapper } = keysModule;', 'findWrapper')).toBe(true);
    expect(localConst("import { findWrapper } from './keys.js';", 'findWrapper')).toBe(false);
    expect(localConst('const { findWrapperAt } = keysModule;', 'findWrapper')).toBe(false);
  });
});
