/** Renders docs/lifecycles.md from the transition tables (kept in sync by a test). */
import {
  CK_EVENT_SOURCES,
  CK_TRANSITIONS,
  MESSAGE_EVENT_SOURCES,
  MESSAGE_TRANSITIONS,
  ckMachine,
  messageMachine,
} from './lifecycles.js';

function table(rows: readonly { fromState: string; event: string; toState: string }[], sources: Readonly<Record<string, readonly string[]>>): string {
  const lines = ['| from | lifecycle event | to | made by model events |', '|---|---|---|---|'];
  for (const r of rows) lines.push(`| ${r.fromState} | ${r.event} | ${r.toState} | ${sources[r.event].join(', ')} |`);
  return lines.join('\n');
}

export function lifecycleDoc(): string {
  return `# Lifecycles

<!-- Generated from model/lifecycles.ts by \`npm run docs\`; test/model/docs.test.ts checks it is current. -->

The model does not store lifecycle states. It projects them from the model state
(\`messageState\`, \`ckState\` in \`model/lifecycles.ts\`), and the invariant
\`lifecycle-legal\` checks, for every step of every run, that each message of each CK and
each CK moves along an edge of its table, by a lifecycle event the step's kind may make.
The tables are [typescript-fsm](https://github.com/eram/typescript-fsm) transition lists;
the diagrams below are their \`toMermaid()\` output.

## A popped message (one offset of one CK)

\`\`\`mermaid
${messageMachine().toMermaid('message lifecycle')}
\`\`\`

${table(MESSAGE_TRANSITIONS, MESSAGE_EVENT_SOURCES)}

- **inFlight**: the client holds the receipt handle and has not acked.
- **ackBuffered**: the ack was merged into the CK's wrapper in PopBufferMergeService (\`bits\`).
- **ackStored**: an AckMsg or BatchAckMsg for the offset is in the timer or the revive queue.
- **done**: the revive matched the ack, or the CK was fully acked in memory and never stored.
- **retried**: the revive wrote the offset to the retry topic. From **ackStored** this is the
  duplicate the \`acked-never-retried\` invariant forbids when the ack came in time. From
  **done** it is #7724: the unacked offset is gone and the read returns this later, acked one.

## A CK

\`\`\`mermaid
${ckMachine().toMermaid('CK lifecycle')}
\`\`\`

${table(CK_TRANSITIONS, CK_EVENT_SOURCES)}

- **buffered**: \`addCk\` kept the CK in memory (\`reviveQueueOffset = -1\`).
- **stored**: the CK message is a timer message waiting for its slot (deliverTimeMs = T - 1 s).
- **delivered**: the CK is in the revive queue.
- **doneInMemory**: every offset was acked in the buffer; the scan dropped the wrapper without storing the CK.
- **revived**: the revive service processed the CK (retries written for unmatched offsets).
`;
}
