// Reading flows as they were at a git ref, for `flowc diff --base REF`: files with
// `git cat-file blob REF:./PATH`, folders with `git ls-tree`. Paths are relative to the working
// directory, as git resolves `REF:./PATH`, so the command works from any folder of a checkout.
import { spawnSync } from "node:child_process";
import path from "node:path";
import type { SourceRead } from "./host";

const utf8 = new TextDecoder("utf-8", { fatal: true });

function git(cwd: string, args: string[]): { ok: true; bytes: Buffer } | { ok: false; message: string } {
  const run = spawnSync("git", args, { cwd, maxBuffer: 256 * 1024 * 1024 });
  if (run.error) return { ok: false, message: (run.error as NodeJS.ErrnoException).code === "ENOENT" ? "git is not installed (or not on PATH)" : run.error.message };
  if (run.status !== 0) return { ok: false, message: run.stderr.toString("utf8").trim().split("\n")[0] ?? `git ${args[0]} failed` };
  return { ok: true, bytes: run.stdout };
}

/** `REF:./PATH` for a path relative to the working directory, with forward slashes. */
function objectName(ref: string, relative: string): string {
  return `${ref}:./${relative.split(path.sep).join("/")}`;
}

export interface GitTree {
  ref: string;
  /** the commit the ref names, for messages */
  commit: string;
  /** "file", "folder", or undefined when the path does not exist at the ref */
  kind(relative: string): "file" | "folder" | undefined;
  /** `.flow` files under a folder at the ref, relative to the working directory */
  flowFiles(relative: string): string[];
  /** a file's text at the ref, with the reason when it cannot be used */
  read(relative: string): SourceRead;
}

/** The tree at `ref`, or a one-line reason (not a repository, unknown ref, no git). */
export function gitTree(cwd: string, ref: string): GitTree | string {
  const commit = git(cwd, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  if (!commit.ok) return commit.message.startsWith("git is not") ? commit.message : `'${ref}' is not a commit in this repository (${commit.message || "unknown ref"})`;
  const sha = commit.bytes.toString("utf8").trim();
  return {
    ref,
    commit: sha,
    kind(relative) {
      const type = git(cwd, ["cat-file", "-t", objectName(sha, relative)]);
      if (!type.ok) return undefined;
      const name = type.bytes.toString("utf8").trim();
      return name === "tree" ? "folder" : name === "blob" ? "file" : undefined;
    },
    flowFiles(relative) {
      const listed = git(cwd, ["ls-tree", "-r", "-z", "--name-only", sha, "--", relative === "" ? "." : relative]);
      if (!listed.ok) return [];
      return listed.bytes
        .toString("utf8")
        .split("\0")
        .filter((name) => name.endsWith(".flow"))
        .map((name) => name.split("/").join(path.sep));
    },
    read(relative) {
      const blob = git(cwd, ["cat-file", "blob", objectName(sha, relative)]);
      if (!blob.ok) return { ok: false, reason: `not in ${ref}` };
      if (blob.bytes.includes(0)) return { ok: false, reason: `is a binary file in ${ref}` };
      try {
        return { ok: true, text: utf8.decode(blob.bytes) };
      } catch {
        return { ok: false, reason: `is not valid UTF-8 text in ${ref}` };
      }
    },
  };
}
