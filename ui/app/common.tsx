// Pieces every page uses: the loading and error states, a status badge, share bars.
import type { ComponentChildren } from "preact";

export function Loading({ error, what }: { error: string | undefined; what: string }) {
  if (error) return <p role="alert" class="error">Could not load {what}: {error}</p>;
  return <p aria-busy="true">Loading {what}…</p>;
}

export function Status({ status, reason }: { status: string; reason?: string | undefined }) {
  return <span class={`status status-${status}`}>{reason && status === "paused" ? `${status} (${reason})` : status}</span>;
}

/** a bar for a percent figure; the number is the label, the bar only draws it */
export function ShareBar({ share }: { share: string }) {
  return (
    <span class="share">
      <span class="bar" aria-hidden="true">
        <span class="fill" style={{ width: `${Math.min(100, Number(share))}%` }} />
      </span>
      <span class="pct">{share}%</span>
    </span>
  );
}

export function Notice({ children, kind = "info" }: { children: ComponentChildren; kind?: "info" | "error" }) {
  return (
    <p role={kind === "error" ? "alert" : "status"} class={kind}>
      {children}
    </p>
  );
}

/** a horizontally scrolling box (wide tables, the graph): focusable, so keyboards can scroll it */
export function Scroll({ label, children, class: extra }: { label: string; children: ComponentChildren; class?: string }) {
  return (
    <div class={`scroll${extra ? ` ${extra}` : ""}`} tabIndex={0} role="region" aria-label={label}>
      {children}
    </div>
  );
}

/** a table's header row; a column named "#Calls" is numeric (right-aligned) and shown as "Calls" */
export function Head({ cols }: { cols: string[] }) {
  return (
    <thead>
      <tr>
        {cols.map((c) => (c.startsWith("#") ? <th scope="col" class="num">{c.slice(1)}</th> : <th scope="col">{c}</th>))}
      </tr>
    </thead>
  );
}

/** a labelled drop-down of `choices`, the empty value meaning "all" */
export function Choice({ label, all, value, choices, onChange }: { label: string; all: string; value: string; choices: string[]; onChange: (value: string) => void }) {
  return (
    <label>
      {label}{" "}
      <select value={value} onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>
        <option value="">{all}</option>
        {choices.map((c) => (
          <option value={c}>{c}</option>
        ))}
      </select>
    </label>
  );
}
