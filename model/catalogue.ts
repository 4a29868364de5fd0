/**
 * The catalogue: RocketMQ's historical POP bugs, each with the smallest configuration the
 * model reproduces it in, the release that has it and the one that fixed it; the
 * reference's inferred hazards I-1...I-9 as hypotheses, each with the result of checking it;
 * and hazards: harm that RocketMQ's code, doing what it means to, lets a client's or the
 * proxy's misuse cause (the "fixed" run is the correct use).
 */
import type { Bounds, SettingOverrides } from './identity.js';
import type { SettingName } from './settings.js';
import type { InvariantName } from './invariants.js';

export interface BugRun {
  readonly release: string;
  /** Settings on top of the release and the entry's common settings. */
  readonly overrides?: SettingOverrides;
  /** Bounds on top of the entry's bounds. */
  readonly bounds?: Bounds;
  /** What the run stands for, e.g. "5.3.2" or "PR #7739 applied". */
  readonly label: string;
}

export interface BugEntry {
  readonly id: string;
  /**
   * bug: a defect of RocketMQ's code, with the release (or switch) that fixed it;
   * hypothesis: an inferred hazard of the reference, with what checking it found;
   * hazard: the broker behaves as its code intends, and a client's or the proxy's misuse of
   * the protocol (which the broker cannot detect) leads to the harm.
   */
  readonly kind: 'bug' | 'hypothesis' | 'hazard';
  readonly title: string;
  /** One line, in our words. */
  readonly summary: string;
  readonly links: readonly string[];
  /**
   * Releases of RELEASES where the reproduction violates the invariant (5.0.0-alpha checked
   * with reviveQueueBusy, since its revive needs other traffic to make a CK due).
   */
  readonly affected: readonly string[];
  /** The first release (of RELEASES) without it, or a description of the fix when none shipped. */
  readonly fixedIn: string;
  readonly switches: readonly SettingName[];
  readonly invariant: InvariantName;
  readonly scenario: 'ack-flush' | 'full';
  readonly messages: number;
  /** The model of a run: model/identity.ts's reproductionIdentity(entry, run) (scenario, messages, bounds, settings). */
  readonly bounds?: Bounds;
  readonly batchAck?: boolean;
  /** Settings common to both runs. */
  readonly settings?: SettingOverrides;
  readonly buggy: BugRun;
  readonly fixed: BugRun;
  /** Expected verdict of the buggy run (a hypothesis may be refuted: then 'holds'). */
  readonly expectBuggy: 'violated' | 'holds';
  /** Length of the shortest counterexample of the buggy run (pinned by the tests). */
  readonly shortest: number | null;
  /** For hypotheses: what the check found, in words. */
  readonly finding?: string;
}

const off = { enablePopBufferMerge: false } as const;

