// Aligned plain-text columns: names left, figures right.
export interface Column {
  title: string;
  align: "left" | "right";
}

/** The header line and one line per row, columns separated by two spaces, no trailing blanks. */
export function renderTable(columns: readonly Column[], rows: readonly string[][]): string[] {
  const widths = columns.map((c, i) => Math.max(c.title.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    columns
      .map((c, i) => (c.align === "left" ? (cells[i] ?? "").padEnd(widths[i]) : (cells[i] ?? "").padStart(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(columns.map((c) => c.title)), ...rows.map(line)];
}
