// `flowc init`: start a project — flowc.json, a starter flow that checks clean, and with
// `--ci github` a workflow that checks flows and prices pull requests. Files that exist are left
// alone (nothing is written, exit 2) unless `--force`; each file is written atomically.
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { type Command, Option } from "commander";
import { type CliCommand, type CommandContext, examples } from "../command";
import { EXIT_OK, EXIT_USAGE, type ExitCode } from "../exit";
import { type CliIo, complain } from "../io";
import { CONFIG_FILE } from "../config-lookup";
import { CONFIG_TEXT, GITHUB_WORKFLOW, GITHUB_WORKFLOW_PATH, STARTER_FLOW, STARTER_FLOW_PATH } from "../init-templates";

interface InitOptions {
  ci?: "github";
  force?: boolean;
}

export const initCommand: CliCommand = {
  register(program: Command, context: CommandContext) {
    program
      .command("init")
      .description("Start a project here: flowc.json, a starter flow that checks clean, and optionally a CI workflow.")
      .addOption(new Option("--ci <provider>", "also write a CI workflow that checks flows and prices pull requests").choices(["github"]))
      .option("--force", "overwrite files that exist")
      .addHelpText("after", examples("flowc init", "flowc init --ci github"))
      .action(async (options: InitOptions) => context.finish(await init(options, context.io)));
  },
};

async function init(options: InitOptions, io: CliIo): Promise<ExitCode> {
  const files: [string, string][] = [
    [CONFIG_FILE, CONFIG_TEXT],
    [STARTER_FLOW_PATH, STARTER_FLOW],
    ...(options.ci === "github" ? ([[GITHUB_WORKFLOW_PATH, GITHUB_WORKFLOW]] as [string, string][]) : []),
  ];
  const existing = files.filter(([file]) => existsSync(path.resolve(io.cwd, file))).map(([file]) => file);
  if (existing.length > 0 && !options.force) {
    complain(io, `${existing.join(", ")} ${existing.length === 1 ? "exists" : "exist"}: nothing written (--force overwrites)`);
    return EXIT_USAGE;
  }
  const { writeFileAtomic } = await import("../../runtime/fsutil");
  try {
    for (const [file, text] of files) {
      await mkdir(path.dirname(path.resolve(io.cwd, file)), { recursive: true });
      await writeFileAtomic(path.resolve(io.cwd, file), text);
      io.out(`wrote ${file}\n`);
    }
  } catch (error) {
    complain(io, `cannot write: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT_USAGE;
  }
  io.out(nextSteps(options));
  return EXIT_OK;
}

function nextSteps(options: InitOptions): string {
  const lines = [
    "",
    "next:",
    "  npm install --save-dev flowc     # so that `npx flowc` and the workflow use this project's flowc",
    "  npx flowc check                  # the project's flows (flowc.json: include)",
    `  npx flowc cost ${STARTER_FLOW_PATH}   # its worst case and expected spend, node by node`,
    `  npx flowc run ${STARTER_FLOW_PATH}    # run it on the simulated provider`,
  ];
  if (options.ci === "github") lines.push(`  git add ${GITHUB_WORKFLOW_PATH}     # pull requests get checked and priced`);
  return lines.join("\n") + "\n";
}
