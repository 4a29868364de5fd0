/**
 * Release presets: the behaviour settings each RocketMQ release had. Config settings
 * (BrokerConfig options) and model settings are not part of a release. "head" is the
 * reference's source basis, apache/rocketmq 8fc57f1468 (2025-09-19, after 5.3.3).
 */
import type { SettingName, Settings } from './settings.js';

export const BEHAVIOUR_NAMES = [
  'bufferAckOmitsBrokerName',
  'bufferBatchAckOmitsBrokerName',
  'reviveKeyHasBrokerName',
  'reviveBlankBrokerNameFallback',
  'timerMode',
  'reviveEndTimeFromStoreTime',
  'reviveMocksOrphanAck',
  'gcUsesRawGroupTable',
  'reviveSkipsStoredAfterPopTime',
  'reviveReadsNextLiveMessage',
  'reviveAsync',
  'reviveIdleRule',
  'batchAckSupported',
  'rePutCk',
  'rePutCkOmitsBrokerName',
  'rePutCkBacksOff',
  'keyMode',
  'bufferMergeKeyGuard',
] as const satisfies readonly SettingName[];

export type Behaviours = Pick<Settings, (typeof BEHAVIOUR_NAMES)[number]>;

export interface Release {
  readonly name: string;
  /** Tag or commit. */
  readonly ref: string;
  readonly date: string;
  readonly note: string;
  readonly behaviours: Behaviours;
}

const ALPHA: Behaviours = {
  bufferAckOmitsBrokerName: true,
  bufferBatchAckOmitsBrokerName: true,
  reviveKeyHasBrokerName: false,
  reviveBlankBrokerNameFallback: false,
  timerMode: 'delayLevel',
  reviveEndTimeFromStoreTime: true,
  reviveMocksOrphanAck: false,
  gcUsesRawGroupTable: true,
  reviveSkipsStoredAfterPopTime: true,
  reviveReadsNextLiveMessage: true,
  reviveAsync: false,
  reviveIdleRule: false,
  batchAckSupported: false,
  rePutCk: false,
  rePutCkOmitsBrokerName: false,
  rePutCkBacksOff: false,
  keyMode: 'concat',
  bufferMergeKeyGuard: false,
};

const V500: Behaviours = { ...ALPHA, timerMode: 'timerWheel', reviveEndTimeFromStoreTime: false, reviveIdleRule: true };
const V510: Behaviours = { ...V500, reviveMocksOrphanAck: true, reviveAsync: true, rePutCk: true, rePutCkOmitsBrokerName: true };
const V530: Behaviours = {
  ...V510,
  reviveSkipsStoredAfterPopTime: false,
  batchAckSupported: true,
  rePutCkOmitsBrokerName: false,
  bufferMergeKeyGuard: true,
};
const V531: Behaviours = { ...V530, reviveKeyHasBrokerName: true, rePutCkBacksOff: true };
const V532: Behaviours = { ...V531, bufferAckOmitsBrokerName: false, reviveBlankBrokerNameFallback: true, gcUsesRawGroupTable: false };
const HEAD: Behaviours = { ...V532 };

export const RELEASES: readonly Release[] = [
  {
    name: '5.0.0-alpha',
    ref: 'rocketmq-all-5.0.0-ALPHA',
    date: '2022-03-11',
    note: 'CK and ACK delayed by delay levels; the revive has no idle rule and reads endTime from the re-put store time',
    behaviours: ALPHA,
  },
  { name: '5.0.0', ref: 'rocketmq-all-5.0.0', date: '2022-09-19', note: 'timer wheel for CK/ACK delivery (#4753); the 3 s idle rule', behaviours: V500 },
  {
    name: '5.1.0',
    ref: 'rocketmq-all-5.1.0',
    date: '2023-02-16',
    note: 'mock CK for orphan ACKs, opt-in (#5409); asynchronous revive with rePutCK (re-put CKs lack brokerName, #7412)',
    behaviours: V510,
  },
  { name: '5.3.0', ref: 'rocketmq-all-5.3.0', date: '2024-07-08', note: '"last epoch" skip removed from the revive (#7915); batch ack (since 5.1.2); merge-key conflict guards in the buffer (since 5.1.4, #7031)', behaviours: V530 },
  {
    name: '5.3.1',
    ref: 'rocketmq-all-5.3.1',
    date: '2024-09-25',
    note: 'brokerName added to the revive merge key (#8494); buffered acks still written without it (#8835); re-put CKs back off',
    behaviours: V531,
  },
  { name: '5.3.2', ref: 'rocketmq-all-5.3.2', date: '2025-03-08', note: 'buffered AckMsg carries brokerName (#8836); blank-brokerName fallback in the revive (#8981); LMQ garbage check (#9101)', behaviours: V532 },
  { name: 'head', ref: '8fc57f1468', date: '2025-09-19', note: 'the reference source basis (after 5.3.3)', behaviours: HEAD },
];

export const DEFAULT_RELEASE = '5.3.1';

export function findRelease(name: string): Release | undefined {
  return RELEASES.find((r) => r.name === name);
}
