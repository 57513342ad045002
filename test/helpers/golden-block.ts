// The block of expected diagnostics that ends a golden fixture (`// ---- expected diagnostics ----`,
// then one `// line` each): read it, or write it anew when `UPDATE_EXPECT=1`.
import { readdirSync } from "node:fs";

const MARKER = "// ---- expected diagnostics ----";

export const updating = process.env.UPDATE_EXPECT === "1";

/** The `.flow` files of a fixture folder, sorted. */
export function flowFixtures(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".flow"))
    .sort();
}

/** The block's lines; `none` is the line an empty block is written as, and is not a line of it. */
export function expectedBlock(text: string, none?: string): string[] {
  const at = text.indexOf(MARKER);
  if (at < 0) return [];
  return text
    .slice(at + MARKER.length)
    .split("\n")
    .map((line) => line.replace(/^\/\/ ?/, "").trimEnd())
    .filter((line) => line !== "" && line !== none);
}

/** The text with its block replaced by `lines` (by `none` alone when there are none and it is given). */
export function withBlock(text: string, lines: string[], none?: string): string {
  const at = text.indexOf(MARKER);
  const source = (at < 0 ? text : text.slice(0, at)).trimEnd();
  const shown = lines.length === 0 && none !== undefined ? [none] : lines;
  return `${source}\n\n${MARKER}\n${shown.map((l) => `// ${l}`).join("\n")}\n`;
}
