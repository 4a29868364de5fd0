/**
 * What a step did, as typed observations in RocketMQ's terms: one per thing a RocketMQ
 * class does (and would log in pop.log, where it logs anything). The prose narration
 * (`Note`) is a rendering of these (model/render.ts); a pop.log trace is to be matched
 * against them. Times are model milliseconds; offsets are queue offsets.
 */
// The zod schemas are in observation-schema.ts (the report's schema and the tests use them):
// the model and the explorer do not load zod. The types are the schemas', through type-only
// imports that the compiler erases.
import type { z } from 'zod';
import type { AckMsgSchema, AddAkRefusalSchema, BatchAckMsgSchema, CkRefSchema, ObservationSchema, ReviveMsgSchema } from './observation-schema.js';
import type { Actor } from './protocol/context.js';

export type CkRef = z.infer<typeof CkRefSchema>;
export type AckMsgRef = z.infer<typeof AckMsgSchema>;
export type BatchAckMsgRef = z.infer<typeof BatchAckMsgSchema>;
export type ReviveMsg = z.infer<typeof ReviveMsgSchema>;
export type AddAkRefusal = z.infer<typeof AddAkRefusalSchema>;
export type Observation = z.infer<typeof ObservationSchema>;
export type ObservationKind = Observation['kind'];
export type ObservationOf<K extends ObservationKind> = Extract<Observation, { kind: K }>;

/** The RocketMQ class (or thread) each kind of observation comes from. */
export const OBSERVATION_ACTOR: { readonly [K in ObservationKind]: Actor } = {
  tick: 'clock',
  produce: 'client',
  expire: 'client',
  correctMinOffset: 'client',
  offsetTooSmall: 'PopMessageProcessor',
  popInitialOffsetNull: 'PopMessageProcessor',
  addCkMock: 'PopBufferMergeService',
  pop: 'PopMessageProcessor',
  addCk: 'PopBufferMergeService',
  addCkJustOffset: 'PopBufferMergeService',
  mergeKeyConflict: 'PopBufferMergeService',
  bufferPutReplaces: 'PopBufferMergeService',
  offsetIllegal: 'AckMessageProcessor',
  supersededHandle: 'AckMessageProcessor',
  addAkChecked: 'PopBufferMergeService',
  addAk: 'PopBufferMergeService',
  markBit: 'PopBufferMergeService',
  ackToStore: 'AckMessageProcessor',
  changeInvisible: 'AckMessageProcessor',
  putCkToStore: 'PopBufferMergeService',
  putAckToStore: 'PopBufferMergeService',
  putBatchAckToStore: 'PopBufferMergeService',
  putCallback: 'PopBufferMergeService',
  scanStop: 'PopBufferMergeService',
  servingAgain: 'PopBufferMergeService',
  ckDone: 'PopBufferMergeService',
  scanFlush: 'PopBufferMergeService',
  ckFinish: 'PopBufferMergeService',
  commitOffset: 'PopBufferMergeService',
  scanGarbage: 'PopBufferMergeService',
  timerDeliver: 'TimerMessageStore',
  reviveStart: 'PopReviveService',
  findCk: 'PopReviveService',
  findAck: 'PopReviveService',
  mockCkForAck: 'PopReviveService',
  ackDropped: 'PopReviveService',
  mockReplacesCk: 'PopReviveService',
  ckNotDue: 'PopReviveService',
  backPressure: 'PopReviveService',
  mockCk: 'PopReviveService',
  reviveAbort: 'PopReviveService',
  reviveFinish: 'PopReviveService',
  reviveDispatch: 'PopReviveService',
  ckAllAcked: 'PopReviveService',
  bizMsgNotFound: 'PopReviveService',
  skipCkFromLastEpoch: 'PopReviveService',
  retryMsg: 'PopReviveService',
  rePutCk: 'PopReviveService',
  bizReadFailed: 'PopReviveService',
  inflightStayTooLong: 'PopReviveService',
  reviveCompleteCommit: 'PopReviveService',
  persist: 'PopReviveService',
  crash: 'PopReviveService',
  changeToSlave: 'PopBufferMergeService',
  changeToMaster: 'PopReviveService',
  storeReadable: 'client',
};
