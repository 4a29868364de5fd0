/**
 * The catalogue: RocketMQ's historical POP bugs, each with the smallest configuration the
 * model reproduces it in, the release that has it and the one that fixed it; the
 * reference's inferred hazards I-1...I-9 as hypotheses, each with the result of checking it;
 * and hazards: harm that RocketMQ's code, doing what it means to, lets a client's or the
 * proxy's misuse cause (the "fixed" run is the correct use). One list for both POP
 * implementations: the CK path (scenarios ack-flush and full) and the KV (RocksDB) service
 * of 5.3.2 and later (scenario kv, model/kv/); `implementation` tells them apart.
 */
import { kvReproductionIdentity, reproductionIdentity, type AnyIdentity, type Bounds, type SettingOverrides } from './identity.js';
import type { SettingName } from './settings.js';
import type { InvariantName } from './invariants.js';
import type { KvEntryBounds, KvSettingOverrides } from './kv/identity.js';

export interface BugRun {
  readonly release: string;
  /** Settings on top of the release and the entry's common settings. */
  readonly overrides?: SettingOverrides;
  /** Bounds on top of the entry's bounds. */
  readonly bounds?: Bounds;
  /** What the run stands for, e.g. "5.3.2" or "PR #7739 applied". */
  readonly label: string;
}

/** Which POP implementation an entry is about: the CK path (PopMessageProcessor, PopBufferMergeService, PopReviveService) or the KV service (PopConsumerService, RIP-73). */
export type Implementation = 'ck' | 'kv';

/** What every entry has, whichever implementation it is about. */
interface EntryCommon {
  readonly id: string;
  readonly implementation: Implementation;
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
  /** The first release (of RELEASES) without it, a description of the fix when none shipped, or "open at head ...". */
  readonly fixedIn: string;
  /**
   * Whether head (8fc57f1468) still has it: 'fixed' (a release or head has the fix), 'open' (no fix
   * is merged upstream: head's code behaves so, with the options the reproduction sets), 'by-design' (RocketMQ means it to
   * behave so, or the harm needs a client's misuse), 'refuted' (checking did not confirm it).
   */
  readonly atHead: 'fixed' | 'open' | 'by-design' | 'refuted';
  /** The state of the upstream issue and PR, as looked up (2026-12-01), or why there is none. */
  readonly upstream: string;
  readonly switches: readonly SettingName[];
  readonly invariant: InvariantName;
  readonly messages: number;
  /** Expected verdict of the buggy run (a hypothesis may be refuted: then 'holds'). */
  readonly expectBuggy: 'violated' | 'holds';
  /** Length of the shortest counterexample of the buggy run (pinned by the tests). */
  readonly shortest: number | null;
  /** For hypotheses: what the check found, in words; for KV findings, the counterexample in words. */
  readonly finding?: string;
  /** The Java behind it (FILE:line@tag), where docs/model.md does not already give it. */
  readonly java?: string;
}

/** An entry of the CK path (scenario ack-flush or full). */
export interface BugEntry extends EntryCommon {
  readonly implementation: 'ck';
  readonly scenario: 'ack-flush' | 'full';
  /** The model of a run: model/identity.ts's reproductionIdentity(entry, run) (scenario, messages, bounds, settings). */
  readonly bounds?: Bounds;
  readonly batchAck?: boolean;
  /** Settings common to both runs. */
  readonly settings?: SettingOverrides;
  /**
   * The yes/no settings the bug needs, which `check` requires of a run before it names the entry
   * for a counterexample (traces/catalogue-match.ts). Absent: every yes/no setting of `settings`.
   * Given when some of those only make the reproduction small (the buffer off keeps the state
   * space small, and the bug is the revive's), or when the bug needs a setting the reproduction
   * leaves at its default (#3787's buffer). test/traces/known-bugs.test.ts checks both ways: the
   * reproduction with a condition flipped does not violate, or is another entry's case; with any
   * other yes/no setting flipped it still violates and is still named.
   */
  readonly conditions?: Readonly<Partial<Record<SettingName, boolean>>>;
  /**
   * The bug's own fix as settings, when the fixed run's release also brings other fixes of the
   * same switches (5.3.2 has both #8835's PR #8836 and #8981's revive fallback), or when the fix
   * works only with what it shipped with (#4153's timer wheel and the revive's idle rule). Absent:
   * the switches whose values the buggy and fixed runs differ in, at the fixed run's values.
   */
  readonly fix?: SettingOverrides;
  readonly buggy: BugRun;
  readonly fixed: BugRun;
}

export interface KvBugRun {
  readonly release: string;
  readonly overrides?: KvSettingOverrides;
  readonly bounds?: KvEntryBounds;
  readonly label: string;
}

/**
 * An entry of the KV service (scenario kv, model/kv/). `affected` is every KV release where
 * the buggy run's configuration violates; `fixed` is null while the bug is open at head.
 */
export interface KvBugEntry extends EntryCommon {
  readonly implementation: 'kv';
  readonly scenario: 'kv';
  readonly bounds?: KvEntryBounds;
  readonly settings?: KvSettingOverrides;
  readonly buggy: KvBugRun;
  readonly fixed: KvBugRun | null;
}

