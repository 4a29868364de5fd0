/**
 * For each switch with a buggy value: a configuration where flipping only that switch from
 * its good value to its buggy value makes a violation appear.
 */
import { describe, expect, it } from 'vitest';
import { findCkEntry as findEntry } from '../../model/catalogue.js';
import { SETTING_INFO, type SettingName, type SettingValue } from '../../model/settings.js';
import { checkEntry } from '../fixtures/catalogue.js';

interface Flip {
  /** Catalogue entry whose reproduction is the base. */
  readonly entry: string;
  /** Release of the base run. */
  readonly release: string;
  /** Other settings of the base run. */
  readonly base?: Partial<Record<SettingName, SettingValue>>;
}

const FLIPS: Partial<Record<SettingName, Flip>> = {
  // #8836 alone (without the #8981 fallback): only the AckMsg fix protects.
  bufferAckOmitsBrokerName: { entry: '8835', release: '5.3.2', base: { reviveBlankBrokerNameFallback: false } },
  bufferBatchAckOmitsBrokerName: { entry: '8835-batch', release: '5.3.2', base: { reviveBlankBrokerNameFallback: false } },
  // 5.3.0's buffer already omitted brokerName: harmless until the revive key includes it.
  reviveKeyHasBrokerName: { entry: '8835', release: '5.3.0' },
  reviveBlankBrokerNameFallback: { entry: '8835-batch', release: '5.3.2' },
  timerMode: { entry: '3787', release: '5.0.0' },
  gcUsesRawGroupTable: { entry: '9105', release: '5.3.2' },
  reviveSkipsStoredAfterPopTime: { entry: '7914', release: '5.3.0' },
  reviveReadsNextLiveMessage: { entry: '7724', release: 'head', base: { reviveReadsNextLiveMessage: false } },
  // 5.0.0 has no asynchronous revive; with asynchronous reads configured it holds until the switch is on.
  reviveAsync: { entry: 'I-7', release: '5.0.0' },
  rePutCkOmitsBrokerName: { entry: '7412', release: '5.3.0' },
  keyMode: { entry: 'I-1', release: 'head', base: { keyMode: 'tuple' } },
  // 5.3.1 answers a read past the queue end with needRetry false; the status switch brings the chain back.
  reviveRePutsOverflowRead: { entry: '8479', release: '5.3.1' },
  reviveReadFailureRePuts: { entry: '10985', release: 'head' },
  batchAckCallbackCopiesList: { entry: '10256', release: 'head' },
  // 5.0.0 with 5.0.0-alpha's null handling put back: the pop commits offset 0 again.
  popNullReadCommitsZero: { entry: '3503', release: '5.0.0' },
  bufferCommitMovesBack: { entry: 'H5.1', release: 'head' },
};

describe('every switch with a buggy value can expose the bug it guards', () => {
  for (const info of SETTING_INFO.filter((s) => s.buggy !== undefined)) {
    it(`${info.name}: good value holds, buggy value ${String(info.buggy)} violates`, () => {
      const flip = FLIPS[info.name];
      expect(flip, `no flip recipe for ${info.name}`).toBeDefined();
      const e = findEntry(flip!.entry)!;
      const run = { release: flip!.release, label: flip!.release };
      const good = info.type === 'boolean' ? !info.buggy : info.values!.find((v) => v !== info.buggy)!;
      const holds = checkEntry(e, run, { ...(flip!.base ?? {}), [info.name]: good });
      expect(holds.verdict).toBe('holds');
      const broken = checkEntry(e, run, { ...(flip!.base ?? {}), [info.name]: info.buggy as SettingValue });
      expect(broken.verdict).toBe('violated');
      expect(broken.violations[0].invariant).toBe(e.invariant);
    });
  }
});

describe('config and model switches of the hypotheses', () => {
  it('splitAddAk exposes I-3, escapeToRemoteBroker exposes I-8', () => {
    expect(checkEntry(findEntry('I-3')!, { release: 'head', label: '' }, { splitAddAk: false }).verdict).toBe('holds');
    expect(checkEntry(findEntry('I-3')!, { release: 'head', label: '' }, { splitAddAk: true }).verdict).toBe('violated');
    expect(checkEntry(findEntry('I-8')!, { release: 'head', label: '' }, { escapeToRemoteBroker: false }).verdict).toBe('holds');
    expect(checkEntry(findEntry('I-8')!, { release: 'head', label: '' }, { escapeToRemoteBroker: true }).verdict).toBe('violated');
  });
});
