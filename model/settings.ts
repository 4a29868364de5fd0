/**
 * Every behaviour the model can vary is a named setting. Three kinds:
 * - `config`: a BrokerConfig / client option an operator sets (named as in RocketMQ);
 * - `behaviour`: what a release's code does, set by `--rocketmq <release>` (versions.ts);
 * - `model`: how finely the model cuts a step (splits that expose races).
 * Any setting can be overridden with `--set name=value`.
 */
// The zod schema is in settings-schema.ts, loaded only where settings come from outside (a
// trace, the JSON report's schema): the model and the explorer do not load zod. The type is
// the schema's, through a type-only import that the compiler erases.
import type { z } from 'zod';
import type { SettingsSchema } from './settings-schema.js';

export type Settings = Readonly<z.infer<typeof SettingsSchema>>;
export type SettingName = keyof Settings;
export type SettingValue = Settings[SettingName];

export interface SettingInfo {
  readonly name: SettingName;
  readonly kind: 'config' | 'behaviour' | 'model';
  readonly type: 'boolean' | 'ms' | 'enum';
  readonly values?: readonly string[];
  /** For behaviours: the value that carries a known bug or hazard. */
  readonly buggy?: boolean | string;
  readonly doc: string;
  /** Where the behaviour lives in RocketMQ, or the commit that changed it. */
  readonly source: string;
}