export type CatalogueEntry = BugEntry | KvBugEntry;

export const isCk = (e: CatalogueEntry): e is BugEntry => e.implementation === 'ck';
export const isKv = (e: CatalogueEntry): e is KvBugEntry => e.implementation === 'kv';

const off = { enablePopBufferMerge: false } as const;

export const CATALOGUE: readonly CatalogueEntry[] = [
  {
    id: '8835',
    kind: 'bug',
    implementation: 'ck',
    title: 'Buffered acks written without brokerName are not matched by the revive',
    summary:
      'A CK that leaves the buffer partially acked has its buffered AckMsgs written without brokerName; since 5.3.1 the revive keys on brokerName, drops them, and retries acked messages.',
    links: ['https://github.com/apache/rocketmq/issues/8835', 'https://github.com/apache/rocketmq/pull/8836'],
    affected: ['5.3.1'],
    fixedIn: '5.3.2',
    atHead: 'fixed',
    upstream: 'fixed by PR #8836 (031687dbd7, 5.3.2)',
    switches: ['bufferAckOmitsBrokerName', 'reviveKeyHasBrokerName', 'reviveBlankBrokerNameFallback'],
    invariant: 'acked-never-retried',
    scenario: 'ack-flush',
    messages: 2,
    // PR #8836 (031687dbd7) is one line, PBMS:647@5.3.2 `ackMsg.setBrokerName(point.getBrokerName())`;
    // the blank-brokerName fallback of PopReviveService:380-381/407-408@5.3.2 is #8981's (39efe63ce3).
    fix: { bufferAckOmitsBrokerName: false },
    buggy: { release: '5.3.1', label: '5.3.1' },
    fixed: { release: '5.3.2', label: '5.3.2' },
    expectBuggy: 'violated',
    shortest: 7,
  },
  {
    id: '8835-batch',
    kind: 'bug',
    implementation: 'ck',
    title: 'The BatchAckMsg from the buffer has no brokerName either',
    summary:
      'With enablePopBatchAck the flush writes one BatchAckMsg without brokerName (still at HEAD); 5.3.1 drops it; 5.3.2 keys a blank brokerName under the local name (#8981).',
    links: ['https://github.com/apache/rocketmq/issues/8835', 'https://github.com/apache/rocketmq/pull/8981'],
    affected: ['5.3.1'],
    fixedIn: '5.3.2',
    atHead: 'fixed',
    upstream: 'the revive-side fallback of PR #8981 (merged, 5.3.2) covers it; the BatchAckMsg itself still lacks brokerName at head (I-8)',
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
    implementation: 'ck',
    title: 'Delay levels deliver an ACK before its buffered CK',
    summary:
      'Before the timer wheel, an ack refused by addAk after 8.5 s is stored with a delay level that lands it before the CK the flush stores at 10 s; the revive drops the ACK and retries the message.',
    links: ['https://github.com/apache/rocketmq/issues/3787', 'https://github.com/apache/rocketmq/pull/4753'],
    affected: ['5.0.0-alpha'],
    fixedIn: '5.0.0',
    atHead: 'fixed',
    upstream: 'issue #3787 closed; the timer wheel (PR #4753, 5.0.0) replaced the delay levels',
    switches: ['timerMode', 'reviveEndTimeFromStoreTime', 'reviveIdleRule'],
    invariant: 'acked-never-retried',
    scenario: 'full',
    messages: 1,
    bounds: { pops: 1, batch: 1 },
    conditions: { enablePopBufferMerge: true },
    buggy: { release: '5.0.0-alpha', label: '5.0.0-alpha' },
    fixed: { release: '5.0.0', label: '5.0.0' },
    expectBuggy: 'violated',
    shortest: 20,
  },
  {
    id: '4153',
    kind: 'bug',
    implementation: 'ck',
    title: 'Delay levels deliver a stored CK after its ACK',
    summary:
      'Without the buffer, a CK stored at pop with a long delay level (invisibleTime 65 s: 2 min) arrives after the ACK written later with a shorter level; the revive drops the ACK and retries.',
    links: ['https://github.com/apache/rocketmq/issues/4153', 'https://github.com/apache/rocketmq/pull/4753'],
    affected: ['5.0.0-alpha'],
    fixedIn: '5.0.0',
    atHead: 'fixed',
    upstream: 'the timer wheel (PR #4753, 5.0.0) replaced the delay levels',
    switches: ['timerMode', 'reviveEndTimeFromStoreTime'],
    invariant: 'acked-never-retried',
    scenario: 'full',
    messages: 1,
    bounds: { pops: 1, batch: 1 },
    settings: { ...off, popInvisibleTime: 65_000 },
    // PR #4753 (705e717a09) moved the revive to the timer wheel and rewrote its 3 s idle rule to
    // wait for the timer (PopReviveService:283-286@5.0.0). 5.0.0-alpha predates that rule's first
    // form (#3978), so on alpha the timer wheel alone leaves a quiet revive with nothing due: the
    // fix on alpha is the timer wheel with the idle rule it shipped with, as #3787's switches have it.
    fix: { timerMode: 'timerWheel', reviveEndTimeFromStoreTime: false, reviveIdleRule: true },
    buggy: { release: '5.0.0-alpha', label: '5.0.0-alpha' },
    fixed: { release: '5.0.0', label: '5.0.0' },
    expectBuggy: 'violated',
    shortest: 24,
  },
  {
    id: '5408',
    kind: 'bug',
    implementation: 'ck',
    title: 'The revive offset cannot pass ACKs that follow the last CK (#5408, #3443)',
    summary:
      'The revive commits only CK positions, so the ACKs after the last processed CK are read again forever; the opt-in enableSkipLongAwaitingAck (5.1.0) turns them into mock CKs after reviveAckWaitMs.',
    links: ['https://github.com/apache/rocketmq/issues/5408', 'https://github.com/apache/rocketmq/issues/3443', 'https://github.com/apache/rocketmq/pull/5409'],
    affected: ['5.0.0-alpha', '5.0.0', '5.1.0', '5.1.4', '5.2.0', '5.3.0', '5.3.1', '5.3.2', '5.3.3', 'head'],
    fixedIn: '5.1.0 with enableSkipLongAwaitingAck=true (off by default in every release)',
    atHead: 'open',
    upstream: 'issue #5408 closed with the opt-in enableSkipLongAwaitingAck (PR #5409, 5.1.0), which is off by default: the default configuration still has it at head',
    switches: ['reviveMocksOrphanAck', 'enableSkipLongAwaitingAck'],
    invariant: 'revive-progress',
    scenario: 'full',
    messages: 1,
    bounds: { pops: 1, batch: 1 },
    settings: off,
    conditions: {},
    buggy: { release: '5.1.0', label: '5.1.0 (default)' },
    fixed: { release: '5.1.0', overrides: { enableSkipLongAwaitingAck: true }, label: '5.1.0 + enableSkipLongAwaitingAck' },
    expectBuggy: 'violated',
    shortest: 11,
  },
  {
    id: '7724',
    kind: 'bug',
    implementation: 'ck',
    title: 'The revive retries the next message when the unacked one is gone',
    summary:
      "The revive reads one message starting at the CK's offset without checking its offset; when retention deleted it, a later (possibly acked) message is retried and the unacked one is lost.",
    links: ['https://github.com/apache/rocketmq/issues/7724', 'https://github.com/apache/rocketmq/pull/7739'],
    affected: ['5.0.0-alpha', '5.0.0', '5.1.0', '5.1.4', '5.2.0', '5.3.0', '5.3.1', '5.3.2', '5.3.3', 'head'],
    fixedIn: 'not fixed (PR #7739, which checks the offset, was closed unmerged)',
    atHead: 'open',
    upstream: 'issue #7724 closed as stale; PR #7739 (the offset check) closed unmerged',
    switches: ['reviveReadsNextLiveMessage'],
    invariant: 'acked-never-retried',
    scenario: 'full',
    messages: 2,
    bounds: { pops: 1, batch: 2, expire: 1 },
    settings: off,
    conditions: {},
    buggy: { release: 'head', label: 'head' },
    fixed: { release: 'head', overrides: { reviveReadsNextLiveMessage: false }, label: 'head + the offset check of PR #7739' },
    expectBuggy: 'violated',
    shortest: 12,
  },
  {
    id: '9105',
    kind: 'bug',
    implementation: 'ck',
    title: 'scanGarbage drops the offset queue of an LMQ group: in-flight messages are popped again',
    summary:
      'scanGarbage looked LMQ groups up in the raw subscription table, never found them, and removed their offset FIFO; the next pop restarted from the committed offset and re-delivered messages still in flight.',
    links: ['https://github.com/apache/rocketmq/issues/9105', 'https://github.com/apache/rocketmq/pull/9101'],
    affected: ['5.0.0-alpha', '5.0.0', '5.1.0', '5.1.4', '5.2.0', '5.3.0', '5.3.1'],
    fixedIn: '5.3.2',
    atHead: 'fixed',
    upstream: 'fixed by PR #9101 (9ce83452a6, 5.3.2)',
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
    implementation: 'ck',
    title: "A late batch-ack callback reads the scan's cleared index list: the queue's consumer offset stops",
    summary:
      "With enablePopBatchAck and appendAckAsync (5.3.2+) on a store that completes puts late (SYNC_FLUSH, synchronous replication), the BatchAckMsg put's callback marks toStoreBits from the scan's shared batchAckIndexList, which the scan cleared when the put call returned; the partially acked wrapper never finishes and stays at the head of its offset FIFO, so the queue's consumer offset never moves again.",
    links: ['https://github.com/apache/rocketmq/issues/10256', 'https://github.com/apache/rocketmq/pull/10257', 'https://github.com/apache/rocketmq/pull/8727'],
    affected: ['5.3.2', '5.3.3', 'head'],
    fixedIn: 'open at head (PR #10257, not merged: the scan hands the put a copy of the list; --set batchAckCallbackCopiesList=true)',
    atHead: 'open',
    upstream: 'issue #10256 open; PR #10257 open (reviewed, waiting for a rebase)',
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
    implementation: 'ck',
    title: 'The revive skips messages stored after popTime: loss',
    summary:
      'popTime is sampled before the read, so a message stored in between is popped with storeTimestamp > popTime; the revive took it for "the last epoch" and never retried it.',
    links: ['https://github.com/apache/rocketmq/issues/7914', 'https://github.com/apache/rocketmq/pull/7915'],
    affected: ['5.0.0-alpha', '5.0.0', '5.1.0', '5.1.4', '5.2.0'],
    fixedIn: '5.3.0',
    atHead: 'fixed',
    upstream: 'issue #7914 closed; fixed by PR #7915 (merged, 5.3.0)',
    switches: ['reviveSkipsStoredAfterPopTime'],
    invariant: 'no-loss',
    scenario: 'full',
    messages: 1,
    bounds: { pops: 1, batch: 2, produce: 1, popLag: true },
    settings: off,
    conditions: {},
    buggy: { release: '5.1.0', label: '5.1.0' },
    fixed: { release: '5.3.0', label: '5.3.0' },
    expectBuggy: 'violated',
    shortest: 9,
  },
  {
    id: '7412',
    kind: 'bug',
    implementation: 'ck',
    title: 'A re-put CK without brokerName is never retried: loss',
    summary:
      'When a retry write fails, rePutCK writes a one-message CK; in 5.1.0–5.1.4 it had no brokerName, so its revive could not read the message, treated it as done, and the message was lost.',
    links: ['https://github.com/apache/rocketmq/issues/7412'],
    affected: ['5.1.0', '5.1.4'],
    fixedIn: '5.2.0',
    atHead: 'fixed',
    upstream: 'issue #7412 closed; fixed by PR #7413 (0027a1486d, 5.2.0)',
    switches: ['rePutCkOmitsBrokerName'],
    invariant: 'no-loss',
    scenario: 'full',
    messages: 1,
    bounds: { pops: 1, batch: 1, retryFailures: 1 },
    settings: off,
    conditions: {},
    buggy: { release: '5.1.4', label: '5.1.4' },
    fixed: { release: '5.2.0', label: '5.2.0' },
    expectBuggy: 'violated',
    shortest: 9,
  },
  {
    id: '7031',
    kind: 'bug',
    implementation: 'ck',
    title: 'A merge-key conflict leaves a wrapper in the offset queue for good: the consumer offset stops',
    summary:
      "Before 5.1.4 a CK whose merge key is already in the buffer replaces that wrapper in the buffer map but both stay in the queue's offset FIFO; the replaced one is never stored nor done, scanCommitOffset stops at it, and the queue's consumer offset never passes it (the FIFO only grows).",
    links: ['https://github.com/apache/rocketmq/issues/7031', 'https://github.com/apache/rocketmq/pull/7032'],
    affected: ['5.0.0-alpha', '5.0.0', '5.1.0'],
    fixedIn: '5.1.4',
    atHead: 'fixed',
    upstream: 'fixed by PR #7032 (440be1ed4c, 5.1.4)',
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
    implementation: 'ck',
    title: 'An asynchronous revive read that completes exceptionally loses the retry',
    summary:
      "With asynchronous reads (tiered storage, another broker) a read future that completes exceptionally makes getNow throw in the revive's completion callback: no re-put, the in-flight entry is never marked done, and mergeAndRevive has already committed the revive offset past the CK, so the unacked message is never retried.",
    links: ['https://github.com/apache/rocketmq/issues/10985', 'https://github.com/apache/rocketmq/pull/10986'],
    affected: ['5.1.0', '5.1.4', '5.2.0', '5.3.0', '5.3.1', '5.3.2', '5.3.3', 'head'],
    fixedIn: 'not fixed (PR #10986, which handles the failed read as a re-put, is open)',
    atHead: 'open',
    upstream: 'issue #10985 open; PRs #10986 and #11023 (both make the failed read a re-put) open',
    switches: ['reviveReadFailureRePuts', 'asyncBizRead'],
    invariant: 'no-loss',
    scenario: 'full',
    messages: 1,
    bounds: { pops: 1, batch: 1, readFailures: 1 },
    settings: { ...off, asyncBizRead: true },
    conditions: { asyncBizRead: true },
    buggy: { release: 'head', label: 'head, one read fails' },
    fixed: { release: 'head', overrides: { reviveReadFailureRePuts: true }, label: 'head + PR #10986 (the failed read is re-put)' },
    expectBuggy: 'violated',
    shortest: 10,
  },
  {
    id: '8479',
    kind: 'bug',
    implementation: 'ck',
    title: 'A CK re-put past the queue end is re-put on every pass, for ever',
    summary:
      "Up to 5.3.0 the revive decides by the store's status whether a read without a message re-puts; OFFSET_OVERFLOW_BADLY takes the re-put branch. The back-pressure's re-put CK has a timestamp as its startOffset (I-6); from 5.2.0 it carries brokerName, so its read is local, answers OFFSET_OVERFLOW_BADLY and re-puts an identical CK, due at once: the chain never ends.",
    links: ['https://github.com/apache/rocketmq/issues/8479', 'https://github.com/apache/rocketmq/pull/8482', 'https://github.com/apache/rocketmq/pull/8475'],
    affected: ['5.2.0', '5.3.0'],
    fixedIn: '5.3.1',
    atHead: 'fixed',
    upstream: 'issue #8479 closed; fixed by PR #8475 (merged, 5.3.1); PR #8482 closed in its favour',
    switches: ['reviveRePutsOverflowRead', 'rePutCkOmitsBrokerName', 'asyncBizRead'],
    invariant: 're-puts-terminate',
    scenario: 'full',
    messages: 5,
    bounds: { pops: 5, batch: 1, acks: 0, popsUntil: 0 },
    settings: { ...off, asyncBizRead: true },
    conditions: { asyncBizRead: true },
    buggy: { release: '5.3.0', label: '5.3.0' },
    fixed: { release: '5.3.1', label: '5.3.1 (needRetry: a local read without message is done)' },
    expectBuggy: 'violated',
    shortest: 15,
  },
  {
    id: '3503',
    kind: 'bug',
    implementation: 'ck',
    title: 'A pop while the store answers null commits consumer offset 0: the queue is popped again from the start',
    summary:
      'In 5.0.0-alpha a pop whose getMessage returned null (the store not readable, as right after a restart) took it for a wrong offset and committed consumer offset 0 directly; the next pop was corrected to the min offset and returned messages still in flight again.',
    links: ['https://github.com/apache/rocketmq/issues/3503', 'https://github.com/apache/rocketmq/pull/3504'],
    affected: ['5.0.0-alpha'],
    fixedIn: '5.0.0',
    atHead: 'fixed',
    upstream: 'fixed by PR #3504 (0b7291b35a, 5.0.0)',
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
    implementation: 'ck',
    title: 'Concatenated merge keys collide across queues',
    summary:
      'Keys concatenate queueId and startOffset without a separator: (queueId 1, offset 23) and (queueId 12, offset 3) share a key when popped at the same popTime; the revive keeps the later CK and never retries the earlier one.',
    links: ['reference §6.8 I-1'],
    affected: ['5.0.0-alpha', '5.0.0', '5.1.0', '5.1.4', '5.2.0', '5.3.0', '5.3.1', '5.3.2', '5.3.3', 'head'],
    fixedIn: 'not fixed (a separator or a tuple key would fix it)',
    atHead: 'open',
    upstream: 'no upstream issue linked',
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
    implementation: 'ck',
    title: '"Ack OK" without a durable ack',
    summary: 'AckMessageProcessor answers SUCCESS even when the ACK put fails; the message is retried although the client saw its ack succeed.',
    links: ['reference §6.8 I-2'],
    affected: ['5.0.0-alpha', '5.0.0', '5.1.0', '5.1.4', '5.2.0', '5.3.0', '5.3.1', '5.3.2', '5.3.3', 'head'],
    fixedIn: 'by design (at-least-once); the durable form acked-never-retried holds',
    atHead: 'by-design',
    upstream: 'at-least-once by design; no upstream issue',
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
    implementation: 'ck',
    title: "addAk's check and its markBitCAS race with the scan",
    summary:
      "addAk checks the wrapper and later marks the bit; if the scan flushes and removes the wrapper in between, the bit is set on a dead wrapper, no ACK is ever stored, and the client's acked message is retried.",
    links: ['reference §6.8 I-3'],
    affected: ['5.0.0-alpha', '5.0.0', '5.1.0', '5.1.4', '5.2.0', '5.3.0', '5.3.1', '5.3.2', '5.3.3', 'head'],
    fixedIn: 'not fixed',
    atHead: 'open',
    upstream: 'no upstream issue linked',
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
    implementation: 'ck',
    title: 'The revive offset moves backwards',
    summary:
      'Retry completions commit their CK\'s reviveOffset in startOffset order after mergeAndRevive committed a larger offset; with asynchronous reads the committed revive offset regresses (the "[NOTIFYME]" warning), and a restart re-revives.',
    links: ['reference §6.8 I-4'],
    affected: ['5.1.0', '5.1.4', '5.2.0', '5.3.0', '5.3.1', '5.3.2', '5.3.3', 'head'],
    fixedIn: 'not fixed',
    atHead: 'open',
    upstream: 'no upstream issue linked',
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
    implementation: 'ck',
    title: 'A mock CK overwrites a real CK with the same key',
    summary:
      "With enableSkipLongAwaitingAck, an old orphan ACK becomes a mock CK that replaces, in the revive's map, a re-put CK with the same key read later in the same pass; the re-put offset is never retried.",
    links: ['reference §6.8 I-5'],
    affected: ['5.1.0', '5.1.4', '5.3.1', '5.3.2', '5.3.3', 'head'],
    fixedIn: 'not fixed',
    atHead: 'open',
    upstream: 'no upstream issue linked (needs the opt-in enableSkipLongAwaitingAck)',
    switches: ['enableSkipLongAwaitingAck', 'reviveMocksOrphanAck'],
    invariant: 'no-loss',
    scenario: 'full',
    messages: 2,
    bounds: { pops: 1, batch: 2, retryFailures: 1, lateAcks: 1 },
    settings: { ...off, enableSkipLongAwaitingAck: true },
    conditions: { enableSkipLongAwaitingAck: true },
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
    implementation: 'ck',
    title: 'Back-pressure re-puts an in-flight CK with a timestamp as its startOffset',
    summary:
      "While more than 3 CKs have retries in flight, mergeAndRevive re-puts the oldest one that waited over 30 s through rePutCK(oldCK, pair), and the pair's first element is the map's timestamp: the re-put CK points at an offset no message has.",
    links: ['reference §6.8 I-6'],
    affected: [],
    fixedIn: 'harmless within the bound: the original retries still complete',
    atHead: 'refuted',
    upstream: 'no upstream issue; harmless within the bound',
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
    implementation: 'ck',
    title: 'A crash between commit and retry completion loses the retries',
    summary:
      'mergeAndRevive commits the revive offset when retries are dispatched; with asynchronous reads, a crash before they complete restarts past the CK and its unacked messages are never retried.',
    links: ['reference §6.8 I-7'],
    affected: ['5.1.0', '5.1.4', '5.2.0', '5.3.0', '5.3.1', '5.3.2', '5.3.3', 'head'],
    fixedIn: 'not fixed',
    atHead: 'open',
    upstream: 'no upstream issue linked',
    switches: ['reviveAsync', 'asyncBizRead'],
    invariant: 'no-loss',
    scenario: 'full',
    messages: 1,
    bounds: { pops: 1, batch: 1, crashes: 1 },
    settings: { ...off, asyncBizRead: true },
    conditions: { asyncBizRead: true },
    buggy: { release: 'head', label: 'head, asynchronous reads' },
    fixed: { release: 'head', overrides: { asyncBizRead: false }, label: 'head, local reads' },
    expectBuggy: 'violated',
    shortest: 10,
    finding: 'confirmed: loss after a crash with the retries in flight and the revive offset persisted',
  },
  {
    id: 'I-8',
    kind: 'hypothesis',
    implementation: 'ck',
    title: 'BatchAckMsg without brokerName under remote escape',
    summary:
      "With slave-acting-master remote escape, the CK and the BatchAckMsg are revived by another broker group; the blank-brokerName fallback substitutes that broker's name, which differs from the CK's, so the ACK is dropped.",
    links: ['reference §6.8 I-8', 'https://github.com/apache/rocketmq/pull/8981'],
    affected: ['5.3.1', '5.3.2', '5.3.3', 'head'],
    fixedIn: 'not fixed (putBatchAckToStore setting brokerName would fix it)',
    atHead: 'open',
    upstream: 'no upstream issue linked (#8835 and PR #8981 fixed only the local revive)',
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
    implementation: 'ck',
    title: 'A stalled buffer scan stores the CK behind its ACK',
    summary:
      'An ack that addAk refuses is written at once with deliverTimeMs T and leaves the timer at T; if the scan that should flush the buffered CK (at T - 3 s) stalls until then, the CK (deliverTimeMs T - 1 s, already due) is appended behind the ACK, the revive drops the ACK and retries the acked message.',
    links: ['reference §6.2 (residual with exact timers)'],
    affected: ['5.0.0-alpha', '5.0.0', '5.1.0', '5.1.4', '5.2.0', '5.3.0', '5.3.1', '5.3.2', '5.3.3', 'head'],
    fixedIn: 'not fixed (only a prompt scan: PopBufferMergeService runs every 5 ms)',
    atHead: 'open',
    upstream: 'no upstream issue linked',
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
    implementation: 'ck',
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
    atHead: 'by-design',
    upstream: 'broker side by design; proxy-side issues #9583 and #11174 open, their PRs #10586 and #11175 open',
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
    implementation: 'ck',
    title: 'The buffer commits a smaller consumer offset after a pop\'s direct commit',
    summary:
      'A pop below the min offset commits the min offset at once ("Pop initial offset", bypassing the offset FIFO); a wrapper still in the FIFO with a smaller nextBeginOffset then commits it: the consumer offset moves back (commitOffset only logs "consumer offset less than store").',
    links: ['docs/research/issue-10-java.md §5.4 H5.1'],
    affected: ['5.0.0-alpha', '5.0.0', '5.1.0', '5.1.4', '5.2.0', '5.3.0', '5.3.1', '5.3.2', '5.3.3', 'head'],
    fixedIn: 'not fixed (a guard in commitOffset refusing a smaller offset would fix it)',
    atHead: 'open',
    upstream: 'no upstream issue linked',
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
  // The KV (RocksDB) POP service (scenario kv: `popcheck check --kv`); docs/model.md "The KV
  // (RocksDB) POP service" gives the mechanism. PCS/PCC/PCR = broker/pop/PopConsumerService,
  // PopConsumerCache, PopConsumerRecord (.java).
  {
    id: 'kv-ack-during-cleanup',
    kind: 'bug',
    implementation: 'kv',
    title: 'KV: an ack that arrives while the cache cleanup is writing its record to RocksDB is undone, and the acked message is retried',
    summary:
      'The cache cleanup takes a due record out of the cache before it writes it to RocksDB; an ack in between misses the cache, deletes a RocksDB key not yet written, and the write then restores the record, which the scanner retries at its deadline.',
    links: ['https://github.com/apache/rocketmq/issues/10736', 'https://github.com/apache/rocketmq/pull/11016'],
    affected: ['5.3.2', '5.3.3', 'head'],
    fixedIn: 'open at head (fix proposed in PR #11016, unmerged)',
    atHead: 'open',
    upstream: 'issue #10736 open; PR #11016 (the fix) open',
    switches: [],
    invariant: 'acked-never-retried',
    scenario: 'kv',
    messages: 1,
    bounds: { pops: 1 },
    buggy: { release: 'head', label: 'head' },
    fixed: null,
    expectBuggy: 'violated',
    shortest: 7,
    finding:
      'pop; 10 s later the cleanup takes the record out of the cache; the client acks (cache miss, RocksDB delete of nothing); the cleanup writes the record to RocksDB; at the deadline the scanner writes the message to the retry topic.',
    java:
      'PopConsumerCache.cleanupRecords removes due records from the map, then writes them to RocksDB (PCC:145, 157@5.3.2; stage 143, write 154@head); ConsumerRecords.delete looks only in the map (PCC:237-246@5.3.2, 230-232@head), so PopConsumerService.ackAsync falls through to a RocksDB delete of a key not yet written (PCS:431-438@5.3.2) and the later write restores it; the scanner retries it (PCS:502-536@5.3.2)',
  },
  {
    id: 'kv-premature-commit',
    kind: 'bug',
    implementation: 'kv',
    title: 'KV: a pop during the cache cleanup commits the consumer offset past records not yet in RocksDB; a crash then loses them',
    summary:
      "The cache's minimum offset ignores the records the cleanup has taken out and not yet written, so a pop in between commits its own start past them; a crash before the RocksDB write leaves them neither in RocksDB nor below the restart offset.",
    links: ['https://github.com/apache/rocketmq/issues/9626', 'https://github.com/apache/rocketmq/pull/9627'],
    affected: ['5.3.2', '5.3.3'],
    fixedIn: 'head (PR #9627, e6a587a82a, after 5.3.3: the staged map counts in the minimum offset)',
    atHead: 'fixed',
    upstream: 'issue #9626; fixed by PR #9627 (e6a587a82a), in head',
    switches: ['kvStagedMinOffset'],
    invariant: 'no-loss',
    scenario: 'kv',
    messages: 2,
    bounds: { pops: 2, crashes: 1 },
    buggy: { release: '5.3.3', label: '5.3.3' },
    fixed: { release: 'head', label: 'head' },
    expectBuggy: 'violated',
    shortest: 7,
    finding:
      'pop offset 0; at 10 s the cleanup takes its record out; a pop of offset 1 finds the cache empty and commits offset 1; the broker crashes before the RocksDB write: offset 0 is neither in RocksDB nor below the restart offset.',
    java:
      'getMinOffsetInBuffer reads only the map (PCC:248-251@5.3.2) while the cleanup has removed the due records and not yet written them (PCC:145-157@5.3.2); the pop commits its own start (PCS:186-194@5.3.2, 180-197@5.3.3); head reads the staged map first (PCC:234-241@head)',
  },
  {
    id: 'kv-cache-revive-failure',
    kind: 'bug',
    implementation: 'kv',
    title: 'KV: a record that expires in the cache is revived asynchronously and forgotten; a failed retry-topic write loses the message',
    summary:
      "When popInvisibleTime is below popCkStayBufferTime a record expires in the cache; the cleanup hands it to the revive and ignores the result, so a failed retry-topic write writes no back-off record (the scanner would) and the message is lost once the offset moves on.",
    links: ['https://github.com/apache/rocketmq/issues/10667'],
    affected: ['5.3.2', '5.3.3', 'head'],
    fixedIn: 'open at head',
    atHead: 'open',
    upstream: 'issue #10667 open; no fix PR',
    switches: [],
    invariant: 'no-loss',
    scenario: 'kv',
    messages: 1,
    bounds: { pops: 1, retryFailures: 1 },
    settings: { popInvisibleTime: 5000 },
    buggy: { release: 'head', label: 'head, popInvisibleTime 5 s' },
    fixed: null,
    expectBuggy: 'violated',
    shortest: 6,
    finding:
      'with popInvisibleTime (5 s) below popCkStayBufferTime (10 s) the record expires in the cache; the cleanup hands it to the revive, whose retry write fails; a pop that finds nothing commits the offset past it.',
    java:
      "the cleanup hands an expired record to the cache's consumer, PopConsumerService::revive (PCS:97-98, 474-488@5.3.2), whose future nobody reads (PCC:148-149@5.3.2, 146-147@head); reviveRetry's failed put returns false (PCS:616-621@5.3.2) and no back-off record is written, unlike the scanner (PCS:513-528@5.3.2)",
  },
  {
    id: 'kv-change-same-key',
    kind: 'bug',
    implementation: 'kv',
    title: 'KV: a change of invisible time whose new deadline equals the old one deletes the record it has just written',
    summary:
      'changeInvisibilityDuration writes the new record, then deletes the old one by its key; the key is the visibility deadline plus group, topic, queue and offset, so when the deadlines are equal the delete removes the new record and the message is never retried.',
    links: ['https://github.com/apache/rocketmq/issues/10276', 'https://github.com/apache/rocketmq/pull/10277'],
    affected: ['5.3.2', '5.3.3', 'head'],
    fixedIn: "open at head (fixed by PR #10277, after the model's head 8fc57f1468)",
    atHead: 'open',
    upstream: "issue #10276 closed; PR #10277 merged after the model's head 8fc57f1468 (so open at that head, fixed on develop)",
    switches: [],
    invariant: 'no-loss',
    scenario: 'kv',
    messages: 1,
    bounds: { pops: 1, changes: 1 },
    settings: { enablePopBufferMerge: false },
    buggy: { release: 'head', label: 'head, no cache' },
    fixed: null,
    expectBuggy: 'violated',
    shortest: 4,
    finding:
      'without the cache (enablePopBufferMerge off) the pop writes its record to RocksDB; the client changes the invisible time at the pop instant to the same duration; the write replaces the record and the delete removes it.',
    java:
      'changeInvisibilityDuration writes the new record, then deletes the old by its key (PCS:451-465@5.3.2, 473-481@head); the key is visibility timeout + group + topic + queue + offset (PCR:99-109@5.3.2), so equal deadlines name one key',
  },
  {
    id: 'kv-crash-offset-key',
    kind: 'bug',
    implementation: 'kv',
    title: 'KV: after a crash the message is popped again; an ack with the first handle deletes the new cached record and the first record, in RocksDB, is retried',
    summary:
      "The cache keys a queue's records by offset alone and an ack stops at a cache hit: after a restart re-pops an offset whose first record is already in RocksDB, an ack with the first handle deletes the new cached record, and the scanner retries the acked message from the old one.",
    links: [],
    affected: ['5.3.2', '5.3.3', 'head'],
    fixedIn: 'open at head (no apache/rocketmq issue found: the tracker was searched for cache offset-keyed deletes after a restart)',
    atHead: 'open',
    upstream: 'no upstream issue linked (the tracker was searched)',
    switches: [],
    invariant: 'acked-never-retried',
    scenario: 'kv',
    messages: 1,
    bounds: { pops: 2, crashes: 1 },
    settings: { kvAtomicCleanup: true },
    buggy: { release: 'head', label: 'head, cleanup as one step' },
    fixed: null,
    expectBuggy: 'violated',
    shortest: 8,
    finding:
      'pop offset 0 (commit 0); at 10 s the cleanup writes its record to RocksDB; crash; the restarted broker pops offset 0 again into the cache; the client acks with its first handle, which deletes the new cached record; at the first deadline the scanner retries the old record. (Checked with the cleanup as one step, kvAtomicCleanup, so that kv-ack-during-cleanup does not come first.)',
    java:
      "the cache's per-queue map is keyed by offset (PCC:217, 228-235@5.3.2; 215, 226-228@head) and ackAsync stops at a cache hit (PCS:431-435@5.3.2); the restart re-pops from the committed offset because the pull offset is not persisted (ConsumerOffsetManager.queryPullOffset falls back to queryOffset, pullOffsetTable has no getter for the JSON encoder); the flushed record stays in RocksDB under its own key (PCR:99-109@5.3.2) and the scanner retries it (PCS:502-536@5.3.2)",
  },
];

/** The entries of the CK path (what the CK-only tools take: explain, diagram, the web app). */
export const CK_CATALOGUE: readonly BugEntry[] = CATALOGUE.filter(isCk);
/** The entries of the KV service. */
export const KV_CATALOGUE: readonly KvBugEntry[] = CATALOGUE.filter(isKv);

/** A CK-path entry by id; a KV entry's id gives undefined (see kvOnlyNote). */
/** An entry as users know it: `#8835` for a RocketMQ issue, the entry's id otherwise. */
export function entryName(e: { readonly id: string; readonly kind: string }): string {
  return e.kind === 'bug' && /^[0-9]/.test(e.id) ? `#${e.id}` : e.id;
}

/** An entry's `fixedIn` in a sentence: "fixed in 5.3.2" for a release (or head), else as the catalogue says ("not fixed (...)"). */
export function fixedInText(fixedIn: string): string {
  return /^([0-9]|head )/.test(fixedIn) ? `fixed in ${fixedIn}` : fixedIn;
}

export function findCkEntry(id: string): BugEntry | undefined {
  const e = findEntry(id);
  return e && isCk(e) ? e : undefined;
}

/** For the tools that walk the CK path only (explain, diagram, the REPL, the web app): why a KV entry's id is refused, or null. */
export function kvOnlyNote(id: string, tool: string): string | null {
  const e = findEntry(id);
  return e && isKv(e) ? `${e.id} is an entry of the KV (RocksDB) service, which ${tool} does not cover yet (it walks the CK path); run popcheck check --bug ${e.id}` : null;
}

export function findEntry(id: string): CatalogueEntry | undefined {
  const norm = id.replace(/^#/, '').toUpperCase();
  return CATALOGUE.find((e) => e.id.toUpperCase() === norm);
}

/** "Which model" an entry's run is: the identity the CLI, a trace header and the tests build it from. */
export function entryIdentity(e: CatalogueEntry, run: BugRun | KvBugRun, invariants: readonly string[] | null): AnyIdentity {
  return isKv(e) ? kvReproductionIdentity(e, run as KvBugRun, invariants) : reproductionIdentity(e, run as BugRun, invariants);
}
