// File helpers for the local stores: atomic writes (temporary file, fsync, rename), JSON reads,
// and the lock that keeps one process per run.
import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, readdir, rename, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import path from "node:path";
import { RuntimeError } from "./errors";

/**
 * Write to a temporary file beside the target, fsync, rename over the target: a reader sees the old
 * file or the new one, never half of either. (Done by hand rather than with write-file-atomic, which
 * reads `__filename` and so breaks in the ESM bundle.)
 */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  const handle = await open(temp, "w");
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, file);
  } catch (error) {
    await removeIfExists(temp);
    throw error;
  }
}

export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** undefined when the file does not exist */
export async function readJsonIfExists<T>(file: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if (isCode(error, "ENOENT")) return undefined;
    throw error;
  }
  return JSON.parse(text) as T;
}

export async function listDir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (error) {
    if (isCode(error, "ENOENT") || isCode(error, "ENOTDIR")) return [];
    throw error;
  }
}

export async function removeIfExists(file: string): Promise<boolean> {
  try {
    await unlink(file);
    return true;
  } catch (error) {
    if (isCode(error, "ENOENT")) return false;
    throw error;
  }
}

export function isCode(error: unknown, code: string): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === code;
}

/** A short critical section across processes (a read-modify-write of one file). */
export async function withFileLock<T>(target: string, work: () => Promise<T>): Promise<T> {
  await mkdir(path.dirname(target), { recursive: true });
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

/**
 * The lock a process holds while it executes a run. A lock left by a killed process is taken over
 * at once (its pid is gone), which a time-based stale lock could not do.
 */
export async function lockRun(dir: string, runId: string): Promise<() => Promise<void>> {
  const file = path.join(dir, "lock");
  await withFileLock(path.join(dir, ".lock-guard"), async () => {
    const owner = await readJsonIfExists<LockOwner>(file).catch(() => undefined);
    if (owner && alive(owner)) {
      throw new RuntimeError("run-busy", `run ${runId} is being executed by process ${owner.pid}`);
    }
    await removeIfExists(file);
    const handle = await open(file, "wx");
    await handle.writeFile(JSON.stringify({ pid: process.pid, host: hostname() }));
    await handle.close();
  });
  return async () => {
    await removeIfExists(file);
  };
}
