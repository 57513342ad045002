// Telling the same diagnostic apart across two versions of a file (`flowc diff`, `--baseline`):
// by code, the declaration it stands in and its message, never by line, so that an edit above it
// does not make it new.
import path from "node:path";
import type { FlowFile } from "../syntax/ast";
import type { Diagnostic } from "../syntax/diagnostics";

/** The name of the declaration a diagnostic stands in: a stream, model or op, `budget`, `output`, the flow. */
export function diagnosticNode(ast: FlowFile, d: Diagnostic, file: string): string {
  if (d.file !== undefined && path.resolve(d.file) !== path.resolve(file)) {
    return `import ${path.relative(path.dirname(path.resolve(file)), path.resolve(d.file)).split(path.sep).join("/")}`;
  }
  const offset = d.range.start.offset;
  const inside = (r: { start: { offset: number }; end: { offset: number } }) => r.start.offset <= offset && offset < r.end.offset;
  const flow = ast.flow;
  const decl = [...(flow?.decls ?? []), ...ast.decls].find((x) => inside(x.range));
  if (decl && "name" in decl) return decl.name.text;
  if (decl) return decl.kind;
  return flow && inside(flow.range) ? flow.name.text : "";
}

export interface DiagnosticKey {
  code: string;
  node: string;
  message: string;
}

export function keyText(key: DiagnosticKey): string {
  return `${key.code}\u0000${key.node}\u0000${key.message}`;
}

/** Code and declaration: where a finding stands, whatever figures its message gives. */
function placeText(key: DiagnosticKey): string {
  return `${key.code}\u0000${key.node}`;
}

export interface Pairing<B, A> {
  /** in `after` only */
  fresh: A[];
  /** in `before` only */
  gone: B[];
  /** the same code in the same declaration with another message: its figures moved */
  moved: { before: B; after: A }[];
}

/**
 * Matches the diagnostics of two versions of a file: first by code, declaration and message (a
 * multiset: two equal diagnostics need two), then what is left by code and declaration alone.
 */
export function pairDiagnostics<B extends DiagnosticKey, A extends DiagnosticKey>(before: readonly B[], after: readonly A[]): Pairing<B, A> {
  const fresh = unmatched(after, keyText, before.map(keyText));
  const gone = unmatched(before, keyText, after.map(keyText));
  const moved: Pairing<B, A>["moved"] = [];
  for (const a of [...fresh]) {
    const i = gone.findIndex((b) => placeText(b) === placeText(a));
    if (i < 0) continue;
    moved.push({ before: gone[i]!, after: a });
    gone.splice(i, 1);
    fresh.splice(fresh.indexOf(a), 1);
  }
  return { fresh, gone, moved };
}

/** The items of `from` left over once each is matched with one of the keys `against` (a multiset difference). */
function unmatched<T>(from: readonly T[], key: (item: T) => string, against: Iterable<string>): T[] {
  const available = new Map<string, number>();
  for (const k of against) available.set(k, (available.get(k) ?? 0) + 1);
  return from.filter((item) => {
    const left = available.get(key(item)) ?? 0;
    if (left > 0) available.set(key(item), left - 1);
    return left === 0;
  });
}
