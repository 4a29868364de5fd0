/**
 * The zod schema of a fully resolved Settings record (model/settings.ts declares the settings
 * and their order, SETTING_INFO; test/model/settings-schema.test.ts checks that both list the
 * same names in the same order). It lives apart from settings.ts so that building a model and
 * exploring it do not load zod: only the places that take settings from outside (a model
 * identity's `--set` overrides, a trace header, the report schema) import it.
 */
import { z } from 'zod';

const Ms = z.number().int().positive();

export const SettingsSchema = z.object({
  // BrokerConfig and client options
  enablePopBufferMerge: z.boolean(),
  enablePopBatchAck: z.boolean(),
  popInvisibleTime: Ms,
  popCkStayBufferTime: Ms,
  popCkStayBufferTimeOut: Ms,
  timerPrecisionMs: Ms,
  enableSkipLongAwaitingAck: z.boolean(),
  reviveAckWaitMs: Ms,
  escapeToRemoteBroker: z.boolean(),
  lmqGroup: z.boolean(),
  asyncBizRead: z.boolean(),
  reviveQueueBusy: z.boolean(),
  appendCkAsync: z.boolean(),
  appendAckAsync: z.boolean(),
  putsCompleteLate: z.boolean(),
  // Release behaviours (true = the behaviour is present)
  bufferAckOmitsBrokerName: z.boolean(),
  bufferBatchAckOmitsBrokerName: z.boolean(),
  reviveKeyHasBrokerName: z.boolean(),
  reviveBlankBrokerNameFallback: z.boolean(),
  timerMode: z.enum(['timerWheel', 'delayLevel']),
  reviveEndTimeFromStoreTime: z.boolean(),
  reviveMocksOrphanAck: z.boolean(),
  gcUsesRawGroupTable: z.boolean(),
  reviveSkipsStoredAfterPopTime: z.boolean(),
  reviveReadsNextLiveMessage: z.boolean(),
  reviveAsync: z.boolean(),
  reviveIdleRule: z.boolean(),
  batchAckSupported: z.boolean(),
  rePutCk: z.boolean(),
  rePutCkOmitsBrokerName: z.boolean(),
  rePutCkBacksOff: z.boolean(),
  keyMode: z.enum(['concat', 'tuple']),
  bufferMergeKeyGuard: z.boolean(),
  kvStagedMinOffset: z.boolean(),
  reviveRePutsOverflowRead: z.boolean(),
  reviveReadFailureRePuts: z.boolean(),
  asyncPutOptions: z.boolean(),
  batchAckCallbackCopiesList: z.boolean(),
  popNullReadCommitsZero: z.boolean(),
  bufferCommitMovesBack: z.boolean(),
  // Model granularity
  splitAddAk: z.boolean(),
});
