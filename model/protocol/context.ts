/**
 * What every protocol operation gets: the layout, the settings, and optional lists where
 * it records what it does: typed observations (model/observations.ts) and their rendering
 * as notes (model/render.ts). Both absent in the explorer's inner loop.
 */
import type { Layout } from '../layout.js';
import type { Observation } from '../observations.js';
import type { Settings } from '../settings.js';

/** Who does a step: the client, a RocketMQ class or service, or the clock. */
export const ACTORS = [
  'client',
  'PopMessageProcessor',
  'AckMessageProcessor',
  'PopBufferMergeService',
  'TimerMessageStore',
  'PopReviveService',
  'clock',
] as const;
export type Actor = (typeof ACTORS)[number];

export interface Note {
  readonly actor: Actor;
  /** A stable tag naming what happened, close to the pop.log line it corresponds to. */
  readonly tag: string;
  readonly text: string;
}

export interface Ctx {
  readonly L: Layout;
  readonly s: Settings;
  /** Rendered observations, when narration is wanted (null: not). */
  readonly notes: Note[] | null;
  /** The observations themselves, when wanted. */
  readonly observations?: Observation[] | null;
}

/** Fixed protocol constants (PopAckConstants and literals in the source). */
export const K = {
  /** PopAckConstants.ackTimeInterval: the CK is delivered this long before T. */
  ackTimeInterval: 1000,
  /** PopAckConstants.SECOND. */
  second: 1000,
  /** The literal margin in addCk/addAk ("+ 1500"). */
  bufferMargin: 1500,
  /** The revive treats a CK as due when endTime - T exceeds this (ackTimeInterval + SECOND). */
  reviveDueMargin: 2000,
  /** The revive moves endTime to now after this long without new messages (3 * SECOND). */
  reviveIdle: 3000,
  /** Model time resolution. Every threshold above is a multiple of it. */
  tick: 500,
} as const;
