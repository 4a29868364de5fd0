/**
 * For each behaviour switch: a configuration where flipping only that switch from its
 * good value to its buggy value makes a violation appear.
 */
import { describe, expect, it } from 'vitest';
import { SETTING_INFO } from '../../model/settings.js';
import { checkAckFlush, type AckFlushCase } from '../fixtures/models.js';

const CASES: Record<string, { base: AckFlushCase; note: string }> = {
  // 031687dbd7 alone (#8836 without the #8981 fallback): only the AckMsg fix protects.
  bufferAckOmitsBrokerName: {
    base: { release: '5.3.2', messages: 3, overrides: { reviveBlankBrokerNameFallback: false } },
    note: 'buffered AckMsg without brokerName, no revive fallback',
  },
  // Batch ack with the key on brokerName and no fallback: only putBatchAckToStore's brokerName protects.
  bufferBatchAckOmitsBrokerName: {
    base: { release: '5.3.2', messages: 3, batchAck: true, overrides: { reviveBlankBrokerNameFallback: false } },
    note: 'BatchAckMsg without brokerName, no revive fallback',
  },
  // 5.3.1's buffer writes with the revive key of 5.3.0: harmless until the key includes brokerName.
  reviveKeyHasBrokerName: {
    base: { release: '5.3.0', messages: 3 },
    note: 'revive key gains brokerName while buffered acks lack it',
  },
  // 5.3.2 batch ack relies on the fallback alone.
  reviveBlankBrokerNameFallback: {
    base: { release: '5.3.2', messages: 3, batchAck: true },
    note: 'blank-brokerName fallback removed',
  },
};

describe('the brokerName switches of #8835 / #8981, one at a time', () => {
  for (const info of SETTING_INFO.filter((s) => s.name in CASES)) {
    it(`${info.name}: good value holds, buggy value violates`, () => {
      const c = CASES[info.name];
      const good = info.buggy === true ? false : true;
      const holds = checkAckFlush({ ...c.base, overrides: { ...c.base.overrides, [info.name]: good } });
      expect(holds.verdict).toBe('holds');
      const broken = checkAckFlush({ ...c.base, overrides: { ...c.base.overrides, [info.name]: info.buggy } });
      expect(broken.verdict).toBe('violated');
      expect(broken.violations.map((v) => v.invariant)).toContain('acked-never-retried');
    });
  }
});

describe('config switches', () => {
  it('with enablePopBufferMerge=false every CK is stored at pop and every ack goes to the store: 5.3.1 holds', () => {
    const r = checkAckFlush({ release: '5.3.1', messages: 3, overrides: { enablePopBufferMerge: false } });
    expect(r.verdict).toBe('holds');
  });

  it('ack-flush refuses an invisibleTime that makes the CK due before the flush', () => {
    expect(() => checkAckFlush({ release: '5.3.1', messages: 3, overrides: { popInvisibleTime: 4000 } })).toThrow(/needs popInvisibleTime/);
  });
});
