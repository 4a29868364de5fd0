/**
 * Short state labels for `check --graph` (checker/graph.ts draws the graph, this says what a
 * state is in RocketMQ's terms): the time, each CK's buffer bits or where its CK is, what the
 * client acked, the timer and revive queue sizes, and the offsets retried.
 */
import { fmtTime } from './format.js';
import type { PopModel } from './popmodel.js';
import { toRecord, type CkRecord, type State } from './state.js';

const offs = (xs: readonly number[]): string => (xs.length === 0 ? '-' : xs.join(','));

function ckLine(c: CkRecord, named: boolean): string {
  const name = named ? `CK q${c.queueId}@${c.startOffset}` : `CK@${c.startOffset}`;
  const where = c.wrapper.inBuffer
    ? `buffer bits [${c.wrapper.bits.join(',')}]`
    : c.doneInMemory
      ? 'done in memory'
      : c.lost
        ? 'lost'
        : c.revived
          ? 'revived'
          : c.wrapper.ckStored || c.wrapper.justOffset
            ? 'stored'
            : 'gone';
  const retried = c.retried.length > 0 ? ` retried ${offs(c.retried)}` : '';
  return `${name}: ${where}; acked ${offs(c.client.acked)}${retried}`;
}

/** The labeller for `model`'s states. */
export function stateLabeller(model: PopModel): (s: State) => string {
  return (s) => {
    const r = toRecord(s, model.ctx.L);
    const named = new Set(r.cks.map((c) => c.queueId)).size > 1;
    const lines = [`t=${fmtTime(r.now)}${r.role === 'slave' ? ' slave' : ''}`];
    for (const c of r.cks) lines.push(ckLine(c, named));
    lines.push(`timer ${r.timer.length}, revive queue ${r.reviveQueue.length}`);
    return lines.join('\n');
  };
}
