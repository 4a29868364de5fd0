/**
 * Release presets: the behaviour settings each RocketMQ release had. Config settings
 * (BrokerConfig options) are not part of a release; scenarios choose them.
 */
import type { Settings, SettingName } from './settings.js';

export type Behaviours = Pick<
  Settings,
  'bufferAckOmitsBrokerName' | 'bufferBatchAckOmitsBrokerName' | 'reviveKeyHasBrokerName' | 'reviveBlankBrokerNameFallback'
>;

export interface Release {
  readonly name: string;
  readonly date: string;
  readonly note: string;
  readonly behaviours: Behaviours;
}

export const RELEASES: readonly Release[] = [
  {
    name: '5.3.0',
    date: '2024-07-08',
    note: 'revive merge key without brokerName',
    behaviours: {
      bufferAckOmitsBrokerName: true,
      bufferBatchAckOmitsBrokerName: true,
      reviveKeyHasBrokerName: false,
      reviveBlankBrokerNameFallback: false,
    },
  },
  {
    name: '5.3.1',
    date: '2024-09-25',
    note: 'brokerName added to the revive merge key (#8494); buffered acks still written without it (#8835)',
    behaviours: {
      bufferAckOmitsBrokerName: true,
      bufferBatchAckOmitsBrokerName: true,
      reviveKeyHasBrokerName: true,
      reviveBlankBrokerNameFallback: false,
    },
  },
  {
    name: '5.3.2',
    date: '2025-03-08',
    note: 'buffered AckMsg carries brokerName (#8836); revive falls back to its own name for blank ones (#8981)',
    behaviours: {
      bufferAckOmitsBrokerName: false,
      bufferBatchAckOmitsBrokerName: true,
      reviveKeyHasBrokerName: true,
      reviveBlankBrokerNameFallback: true,
    },
  },
];

export const DEFAULT_RELEASE = '5.3.1';

export function findRelease(name: string): Release | undefined {
  return RELEASES.find((r) => r.name === name);
}

export const BEHAVIOUR_NAMES = Object.keys(RELEASES[0].behaviours) as SettingName[];
