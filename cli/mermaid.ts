/**
 * `--mermaid FILE`: a Mermaid sequence diagram of the walked steps, by model/sequence-diagram.ts
 * (written on the `diagrams` branch). Loaded by a computed specifier so that this branch
 * builds before that module is merged; once it is, this file can become a static import.
 */
import type { NarratedStep } from '../model/narrate.js';

export type SequenceDiagram = (steps: readonly NarratedStep[], opts?: { title?: string }) => string;

const MODULE: string = '../model/sequence-diagram.js';

/** The renderer, or null when this build does not have it. */
export async function loadSequenceDiagram(): Promise<SequenceDiagram | null> {
  try {
    const m = (await import(MODULE)) as { sequenceDiagram?: SequenceDiagram };
    return typeof m.sequenceDiagram === 'function' ? m.sequenceDiagram : null;
  } catch {
    return null;
  }
}