export const SETTING_INFO: readonly SettingInfo[] = [
  {
    name: 'enablePopBufferMerge',
    kind: 'config',
    type: 'boolean',
    doc: 'Keep a popped CK in the in-memory buffer (addCk) and merge acks into it (addAk); off: every CK is stored at pop (addCkJustOffset).',
    source: 'BrokerConfig.enablePopBufferMerge (default false)',
  },
  {
    name: 'enablePopBatchAck',
    kind: 'config',
    type: 'boolean',
    doc: 'The buffer flush writes one BatchAckMsg (tag bAck) for all buffered acks of a CK instead of one AckMsg each.',
    source: 'BrokerConfig.enablePopBatchAck (default false)',
  },
  {
    name: 'popInvisibleTime',
    kind: 'config',
    type: 'ms',
    doc: 'invisibleTime of each pop; the CK is due for revive at T = popTime + invisibleTime.',
    source: 'client popInvisibleTime (default 60000)',
  },
  {
    name: 'popCkStayBufferTime',
    kind: 'config',
    type: 'ms',
    doc: 'The scan flushes a CK that stayed longer than this; addAk refuses after this minus 1500 ms.',
    source: 'BrokerConfig.popCkStayBufferTime (default 10000)',
  },
  {
    name: 'popCkStayBufferTimeOut',
    kind: 'config',
    type: 'ms',
    doc: 'The scan flushes a CK whose T is closer than this; addCk/addAk refuse when T is closer than this plus 1500 ms.',
    source: 'BrokerConfig.popCkStayBufferTimeOut (default 3000)',
  },
  {
    name: 'timerPrecisionMs',
    kind: 'config',
    type: 'ms',
    doc: 'Timer wheel slot size (500 or 1000): a CK/ACK with deliverTimeMs is put in the slot below it and reaches the revive queue at the first multiple of the precision at or after deliverTimeMs.',
    source: 'MessageStoreConfig.timerPrecisionMs (default 1000; the setter keeps 100, 200, 500 or 1000); HookUtils.transformTimerMessage; TimerMessageStore.dequeue',
  },
  {
    name: 'enableSkipLongAwaitingAck',
    kind: 'config',
    type: 'boolean',
    doc: 'An ACK that finds no CK and was due more than reviveAckWaitMs ago makes a mock CK, so the revive offset can pass it (needs reviveMocksOrphanAck).',
    source: 'BrokerConfig.enableSkipLongAwaitingAck (default false), #5409',
  },
  {
    name: 'reviveAckWaitMs',
    kind: 'config',
    type: 'ms',
    doc: 'Age past deliverTimeMs after which an orphan ACK gets a mock CK.',
    source: 'BrokerConfig.reviveAckWaitMs (default 180000)',
  },
  {
    name: 'escapeToRemoteBroker',
    kind: 'config',
    type: 'boolean',
    doc: 'The CK and the buffered acks are written, through the escape bridge, to another broker group (broker-b) whose revive service processes them (slave acting master with enableRemoteEscape).',
    source: 'BrokerConfig.enableSlaveActingMaster + enableRemoteEscape; EscapeBridge',
  },
  {
    name: 'lmqGroup',
    kind: 'config',
    type: 'boolean',
    doc: 'The consumer group is an LMQ group (%LMQ%...): it is never in the subscription group table.',
    source: 'MixAll.isLmq; LmqSubscriptionGroupManager',
  },
  {
    name: 'asyncBizRead',
    kind: 'config',
    type: 'boolean',
    doc: 'The revive reads business messages asynchronously (tiered storage or another broker), so with reviveAsync the retries complete after mergeAndRevive has committed (a reviveComplete step). Local reads complete at once.',
    source: 'EscapeBridge.getMessageAsync; tiered store',
  },
  {
    name: 'reviveQueueBusy',
    kind: 'config',
    type: 'boolean',
    doc: "Other groups' CKs and ACKs keep arriving on the revive queue, so every revive pass reads something new and endTime is about now. Matters for 5.0.0-alpha, whose revive has no idle rule: on a quiet queue its CKs only become due with later traffic.",
    source: 'PopReviveService.consumeReviveMessage (endTime)',
  },
  {
    name: 'appendCkAsync',
    kind: 'config',
    type: 'boolean',
    doc: "PopBufferMergeService.putCkToStore puts the CK with the escape bridge's asynchronous put (scan flush and addCkJustOffset); the wrapper is 'storing' (reviveQueueOffset = Long.MAX_VALUE) until the put's callback sets ckStored. Only with putsCompleteLate does the callback run after the call returns. Refused before 5.3.2 (asyncPutOptions).",
    source: 'BrokerConfig.appendCkAsync (default false, 5.3.2, #8780): PBMS:596-610@5.3.2',
  },
  {
    name: 'appendAckAsync',
    kind: 'config',
    type: 'boolean',
    doc: "PopBufferMergeService.putAckToStore / putBatchAckToStore put the buffered acks with the asynchronous put; the callback marks toStoreBits (for a BatchAckMsg from the list object it was handed: the scan's shared batchAckIndexList). Only with putsCompleteLate does the callback run after the call returns. Refused before 5.3.2 (asyncPutOptions).",
    source: 'BrokerConfig.appendAckAsync (default false, 5.3.2, #8780): PBMS:660-666, 715-721@5.3.2',
  },
  {
    name: 'putsCompleteLate',
    kind: 'config',
    type: 'boolean',
    doc: "The store completes a put's future after the put call has returned: flushDiskType=SYNC_FLUSH, synchronous replication (SYNC_MASTER, or controller mode waiting for in-sync replicas), or a remote escape. With the default ASYNC_FLUSH and no synchronous replication the future is already complete and an asynchronous put behaves as a synchronous one. With appendCkAsync/appendAckAsync, each such put's callback is a later putComplete step, run before the clock moves on (the flush takes less than 500 ms).",
    source: 'CommitLog.handleDiskFlushAndHA / handleDiskFlush / handleHA (store/.../CommitLog.java:1289-1308, 2205-2231@5.3.2)',
  },
  {
    name: 'bufferAckOmitsBrokerName',
    kind: 'behaviour',
    type: 'boolean',
    buggy: true,
    doc: 'PopBufferMergeService.putAckToStore writes the buffered AckMsg without brokerName.',
    source: 'fixed by 031687dbd7 (#8836, 5.3.2)',
  },
  {
    name: 'bufferBatchAckOmitsBrokerName',
    kind: 'behaviour',
    type: 'boolean',
    buggy: true,
    doc: 'PopBufferMergeService.putBatchAckToStore writes the BatchAckMsg without brokerName.',
    source: 'present in every release with enablePopBatchAck, HEAD included',
  },
  {
    name: 'reviveKeyHasBrokerName',
    kind: 'behaviour',
    type: 'boolean',
    buggy: true,
    doc: "PopReviveService's merge key ends with brokerName (CK and ACK side).",
    source: '524ca4e862 (#8494, first released in 5.3.1)',
  },
  {
    name: 'reviveBlankBrokerNameFallback',
    kind: 'behaviour',
    type: 'boolean',
    buggy: false,
    doc: "PopReviveService keys an ACK/bAck with a blank brokerName under the reviving broker's own name.",
    source: 'b638d4cfbb (#8981, 5.3.2)',
  },
  {
    name: 'timerMode',
    kind: 'behaviour',
    type: 'enum',
    values: ['timerWheel', 'delayLevel'],
    buggy: 'delayLevel',
    doc: 'How CK (T-1s) and ACK (T) messages are delayed: the timer wheel (exact to timerPrecisionMs) or the 18 delay levels (rounded up from the write time).',
    source: 'delay levels until 705e717a09 (#4753, 5.0.0)',
  },
  {
    name: 'reviveEndTimeFromStoreTime',
    kind: 'behaviour',
    type: 'boolean',
    doc: "The revive's endTime is recomputed from the delivered message's store time plus a level delay, overestimating it (#3507).",
    source: 'MsgUtil.getMessageDeliverTime, removed by #4753 (5.0.0)',
  },
  {
    name: 'reviveMocksOrphanAck',
    kind: 'behaviour',
    type: 'boolean',
    doc: 'The revive can make a mock CK for an orphan ACK (the code of enableSkipLongAwaitingAck exists).',
    source: '83540fca6a (#5409, 5.1.0)',
  },
  {
    name: 'gcUsesRawGroupTable',
    kind: 'behaviour',
    type: 'boolean',
    buggy: true,
    doc: "scanGarbage drops a queue's offset FIFO when the group is not a key of the raw subscription group table, which is always the case for LMQ groups.",
    source: 'fixed by 9ce83452a6 (#9101, 5.3.2)',
  },
  {
    name: 'reviveSkipsStoredAfterPopTime',
    kind: 'behaviour',
    type: 'boolean',
    buggy: true,
    doc: 'reviveMsgFromCk treats a message whose storeTimestamp is after the CK popTime as "from the last epoch" and does not retry it.',
    source: 'removed by 9b4f16a5b4 (#7915, 5.3.0)',
  },
  {
    name: 'reviveReadsNextLiveMessage',
    kind: 'behaviour',
    type: 'boolean',
    buggy: true,
    doc: 'The revive reads one message starting at the CK offset and uses it without checking its offset: when the message is gone, a later one is retried (#7724).',
    source: 'EscapeBridge.getMessageAsync; PR #7739 not merged, present at HEAD',
  },
  {
    name: 'reviveAsync',
    kind: 'behaviour',
    type: 'boolean',
    buggy: true,
    doc: 'reviveMsgFromCk dispatches the retries asynchronously (inflightReviveRequestMap); mergeAndRevive commits the revive offset at dispatch and completions commit again in startOffset order.',
    source: '9f8e85bb76',
  },
  {
    name: 'reviveIdleRule',
    kind: 'behaviour',
    type: 'boolean',
    doc: "After 3 s without new revive messages (and the timer not behind), the revive moves endTime to now; without it a CK is due only when later revive traffic is read.",
    source: 'cad0cfcece + 705e717a09 (5.0.0)',
  },
  {
    name: 'batchAckSupported',
    kind: 'behaviour',
    type: 'boolean',
    doc: 'The release has enablePopBatchAck and BatchAckMsg (bAck).',
    source: '985319ba2a (#6798, 5.1.2)',
  },
  {
    name: 'rePutCk',
    kind: 'behaviour',
    type: 'boolean',
    doc: 'A failed retry write re-puts a one-message CK (rePutCK); without it the failure aborts the revive pass before any commit.',
    source: '9f8e85bb76 (5.1.0)',
  },
  {
    name: 'rePutCkOmitsBrokerName',
    kind: 'behaviour',
    type: 'boolean',
    buggy: true,
    doc: 'The re-put CK has no brokerName, so its revive cannot read the message and treats it as done (#7412).',
    source: 'fixed by 0027a1486d (#7412, 5.2.0)',
  },
  {
    name: 'rePutCkBacksOff',
    kind: 'behaviour',
    type: 'boolean',
    doc: 'A re-put CK of a CK already due gets ckRewriteIntervalsInSeconds added to its invisibleTime (10 s, 20 s, ...); before, it is due at once.',
    source: 'aab646ce83 (#8475, 5.3.1)',
  },
  {
    name: 'keyMode',
    kind: 'behaviour',
    type: 'enum',
    values: ['concat', 'tuple'],
    buggy: 'concat',
    doc: 'Merge keys are the concatenation topic+group+queueId+startOffset+popTime(+brokerName) with no separators (RocketMQ), or a tuple (a hypothetical fix of hazard I-1).',
    source: 'PopCheckPointWrapper, PopReviveService: every release',
  },
  {
    name: 'bufferMergeKeyGuard',
    kind: 'behaviour',
    type: 'boolean',
    doc: 'addCk and addCkJustOffset refuse a CK whose merge key is already in the buffer, so the pop returns no message; without the guard the new wrapper replaces the old one in the buffer map, the old one stays in the offset FIFO, its buffered CK is never stored and later acks under the key go to the new wrapper (#7031).',
    source:
      'added by 440be1ed4c (#7031, 5.1.4): PopBufferMergeService.addCkJustOffset L435-440 and addCk L503-508 at rocketmq-all-5.3.0; absent at 5.1.0 (addCkJustOffset L405-416, addCk L440-475: buffer.put replaces)',
  },
  {
    name: 'kvStagedMinOffset',
    kind: 'behaviour',
    type: 'boolean',
    doc: "KV service only (scenario kv): records the cache cleanup has taken out but not yet written to RocksDB still count as the cache's minimum offset, so a pop in that window cannot commit the consumer offset past them (#9626; false is the bug, flipped in test/model/kv.test.ts).",
    source: 'PopConsumerCache.ConsumerRecords.getMinOffsetInBuffer reads the staged map first: e6a587a82a (#9627, after 5.3.3)',
  },
  {
    name: 'reviveRePutsOverflowRead',
    kind: 'behaviour',
    type: 'boolean',
    buggy: true,
    doc: "The asynchronous revive decides by the store's status what a read that found no message means: a read past the queue's end (OFFSET_OVERFLOW_ONE/BADLY) re-puts the CK. A CK re-put with a timestamp startOffset (hazard I-6) that carries brokerName is then re-put again on every pass, for ever (#8479). From 5.3.1 a local read that finds nothing is done (needRetry false).",
    source: 'status switch in reviveMsgFromCk 5.1.0-5.3.0 (PopReviveService L505-518 at rocketmq-all-5.1.0); replaced by needRetry in aab646ce83/524ca4e862 (#8475, #8494, 5.3.1)',
  },
  {
    name: 'reviveReadFailureRePuts',
    kind: 'behaviour',
    type: 'boolean',
    buggy: false,
    doc: "A revive read that completes exceptionally is turned into a re-put of its offset (rePutCK), and the CK's completion goes on (PR #10986). Without it the completion callback throws at the failed read: no re-put for it and the later offsets, the in-flight entry is never done, and the revive offset was already committed (#10985).",
    source: 'PR #10986 (open): not in any release, HEAD included',
  },
  {
    name: 'asyncPutOptions',
    kind: 'behaviour',
    type: 'boolean',
    doc: 'The release has the broker options appendCkAsync and appendAckAsync (asynchronous CK and ACK puts in PopBufferMergeService).',
    source: '4f5f705f16 (#8780, PR #8727, 5.3.2): CFG:441-443@5.3.2',
  },
  {
    name: 'batchAckCallbackCopiesList',
    kind: 'behaviour',
    type: 'boolean',
    buggy: false,
    doc: "The scan hands putBatchAckToStore a copy of its index list, so a late callback marks the indices of its own put (open PR #10257). Without it the callback reads the scan's shared batchAckIndexList, which the scan has cleared by then: no toStoreBits are set, the wrapper never finishes and the queue's consumer offset stops (#10256). No release has the fix.",
    source: 'PBMS:277-291, 728-745@5.3.2 (the same code at head, 2 lines further down); issue #10256, PR #10257 (both open)',
  },
  {
    name: 'popNullReadCommitsZero',
    kind: 'behaviour',
    type: 'boolean',
    buggy: true,
    doc: 'A pop whose getMessage answers null (the store is not readable, --unreadable) takes it for a wrong offset: it commits consumer offset 0 straight to the ConsumerOffsetManager, bypassing the offset FIFO, and reads again (a second null ends the pop with nothing); the next pop starts below the min offset, is corrected to it and pops the whole queue again (#3503). Without it the pop just returns nothing.',
    source:
      'PopMessageProcessor.popMsgFromQueue L502-518 at rocketmq-all-5.0.0-ALPHA (null joins the "Pop initial offset" branch, offset 0); fixed by 0b7291b35a (#3504, first in 5.0.0): a null returns the rest count, L495-497 at rocketmq-all-5.0.0, completedFuture(null) L744-746 at rocketmq-all-5.3.2',
  },
  {
    name: 'bufferCommitMovesBack',
    kind: 'behaviour',
    type: 'boolean',
    buggy: true,
    doc: "PopBufferMergeService.commitOffset commits the head wrapper's nextBeginOffset whatever the committed consumer offset is (a smaller one only logs \"consumer offset less than store\"): after a pop's direct \"Pop initial offset\" commit past the wrappers still in the offset FIFO, their commits move the consumer offset back (hazard H5.1). Every release has it; false is a hypothetical guard that polls the wrapper without committing a smaller offset.",
    source:
      'PopBufferMergeService.commitOffset L340-368 at rocketmq-all-5.0.0 (warning L359, commit L361-362), L365-392 at rocketmq-all-5.3.2 (warning L384, commit L386-387); ConsumerOffsetManager.commitOffset only warns too (L212-215 at rocketmq-all-5.3.2)',
  },
  {
    name: 'splitAddAk',
    kind: 'model',
    type: 'boolean',
    doc: "Split addAk into its checks and the later markBitCAS, so the scan can run in between (hazard I-3).",
    source: 'PopBufferMergeService.addAk',
  },
];

