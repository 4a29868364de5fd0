/** The REPL's session helpers (cli/repl-helpers.ts): what they print and what they take. */
import { describe, expect, it } from 'vitest';
import { findOffer, makeHelpers } from '../../cli/repl-helpers.js';
import { decodeSpec } from '../../model/session.js';

function helpers() {
  const out: string[] = [];
  return { out, h: makeHelpers((s) => out.push(s)) };
}

describe('REPL helpers', () => {
  it('play by type and offset, by offer index; a disabled button is refused with its why; undo and redo', () => {
    const { out, h } = helpers();
    const s = h.session({ messages: 2 });
    expect(h.play(s, 'ack 101')).toMatch(/no receipt handle/);
    expect(s.steps).toHaveLength(0);
    expect(h.play(s, 'pop')).toBeNull();
    expect(h.play(s, 'ack 101')).toBeNull();
    expect(s.events.at(-1)).toMatchObject({ type: 'ack', offset: 101 });
    expect(out.join('')).toContain('Step 2 — 1.0s — the client acks 101; the buffer merges it into CK@100');
    // acked already: that button is disabled now
    expect(h.play(s, 'ack 101')).not.toBeNull();
    expect(s.steps).toHaveLength(2);
    const i = s.offers().findIndex((o) => o.enabled);
    expect(h.play(s, i)).toBeNull();
    expect(h.undo(s)).toBe(true);
    expect(h.redo(s)).toBe(true);
    expect(findOffer(s, 'nothing-like-this')).toBeNull();
  });

  it('show prints the panels; offers the buttons; release the divergence; link a spec decodeSpec reads', () => {
    const { out, h } = helpers();
    const b = h.bug('8835');
    h.show(b);
    expect(out.join('')).toContain('retry     %RETRY%GID_POP_TopicTest: 100 (DUPLICATE: acked)');
    out.length = 0;
    h.offers(h.session());
    expect(out[0]).toMatch(/^ {2}0 {2}\[x\] pop queue 0/);
    out.length = 0;
    const fixed = h.release(b, '5.3.2');
    expect(fixed.identity.rocketmq).toBe('5.3.2');
    expect(out.join('')).toMatch(/step 3 does something else:\n {2}- putAckToStore.*bn=null.*\n {2}\+ putAckToStore.*bn=broker-a/);
    out.length = 0;
    h.here(h.session());
    expect(out[0]).toMatch(/^from here: violated, \d+ states/);
    expect(decodeSpec(h.link(b))).toEqual(b.spec());
  });
});
