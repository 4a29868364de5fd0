/**
 * Exercise 4, a solution: two invariants over the state record (model/state.ts), in
 * RocketMQ's words. See README.md beside this file for where each holds and breaks.
 */
import type { RecordInvariant } from '../../../../model/custom-invariant.js';
import type { StateRecord } from '../../../../model/state.js';

/**
 * No offset is written to the retry topic twice: not twice by its CK (retriedAgain), and not
 * by two CKs (the same queue and offset popped twice, each CK retrying it).
 */
export const noDoubleRetry: RecordInvariant = {
  name: 'no-double-retry',
  description: 'no offset of a queue is written to the retry topic twice',
  holds(r: StateRecord): boolean {
    const seen = new Set<string>();
    for (const ck of r.cks) {
      if (ck.retriedAgain.length > 0) return false;
      for (const offset of ck.retried) {
        const key = `${ck.queueId}:${offset}`;
        if (seen.has(key)) return false;
        seen.add(key);
      }
    }
    return true;
  },
};

/** Every AckMsg and BatchAckMsg in the timer wheel or the revive queue carries a brokerName. */
export const acksCarryBrokerName: RecordInvariant = {
  name: 'acks-carry-broker-name',
  description: 'every AckMsg/BatchAckMsg in the timer or the revive queue carries a brokerName',
  holds: (r: StateRecord): boolean => [...r.timer, ...r.reviveQueue].every((e) => e.tag === 'ck' || e.brokerName !== null),
};

export const invariants: readonly RecordInvariant[] = [noDoubleRetry, acksCarryBrokerName];
