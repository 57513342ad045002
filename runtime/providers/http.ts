// The HTTP provider: each attempt is a POST of the call (as JSON) to the endpoint configured for
// the node's model (else its op, else the default).
//
// What is charged: an attempt that reached the provider, whatever came back (a non-2xx status, a
// timeout after the request went out, a body that is not the expected JSON or is too large). What
// is not: a request that never left (connection refused, an unknown host, a TLS handshake that
// failed, a request that could not be built) — the endpoints are checked before the first call, so
// a typo costs nothing.
//
// What never leaves this file: header values, URL credentials and query strings. A provider's
// error body that echoes them is scrubbed before it becomes an error message (and so before the
// journal, the record, events or stderr see it). Redirects are refused unless an endpoint allows
// them within its own origin; configured headers never go to another host.
import { readFile } from "node:fs/promises";
import { seconds } from "../backoff";
import { ProviderConfigError } from "../errors";
import { jsonProblem } from "../fsutil";
import type { FlowGraph, GraphNode } from "../graph";
import { own } from "../own";
import type { Provider } from "../provider";
import type { CallFailure, CallOutcome, CallRequest, ProviderOutput } from "../types";
import { endpointsSchema, problems } from "../validate";
import { maskUrl, Scrubber } from "./scrub";

export interface Endpoint {
  url: string;
  headers?: Record<string, string>;
  /** per attempt (default 60 s) */
  timeoutMs?: number;
  /** the largest response body read (default 64 MB) */
  maxResponseBytes?: number;
  /** "error" (the default): a redirect fails the attempt; "same-origin": followed within the endpoint's origin */
  redirect?: "error" | "same-origin";
}

export interface EndpointsConfig {
  models?: Record<string, Endpoint>;
  ops?: Record<string, Endpoint>;
  default?: Endpoint;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
const MAX_REDIRECTS = 5;

export async function loadEndpoints(file: string): Promise<EndpointsConfig> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new ProviderConfigError(file, [`cannot read it: ${error instanceof Error ? error.message : String(error)}`]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ProviderConfigError(file, [`not valid JSON (${jsonProblem(error)})`]);
  }
  return checkEndpoints(value, file);
}

/** The schema, then what the schema cannot say: each URL parses, each header can be sent. */
export function checkEndpoints(value: unknown, source = "endpoints"): EndpointsConfig {
  const found = problems(endpointsSchema, value);
  if (found.length > 0) throw new ProviderConfigError(source, found);
  const config = value as EndpointsConfig;
  const more = endpointsOf(config).flatMap(([where, endpoint]) => endpointProblems(where, endpoint));
  if (more.length > 0) throw new ProviderConfigError(source, more);
  return config;
}

function endpointsOf(config: EndpointsConfig): [string, Endpoint][] {
  return [
    ...Object.entries(config.models ?? {}).map(([name, e]): [string, Endpoint] => [`models.${name}`, e]),
    ...Object.entries(config.ops ?? {}).map(([name, e]): [string, Endpoint] => [`ops.${name}`, e]),
    ...(config.default ? [["default", config.default] as [string, Endpoint]] : []),
  ];
}

/** Problems named without the values (a header value may be a secret). */
function endpointProblems(where: string, endpoint: Endpoint): string[] {
  const found: string[] = [];
  let url: URL | undefined;
  try {
    url = new URL(endpoint.url);
  } catch {
    found.push(`${where}.url is not a valid URL`);
  }
  if (url && url.protocol !== "http:" && url.protocol !== "https:") found.push(`${where}.url must be http or https`);
  for (const [name, headerValue] of Object.entries(endpoint.headers ?? {})) {
    try {
      new Headers([[name, headerValue]]);
    } catch {
      found.push(`${where}.headers: header ${JSON.stringify(name)} cannot be sent (an invalid name, or a value with line breaks or characters outside Latin-1)`);
    }
  }
  return found;
}

/** How one endpoint is called: its URL without credentials, its headers, its limits, its scrubber. */
interface Target {
  url: URL;
  headers: Record<string, string>;
  timeoutMs: number;
  /** the endpoint sets no timeout: the default applies */
  defaultTimeout: boolean;
  maxResponseBytes: number;
  redirect: "error" | "same-origin";
  scrub: Scrubber;
}

export interface HttpProviderOptions {
  /** per attempt, for endpoints without `timeoutMs` (default 60 s) */
  defaultTimeoutMs?: number;
}

