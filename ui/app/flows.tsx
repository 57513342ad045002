// Flows: the .flow files `flowc ui` was pointed at, each checked and priced; a flow's graph laid
// out left to right (dagre) with a price badge on every node, the two costliest marked, the
// witness on demand and the diagnostics of `flowc check`.
import { useState } from "preact/hooks";
import { Graph, layout } from "@dagrejs/dagre";
import { Head, Loading, Notice, Scroll } from "./common";
import { href, useResource } from "./hooks";
import type { FlowView, FlowsView, GraphEdgeView, GraphNodeView, WitnessView } from "../views";

export function FlowsPage() {
  const flows = useResource<FlowsView>("/api/flows");
  if (!flows.data) return <Loading error={flows.error} what="flows" />;
  return (
    <section aria-labelledby="flows-title">
      <h1 id="flows-title">Flows</h1>
      {flows.data.flows.length === 0 ? (
        <p>No .flow files under the paths given to <code>flowc ui</code>.</p>
      ) : (
        <Scroll label="Flows table">
          <table>
            <Head cols={["File", "Flow", "#Worst case", "#Expected", "#Cap", "#Errors", "#Warnings"]} />
            <tbody>
              {flows.data.flows.map((f) => (
                <tr key={f.file}>
                  <th scope="row">
                    <a href={href("flows", "file", ...f.file.split("/"))}>{f.file}</a>
                  </th>
                  <td>{f.flow ?? f.problem ?? ""}</td>
                  <td class="num">{f.worstCase ?? ""}</td>
                  <td class="num">{f.expected ?? ""}</td>
                  <td class="num">{f.cap ?? ""}</td>
                  <td class="num">{f.errors}</td>
                  <td class="num">{f.warnings}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      )}
    </section>
  );
}

export function FlowPage({ query }: { query: string }) {
  const flow = useResource<FlowView>(`/api/flow?${query}`);
  const [witness, setWitness] = useState(false);
  if (!flow.data) return <Loading error={flow.error} what="the flow" />;
  const f = flow.data;
  return (
    <article aria-labelledby="flow-title">
      <h1 id="flow-title">
        Flow {f.flow} <span class="sub">{f.file ?? `as run ${f.runId} ran it`}</span>
      </h1>
      {f.problem && <Notice kind="error">{f.problem}</Notice>}
      {f.worstCase !== undefined && (
        <p>
          Worst case <strong>{f.worstCase}</strong> credits, expected <strong>{f.expected}</strong>
          {f.cap !== undefined ? `, cap ${f.cap}` : ", no cap"}
          {f.alert !== undefined ? `, alert ${f.alert}` : ""}
          {f.topTwoShare !== undefined ? `; the two costliest nodes spend ${f.topTwoShare}% of the worst case.` : "."}
          {f.runId && " Per-node prices need the flow's file: start flowc ui with the folder that holds it."}
        </p>
      )}
      {f.nodes.length > 0 && (
        <>
          <p class="hint">Left to right; each node's badge is its worst case / expected credits, ★ marks the two costliest, dashed lines are named arguments, red ones rejected items.</p>
          <FlowGraph nodes={f.nodes} edges={f.edges} />
        </>
      )}
      {f.witness && (
        <section aria-labelledby="witness-title">
          <h2 id="witness-title">Witness</h2>
          <button type="button" aria-expanded={witness} aria-controls="witness" onClick={() => setWitness(!witness)}>
            {witness ? "Hide the witness" : "Show the witness"}
          </button>
          {witness && <Witness witness={f.witness} />}
        </section>
      )}
      <section aria-labelledby="diagnostics-title">
        <h2 id="diagnostics-title">Diagnostics</h2>
        {f.diagnostics.length === 0 ? (
          <p>{f.file ? "flowc check finds nothing." : "Checked when the run's flow file is shown."}</p>
        ) : (
          <ul class="diagnostics">
            {f.diagnostics.map((d) => (
              <li class={`diag diag-${d.severity}`}>
                <span class="mono">
                  {d.file}:{d.line}:{d.column}
                </span>{" "}
                <strong>
                  {d.severity} {d.code}
                </strong>
                : {d.message}
              </li>
            ))}
          </ul>
        )}
      </section>
      {f.nodes.length > 0 && <NodeTable nodes={f.nodes} />}
    </article>
  );
}

const BOX = { width: 152, height: 70 };
/** a wide graph shrinks to fit the page, down to this scale; beyond it, it scrolls */
const MIN_SCALE = 0.75;

function FlowGraph({ nodes, edges }: { nodes: GraphNodeView[]; edges: GraphEdgeView[] }) {
  const g = new Graph({ multigraph: true });
  g.setGraph({ rankdir: "LR", nodesep: 16, ranksep: 28, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, { ...BOX });
  edges.forEach((e, i) => g.setEdge(e.from, e.to, {}, `e${i}`));
  layout(g);
  const size = g.graph();
  const width = Math.ceil(size.width ?? 0);
  const height = Math.ceil(size.height ?? 0);
  const top = nodes.filter((n) => n.top).map((n) => n.id);
  return (
    <Scroll class="graph" label="Graph of the flow (scrolls sideways)">
      <svg viewBox={`0 0 ${width} ${height}`} style={{ width: "100%", maxWidth: `${width}px`, minWidth: `${Math.round(width * MIN_SCALE)}px` }} role="img" aria-label={`Graph of the flow: ${nodes.length} steps left to right${top.length ? `; the costliest are ${top.join(" and ")}` : ""}. The table below lists the same steps.`}>
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" class="arrowhead" />
          </marker>
        </defs>
        {edges.map((e, i) => {
          const points: { x: number; y: number }[] = g.edge({ v: e.from, w: e.to, name: `e${i}` })?.points ?? [];
          const d = points.map((p, j) => `${j === 0 ? "M" : "L"} ${p.x} ${p.y}`).join(" ");
          return <path d={d} class={`edge edge-${e.kind}`} marker-end="url(#arrow)" />;
        })}
        {nodes.map((n) => {
          const box = g.node(n.id);
          const x = box.x - BOX.width / 2;
          const y = box.y - BOX.height / 2;
          const rank = top.indexOf(n.id);
          return (
            <g class={`gnode gnode-${n.kind}${n.top ? " top" : ""}`} transform={`translate(${x} ${y})`}>
              <title>{`${n.label} (${n.kind}): ${n.detail}${n.worstCase ? `; worst ${n.worstCase}, expected ${n.expected}` : ""}`}</title>
              <rect width={BOX.width} height={BOX.height} rx={n.kind === "node" ? 6 : 18} />
              <text x={10} y={18} class="glabel">
                {clip(n.label, 15)}
                {rank >= 0 ? ` ★${rank + 1}` : ""}
              </text>
              <text x={10} y={36} class="gdetail">
                {clip(n.detail, 24)}
              </text>
              {n.worstCase !== undefined && (
                <text x={10} y={56} class="gbadge">
                  {clip(`${n.worstCase} / ${n.expected}`, 22)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
    </Scroll>
  );
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function NodeTable({ nodes }: { nodes: GraphNodeView[] }) {
  return (
    <section aria-labelledby="steps-title">
      <h2 id="steps-title">Steps</h2>
      <Scroll label="Steps table">
        <table>
          <Head cols={["Step", "Kind", "What", "#Worst case", "#Expected", "#Share of worst"]} />
          <tbody>
            {nodes.map((n) => (
              <tr key={n.id} class={n.top ? "top" : ""}>
                <th scope="row">
                  {n.label}
                  {n.top ? " (costliest)" : ""}
                </th>
                <td>{n.kind}</td>
                <td>{n.detail}</td>
                <td class="num">{n.worstCase ?? ""}</td>
                <td class="num">{n.expected ?? ""}</td>
                <td class="num">{n.share !== undefined ? `${n.share}%` : ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Scroll>
    </section>
  );
}

function Witness({ witness }: { witness: WitnessView }) {
  return (
    <div id="witness" class="witness">
      <p>One run that spends exactly the worst case. Inputs: {witness.inputs.map((i) => `${i.name} ${i.count}`).join(", ") || "none"}.</p>
      {witness.gates.length > 0 && (
        <table>
          <caption>Gates and reviews, per round</caption>
          <Head cols={["Gate", "#Round", "#Checked", "#Passed", "#Rejected"]} />
          <tbody>
            {witness.gates.flatMap((g) =>
              g.rounds.map((r) => (
                <tr>
                  <th scope="row">
                    {g.name}
                    {g.human ? " (review)" : ""}
                  </th>
                  <td class="num">{r.round + 1}</td>
                  <td class="num">{r.checked}</td>
                  <td class="num">{r.passed}</td>
                  <td class="num">{r.rejected}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      )}
      <table>
        <caption>Nodes: calls per round, attempts per call</caption>
        <Head cols={["Node", "#Round", "#Items", "#Calls", "#Attempts per call"]} />
        <tbody>
          {witness.nodes.flatMap((n) =>
            n.rounds.map((r) => (
              <tr>
                <th scope="row">{n.name}</th>
                <td class="num">{r.round + 1}</td>
                <td class="num">{r.items}</td>
                <td class="num">{r.calls}</td>
                <td class="num">{n.attemptsPerCall}</td>
              </tr>
            )),
          )}
        </tbody>
      </table>
    </div>
  );
}
