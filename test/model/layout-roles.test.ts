import { describe, expect, it } from 'vitest';
import { C, CK_ROLES, E, ENTRY_ROLES, fieldsWithRole, G, GLOBAL_ROLES, Q, QUEUE_ROLES } from '../../model/layout.js';
import { CK_MASKS } from '../../model/symmetry.js';

describe('the layout declaration (model/layout.ts roles)', () => {
  it('gives every word of every record a role, and nothing else', () => {
    for (const [record, roles] of [
      [G, GLOBAL_ROLES],
      [Q, QUEUE_ROLES],
      [C, CK_ROLES],
      [E, ENTRY_ROLES],
    ] as const) {
      const fields = Object.keys(record).filter((k) => k !== 'SIZE');
      expect(Object.keys(roles).sort()).toEqual(fields.sort());
    }
    // Offsets are distinct and cover each fixed record (Q's last field starts its per-message run).
    for (const record of [G, C, E] as const) {
      const offsets = Object.entries(record)
        .filter(([k]) => k !== 'SIZE')
        .map(([, v]) => v)
        .sort((a, b) => a - b);
      expect(offsets).toEqual(Array.from({ length: record.SIZE }, (_, i) => i));
    }
  });

  it('symmetry permutes exactly the declared per-CK message masks, and the entries\' MASK', () => {
    expect([...CK_MASKS].sort((a, b) => a - b)).toEqual(fieldsWithRole(C, CK_ROLES, 'message-mask'));
    expect(new Set(CK_MASKS).size).toBe(CK_MASKS.length);
    expect(fieldsWithRole(E, ENTRY_ROLES, 'message-mask')).toEqual([E.MASK]);
    expect(fieldsWithRole(G, GLOBAL_ROLES, 'message-mask')).toEqual([]);
    expect(fieldsWithRole(Q, QUEUE_ROLES, 'message-mask')).toEqual([]);
  });

  it('declares the exploration budgets apart from the protocol\'s fields', () => {
    const budgets = fieldsWithRole(G, GLOBAL_ROLES, 'budget');
    const used = Object.entries(G)
      .filter(([k]) => k.startsWith('USED_'))
      .map(([, v]) => v)
      .sort((a, b) => a - b);
    expect(budgets).toEqual(used);
    expect(budgets.length).toBeGreaterThan(0);
  });
});
