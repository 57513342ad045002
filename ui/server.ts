// `flowc ui`: a local web app over the runs, the cache and the flows of a project. One page (the
// bundled app in dist/ui/) and a JSON API; every request needs the session token (ui/guard.ts),
// every change the page's CSRF header. Runs and the cache are read and changed only through the
// runtime's public functions — the same calls `flowc review`, `resume`, `ack` and `cache` make.
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Writable } from "node:stream";
import { ack, cacheClear, cacheList, listRuns, recordDecisions, resumeRun, runFolder, runHistory, RuntimeError } from "../runtime/index";
import { itemFile } from "./files";
import { FlowIndex } from "./flow-index";
import { refusal, newSession, type Session } from "./guard";
import { runRow, runView } from "./runs";
import type { CacheView, RunsView } from "./views";

export interface UiOptions {
  /** where runs and the cache live ($FLOWC_HOME, or .flowc in the project) */
  home: string;
  /** paths are shown relative to this */
  cwd: string;
  /** flow files and folders of flows to show */
  paths: string[];
  host?: string;
  /** 0 (the default): any free port */
  port?: number;
  /** the bundled page: app.js and app.css */
  assets: string;
  /** a line about something that went wrong while serving (a bug, not a refused request) */
  log?: (line: string) => void;
}

export interface UiServer {
  /** the address to open, token included */
  url: string;
  origin: string;
  token: string;
  /** stops listening, ends open connections and waits for resumes started from the page */
  close(): Promise<void>;
}

const BODY_LIMIT = 1024 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface Assets {
  js: string;
  css: string;
}

/** Why the server could not start (the page is not built, the address is taken): bad usage for the CLI. */
export class UiStartError extends Error {
  override readonly name = "UiStartError";
}

export async function startUi(options: UiOptions): Promise<UiServer> {
  const assets = await loadAssets(options.assets);
  const host = options.host ?? "127.0.0.1";
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => reject(new UiStartError(`cannot listen on ${host}:${options.port ?? 0}: ${error.code === "EADDRINUSE" ? "the port is taken" : error.message}`)));
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const session = newSession(host, port);
  const app = new UiApp(options, session, assets);
  server.on("request", (request: IncomingMessage, response: ServerResponse) => void app.handle(request, response));
  const shown = host.includes(":") ? `[${host}]` : host;
  const origin = `http://${shown}:${port}`;
  return {
    url: `${origin}/?token=${session.token}`,
    origin,
    token: session.token,
    close: () => app.close(server),
  };
}

async function loadAssets(dir: string): Promise<Assets> {
  try {
    const [js, css] = await Promise.all([readFile(path.join(dir, "app.js"), "utf8"), readFile(path.join(dir, "app.css"), "utf8")]);
    return { js, css };
  } catch {
    throw new UiStartError(`the web app is not built (no ${path.join(dir, "app.js")}): run \`npm run build\``);
  }
}

const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob: http: https:; media-src 'self' data: blob: http: https:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
};

class UiApp {
  private readonly flows: FlowIndex;
  private readonly resuming = new Map<string, Promise<void>>();
  private readonly resumeErrors = new Map<string, string>();
  /** per run, the last change: decisions from quick clicks are recorded one after another */
  private readonly changes = new Map<string, Promise<unknown>>();

