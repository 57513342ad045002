// A run in a child process, for the crash tests: prints "run <id>" once the run exists and a line
// per finished call, so the parent can kill it (SIGKILL) part-way. Usage:
//   node child.mjs start <home> <graph> <seed> <latencyMs>
//   node child.mjs resume <home> <runId> <latencyMs>
import { resumeRun, startRun, type RunEvent } from "../../runtime/index";
import { campaign, productClips, sharpDrafts, splitBatches, uncapped } from "./runtime-graphs";

const graphs = { campaign: () => uncapped(campaign()), sharp: sharpDrafts, split: splitBatches, clips: productClips };

const onEvent = (event: RunEvent) => {
  if (event.type === "run-start") process.stdout.write(`run ${event.runId}\n`);
  if (event.type === "call-done") process.stdout.write(`call ${event.node}\n`);
};

const [mode, home, arg, ...rest] = process.argv.slice(2);
const common = { home, onEvent, notify: { stderr: false as const }, collectOutputs: false };
if (mode === "start") {
  const [seed, latency] = rest.map(Number);
  await startRun(graphs[arg as keyof typeof graphs](), { ...common, seed, latencyMs: latency, simulateHumans: true, concurrency: 4 });
} else {
  await resumeRun(arg!, { ...common, latencyMs: Number(rest[0]) });
}
process.stdout.write("done\n");
