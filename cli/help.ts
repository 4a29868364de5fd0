/** Help texts: the overview and one per command (`popcheck help CMD`, `popcheck CMD --help`). */
import { SCENARIOS } from '../model/scenarios/index.js';
import { RELEASES, DEFAULT_RELEASE } from '../model/versions.js';
import { POPLOG_RELEASES } from '../traces/poplog-releases.js';
import { SETTING_INFO } from '../model/settings.js';
import { INVARIANT_NAMES } from '../model/invariants.js';

export const EXIT_CODES_TEXT = `Exit codes: 0 holds / conforms, 1 violated / diverges (--bug: not as the catalogue says),
2 usage or input error, 3 incomplete (a bound, --timeout, --max-memory or a signal stopped the run),
70 internal error (a bug in popcheck).`;

export const HELP = `popcheck: an exhaustive model checker for RocketMQ's POP consumption protocol

Usage:
  popcheck check [options]     explore every interleaving of a scenario and check the invariants
  popcheck check --bug ID      reproduce a catalogue entry on its buggy and its fixing release
  popcheck explain --bug ID | --trace FILE | [check's scenario flags]
                               a narrated walkthrough of one run, step by step, with the panels
  popcheck bugs [--json]       the catalogue of RocketMQ POP bugs and hazards
  popcheck versions [--json]   the releases and their behaviour switches
  popcheck validate FILE... [--rocketmq R] [--json]
                               check what a broker wrote (RocketMQ's pop.log, popcheck's
                               JSON Lines form of it, or a popcheck trace) against the protocol
  popcheck replay FILE [--json] [--rocketmq R] [--invariant NAME]...
                               validate a JSON Lines model trace against the protocol
  popcheck simulate --cks N --out FILE [options]
                               write a random, valid pop.log of N CKs (or its JSON Lines form)
  popcheck diagram lifecycle|sequence [--bug ID] [--out FILE]
                               the lifecycle diagrams, or a catalogue bug as a sequence diagram (Mermaid)
  popcheck serve [--port P] [--open]
                               explore the model in the browser (http://127.0.0.1:7333/)
  popcheck help [COMMAND]      this text, or a command's options (also: popcheck COMMAND --help)
  popcheck --version           the version

${EXIT_CODES_TEXT}
`;