  constructor(
    readonly options: UiOptions,
    readonly session: Session,
    readonly assets: Assets,
  ) {
    this.flows = new FlowIndex(options.paths, options.cwd);
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://flowc.invalid");
    try {
      const refused = refusal(request, url, this.session);
      if (refused) return send(response, refused.status, { error: refused.message });
      await this.route(request, response, url);
    } catch (error) {
      const status = error instanceof HttpError ? error.status : statusOf(error);
      if (status === 500) this.options.log?.(`flowc ui: ${request.method} ${url.pathname}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      if (!response.headersSent) send(response, status, { error: error instanceof Error ? error.message : String(error) });
      else response.end();
    }
  }

  private async route(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const method = request.method ?? "GET";
    const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    const get = method === "GET" || method === "HEAD";
    if (get && url.pathname === "/") return this.page(response, url);
    if (get && url.pathname === "/assets/app.js") return sendText(response, 200, "text/javascript; charset=utf-8", this.assets.js);
    if (get && url.pathname === "/assets/app.css") return sendText(response, 200, "text/css; charset=utf-8", this.assets.css);
    if (parts[0] !== "api") throw new HttpError(404, `no page at ${url.pathname}`);
    const [, section, id, action, ...rest] = parts;
    const home = { home: this.options.home };
    if (section === "runs" && id === undefined && get) return send(response, 200, await this.runs());
    if (section === "runs" && id !== undefined && action === undefined && get) return send(response, 200, await this.run(id));
    if (section === "runs" && id !== undefined && action === "files" && get) return this.file(response, id, rest.join("/"));
    if (section === "runs" && id !== undefined && method === "POST") {
      const body = await readJson(request);
      if (action === "decisions") {
        await this.serially(id, () => recordDecisions(id, body, home));
        return send(response, 200, await this.run(id));
      }
      if (action === "resume") return send(response, 202, await this.resume(id, body));
      if (action === "ack") {
        await ack(id, home);
        return send(response, 200, await this.run(id));
      }
    }
    if (section === "flows" && get) return send(response, 200, { flows: this.flows.rows() });
    if (section === "flow" && get) return send(response, 200, await this.flow(url));
    if (section === "cache" && id === undefined && get) return send(response, 200, await this.cache());
    if (section === "cache" && id === "clear" && method === "POST") {
      const filter = cacheFilter(await readJson(request));
      return send(response, 200, { removed: await cacheClear(filter, home), ...(await this.cache()) });
    }
    throw new HttpError(404, `no API at ${method} ${url.pathname}`);
  }

  private serially<T>(runId: string, change: () => Promise<T>): Promise<T> {
    const next = (this.changes.get(runId) ?? Promise.resolve()).catch(() => undefined).then(change);
    this.changes.set(runId, next);
    void next.finally(() => this.changes.get(runId) === next && this.changes.delete(runId)).catch(() => undefined);
    return next;
  }

  private page(response: ServerResponse, url: URL): void {
    if (url.searchParams.has("token")) {
      // keep the token out of the address bar, the history and any Referer: a cookie carries it
      response.writeHead(303, {
        ...SECURITY_HEADERS,
        location: "/",
        "set-cookie": `${this.session.cookie}=${this.session.token}; HttpOnly; SameSite=Strict; Path=/`,
        "cache-control": "no-store",
      });
      response.end();
      return;
    }
    const html = [
      "<!doctype html>",
      '<html lang="en">',
      "<head>",
      '<meta charset="utf-8">',
      '<meta name="viewport" content="width=device-width, initial-scale=1">',
      `<meta name="flowc-csrf" content="${this.session.csrf}">`,
      "<title>flowc</title>",
      '<link rel="icon" href="data:,">',
      '<link rel="stylesheet" href="/assets/app.css">',
      "</head>",
      "<body>",
      '<div id="app"></div>',
      '<script type="module" src="/assets/app.js"></script>',
      "</body>",
      "</html>",
    ].join("\n");
    sendText(response, 200, "text/html; charset=utf-8", html);
  }

  private async runs(): Promise<RunsView> {
    const now = Date.now();
    const rows = (await listRuns({ home: this.options.home })).map((r) => runRow(r, now));
    rows.sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : a.runId < b.runId ? 1 : -1));
    return { runs: rows };
  }

  private async run(runId: string) {
    // Taken before the record is read: a resume that ends during the read must not show as over
    // while the record read still says paused.
    const resuming = this.resuming.has(runId);
    const history = await runHistory(runId, { home: this.options.home });
    const flowFile = this.flows.fileOf(history.record.flow);
    const resumeError = this.resumeErrors.get(runId);
    return runView(history, {
      resuming,
      ...(resumeError ? { resumeError } : {}),
      ...(flowFile ? { flowFile } : {}),
      filesPath: `/api/runs/${encodeURIComponent(runId)}/files`,
    });
  }

  private async file(response: ServerResponse, runId: string, relative: string): Promise<void> {
    const folder = await runFolder(runId, { home: this.options.home });
    const found = folder ? await itemFile(folder, relative) : undefined;
    if (!found) throw new HttpError(404, `no item file ${relative} in run ${runId}`);
    response.writeHead(200, { ...SECURITY_HEADERS, "content-type": found.type, "content-length": String(found.size), "cache-control": "private, max-age=3600" });
    createReadStream(found.file).pipe(response);
  }

  private async resume(runId: string, body: unknown) {
    if (this.resuming.has(runId)) throw new HttpError(409, `run ${runId} is being resumed already`);
    const cap = capOf(body);
    await runHistory(runId, { home: this.options.home }); // an unknown run is a 404 now, not a failure later
    this.resumeErrors.delete(runId);
    // the owner hears of a pause as with `flowc resume`: a line where flowc ui writes its own
    const stderr = new Writable({ write: (chunk: Buffer, _encoding, done) => (this.options.log?.(chunk.toString().trimEnd()), done()) });
    const work = resumeRun(runId, { home: this.options.home, ...(cap !== undefined ? { cap } : {}), notify: { stderr }, collectOutputs: false })
      .then(() => undefined)
      .catch((error: unknown) => void this.resumeErrors.set(runId, error instanceof Error ? error.message : String(error)))
      .finally(() => this.resuming.delete(runId));
    this.resuming.set(runId, work);
    return { resuming: true };
  }

  private async flow(url: URL) {
    const file = url.searchParams.get("file");
    const runId = url.searchParams.get("run");
    if (file !== null) {
      const view = this.flows.view(file);
      if (!view) throw new HttpError(404, `${file} is not among the flows shown (see the Flows page)`);
      return view;
    }
    if (runId !== null) return this.flows.runView(runId, (await runHistory(runId, { home: this.options.home })).graph);
    throw new HttpError(400, "name a flow: ?file=PATH or ?run=RUN");
  }

  private async cache(): Promise<CacheView> {
    const listing = await cacheList({ home: this.options.home });
    const nodes = [...listing.nodes].sort((a, b) => (a.flow < b.flow ? -1 : a.flow > b.flow ? 1 : a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
    return { nodes, totalBytes: listing.totalBytes, entries: listing.entries.length };
  }

  async close(server: Server): Promise<void> {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await Promise.all([closed, ...this.resuming.values()]);
  }
}

function statusOf(error: unknown): number {
  if (!(error instanceof RuntimeError)) return 500;
  if (error.code === "unknown-run") return 404;
  if (error.code === "run-busy" || error.code === "run-state") return 409;
  return 400;
}

function capOf(body: unknown): string | undefined {
  const cap = (body as { cap?: unknown } | null)?.cap;
  if (cap === undefined || cap === null || cap === "") return undefined;
  if (typeof cap !== "string" || !/^\d+(\.\d+)?$/.test(cap.trim())) throw new HttpError(400, `a cap is a number of credits such as 1000 or 12.5, not ${JSON.stringify(cap)}`);
  return cap.trim();
}

function cacheFilter(body: unknown): { flow?: string; node?: string } {
  const given = (body ?? {}) as { flow?: unknown; node?: unknown };
  if (typeof given.flow !== "string" || given.flow === "") throw new HttpError(400, "name the flow whose cache entries to clear");
  if (given.node !== undefined && typeof given.node !== "string") throw new HttpError(400, "a node is named by a string");
  return { flow: given.flow, ...(given.node ? { node: given.node } : {}) };
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT) throw new HttpError(413, "request body too large");
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "the request body is not JSON");
  }
}

function send(response: ServerResponse, status: number, value: unknown): void {
  sendText(response, status, "application/json; charset=utf-8", JSON.stringify(value));
}

function sendText(response: ServerResponse, status: number, type: string, text: string): void {
  response.writeHead(status, { ...SECURITY_HEADERS, "content-type": type, "content-length": String(Buffer.byteLength(text)), "cache-control": "no-store" });
  response.end(text);
}
