/**
 * Every behaviour the model can vary is a named setting. Two kinds:
 * - `config`: a BrokerConfig / client option an operator sets (named as in RocketMQ);
 * - `behaviour`: what a release's code does, set by `--rocketmq <release>` (see versions.ts).
 * Any setting can be overridden with `--set name=value`.
 */
import { z } from 'zod';

export const SettingsSchema = z.object({
  // BrokerConfig and client options
  enablePopBufferMerge: z.boolean(),
  enablePopBatchAck: z.boolean(),
  popInvisibleTime: z.number().int().positive(),
  popCkStayBufferTime: z.number().int().positive(),
  popCkStayBufferTimeOut: z.number().int().positive(),
  timerPrecisionMs: z.number().int().positive(),
  // Release behaviours (true = the behaviour is present)
  bufferAckOmitsBrokerName: z.boolean(),
  bufferBatchAckOmitsBrokerName: z.boolean(),
  reviveKeyHasBrokerName: z.boolean(),
  reviveBlankBrokerNameFallback: z.boolean(),
});

export type Settings = Readonly<z.infer<typeof SettingsSchema>>;
export type SettingName = keyof Settings;

export interface SettingInfo {
  readonly name: SettingName;
  readonly kind: 'config' | 'behaviour';
  readonly type: 'boolean' | 'ms';
  /** For behaviours: the value that carries a known bug (used by the switch tests). */
  readonly buggy?: boolean;
  readonly doc: string;
  /** Where the behaviour lives in RocketMQ, or the commit that changed it. */
  readonly source: string;
}

export const SETTING_INFO: readonly SettingInfo[] = [
  {
    name: 'enablePopBufferMerge',
    kind: 'config',
    type: 'boolean',
    doc: 'Keep a popped CK in the in-memory buffer (addCk) and merge acks into it (addAk); off: every CK is stored at pop (addCkJustOffset).',
    source: 'BrokerConfig.enablePopBufferMerge (default false)',
  },
  {
    name: 'enablePopBatchAck',
    kind: 'config',
    type: 'boolean',
    doc: 'The buffer flush writes one BatchAckMsg (tag bAck) for all buffered acks of a CK instead of one AckMsg each.',
    source: 'BrokerConfig.enablePopBatchAck (default false)',
  },
  {
    name: 'popInvisibleTime',
    kind: 'config',
    type: 'ms',
    doc: 'invisibleTime of each pop; the CK is due for revive at T = popTime + invisibleTime.',
    source: 'client popInvisibleTime (default 60000)',
  },
  {
    name: 'popCkStayBufferTime',
    kind: 'config',
    type: 'ms',
    doc: 'The scan flushes a CK that stayed longer than this; addAk refuses after this minus 1500 ms.',
    source: 'BrokerConfig.popCkStayBufferTime (default 10000)',
  },
  {
    name: 'popCkStayBufferTimeOut',
    kind: 'config',
    type: 'ms',
    doc: 'The scan flushes a CK whose T is closer than this; addCk/addAk refuse when T is closer than this plus 1500 ms.',
    source: 'BrokerConfig.popCkStayBufferTimeOut (default 3000)',
  },
  {
    name: 'timerPrecisionMs',
    kind: 'config',
    type: 'ms',
    doc: 'Timer wheel slot size: a CK/ACK with deliverTimeMs is put in the slot below it.',
    source: 'MessageStoreConfig.timerPrecisionMs (default 1000); HookUtils.transformTimerMessage',
  },
  {
    name: 'bufferAckOmitsBrokerName',
    kind: 'behaviour',
    type: 'boolean',
    buggy: true,
    doc: 'PopBufferMergeService.putAckToStore writes the buffered AckMsg without brokerName.',
    source: 'present until 031687dbd7 (#8836, 5.3.2)',
  },
  {
    name: 'bufferBatchAckOmitsBrokerName',
    kind: 'behaviour',
    type: 'boolean',
    buggy: true,
    doc: 'PopBufferMergeService.putBatchAckToStore writes the BatchAckMsg without brokerName.',
    source: 'present in every release with enablePopBatchAck, HEAD included',
  },
  {
    name: 'reviveKeyHasBrokerName',
    kind: 'behaviour',
    type: 'boolean',
    buggy: true,
    doc: "PopReviveService's merge key ends with brokerName (CK and ACK side).",
    source: '524ca4e862 (#8494, first released in 5.3.1)',
  },
  {
    name: 'reviveBlankBrokerNameFallback',
    kind: 'behaviour',
    type: 'boolean',
    buggy: false,
    doc: "PopReviveService keys an ACK/bAck with a blank brokerName under the reviving broker's own name.",
    source: 'b638d4cfbb (#8981, 5.3.2)',
  },
];

export function settingInfo(name: string): SettingInfo | undefined {
  return SETTING_INFO.find((s) => s.name === name);
}

/** Parses one `--set name=value`; returns an error message or the typed value. */
export function parseSettingValue(
  name: string,
  raw: string,
): { ok: true; name: SettingName; value: boolean | number } | { ok: false; error: string } {
  const info = settingInfo(name);
  if (!info) {
    return { ok: false, error: `unknown setting '${name}' (known: ${SETTING_INFO.map((s) => s.name).join(', ')})` };
  }
  if (info.type === 'boolean') {
    if (raw === 'true') return { ok: true, name: info.name, value: true };
    if (raw === 'false') return { ok: true, name: info.name, value: false };
    return { ok: false, error: `setting '${name}' takes true or false, not '${raw}'` };
  }
  if (!/^[0-9]+$/.test(raw)) return { ok: false, error: `setting '${name}' takes a number of milliseconds, not '${raw}'` };
  const value = Number(raw);
  if (value <= 0 || value > 86_400_000) return { ok: false, error: `setting '${name}' must be between 1 and 86400000 ms` };
  return { ok: true, name: info.name, value };
}