export const CHECK_HELP = `Usage: popcheck check [options]

  --scenario NAME      ${SCENARIOS.map((s) => `${s.name}: ${s.summary}`).join('\n                       ')}
                       (default ack-flush)
                       kv: the RocksDB (KV) POP service of 5.3.2+ (also --kv; popcheck check --kv --help)
  --compare-implementations
                       the same bounds on the CK path and the KV service (popcheck check --kv --help)
  --messages N         ack-flush: messages in the pop, 1..32; full: messages per queue, 1..16 (default 3)
  --rocketmq RELEASE   ${RELEASES.map((r) => r.name).join(' | ')} (default ${DEFAULT_RELEASE})
  --batch-ack          enablePopBatchAck=true: the buffer flush writes one BatchAckMsg
  --set NAME=VALUE     override a setting (repeatable); times are ms, 1..86400000, multiples of 500; settings:
${SETTING_INFO.map((s) => `                         ${s.name} (${s.kind}, ${s.type})`).join('\n')}
  --invariant NAME     check only this invariant (repeatable): ${INVARIANT_NAMES.join(', ')}
  --json               print one JSON object instead of text
  --max-states K       stop after K distinct states (verdict incomplete unless a violation was found)
  --timeout S          stop after S seconds (verdict incomplete unless a violation was found)
  --max-memory MB      stop when the process uses more than MB MiB (verdict incomplete likewise);
                       with --spill-dir it does not stop the run: passing it merges the buffer to disk
  --spill-dir DIR      go on past RAM: keep the visited states and the queue on disk, in a directory
                       of its own under DIR (removed at the end); same states, verdicts, shortest
                       counterexamples and counts, except that interleavings are not counted where
                       the state graph is not layered (e.g. --scenario full); one thread
  --spill-buffer N     successors held in memory between two merges with the states on disk,
                       1..1073741824 (default 1000000, about 50 MB)
  --no-symmetry        do not merge states that differ only by which offsets of a CK are which
  --stop-at-first      stop at the first violation (no interleaving counts)
  --with-states        include the state after each counterexample step in --json output
  --bug ID             run catalogue entry ID (see popcheck bugs) on its buggy and fixing release
                       (a KV entry, kv-...: on every release it affects and its fix, or "open at head")
  --trace-out FILE     write the counterexample as a JSON Lines trace (popcheck replay FILE reads it);
                       with --bug, the buggy release's; without a counterexample no file is written
                       (a note on stderr says so) and the exit code is the verdict's
  --trace-format F     what --trace-out writes: trace (default, the above), poplog (the pop.log the
                       broker would have written, enablePopLog=true: TopicA, GroupA, broker-a, revive
                       queue 0, model time 0 at 2024-09-12 10:00:00 GMT+8), or jsonl (the same lines in
                       popcheck's JSON Lines form of pop.log, exact ms times); poplog and jsonl need a
                       release with the 5.3.x pop.log formats (${POPLOG_RELEASES.join(', ')})
  --itf FILE           write the counterexample as an ITF trace (Apalache ADR-015, read by Quint and
                       Apalache): one state per step plus the initial one, each the state record and
                       the action taken; like --trace-out, nothing without a counterexample
  --workers N          explore with N threads, 1..64 (default 1: sequential); same results
  --mermaid FILE       write the counterexample as a Mermaid sequence diagram (Consumer, the broker's
                       classes, the revive and retry topics); like --trace-out, nothing without one
  --graph FILE         write the whole state graph, FILE.dot (Graphviz) or FILE.svg, for small state
                       spaces (at most 5000 states without symmetry, e.g. ack-flush --messages 4 or
                       fewer): states breaking an invariant in red, the shortest counterexample bold

Bounds of --scenario full (defaults: --queues 1 --messages 3 --pops 2 --batch 2, the rest 0/off):
  --queues N --pops N --batch N                  queues 1..4, pops in all 1..16, maxNums of each pop 1..32
  --acks N --pops-until MS --horizon MS          first acks the client sends at most (0..64); no pop / no client
                                                 or producer action after model time MS (the broker runs on)
  --late-acks N --dup-acks N --changes N         client: acks at or after T, repeated acks, changeInvisibleTime (0..8)
  --stale-handles N                              client: acks / changeInvisibleTime with a handle a change superseded (0..8; needs --changes)
  --store-failures N --retry-failures N          ACK puts that fail (0..8), revive passes whose retry writes fail (0..4)
  --read-failures N                              revive reads of a CK's message that complete exceptionally (0..4;
                                                 asynchronous reads only: --set asyncBizRead=true, 5.1.0 on)
  --slow-scans N --crashes N --role-changes N    serving=false after a scan (0..8), broker restarts, demotions to slave, each followed by a return to master (0..4)
  --produce N --expire N --gc N                  messages appended, messages deleted (0..8), scanGarbage runs (0..4)
  --cq-lag                                       --expire cleans the commit log only; the consume queue's min
                                                 offset is corrected later (pops then find MESSAGE_WAS_REMOVING)
  --unreadable N                                 windows in which the store answers getMessage with null (0..4)
  --pop-lag                                      a pop may sample popTime one tick before its read
  --timer-lag --scan-stalls                      let time pass while a timer slot is due / a scan is pending
  --queue-ids A,B --first-offsets A,B            RocketMQ queueIds and first offsets of the queues; offsets stay
                                                 below 2^30 (first offset + messages + produce <= 1073741824)

Each flag is given once, except --set and --invariant. Ctrl-C or SIGTERM stops the run cleanly:
the report so far, verdict incomplete (stopReason interrupted), exit 3.

${EXIT_CODES_TEXT}
`;

export const REPLAY_HELP = `Usage: popcheck replay FILE [--json] [--rocketmq R] [--invariant NAME]...

Replays a JSON Lines trace (a header naming the model, then one event per line) against the
protocol from the initial state, checking the invariants after every event; when the trace
ends at rest (no event left enabled) the final invariants (no-loss) are checked too, else the
report says they were not and which events were pending. A header with "scenario":"kv" is a
trace of the KV (RocksDB) service (popcheck check --kv --trace-out FILE writes one) and is
replayed against the KV model.

  --json               print one JSON object instead of text
  --rocketmq R         replay against release R instead of the one the header names
  --invariant NAME     check only this invariant (repeatable; default: the header's, else the default set)

Exit codes: 0 conforms, 1 diverges (an event the protocol or the header's bounds do not allow)
or violated, 2 usage or input error (a malformed line: FILE:LINE), 70 internal error.
`;

