// A small glob matcher for `flowc.json` patterns, with minimatch's meaning for what it supports:
// `*` and `?` within one path segment, `**` across segments, `{a,b}` alternatives. Paths use
// forward slashes. (Node 20's `path.matchesGlob` prints an ExperimentalWarning on every run.)

const cache = new Map<string, RegExp>();

export function globToRegExp(pattern: string): RegExp {
  let known = cache.get(pattern);
  if (!known) {
    known = new RegExp(`^${translate(pattern.replace(/^\.\//, ""))}$`);
    cache.set(pattern, known);
  }
  return known;
}

export function matchesGlob(path: string, pattern: string): boolean {
  return globToRegExp(pattern).test(path.replace(/\\/g, "/").replace(/^\.\//, ""));
}

function translate(pattern: string): string {
  let out = "";
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*" && pattern[i + 1] === "*") {
      const wholeSegment = (i === 0 || pattern[i - 1] === "/") && (i + 2 === pattern.length || pattern[i + 2] === "/");
      if (wholeSegment && pattern[i + 2] === "/") {
        out += "(?:[^/]*/)*";
        i += 2;
      } else {
        out += wholeSegment ? ".*" : "[^/]*";
        i += 1;
      }
    } else if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else if (c === "{") {
      depth++;
      out += "(?:";
    } else if (c === "}" && depth > 0) {
      depth--;
      out += ")";
    } else if (c === "," && depth > 0) out += "|";
    else out += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return out;
}