function target(endpoint: Endpoint, options: HttpProviderOptions): Target {
  const url = new URL(endpoint.url);
  const headers: Record<string, string> = { ...endpoint.headers };
  const secrets = [...Object.values(headers), ...[...url.searchParams.values()]];
  if (url.username || url.password) {
    // fetch refuses credentials in a URL (and would echo it): send them as Basic auth instead
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    secrets.push(user, password);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === "authorization")) headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
    secrets.push(headers.authorization ?? "");
    url.username = "";
    url.password = "";
  }
  return {
    url,
    headers,
    timeoutMs: endpoint.timeoutMs ?? options.defaultTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    defaultTimeout: endpoint.timeoutMs === undefined,
    maxResponseBytes: endpoint.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    redirect: endpoint.redirect ?? "error",
    scrub: new Scrubber([...secrets, url.search.slice(1)]),
  };
}

export class HttpProvider implements Provider {
  readonly name = "http";
  private readonly targets = new Map<Endpoint, Target>();

  constructor(
    readonly config: EndpointsConfig,
    readonly options: HttpProviderOptions = {},
  ) {
    checkEndpoints(config);
  }

  prepare(graph: FlowGraph): string[] {
    return graph.streams
      .filter((s): s is GraphNode => s.kind === "node" && this.endpoint(s) === undefined)
      .map((node) => `no endpoint for node ${node.name} (model ${node.model ?? "none"}, op ${node.op}): add it under "models", "ops" or "default"`);
  }

  async call(request: CallRequest, signal: AbortSignal): Promise<CallOutcome> {
    const endpoint = this.endpoint(request.node);
    if (!endpoint) return { ok: false, error: `no endpoint for node ${request.node.name}`, cause: "no endpoint", reached: false };
    const to = this.targetOf(endpoint);
    const timeout = AbortSignal.timeout(to.timeoutMs);
    const init: RequestInit = {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": request.idempotencyKey, ...to.headers },
      body: JSON.stringify(requestBody(request)),
      signal: AbortSignal.any([signal, timeout]),
      redirect: "manual",
    };
    const outcome = await this.exchange(to, init, (error) => requestFailure(error, signal.aborted, timeout.aborted, to), request);
    return outcome.ok ? outcome : { ...outcome, error: to.scrub.text(outcome.error) };
  }

  private async exchange(to: Target, init: RequestInit, failed: (error: unknown) => CallFailure, request: CallRequest): Promise<CallOutcome> {
    let url = to.url;
    for (let hop = 0; ; hop++) {
      let response: Response;
      try {
        response = await fetch(url, init);
      } catch (error) {
        return failed(error);
      }
      if (response.status >= 300 && response.status < 400 && response.headers.has("location")) {
        await response.body?.cancel().catch(() => undefined);
        const next = redirectTarget(response, url, to, hop);
        if (typeof next !== "string") return next;
        url = new URL(next);
        continue;
      }
      const body = await readBody(response, to.maxResponseBytes);
      if (typeof body !== "string") return body;
      if (!response.ok) return statusFailure(response, body);
      return parseOutputs(body, request.items.length === 0 ? request.variants : request.items.length * request.variants);
    }
  }

  private endpoint(node: GraphNode): Endpoint | undefined {
    return (node.model !== undefined ? own(this.config.models, node.model) : undefined) ?? own(this.config.ops, node.op) ?? this.config.default;
  }

  private targetOf(endpoint: Endpoint): Target {
    let found = this.targets.get(endpoint);
    if (!found) this.targets.set(endpoint, (found = target(endpoint, this.options)));
    return found;
  }
}

/** The next URL of a redirect the endpoint allows, else the failed attempt (charged: the provider answered). */
function redirectTarget(response: Response, from: URL, to: Target, hop: number): string | CallFailure {
  let next: URL;
  try {
    next = new URL(response.headers.get("location")!, from);
  } catch {
    return { ok: false, error: `HTTP ${response.status}: a redirect to an invalid location`, cause: "redirect refused" };
  }
  if (to.redirect !== "same-origin") return { ok: false, error: `HTTP ${response.status}: redirect to ${maskUrl(next.href)} refused (the endpoint does not allow redirects: set "redirect": "same-origin" to follow them within its origin)`, cause: "redirect refused" };
  if (next.origin !== to.url.origin) return { ok: false, error: `HTTP ${response.status}: redirect to another origin (${maskUrl(next.href)}) refused: configured headers are never sent to another host`, cause: "redirect refused" };
  if (hop + 1 >= MAX_REDIRECTS) return { ok: false, error: `more than ${MAX_REDIRECTS} redirects`, cause: "redirect refused" };
  return next.href;
}

/** The body as text, or the failed attempt when it is too large or cut short. */
async function readBody(response: Response, limit: number): Promise<string | CallFailure> {
  const tooLarge = { ok: false as const, error: `the response is larger than the limit of ${limit} bytes (set "maxResponseBytes" for the endpoint to allow more)`, cause: "response too large" };
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > limit) {
    await response.body?.cancel().catch(() => undefined);
    return tooLarge;
  }
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => undefined);
        return tooLarge;
      }
      chunks.push(value);
    }
  } catch (error) {
    return { ok: false, error: `reading the response failed: ${message(error)}`, cause: "response cut short" };
  }
  return Buffer.concat(chunks).toString("utf8");
}

