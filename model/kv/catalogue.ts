/**
 * Findings of the KV (RocksDB) POP service model: each a violation the Java at the named
 * releases can produce, matched to the source and to apache/rocketmq's tracker. Each entry
 * pins its smallest counterexample (test/model/kv.test.ts): `shortest` steps on every buggy
 * release, and the invariant holds on the fixed release when there is one.
 */
import type { KvBounds, KvIdentity } from './model.js';
import type { KvSettings } from './rules.js';

export interface KvFinding {
  readonly id: string;
  readonly title: string;
  readonly invariant: string;
  /** The checks run on every release: only this invariant. */
  readonly bounds: Partial<KvBounds>;
  readonly settings?: Partial<KvSettings>;
  readonly buggy: readonly string[];
  /** The release that fixes it, or 'open at head'. */
  readonly fixed: string;
  /** Steps of the smallest counterexample on the buggy releases. */
  readonly shortest: number;
  readonly upstream: string;
  readonly java: string;
  readonly story: string;
}

export const KV_FINDINGS: readonly KvFinding[] = [
  {
    id: 'kv-ack-during-cleanup',
    title: 'An ack that arrives while the cache cleanup is writing its record to RocksDB is undone: the message is retried although acked in time',
    invariant: 'acked-never-retried',
    bounds: { messages: 1, pops: 1 },
    buggy: ['5.3.2', '5.3.3', 'head'],
    fixed: 'open at head',
    shortest: 7,
    upstream: 'apache/rocketmq#10736 (open; fix proposed in PR #11016)',
    java:
      'PopConsumerCache.cleanupRecords removes due records from the map, then writes them to RocksDB (PCC:145, 157@5.3.2; stage 143, write 154@head); ConsumerRecords.delete looks only in the map (PCC:237-246@5.3.2, 230-232@head), so PopConsumerService.ackAsync falls through to a RocksDB delete of a key not yet written (PCS:431-438@5.3.2) and the later write restores it; the scanner retries it (PCS:502-536@5.3.2)',
    story: 'pop; 10 s later the cleanup takes the record out of the cache; the client acks (cache miss, RocksDB delete of nothing); the cleanup writes the record to RocksDB; at the deadline the scanner writes the message to the retry topic.',
  },
  {
    id: 'kv-premature-commit',
    title: "A pop during the cache cleanup commits the consumer offset past records not yet in RocksDB; a crash then loses them",
    invariant: 'no-loss',
    bounds: { messages: 2, pops: 2, crashes: 1 },
    buggy: ['5.3.2', '5.3.3'],
    fixed: 'head',
    shortest: 7,
    upstream: 'apache/rocketmq#9626 (fixed by PR #9627, e6a587a82a, after 5.3.3)',
    java:
      'getMinOffsetInBuffer reads only the map (PCC:248-251@5.3.2) while the cleanup has removed the due records and not yet written them (PCC:145-157@5.3.2); the pop commits its own start (PCS:186-194@5.3.2, 180-197@5.3.3); head reads the staged map first (PCC:234-241@head)',
    story: 'pop offset 0; at 10 s the cleanup takes its record out; a pop of offset 1 finds the cache empty and commits offset 1; the broker crashes before the RocksDB write: offset 0 is neither in RocksDB nor below the restart offset.',
  },
  {
    id: 'kv-cache-revive-failure',
    title: 'A record that expires in the cache is revived asynchronously and forgotten: a failed retry-topic write loses the message',
    invariant: 'no-loss',
    bounds: { messages: 1, pops: 1, retryFailures: 1 },
    settings: { popInvisibleTime: 5000 },
    buggy: ['5.3.2', '5.3.3', 'head'],
    fixed: 'open at head',
    shortest: 6,
    upstream: 'apache/rocketmq#10667 (open)',
    java:
      "the cleanup hands an expired record to the cache's consumer, PopConsumerService::revive (PCS:97-98, 474-488@5.3.2), whose future nobody reads (PCC:148-149@5.3.2, 146-147@head); reviveRetry's failed put returns false (PCS:616-621@5.3.2) and no back-off record is written, unlike the scanner (PCS:513-528@5.3.2)",
    story: 'with popInvisibleTime (5 s) below popCkStayBufferTime (10 s) the record expires in the cache; the cleanup hands it to the revive, whose retry write fails; a pop that finds nothing commits the offset past it.',
  },
  {
    id: 'kv-change-same-key',
    title: 'A change of invisible time whose new deadline equals the old one deletes the record it has just written',
    invariant: 'no-loss',
    bounds: { messages: 1, pops: 1, changes: 1 },
    settings: { enablePopBufferMerge: false },
    buggy: ['5.3.2', '5.3.3', 'head'],
    fixed: 'open at head',
    shortest: 4,
    upstream: 'apache/rocketmq#10276 (fixed by PR #10277, after the model\'s head 8fc57f1468)',
    java:
      'changeInvisibilityDuration writes the new record, then deletes the old by its key (PCS:451-465@5.3.2, 473-481@head); the key is visibility timeout + group + topic + queue + offset (PCR:99-109@5.3.2), so equal deadlines name one key',
    story: 'without the cache (enablePopBufferMerge off) the pop writes its record to RocksDB; the client changes the invisible time at the pop instant to the same duration; the write replaces the record and the delete removes it.',
  },
  {
    id: 'kv-crash-offset-key',
    title: "After a crash the message is popped again; an ack with the first handle deletes the new cached record (the cache keys by offset alone) and the first record, already in RocksDB, is retried",
    invariant: 'acked-never-retried',
    bounds: { messages: 1, pops: 2, crashes: 1 },
    settings: { kvAtomicCleanup: true },
    buggy: ['5.3.2', '5.3.3', 'head'],
    fixed: 'open at head',
    shortest: 8,
    upstream: 'no apache/rocketmq issue found (searched the tracker for cache offset-keyed deletes after a restart)',
    java:
      "the cache's per-queue map is keyed by offset (PCC:217, 228-235@5.3.2; 215, 226-228@head) and ackAsync stops at a cache hit (PCS:431-435@5.3.2); the restart re-pops from the committed offset because the pull offset is not persisted (ConsumerOffsetManager.queryPullOffset falls back to queryOffset, pullOffsetTable has no getter for the JSON encoder); the flushed record stays in RocksDB under its own key (PCR:99-109@5.3.2) and the scanner retries it (PCS:502-536@5.3.2)",
    story: 'pop offset 0 (commit 0); at 10 s the cleanup writes its record to RocksDB; crash; the restarted broker pops offset 0 again into the cache; the client acks with its first handle, which deletes the new cached record; at the first deadline the scanner retries the old record. (Checked with the cleanup as one step, kvAtomicCleanup, so that kv-ack-during-cleanup does not come first.)',
  },
];

export function kvFindingIdentity(f: KvFinding, release: string): KvIdentity {
  return { rocketmq: release, bounds: f.bounds, ...(f.settings ? { settings: f.settings } : {}), invariants: [f.invariant] };
}
