/**
 * Resolves release + scenario + batch-ack + `--set` overrides into one fully qualified
 * Settings record: every setting of SETTING_INFO, in its order, each of its type. The
 * overrides come from a model identity that the zod schema has validated where it came in
 * (model/identity-schema.ts); the rest is the release tables and the scenario's config, so
 * this checks the whole record against SETTING_INFO without zod (building a model does not
 * load it; test/model/settings-schema.test.ts checks that SettingsSchema accepts every record
 * made here and refuses what this refuses).
 */
import { SETTING_INFO, type SettingInfo, type SettingName, type SettingValue, type Settings } from './settings.js';
import { findRelease } from './versions.js';
import { K } from './protocol/context.js';

/** Defaults of the config and model settings (RocketMQ's defaults where it has them). */
export const CONFIG_DEFAULTS = {
  enablePopBufferMerge: false,
  enablePopBatchAck: false,
  popInvisibleTime: 60_000,
  popCkStayBufferTime: 10_000,
  popCkStayBufferTimeOut: 3_000,
  timerPrecisionMs: 1_000,
  enableSkipLongAwaitingAck: false,
  reviveAckWaitMs: 180_000,
  escapeToRemoteBroker: false,
  lmqGroup: false,
  asyncBizRead: false,
  reviveQueueBusy: false,
  appendCkAsync: false,
  appendAckAsync: false,
  putsCompleteLate: false,
  splitAddAk: false,
} as const;

export interface ResolveInput {
  readonly release: string;
  readonly scenarioConfig?: Partial<Settings>;
  readonly batchAck?: boolean;
  readonly overrides?: Partial<Record<SettingName, SettingValue>>;
}

export function resolveSettings(input: ResolveInput): Settings {
  const release = findRelease(input.release);
  if (!release) throw new RangeError(`unknown release '${input.release}'`);
  const merged = {
    ...CONFIG_DEFAULTS,
    ...release.behaviours,
    ...(input.scenarioConfig ?? {}),
    ...(input.batchAck ? { enablePopBatchAck: true } : {}),
    ...(input.overrides ?? {}),
  };
  const settings = completeSettings(merged);
  checkTimerPrecision(settings.timerPrecisionMs);
  for (const name of ['popInvisibleTime', 'popCkStayBufferTime', 'popCkStayBufferTimeOut', 'timerPrecisionMs', 'reviveAckWaitMs'] as const) {
    if (settings[name] % K.tick !== 0) throw new RangeError(`setting ${name}=${settings[name]} must be a multiple of ${K.tick} ms`);
  }
  if (settings.enablePopBatchAck && !settings.batchAckSupported) {
    throw new RangeError(`enablePopBatchAck does not exist in RocketMQ ${input.release} (batch ack came in 5.1.2)`);
  }
  if (settings.enableSkipLongAwaitingAck && !settings.reviveMocksOrphanAck) {
    throw new RangeError(`enableSkipLongAwaitingAck does not exist in RocketMQ ${input.release} (it came in 5.1.0)`);
  }
  for (const name of ['appendCkAsync', 'appendAckAsync'] as const) {
    if (settings[name] && !settings.asyncPutOptions) {
      throw new RangeError(`${name} does not exist in RocketMQ ${input.release} (it came in 5.3.2)`);
    }
  }
  return Object.freeze(settings);
}

/** Whether `v` is a value of the setting `info` describes: what SettingsSchema checks. */
function ofType(info: SettingInfo, v: unknown): boolean {
  switch (info.type) {
    case 'boolean':
      return typeof v === 'boolean';
    case 'ms':
      return typeof v === 'number' && Number.isInteger(v) && v > 0;
    case 'enum':
      return typeof v === 'string' && (info.values ?? []).includes(v);
  }
}

/**
 * The settings of `merged` in SETTING_INFO's order (the schema's: the report prints them so),
 * without any other key; a setting missing or not of its type is an error.
 */
function completeSettings(merged: Readonly<Record<string, unknown>>): Settings {
  const out: Record<string, unknown> = {};
  for (const info of SETTING_INFO) {
    const v = merged[info.name];
    if (!ofType(info, v)) throw new RangeError(`setting ${info.name}: ${v === undefined ? 'missing' : `not a valid ${info.type} (got ${JSON.stringify(v)})`}`);
    out[info.name] = v;
  }
  return settingsRecord(out as unknown as Settings);
}

