/**
 * Typed observations (model/observations.ts): every kind is produced by some run, every one
 * produced parses with ObservationSchema, and their rendering (model/render.ts) is the
 * narration, note for note.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { check } from '../../checker/index.js';
import { CK_CATALOGUE as CATALOGUE, findCkEntry as findEntry } from '../../model/catalogue.js';
import { resolveSettings } from '../../model/config.js';
import { narrate } from '../../model/narrate.js';
import { OBSERVATION_ACTOR, type Observation } from '../../model/observations.js';
import { OBSERVATION_KINDS, ObservationSchema } from '../../model/observation-schema.js';
import { PopModel } from '../../model/popmodel.js';
import type { Note } from '../../model/protocol/context.js';
import { renderObservation } from '../../model/render.js';
import type { FullBounds } from '../../model/scenarios/full.js';
import { findScenario } from '../../model/scenarios/index.js';
import type { SettingName, SettingValue } from '../../model/settings.js';
import { apply, applyNarrated } from '../../model/step.js';
import { cli } from '../cli/helpers.js';
import { entryModel } from '../fixtures/catalogue.js';
import { walk } from '../fixtures/walk.js';

function fullModel(release: string, bounds: Partial<FullBounds>, settings: Partial<Record<SettingName, SettingValue>> = {}): PopModel {
  const def = findScenario('full')!;
  const s = resolveSettings({ release, scenarioConfig: def.config, overrides: settings });
  return new PopModel(def.build({ messages: 1, release, settings: s, bounds }));
}

const one = { messages: 1, pops: 1, batch: 1 } as const;

/** Every catalogue model (buggy and fixed run), and full-scenario runs for what the catalogue never does. */
function models(): [string, PopModel][] {
  const out: [string, PopModel][] = [];
  for (const e of CATALOGUE) for (const run of [e.buggy, e.fixed]) out.push([`${e.id} ${run.label}`, entryModel(e, run)]);
  const e9105 = findEntry('9105')!;
  out.push(
    ['full head changes=1', fullModel('head', { ...one, changes: 1 })],
    ['full head slowScans=1', fullModel('head', { ...one, slowScans: 1 })],
    ['full head roleChanges=1', fullModel('head', { ...one, roleChanges: 1 })],
    ['full 5.0.0 retryFailures=1, no buffer', fullModel('5.0.0', { ...one, retryFailures: 1 }, { enablePopBufferMerge: false })],
    ['9105 without the merge-key guard', entryModel(e9105, e9105.buggy, { bufferMergeKeyGuard: false })],
    [
      'full head, late asynchronous CK and AckMsg puts',
      fullModel('head', { messages: 2, pops: 1, batch: 2 }, { appendCkAsync: true, appendAckAsync: true, putsCompleteLate: true }),
    ],
    ['full head expire=1 cqLag (a mock wrapper)', fullModel('head', { ...one, expire: 1, cqLag: true })],
  );
  return out;
}

interface Seen {
  kinds: Map<string, string>;
  observations: number;
  unparsed: { model: string; o: Observation; error: string }[];
  misrendered: { model: string; notes: Note[]; rendered: Note[] }[];
}

function survey(): Seen {
  const seen: Seen = { kinds: new Map(), observations: 0, unparsed: [], misrendered: [] };
  for (const [name, m] of models()) {
    walk(m, (s, e) => {
      const { notes, observations } = applyNarrated(s, m.ctx, e);
      const rendered = observations.map(renderObservation);
      if (JSON.stringify(rendered) !== JSON.stringify(notes) && seen.misrendered.length < 5) seen.misrendered.push({ model: name, notes, rendered });
      for (const o of observations) {
        seen.observations++;
        if (!seen.kinds.has(o.kind)) seen.kinds.set(o.kind, name);
        const r = ObservationSchema.safeParse(o);
        if (!r.success && seen.unparsed.length < 5) seen.unparsed.push({ model: name, o, error: r.error.message });
      }
    });
  }
  return seen;
}

describe('observations over every reachable step of the catalogue models and a few full-scenario runs', () => {
  let seen: Seen;
  beforeAll(() => {
    seen = survey();
  }, 120_000);

  it('produce every kind of the schema, and only those', () => {
    expect(new Set(seen.kinds.keys())).toEqual(new Set(OBSERVATION_KINDS));
    expect(new Set(OBSERVATION_KINDS).size).toBe(OBSERVATION_KINDS.length);
    expect(Object.keys(OBSERVATION_ACTOR).sort()).toEqual([...OBSERVATION_KINDS].sort());
  });

  it('all parse with ObservationSchema', () => {
    expect(seen.observations).toBeGreaterThan(10_000);
    expect(seen.unparsed).toEqual([]);
  });

  it('render to exactly the notes of the same step', () => {
    expect(seen.misrendered).toEqual([]);
  });
});

describe('observations in counterexamples', () => {
  for (const e of CATALOGUE.filter((x) => x.expectBuggy === 'violated')) {
    it(`${e.id}: each step's observations parse and render to its notes`, () => {
      const m = entryModel(e, e.buggy);
      const r = check(m);
      const path = r.violations[0].counterexample;
      const steps = narrate(m, path);
      expect(steps.length).toBe(e.shortest);
      for (const st of steps) {
        expect(st.observations.length).toBe(st.notes.length);
        expect(st.observations.length).toBeGreaterThan(0);
        for (const o of st.observations) expect(ObservationSchema.parse(o)).toEqual(o);
        expect(st.observations.map(renderObservation)).toEqual(st.notes);
      }
    });
  }

  it('the --json report carries them next to the notes', async () => {
    const j = JSON.parse((await cli('check', '--messages', '2', '--json')).stdout) as {
      counterexample: { steps: { notes: Note[]; observations: unknown[] }[] };
    };
    const steps = j.counterexample.steps;
    expect(steps.length).toBeGreaterThan(0);
    for (const st of steps) {
      const obs = st.observations.map((o) => ObservationSchema.parse(o));
      expect(obs.map(renderObservation)).toEqual(st.notes);
    }
    const kinds = steps.flatMap((st) => st.observations.map((o) => (o as Observation).kind));
    expect(kinds).toContain('putAckToStore');
    expect(kinds).toContain('ackDropped');
    expect(kinds).toContain('retryMsg');
  });
});

describe('without narration', () => {
  it('apply records nothing and reaches the same state', () => {
    const e = findEntry('8835')!;
    const m = entryModel(e, e.buggy);
    walk(m, (s, ev, n) => {
      const observations: Observation[] = [];
      const quiet = apply(s, { L: m.ctx.L, s: m.ctx.s, notes: null }, ev);
      const onlyObs = apply(s, { L: m.ctx.L, s: m.ctx.s, notes: null, observations }, ev);
      expect(quiet).toEqual(n);
      expect(onlyObs).toEqual(n);
      expect(observations.length).toBeGreaterThan(0);
    });
  });
});