export const VALIDATE_HELP = `Usage: popcheck validate FILE... [--format auto|poplog|jsonl] [--rocketmq R] [--set k=v]... [--batch-ack] [--max-memory MB] [--json]

Checks what a broker wrote against the protocol. A FILE is RocketMQ's own pop.log (logger
RocketmqPop; the per-CK lines need enablePopLog=true), popcheck's JSON Lines form of one
(popcheck simulate --format jsonl writes it), or a popcheck model trace (as popcheck replay).
Each CK in the log is followed by its own model, with the model's guards, steps and
invariants; steps that log nothing (timer deliveries, quiet scans, store-path acks) are
searched for between lines, and one-second timestamps are judged over the whole second.

  --format F           auto (default: a first line starting with { is JSON Lines), poplog or jsonl
  --rocketmq R         the broker's release; pop.log formats are known for ${POPLOG_RELEASES.join(', ')}
                       (default ${DEFAULT_RELEASE}; a JSON Lines file names its own)
  --set name=value     a broker setting the broker ran with (e.g. popCkStayBufferTime=10000)
  --batch-ack          the broker ran with enablePopBatchAck=true
  --max-memory MB      heap of each file's worker (default 192): a file that needs more ends incomplete
  --json               print one JSON object (docs/schemas/validate-report.schema.json)
  --mermaid FILE       a Mermaid sequence diagram of the headline finding: for a pop.log, the lines
                       the broker wrote for the first violated (else diverging) CK, each an arrow or a
                       note labelled with its line number (L4), with the findings as notes; for a
                       popcheck model trace, its replayed steps. Nothing bad: a note, no file

Verdicts: conforms; violated (an invariant failed: the line where it became certain, the CK,
the offsets and the catalogue entries the pattern matches); diverges (a line no model step
explains: the line, the CK, how many candidate states were possible before it and what the
closest one refused); incomplete (the search was cut). CKs the log cannot support (popped
before it starts, more than 16 messages, ...) are counted as not checkable, with why.

Exit codes: 0 conforms, 1 violated or diverges, 2 usage or input error (FILE or FILE:LINE),
3 incomplete, 70 internal error.
`;

export const SIMULATE_HELP = `Usage: popcheck simulate --cks N --out FILE [options]

Writes a random pop.log of N CKs, every line of which the model prints (enablePopLog=true):
each CK is one run of its own model (one pop of 1..--batch messages); the client acks most
messages in time, some after the revive time, some never; the buffer scan, the timer and
the revive run a few ms after they are due. The lines of all CKs are merged by time. Same
seed and flags: the same file, byte for byte.

  --cks N              CKs (pops), 1..10000000
  --out FILE           where to write (- for standard output); a one-line summary goes to stderr
  --seed S             the PRNG seed, 0..4294967295 (default 1)
  --format F           poplog: RocketMQ's pop.log text (default); jsonl: popcheck's JSON Lines form of it
                       (a header, then {time, level, thread, kind, message} per line, exact ms times)
  --rocketmq RELEASE   5.3.0 | 5.3.1 | 5.3.2 | head (default ${DEFAULT_RELEASE}); other releases have other formats
  --batch-ack          enablePopBatchAck=true: the buffer flush writes one BatchAckMsg
  --set NAME=VALUE     override a setting (repeatable), e.g. popInvisibleTime=60000 (else 30000 or 60000 per pop)
  --topics N           topics TopicA, TopicB, ... (default 3, at most 702)
  --groups N           consumer groups GroupA, ... (default 2, at most 702)
  --queues N           queues per topic, 1..1024 (default 4)
  --revive-queues N    revive queues (reviveQueueNum), 1..512 (default 8)
  --batch N            most messages one pop takes, 1..16 (default 4)
  --start MS           epoch ms of the first pop (default 1726106400000, 2024-09-12 10:00:00 GMT+8)
  --no-pop-log         enablePopLog=false (RocketMQ's default): only the lines logged without it
                       (merge-key conflicts, put ack msg error, missing biz messages)

Pops are 50 ms apart (plus a jitter). Offsets of each (topic, group, queue) start at 1000.

Exit codes: 0 written, 2 usage error (a bad flag, a file that cannot be written), 70 internal error.
`;

