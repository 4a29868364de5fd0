/**
 * SLOT: the "Sequence diagram" panel. model/sequence-diagram.ts (`sequenceDiagram(steps)` →
 * Mermaid text) is written in parallel; when it is merged, wire it here:
 *
 *   import { sequenceDiagram } from '../model/sequence-diagram.js';
 *   export const sequenceText = (steps: readonly NarratedStep[]): string | null => sequenceDiagram(steps);
 *
 * Until then the panel says the diagram is not available. The page shows the Mermaid text
 * only (the mermaid library is not bundled).
 */
import type { NarratedStep } from '../model/narrate.js';

export const sequenceText = (_steps: readonly NarratedStep[]): string | null => null;
