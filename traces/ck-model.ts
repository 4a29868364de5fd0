/**
 * One CK's world as a model: the `full` scenario with one queue, one pop of `num` messages,
 * the CK's invisible time, and room for what a client does to one CK (acks, late and
 * duplicate acks, changes of invisible time, a failed ack write). The validator runs one of
 * these per CK of a pop.log; `simulate` draws random runs of them. A revive pass whose retry
 * writes fail (the CK is re-put) is allowed once. Models are cached by
 * (num, invisibleTime): the CK's own offsets and times are mapped on by a CkWorld
 * (traces/poplog-expect.ts), never built into the model.
 */
import { buildPopModel } from '../model/factory.js';
import type { ModelIdentity, SettingOverrides } from '../model/identity.js';
import { MESSAGES_LIMIT } from '../model/identity.js';
import { MAX_SETTING_MS } from '../model/limits.js';
import type { PopModel } from '../model/popmodel.js';

/** The model queue's first offset: log offset = model offset - CK_BASE_OFFSET + the CK's startOffset. */
export const CK_BASE_OFFSET = 100;
/** The most messages one CK's model holds. */
export const CK_MAX_NUM = MESSAGES_LIMIT.full.max;

export interface CkModelSpec {
  readonly release: string;
  readonly batchAck?: boolean;
  readonly settings?: SettingOverrides;
  readonly num: number;
  readonly invisibleTime: number;
}

export function ckIdentity(spec: CkModelSpec): ModelIdentity {
  const n = spec.num;
  return {
    scenario: 'full',
    messages: n,
    rocketmq: spec.release,
    ...(spec.batchAck ? { batchAck: true } : {}),
    settings: { ...(spec.settings ?? {}), popInvisibleTime: spec.invisibleTime },
    bounds: {
      queues: 1,
      pops: 1,
      batch: n,
      lateAcks: Math.min(8, n),
      dupAcks: 2,
      changes: 0,
      storeFailures: 1,
      retryFailures: 1,
      queueIds: [0],
      firstOffsets: [CK_BASE_OFFSET],
    },
  };
}

/** Why a CK of `num` messages and `invisibleTime` ms has no model (null: it has one). */
export function ckModelRefusal(num: number, invisibleTime: number): string | null {
  if (num < 1) return `num ${num}: a CK with no message (a mocked CK) has nothing to check`;
  if (num > CK_MAX_NUM) return `num ${num}: the model holds at most ${CK_MAX_NUM} messages per CK`;
  if (invisibleTime < 1 || invisibleTime > MAX_SETTING_MS) return `invisibleTime ${invisibleTime} ms is outside 1..${MAX_SETTING_MS}`;
  return null;
}

/** Per-CK models, built once per (num, invisibleTime). */
export class CkModels {
  private readonly cache = new Map<string, PopModel>();
  constructor(
    readonly release: string,
    readonly settings: SettingOverrides = {},
    readonly batchAck = false,
  ) {}

  /** `busy`: the twin whose revive queue other CKs keep busy (reviveQueueBusy=true). */
  get(num: number, invisibleTime: number, busy = false): PopModel {
    const key = `${num}/${invisibleTime}/${busy}`;
    let m = this.cache.get(key);
    if (!m) {
      const settings = busy ? { ...this.settings, reviveQueueBusy: true } : this.settings;
      m = buildPopModel(ckIdentity({ release: this.release, settings, batchAck: this.batchAck, num, invisibleTime }));
      this.cache.set(key, m);
    }
    return m;
  }
}

/**
 * Model time 0 of a CK popped at `popTime`: the start of its epoch second. RocketMQ's timer
 * wheel slots are multiples of timerPrecisionMs since the epoch; the model's are multiples of
 * it since model time 0, so they coincide.
 */
export function ckOrigin(popTime: number): number {
  return popTime - (((popTime % 1000) + 1000) % 1000);
}
