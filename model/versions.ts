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
  'kvStagedMinOffset',
  'reviveRePutsOverflowRead',
  'reviveReadFailureRePuts',
  'asyncPutOptions',
  'batchAckCallbackCopiesList',
  'popNullReadCommitsZero',
  'bufferCommitMovesBack',
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
  kvStagedMinOffset: false,
  reviveRePutsOverflowRead: false,
  reviveReadFailureRePuts: false,
  asyncPutOptions: false,
  batchAckCallbackCopiesList: false,
  popNullReadCommitsZero: true,
  bufferCommitMovesBack: true,
};

const V500: Behaviours = { ...ALPHA, timerMode: 'timerWheel', reviveEndTimeFromStoreTime: false, reviveIdleRule: true, popNullReadCommitsZero: false };
const V510: Behaviours = { ...V500, reviveMocksOrphanAck: true, reviveAsync: true, rePutCk: true, rePutCkOmitsBrokerName: true, reviveRePutsOverflowRead: true };
const V514: Behaviours = { ...V510, batchAckSupported: true, bufferMergeKeyGuard: true };
const V520: Behaviours = { ...V514, rePutCkOmitsBrokerName: false };
const V530: Behaviours = { ...V520, reviveSkipsStoredAfterPopTime: false };
const V531: Behaviours = { ...V530, reviveKeyHasBrokerName: true, rePutCkBacksOff: true, reviveRePutsOverflowRead: false };
const V532: Behaviours = { ...V531, asyncPutOptions: true, bufferAckOmitsBrokerName: false, reviveBlankBrokerNameFallback: true, gcUsesRawGroupTable: false };
const V533: Behaviours = { ...V532 };
const HEAD: Behaviours = { ...V533, kvStagedMinOffset: true };

export const RELEASES: readonly Release[] = [
  {
    name: '5.0.0-alpha',
    ref: 'rocketmq-all-5.0.0-ALPHA',
    date: '2022-03-11',
    note: 'CK and ACK delayed by delay levels; the revive has no idle rule and reads endTime from the re-put store time',
    behaviours: ALPHA,
  },
  { name: '5.0.0', ref: 'rocketmq-all-5.0.0', date: '2022-09-19', note: 'timer wheel for CK/ACK delivery (#4753); the 3 s idle rule; a pop reading null no longer commits offset 0 (#3503)', behaviours: V500 },
  {
    name: '5.1.0',
    ref: 'rocketmq-all-5.1.0',
    date: '2023-02-16',
    note: 'mock CK for orphan ACKs, opt-in (#5409); asynchronous revive with rePutCK (re-put CKs lack brokerName, #7412)',
    behaviours: V510,
  },
  {
    name: '5.1.4',
    ref: 'rocketmq-all-5.1.4',
    date: '2023-09-21',
    note: 'batch ack (BatchAckMsg, since 5.1.2); merge-key conflict guards in the buffer (#7031); re-put CKs still lack brokerName',
    behaviours: V514,
  },
  { name: '5.2.0', ref: 'rocketmq-all-5.2.0', date: '2024-02-11', note: 're-put CKs carry brokerName (0027a1486d, #7412)', behaviours: V520 },
  { name: '5.3.0', ref: 'rocketmq-all-5.3.0', date: '2024-07-08', note: '"last epoch" skip removed from the revive (#7915)', behaviours: V530 },
  {
    name: '5.3.1',
    ref: 'rocketmq-all-5.3.1',
    date: '2024-09-25',
    note: 'brokerName added to the revive merge key (#8494); buffered acks still written without it (#8835); re-put CKs back off',
    behaviours: V531,
  },
  { name: '5.3.2', ref: 'rocketmq-all-5.3.2', date: '2025-03-08', note: 'buffered AckMsg carries brokerName (#8836); blank-brokerName fallback in the revive (#8981); LMQ garbage check (#9101)', behaviours: V532 },
  {
    name: '5.3.3',
    ref: 'rocketmq-all-5.3.3',
    date: '2025-05-07',
    note: "the CK path as in 5.3.2 (PopReviveService, PopBufferMergeService, AckMessageProcessor and ChangeInvisibleTimeProcessor unchanged; PopMessageProcessor's changes are in the KV service's pop)",
    behaviours: V533,
  },
  { name: 'head', ref: '8fc57f1468', date: '2025-09-19', note: 'the reference source basis (after 5.3.3)', behaviours: HEAD },
];

/**
 * Where each switch value of the presets added last comes from: the line(s) at the tag that
 * decide it. File abbreviations: PRS = broker/.../processor/PopReviveService.java, PBMS =
 * PopBufferMergeService.java, EB = broker/.../failover/EscapeBridge.java, CFG =
 * common/.../BrokerConfig.java. (The other releases' values are cited in docs/model.md and in
 * each setting's source column.)
 */
