// Which `.flow` files a folder, a glob or a project holds, as eslint and prettier decide it: the
// files matching the pattern (a folder means `folder/**/*.flow`), minus what .gitignore files
// (nested ones too, `ignore` reads them as git does) and flowc.json's `exclude` leave out, never
// descending into node_modules or .git. Pure: the file system is reached through `ProjectDisk`,
// which the CLI and the language server each supply.
import path from "node:path";
import ignore, { type Ignore } from "ignore";
import { globBase, matchesGlob } from "./glob";
import { compareCodePoints } from "../syntax/order";

export interface FolderEntry {
  name: string;
  folder: boolean;
}

export interface ProjectDisk {
  /** a folder's entries, or undefined when it cannot be read */
  list(dir: string): FolderEntry[] | undefined;
  /** a text file, or undefined when there is none */
  read(file: string): string | undefined;
}

/** What `projectDisk` needs of node:fs, handed in by the caller so that the compiler does no IO of its own. */
export interface FileSystem {
  readdirSync(dir: string, options: { withFileTypes: true }): { name: string; isDirectory(): boolean }[];
  readFileSync(file: string, encoding: "utf8"): string;
}

/** A `ProjectDisk` over the file system the caller passes (the CLI's and the language server's node:fs). */
export function projectDisk(fs: FileSystem): ProjectDisk {
  return {
    list(dir) {
      try {
        return fs.readdirSync(dir, { withFileTypes: true }).map((entry) => ({ name: entry.name, folder: entry.isDirectory() }));
      } catch {
        return undefined;
      }
    },
    read(file) {
      try {
        return fs.readFileSync(file, "utf8");
      } catch {
        return undefined;
      }
    },
  };
}

export const FLOW_GLOB = "**/*.flow";

const NEVER = new Set(["node_modules", ".git"]);

const slashes = (p: string) => p.split(path.sep).join("/");

/** .gitignore rules from `root` (the top of the repository) down to any folder below it. */
export class IgnoreRules {
  private readonly byFolder = new Map<string, Ignore | undefined>();

  constructor(
    readonly root: string,
    private readonly disk: ProjectDisk,
  ) {}

  /** Whether git would ignore the file or folder at `absolute`. */
  ignored(absolute: string, folder: boolean): boolean {
    const relative = path.relative(this.root, absolute);
    if (relative === "" || relative.startsWith("..") || path.isAbsolute(relative)) return false;
    const parts = relative.split(path.sep);
    for (let depth = 0; depth < parts.length; depth++) {
      const rules = this.rulesOf(path.join(this.root, ...parts.slice(0, depth)));
      const below = parts.slice(depth).join("/") + (folder ? "/" : "");
      if (rules?.ignores(below)) return true;
    }
    return false;
  }

  private rulesOf(dir: string): Ignore | undefined {
    if (!this.byFolder.has(dir)) {
      const texts = [this.disk.read(path.join(dir, ".gitignore")), dir === this.root ? this.disk.read(path.join(dir, ".git", "info", "exclude")) : undefined];
      const given = texts.filter((t): t is string => t !== undefined);
      // one `add` per file: `add([a, b])` would read each text as a single pattern
      this.byFolder.set(dir, given.length === 0 ? undefined : given.reduce((rules, text) => rules.add(text), ignore()));
    }
    return this.byFolder.get(dir);
  }
}

export interface WalkOptions {
  /** globs relative to `dir` that a file must match (default `**\/*.flow`) */
  include?: readonly string[];
  /** globs relative to `dir` that leave a file out */
  exclude?: readonly string[];
  ignore: IgnoreRules;
}

/** The files under `dir` that match, as absolute paths sorted by code point. */
export function filesUnder(dir: string, options: WalkOptions, disk: ProjectDisk): string[] {
  const include = options.include ?? [FLOW_GLOB];
  const exclude = options.exclude ?? [];
  const found: string[] = [];
  const walk = (folder: string) => {
    for (const entry of disk.list(folder) ?? []) {
      const absolute = path.join(folder, entry.name);
      if (options.ignore.ignored(absolute, entry.folder)) continue;
      if (entry.folder) {
        if (!NEVER.has(entry.name)) walk(absolute);
        continue;
      }
      const relative = slashes(path.relative(dir, absolute));
      if (include.some((g) => matchesGlob(relative, g)) && !exclude.some((g) => matchesGlob(relative, g))) found.push(absolute);
    }
  };
  walk(dir);
  return found.sort(compareCodePoints);
}

/** The files a glob matches (relative to `cwd` unless absolute), as absolute paths. */
export function filesMatching(pattern: string, cwd: string, ignoreRules: IgnoreRules, disk: ProjectDisk): string[] {
  const { base, glob } = globBase(pattern);
  const root = path.resolve(cwd, base);
  return filesUnder(root, { include: [glob], ignore: ignoreRules }, disk);
}

/** The folder holding `.git` above (or at) `dir`, where .gitignore rules start; else `dir`. */
export function repositoryRoot(dir: string, exists: (file: string) => boolean): string {
  for (let current = path.resolve(dir); ; ) {
    if (exists(path.join(current, ".git"))) return current;
    const parent = path.dirname(current);
    if (parent === current) return path.resolve(dir);
    current = parent;
  }
}
