// Output lines to text, with the two alignments the contract's examples use:
//  - trailing `//` comments: on a run of adjacent lines that each end with one, the comments share
//    one column — the rightmost of their source columns and of two spaces after each line's code.
//    A comment the author pushed right stays there and its neighbours line up with it; a comment
//    never sits closer than two spaces to its code;
//  - one-line blocks: on a run of adjacent one-line declarations with the same keyword, where the
//    author padded at least one `{` to line them up, every `{` goes to one column — the rightmost
//    of the padded braces' source columns and of one space after each name.
// Both take their columns from the source, so formatting twice changes nothing more.
import type { OutLine } from "./emit";

export function renderLines(lines: OutLine[]): string {
  const texts = lines.map((line) => " ".repeat(line.indent) + line.text);
  for (const run of runs(lines, (line, first) => line.brace !== undefined && (first.brace!.keyword === line.brace.keyword && first.indent === line.indent))) {
    alignBraces(run, lines, texts);
  }
  for (const run of runs(lines, (line) => line.comment !== undefined)) alignComments(run, lines, texts);
  return texts.map((text, i) => (lines[i].blankBefore ? "\n" : "") + text + "\n").join("");
}

/** Runs of adjacent lines (no blank line between) that each satisfy `belongs`, compared with the run's first line. */
function runs(lines: OutLine[], belongs: (line: OutLine, first: OutLine) => boolean): number[][] {
  const found: number[][] = [];
  let run: number[] = [];
  lines.forEach((line, i) => {
    const joins = run.length > 0 && !line.blankBefore && belongs(line, lines[run[0]]);
    if (!joins) {
      if (run.length > 0) found.push(run);
      run = belongs(line, line) ? [i] : [];
    } else run.push(i);
  });
  if (run.length > 0) found.push(run);
  return found;
}

function alignBraces(run: number[], lines: OutLine[], texts: string[]): void {
  if (run.length < 2 || !run.some((i) => lines[i].brace!.padded)) return;
  const headEnd = (i: number) => lines[i].indent + lines[i].brace!.at;
  const column = Math.max(...run.map((i) => Math.max(lines[i].brace!.padded ? lines[i].brace!.column : 0, headEnd(i) + 2)));
  for (const i of run) {
    const at = headEnd(i);
    texts[i] = texts[i].slice(0, at) + " ".repeat(column - 2 - at) + texts[i].slice(at);
  }
}

function alignComments(run: number[], lines: OutLine[], texts: string[]): void {
  const column = Math.max(...run.map((i) => Math.max(lines[i].comment!.column, lastLineWidth(texts[i]) + 3)));
  for (const i of run) texts[i] += " ".repeat(column - 1 - lastLineWidth(texts[i])) + lines[i].comment!.text;
}

/** Width of the text's last line (a block comment may span lines). */
function lastLineWidth(text: string): number {
  return text.length - (text.lastIndexOf("\n") + 1);
}
