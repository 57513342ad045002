// Reviews and selects of a run awaiting them: every pending item as a picture with its metrics,
// grouped by review or select. Each decision goes to the server at once (the runtime's
// recordDecisions, as `flowc review`) and shows at once; once nothing is left the run resumes
// from here. Keys: a / r approve or reject the focused review item, 1–9 keep a variant of the
// focused select group.
import { useRef, useState } from "preact/hooks";
import { postJson, runPath } from "./api";
import { Loading, Notice, Status } from "./common";
import { metric } from "./format";
import { href, useResource } from "./hooks";
import { ResumeForm, working } from "./run";
import type { DecisionView, ItemView, RunView } from "../views";

type Decide = (decision: DecisionView, verdict: "approve" | "reject" | string[]) => void;

export function ReviewsPage({ runId }: { runId: string }) {
  const run = useResource<RunView>(runPath(runId), working);
  const [problem, setProblem] = useState<string | undefined>();
  const [enlarged, setEnlarged] = useState<ItemView | undefined>();
  if (!run.data) return <Loading error={run.error} what={`the reviews of run ${runId}`} />;
  const r = run.data;
  const decide: Decide = (decision, verdict) => {
    const doc = decision.kind === "review" ? { reviews: { [decision.stream]: { [decision.itemId]: verdict } } } : { selects: { [decision.stream]: { [decision.itemId]: verdict } } };
    postJson<RunView>(`${runPath(runId)}/decisions`, doc)
      .then((updated) => {
        setProblem(undefined);
        run.set(updated);
      })
      .catch((e: unknown) => setProblem(e instanceof Error ? e.message : String(e)));
  };
  const streams = [...new Set(r.pending.map((p) => p.stream))];
  const left = r.pending.filter((p) => p.decision === undefined).length;
  return (
    <article aria-labelledby="reviews-title">
      <h1 id="reviews-title">
        Reviews of <a href={href("runs", r.runId)} class="mono">{r.runId}</a>
      </h1>
      <p>
        <Status status={r.status} reason={r.reason} /> {r.resuming ? "· resuming…" : ""}{" "}
        {r.pending.length === 0 ? "Nothing awaits a decision." : `${left} of ${r.pending.length} decisions left.`}
      </p>
      {problem && <Notice kind="error">{problem}</Notice>}
      {r.resumeError && <Notice kind="error">Resuming failed: {r.resumeError}</Notice>}
      {r.pending.length > 0 && (
        <p class="hint">
          Keys: <kbd>a</kbd> approves and <kbd>r</kbd> rejects the focused review item; <kbd>1</kbd>–<kbd>9</kbd> keep a variant of the focused select group. Click a picture to enlarge it.
        </p>
      )}
      {left === 0 && r.pending.length > 0 && <Notice>Every decision is recorded: resume the run to go on.</Notice>}
      <ResumeForm run={r} onChange={run.set} />
      {streams.map((stream) => {
        const decisions = r.pending.filter((p) => p.stream === stream);
        const select = decisions[0]!.kind === "select";
        return (
          <section aria-labelledby={`stream-${stream}`} class="stream">
            <h2 id={`stream-${stream}`}>
              {select ? `Select ${stream}: keep ${decisions[0]!.pick ?? 1} of each group` : `Review ${stream}`}
            </h2>
            <div class={select ? "groups" : "cards"}>
              {decisions.map((d) => (select ? <SelectGroup decision={d} decide={decide} enlarge={setEnlarged} /> : <ReviewCard decision={d} decide={decide} enlarge={setEnlarged} />))}
            </div>
          </section>
        );
      })}
      {enlarged && <Enlarged item={enlarged} close={() => setEnlarged(undefined)} />}
    </article>
  );
}

function Picture({ item, enlarge }: { item: ItemView; enlarge: (item: ItemView) => void }) {
  if (!item.media) return <div class="nopicture">{item.value ?? "no picture"}</div>;
  if (item.media.kind === "video") return <video src={item.media.src} controls preload="metadata" aria-label={item.id} class="thumb" />;
  if (item.media.kind === "audio") return <audio src={item.media.src} controls aria-label={item.id} />;
  return (
    <button type="button" class="thumbbutton" onClick={() => enlarge(item)} aria-label={`Enlarge ${item.id}`}>
      <img src={item.media.src} alt={item.id} class="thumb" loading="lazy" width={192} height={192} />
    </button>
  );
}

