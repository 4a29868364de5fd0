/** JSON rendering: one object, bigints already decimal strings. */
import type { CheckReport } from './check-command.js';

export function renderJson(r: CheckReport): string {
  return JSON.stringify(r, null, 2);
}
