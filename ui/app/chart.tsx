// Spend over time (uPlot): the run's spend after each charged attempt, with its cap (per segment:
// a resume may raise it) and its alert as lines. The exact figures are in the table beside it.
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import type { RunView } from "../views";

function series(run: RunView): uPlot.AlignedData {
  const xs = run.spend.map((p) => p.at / 1000);
  const spent = run.spend.map((p) => p.y);
  const capAt = (at: number) => {
    let cap: number | null = null;
    for (const c of run.caps) if (c.at / 1000 <= at) cap = c.y;
    return cap ?? run.caps[0]?.y ?? null;
  };
  const caps = xs.map(capAt);
  const alert = xs.map(() => run.alertY ?? null);
  return [xs, spent, caps, alert];
}

export function SpendChart({ run }: { run: RunView }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  useEffect(() => {
    const el = box.current;
    if (!el || run.spend.length === 0) return;
    const width = () => Math.max(280, el.clientWidth);
    const options: uPlot.Options = {
      width: width(),
      height: 260,
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(max, run.caps.at(-1)?.y ?? 0, run.alertY ?? 0) * 1.05 || 1] } },
      series: [
        {},
        { label: "spent", stroke: "#1d4ed8", width: 2, fill: "rgba(29, 78, 216, 0.08)" },
        { label: "cap", stroke: "#b91c1c", width: 1.5, dash: [6, 4] },
        { label: "alert", stroke: "#b45309", width: 1.5, dash: [2, 4] },
      ],
      axes: [{}, { label: "credits" }],
      legend: { show: true },
    };
    chart.current?.destroy();
    chart.current = new uPlot(options, series(run), el);
    const resize = () => chart.current?.setSize({ width: width(), height: 260 });
    window.addEventListener("resize", resize);
    return () => {
      window.removeEventListener("resize", resize);
      chart.current?.destroy();
      chart.current = null;
    };
  }, [run]);
  if (run.spend.length === 0) return <p>No call has been charged yet.</p>;
  const last = run.spend[run.spend.length - 1]!;
  const label = `Spend over time: ${run.spend.length} charged attempts, ${last.spent} credits in all${run.cap ? `, cap ${run.cap}` : ""}${run.alert ? `, alert at ${run.alert}` : ""}`;
  return (
    <figure class="chart">
      <div ref={box} role="img" aria-label={label} />
      <figcaption>{label}.</figcaption>
    </figure>
  );
}