function Metrics({ item }: { item: ItemView }) {
  const entries = Object.entries(item.metrics);
  return (
    <dl class="metrics">
      {entries.map(([name, value]) => (
        <div>
          <dt>{name}</dt>
          <dd>{metric(value)}</dd>
        </div>
      ))}
      <div>
        <dt>cost so far</dt>
        <dd>{item.cost}</dd>
      </div>
    </dl>
  );
}

function Waits({ decision }: { decision: DecisionView }) {
  if (!decision.waitsFor) return null;
  return (
    <p class="waits">
      Goes on once {decision.waitsFor.join(", ")} {decision.waitsFor.length === 1 ? "is" : "are"} decided: {decision.stream} passes items on in order.
    </p>
  );
}

function ReviewCard({ decision, decide, enlarge }: { decision: DecisionView; decide: Decide; enlarge: (item: ItemView) => void }) {
  const item = decision.items[0] ?? { id: decision.itemId, metrics: {}, cost: "0" };
  const onKey = (e: KeyboardEvent) => {
    if (e.target !== e.currentTarget || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "a") decide(decision, "approve");
    else if (e.key === "r") decide(decision, "reject");
  };
  const state = decision.decision === "approve" ? "approved" : decision.decision === "reject" ? "rejected" : "";
  return (
    <div class={`card ${state}`} tabIndex={0} onKeyDown={onKey} role="group" aria-label={`${item.id}${state ? `, ${state}` : ""}`} data-item={item.id}>
      <Picture item={item} enlarge={enlarge} />
      <p class="id mono">{item.id}</p>
      <Metrics item={item} />
      <div class="actions">
        <button type="button" class="approve" aria-pressed={decision.decision === "approve"} onClick={() => decide(decision, "approve")}>
          Approve {item.id}
        </button>
        <button type="button" class="reject" aria-pressed={decision.decision === "reject"} onClick={() => decide(decision, "reject")}>
          Reject {item.id}
        </button>
      </div>
      {state && <p class="decided">{state}</p>}
      <Waits decision={decision} />
    </div>
  );
}

function SelectGroup({ decision, decide, enlarge }: { decision: DecisionView; decide: Decide; enlarge: (item: ItemView) => void }) {
  const pick = decision.pick ?? 1;
  const kept = Array.isArray(decision.decision) ? decision.decision : [];
  const [chosen, setChosen] = useState<string[]>([]);
  const keep = (id: string) => {
    if (pick === 1) return decide(decision, [id]);
    const next = chosen.includes(id) ? chosen.filter((c) => c !== id) : [...chosen, id];
    setChosen(next);
    if (next.length === pick) {
      decide(decision, decision.items.map((i) => i.id).filter((i) => next.includes(i)));
      setChosen([]);
    }
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.target !== e.currentTarget || e.ctrlKey || e.metaKey || e.altKey) return;
    const index = Number(e.key) - 1;
    const item = /^[1-9]$/.test(e.key) ? decision.items[index] : undefined;
    if (item) keep(item.id);
  };
  return (
    <div class={`group ${kept.length > 0 ? "decided-group" : ""}`} tabIndex={0} onKeyDown={onKey} role="group" aria-label={`${decision.itemId}: keep ${pick}${kept.length ? `, kept ${kept.join(", ")}` : ""}`} data-group={decision.itemId}>
      <h3 class="mono">{decision.itemId}</h3>
      <div class="variants">
        {decision.items.map((item, i) => {
          const isKept = kept.includes(item.id);
          return (
            <div class={`card ${isKept ? "kept" : kept.length > 0 ? "dropped" : ""}`} data-item={item.id}>
              <Picture item={item} enlarge={enlarge} />
              <p class="id mono">
                <span aria-hidden="true">{i + 1}. </span>
                {item.id}
              </p>
              <Metrics item={item} />
              <button type="button" class="keep" aria-pressed={isKept || chosen.includes(item.id)} onClick={() => keep(item.id)}>
                Keep {item.id}
              </button>
            </div>
          );
        })}
      </div>
      <Waits decision={decision} />
    </div>
  );
}

function Enlarged({ item, close }: { item: ItemView; close: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  return (
    <dialog
      ref={(el) => {
        (dialog as { current: HTMLDialogElement | null }).current = el;
        if (el && !el.open) el.showModal();
      }}
      class="enlarged"
      aria-label={item.id}
      onClose={close}
      onClick={(e) => e.target === dialog.current && dialog.current?.close()}
    >
      {item.media && <img src={item.media.src} alt={item.id} />}
      <p class="mono">{item.id}</p>
      <button type="button" autoFocus onClick={() => dialog.current?.close()}>
        Close
      </button>
    </dialog>
  );
}
