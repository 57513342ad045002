// File helpers for the local stores: atomic writes (temporary file, fsync, rename), JSON reads that
// name a damaged file, and the lock that keeps one process per run. Every call goes through the
// `disk` seam (disk.ts), so tests can inject a full disk.
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import path from "node:path";
import { disk, errorCode, storageError } from "./disk";
import { RunFileError, RuntimeError } from "./errors";

/**
 * Write to a temporary file beside the target, fsync, rename over the target: a reader sees the old
 * file or the new one, never half of either, and a failed write leaves no temporary file behind.
 * (Done by hand rather than with write-file-atomic, which reads `__filename` and so breaks in the
 * ESM bundle.)
 */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await disk.mkdirs(path.dirname(file));
    const handle = await disk.open(temp, "w");
    try {
      await disk.write(handle, text);
      await disk.sync(handle);
    } finally {
      await handle.close();
    }
    await disk.rename(temp, file);
  } catch (error) {
    await removeIfExists(temp).catch(() => undefined);
    throw storageError(file, error);
  }
}

export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** undefined when the file does not exist; RunFileError naming the file when it is not JSON */
export async function readJsonIfExists<T>(file: string): Promise<T | undefined> {
  let text: string;
  try {
    text = (await disk.readFile(file)).toString("utf8");
  } catch (error) {
    if (isCode(error, "ENOENT")) return undefined;
    throw storageError(file, error, "reading");
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new RunFileError(file, `not valid JSON (${jsonProblem(error)}): the file is damaged; restore it or remove the run`);
  }
}

/**
 * Where JSON.parse stopped, without the excerpt of the text some engines quote (the text may hold
 * secrets, such as an endpoints file's headers).
 */
export function jsonProblem(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const at = /position (\d+)(?: \(line (\d+) column (\d+)\))?/.exec(text);
  if (at?.[2]) return `at line ${at[2]}, column ${at[3]}`;
  if (at) return `at offset ${at[1]}`;
  return /end of (JSON|data) input/i.test(text) ? "it ends early" : "unexpected text";
}

export async function listDir(dir: string): Promise<string[]> {
  try {
    return (await disk.readdir(dir)).sort();
  } catch (error) {
    if (isCode(error, "ENOENT")) return [];
    throw storageError(dir, error, "listing");
  }
}

export async function removeIfExists(file: string): Promise<boolean> {
  try {
    await disk.unlink(file);
    return true;
  } catch (error) {
    if (isCode(error, "ENOENT")) return false;
    throw error;
  }
}

export function isCode(error: unknown, code: string): boolean {
  return errorCode(error) === code;
}

/** A short critical section across processes (a read-modify-write of one file). */
export async function withFileLock<T>(target: string, work: () => Promise<T>): Promise<T> {
  try {
    await disk.mkdirs(path.dirname(target));
  } catch (error) {
    throw storageError(path.dirname(target), error, "creating");
  }
  // Loaded with the first lock: proper-lockfile's signal-exit hooks SIGTERM and SIGINT, and a
  // command that only writes a file (`flowc check --fix`, `fmt`) must still stop at once on them.
  const { default: lockfile } = await import("proper-lockfile");
  const release = await lockfile.lock(target, { retries: { retries: 50, minTimeout: 10, maxTimeout: 200 }, stale: 10_000, realpath: false });
  try {
    return await work();
  } finally {
    await release();
  }
}

export interface LockOwner {
  pid: number;
  host: string;
}

/** A lock's owner may still run: on another host we cannot tell, so we assume it does. */
export function alive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return isCode(error, "EPERM");
  }
}

export function busyMessage(runId: string, owner: LockOwner, lockName: string): string {
  const here = owner.host === hostname();
  return (
    `run ${runId} is being executed by process ${owner.pid} on ${here ? "this machine" : `host ${owner.host}`}: ` +
    `wait for it to finish or pause${here ? "" : `, or if that process is gone, remove ${lockName}`}`
  );
}

/** The live process holding a run's lock file, if any. */
export async function lockHolder(dir: string): Promise<LockOwner | undefined> {
  const owner = await readJsonIfExists<LockOwner>(path.join(dir, "lock")).catch(() => undefined);
  return owner && typeof owner.pid === "number" && typeof owner.host === "string" && alive(owner) ? owner : undefined;
}

/**
 * The lock a process holds while it executes or changes a run. A lock left by a killed process is
 * taken over at once (its pid is gone), which a time-based stale lock could not do; the check and
 * the take-over happen under proper-lockfile's lock, so two processes never both take it.
 */
export async function lockRun(dir: string, runId: string): Promise<() => Promise<void>> {
  const file = path.join(dir, "lock");
  await withFileLock(path.join(dir, ".lock-guard"), async () => {
    const owner = await lockHolder(dir);
    if (owner) throw new RuntimeError("run-busy", busyMessage(runId, owner, file));
    await removeIfExists(file);
    try {
      const handle = await disk.open(file, "wx");
      await disk.write(handle, JSON.stringify({ pid: process.pid, host: hostname() }));
      await handle.close();
    } catch (error) {
      throw storageError(file, error);
    }
  });
  return async () => {
    await removeIfExists(file);
  };
}
