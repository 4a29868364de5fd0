/** Help texts. */
import { SCENARIOS } from '../model/scenarios/index.js';
import { RELEASES, DEFAULT_RELEASE } from '../model/versions.js';
import { SETTING_INFO } from '../model/settings.js';
import { INVARIANT_NAMES } from '../model/invariants.js';

export const HELP = `popcheck: an exhaustive model checker for RocketMQ's POP consumption protocol

Usage:
  popcheck check [options]     explore every interleaving of a scenario and check the invariants
  popcheck check --bug ID      reproduce a catalogue entry on its buggy and its fixing release
  popcheck check --help        options of check
  popcheck bugs [--json]       the catalogue of RocketMQ POP bugs and hazards
  popcheck versions [--json]   the releases and their behaviour switches
  popcheck replay FILE [--json] [--invariant NAME]...
                               validate a JSON Lines trace against the protocol

Exit codes: 0 holds, 1 violated, 2 usage or input error, 3 incomplete.
`;

export const CHECK_HELP = `Usage: popcheck check [options]

  --scenario NAME      ${SCENARIOS.map((s) => `${s.name}: ${s.summary}`).join('\n                       ')}
                       (default ack-flush)
  --messages N         ack-flush: messages in the pop, 1..32; full: messages per queue, 1..16 (default 3)
  --rocketmq RELEASE   ${RELEASES.map((r) => r.name).join(' | ')} (default ${DEFAULT_RELEASE})
  --batch-ack          enablePopBatchAck=true: the buffer flush writes one BatchAckMsg
  --set NAME=VALUE     override a setting (repeatable); settings:
${SETTING_INFO.map((s) => `                         ${s.name} (${s.kind}, ${s.type})`).join('\n')}
  --invariant NAME     check only this invariant (repeatable): ${INVARIANT_NAMES.join(', ')}
  --json               print one JSON object instead of text
  --max-states K       stop after K distinct states (verdict incomplete unless a violation was found)
  --timeout S          stop after S seconds (verdict incomplete unless a violation was found)
  --max-memory MB      stop when the process uses more than MB MiB (verdict incomplete likewise)
  --no-symmetry        do not merge states that differ only by which offsets of a CK are which
  --stop-at-first      stop at the first violation (no interleaving counts)
  --with-states        include the state after each counterexample step in --json output
  --bug ID             run catalogue entry ID (see popcheck bugs) on its buggy and fixing release
  --trace-out FILE     write the counterexample as a JSON Lines trace (popcheck replay FILE reads it)
  --workers N          explore with N threads, 1..64 (default 1: sequential); same results

Bounds of --scenario full (defaults: --queues 1 --messages 3 --pops 2 --batch 2, the rest 0/off):
  --queues N --pops N --batch N                  queues, pops in all, maxNums of each pop
  --acks N --pops-until MS --horizon MS          first acks the client sends at most; no pop / no client
                                                 or producer action after model time MS (the broker runs on)
  --late-acks N --dup-acks N --changes N         client: acks after T, repeated acks, changeInvisibleTime
  --store-failures N --retry-failures N          ACK puts that fail, revive passes whose retry writes fail
  --slow-scans N --crashes N --role-changes N    serving=false after a scan, broker restarts, master/slave flips
  --produce N --expire N --gc N                  messages appended, messages deleted, scanGarbage runs
  --pop-lag                                      a pop may sample popTime one tick before its read
  --timer-lag --scan-stalls                      let time pass while a timer slot is due / a scan is pending
  --queue-ids A,B --first-offsets A,B            RocketMQ queueIds and first offsets of the queues
`;
