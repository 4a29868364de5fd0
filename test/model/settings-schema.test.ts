/**
 * resolveSettings (model/config.ts) checks the resolved record against SETTING_INFO without
 * zod, so that building a model does not load it; SettingsSchema (model/settings-schema.ts)
 * is still the schema of a Settings record (the report's schema, a trace header's overrides).
 * Both must say the same: the same names in the same order, every resolved record accepted
 * by the schema unchanged, and a record with a setting missing or of the wrong type refused
 * by both.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../model/config.js';
import { SCENARIOS } from '../../model/scenarios/index.js';
import { SETTING_INFO, type SettingInfo } from '../../model/settings.js';
import { SettingsSchema } from '../../model/settings-schema.js';
import { RELEASES } from '../../model/versions.js';

/** A valid value of a setting (times a multiple of 500 ms, as resolveSettings' own checks want). */
const validValue = (info: SettingInfo): fc.Arbitrary<unknown> =>
  info.type === 'boolean' ? fc.boolean() : info.type === 'enum' ? fc.constantFrom(...(info.values ?? [])) : fc.integer({ min: 1, max: 20 }).map((k) => k * 1000);

/** Values that are not of the setting's type. */
const wrongValues = (info: SettingInfo): unknown[] =>
  info.type === 'boolean' ? [0, 1, 'true', null] : info.type === 'enum' ? ['', 'other', 1, true] : [0, -500, 1.5, '1000', true, Number.NaN];
const wrongValue = (info: SettingInfo): fc.Arbitrary<unknown> => fc.constantFrom(...wrongValues(info));

/** resolveSettings' outcome: the record, or that it threw. */
function resolved(input: Parameters<typeof resolveSettings>[0]): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: resolveSettings(input) };
  } catch {
    return { ok: false };
  }
}

describe('settings without zod, checked against SettingsSchema', () => {
  it('SETTING_INFO names the schema keys in the schema order', () => {
    expect(SETTING_INFO.map((s) => s.name)).toEqual(Object.keys(SettingsSchema.shape));
  });

  it('every release and scenario resolves to a record the schema accepts unchanged, keys in order', () => {
    for (const release of RELEASES) {
      for (const def of [undefined, ...SCENARIOS]) {
        const r = resolved({ release: release.name, scenarioConfig: def?.config });
        if (!r.ok) continue; // a release/scenario pair the model refuses (e.g. batch ack before 5.1.2)
        expect(Object.keys(r.value as object)).toEqual(Object.keys(SettingsSchema.shape));
        expect(SettingsSchema.parse(r.value)).toEqual(r.value);
        expect(Object.isFrozen(r.value)).toBe(true);
      }
    }
  });

  it('random overrides: what resolves is what the schema accepts; a mistyped setting is refused by both', () => {
    const overrides = fc.array(
      fc.constantFrom(...SETTING_INFO).chain((info) => fc.tuple(fc.constant(info), fc.boolean(), validValue(info), wrongValue(info))),
      { maxLength: 4 },
    );
    fc.assert(
      fc.property(fc.constantFrom(...RELEASES.map((r) => r.name)), overrides, (release, picks) => {
        const o: Record<string, unknown> = {};
        for (const [info, bad, good, badValue] of picks) o[info.name] = bad ? badValue : good;
        // Whether a setting ends up mistyped (the last pick of each name counts).
        const wrong = Object.entries(o).some(([name, v]) => !SettingsSchema.shape[name as keyof typeof SettingsSchema.shape].safeParse(v).success);
        const r = resolved({ release, overrides: o as never });
        if (wrong) {
          expect(r.ok).toBe(false);
          return;
        }
        if (!r.ok) return; // refused by the model's own checks (timer precision, features of the release)
        expect(SettingsSchema.parse(r.value)).toEqual(r.value);
        for (const [name, v] of Object.entries(o)) expect((r.value as Record<string, unknown>)[name]).toEqual(v);
      }),
      { numRuns: 300 },
    );
  });

  it('each setting, given each value not of its type, is refused by both', () => {
    for (const info of SETTING_INFO) {
      for (const v of wrongValues(info)) {
        expect(SettingsSchema.shape[info.name].safeParse(v).success).toBe(false);
        expect(resolved({ release: '5.3.2', overrides: { [info.name]: v } as never }).ok).toBe(false);
      }
    }
  });

  it('an unknown key is left out, a missing setting refused, as the schema would', () => {
    const r = resolved({ release: '5.3.2', overrides: { notASetting: true } as never });
    expect(r.ok && Object.keys(r.value as object)).toEqual(Object.keys(SettingsSchema.shape));
    expect(resolved({ release: '5.3.2', overrides: { keyMode: undefined } as never }).ok).toBe(false);
  });
});
