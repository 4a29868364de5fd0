/** Scenario registry. */
import type { ScenarioInstance } from '../popmodel.js';
import type { Settings } from '../settings.js';
import { ackFlush } from './ack-flush.js';

export interface ScenarioParams {
  readonly messages: number;
  readonly release: string;
  readonly settings: Settings;
}

export interface ScenarioDef {
  readonly name: string;
  readonly summary: string;
  /** Config settings the scenario fixes before `--set` overrides (e.g. enablePopBufferMerge). */
  readonly config: Partial<Settings>;
  build(p: ScenarioParams): ScenarioInstance;
}

export const SCENARIOS: readonly ScenarioDef[] = [
  {
    name: 'ack-flush',
    summary: 'one pop of N messages into the buffer; N acks and one buffer flush in every order; then timer and revive',
    config: { enablePopBufferMerge: true },
    build: (p) => ackFlush(p),
  },
];

export function findScenario(name: string): ScenarioDef | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