export function settingInfo(name: string): SettingInfo | undefined {
  return SETTING_INFO.find((s) => s.name === name);
}

/** Parses one `--set name=value`; returns an error message or the typed value. */
export function parseSettingValue(
  name: string,
  raw: string,
): { ok: true; name: SettingName; value: SettingValue } | { ok: false; error: string } {
  const info = settingInfo(name);
  if (!info) {
    return { ok: false, error: `unknown setting '${name}' (known: ${SETTING_INFO.map((s) => s.name).join(', ')})` };
  }
  if (info.type === 'boolean') {
    if (raw === 'true') return { ok: true, name: info.name, value: true };
    if (raw === 'false') return { ok: true, name: info.name, value: false };
    return { ok: false, error: `setting '${name}' takes true or false, not '${raw}'` };
  }
  if (info.type === 'enum') {
    if (info.values?.includes(raw)) return { ok: true, name: info.name, value: raw as SettingValue };
    return { ok: false, error: `setting '${name}' takes one of ${info.values?.join(', ')}, not '${raw}'` };
  }
  if (!/^[0-9]+$/.test(raw)) return { ok: false, error: `setting '${name}' takes a number of milliseconds, not '${raw}'` };
  const value = Number(raw);
  if (value <= 0 || value > 86_400_000) return { ok: false, error: `setting '${name}' must be between 1 and 86400000 ms` };
  return { ok: true, name: info.name, value };
}
