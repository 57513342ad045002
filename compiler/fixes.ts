// Applying quick fixes: text edits on the original text, as the CLI, the tests and the language
// server's code actions use them.
import type { TextEdit } from "../syntax/diagnostics";

/**
 * The text with every edit applied. Edits refer to the original text; they are applied from the
 * back so that earlier offsets stay valid. Insertions at the same offset keep their given order.
 * Overlapping edits cannot both be meant: that is a caller's bug and throws.
 */
export function applyFixes(text: string, edits: readonly TextEdit[]): string {
  const sorted = edits
    .map((edit, index) => ({ edit, index }))
    .sort((a, b) => a.edit.range.start.offset - b.edit.range.start.offset || a.edit.range.end.offset - b.edit.range.end.offset || a.index - b.index);
  for (let i = 1; i < sorted.length; i++) {
    const previous = sorted[i - 1]!.edit.range;
    const next = sorted[i]!.edit.range;
    if (next.start.offset < previous.end.offset) {
      throw new RangeError(`overlapping edits at offsets ${previous.start.offset}-${previous.end.offset} and ${next.start.offset}-${next.end.offset}`);
    }
  }
  let result = text;
  for (let i = sorted.length - 1; i >= 0; i--) {
    const { range, text: replacement } = sorted[i]!.edit;
    result = result.slice(0, range.start.offset) + replacement + result.slice(range.end.offset);
  }
  return result;
}
