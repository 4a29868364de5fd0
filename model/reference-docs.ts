/** Renders docs/catalogue.md and docs/versions.md from the data (kept in sync by a test). */
import { CATALOGUE, entryIdentity, isKv, type BugRun, type CatalogueEntry, type KvBugRun } from './catalogue.js';
import { identityFlags } from './identity.js';
import { KV_DESCRIPTIONS, type KvInvariantName } from './kv/invariants.js';
import { invariantDescription } from './invariants.js';
import { SETTING_INFO } from './settings.js';
import { BEHAVIOUR_NAMES, findRelease, PRESET_SOURCES, RELEASES } from './versions.js';

/** The `popcheck check` flags of an entry's run: the run's model identity, as the CLI takes it. */
function runCommand(e: CatalogueEntry, run: BugRun | KvBugRun): string {
  return `popcheck check ${identityFlags(entryIdentity(e, run, [e.invariant]))}`;
}

const IMPLEMENTATION = { ck: 'CK', kv: 'KV' } as const;

export function catalogueDoc(): string {
  const out: string[] = [
    '# The catalogue',
    '',
    '<!-- Generated from model/catalogue.ts by `npm run docs`; test/model/docs.test.ts checks it is current. -->',
    '',
    "RocketMQ's historical POP bugs, the reference's inferred hazards (hypotheses) and hazards of client or proxy misuse, each with the smallest",
    'configuration in which the model reproduces it. `popcheck check --bug ID` runs the buggy and',
    'the fixing configuration side by side; `popcheck bugs --json` lists this table as data.',
    '"Affected" lists the releases where the reproduction violates its invariant (5.0.0-alpha run',
    'with `reviveQueueBusy`, since its revive needs other traffic to make a CK due).',
    'The "impl." column names the POP implementation: CK, the classic path (PopMessageProcessor,',
    "PopBufferMergeService, PopReviveService; scenarios ack-flush and full), or KV, the RocksDB service",
    'of 5.3.2 and later (PopConsumerService, PopConsumerCache, PopConsumerRocksdbStore; scenario kv).',
    'A KV entry still open at head has no fixed run: `--bug` runs it on every release it affects and',
    'says "open at head".',
    '',
    '"At head" says whether head (8fc57f1468) still has it: `open` (no fix merged upstream: head\'s',
    'code behaves so, with the options the reproduction sets), `fixed`, `by-design` (intended behaviour, or harm that',
    'needs a client\'s misuse) or `refuted` (checking did not confirm it).',
    '',
    '`popcheck check` names, under "Known bug", the CK entries a counterexample is: a bug or',
    'confirmed hypothesis of the violated invariant that affects the release, whose conditions the',
    'run meets (batch ack, and the yes/no settings the bug needs: the entry\'s `conditions`, e.g.',
    '#3787\'s buffer on, else the yes/no settings of its reproduction; a setting that only keeps the',
    'reproduction small, like the buffer off of #7724, #7412, #7914 or #5408, is not one), and whose fix alone (the',
    'entry\'s own `fix` when its fixed release brings more, as 5.3.2 brings #8981\'s revive fallback besides',
    '#8835\'s PR #8836, or when the fix needs what it shipped with, as #4153\'s timer wheel needs the revive\'s idle',
    'rule on 5.0.0-alpha; else the switches its buggy and fixed runs differ in; set on the run\'s own settings) lets the same',
    'steps replay without the violation, no run on from them within the bounds violating it either,',
    'or refuses one of them (not when that fix only turns off',
    'a feature its reproduction turns on, as I-3\'s and I-4\'s do: it would refuse that feature\'s',
    'steps in any counterexample). traces/catalogue-match.ts, `knownBugsOf`;',
    'test/traces/known-bugs.test.ts checks that every other such entry\'s own counterexample names it,',
    'that flipping a condition makes its reproduction hold or another entry\'s case (#4153\'s with the',
    'buffer on is #3787\'s), and that flipping any other yes/no setting of it still names it.',
    '',
    '| id | impl. | what | affected | fixed | at head | breaks | shortest |',
    '|---|---|---|---|---|---|---|',
  ];
  const name = (e: (typeof CATALOGUE)[number]): string => (e.kind === 'bug' && !isKv(e) ? `#${e.id}` : e.id);
  for (const e of CATALOGUE) {
    out.push(
      `| ${name(e)} | ${IMPLEMENTATION[e.implementation]} | ${e.title} | ${e.affected.join(', ')} | ${e.fixedIn} | ${e.atHead} | \`${e.invariant}\` | ${e.shortest ?? '-'} steps |`,
    );
  }
  const open = CATALOGUE.filter((e) => e.atHead === 'open');
  out.push(
    '',
    '## Open upstream at head',
    '',
    `${open.length} entries are still in RocketMQ's code at head (8fc57f1468): no fix is merged upstream. Some need`,
    'an option off by default (their reproduction sets it: see each entry). The state of their upstream issue and',
    'PR was looked up on 2026-12-01; "no upstream issue linked" means the catalogue knows of none.',
    '',
    '| id | impl. | what | kind | affected | upstream |',
    '|---|---|---|---|---|---|',
  );
  for (const e of open) out.push(`| ${name(e)} | ${IMPLEMENTATION[e.implementation]} | ${e.title} | ${e.kind} | ${e.affected.join(', ')} | ${e.upstream} |`);
  for (const e of CATALOGUE) {
    out.push('', `## ${e.kind === 'bug' && !isKv(e) ? `#${e.id}` : e.id}: ${e.title}`, '', e.summary, '');
    if (e.kind === 'hazard') {
      out.push(
        "**Hazard, not a broker bug:** RocketMQ's code does what it means to; the harm comes from a client's or the proxy's misuse that the broker cannot detect. The fixed run is the correct use.",
        '',
      );
    }
    if (e.finding) out.push(`**Finding:** ${e.finding}`, '');
    out.push(`- Implementation: ${isKv(e) ? 'the KV (RocksDB) service (scenario kv)' : `the CK path (scenario ${e.scenario})`}`);
    out.push(`- Links: ${e.links.join(', ') || '(none upstream)'}`);
    out.push(`- Breaks \`${e.invariant}\`: ${isKv(e) ? KV_DESCRIPTIONS[e.invariant as KvInvariantName] : invariantDescription(e.invariant)}.`);
    out.push(`- At head: ${e.atHead}; upstream: ${e.upstream}`);
    out.push(`- Switches: ${e.switches.map((s) => `\`${s}\``).join(', ') || '(none)'}`);
    if (e.java) out.push(`- Java: ${e.java}`);
    out.push(`- Buggy run (${e.buggy.label}): \`${runCommand(e, e.buggy)}\` → ${e.expectBuggy}${isKv(e) && e.shortest !== null ? ` in ${e.shortest} steps` : ''}`);
    if (e.fixed !== null) out.push(`- Fixed run (${e.fixed.label}): \`${runCommand(e, e.fixed)}\` → holds`);
    else out.push('- Fixed run: none, open at head');
  }
  out.push('');
  return out.join('\n');
}

