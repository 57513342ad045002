// The folders' dependencies point one way, as docs/ARCHITECTURE.md says. Its "Layers" table is the
// rule, read from the document itself: each folder, and what it may import (a folder, a file, or a
// JSON file; "types only" where only `import type` may reach it, "lazily" where only `import()` or
// `import type` may). Every import of every source file is checked against it, and the code map must
// name every source file.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { ROOT } from "./cli-spawn";

const ARCHITECTURE = readFileSync(path.join(ROOT, "docs/ARCHITECTURE.md"), "utf8");

type Access = "any" | "types" | "lazy";

interface Allowed {
  /** a folder (`compiler/`) or a file (`runtime/graph.ts`, `package.json`) */
  target: string;
  access: Access;
}

/** The table under "## Layers": `| \`grammar/\` | \`syntax/\` |`. */
function layerRules(markdown: string): Map<string, Allowed[]> {
  const section = markdown.split(/^## Layers$/m)[1]?.split(/^## /m)[0] ?? "";
  const rules = new Map<string, Allowed[]>();
  for (const line of section.split("\n")) {
    const cells = line.split("|").map((cell) => cell.trim());
    const folder = /^`([^`]+\/)`$/.exec(cells[1] ?? "")?.[1];
    if (folder === undefined) continue;
    const allowed = (cells[2] ?? "").split(/,\s*/).flatMap((entry): Allowed[] => {
      const target = /`([^`]+)`/.exec(entry)?.[1];
      if (target === undefined) return [];
      return [{ target, access: /types only/.test(entry) ? "types" : /lazily/.test(entry) ? "lazy" : "any" }];
    });
    rules.set(folder, allowed);
  }
  return rules;
}

interface Import {
  specifier: string;
  /** `import type …` / `export type …` */
  typeOnly: boolean;
  /** `import("…")` */
  dynamic: boolean;
}

/** Every import and re-export of a TypeScript source, static and dynamic. */
function importsOf(source: string): Import[] {
  const found: Import[] = [];
  const statics = /^\s*(import|export)\s+(type\s+)?(?:[\w*${}\s,]+?\s+from\s+)?["']([^"']+)["']/gm;
  for (const m of source.matchAll(statics)) found.push({ specifier: m[3]!, typeOnly: m[2] !== undefined, dynamic: false });
  for (const m of source.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) {
    // `typeof import("…")` names a type; it loads nothing
    const typeOnly = /typeof\s+$/.test(source.slice(Math.max(0, m.index! - 10), m.index));
    found.push({ specifier: m[1]!, typeOnly, dynamic: !typeOnly });
  }
  return found;
}

function sourceFiles(folder: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const relative = path.posix.join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== "node_modules") walk(relative);
      else if (entry.isFile() && /\.(ts|tsx|mjs|js)$/.test(entry.name) && !entry.name.endsWith(".d.ts")) files.push(relative);
    }
  };
  walk(folder.replace(/\/$/, ""));
  return files;
}

/** The repository path an import reaches, or undefined for a package. */
function resolveImport(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  return path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
}

function permits(allowed: Allowed[], target: string, imp: Import): boolean {
  return allowed.some((rule) => {
    const reaches = rule.target.endsWith("/") ? target.startsWith(rule.target) : target === rule.target || target === rule.target.replace(/\.ts$/, "");
    if (!reaches) return false;
    if (rule.access === "types") return imp.typeOnly;
    if (rule.access === "lazy") return imp.typeOnly || imp.dynamic;
    return true;
  });
}

const rules = layerRules(ARCHITECTURE);
const FOLDERS = [...rules.keys()];

/** A folder's own files: those of a folder inside it with a row of its own follow that row. */
function filesOf(folder: string): string[] {
  const inner = FOLDERS.filter((other) => other !== folder && other.startsWith(folder));
  return sourceFiles(folder).filter((file) => !inner.some((other) => file.startsWith(other)));
}

describe("docs/ARCHITECTURE.md's layers", () => {
  test("the table covers every source folder", () => {
    expect(FOLDERS).toEqual(expect.arrayContaining(["syntax/", "grammar/", "compiler/", "cli/", "lsp/", "runtime/"]));
    const folders = readdirSync(ROOT, { withFileTypes: true })
      .filter((e) => e.isDirectory() && sourceFiles(e.name).some((f) => f.endsWith(".ts")))
      .map((e) => `${e.name}/`)
      .filter((folder) => !["test/", "bench/", "scripts/", "editors/", "examples/", "node_modules/"].includes(folder));
    expect(folders.filter((folder) => !rules.has(folder))).toEqual([]);
  });

  test("the rules are read: syntax imports nothing, the runtime no compiler", () => {
    expect(rules.get("syntax/")).toEqual([]);
    expect(permits(rules.get("runtime/")!, "compiler/cost.ts", { specifier: "", typeOnly: false, dynamic: false })).toBe(false);
    expect(permits(rules.get("compiler/")!, "runtime/graph.ts", { specifier: "", typeOnly: true, dynamic: false })).toBe(true);
    expect(permits(rules.get("compiler/")!, "runtime/graph.ts", { specifier: "", typeOnly: false, dynamic: false })).toBe(false);
  });

  test("imports are found: static, re-exported, type-only and dynamic", () => {
    const source = 'import { a } from "../x/a";\nimport type { B } from "../y/b";\nexport * from "./c";\nconst d = await import("../z/d");\ntype E = typeof import("../w/e");';
    expect(importsOf(source)).toEqual([
      { specifier: "../x/a", typeOnly: false, dynamic: false },
      { specifier: "../y/b", typeOnly: true, dynamic: false },
      { specifier: "./c", typeOnly: false, dynamic: false },
      { specifier: "../z/d", typeOnly: false, dynamic: true },
      { specifier: "../w/e", typeOnly: true, dynamic: false },
    ]);
  });

  test.each(FOLDERS)("every import of %s is one the table allows", (folder) => {
    const allowed = rules.get(folder)!;
    const forbidden: string[] = [];
    for (const file of filesOf(folder)) {
      for (const imp of importsOf(readFileSync(path.join(ROOT, file), "utf8"))) {
        const target = resolveImport(file, imp.specifier);
        if (target === undefined || (target.startsWith(folder) && filesOf(folder).some((f) => f.startsWith(target)))) continue;
        if (!permits(allowed, target, imp)) forbidden.push(`${file} imports ${imp.specifier}${imp.typeOnly ? " (type)" : imp.dynamic ? " (lazily)" : ""}`);
      }
    }
    expect(forbidden).toEqual([]);
  });
});

describe("docs/ARCHITECTURE.md's code map", () => {
  const codeMap = ARCHITECTURE.split(/^## Code map$/m)[1]?.split(/^## (?!#)/m)[0] ?? "";

  test.each(FOLDERS)("names every source file of %s", (folder) => {
    const unnamed = filesOf(folder).filter((file) => {
      const inFolder = file.slice(folder.length);
      return !codeMap.includes(`\`${inFolder}\``) && !codeMap.includes(`\`${file}\``) && !codeMap.includes(`${path.posix.basename(file)}\``);
    });
    expect(unnamed).toEqual([]);
  });
});
