// `flowc status --redis URL`: the call queue by state, the workers connected, the runs in flight
// (coordinator, spend, reservations, cap, pool) and each budget pool's current window.
import type { Command } from "commander";
import type { RedisStatus } from "../../runtime/index";
import { type CliCommand, type CommandContext, examples } from "../command";
import { EXIT_OK, EXIT_USAGE, type ExitCode } from "../exit";
import { type CliIo, complain } from "../io";
import { formatOption } from "../options";
import { renderTable } from "../format/table";
import { redisOption, redisUrl, type RedisFlags } from "../redis-options";
import { guarded, loadRuntime } from "../run-support";

const FORMATS = ["text", "json"] as const;

const RUN_COLUMNS = [
  { title: "run", align: "left" },
  { title: "flow", align: "left" },
  { title: "status", align: "left" },
  { title: "coordinator", align: "left" },
  { title: "spent", align: "right" },
  { title: "reserved", align: "right" },
  { title: "cap", align: "right" },
  { title: "pool", align: "left" },
] as const;

const POOL_COLUMNS = [
  { title: "pool", align: "left" },
  { title: "window since", align: "left" },
  { title: "spent", align: "right" },
  { title: "reserved", align: "right" },
  { title: "cap", align: "right" },
  { title: "alert", align: "right" },
  { title: "last alert", align: "left" },
] as const;

const WORKER_COLUMNS = [
  { title: "worker", align: "left" },
  { title: "address", align: "left" },
  { title: "up", align: "right" },
  { title: "idle", align: "right" },
] as const;

export const statusCommand: CliCommand = {
  register(program: Command, context: CommandContext) {
    program
      .command("status")
      .description("A Redis deployment at a glance: queued and running calls, workers, runs in flight, budget pools.")
      .addOption(redisOption())
      .addOption(formatOption(FORMATS))
      .addHelpText("after", examples("flowc status --redis redis://127.0.0.1:6379", "FLOWC_REDIS=redis://redis:6379 flowc status --format json"))
      .action(async (flags: RedisFlags & { format: (typeof FORMATS)[number] }) => context.finish(await status(flags, context.io)));
  },
};

async function status(flags: RedisFlags & { format: (typeof FORMATS)[number] }, io: CliIo): Promise<ExitCode> {
  const url = redisUrl(io, flags);
  if (!url) {
    complain(io, "flowc status needs --redis URL (or FLOWC_REDIS)");
    return EXIT_USAGE;
  }
  const runtime = await loadRuntime();
  return guarded(io, async () => {
    const found = await runtime.redisStatus(url);
    io.out(flags.format === "json" ? `${JSON.stringify(found, null, 2)}\n` : statusText(found));
    return EXIT_OK;
  });
}

function statusText(s: RedisStatus): string {
  const jobs = s.jobs;
  const lines = [`redis ${s.url}, queue ${s.queue}`, `calls: ${jobs.waiting} waiting, ${jobs.active} active, ${jobs.delayed} delayed, ${jobs.completed} completed, ${jobs.failed} failed`, ""];
  lines.push(`workers: ${s.workers.length}`);
  if (s.workers.length > 0) lines.push(...renderTable(WORKER_COLUMNS, s.workers.map((w) => [w.name, w.address, `${w.ageSeconds}s`, `${w.idleSeconds}s`])));
  lines.push("", `runs in flight: ${s.runs.length}`);
  if (s.runs.length > 0) lines.push(...renderTable(RUN_COLUMNS, s.runs.map((r) => [r.runId, r.flow, r.status, r.coordinator ?? "none (interrupted: flowc resume RUN --redis URL)", r.spent, r.reserved, r.cap ?? "", r.pool ?? ""])));
  lines.push("", `budget pools: ${s.pools.length}`);
  if (s.pools.length > 0) lines.push(...renderTable(POOL_COLUMNS, s.pools.map((p) => [p.name, p.windowStart, p.spent, p.reserved, p.cap, p.alert ?? "", p.alerts[0] ? `${p.alerts[0].at} (${p.alerts[0].runId})` : ""])));
  return lines.join("\n") + "\n";
}
