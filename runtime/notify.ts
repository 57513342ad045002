// Telling the owner that a run paused or crossed its alert: a line on stderr, and optionally a
// command (the summary JSON on its stdin) and a webhook (the summary POSTed as JSON). A channel
// that fails is reported as an event; it never fails the run. A channel is named by its kind and a
// masked target only (`webhook https://hooks.example/…`): a command line or a webhook URL may hold a
// token, and the channel's name reaches the record, events and stderr.
import { spawn } from "node:child_process";
import { maskUrl } from "./providers/scrub";

export interface RunSummary {
  runId: string;
  flow: string;
  status: string;
  reason?: string;
  spent: string;
  cap?: string;
  alert?: string;
  pending: number;
  message: string;
}

export interface Notifier {
  readonly channel: string;
  notify(summary: RunSummary): Promise<void>;
}

export interface TextSink {
  write(text: string): unknown;
}

export class StreamNotifier implements Notifier {
  readonly channel = "stderr";
  constructor(readonly stream: TextSink = process.stderr) {}
  async notify(summary: RunSummary): Promise<void> {
    this.stream.write(`flowc: ${summary.message}\n`);
  }
}

export class CommandNotifier implements Notifier {
  constructor(
    readonly command: string,
    readonly timeoutMs = 30_000,
  ) {}

  /** the command line is not shown: it may hold a token */
  readonly channel = "command";

  notify(summary: RunSummary): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.command, { shell: true, stdio: ["pipe", "ignore", "pipe"], timeout: this.timeoutMs });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.on("error", reject);
      child.on("close", (code, signal) => {
        // its standard error is not repeated: it may echo the command line
        if (code === 0) resolve();
        else reject(new Error(`exited with ${signal ?? `status ${code}`}${stderr.trim() ? " (its standard error is not recorded)" : ""}`));
      });
      child.stdin.on("error", () => undefined); // a command that ignores stdin may close it early
      child.stdin.end(JSON.stringify(summary));
    });
  }
}

export class WebhookNotifier implements Notifier {
  constructor(
    readonly url: string,
    readonly timeoutMs = 10_000,
  ) {}

  get channel(): string {
    return `webhook ${maskUrl(this.url)}`;
  }

  async notify(summary: RunSummary): Promise<void> {
    let response: Response;
    try {
      const { url, authorization } = withoutCredentials(this.url);
      response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
        body: JSON.stringify(summary),
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: "error",
      });
    } catch (error) {
      // fetch's own messages may repeat the URL (credentials in it, for one)
      const cause = error instanceof Error && error.cause instanceof Error ? ((error.cause as { code?: string }).code ?? "") : "";
      throw new Error(error instanceof Error && error.name === "TimeoutError" ? `no answer within ${this.timeoutMs} ms` : `the request failed${cause ? ` (${cause})` : ""}`);
    }
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
  }
}

/** fetch refuses a URL with credentials: they go as Basic auth instead */
function withoutCredentials(text: string): { url: string; authorization?: string } {
  const url = new URL(text);
  if (!url.username && !url.password) return { url: text };
  const pair = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  url.username = "";
  url.password = "";
  return { url: url.href, authorization: `Basic ${Buffer.from(pair).toString("base64")}` };
}

export interface NotifyOptions {
  /** false: no stderr line */
  stderr?: TextSink | false;
  command?: string;
  webhook?: string;
}

export function notifiers(options: NotifyOptions = {}): Notifier[] {
  const list: Notifier[] = [];
  if (options.stderr !== false) list.push(new StreamNotifier(options.stderr ?? process.stderr));
  if (options.command) list.push(new CommandNotifier(options.command));
  if (options.webhook) list.push(new WebhookNotifier(options.webhook));
  return list;
}

/** Notifies every channel; returns the ones that failed. */
export async function notifyAll(list: Notifier[], summary: RunSummary): Promise<{ channel: string; error: string }[]> {
  const results = await Promise.allSettled(list.map((n) => n.notify(summary)));
  return results.flatMap((result, i) => (result.status === "rejected" ? [{ channel: list[i]!.channel, error: String(result.reason instanceof Error ? result.reason.message : result.reason) }] : []));
}
