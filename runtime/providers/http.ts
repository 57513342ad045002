// The HTTP provider: each attempt is a POST of the call (as JSON) to the endpoint configured for
// the node's model (else its op, else the default). Non-2xx answers, timeouts, network errors and
// bodies that are not the expected JSON are failed attempts, charged like any other.
import { readFile } from "node:fs/promises";
import { ProviderConfigError } from "../errors";
import type { FlowGraph, GraphNode } from "../graph";
import type { Provider } from "../provider";
import type { CallOutcome, CallRequest, ProviderOutput } from "../types";
import { endpointsSchema, problems } from "../validate";

export interface Endpoint {
  url: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export interface EndpointsConfig {
  models?: Record<string, Endpoint>;
  ops?: Record<string, Endpoint>;
  default?: Endpoint;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

export async function loadEndpoints(file: string): Promise<EndpointsConfig> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new ProviderConfigError(file, [error instanceof Error ? error.message : String(error)]);
  }
  return checkEndpoints(value, file);
}

export function checkEndpoints(value: unknown, source = "endpoints"): EndpointsConfig {
  const found = problems(endpointsSchema, value);
  if (found.length > 0) throw new ProviderConfigError(source, found);
  return value as EndpointsConfig;
}

export class HttpProvider implements Provider {
  readonly name = "http";

  constructor(readonly config: EndpointsConfig) {}

  prepare(graph: FlowGraph): string[] {
    return graph.streams
      .filter((s): s is GraphNode => s.kind === "node" && this.endpoint(s) === undefined)
      .map((node) => `no endpoint for node ${node.name} (model ${node.model ?? "none"}, op ${node.op}): add it under "models", "ops" or "default"`);
  }

  async call(request: CallRequest, signal: AbortSignal): Promise<CallOutcome> {
    const endpoint = this.endpoint(request.node);
    if (!endpoint) return { ok: false, error: `no endpoint for node ${request.node.name}` };
    const timeout = AbortSignal.timeout(endpoint.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
    let response: Response;
    try {
      response = await fetch(endpoint.url, {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": request.idempotencyKey, ...endpoint.headers },
        body: JSON.stringify(requestBody(request)),
        signal: AbortSignal.any([signal, timeout]),
      });
    } catch (error) {
      const timedOut = timeout.aborted;
      return { ok: false, error: timedOut ? `request timed out after ${endpoint.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS} ms` : `request failed: ${message(error)}` };
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      return { ok: false, error: `reading the response failed: ${message(error)}` };
    }
    if (!response.ok) return { ok: false, error: `HTTP ${response.status}: ${text.slice(0, 200)}` };
    return parseOutputs(text, request.items.length === 0 ? request.variants : request.items.length * request.variants);
  }

  private endpoint(node: GraphNode): Endpoint | undefined {
    return (node.model !== undefined ? this.config.models?.[node.model] : undefined) ?? this.config.ops?.[node.op] ?? this.config.default;
  }
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
    return { ok: false, error: "response is not JSON" };
  }
  const outputs = (body as { outputs?: unknown } | null)?.outputs;
  if (!Array.isArray(outputs)) return { ok: false, error: 'response has no "outputs" array' };
  if (outputs.length !== expected) return { ok: false, error: `response has ${outputs.length} outputs, expected ${expected}` };
  const parsed: ProviderOutput[] = [];
  for (const output of outputs) {
    const metrics = (output as { metrics?: unknown })?.metrics ?? {};
    if (typeof metrics !== "object" || metrics === null || Object.values(metrics).some((m) => typeof m !== "number")) {
      return { ok: false, error: "response metrics must be numbers" };
    }
    parsed.push({ value: (output as { value?: unknown })?.value ?? null, metrics: metrics as Record<string, number> });
  }
  return { ok: true, outputs: parsed };
}

function message(error: unknown): string {
  if (error instanceof Error) return error.cause instanceof Error ? `${error.message} (${error.cause.message})` : error.message;
  return String(error);
}
