/** Bounds of the parallel explorer (no Node APIs here: the CLI's argument parser reads them). */
export const MAX_WORKERS = 64;
