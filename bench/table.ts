/** Plain-text tables and number formats. */

/** Left-aligns the first `leftCols` columns, right-aligns the rest. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[], leftCols: number): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i < leftCols ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Integers with thousands separators: 1,234,567. */
export function int(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Milliseconds: one decimal below 100, whole above. */
export function ms(n: number): string {
  return n < 100 ? n.toFixed(1) : int(n);
}

/** Megabytes: one decimal below 100, whole above. */
export function mb(n: number): string {
  return n < 100 ? n.toFixed(1) : int(n);
}

/** A decimal integer string; above 12 digits as 3 significant digits, e.g. 2.63e35. */
export function bigCount(s: string): string {
  if (s.length <= 12) return int(Number(s));
  return Number(s).toExponential(2).replace('e+', 'e');
}

/** A ratio with 3 significant digits. */
export function ratio(r: number): string {
  return r >= 100 ? int(r) : r.toPrecision(3);
}
