// `flowc runs`: the history of runs, oldest first: id, flow, status, spent, worst case, flags.
import type { Command } from "commander";
import type { RunSummaryRow } from "../../runtime/index";
import { type CliCommand, type CommandContext, examples } from "../command";
import { EXIT_OK, type ExitCode } from "../exit";
import type { CliIo } from "../io";
import { formatOption } from "../options";
import { renderTable } from "../format/table";
import { JsonNumber, writeJson } from "../format/json-writer";
import { guarded, loadRuntime, storeOptions } from "../run-support";
import { redisOption, type RedisFlags } from "../redis-options";

const FORMATS = ["text", "json"] as const;

const COLUMNS = [
  { title: "run", align: "left" },
  { title: "flow", align: "left" },
  { title: "status", align: "left" },
  { title: "spent", align: "right" },
  { title: "worst case", align: "right" },
  { title: "cap", align: "right" },
  { title: "alert", align: "left" },
  { title: "started", align: "left" },
] as const;

export const runsCommand: CliCommand = {
  register(program: Command, context: CommandContext) {
    program
      .command("runs")
      .description("List the runs recorded here ($FLOWC_HOME, else .flowc; or in Redis): id, flow, status, spent, worst case.")
      .addOption(formatOption(FORMATS))
      .addOption(redisOption())
      .addHelpText("after", examples("flowc runs", "flowc runs --format json"))
      .action(async (options: RedisFlags & { format: (typeof FORMATS)[number] }) => context.finish(await listRuns(options.format, options, context.io)));
  },
};

async function listRuns(format: (typeof FORMATS)[number], flags: RedisFlags, io: CliIo): Promise<ExitCode> {
  const runtime = await loadRuntime();
  return guarded(io, async () => {
    const rows = await runtime.listRuns(storeOptions(io, flags));
    io.out(format === "json" ? runsJson(rows) : runsText(rows));
    return EXIT_OK;
  });
}

function alertCell(row: RunSummaryRow): string {
  if (!row.flagged) return "";
  return row.acknowledged ? "acknowledged" : "flagged";
}

function runsText(rows: RunSummaryRow[]): string {
  if (rows.length === 0) return "no runs yet: start one with `flowc run FILE`\n";
  const cells = rows.map((r) => [r.runId, r.flow, r.status, r.spent, r.worstCase, r.cap ?? "", alertCell(r), r.startedAt]);
  const problems = rows.filter((r) => r.problem).map((r) => `${r.runId}: ${r.problem}`);
  const interrupted = rows.some((r) => r.status === "interrupted") ? ["interrupted: the process running it is gone; spend as its journal holds it. Continue with `flowc resume RUN`"] : [];
  const notes = [...interrupted, ...problems];
  return [...renderTable(COLUMNS, cells), ...(notes.length ? ["", ...notes] : [])].join("\n") + "\n";
}

function runsJson(rows: RunSummaryRow[]): string {
  const runs = rows.map((r) => ({
    runId: r.runId,
    flow: r.flow,
    status: r.status,
    ...(r.problem ? { problem: r.problem } : {}),
    spent: r.spent === "" ? null : new JsonNumber(r.spent),
    worstCase: r.worstCase === "" ? null : new JsonNumber(r.worstCase),
    cap: r.cap === undefined ? null : new JsonNumber(r.cap),
    flagged: r.flagged,
    acknowledged: r.acknowledged,
    startedAt: r.startedAt === "" ? null : r.startedAt,
    endedAt: r.endedAt ?? null,
  }));
  return writeJson({ runs }) + "\n";
}
