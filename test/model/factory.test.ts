import { describe, expect, it } from 'vitest';
import { buildPopModel, createModel, ModelArgsError, type ModelArgs } from '../../model/factory.js';

const args: ModelArgs = { scenario: 'ack-flush', messages: 4, rocketmq: '5.3.2', batchAck: true, overrides: {}, invariants: ['no-loss'] };

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
    const bad: [unknown, RegExp][] = [
      [{ ...args, messages: 'four' }, /^invalid model arguments: messages: /],
      [{ ...args, overrides: { nope: true } }, /^invalid model arguments: overrides: /],
      [{ ...args, invariants: ['x'] }, /^invalid model arguments: invariants\.0: /],
      [null, /^invalid model arguments: \(root\): /],
    ];
    for (const [input, message] of bad) {
      expect(() => createModel(input)).toThrow(message);
      expect(() => createModel(input)).toThrow(ModelArgsError);
    }
    expect(() => createModel({ ...args, scenario: 'nope' })).toThrow("unknown scenario 'nope'");
    expect(() => createModel({ ...args, overrides: { popInvisibleTime: 1234 } })).toThrow(/multiple of 500 ms/);
  });
});