function statusFailure(response: Response, body: string): CallFailure {
  const failure: CallFailure = { ok: false, error: `HTTP ${response.status}: ${oneLine(body).slice(0, 200)}`, cause: `HTTP ${response.status}` };
  const wait = retryAfter(response.headers.get("retry-after"));
  return wait === undefined ? failure : { ...failure, retryAfterMs: wait };
}

/** `Retry-After: 120` or an HTTP date, in ms from now. */
export function retryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Connection errors that mean the request never went out: such an attempt is not charged. */
const NOT_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EAI_NONAME", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_INVALID_ARG"]);

const CAUSES = new Map([
  ["ECONNREFUSED", "connection refused"],
  ["ENOTFOUND", "unknown host"],
  ["EAI_AGAIN", "DNS lookup failed"],
  ["EAI_NONAME", "unknown host"],
  ["EHOSTUNREACH", "host unreachable"],
  ["ENETUNREACH", "network unreachable"],
  ["UND_ERR_CONNECT_TIMEOUT", "connection timed out"],
  ["ECONNRESET", "connection reset"],
  ["UND_ERR_SOCKET", "connection closed"],
]);

function requestFailure(error: unknown, aborted: boolean, timedOut: boolean, to: Target): CallFailure {
  if (timedOut) {
    const which = to.defaultTimeout ? ` (the default per-attempt timeout of ${seconds(to.timeoutMs)}: set "timeoutMs" for the endpoint to change it)` : "";
    return { ok: false, error: `timed out after ${to.timeoutMs} ms${which}`, cause: "timed out" };
  }
  if (aborted) return { ok: false, error: "the attempt was stopped while the request was out", cause: "stopped" };
  // fetch throws other errors before it connects: a request it cannot build
  if (!(error instanceof Error) || error.message !== "fetch failed") return { ok: false, error: "the request could not be built", cause: "request could not be built", reached: false };
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  const code = typeof cause?.code === "string" ? cause.code : undefined;
  const detail = typeof cause?.message === "string" ? cause.message : undefined;
  const reason = (code && CAUSES.get(code)) ?? code ?? detail ?? "unknown network error";
  // when it cannot be told whether the request went out, it is charged: spend is never undercounted
  const notSent = code !== undefined ? NOT_SENT.has(code) || /CERT|TLS|SSL/.test(code) : detail !== undefined && /bad port|invalid/i.test(detail);
  return { ok: false, error: `request failed: ${reason}`, cause: reason, ...(notSent ? { reached: false } : {}) };
}

function requestBody(request: CallRequest): unknown {
  const node = request.node;
  return {
    run: request.runId,
    flow: request.flow,
    node: node.name,
    op: node.op,
    model: node.model ?? null,
    params: node.params,
    resolution: node.resolution ?? null,
    durationSeconds: node.durationSeconds ?? null,
    variants: request.variants,
    call: request.callId,
    round: request.round,
    attempt: request.attempt,
    idempotencyKey: request.idempotencyKey,
    items: request.items.map((i) => ({ id: i.id, value: i.value })),
    named: Object.fromEntries(Object.entries(request.named).map(([name, item]) => [name, { id: item.id, value: item.value }])),
  };
}

/** Expects `{ "outputs": [{ "value": ..., "metrics": { name: number } }, ...] }`, item-major. */
export function parseOutputs(text: string, expected: number): CallOutcome {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, error: "response is not JSON", cause: "response is not JSON" };
  }
  const outputs = (body as { outputs?: unknown } | null)?.outputs;
  if (!Array.isArray(outputs)) return { ok: false, error: 'response has no "outputs" array', cause: "response without outputs" };
  if (outputs.length !== expected) return { ok: false, error: `response has ${outputs.length} outputs, expected ${expected}`, cause: "wrong number of outputs" };
  const parsed: ProviderOutput[] = [];
  for (const output of outputs) {
    const metrics = (output as { metrics?: unknown })?.metrics ?? {};
    if (typeof metrics !== "object" || metrics === null || Array.isArray(metrics) || Object.values(metrics).some((m) => typeof m !== "number")) {
      return { ok: false, error: "response metrics must be numbers", cause: "invalid output" };
    }
    parsed.push({ value: (output as { value?: unknown })?.value ?? null, metrics: metrics as Record<string, number> });
  }
  return { ok: true, outputs: parsed };
}

function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ").trim();
}

function message(error: unknown): string {
  if (error instanceof Error) return error.cause instanceof Error ? `${error.message} (${error.cause.message})` : error.message;
  return String(error);
}
