// The file-system calls of the local stores (journal, runs, records, cache), gathered in one
// object: a test replaces one method (`vi.spyOn(disk, "write")`) to inject a full disk or a
// read-only directory without filling a real one. Errors a person can act on become StorageError.
import { mkdir, open, readFile, readdir, rename, rm, stat, unlink, type FileHandle } from "node:fs/promises";
import { StorageError } from "./errors";

export const disk = {
  mkdirs: (dir: string): Promise<unknown> => mkdir(dir, { recursive: true }),
  /** fails with EEXIST when the directory exists */
  mkdirOnce: (dir: string): Promise<unknown> => mkdir(dir),
  open: (file: string, flags: string): Promise<FileHandle> => open(file, flags),
  /** the whole text, at the handle's position (at the end for a handle opened with "a") */
  write: (handle: FileHandle, text: string): Promise<void> => handle.writeFile(text),
  sync: (handle: FileHandle): Promise<void> => handle.sync(),
  truncate: (handle: FileHandle, length: number): Promise<void> => handle.truncate(length),
  rename: (from: string, to: string): Promise<void> => rename(from, to),
  readFile: (file: string): Promise<Buffer> => readFile(file),
  readdir: (dir: string): Promise<string[]> => readdir(dir),
  stat,
  unlink: (file: string): Promise<void> => unlink(file),
  removeTree: (dir: string): Promise<void> => rm(dir, { recursive: true, force: true }),
};

const PROBLEMS = new Map([
  ["ENOSPC", "no space left on the device"],
  ["EDQUOT", "disk quota exceeded"],
  ["EROFS", "the file system is read-only"],
  ["EACCES", "permission denied"],
  ["EPERM", "operation not permitted"],
  ["EIO", "input/output error"],
  ["ENAMETOOLONG", "the file name is too long"],
  ["ENOTDIR", "a part of the path is a file, not a directory"],
  ["EMFILE", "too many open files"],
]);

export function errorCode(error: unknown): string | undefined {
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === "string" ? code : undefined;
}

/** A file-system error a person can act on as a StorageError naming the file; others unchanged. */
export function storageError(file: string, error: unknown, doing = "writing"): unknown {
  if (error instanceof StorageError) return error;
  const code = errorCode(error);
  const problem = code !== undefined ? PROBLEMS.get(code) : undefined;
  return problem ? new StorageError(file, code!, `${doing} ${file} failed: ${problem} (${code})`) : error;
}
