/**
 * Which releases have the pop.log formats the parser and the renderer know (5.3.x). Apart from
 * poplog-render.ts so that the CLI can name them (help, `check --trace-format`) without loading
 * the formats and their zod schemas.
 */
/** Releases whose pop.log formats the parser and the renderer know (5.3.x). */
export const POPLOG_RELEASES = ['5.3.0', '5.3.1', '5.3.2', '5.3.3', 'head'] as const;
export type PopLogRelease = (typeof POPLOG_RELEASES)[number];

export function isPopLogRelease(r: string): r is PopLogRelease {
  return (POPLOG_RELEASES as readonly string[]).includes(r);
}

/** Why pop.log lines of release `r` cannot be written (null: they can). */
export function popLogRefusal(r: string): string | null {
  return isPopLogRelease(r) ? null : `pop.log output needs a release with the 5.3.x pop.log formats (${POPLOG_RELEASES.join(', ')}); ${r} has other formats`;
}