export function versionsDoc(): string {
  const out: string[] = [
    '# Releases and their switches',
    '',
    '<!-- Generated from model/versions.ts and model/settings.ts by `npm run docs`; test/model/docs.test.ts checks it is current. -->',
    '',
    '`--rocketmq R` sets every behaviour switch as release R had it; `--set name=value` changes one.',
    'Facts are from the source at each tag (apache/rocketmq); "head" is 8fc57f1468 (2025-09-19).',
    '',
    `| switch | ${RELEASES.map((r) => r.name).join(' | ')} |`,
    `|---|${RELEASES.map(() => '---').join('|')}|`,
  ];
  for (const b of BEHAVIOUR_NAMES) out.push(`| \`${b}\` | ${RELEASES.map((r) => String(r.behaviours[b])).join(' | ')} |`);
  out.push('', '| release | ref | date | what changed |', '|---|---|---|---|');
  for (const r of RELEASES) out.push(`| ${r.name} | \`${r.ref}\` | ${r.date} | ${r.note} |`);
  const added = Object.keys(PRESET_SOURCES) as (keyof typeof PRESET_SOURCES)[];
  out.push(
    '',
    `### Where the values of ${added.join(', ')} come from`,
    '',
    'Each value was read at the tag (`rocketmq-all-<release>`); PRS = `broker/.../processor/PopReviveService.java`,',
    'PBMS = `PopBufferMergeService.java`, EB = `broker/.../failover/EscapeBridge.java`, CFG = `common/.../BrokerConfig.java`.',
    '',
    `| switch | ${added.join(' | ')} |`,
    `|---|${added.map(() => '---').join('|')}|`,
  );
  for (const b of BEHAVIOUR_NAMES) {
    out.push(`| \`${b}\` | ${added.map((r) => `${String(findRelease(r)!.behaviours[b])}: ${PRESET_SOURCES[r][b]}`).join(' | ')} |`);
  }
  out.push('', '## Settings', '', '| setting | kind | type | buggy value | meaning | source |', '|---|---|---|---|---|---|');
  for (const s of SETTING_INFO) {
    out.push(`| \`${s.name}\` | ${s.kind} | ${s.type === 'enum' ? s.values?.join(' / ') : s.type} | ${s.buggy === undefined ? '' : String(s.buggy)} | ${s.doc} | ${s.source} |`);
  }
  out.push('');
  return out.join('\n');
}
