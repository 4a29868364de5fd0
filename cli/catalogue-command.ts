/** `popcheck bugs` and `popcheck versions`: the catalogue and the release presets as data or text. */
import { CATALOGUE, entryIdentity, isCk, isKv } from '../model/catalogue.js';
import { identityFlags } from '../model/identity.js';
import { KV_DESCRIPTIONS, type KvInvariantName } from '../model/kv/invariants.js';
import { invariantDescription } from '../model/invariants.js';
import { SETTING_INFO } from '../model/settings.js';
import { BEHAVIOUR_NAMES, RELEASES } from '../model/versions.js';

/** How an implementation is named to the user. */
export const IMPLEMENTATION_NAMES = { ck: 'CK path', kv: 'KV (RocksDB) service' } as const;

export function bugsJson(): unknown {
  return CATALOGUE.map((e) => ({
    id: e.id,
    kind: e.kind,
    implementation: e.implementation,
    title: e.title,
    summary: e.summary,
    links: e.links,
    affected: e.affected,
    fixedIn: e.fixedIn,
    atHead: e.atHead,
    upstream: e.upstream,
    switches: e.switches,
    invariant: e.invariant,
    invariantMeaning: isKv(e) ? KV_DESCRIPTIONS[e.invariant as KvInvariantName] : invariantDescription(e.invariant),
    reproduction: {
      scenario: e.scenario,
      messages: e.messages,
      bounds: e.bounds ?? {},
      batchAck: isCk(e) ? (e.batchAck ?? false) : false,
      settings: e.settings ?? {},
      buggy: e.buggy,
      fixed: e.fixed,
      buggyFlags: identityFlags(entryIdentity(e, e.buggy, [e.invariant])),
      fixedFlags: e.fixed === null ? null : identityFlags(entryIdentity(e, e.fixed, [e.invariant])),
    },
    expectBuggy: e.expectBuggy,
    shortestCounterexample: e.shortest,
    ...(e.finding ? { finding: e.finding } : {}),
    ...(e.java ? { java: e.java } : {}),
  }));
}

export function bugsText(): string {
  const lines: string[] = [];
  for (const e of CATALOGUE) {
    lines.push(`${e.kind === 'bug' && isCk(e) ? '#' : ''}${e.id}  ${e.title}${e.kind === 'hazard' ? '  [hazard: client/proxy misuse, not a broker bug]' : ''}`);
    lines.push(`    implementation: ${IMPLEMENTATION_NAMES[e.implementation]}`);
    lines.push(`    ${e.summary}`);
    lines.push(`    affected: ${e.affected.join(', ')}; fixed: ${e.fixedIn}`);
    lines.push(`    at head: ${e.atHead}; upstream: ${e.upstream}`);
    lines.push(`    breaks ${e.invariant}; switches: ${e.switches.join(', ') || '(none)'}`);
    if (e.finding) lines.push(`    finding: ${e.finding}`);
    lines.push(`    reproduce: popcheck check --bug ${e.id}`);
    lines.push('');
  }
  return lines.join('\n');
}

export function versionsJson(): unknown {
  return RELEASES.map((r) => ({ name: r.name, ref: r.ref, date: r.date, note: r.note, switches: r.behaviours }));
}

export function versionsText(): string {
  const names = RELEASES.map((r) => r.name);
  const width = Math.max(...BEHAVIOUR_NAMES.map((b) => b.length));
  const col = (v: string) => v.padEnd(12);
  const lines = [`${''.padEnd(width)}  ${names.map(col).join('')}`];
  for (const b of BEHAVIOUR_NAMES) {
    lines.push(`${b.padEnd(width)}  ${RELEASES.map((r) => col(String(r.behaviours[b]))).join('')}`);
  }
  lines.push('');
  for (const r of RELEASES) lines.push(`${r.name.padEnd(12)} ${r.ref} (${r.date}): ${r.note}`);
  lines.push('');
  for (const b of BEHAVIOUR_NAMES) {
    const info = SETTING_INFO.find((s) => s.name === b);
    if (info) lines.push(`${b}: ${info.doc} [${info.source}]`);
  }
  return lines.join('\n');
}
