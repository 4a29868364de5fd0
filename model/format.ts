/** Rendering of state parts in RocketMQ's own vocabulary, for narration and reports. */
import { BROKER_NAMES, C, KIND, TIMESTAMP_OFFSET, type Layout } from './layout.js';

export function fmtTime(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

export function brokerName(code: number): string {
  return BROKER_NAMES[code] ?? `broker#${code}`;
}

/** Offsets of the set bits of `mask`, relative to `start`. */
export function offsetsOf(start: number, mask: number, num = 32): number[] {
  const out: number[] = [];
  for (let i = 0; i < num; i++) if (mask & (1 << i)) out.push(start + i);
  return out;
}

export function fmtOffsets(start: number, mask: number, num = 32): string {
  const o = offsetsOf(start, mask, num);
  return o.length === 0 ? '{}' : `{${o.join(',')}}`;
}

/** Bit indices of a mask, as PopCheckPointWrapper.toString prints bits. */
export function fmtBits(mask: number, num: number): string {
  const idx: number[] = [];
  for (let i = 0; i < num; i++) if (mask & (1 << i)) idx.push(i);
  return `{${idx.join(',')}}`;
}

export function fmtCk(d: Int32Array, L: Layout, k: number): string {
  const c = L.ck(k);
  const T = d[c + C.POP_TIME] + d[c + C.INVISIBLE];
  const so = d[c + C.START] === TIMESTAMP_OFFSET ? '<timestamp>' : String(d[c + C.START]);
  return (
    `CK{q=${d[c + C.QUEUE]}, so=${so}, n=${d[c + C.NUM]}, pt=${fmtTime(d[c + C.POP_TIME])}, ` +
    `it=${d[c + C.INVISIBLE] / 1000}s, T=${fmtTime(T)}, bn=${brokerName(d[c + C.BROKER])}}`
  );
}

export function fmtAckMsg(d: Int32Array, L: Layout, kind: number, k: number, mask: number, bn: number): string {
  const c = L.ck(k);
  const so = d[c + C.START];
  const head = kind === KIND.BACK ? `BatchAckMsg{aol=[${offsetsOf(so, mask).join(', ')}]` : `AckMsg{ao=${fmtOffsets(so, mask).replace(/[{}]/g, '')}`;
  return `${head}, so=${so}, q=${d[c + C.QUEUE]}, pt=${fmtTime(d[c + C.POP_TIME])}, bn=${brokerName(bn)}}`;
}

/** The message(s) an entry stands for: a CK, one or more AckMsg, or one BatchAckMsg. */
export function fmtEntry(d: Int32Array, L: Layout, kind: number, k: number, mask: number, bn: number): string {
  if (kind === KIND.CK) return `CK@${d[L.ck(k) + C.START]} (bn=${brokerName(bn)})`;
  if (kind === KIND.BACK) return fmtAckMsg(d, L, kind, k, mask, bn);
  const parts: string[] = [];
  for (let i = 0; i < 32; i++) if (mask & (1 << i)) parts.push(fmtAckMsg(d, L, KIND.ACK, k, 1 << i, bn));
  return parts.join(', ');
}
