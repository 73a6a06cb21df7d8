/**
 * The soak's tables: one markdown table, a row per figure, the two libraries side by side with the
 * target ours must meet and whether it did; and the targets missed, each with the line that says by
 * how much.
 */

export const count = (value: number) => value.toLocaleString("en-US");
export const percentOf = (part: number, whole: number) => (whole === 0 ? 0 : (100 * part) / whole);
// Rounded down, so that a share just under a target never shows as the target itself.
// (The small addend keeps a share that is exactly 0.29 from showing as 0.28 after 0.29 * 100 = 28.999….)
export const percent = (value: number) => `${(Math.floor(value * 100 + 1e-9) / 100).toFixed(2)} %`;
export const share = (part: number, whole: number) => `${percent(percentOf(part, whole))} (${count(part)})`;

/** A target ours must meet: whether it did, and if not, the line that says by how much. */
export interface Check {
  met: boolean;
  shortfall: string;
}

export interface Row {
  figure: string;
  ours: string;
  azure: string;
  target: string;
  check?: Check;
}

const COLUMNS = ["figure", "ours", "azure", "target"] as const;
type Cells = Record<(typeof COLUMNS)[number], string>;

/** The cells of a row as printed: the target carries the mark of whether ours met it. */
const cellsOf = (row: Row): Cells => ({
  ...row,
  target: row.check === undefined ? row.target : `${row.target} ${row.check.met ? "✓" : "✗"}`,
});

/** Prints the rows as a markdown table, its columns padded to their widest cell. */
export function printRows(rows: Row[]): void {
  const header: Cells = { figure: "figure", ours: "ours", azure: "@azure/communication-common", target: "target" };
  const all = [header, ...rows.map(cellsOf)];
  const length = (text: string) => [...text].length;
  const widths = COLUMNS.map((column) => Math.max(...all.map((cells) => length(cells[column]))));
  const line = (cells: Cells) =>
    `| ${COLUMNS.map((column, i) => cells[column] + " ".repeat(widths[i]! - length(cells[column]))).join(" | ")} |`;
  console.log(line(header));
  console.log(`| ${widths.map((width) => "-".repeat(width)).join(" | ")} |`);
  all.slice(1).forEach((cells) => console.log(line(cells)));
}

/** The shortfall of every target ours missed, in the order of the rows. */
export function shortfallsOf(rows: Row[]): string[] {
  return rows.flatMap((row) => (row.check === undefined || row.check.met ? [] : [row.check.shortfall]));
}

/** Prints whether every target was met, naming each one missed; returns whether every target was met. */
export function printTargetsMet(rows: Row[]): boolean {
  const missed = shortfallsOf(rows);
  console.log(`targets met: ${missed.length === 0 ? "yes" : `no — ${missed.join("; ")}`}`);
  return missed.length === 0;
}

/** Prints the five most frequent of `reasons` (error name and message → count), if any, on one line. */
export function printReasons(library: string, title: string, reasons: Map<string, number>): void {
  if (reasons.size === 0) return;
  const listed = [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 5);
  console.log(`${library}, ${title}: ${listed.map(([reason, n]) => `${reason} ×${n}`).join("; ")}`);
}
