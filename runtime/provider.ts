// How a call reaches a model. A Provider carries out one attempt; a CallDispatcher decides how the
// attempt gets there (directly in this process here; through a queue in a later deployment) and
// enforces the node's timeout. Whatever goes wrong in an attempt becomes a failed attempt.
import { setMaxListeners } from "node:events";
import type { BackoffPolicy } from "./backoff";
import type { FlowGraph } from "./graph";
import type { Picture, PictureSubject } from "./providers/picture";
import type { CallOutcome, CallRequest } from "./types";

export interface Provider {
  readonly name: string;
  /** how long to wait between a call's attempts, when this provider knows better than the default (see backoff.ts) */
  readonly backoff?: Partial<BackoffPolicy>;
  /** problems that would make calls fail, found before any credit is spent */
  prepare?(graph: FlowGraph): string[];
  call(request: CallRequest, signal: AbortSignal): Promise<CallOutcome>;
  /** a picture of an output, for the items a person decides on (the simulated provider draws one) */
  picture?(subject: PictureSubject): Picture | undefined;
}

export interface CallDispatcher {
  dispatch(request: CallRequest, timeoutMs: number | undefined): Promise<CallOutcome>;
  /** something the run should hear about, without failing (no worker takes the jobs, say) */
  onWarning?(handler: (code: string, message: string) => void): void;
}

/** handed to every attempt without a timeout: many wait on it at once, by design */
const never = new AbortController().signal;
setMaxListeners(0, never);

export class LocalDispatcher implements CallDispatcher {
  constructor(readonly provider: Provider) {}

  async dispatch(request: CallRequest, timeoutMs: number | undefined): Promise<CallOutcome> {
    if (timeoutMs === undefined) return this.attempt(request, never);
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<CallOutcome>((resolve) => {
      timer = setTimeout(() => {
        controller.abort();
        resolve({ ok: false, error: `timed out after ${timeoutMs} ms (the node's timeout)`, cause: "timed out" });
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.attempt(request, controller.signal), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async attempt(request: CallRequest, signal: AbortSignal): Promise<CallOutcome> {
    try {
      return await this.provider.call(request, signal);
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  }
}