export const PRESET_SOURCES: Readonly<Record<'5.1.4' | '5.2.0' | '5.3.3', Record<(typeof BEHAVIOUR_NAMES)[number], string>>> = {
  '5.1.4': {
    bufferAckOmitsBrokerName: 'putAckToStore sets popTime, no brokerName: PBMS:624-646',
    bufferBatchAckOmitsBrokerName: 'putBatchAckToStore sets no brokerName: PBMS:662-686',
    reviveKeyHasBrokerName: 'merge keys without brokerName: PRS:367, 380, 405',
    reviveBlankBrokerNameFallback: 'no blank-brokerName fallback (keys on the raw fields): PRS:380',
    timerMode: 'CK written with a delivery time (PopMessageProcessor.buildCkMsg L695), buffered AckMsg too (PBMS:642); the revive runs only with timerWheelEnable: PRS:638',
    reviveEndTimeFromStoreTime: 'endTime from getDeliverTimeMs: PRS:426',
    reviveMocksOrphanAck: 'mockCkForAck: PRS:386, 411, 437-450',
    gcUsesRawGroupTable: 'getSubscriptionGroupTable().containsKey: PBMS:204',
    reviveSkipsStoredAfterPopTime: '"skip ck from last epoch": PRS:553-557',
    reviveReadsNextLiveMessage: 'one-message read from the CK offset, no offset check: EB:273, used at PRS:558',
    reviveAsync: 'in-flight map and future chain: PRS:526-585; revive offset committed at dispatch: PRS:515',
    reviveIdleRule: '3 s idle rule: PRS:331',
    batchAckSupported: 'BatchAckMsg handling in the revive: PRS:397-425; enablePopBatchAck: CFG:223',
    rePutCk: 'rePutCK from the completion: PRS:568, 588-601',
    rePutCkOmitsBrokerName: 'rePutCK sets no brokerName: PRS:588-601',
    rePutCkBacksOff: 'no back-off in rePutCK: PRS:588-601',
    keyMode: 'concatenated keys: PRS:367',
    bufferMergeKeyGuard: 'containsKey guards in addCkJustOffset and addCk: PBMS:435-441, 503-508 (440be1ed4c)',
    kvStagedMinOffset: 'no KV POP service (broker/pop/PopConsumerService.java came in 5.3.2, 35a6426ea9)',
    reviveRePutsOverflowRead: 'a read without message re-puts unless its status is one of four "gone" statuses: PRS:539-552 (OFFSET_OVERFLOW_* take the default branch)',
    reviveReadFailureRePuts: 'thenApply, and getNow in the allOf callback, with no handling of an exceptional read: PRS:535-585',
    asyncPutOptions: 'no appendCkAsync/appendAckAsync: every PBMS put is putMessageToSpecificQueue (PBMS:596-622, runInCurrent unused)',
    batchAckCallbackCopiesList: 'the scan sets toStoreBits itself from its list before clearing it (PBMS:276-294): no callback to read it',
    popNullReadCommitsZero: 'a null read returns the rest count, nothing committed: PopMessageProcessor L525-527 (completedFuture(null)), 545-548',
    bufferCommitMovesBack: 'commitOffset commits a smaller nextBeginOffset after a warning: PBMS:373-399 (warning L392, commit L394)',
  },
  '5.2.0': {
    bufferAckOmitsBrokerName: 'putAckToStore sets popTime (L634), no brokerName: PBMS:624-646',
    bufferBatchAckOmitsBrokerName: 'putBatchAckToStore sets no brokerName: PBMS:662-686',
    reviveKeyHasBrokerName: 'merge keys without brokerName: PRS:358, 371, 396',
    reviveBlankBrokerNameFallback: 'no blank-brokerName fallback: PRS:371',
    timerMode: 'CK written with a delivery time (PopMessageProcessor.buildCkMsg L740), buffered AckMsg too (PBMS:642); the revive runs only with timerWheelEnable: PRS:630',
    reviveEndTimeFromStoreTime: 'endTime from getDeliverTimeMs: PRS:417',
    reviveMocksOrphanAck: 'mockCkForAck: PRS:377, 402, 428',
    gcUsesRawGroupTable: 'getSubscriptionGroupTable().containsKey: PBMS:204',
    reviveSkipsStoredAfterPopTime: '"skip ck from last epoch": PRS:544-548',
    reviveReadsNextLiveMessage: 'one-message read from the CK offset, no offset check: EB:273, used at PRS:549',
    reviveAsync: 'in-flight map and future chain: PRS:517-576; revive offset committed at dispatch: PRS:506',
    reviveIdleRule: '3 s idle rule: PRS:322',
    batchAckSupported: 'BatchAckMsg handling in the revive: PRS:388; enablePopBatchAck: CFG:223',
    rePutCk: 'rePutCK from the completion: PRS:559, 579-593',
    rePutCkOmitsBrokerName: 'rePutCK sets brokerName: PRS:589 (0027a1486d)',
    rePutCkBacksOff: 'no back-off in rePutCK: PRS:579-593',
    keyMode: 'concatenated keys: PRS:358',
    bufferMergeKeyGuard: 'containsKey guards: PBMS:435-441, 503-508',
    kvStagedMinOffset: 'no KV POP service (broker/pop/PopConsumerService.java came in 5.3.2, 35a6426ea9)',
    reviveRePutsOverflowRead: 'status switch, OFFSET_OVERFLOW_* in the default branch (re-put): PRS:530-543; re-put CK carries brokerName (PRS:589), so its read is local',
    reviveReadFailureRePuts: 'thenApply, and getNow in the allOf callback: PRS:532-576',
    asyncPutOptions: 'no appendCkAsync/appendAckAsync: PBMS puts are synchronous (putMessageToSpecificQueue in putCkToStore, putAckToStore and putBatchAckToStore: PBMS:601, 646, 686)',
    batchAckCallbackCopiesList: 'synchronous batch put; the scan marks toStoreBits from its list before the finally clears it (PBMS:276-294)',
    popNullReadCommitsZero: 'a null read returns the rest count, nothing committed: PopMessageProcessor L565-567 (completedFuture(null)), 585-588',
    bufferCommitMovesBack: 'commitOffset commits a smaller nextBeginOffset after a warning: PBMS:373-399 (warning L392, commit L394)',
  },
  '5.3.3': {
    bufferAckOmitsBrokerName: 'putAckToStore sets brokerName: PBMS:647',
    bufferBatchAckOmitsBrokerName: 'putBatchAckToStore sets popTime (L703), no brokerName: PBMS:690-714',
    reviveKeyHasBrokerName: 'merge keys with brokerName: PRS:367, 382, 409',
    reviveBlankBrokerNameFallback: 'blank brokerName read as this broker\'s: PRS:380-382 (AckMsg), 407-409 (BatchAckMsg)',
    timerMode: 'CK written with a delivery time (PopMessageProcessor.buildCkMsg L930), buffered AckMsg too (PBMS:655); the revive runs only with timerWheelEnable: PRS:643',
    reviveEndTimeFromStoreTime: 'endTime from getDeliverTimeMs: PRS:430',
    reviveMocksOrphanAck: 'mockCkForAck: PRS:388, 415, 441; enableSkipLongAwaitingAck default false: CFG:223',
    gcUsesRawGroupTable: 'containsSubscriptionGroup: PBMS:204',
    reviveSkipsStoredAfterPopTime: 'no "last epoch" skip (removed by 9b4f16a5b4 in 5.3.0): PRS:541-551',
    reviveReadsNextLiveMessage: 'one-message read from the CK offset, no offset check: EB:309, used at PRS:549',
    reviveAsync: 'in-flight map and future chain: PRS:532-576; revive offset committed at dispatch: PRS:521',
    reviveIdleRule: '3 s idle rule: PRS:331',
    batchAckSupported: 'BatchAckMsg handling in the revive: PRS:399; enablePopBatchAck: CFG:231',
    rePutCk: 'rePutCK from the completion: PRS:559, 579-606',
    rePutCkOmitsBrokerName: 'rePutCK sets brokerName: PRS:596',
    rePutCkBacksOff: 'back-off in rePutCK: PRS:599-603',
    keyMode: 'concatenated keys: PRS:367',
    bufferMergeKeyGuard: 'containsKey guards: PBMS:428-433, 496-501',
    kvStagedMinOffset: 'one TreeMap per queue; cleanup removes due records before writing them to RocksDB: broker/pop/PopConsumerCache.java:145, 157, 248-251, 257-272 (head has the staged map: e6a587a82a)',
    reviveRePutsOverflowRead: 'a read without message re-puts only when needRetry: PRS:543-548; a local read that decodes nothing has needRetry false unless tiered OFFSET_FOUND_NULL: EB:316-323',
    reviveReadFailureRePuts: 'thenApply, and getNow in the allOf callback (PR #10986 open): PRS:541-576',
    asyncPutOptions: 'appendCkAsync / appendAckAsync: CFG:447-449; asynchronous puts PBMS:598-605, 660-666, 715-721',
    batchAckCallbackCopiesList: 'the scan passes its shared batchAckIndexList (PBMS:277, 287) and clears it in finally (PBMS:289-291); the callback iterates it (PBMS:742-744)',
    popNullReadCommitsZero: 'a null read returns the rest count, nothing committed: PopMessageProcessor L747-749, 767-774',
    bufferCommitMovesBack: 'commitOffset commits a smaller nextBeginOffset after a warning: PBMS:365-392 (warning L384, commit L386)',
  },
};

export const DEFAULT_RELEASE = '5.3.1';

export function findRelease(name: string): Release | undefined {
  return RELEASES.find((r) => r.name === name);
}
