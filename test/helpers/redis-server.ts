// A real redis-server for the Redis tests (bench/redis-server.ts starts it: a free port on
// 127.0.0.1, persistence off, a temporary directory) and `flowc worker` child processes. Without
// redis-server on PATH the tests fail with a message saying how to install it (`.ci/run` does).
import { inject } from "vitest";
import { hasRedisServer, spawnFlowcWorker, startRedisServer, type RedisProcess, type WorkerProcess } from "../../bench/redis-server";
import { BIN, ROOT } from "../cli-spawn";

export { stopProcess, type WorkerProcess } from "../../bench/redis-server";
export type RedisServer = RedisProcess;

export const REDIS_MISSING = "redis-server is not installed: the Redis tests need it on PATH (`apt-get install -y redis-server`; .ci/run installs it)";

export async function startRedis(): Promise<RedisServer> {
  if (!hasRedisServer()) throw new Error(REDIS_MISSING);
  return startRedisServer();
}

/** `flowc worker --redis URL …` from the built CLI, resolved once it is ready. */
export async function spawnWorker(url: string, args: string[] = []): Promise<WorkerProcess> {
  const buildError = inject("flowcBuildError");
  if (buildError) throw new Error(buildError);
  return spawnFlowcWorker(BIN, ROOT, url, args);
}

export async function spawnWorkers(url: string, count: number, args: (i: number) => string[] = () => []): Promise<WorkerProcess[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => spawnWorker(url, args(i))));
}
