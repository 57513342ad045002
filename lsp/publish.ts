// Publishing diagnostics: when, and in how many steps. After a change the document is analysed in
// a later turn of the event loop (once per burst of changes); a large document gets its errors and
// figures first and its lints when the text rests, with the previous lints shown, moved, meanwhile.
import type { Connection, PublishDiagnosticsParams } from "vscode-languageserver/node";
import { carriedLints, diagnosticsParams } from "./diagnostics";
import type { DocumentStore } from "./documents";
import { describe } from "./failures";

export interface PublishTiming {
  /**
   * A document's complete analysis is published in one step when it took at most this long;
   * beyond, it is split, so that errors and figures do not wait for the lints (measured: on a
   * 5,000-line flow the lints take about as long as everything else together).
   */
  splitAboveMs: number;
  /** After the first diagnostics of an edit, how long the text must rest before the lints run. */
  lintDelayMs: number;
}

export const PUBLISH_TIMING: PublishTiming = { splitAboveMs: 25, lintDelayMs: 250 };

/**
 * Publishes diagnostics after changes, once per document however many changes arrived before it
 * ran: the analysis happens in a later turn of the event loop, when the changes and requests
 * already received have all been handled. On a large document it publishes twice: everything but
 * the lints at once (with the previous lints, moved to where their code now is), and the complete
 * list when the text has rested (`lintDelayMs`). A request in between analyses on demand
 * (DocumentStore.get).
 */
export class Publisher {
  private readonly pending = new Set<string>();
  private scheduled = false;
  private readonly lintTimers = new Map<string, NodeJS.Timeout>();
  /** how long each document's last complete analysis took */
  private readonly fullMs = new Map<string, number>();

  private readonly timing: PublishTiming;

  constructor(
    private readonly connection: Connection,
    private readonly store: DocumentStore,
    timing: Partial<PublishTiming> = {},
  ) {
    this.timing = { ...PUBLISH_TIMING, ...timing };
  }

  schedule(uris: string[]): void {
    for (const uri of uris) {
      this.pending.add(uri);
      clearTimeout(this.lintTimers.get(uri));
      this.lintTimers.delete(uri);
    }
    if (this.scheduled || this.pending.size === 0) return;
    this.scheduled = true;
    // a timer rather than setImmediate: requests already received are answered first
    setTimeout(() => this.flush(), 0);
  }

  private flush(): void {
    this.scheduled = false;
    const uris = [...this.pending];
    this.pending.clear();
    for (const uri of uris) this.guard(uri, () => this.publishFirst(uri));
  }

  private publishFirst(uri: string): void {
    if (!this.store.isOpen(uri)) return;
    if (this.store.has(uri, "full") || (this.fullMs.get(uri) ?? 0) <= this.timing.splitAboveMs) {
      this.publishComplete(uri);
      return;
    }
    const checked = this.store.get(uri, "checks");
    this.send(diagnosticsParams(checked, carriedLints(checked, this.store.lastLints(uri))));
    this.lintTimers.set(
      uri,
      setTimeout(() => {
        this.lintTimers.delete(uri);
        this.guard(uri, () => this.store.isOpen(uri) && this.publishComplete(uri));
      }, this.timing.lintDelayMs),
    );
  }

  private publishComplete(uri: string): void {
    const fresh = !this.store.has(uri, "full");
    const start = performance.now();
    const complete = this.store.get(uri, "full");
    if (fresh) this.fullMs.set(uri, performance.now() - start);
    this.send(diagnosticsParams(complete));
  }

  send(params: PublishDiagnosticsParams): void {
    this.closedSafe(() => this.connection.sendDiagnostics(params).catch(() => undefined));
  }

  private guard(uri: string, work: () => void): void {
    try {
      work();
    } catch (error) {
      this.closedSafe(() => this.connection.console.error(`flowc: diagnostics of ${uri} failed: ${describe(error)}`));
    }
  }

  /** A timer may fire after the connection closed: there is no one left to tell. */
  private closedSafe(work: () => unknown): void {
    try {
      work();
    } catch {
      // the connection is gone
    }
  }
}
