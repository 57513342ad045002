// Globs of flowc.json (policies' `files`, `include`, `exclude`, banned model names) and of the
// command line, with minimatch's meaning as picomatch gives it: `*` and `?` within one path
// segment, `**` across segments, `{a,b}`, classes (`[abc]`, `[!a]`), extglobs (`@(a|b)`), and
// dotfiles matched only by a pattern that names the dot. Paths use forward slashes.
import picomatch from "picomatch";

const matchers = new Map<string, (path: string) => boolean>();

function matcherOf(pattern: string): (path: string) => boolean {
  let known = matchers.get(pattern);
  if (!known) {
    // `posix`: `[!a]` negates a class as in minimatch and bash (picomatch 4.0.7 reads it as a class
    // holding `!` without it), and `[[:alpha:]]` classes work
    known = picomatch(pattern.replace(/^\.\//, ""), { posix: true });
    matchers.set(pattern, known);
  }
  return known;
}

export function matchesGlob(path: string, pattern: string): boolean {
  return matcherOf(pattern)(path.replace(/\\/g, "/").replace(/^\.\//, ""));
}

/** Whether a command-line argument is a glob rather than a path (picomatch's own test). */
export function isGlob(text: string): boolean {
  return picomatch.scan(text).isGlob;
}

/** The folder a glob starts from (`flows/**\/*.flow` → `flows`) and the pattern below it. */
export function globBase(pattern: string): { base: string; glob: string } {
  const scanned = picomatch.scan(pattern.replace(/\\/g, "/"));
  return { base: scanned.base === "" ? "." : scanned.base, glob: scanned.glob };
}
