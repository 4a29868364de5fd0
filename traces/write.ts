/** Writing a path (a counterexample) as a JSON Lines trace. */
import type { Event } from '../model/events.js';
import type { TraceHeader } from './format.js';

export function writeTrace(header: TraceHeader, events: readonly Event[]): string {
  return [JSON.stringify(header), ...events.map((e) => JSON.stringify(e))].join('\n') + '\n';
}
