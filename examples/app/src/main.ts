// A small app that uses a compiled flow as a library: `flowc compile` wrote src/flows/campaign.ts
// (typed inputs and outputs, the figures, run() and resume()); this file runs it on the simulated
// provider with the worst-case scenario, stops it part-way with an AbortSignal, resumes it, reads
// its typed outputs, and handles the runtime's errors by code.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { RuntimeError, type FlowItem, type RunEvent } from "flowc/runtime";
import { FLOW, WORST_CASE, WORST_SCENARIO, resume, run } from "./flows/campaign.js";

// The runtime writes only where it is told: runs and the cache go to this app's .flowc/.
const home = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", ".flowc");

// It prints nothing either: progress comes as events. A resumed run reports the calls it replays
// from its journal again, so calls are counted by id.
const calls = new Map<string, Set<string>>();
const stop = new AbortController();
function onEvent(event: RunEvent): void {
  if (event.type !== "call-done") return;
  calls.set(event.node, (calls.get(event.node) ?? new Set()).add(`${event.callId}@${event.round}`));
  // stop cleanly once the previews are under way: calls in flight finish, nothing new starts
  if (event.node === "previews") stop.abort();
}

// The worst-case scenario spends exactly WORST_CASE, above the flow's cap of 900: raise the cap.
const options = { home, scenario: WORST_SCENARIO, simulateHumans: true, cap: WORST_CASE, onEvent };
const first = await run({}, { ...options, signal: stop.signal });
console.log(`${FLOW}: ${first.status} (${first.record.reason ?? "no reason"}) after ${first.record.totals.spent} credits`);

const done = await resume(first.runId, { home, onEvent });
const finals: FlowItem<"image">[] = done.outputs.final;
const captions: FlowItem<"text">[] = done.outputs.captions;
console.log(`${FLOW}: ${done.status}, spent ${done.record.totals.spent} of a worst case of ${WORST_CASE} credits`);
console.log(`outputs: ${finals.length} final images, ${captions.length} captions; first image ${finals[0]?.id ?? "none"} cost ${finals[0]?.cost ?? "0"} credits`);
const byNode = [...calls].sort(([a], [b]) => (a < b ? -1 : 1));
console.log(`calls: ${byNode.map(([node, ids]) => `${node} ${ids.size}`).join(", ")}`);

// The run crossed the flow's alert: the next run is refused until the alert is acknowledged.
try {
  await run({}, options);
} catch (error) {
  if (!(error instanceof RuntimeError)) throw error;
  console.log(`refused: ${error.code}`);
}
