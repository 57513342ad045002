// A run: its figures, per-node credits sorted by credits with share bars, spend over time,
// events and failures, what awaits a decision, and Resume (with an optional new cap).
import { useState } from "preact/hooks";
import { postJson, runPath } from "./api";
import { SpendChart } from "./chart";
import { Head, Loading, Notice, Scroll, ShareBar, Status } from "./common";
import { when } from "./format";
import { href, useResource } from "./hooks";
import type { RunView } from "../views";

export const working = (run: RunView) => run.resuming || run.status === "running";

export function RunPage({ runId }: { runId: string }) {
  const run = useResource<RunView>(runPath(runId), working);
  if (!run.data) return <Loading error={run.error} what={`run ${runId}`} />;
  const r = run.data;
  const decided = r.pending.filter((p) => p.decision !== undefined).length;
  return (
    <article aria-labelledby="run-title">
      <h1 id="run-title">
        Run <span class="mono">{r.runId}</span>
      </h1>
      <dl class="facts">
        <div>
          <dt>Flow</dt>
          <dd>
            <a href={r.flowFile ? href("flows", "file", ...r.flowFile.split("/")) : href("flows", "run", r.runId)}>{r.flow}</a>
          </dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>
            <Status status={r.status} reason={r.reason} />
            {r.resuming && " · resuming…"}
          </dd>
        </div>
        <div>
          <dt>Spent</dt>
          <dd>
            {r.spent} credits{r.cap !== undefined ? ` of a cap of ${r.cap}` : ""}
          </dd>
        </div>
        <div>
          <dt>Worst case</dt>
          <dd>{r.worstCase}</dd>
        </div>
        <div>
          <dt>Expected</dt>
          <dd>{r.expected}</dd>
        </div>
        <div>
          <dt>Alert</dt>
          <dd>{r.alert === undefined ? "none" : `${r.alert}${r.flagged ? (r.acknowledged ? " · crossed, acknowledged" : " · crossed") : ""}`}</dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>
            <time dateTime={r.startedAt}>{when(r.startedAt)}</time>
          </dd>
        </div>
        <div>
          <dt>Provider</dt>
          <dd>
            {r.provider}, seed {r.seed}
          </dd>
        </div>
      </dl>
      {r.error && <Notice kind="error">The run failed: {r.error}</Notice>}
      {r.resumeError && <Notice kind="error">Resuming failed: {r.resumeError}</Notice>}
      {r.pending.length > 0 && (
        <p class="callout">
          {r.pending.length - decided} of {r.pending.length} decisions await a person.{" "}
          <a href={href("runs", r.runId, "reviews")}>Review and select</a>
        </p>
      )}
      <ResumeForm run={r} onChange={run.set} />
      <section aria-labelledby="nodes-title">
        <h2 id="nodes-title">Credits per node</h2>
        <Scroll label="Credits per node table">
          <table>
            <Head cols={["Node", "Op", "#Calls", "#Attempts", "#Items in", "#Items out", "#Failed", "#Cache hits", "#Credits", "Share"]} />
            <tbody>
              {r.nodes.map((n) => (
                <tr key={n.name}>
                  <th scope="row">{n.name}</th>
                  <td>{n.op ?? ""}</td>
                  <td class="num">{n.calls}</td>
                  <td class="num">{n.attempts}</td>
                  <td class="num">{n.itemsIn}</td>
                  <td class="num">{n.itemsOut}</td>
                  <td class="num">{n.failedItems}</td>
                  <td class="num">{n.cacheHits}</td>
                  <td class="num">{n.credits}</td>
                  <td>
                    <ShareBar share={n.share} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
        <p>{r.topTwo.length > 0 ? `Top two: ${r.topTwo.join(", ")} = ${r.topTwoShare}% of the spend.` : "No node has spent anything."}</p>
      </section>
      <section aria-labelledby="spend-title">
        <h2 id="spend-title">Spend over time</h2>
        <SpendChart run={r} />
      </section>
      <section aria-labelledby="events-title">
        <h2 id="events-title">Events</h2>
        <ol class="events">
          {r.events.map((e) => (
            <li class={`event event-${e.type}`}>
              <time dateTime={e.at}>{when(e.at)}</time> <strong>{e.type}</strong> {e.message}
            </li>
          ))}
        </ol>
        {r.failedAttempts > 0 && (
          <>
            <h3>Failed attempts ({r.failedAttempts})</h3>
            <ul class="events">
              {r.failures.map((f) => (
                <li>
                  <time dateTime={f.at}>{when(f.at)}</time> {f.node} call {f.callId}, attempt {f.attempt}: {f.error}
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
    </article>
  );
}

/** Resume for a run that is not finished and waits for no one: optionally with a new cap. */
export function ResumeForm({ run, onChange }: { run: RunView; onChange: (run: RunView) => void }) {
  const [cap, setCap] = useState("");
  const [problem, setProblem] = useState<string | undefined>();
  const left = run.pending.filter((p) => p.decision === undefined).length;
  if (run.status === "completed" || run.resuming || (run.status === "awaiting-review" && left > 0)) return null;
  const resume = async (e: Event) => {
    e.preventDefault();
    try {
      await postJson(`${runPath(run.runId)}/resume`, cap.trim() ? { cap: cap.trim() } : {});
      setProblem(undefined);
      onChange({ ...run, resuming: true });
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    }
  };
  return (
    <form class="resume" onSubmit={(e) => void resume(e)}>
      <label>
        New cap (credits, optional){" "}
        <input name="cap" inputMode="decimal" value={cap} placeholder={run.cap ?? ""} onInput={(e) => setCap((e.target as HTMLInputElement).value)} />
      </label>{" "}
      <button type="submit">Resume</button>
      {problem && <Notice kind="error">{problem}</Notice>}
    </form>
  );
}