export const BUGS_HELP = `Usage: popcheck bugs [--json]

Lists the catalogue of RocketMQ POP bugs and hazards, of both implementations (the CK path and
the KV (RocksDB) service, each entry says which), each with the model configuration that
reproduces it (popcheck check --bug ID runs it).

  --json               print the catalogue as JSON

Exit codes: 0, 2 usage error.
`;

export const VERSIONS_HELP = `Usage: popcheck versions [--json]

Lists the RocketMQ releases the model knows and the behaviour switches each one sets.

  --json               print the releases as JSON

Exit codes: 0, 2 usage error.
`;

export const EXPLAIN_HELP = `Usage: popcheck explain --bug ID [--fixed] | --trace FILE | [scenario flags] [--json] [--mermaid FILE]

Walks through one run step by step, as a story to project: for each step a heading (its
number, the model time, what happened), what RocketMQ's classes did (PopMessageProcessor,
PopBufferMergeService, TimerMessageStore, PopReviveService, ...), and the panels after it
(consumer, buffer with bits and toStoreBits, queue with consumer offset and offset queue,
timer, revive queue and revive offset, retry topic, message lifecycle states), the lines the
step changed marked with *. It ends with the invariant that broke, at which step and why,
or says nothing broke.

  --bug ID             a catalogue entry's shortest counterexample on its buggy release (see
                       popcheck bugs), then a coda: the same steps on the release that fixed it,
                       where they first differ and what is left in the retry topic
  --fixed              with --bug: walk the same steps on the fixing release instead
  --trace FILE         a popcheck JSON Lines trace (check --trace-out FILE writes one)
  scenario flags       as for popcheck check (--scenario, --messages, --rocketmq, --batch-ack,
                       --set, --invariant, the full scenario's bounds, --max-states, --timeout,
                       --max-memory): run the check and walk through its shortest counterexample;
                       when every invariant holds, say so and walk nothing
  --json               print the steps and the panels after each as one JSON object
                       (docs/schemas/explain-report.schema.json)
  --mermaid FILE       also write the walked steps as a Mermaid sequence diagram

Bold and colour only when standard output is a terminal (and NO_COLOR is not set); lines are
at most 100 columns.

Exit codes: 0 the walked run breaks nothing (or the check holds), 1 it breaks an invariant (or
a trace event is refused), 2 usage or input error (the flag, or FILE:LINE), 3 the check stopped
early without a violation, 70 internal error.
`;

export const DIAGRAM_HELP = `Usage: popcheck diagram lifecycle [--out FILE]
       popcheck diagram sequence --bug ID [--fixed] [--out FILE]

  lifecycle            the message and CK lifecycles (model/lifecycles.ts) as Markdown with
                       Mermaid state diagrams (GitHub renders them)
  sequence             the shortest counterexample of catalogue entry ID on its buggy release as a
                       Mermaid sequence diagram; --fixed: the same events on its fixing release
  --out FILE           write to FILE instead of standard output

Exit codes: 0 written, 2 usage error, 70 internal error.
`;

export const SERVE_HELP = `Usage: popcheck serve [--port P] [--host H] [--open]

Serves the browser explorer: the model's panels (consumer, CK buffer, queues, timer, revive
queue, retry topic), the events offered now as buttons (a disabled one says which guard stops
it), undo/redo and a timeline, a catalogue entry's counterexample, a trace or pop.log file, the
same steps on another release, and "check from here". Everything runs in the page; the server
only hands out the page's own files and makes no other request.

  --port P             the port, 0..65535 (default 7333; 0 picks a free one)
  --host H             the address to bind (default 127.0.0.1, this machine only); another
                       address (e.g. 0.0.0.0) lets other machines in, with a warning
  --open               open the page in the system browser (xdg-open), if there is one

Prints popcheck serve: URL and serves until Ctrl-C (exit 0).

Exit codes: 0 stopped by Ctrl-C, 2 usage error (a bad flag, a port in use, the page not built).
`;

export const COMMAND_HELP: Readonly<Record<string, string>> = {
  check: CHECK_HELP,
  explain: EXPLAIN_HELP,
  replay: REPLAY_HELP,
  validate: VALIDATE_HELP,
  simulate: SIMULATE_HELP,
  bugs: BUGS_HELP,
  versions: VERSIONS_HELP,
  diagram: DIAGRAM_HELP,
  serve: SERVE_HELP,
  help: HELP,
};
