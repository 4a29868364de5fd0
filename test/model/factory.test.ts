import { describe, expect, it } from 'vitest';
import { CK_CATALOGUE as CATALOGUE } from '../../model/catalogue.js';
import { buildPopModel, createModel, ModelArgsError, type ModelArgs } from '../../model/factory.js';
import { reproductionIdentity } from '../../model/identity.js';
import { ModelIdentitySchema } from '../../model/identity-schema.js';
import { TraceHeaderSchema } from '../../traces/format.js';

const args: ModelArgs = { scenario: 'ack-flush', messages: 4, rocketmq: '5.3.2', batchAck: true, settings: {}, invariants: ['no-loss'] };

describe('model/factory', () => {
  it('builds the model the CLI builds, from plain (cloned) arguments', () => {
    const m = createModel(structuredClone(args));
    const direct = buildPopModel(args);
    expect(m.name).toBe(direct.name);
    expect(m.ctx.s).toEqual(direct.ctx.s);
    expect(m.ctx.s.enablePopBatchAck).toBe(true);
    expect(m.invariants.map((i) => i.name)).toEqual(['no-loss']);
  });

  it('refuses arguments it cannot use, in one line naming the argument', () => {
    const bad: [unknown, RegExp, readonly PropertyKey[]][] = [
      [{ ...args, messages: 'four' }, /^invalid model arguments: messages: /, ['messages']],
      [{ ...args, settings: { nope: true } }, /^invalid model arguments: settings: /, ['settings']],
      [{ ...args, invariants: ['x'] }, /^invalid model arguments: invariants\.0: /, ['invariants', 0]],
      [null, /^invalid model arguments: \(root\): /, []],
      [{ ...args, scenario: 'nope' }, /unknown scenario 'nope'/, ['scenario']],
      [{ ...args, settings: { popInvisibleTime: 1234 } }, /multiple of 500 ms/, ['settings', 'popInvisibleTime']],
      [{ ...args, overrides: {} }, /Unrecognized key/, []],
    ];
    for (const [input, message, path] of bad) {
      expect(() => createModel(input)).toThrow(message);
      try {
        createModel(input);
      } catch (err) {
        expect(err).toBeInstanceOf(ModelArgsError);
        expect((err as ModelArgsError).path).toEqual(path);
      }
    }
  });
});

describe('model/identity: one schema for the CLI, trace headers, the catalogue and the workers', () => {
  const full = { scenario: 'full', messages: 3, rocketmq: '5.3.2' };
  const refused = (id: unknown): string | null => {
    const r = ModelIdentitySchema.safeParse(id);
    return r.success ? null : `${r.error.issues[0].path.join('.')}: ${r.error.issues[0].message}`;
  };

  it('bounds have the CLI flags min and max; unknown bounds are refused', () => {
    expect(refused({ ...full, bounds: { retryFailures: 4 } })).toBeNull();
    expect(refused({ ...full, bounds: { retryFailures: 10_000_000 } })).toMatch(/^bounds\.retryFailures: must be an integer from 0 to 4/);
    expect(refused({ ...full, bounds: { crashes: -1 } })).toMatch(/^bounds\.crashes: must be an integer from 0 to 4/);
    expect(refused({ ...full, bounds: { pops: 0 } })).toMatch(/^bounds\.pops: must be an integer from 1 to 16/);
    expect(refused({ ...full, bounds: { crashs: 1 } })).toMatch(/^bounds: Unrecognized key/);
    expect(refused({ ...full, bounds: { queues: 2, queueIds: [0] } })).toMatch(/^bounds\.queueIds: needs one value per queue/);
    expect(refused({ scenario: 'ack-flush', messages: 3, rocketmq: '5.3.2', bounds: { pops: 2 } })).toMatch(/^bounds\.pops: applies to the full scenario/);
    expect(refused({ ...full, messages: 17 })).toMatch(/^messages: must be an integer from 1 to 16/);
    expect(refused({ ...full, rocketmq: '9.9' })).toMatch(/^rocketmq: unknown release '9\.9'/);
  });

  it('numbers the Int32 state cannot hold are refused, not wrapped', () => {
    expect(refused({ ...full, bounds: { firstOffsets: [2_147_483_646] } })).toMatch(/^bounds\.firstOffsets\.0: must be an integer from 0 to 1073741823/);
    expect(refused({ ...full, bounds: { firstOffsets: [99_999_999_999] } })).toMatch(/^bounds\.firstOffsets\.0: /);
    // The last offset (first + messages + produce - 1) must stay below 2^30.
    expect(refused({ ...full, bounds: { firstOffsets: [(1 << 30) - 3] } })).toBeNull();
    expect(refused({ ...full, bounds: { firstOffsets: [(1 << 30) - 3], produce: 1 } })).toMatch(/^bounds\.firstOffsets: first offset 1073741821 \+ 3 messages \+ 1 produced/);
    expect(refused({ ...full, bounds: { queueIds: [2 ** 31] } })).toMatch(/^bounds\.queueIds\.0: /);
    expect(refused({ ...full, settings: { reviveAckWaitMs: 2 ** 31 } })).toMatch(/^settings\.reviveAckWaitMs: must be at most 86400000/);
  });

  it('every catalogue entry names a valid model on both runs', () => {
    for (const e of CATALOGUE) {
      for (const run of [e.buggy, e.fixed]) {
        expect(refused(reproductionIdentity(e, run, [e.invariant])), `${e.id} ${run.label}`).toBeNull();
      }
    }
  });

  it('a trace header is the same identity plus the format name and version', () => {
    const ok = TraceHeaderSchema.safeParse({ popcheck: 'trace', version: 1, ...full, bounds: { retryFailures: 1 } });
    expect(ok.success).toBe(true);
    const bad = TraceHeaderSchema.safeParse({ popcheck: 'trace', version: 1, ...full, bounds: { retryFailures: 10_000_000 } });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0].path).toEqual(['bounds', 'retryFailures']);
  });
});