/**
 * `v`'s settings as one object literal naming every setting in SETTING_INFO's order (the
 * compiler refuses it if one is missing or unknown; test/model/settings-schema.test.ts checks the
 * order). Adding the 41 properties by name one at a time leaves an object in V8's dictionary
 * mode, whose every read (ctx.s.timerMode in a rule) is a hash lookup in a generic load stub,
 * about 80 instructions; a spread copy has fast properties but only its first four in the
 * object (V8 gives `{}` four in-object slots; the rest go to a separate property array, one more
 * load per read). A literal's shape has every one of its properties in the object
 * (test/model/settings-shape.test.ts; docs/explorer.md, "Settings and `always` invariants V8
 * can inline").
 */
function settingsRecord(v: Settings): Settings {
  return {
    enablePopBufferMerge: v.enablePopBufferMerge,
    enablePopBatchAck: v.enablePopBatchAck,
    popInvisibleTime: v.popInvisibleTime,
    popCkStayBufferTime: v.popCkStayBufferTime,
    popCkStayBufferTimeOut: v.popCkStayBufferTimeOut,
    timerPrecisionMs: v.timerPrecisionMs,
    enableSkipLongAwaitingAck: v.enableSkipLongAwaitingAck,
    reviveAckWaitMs: v.reviveAckWaitMs,
    escapeToRemoteBroker: v.escapeToRemoteBroker,
    lmqGroup: v.lmqGroup,
    asyncBizRead: v.asyncBizRead,
    reviveQueueBusy: v.reviveQueueBusy,
    appendCkAsync: v.appendCkAsync,
    appendAckAsync: v.appendAckAsync,
    putsCompleteLate: v.putsCompleteLate,
    bufferAckOmitsBrokerName: v.bufferAckOmitsBrokerName,
    bufferBatchAckOmitsBrokerName: v.bufferBatchAckOmitsBrokerName,
    reviveKeyHasBrokerName: v.reviveKeyHasBrokerName,
    reviveBlankBrokerNameFallback: v.reviveBlankBrokerNameFallback,
    timerMode: v.timerMode,
    reviveEndTimeFromStoreTime: v.reviveEndTimeFromStoreTime,
    reviveMocksOrphanAck: v.reviveMocksOrphanAck,
    gcUsesRawGroupTable: v.gcUsesRawGroupTable,
    reviveSkipsStoredAfterPopTime: v.reviveSkipsStoredAfterPopTime,
    reviveReadsNextLiveMessage: v.reviveReadsNextLiveMessage,
    reviveAsync: v.reviveAsync,
    reviveIdleRule: v.reviveIdleRule,
    batchAckSupported: v.batchAckSupported,
    rePutCk: v.rePutCk,
    rePutCkOmitsBrokerName: v.rePutCkOmitsBrokerName,
    rePutCkBacksOff: v.rePutCkBacksOff,
    keyMode: v.keyMode,
    bufferMergeKeyGuard: v.bufferMergeKeyGuard,
    kvStagedMinOffset: v.kvStagedMinOffset,
    reviveRePutsOverflowRead: v.reviveRePutsOverflowRead,
    reviveReadFailureRePuts: v.reviveReadFailureRePuts,
    asyncPutOptions: v.asyncPutOptions,
    batchAckCallbackCopiesList: v.batchAckCallbackCopiesList,
    popNullReadCommitsZero: v.popNullReadCommitsZero,
    bufferCommitMovesBack: v.bufferCommitMovesBack,
    splitAddAk: v.splitAddAk,
  };
}

/** The values MessageStoreConfig.setTimerPrecisionMs keeps; it snaps any other down to one of them. */
const TIMER_PRECISIONS_MS = [100, 200, 500, 1000] as const;

/**
 * RocketMQ never runs with another timerPrecisionMs than 100, 200, 500 or 1000: the setter
 * replaces a value by the largest of these not above it (100 below 200, 1000 from 1000 up).
 * The model's 500 ms clock can only represent 500 and 1000, so any other value is refused,
 * naming what RocketMQ would have used.
 */
function checkTimerPrecision(v: number): void {
  if (v === 500 || v === 1000) return;
  let used: number = TIMER_PRECISIONS_MS[0];
  for (const c of TIMER_PRECISIONS_MS) if (v >= c) used = c;
  const finer = used < K.tick ? `, finer than the model's ${K.tick} ms clock` : '';
  throw new RangeError(`setting timerPrecisionMs=${v} is not a value RocketMQ keeps (MessageStoreConfig.setTimerPrecisionMs makes it ${used}${finer}); the model takes 500 or 1000`);
}
