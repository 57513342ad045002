// `flowc review RUN`: record decisions for a run awaiting review — `--approve`/`--reject` item ids
// (for a human select, `--approve` the variants to keep), or at a prompt on a terminal — then
// `flowc resume RUN` continues it.
import type { Command } from "commander";
import type { DecisionsDoc, PendingDecision, RunRecord } from "../../runtime/index";
import { type CliCommand, type CommandContext, examples } from "../command";
import { EXIT_OK, EXIT_USAGE, type ExitCode } from "../exit";
import { type CliIo, complain } from "../io";
import { type Runtime, guarded, loadRuntime, storeOptions, terminalReviews } from "../run-support";
import { redisOption, type RedisFlags } from "../redis-options";

interface ReviewFlags extends RedisFlags {
  approve?: string[];
  reject?: string[];
}

export const reviewCommand: CliCommand = {
  register(program: Command, context: CommandContext) {
    program
      .command("review")
      .description("Record decisions for a run awaiting review, then continue it with `flowc resume RUN`.")
      .argument("<run>", "the run id (see `flowc runs`)")
      .option("--approve <ids...>", "approve these review items; for a human select, the variants to keep")
      .option("--reject <ids...>", "reject these review items")
      .addOption(redisOption())
      .addHelpText(
        "after",
        "\nWithout --approve or --reject: asks at a prompt on a terminal, else lists what awaits a decision.\n" +
          examples("flowc review RUN --approve previews#0.v2 previews#1.v0", "flowc review RUN --approve full#0.v2 --reject full#1.v0"),
      )
      .action(async (runId: string, flags: ReviewFlags) => context.finish(await review(runId, flags, context.io)));
  },
};

async function review(runId: string, flags: ReviewFlags, io: CliIo): Promise<ExitCode> {
  const runtime = await loadRuntime();
  return guarded(io, async () => {
    const record = await runtime.getRecord(runId, storeOptions(io, flags));
    const given = (flags.approve?.length ?? 0) + (flags.reject?.length ?? 0) > 0;
    if (record.pending.length === 0) {
      if (given) return usage(io, `run ${runId} has no decisions awaiting review (status ${record.status})`);
      io.out(`run ${runId} has no decisions awaiting review (status ${record.status})\n`);
      return EXIT_OK;
    }
    if (!given && process.stdin.isTTY !== true) {
      io.out(pendingText(runtime, record));
      return EXIT_OK;
    }
    const doc = given ? fromFlags(record.pending, flags) : await atPrompt(runtime, record, io);
    if (typeof doc === "string") return usage(io, doc);
    const after = await runtime.recordDecisions(runId, doc, storeOptions(io, flags));
    io.out(`recorded ${count(doc)} decision(s) for run ${runId}\n${runtime.decisionsSummary(after)}\n`);
    return EXIT_OK;
  });
}

function usage(io: CliIo, message: string): ExitCode {
  complain(io, message);
  return EXIT_USAGE;
}

function count(doc: DecisionsDoc): number {
  const reviews = Object.values(doc.reviews ?? {}).reduce((n, items) => n + Object.keys(items).length, 0);
  return reviews + Object.values(doc.selects ?? {}).reduce((n, groups) => n + Object.keys(groups).length, 0);
}

/** `--approve`/`--reject` ids matched against what is pending; a message for an id that is not. */
function fromFlags(pending: PendingDecision[], flags: ReviewFlags): DecisionsDoc | string {
  const doc: Required<DecisionsDoc> = { reviews: {}, selects: {} };
  for (const [ids, verdict] of [[flags.approve ?? [], "approve"], [flags.reject ?? [], "reject"]] as const) {
    for (const id of ids) {
      const item = pending.find((p) => p.kind === "review" && p.itemId === id);
      const group = pending.find((p) => p.kind === "select" && p.variants?.includes(id));
      if (item) (doc.reviews[item.stream] ??= {})[id] = verdict;
      else if (group && verdict === "approve") ((doc.selects[group.stream] ??= {})[group.itemId] ??= []).push(id);
      else if (group) return `${id} is a variant of ${group.itemId} (select ${group.stream}): --approve the variants to keep instead`;
      else return `${id} is not awaiting review (pending: ${pending.map(pendingIds).join(", ")})`;
    }
  }
  return doc;
}

function pendingIds(p: PendingDecision): string {
  return p.kind === "select" ? (p.variants ?? []).join(", ") : p.itemId;
}

async function atPrompt(runtime: Runtime, record: RunRecord, io: CliIo): Promise<DecisionsDoc> {
  const reviews = terminalReviews(runtime, io, record.seed);
  const doc: Required<DecisionsDoc> = { reviews: {}, selects: {} };
  try {
    for (const p of record.pending.filter((entry) => entry.decision === undefined)) {
      const items = new Map((p.items ?? []).map((item) => [item.id, { id: item.id, value: item.value ?? "", metrics: item.metrics }]));
      const itemOf = (id: string) => items.get(id) ?? { id, value: "", metrics: {} };
      const cost = p.items?.[0]?.cost ?? "n/a";
      if (p.kind === "review") {
        const verdict = await reviews.decider?.review({ runId: record.runId, review: p.stream, item: itemOf(p.itemId), cost, expectedApprove: "0" });
        if (verdict) (doc.reviews[p.stream] ??= {})[p.itemId] = verdict;
      } else {
        const variants = (p.variants ?? []).map(itemOf);
        const kept = await reviews.decider?.select({ runId: record.runId, select: p.stream, groupId: p.itemId, variants, pick: p.pick ?? 1, cost });
        if (kept) (doc.selects[p.stream] ??= {})[p.itemId] = kept;
      }
    }
  } finally {
    reviews.release();
  }
  return doc;
}

function pendingText(runtime: Runtime, record: RunRecord): string {
  const lines = record.pending.map((p) => {
    const what = p.kind === "review" ? `  review ${p.stream}: ${p.itemId}` : `  select ${p.stream}: keep ${p.pick ?? 1} of ${(p.variants ?? []).join(", ")}`;
    return p.decision === undefined ? what : `${what} — decided: ${Array.isArray(p.decision) ? `keep ${p.decision.join(", ")}` : p.decision}`;
  });
  const waiting = runtime.waitingOn(record.pending);
  const left = record.pending.filter((p) => p.decision === undefined).length;
  return [
    `run ${record.runId} awaits ${left} decision(s)${left < record.pending.length ? ` (${record.pending.length - left} decided, applied on resume)` : ""}:`,
    ...lines,
    ...(waiting.length > 0 ? [runtime.waitsText(waiting)] : []),
    `decide with \`flowc review ${record.runId} --approve ID... --reject ID...\` (for a select, --approve the variants to keep),`,
    `or at a prompt showing each item and its metrics: \`flowc resume ${record.runId}\` on a terminal`,
    "",
  ].join("\n");
}
