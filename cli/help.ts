/** Help texts. */
import { SCENARIOS } from '../model/scenarios/index.js';
import { RELEASES, DEFAULT_RELEASE } from '../model/versions.js';
import { SETTING_INFO } from '../model/settings.js';
import { INVARIANT_NAMES } from '../model/invariants.js';

export const HELP = `popcheck: an exhaustive model checker for RocketMQ's POP consumption protocol

Usage:
  popcheck check [options]     explore every interleaving of a scenario and check the invariants
  popcheck check --help        options of check

Exit codes: 0 holds, 1 violated, 2 usage or input error, 3 incomplete.
`;

export const CHECK_HELP = `Usage: popcheck check [options]

  --scenario NAME      ${SCENARIOS.map((s) => `${s.name}: ${s.summary}`).join('\n                       ')}
                       (default ack-flush)
  --messages N         messages in the pop, 1..32 (default 3)
  --rocketmq RELEASE   ${RELEASES.map((r) => r.name).join(' | ')} (default ${DEFAULT_RELEASE})
  --batch-ack          enablePopBatchAck=true: the buffer flush writes one BatchAckMsg
  --set NAME=VALUE     override a setting (repeatable); settings:
${SETTING_INFO.map((s) => `                         ${s.name} (${s.kind}, ${s.type})`).join('\n')}
  --invariant NAME     check only this invariant (repeatable): ${INVARIANT_NAMES.join(', ')}
  --json               print one JSON object instead of text
  --max-states K       stop after K distinct states (verdict incomplete unless a violation was found)
  --timeout S          stop after S seconds (verdict incomplete unless a violation was found)
  --no-symmetry        do not merge states that differ only by which offsets of a CK are which
  --stop-at-first      stop at the first violation (no interleaving counts)
  --with-states        include the state after each counterexample step in --json output
  --workers N          explore with N threads, 1..64 (default 1: sequential); same results
`;
