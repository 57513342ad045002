// A throw-away redis-server for the benchmark and the tests: a free port on 127.0.0.1, persistence
// off, a temporary directory, stopped (and its directory removed) after.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

export interface RedisProcess {
  url: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

export function hasRedisServer(): boolean {
  return spawnSync("sh", ["-c", "command -v redis-server"]).status === 0;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no free port"))));
    });
  });
}

export async function startRedisServer(): Promise<RedisProcess> {
  const dir = mkdtempSync(path.join(tmpdir(), "flowc-redis-"));
  const port = await freePort();
  const proc = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], { stdio: ["ignore", "pipe", "pipe"] });
  const kill = () => proc.kill("SIGKILL");
  process.once("exit", kill);
  await untilReady(proc, "redis-server", (output) => output.includes("Ready to accept connections"), 10_000);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: proc.pid!,
    async stop() {
      process.off("exit", kill);
      await stopProcess(proc, "SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Signals a child and waits for it to exit (SIGKILL after 10 s). */
export function stopProcess(proc: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => proc.kill("SIGKILL"), 10_000);
    proc.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    proc.kill(signal);
  });
}

export interface WorkerProcess {
  proc: ChildProcess;
  /** everything it printed */
  output(): string;
  /** SIGTERM: it finishes its jobs in flight and exits */
  stop(): Promise<void>;
  /** SIGKILL, mid-job or not */
  kill(): Promise<void>;
}

/** `node bin/flowc.js worker --redis URL …` as a child process, resolved once it says it is ready. */
export async function spawnFlowcWorker(bin: string, cwd: string, url: string, args: string[] = []): Promise<WorkerProcess> {
  const proc = spawn(process.execPath, [bin, "worker", "--redis", url, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
  const kill = () => proc.kill("SIGKILL");
  process.once("exit", kill);
  proc.once("exit", () => process.off("exit", kill));
  const output = await untilReady(proc, "the worker", (text) => /^flowc worker .* ready/m.test(text), 20_000);
  return { proc, output, stop: () => stopProcess(proc, "SIGTERM"), kill: () => stopProcess(proc, "SIGKILL") };
}

/** Resolves (with a reader of everything printed so far) once `ready` holds for the output. */
function untilReady(proc: ChildProcess, what: string, ready: (output: string) => boolean, timeoutMs: number): Promise<() => string> {
  let output = "";
  return new Promise((resolve, reject) => {
    const failed = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}:\n${output}`));
    };
    const timer = setTimeout(() => {
      proc.off("exit", failed);
      reject(new Error(`${what} did not get ready:\n${output}`));
    }, timeoutMs);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (!ready(output)) return;
      clearTimeout(timer);
      proc.off("exit", failed);
      resolve(() => output);
    };
    proc.stdout!.on("data", read);
    proc.stderr!.on("data", read);
    proc.once("exit", failed);
  });
}
