// Progress renderers for RunEvents: a live block on a terminal (a line per running node and the
// run's spend against its cap), plain log lines elsewhere, or JSON lines for machines.
import { seconds } from "./backoff";
import { credits, exact, type Decimal } from "./credits";
import type { RunEvent } from "./types";

export interface ProgressStream {
  write(text: string): unknown;
}

interface NodeProgress {
  calls: number;
  items: number;
  cached: number;
  failed: number;
  credits: Decimal;
}

/** Per-node counters and the run's spend, accumulated from events. */
class ProgressState {
  readonly nodes = new Map<string, NodeProgress>();
  readonly running: string[] = [];
  spent = credits(0);
  cap: string | undefined;

  apply(event: RunEvent): void {
    switch (event.type) {
      case "run-start":
        this.spent = credits(event.spent);
        this.cap = event.cap;
        break;
      case "node-start":
        this.node(event.node);
        this.running.push(event.node);
        break;
      case "call-done": {
        const node = this.node(event.node);
        node.calls += event.cached ? 0 : 1;
        node.cached += event.cached ? 1 : 0;
        node.items += Math.max(1, event.items);
        if (!event.ok) node.failed += Math.max(1, event.items);
        node.credits = node.credits.plus(credits(event.credits));
        this.spent = credits(event.spent);
        break;
      }
      case "node-done": {
        const at = this.running.indexOf(event.node);
        if (at >= 0) this.running.splice(at, 1);
        break;
      }
      case "pause":
      case "run-end":
        this.spent = credits(event.spent);
        break;
    }
  }

  node(name: string): NodeProgress {
    let node = this.nodes.get(name);
    if (!node) this.nodes.set(name, (node = { calls: 0, items: 0, cached: 0, failed: 0, credits: credits(0) }));
    return node;
  }

  nodeLine(name: string): string {
    const n = this.node(name);
    const extra = [n.cached ? `${n.cached} cached` : "", n.failed ? `${n.failed} failed` : ""].filter(Boolean).join(", ");
    return `${name}: ${n.items} item(s), ${n.calls} call(s)${extra ? ` (${extra})` : ""}, ${exact(n.credits)} credits`;
  }

  spendLine(): string {
    return `spent ${exact(this.spent)}${this.cap ? ` of ${this.cap}` : ""} credits`;
  }
}

function attemptLine(event: Extract<RunEvent, { type: "attempt-failed" }>): string {
  const retry = event.retryInMs !== undefined && event.retryInMs > 0 ? `; next attempt in ${seconds(event.retryInMs)}` : "";
  return `${event.node} ${event.callId}: attempt ${event.attempt} failed${event.charged ? "" : " (never reached the provider: not charged)"}: ${event.error}${retry}`;
}

/** What is said about a run's outcome events, shared by the renderers. */
function outcomeLine(event: RunEvent): string | undefined {
  switch (event.type) {
    case "alert":
      return `alert: spend ${event.spent} crossed the alert at ${event.alert} credits`;
    case "pause":
      if (event.reason === "aborted") return `paused: stopped by its caller (${event.spent} credits spent)`;
      return event.reason === "budget" ? `paused: the next call would pass the cap (${event.spent} of ${event.cap ?? "?"} credits spent)` : `paused: ${event.pending} decision(s) awaiting review`;
    case "notify-failed":
      return `notifying ${event.channel} failed: ${event.error}`;
    case "warning":
      return `warning: ${event.message}`;
    case "run-end":
      return `run ${event.runId} ${event.status}${event.reason ? ` (${event.reason})` : ""}: ${event.spent} credits spent`;
    default:
      return undefined;
  }
}

/** Plain lines: nodes starting and finishing, alerts, pauses and the end. */
export function createLineLogger(stream: ProgressStream): (event: RunEvent) => void {
  const state = new ProgressState();
  return (event) => {
    state.apply(event);
    if (event.type === "run-start") stream.write(`run ${event.runId} of ${event.flow}${event.resumed ? " resumed" : ""}: ${state.spendLine()}\n`);
    else if (event.type === "node-start") stream.write(`${event.node}: started\n`);
    else if (event.type === "node-done") stream.write(`${state.nodeLine(event.node)} — done; ${state.spendLine()}\n`);
    else if (event.type === "attempt-failed") stream.write(`${attemptLine(event)}\n`);
    else {
      const line = outcomeLine(event);
      if (line) stream.write(`${line}\n`);
    }
  };
}

/** One JSON object per line (`--json`). */
export function createJsonLogger(stream: ProgressStream): (event: RunEvent) => void {
  return (event) => stream.write(`${JSON.stringify(event)}\n`);
}

export interface TtyOptions {
  /** least time between redraws of the live block */
  intervalMs?: number;
}

/** What a prompt asks of whoever else writes to the terminal: the screen is the prompt's while held. */
export interface PromptScreen {
  hold(): void;
  release(): void;
}

export type TtyRenderer = ((event: RunEvent) => void) & PromptScreen;

/**
 * A live block redrawn in place: finished nodes and outcomes scroll above it. While a prompt holds
 * the screen the block is cleared and nothing is drawn; what happened meanwhile is printed when
 * the prompt lets go, so a question and its choices are never drawn over.
 */
export function createTtyRenderer(stream: ProgressStream, options: TtyOptions = {}): TtyRenderer {
  const state = new ProgressState();
  const interval = options.intervalMs ?? 100;
  let shown = 0;
  let timer: NodeJS.Timeout | undefined;
  let last = 0;
  let held = false;
  const deferred: string[] = [];
  let ended = false;
  const draw = (permanent: string[] = [], final = false) => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    ended ||= final;
    if (held) {
      deferred.push(...permanent);
      return;
    }
    last = Date.now();
    const live = ended ? [] : [...state.running.map((n) => `  ${state.nodeLine(n)}`), `  ${state.spendLine()}`];
    const up = shown > 0 ? `\x1b[${shown}A` : "";
    stream.write(`${up}\r\x1b[0J${permanent.map((l) => `${l}\n`).join("")}${live.map((l) => `${l}\n`).join("")}`);
    shown = live.length;
  };
  const screen: PromptScreen = {
    hold() {
      if (held) return;
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (shown > 0) stream.write(`\x1b[${shown}A\r\x1b[0J`);
      shown = 0;
      held = true;
    },
    release() {
      if (!held) return;
      held = false;
      draw(deferred.splice(0));
    },
  };
  const render = (event: RunEvent) => {
    state.apply(event);
    if (event.type === "node-done") return draw([`✓ ${state.nodeLine(event.node)}`]);
    if (event.type === "run-start") return draw([`run ${event.runId} of ${event.flow}${event.resumed ? " (resumed)" : ""}`]);
    const line = outcomeLine(event);
    if (line) return draw([line], event.type === "run-end");
    if (timer || held) return;
    const wait = interval - (Date.now() - last);
    if (wait <= 0) return draw();
    timer = setTimeout(() => draw(), wait);
    timer.unref();
  };
  return Object.assign(render, screen);
}

