/** Scenario registry. */
import type { ScenarioInstance } from '../popmodel.js';
import type { Settings } from '../settings.js';
import { ackFlush } from './ack-flush.js';
import { full, FULL_DEFAULTS, type FullBounds } from './full.js';

export interface ScenarioParams {
  /** ack-flush: messages in the pop; full: messages per queue. */
  readonly messages: number;
  readonly release: string;
  readonly settings: Settings;
  /** Bounds of the full scenario (ignored by ack-flush). */
  readonly bounds?: Partial<FullBounds>;
}

export interface ScenarioDef {
  readonly name: string;
  readonly summary: string;
  /** Config settings the scenario fixes before `--set` overrides (e.g. enablePopBufferMerge). */
  readonly config: Partial<Settings>;
  /** Default for --messages. */
  readonly defaultMessages: number;
  /** Whether the scenario takes the full scenario's bound flags. */
  readonly takesBounds: boolean;
  build(p: ScenarioParams): ScenarioInstance;
}

export const SCENARIOS: readonly ScenarioDef[] = [
  {
    name: 'ack-flush',
    summary: 'one pop of N messages into the buffer; N acks and one buffer flush in every order; then timer and revive',
    config: { enablePopBufferMerge: true },
    defaultMessages: 3,
    takesBounds: false,
    build: (p) => ackFlush(p),
  },
  {
    name: 'full',
    summary: 'every protocol event within bounds (pops, acks, scans, timer, revive, crashes, ...), time jumping between breakpoints',
    config: { enablePopBufferMerge: true },
    defaultMessages: FULL_DEFAULTS.messages,
    takesBounds: true,
    build: (p) => full({ bounds: { ...FULL_DEFAULTS, ...(p.bounds ?? {}), messages: p.messages }, release: p.release, settings: p.settings }),
  },
];

export function findScenario(name: string): ScenarioDef | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