export const CATALOGUE: readonly BugEntry[] = [
  {
    id: '8835',
    kind: 'bug',
    title: 'Buffered acks written without brokerName are not matched by the revive',
    summary:
      'A CK that leaves the buffer partially acked has its buffered AckMsgs written without brokerName; since 5.3.1 the revive keys on brokerName, drops them, and retries acked messages.',
    links: ['https://github.com/apache/rocketmq/issues/8835', 'https://github.com/apache/rocketmq/pull/8836'],
    affected: ['5.3.1'],
    fixedIn: '5.3.2',
    switches: ['bufferAckOmitsBrokerName', 'reviveKeyHasBrokerName', 'reviveBlankBrokerNameFallback'],
    invariant: 'acked-never-retried',
    scenario: 'ack-flush',
    messages: 2,
    buggy: { release: '5.3.1', label: '5.3.1' },
    fixed: { release: '5.3.2', label: '5.3.2' },
    expectBuggy: 'violated',
    shortest: 7,
  },
  {
    id: '8835-batch',
    kind: 'bug',
    title: 'The BatchAckMsg from the buffer has no brokerName either',
    summary:
      'With enablePopBatchAck the flush writes one BatchAckMsg without brokerName (still at HEAD); 5.3.1 drops it; 5.3.2 keys a blank brokerName under the local name (#8981).',
    links: ['https://github.com/apache/rocketmq/issues/8835', 'https://github.com/apache/rocketmq/pull/8981'],
    affected: ['5.3.1'],
    fixedIn: '5.3.2',
    switches: ['bufferBatchAckOmitsBrokerName', 'reviveKeyHasBrokerName', 'reviveBlankBrokerNameFallback'],
    invariant: 'acked-never-retried',
    scenario: 'ack-flush',
    messages: 2,
    batchAck: true,
    buggy: { release: '5.3.1', label: '5.3.1' },
    fixed: { release: '5.3.2', label: '5.3.2 (revive-side fallback)' },
    expectBuggy: 'violated',
    shortest: 7,
  },
  {
    id: '3787',
    kind: 'bug',
    title: 'Delay levels deliver an ACK before its buffered CK',
    summary:
      'Before the timer wheel, an ack refused by addAk after 8.5 s is stored with a delay level that lands it before the CK the flush stores at 10 s; the revive drops the ACK and retries the message.',
    links: ['https://github.com/apache/rocketmq/issues/3787', 'https://github.com/apache/rocketmq/pull/4753'],
    affected: ['5.0.0-alpha'],
    fixedIn: '5.0.0',
    switches: ['timerMode', 'reviveEndTimeFromStoreTime', 'reviveIdleRule'],
    invariant: 'acked-never-retried',
    scenario: 'full',
    messages: 1,
    bounds: { pops: 1, batch: 1 },
    buggy: { release: '5.0.0-alpha', label: '5.0.0-alpha' },
    fixed: { release: '5.0.0', label: '5.0.0' },
    expectBuggy: 'violated',
    shortest: 20,
  },
  {
    id: '4153',
    kind: 'bug',
    title: 'Delay levels deliver a stored CK after its ACK',
    summary:
      'Without the buffer, a CK stored at pop with a long delay level (invisibleTime 65 s: 2 min) arrives after the ACK written later with a shorter level; the revive drops the ACK and retries.',
    links: ['https://github.com/apache/rocketmq/issues/4153', 'https://github.com/apache/rocketmq/pull/4753'],
    affected: ['5.0.0-alpha'],
    fixedIn: '5.0.0',
    switches: ['timerMode', 'reviveEndTimeFromStoreTime'],
    invariant: 'acked-never-retried',
    scenario: 'full',
    messages: 1,
    bounds: { pops: 1, batch: 1 },
    settings: { ...off, popInvisibleTime: 65_000 },
    buggy: { release: '5.0.0-alpha', label: '5.0.0-alpha' },
    fixed: { release: '5.0.0', label: '5.0.0' },
    expectBuggy: 'violated',
    shortest: 24,
  },
  {
    id: '5408',
    kind: 'bug',
    title: 'The revive offset cannot pass ACKs that follow the last CK (#5408, #3443)',
    summary:
      'The revive commits only CK positions, so the ACKs after the last processed CK are read again forever; the opt-in enableSkipLongAwaitingAck (5.1.0) turns them into mock CKs after reviveAckWaitMs.',
    links: ['https://github.com/apache/rocketmq/issues/5408', 'https://github.com/apache/rocketmq/issues/3443', 'https://github.com/apache/rocketmq/pull/5409'],
    affected: ['5.0.0-alpha', '5.0.0', '5.1.0', '5.1.4', '5.2.0', '5.3.0', '5.3.1', '5.3.2', '5.3.3', 'head'],
    fixedIn: '5.1.0 with enableSkipLongAwaitingAck=true (off by default in every release)',
    switches: ['reviveMocksOrphanAck', 'enableSkipLongAwaitingAck'],
    invariant: 'revive-progress',
    scenario: 'full',
    messages: 1,
    bounds: { pops: 1, batch: 1 },
    settings: off,
    buggy: { release: '5.1.0', label: '5.1.0 (default)' },
    fixed: { release: '5.1.0', overrides: { enableSkipLongAwaitingAck: true }, label: '5.1.0 + enableSkipLongAwaitingAck' },
    expectBuggy: 'violated',
    shortest: 11,
  },
  {
    id: '7724',
    kind: 'bug',
    title: 'The revive retries the next message when the unacked one is gone',
    summary:
      "The revive reads one message starting at the CK's offset without checking its offset; when retention deleted it, a later (possibly acked) message is retried and the unacked one is lost.",
    links: ['https://github.com/apache/rocketmq/issues/7724', 'https://github.com/apache/rocketmq/pull/7739'],
    affected: ['5.0.0-alpha', '5.0.0', '5.1.0', '5.1.4', '5.2.0', '5.3.0', '5.3.1', '5.3.2', '5.3.3', 'head'],
    fixedIn: 'not fixed (PR #7739, which checks the offset, was closed unmerged)',
    switches: ['reviveReadsNextLiveMessage'],
    invariant: 'acked-never-retried',
    scenario: 'full',
    messages: 2,
    bounds: { pops: 1, batch: 2, expire: 1 },
    settings: off,
    buggy: { release: 'head', label: 'head' },
    fixed: { release: 'head', overrides: { reviveReadsNextLiveMessage: false }, label: 'head + the offset check of PR #7739' },
    expectBuggy: 'violated',
    shortest: 12,
  },
  {
    id: '9105',
    kind: 'bug',
    title: 'scanGarbage drops the offset queue of an LMQ group: in-flight messages are popped again',
    summary:
      'scanGarbage looked LMQ groups up in the raw subscription table, never found them, and removed their offset FIFO; the next pop restarted from the committed offset and re-delivered messages still in flight.',
    links: ['https://github.com/apache/rocketmq/issues/9105', 'https://github.com/apache/rocketmq/pull/9101'],
    affected: ['5.0.0-alpha', '5.0.0', '5.1.0', '5.1.4', '5.2.0', '5.3.0', '5.3.1'],
    fixedIn: '5.3.2',
    switches: ['gcUsesRawGroupTable', 'lmqGroup'],
    invariant: 'no-concurrent-redelivery',
    scenario: 'full',
    messages: 2,
    bounds: { pops: 2, batch: 2, gc: 1 },
    settings: { lmqGroup: true },
    buggy: { release: '5.3.1', label: '5.3.1' },
    fixed: { release: '5.3.2', label: '5.3.2' },
    expectBuggy: 'violated',
    shortest: 4,
  },
  {
    id: '10256',
    kind: 'bug',
    title: "A late batch-ack callback reads the scan's cleared index list: the queue's consumer offset stops",
    summary:
      "With enablePopBatchAck and appendAckAsync (5.3.2+) on a store that completes puts late (SYNC_FLUSH, synchronous replication), the BatchAckMsg put's callback marks toStoreBits from the scan's shared batchAckIndexList, which the scan cleared when the put call returned; the partially acked wrapper never finishes and stays at the head of its offset FIFO, so the queue's consumer offset never moves again.",
    links: ['https://github.com/apache/rocketmq/issues/10256', 'https://github.com/apache/rocketmq/pull/10257', 'https://github.com/apache/rocketmq/pull/8727'],
    affected: ['5.3.2', '5.3.3', 'head'],
    fixedIn: 'open at head (PR #10257, not merged: the scan hands the put a copy of the list; --set batchAckCallbackCopiesList=true)',
    switches: ['batchAckCallbackCopiesList', 'asyncPutOptions', 'appendAckAsync', 'putsCompleteLate'],
    invariant: 'commit-progress',
    scenario: 'full',
    messages: 2,
    bounds: { pops: 1, batch: 2 },
    batchAck: true,
    settings: { appendAckAsync: true, putsCompleteLate: true },
    buggy: { release: '5.3.2', label: '5.3.2, appendAckAsync on a store that completes puts late' },
    fixed: { release: 'head', overrides: { batchAckCallbackCopiesList: true }, label: 'head + PR #10257 (copy of the list)' },
    expectBuggy: 'violated',
    shortest: 16,
  },
  {
    id: '7914',
    kind: 'bug',
    title: 'The revive skips messages stored after popTime: loss',
    summary:
      'popTime is sampled before the read, so a message stored in between is popped with storeTimestamp > popTime; the revive took it for "the last epoch" and never retried it.',
    links: ['https://github.com/apache/rocketmq/issues/7914', 'https://github.com/apache/rocketmq/pull/7915'],
    affected: ['5.0.0-alpha', '5.0.0', '5.1.0', '5.1.4', '5.2.0'],
    fixedIn: '5.3.0',
    switches: ['reviveSkipsStoredAfterPopTime'],
    invariant: 'no-loss',
    scenario: 'full',
    messages: 1,
    bounds: { pops: 1, batch: 2, produce: 1, popLag: true },
    settings: off,
    buggy: { release: '5.1.0', label: '5.1.0' },
    fixed: { release: '5.3.0', label: '5.3.0' },
    expectBuggy: 'violated',
    shortest: 9,
  },
  {
    id: '7412',
    kind: 'bug',
    title: 'A re-put CK without brokerName is never retried: loss',
    summary:
      'When a retry write fails, rePutCK writes a one-message CK; in 5.1.0–5.1.4 it had no brokerName, so its revive could not read the message, treated it as done, and the message was lost.',
    links: ['https://github.com/apache/rocketmq/issues/7412'],
    affected: ['5.1.0', '5.1.4'],
    fixedIn: '5.2.0',
    switches: ['rePutCkOmitsBrokerName'],
    invariant: 'no-loss',
    scenario: 'full',
    messages: 1,
    bounds: { pops: 1, batch: 1, retryFailures: 1 },
    settings: off,
    buggy: { release: '5.1.4', label: '5.1.4' },
    fixed: { release: '5.2.0', label: '5.2.0' },
    expectBuggy: 'violated',
    shortest: 9,
  },
  {
    id: '7031',
    kind: 'bug',
    title: 'A merge-key conflict leaves a wrapper in the offset queue for good: the consumer offset stops',
    summary:
      "Before 5.1.4 a CK whose merge key is already in the buffer replaces that wrapper in the buffer map but both stay in the queue's offset FIFO; the replaced one is never stored nor done, scanCommitOffset stops at it, and the queue's consumer offset never passes it (the FIFO only grows).",
    links: ['https://github.com/apache/rocketmq/issues/7031', 'https://github.com/apache/rocketmq/pull/7032'],
    affected: ['5.0.0-alpha', '5.0.0', '5.1.0'],
    fixedIn: '5.1.4',
    switches: ['bufferMergeKeyGuard'],
    invariant: 'commit-progress',
    scenario: 'full',
    messages: 1,
    bounds: { queues: 2, pops: 2, batch: 1, queueIds: [1, 12], firstOffsets: [23, 3] },
    buggy: { release: '5.1.0', label: '5.1.0' },
    fixed: { release: '5.1.4', label: '5.1.4 (containsKey guard: the conflicting pop returns nothing)' },
    expectBuggy: 'violated',
    shortest: 7,
  },
  {
    id: '10985',
    kind: 'bug',
    title: 'An asynchronous revive read that completes exceptionally loses the retry',
    summary:
      "With asynchronous reads (tiered storage, another broker) a read future that completes exceptionally makes getNow throw in the revive's completion callback: no re-put, the in-flight entry is never marked done, and mergeAndRevive has already committed the revive offset past the CK, so the unacked message is never retried.",
    links: ['https://github.com/apache/rocketmq/issues/10985', 'https://github.com/apache/rocketmq/pull/10986'],
    affected: ['5.1.0', '5.1.4', '5.2.0', '5.3.0', '5.3.1', '5.3.2', '5.3.3', 'head'],
    fixedIn: 'not fixed (PR #10986, which handles the failed read as a re-put, is open)',
    switches: ['reviveReadFailureRePuts', 'asyncBizRead'],
    invariant: 'no-loss',
    scenario: 'full',
    messages: 1,
    bounds: { pops: 1, batch: 1, readFailures: 1 },
    settings: { ...off, asyncBizRead: true },
    buggy: { release: 'head', label: 'head, one read fails' },
    fixed: { release: 'head', overrides: { reviveReadFailureRePuts: true }, label: 'head + PR #10986 (the failed read is re-put)' },
    expectBuggy: 'violated',
    shortest: 10,
  },
  {
    id: '8479',
    kind: 'bug',
    title: 'A CK re-put past the queue end is re-put on every pass, for ever',
    summary:
      "Up to 5.3.0 the revive decides by the store's status whether a read without a message re-puts; OFFSET_OVERFLOW_BADLY takes the re-put branch. The back-pressure's re-put CK has a timestamp as its startOffset (I-6); from 5.2.0 it carries brokerName, so its read is local, answers OFFSET_OVERFLOW_BADLY and re-puts an identical CK, due at once: the chain never ends.",
    links: ['https://github.com/apache/rocketmq/issues/8479', 'https://github.com/apache/rocketmq/pull/8482', 'https://github.com/apache/rocketmq/pull/8475'],
    affected: ['5.2.0', '5.3.0'],
    fixedIn: '5.3.1',
    switches: ['reviveRePutsOverflowRead', 'rePutCkOmitsBrokerName', 'asyncBizRead'],
    invariant: 're-puts-terminate',
    scenario: 'full',
    messages: 5,
    bounds: { pops: 5, batch: 1, acks: 0, popsUntil: 0 },
    settings: { ...off, asyncBizRead: true },
    buggy: { release: '5.3.0', label: '5.3.0' },
    fixed: { release: '5.3.1', label: '5.3.1 (needRetry: a local read without message is done)' },
    expectBuggy: 'violated',
    shortest: 15,
  },
  {
    id: '3503',
    kind: 'bug',
    title: 'A pop while the store answers null commits consumer offset 0: the queue is popped again from the start',
    summary:
      'In 5.0.0-alpha a pop whose getMessage returned null (the store not readable, as right after a restart) took it for a wrong offset and committed consumer offset 0 directly; the next pop was corrected to the min offset and returned messages still in flight again.',
    links: ['https://github.com/apache/rocketmq/issues/3503', 'https://github.com/apache/rocketmq/pull/3504'],
    affected: ['5.0.0-alpha'],
    fixedIn: '5.0.0',
    switches: ['popNullReadCommitsZero'],
    invariant: 'no-concurrent-redelivery',
    scenario: 'full',
    messages: 1,
    bounds: { pops: 3, batch: 1, unreadable: 1, horizon: 11000 },
    buggy: { release: '5.0.0-alpha', label: '5.0.0-alpha' },
    fixed: { release: '5.0.0', label: '5.0.0 (a null read returns nothing, commits nothing)' },
    expectBuggy: 'violated',
    shortest: 9,
  },
  {
    id: 'I-1',
    kind: 'hypothesis',
    title: 'Concatenated merge keys collide across queues',
    summary:
      'Keys concatenate queueId and startOffset without a separator: (queueId 1, offset 23) and (queueId 12, offset 3) share a key when popped at the same popTime; the revive keeps the later CK and never retries the earlier one.',
    links: ['reference §6.8 I-1'],
    affected: ['5.0.0-alpha', '5.0.0', '5.1.0', '5.1.4', '5.2.0', '5.3.0', '5.3.1', '5.3.2', '5.3.3', 'head'],
    fixedIn: 'not fixed (a separator or a tuple key would fix it)',
    switches: ['keyMode'],
    invariant: 'no-loss',
    scenario: 'full',
    messages: 1,
    bounds: { queues: 2, pops: 2, batch: 1, queueIds: [1, 12], firstOffsets: [23, 3] },
    settings: off,
    buggy: { release: 'head', label: 'head' },
    fixed: { release: 'head', overrides: { keyMode: 'tuple' }, label: 'head with tuple keys' },
    expectBuggy: 'violated',
    shortest: 10,
    finding: 'confirmed: loss when the two pops land in the same millisecond and a buffer scan runs between them',
  },
  {
    id: 'I-2',
    kind: 'hypothesis',
    title: '"Ack OK" without a durable ack',
    summary: 'AckMessageProcessor answers SUCCESS even when the ACK put fails; the message is retried although the client saw its ack succeed.',
    links: ['reference §6.8 I-2'],
    affected: ['5.0.0-alpha', '5.0.0', '5.1.0', '5.1.4', '5.2.0', '5.3.0', '5.3.1', '5.3.2', '5.3.3', 'head'],
    fixedIn: 'by design (at-least-once); the durable form acked-never-retried holds',
    switches: [],
    invariant: 'success-never-retried',
    scenario: 'full',
    messages: 1,
    bounds: { pops: 1, batch: 1, storeFailures: 1 },
    settings: off,
    buggy: { release: 'head', label: 'head, ack put fails' },
    fixed: { release: 'head', bounds: { storeFailures: 0 }, label: 'head, no store failure' },
    expectBuggy: 'violated',
    shortest: 9,
    finding: 'confirmed: a failed ACK put leads to a retry the client was told would not happen',
  },
  {
    id: 'I-3',
    kind: 'hypothesis',
    title: "addAk's check and its markBitCAS race with the scan",
    summary:
      "addAk checks the wrapper and later marks the bit; if the scan flushes and removes the wrapper in between, the bit is set on a dead wrapper, no ACK is ever stored, and the client's acked message is retried.",
    links: ['reference §6.8 I-3'],
    affected: ['5.0.0-alpha', '5.0.0', '5.1.0', '5.1.4', '5.2.0', '5.3.0', '5.3.1', '5.3.2', '5.3.3', 'head'],
    fixedIn: 'not fixed',
    switches: ['splitAddAk'],
    invariant: 'success-never-retried',
    scenario: 'full',
    messages: 1,
    bounds: { pops: 1, batch: 1 },
    settings: { splitAddAk: true },
    buggy: { release: 'head', label: 'head, addAk split' },
    fixed: { release: 'head', overrides: { splitAddAk: false }, label: 'head, addAk atomic' },
    expectBuggy: 'violated',
    shortest: 12,
    finding: 'confirmed when the mark lags the check by more than 1.5 s (or serving turns false in between)',
  },
  {
    id: 'I-4',
    kind: 'hypothesis',
    title: 'The revive offset moves backwards',
    summary:
      'Retry completions commit their CK\'s reviveOffset in startOffset order after mergeAndRevive committed a larger offset; with asynchronous reads the committed revive offset regresses (the "[NOTIFYME]" warning), and a restart re-revives.',
    links: ['reference §6.8 I-4'],
    affected: ['5.1.0', '5.1.4', '5.2.0', '5.3.0', '5.3.1', '5.3.2', '5.3.3', 'head'],
    fixedIn: 'not fixed',
    switches: ['reviveAsync', 'asyncBizRead'],
    invariant: 'offsets-monotonic',
    scenario: 'full',
    messages: 2,
    bounds: { pops: 2, batch: 1 },
    settings: { ...off, asyncBizRead: true },
    buggy: { release: 'head', label: 'head, asynchronous reads' },
    fixed: { release: 'head', overrides: { asyncBizRead: false }, label: 'head, local reads' },
    expectBuggy: 'violated',
    shortest: 10,
    finding: 'confirmed: the committed revive offset regresses',
  },
  {
    id: 'I-5',
    kind: 'hypothesis',
    title: 'A mock CK overwrites a real CK with the same key',
    summary:
      "With enableSkipLongAwaitingAck, an old orphan ACK becomes a mock CK that replaces, in the revive's map, a re-put CK with the same key read later in the same pass; the re-put offset is never retried.",
    links: ['reference §6.8 I-5'],
    affected: ['5.1.0', '5.1.4', '5.3.1', '5.3.2', '5.3.3', 'head'],
    fixedIn: 'not fixed',
    switches: ['enableSkipLongAwaitingAck', 'reviveMocksOrphanAck'],
    invariant: 'no-loss',
    scenario: 'full',
    messages: 2,
    bounds: { pops: 1, batch: 2, retryFailures: 1, lateAcks: 1 },
    settings: { ...off, enableSkipLongAwaitingAck: true },
    buggy: { release: 'head', label: 'head + enableSkipLongAwaitingAck' },
    fixed: { release: 'head', overrides: { enableSkipLongAwaitingAck: false }, label: 'head (default)' },
    expectBuggy: 'violated',
    shortest: 16,
    finding:
      'confirmed from 5.3.1 (where re-put CKs back off): a failed retry, a late ack of another offset of the CK, and a revive pass 3 min later lose the re-put offset. 5.1.0 loses it earlier through #7412; in 5.3.0 the re-put CK is due at once and is revived before the mock can replace it.',
  },
  {
    id: 'I-6',
    kind: 'hypothesis',
    title: 'Back-pressure re-puts an in-flight CK with a timestamp as its startOffset',
    summary:
      "While more than 3 CKs have retries in flight, mergeAndRevive re-puts the oldest one that waited over 30 s through rePutCK(oldCK, pair), and the pair's first element is the map's timestamp: the re-put CK points at an offset no message has.",
    links: ['reference §6.8 I-6'],
    affected: [],
    fixedIn: 'harmless within the bound: the original retries still complete',
    switches: ['reviveAsync', 'asyncBizRead'],
    invariant: 'no-loss',
    scenario: 'full',
    messages: 5,
    bounds: { pops: 5, batch: 1, acks: 0, popsUntil: 0 },
    settings: { ...off, asyncBizRead: true },
    buggy: { release: 'head', label: 'head, asynchronous reads' },
    fixed: { release: 'head', overrides: { asyncBizRead: false }, label: 'head, local reads' },
    expectBuggy: 'holds',
    shortest: null,
    finding:
      'refuted within the bound (5 pops of one message popped together, none acked, asynchronous reads, no failure): the re-put with a timestamp startOffset is reached, its revive finds no message and retries nothing, and the original CK\'s retries still complete, so nothing is lost. Retries that never complete come with --read-failures: then the stranded CK is re-put with a timestamp and its messages are lost (#10985); and at 5.2.0-5.3.0 the timestamp re-put re-puts itself for ever (#8479).',
  },
  {
    id: 'I-7',
    kind: 'hypothesis',
    title: 'A crash between commit and retry completion loses the retries',
    summary:
      'mergeAndRevive commits the revive offset when retries are dispatched; with asynchronous reads, a crash before they complete restarts past the CK and its unacked messages are never retried.',
    links: ['reference §6.8 I-7'],
    affected: ['5.1.0', '5.1.4', '5.2.0', '5.3.0', '5.3.1', '5.3.2', '5.3.3', 'head'],
    fixedIn: 'not fixed',
    switches: ['reviveAsync', 'asyncBizRead'],
    invariant: 'no-loss',
    scenario: 'full',
    messages: 1,
    bounds: { pops: 1, batch: 1, crashes: 1 },
    settings: { ...off, asyncBizRead: true },
    buggy: { release: 'head', label: 'head, asynchronous reads' },
    fixed: { release: 'head', overrides: { asyncBizRead: false }, label: 'head, local reads' },
    expectBuggy: 'violated',
    shortest: 10,
    finding: 'confirmed: loss after a crash with the retries in flight and the revive offset persisted',
  },
  {
    id: 'I-8',
    kind: 'hypothesis',
    title: 'BatchAckMsg without brokerName under remote escape',
    summary:
      "With slave-acting-master remote escape, the CK and the BatchAckMsg are revived by another broker group; the blank-brokerName fallback substitutes that broker's name, which differs from the CK's, so the ACK is dropped.",
    links: ['reference §6.8 I-8', 'https://github.com/apache/rocketmq/pull/8981'],
    affected: ['5.3.1', '5.3.2', '5.3.3', 'head'],
    fixedIn: 'not fixed (putBatchAckToStore setting brokerName would fix it)',
    switches: ['bufferBatchAckOmitsBrokerName', 'escapeToRemoteBroker'],
    invariant: 'acked-never-retried',
    scenario: 'ack-flush',
    messages: 2,
    batchAck: true,
    settings: { escapeToRemoteBroker: true },
    buggy: { release: 'head', label: 'head, remote escape' },
    fixed: { release: 'head', overrides: { bufferBatchAckOmitsBrokerName: false }, label: 'head + brokerName on the BatchAckMsg' },
    expectBuggy: 'violated',
    shortest: 7,
    finding: 'confirmed from 5.3.2 (in 5.3.1 the same reproduction fails for the plain #8835 batch reason)',
  },
  {
    id: 'I-9',
    kind: 'hypothesis',
    title: 'A stalled buffer scan stores the CK behind its ACK',
    summary:
      'An ack that addAk refuses is written at once with deliverTimeMs T and leaves the timer at T; if the scan that should flush the buffered CK (at T - 3 s) stalls until then, the CK (deliverTimeMs T - 1 s, already due) is appended behind the ACK, the revive drops the ACK and retries the acked message.',
    links: ['reference §6.2 (residual with exact timers)'],
    affected: ['5.0.0-alpha', '5.0.0', '5.1.0', '5.1.4', '5.2.0', '5.3.0', '5.3.1', '5.3.2', '5.3.3', 'head'],
    fixedIn: 'not fixed (only a prompt scan: PopBufferMergeService runs every 5 ms)',
    switches: [],
    invariant: 'acked-never-retried',
    scenario: 'full',
    messages: 1,
    bounds: { pops: 1, batch: 1 },
    settings: { popInvisibleTime: 5000 },
    buggy: { release: 'head', bounds: { scanStalls: true }, label: 'head, the scan stalls 3 s' },
    fixed: { release: 'head', label: 'head, prompt scan' },
    expectBuggy: 'violated',
    shortest: 12,
    finding:
      'confirmed: with invisibleTime 5 s a scan stalled from 2 s to 5 s is enough (with 60 s, from 10 s to 60 s); the ACK is dropped as having no CK before it',
  },
  {
    id: 'stale-handle',
    kind: 'hazard',
    title: 'An ack with a superseded receipt handle is answered SUCCESS, and the message is retried',
    summary:
      "changeInvisibleTime writes a new CK and returns a new handle; the broker keeps no record of which handle is current. An ack sent with the old handle passes the offset check, acks the CK the old handle names (already acked by the change) and answers SUCCESS, while the change's CK stays unacked and retries the message at its T. A change with the old handle likewise leaves the CK of the earlier change unacked.",
    links: [
      'https://github.com/apache/rocketmq/issues/9583',
      'https://github.com/apache/rocketmq/pull/10586',
      'https://github.com/apache/rocketmq/issues/4938',
      'https://github.com/apache/rocketmq/pull/4724',
      'https://github.com/apache/rocketmq/issues/11174',
      'https://github.com/apache/rocketmq/issues/10278',
    ],
    affected: ['5.0.0-alpha', '5.0.0', '5.1.0', '5.1.4', '5.2.0', '5.3.0', '5.3.1', '5.3.2', '5.3.3', 'head'],
    fixedIn: 'by design: clients and the proxy must use the handle the last changeInvisibleTime returned (the proxy keeps that mapping: PR #4724; open proxy fixes where it loses it: PR #10586 for #9583, PR #11175 for #11174)',
    switches: [],
    invariant: 'acked-delivery-never-retried',
    scenario: 'full',
    messages: 1,
    bounds: { pops: 1, batch: 1, changes: 1 },
    settings: off,
    buggy: { release: 'head', bounds: { staleHandles: 1 }, label: 'head, the client acks with the handle from before the change' },
    fixed: { release: 'head', label: 'head, the client acks with the handle the change returned' },
    expectBuggy: 'violated',
    shortest: 17,
    finding:
      'confirmed on every release: pop, changeInvisibleTime (h1 -> h2), ack with h1 answered SUCCESS, and the CK of h2 retries the message at its T. With --changes 2 the stale change shapes hold too (test/model/stale-handles.test.ts): a change with h1 after the change to h2 leaves the CK of h2 unacked, so an ack of the newest handle is followed by a retry (research H4.2); a change with h1 after the client acked h2 (a renew racing with the ack, #4938) writes a CK that retries the acked message. The handle-level invariants (acked-never-retried, success-never-retried) hold in all of these: every CK a handle names is acked as the broker promises.',
  },
  {
    id: 'H5.1',
    kind: 'hypothesis',
    title: 'The buffer commits a smaller consumer offset after a pop\'s direct commit',
    summary:
      'A pop below the min offset commits the min offset at once ("Pop initial offset", bypassing the offset FIFO); a wrapper still in the FIFO with a smaller nextBeginOffset then commits it: the consumer offset moves back (commitOffset only logs "consumer offset less than store").',
    links: ['docs/research/issue-10-java.md §5.4 H5.1'],
    affected: ['5.0.0-alpha', '5.0.0', '5.1.0', '5.1.4', '5.2.0', '5.3.0', '5.3.1', '5.3.2', '5.3.3', 'head'],
    fixedIn: 'not fixed (a guard in commitOffset refusing a smaller offset would fix it)',
    switches: ['bufferCommitMovesBack'],
    invariant: 'offsets-monotonic',
    scenario: 'full',
    messages: 3,
    bounds: { pops: 2, batch: 1, expire: 2 },
    buggy: { release: 'head', label: 'head' },
    fixed: { release: 'head', overrides: { bufferCommitMovesBack: false }, label: 'head + a commitOffset that refuses a smaller offset' },
    expectBuggy: 'violated',
    shortest: 6,
    finding:
      'confirmed: a wrapper acked in the buffer, retention past its nextBeginOffset, and a pop committing the min offset; the next scan commits the wrapper\'s smaller offset. No loss (the next pop is corrected again), but the offset is visibly wrong and may be persisted so',
  },
];

export function findEntry(id: string): BugEntry | undefined {
  const norm = id.replace(/^#/, '').toUpperCase();
  return CATALOGUE.find((e) => e.id.toUpperCase() === norm);
}
