// `flowc cache ls` and `flowc cache clear [--flow F] [--node N]`: the on-disk cache of call outputs.
import type { Command } from "commander";
import type { CacheListing } from "../../runtime/index";
import { type CliCommand, type CommandContext, examples } from "../command";
import { EXIT_OK, type ExitCode } from "../exit";
import type { CliIo } from "../io";
import { renderTable } from "../format/table";
import { guarded, loadRuntime, storeOptions } from "../run-support";
import { redisOption, type RedisFlags } from "../redis-options";
import { compareCodePoints } from "../../syntax/order";

const COLUMNS = [
  { title: "flow", align: "left" },
  { title: "node", align: "left" },
  { title: "entries", align: "right" },
  { title: "size", align: "right" },
  { title: "newest", align: "right" },
  { title: "oldest", align: "right" },
] as const;

export const cacheCommand: CliCommand = {
  register(program: Command, context: CommandContext) {
    const cache = program.command("cache").description("List or clear the cache of call outputs ($FLOWC_HOME/cache, else .flowc/cache; or in Redis with --redis).");
    cache
      .command("ls")
      .description("Cache entries per flow and node: how many, their size, the newest and oldest age.")
      .addOption(redisOption())
      .action(async (flags: RedisFlags) => context.finish(await list(flags, context.io)));
    cache
      .command("clear")
      .description("Remove cache entries: all of them, one flow's, or one node's; the next run pays for them again.")
      .option("--flow <flow>", "only this flow's entries")
      .option("--node <node>", "only this node's entries")
      .addOption(redisOption())
      .addHelpText("after", examples("flowc cache clear", "flowc cache clear --flow campaign_portraits --node style_ref"))
      .action(async (options: RedisFlags & { flow?: string; node?: string }) => context.finish(await clear(options, context.io)));
  },
};

async function list(flags: RedisFlags, io: CliIo): Promise<ExitCode> {
  const runtime = await loadRuntime();
  return guarded(io, async () => {
    io.out(listingText(await runtime.cacheList(storeOptions(io, flags))));
    return EXIT_OK;
  });
}

async function clear(flags: RedisFlags & { flow?: string; node?: string }, io: CliIo): Promise<ExitCode> {
  const filter = { ...(flags.flow !== undefined ? { flow: flags.flow } : {}), ...(flags.node !== undefined ? { node: flags.node } : {}) };
  const runtime = await loadRuntime();
  return guarded(io, async () => {
    const removed = await runtime.cacheClear(filter, storeOptions(io, flags));
    const scope = [filter.flow ? `flow ${filter.flow}` : "", filter.node ? `node ${filter.node}` : ""].filter(Boolean).join(", ");
    io.out(`removed ${entries(removed, "cache entry", "cache entries")}${scope ? ` (${scope})` : ""}\n`);
    return EXIT_OK;
  });
}

function listingText(listing: CacheListing): string {
  if (listing.nodes.length === 0) return "the cache is empty\n";
  const rows = [...listing.nodes]
    .sort((a, b) => compareCodePoints(a.flow, b.flow) || compareCodePoints(a.node, b.node))
    .map((n) => [n.flow, n.node, String(n.entries), bytes(n.bytes), age(n.newestSeconds), age(n.oldestSeconds)]);
  const total = `${entries(listing.entries.length, "entry", "entries")} in total, ${bytes(listing.totalBytes)}`;
  return [...renderTable(COLUMNS, rows), "", total].join("\n") + "\n";
}

function entries(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

function bytes(count: number): string {
  if (count < 1024) return `${count} B`;
  if (count < 1024 * 1024) return `${(count / 1024).toFixed(1)} KiB`;
  return `${(count / (1024 * 1024)).toFixed(1)} MiB`;
}

/** `45s`, `12m`, `3h`, `2d`: the largest unit that fits. */
function age(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}
