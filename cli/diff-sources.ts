// The two sides of `flowc diff`: two files, two folders of flows (matched by relative path), or
// paths in the working tree against the same paths at a git ref (`--base REF`). Each side is a
// set of files keyed by the path they are matched by, and a host that reads them and their imports.
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { globBase, isGlob, matchesGlob } from "../compiler/glob";
import { IgnoreRules, filesMatching, filesUnder, repositoryRoot } from "../compiler/project-files";
import { type FileHost, type SourceRead, createFileHost, hostOver } from "./host";
import { type GitTree, gitTree } from "./git";
import { LOCAL_PROJECT_DISK, STDIN } from "./inputs";

export interface DiffSource {
  /** key → the file name the analysis uses (on a git side, where the file stands in the working tree) */
  files: Map<string, string>;
  host: FileHost;
  /** key → the working-tree path whose flowc.json settings apply to both sides */
  settingsPath: Map<string, string>;
}

export type Sides = { ok: true; before: DiffSource; after: DiffSource } | { ok: false; message: string };

type Kind = "file" | "folder" | undefined;

function kindOf(file: string): Kind {
  try {
    return statSync(file).isDirectory() ? "folder" : "file";
  } catch {
    return undefined;
  }
}


/** `.flow` files under a folder, relative to it, as `flowc check folder/` finds them (.gitignore honoured). */
function flowFilesUnder(dir: string, cwd: string): string[] {
  const ignoreRules = new IgnoreRules(repositoryRoot(cwd, existsSync), LOCAL_PROJECT_DISK);
  return filesUnder(dir, { ignore: ignoreRules }, LOCAL_PROJECT_DISK).map((f) => path.relative(dir, f));
}

const slashes = (p: string) => p.split(path.sep).join("/");

/** `flowc diff - NEW`: the old version of NEW from standard input, read as if it stood where NEW does. */
function stdinSides(cwd: string, newPath: string, stdin: SourceRead): Sides {
  if (!stdin.ok) return { ok: false, message: `cannot read standard input: ${stdin.reason}` };
  if (kindOf(path.resolve(cwd, newPath)) !== "file") return { ok: false, message: `'${STDIN}' (standard input) is the old version of a file: '${newPath}' must be one` };
  const newAbs = path.resolve(cwd, newPath);
  const key = slashes(newPath);
  const settingsPath = new Map([[key, newAbs]]);
  const before = createFileHost(cwd, new Map([[newAbs, stdin.text]]));
  return { ok: true, before: { files: new Map([[key, newAbs]]), host: before, settingsPath }, after: { files: new Map([[key, newAbs]]), host: createFileHost(cwd), settingsPath } };
}

/** `flowc diff OLD NEW`: two files, or two folders; OLD may be `-`, the old version of the file NEW on standard input. */
export function pathSides(cwd: string, oldPath: string, newPath: string, stdin: () => SourceRead): Sides {
  if (oldPath === STDIN) return stdinSides(cwd, newPath, stdin());
  const host = createFileHost(cwd);
  const [oldAbs, newAbs] = [path.resolve(cwd, oldPath), path.resolve(cwd, newPath)];
  const [oldKind, newKind] = [kindOf(oldAbs), kindOf(newAbs)];
  if (!oldKind || !newKind) return { ok: false, message: `cannot read '${!oldKind ? oldPath : newPath}': no such file or folder` };
  if (oldKind !== newKind) return { ok: false, message: `'${oldPath}' and '${newPath}' must both be files or both be folders` };
  if (oldKind === "file") {
    const key = slashes(newPath);
    return { ok: true, before: { files: new Map([[key, oldAbs]]), host, settingsPath: new Map([[key, newAbs]]) }, after: { files: new Map([[key, newAbs]]), host, settingsPath: new Map([[key, newAbs]]) } };
  }
  const side = (root: string) => new Map(flowFilesUnder(root, cwd).map((f) => [slashes(f), path.join(root, f)]));
  const before = side(oldAbs);
  const after = side(newAbs);
  const settingsPath = new Map([...before, ...after]);
  return { ok: true, before: { files: before, host, settingsPath }, after: { files: after, host, settingsPath } };
}

/** `flowc diff --base REF PATH...`: each path in the working tree against the same path at REF. */
export function gitSides(cwd: string, ref: string, paths: string[]): Sides {
  const tree = gitTree(cwd, ref);
  if (typeof tree === "string") return { ok: false, message: tree };
  const before = new Map<string, string>();
  const after = new Map<string, string>();
  for (const given of paths) {
    const relative = path.relative(cwd, path.resolve(cwd, given));
    const here = kindOf(path.resolve(cwd, given));
    const there = tree.kind(relative);
    const add = (map: Map<string, string>, rel: string) => map.set(slashes(rel), path.resolve(cwd, rel));
    if (!here && !there && isGlob(given)) {
      const matched = globSides(cwd, given, tree);
      if (matched.here.length + matched.there.length === 0) return { ok: false, message: `no files match '${given}', here or in ${ref}` };
      for (const f of matched.here) add(after, f);
      for (const f of matched.there) add(before, f);
      continue;
    }
    if (!here && !there) return { ok: false, message: `cannot read '${given}': no such file or folder, here or in ${ref}` };
    if (here === "folder" || there === "folder") {
      if (here === "folder") for (const f of flowFilesUnder(path.resolve(cwd, given), cwd)) add(after, path.join(relative, f));
      if (there === "folder") for (const f of tree.flowFiles(relative)) add(before, f);
    } else {
      if (here) add(after, relative);
      if (there) add(before, relative);
    }
  }
  const treeHost = createFileHost(cwd);
  const settingsPath = new Map([...before, ...after]);
  return { ok: true, before: { files: before, host: gitHost(cwd, tree.read), settingsPath }, after: { files: after, host: treeHost, settingsPath } };
}

/** The files a glob matches in the working tree and at the ref, relative to the working directory. */
function globSides(cwd: string, pattern: string, tree: GitTree): { here: string[]; there: string[] } {
  const ignoreRules = new IgnoreRules(repositoryRoot(cwd, existsSync), LOCAL_PROJECT_DISK);
  const here = filesMatching(pattern, cwd, ignoreRules, LOCAL_PROJECT_DISK).map((f) => path.relative(cwd, f));
  const { base, glob } = globBase(pattern);
  const baseRelative = path.relative(cwd, path.resolve(cwd, base));
  const atRef = tree.kind(baseRelative) === "folder" ? tree.flowFiles(baseRelative) : [];
  const there = atRef.filter((f) => matchesGlob(slashes(path.relative(baseRelative, f)), glob));
  return { here, there };
}

/** A host that reads every file (imports too) as it was at the ref, by its path in the working tree. */
function gitHost(cwd: string, readAt: (relative: string) => SourceRead): FileHost {
  return hostOver(cwd, (absolute) => readAt(path.relative(cwd, absolute)));
}
