// Runs: the task history, newest first, filterable by flow and status; alerts acknowledged here
// as `flowc ack` does.
import { useState } from "preact/hooks";
import { postJson, runPath } from "./api";
import { Choice, Head, Loading, Notice, Scroll, Status } from "./common";
import { duration, when } from "./format";
import { href, useResource } from "./hooks";
import type { RunRow, RunsView } from "../views";

const STATUSES = ["running", "completed", "paused", "awaiting-review", "failed", "interrupted"];

export function RunsPage() {
  const runs = useResource<RunsView>("/api/runs", (v) => v.runs.some((r) => r.status === "running"));
  const [flow, setFlow] = useState("");
  const [status, setStatus] = useState("");
  const [problem, setProblem] = useState<string | undefined>();
  if (!runs.data) return <Loading error={runs.error} what="runs" />;
  const flows = [...new Set(runs.data.runs.map((r) => r.flow))].sort();
  const shown = runs.data.runs.filter((r) => (!flow || r.flow === flow) && (!status || r.status === status));
  const acknowledge = async (run: RunRow) => {
    try {
      await postJson(`${runPath(run.runId)}/ack`, {});
      setProblem(undefined);
      runs.reload();
    } catch (e) {
      setProblem(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <section aria-labelledby="runs-title">
      <h1 id="runs-title">Runs</h1>
      <div class="filters">
        <Choice label="Flow" all="all flows" value={flow} choices={flows} onChange={setFlow} />
        <Choice label="Status" all="any status" value={status} choices={STATUSES} onChange={setStatus} />
        <span class="count" role="status">
          {shown.length} of {runs.data.runs.length} runs
        </span>
      </div>
      {problem && <Notice kind="error">{problem}</Notice>}
      {runs.data.runs.length === 0 ? (
        <p>No runs yet: start one with <code>flowc run FLOW</code>.</p>
      ) : (
        <Scroll label="Runs table">
          <table class="runs">
            <caption class="sr-only">Runs, newest first</caption>
            <Head cols={["Run", "Flow", "Status", "#Spent / cap", "#Worst case", "#Expected", "Started", "#Duration", "Flagged"]} />
            <tbody>
              {shown.map((r) => (
                <tr key={r.runId}>
                  <th scope="row">
                    <a href={href("runs", r.runId)}>{r.runId}</a>
                  </th>
                  <td>{r.flow}</td>
                  <td>
                    <Status status={r.status} />
                    {r.pending > 0 && (
                      <>
                        {" "}
                        <a href={href("runs", r.runId, "reviews")}>{r.pending} to decide</a>
                      </>
                    )}
                  </td>
                  <td class="num">
                    {r.spent}
                    {r.cap !== undefined ? ` / ${r.cap}` : ""}
                  </td>
                  <td class="num">{r.worstCase}</td>
                  <td class="num">{r.expected}</td>
                  <td>
                    <time dateTime={r.startedAt}>{when(r.startedAt)}</time>
                  </td>
                  <td class="num">{duration(r.durationSeconds)}</td>
                  <td>
                    {r.flagged && !r.acknowledged ? (
                      <button type="button" class="small" onClick={() => void acknowledge(r)} aria-label={`Acknowledge the alert of ${r.runId}`}>
                        Acknowledge
                      </button>
                    ) : r.flagged ? (
                      "acknowledged"
                    ) : (
                      ""
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      )}
    </section>
  );
}
