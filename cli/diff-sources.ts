// The two sides of `flowc diff`: two files, two folders of flows (matched by relative path), or
// paths in the working tree against the same paths at a git ref (`--base REF`). Each side is a
// set of files keyed by the path they are matched by, and a host that reads them and their imports.
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { type FileHost, type SourceRead, createFileHost, hostOver } from "./host";
import { gitTree } from "./git";
import { compareCodePoints } from "../syntax/order";

export interface DiffSource {
  /** key → the file name the analysis uses (on a git side, where the file stands in the working tree) */
  files: Map<string, string>;
  host: FileHost;
  /** key → the working-tree path whose flowc.json settings apply to both sides */
  settingsPath: Map<string, string>;
}

export type Sides = { ok: true; before: DiffSource; after: DiffSource } | { ok: false; message: string };

const SKIPPED = new Set(["node_modules", ".git"]);

type Kind = "file" | "folder" | undefined;

function kindOf(file: string): Kind {
  try {
    return statSync(file).isDirectory() ? "folder" : "file";
  } catch {
    return undefined;
  }
}

/** `.flow` files under a folder, relative to it, skipping node_modules and dot-folders. */
function flowFilesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (relative: string) => {
    for (const entry of readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const child = path.join(relative, entry.name);
      if (entry.isDirectory() && !SKIPPED.has(entry.name) && !entry.name.startsWith(".")) walk(child);
      else if (entry.isFile() && entry.name.endsWith(".flow")) out.push(child);
    }
  };
  walk("");
  return out.sort(compareCodePoints);
}

const slashes = (p: string) => p.split(path.sep).join("/");

/** `flowc diff OLD NEW`: two files, or two folders. */
export function pathSides(cwd: string, oldPath: string, newPath: string): Sides {
  const host = createFileHost(cwd);
  const [oldAbs, newAbs] = [path.resolve(cwd, oldPath), path.resolve(cwd, newPath)];
  const [oldKind, newKind] = [kindOf(oldAbs), kindOf(newAbs)];
  if (!oldKind || !newKind) return { ok: false, message: `cannot read '${!oldKind ? oldPath : newPath}': no such file or folder` };
  if (oldKind !== newKind) return { ok: false, message: `'${oldPath}' and '${newPath}' must both be files or both be folders` };
  if (oldKind === "file") {
    const key = slashes(newPath);
    return { ok: true, before: { files: new Map([[key, oldAbs]]), host, settingsPath: new Map([[key, newAbs]]) }, after: { files: new Map([[key, newAbs]]), host, settingsPath: new Map([[key, newAbs]]) } };
  }
  const side = (root: string) => new Map(flowFilesUnder(root).map((f) => [slashes(f), path.join(root, f)]));
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
    if (!here && !there) return { ok: false, message: `cannot read '${given}': no such file or folder, here or in ${ref}` };
    const add = (map: Map<string, string>, rel: string) => map.set(slashes(rel), path.resolve(cwd, rel));
    if (here === "folder" || there === "folder") {
      if (here === "folder") for (const f of flowFilesUnder(path.resolve(cwd, given))) add(after, path.join(relative, f));
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

/** A host that reads every file (imports too) as it was at the ref, by its path in the working tree. */
function gitHost(cwd: string, readAt: (relative: string) => SourceRead): FileHost {
  return hostOver(cwd, (absolute) => readAt(path.relative(cwd, absolute)));
}
