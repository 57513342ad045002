// Who decides reviews and human selects. A decider may answer, or return undefined ("cannot decide
// now"): the item then waits, and a run with waiting items pauses as `awaiting-review` until
// decisions are recorded and the run resumed.
import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { DecisionsError } from "./errors";
import type { PromptScreen } from "./progress";
import { uniform } from "./hash";
import { own } from "./own";
import type { DecisionsDoc } from "./runs";
import { decisionsSchema, problems } from "./validate";

export interface DecisionItem {
  id: string;
  value: unknown;
  metrics: Record<string, number>;
}

export interface ReviewRequest {
  runId: string;
  review: string;
  item: DecisionItem;
  /** credits spent on the item's lineage so far */
  cost: string;
  /** the review's expected approve rate, as a fraction */
  expectedApprove: string;
}

export interface SelectRequest {
  runId: string;
  select: string;
  /** the id shared by the variants (`previews#3`) */
  groupId: string;
  variants: DecisionItem[];
  pick: number;
  cost: string;
}

export type ReviewVerdict = "approve" | "reject";

export interface ReviewDecider {
  readonly name: string;
  review(request: ReviewRequest): Promise<ReviewVerdict | undefined>;
  /** the ids of the variants to keep */
  select(request: SelectRequest): Promise<string[] | undefined>;
}

/** Decisions written down ahead of time (`--decisions FILE`, or recorded with `flowc review`). */
export class DocumentDecider implements ReviewDecider {
  readonly name: string;
  constructor(
    readonly doc: DecisionsDoc,
    name = "decisions",
  ) {
    this.name = name;
  }

  async review(request: ReviewRequest): Promise<ReviewVerdict | undefined> {
    return own(own(this.doc.reviews, request.review), request.item.id);
  }

  async select(request: SelectRequest): Promise<string[] | undefined> {
    return own(own(this.doc.selects, request.select), request.groupId);
  }
}

export function checkDecisions(value: unknown, source = "decisions"): DecisionsDoc {
  const found = problems(decisionsSchema, value);
  if (found.length > 0) throw new DecisionsError(source, found);
  return value as DecisionsDoc;
}

export async function loadDecisionsFile(file: string): Promise<DocumentDecider> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new DecisionsError(file, [error instanceof Error ? error.message : String(error)]);
  }
  return new DocumentDecider(checkDecisions(value, file), `file ${file}`);
}

/** Decides at the expected rates, seeded by item: for demos and CI. */
export class SimulatedDecider implements ReviewDecider {
  readonly name = "simulated";
  constructor(readonly seed: number) {}

  async review(request: ReviewRequest): Promise<ReviewVerdict> {
    return uniform(this.seed, `r|${request.review}|${request.item.id}`) < Number(request.expectedApprove) ? "approve" : "reject";
  }

  async select(request: SelectRequest): Promise<string[]> {
    const ranked = request.variants
      .map((v) => ({ id: v.id, draw: uniform(this.seed, `s|${request.select}|${v.id}`) }))
      .sort((a, b) => a.draw - b.draw)
      .slice(0, request.pick);
    const keep = new Set(ranked.map((r) => r.id));
    return request.variants.filter((v) => keep.has(v.id)).map((v) => v.id);
  }
}

export interface InteractiveOptions {
  input: Readable;
  output: Writable;
  /** who decides once the person answers `d` (a run can ask dozens of questions) */
  fallback?: ReviewDecider;
  /** held while a question is open, so progress output never draws over it */
  screen?: PromptScreen;
}

/** Asks on a terminal (or any pair of streams), one question at a time. */
export class InteractiveDecider implements ReviewDecider {
  readonly name = "interactive";
  private readonly lines: string[] = [];
  private readonly waiting: ((line: string | undefined) => void)[] = [];
  private closed = false;
  private turn: Promise<unknown> = Promise.resolve();
  /** set once the person hands the remaining questions to the fallback */
  private delegated = false;
  private readonly rl: ReturnType<typeof createInterface>;

  constructor(readonly options: InteractiveOptions) {
    const rl = (this.rl = createInterface({ input: options.input, terminal: false }));
    rl.on("line", (line) => {
      const waiter = this.waiting.shift();
      if (waiter) waiter(line);
      else this.lines.push(line);
    });
    rl.on("close", () => {
      this.closed = true;
      for (const waiter of this.waiting.splice(0)) waiter(undefined);
    });
  }

  /** stops reading the input (on a terminal, lets the process exit); open questions go unanswered */
  close(): void {
    this.rl.close();
  }

  review(request: ReviewRequest): Promise<ReviewVerdict | undefined> {
    return this.serially(async () => {
      if (this.delegated) return this.options.fallback!.review(request);
      this.print(`review ${request.review}: ${request.item.id} (cost so far ${request.cost} credits)`, describeItem(request.item));
      for (;;) {
        const answer = (await this.ask(`approve? [y]es / [n]o / [s]kip${this.fallbackHint()}: `))?.trim().toLowerCase();
        if (answer === undefined || answer === "s" || answer === "skip" || answer === "") return undefined;
        if (this.delegate(answer)) return this.options.fallback!.review(request);
        if (answer === "y" || answer === "yes" || answer === "approve") return "approve";
        if (answer === "n" || answer === "no" || answer === "reject") return "reject";
        this.options.output.write(`please answer y to approve ${request.item.id}, n to reject it, or s (or nothing) to leave it waiting${this.options.fallback ? ", d to let the simulated reviewer decide the rest" : ""}\n`);
      }
    });
  }

  select(request: SelectRequest): Promise<string[] | undefined> {
    return this.serially(async () => {
      if (this.delegated) return this.options.fallback!.select(request);
      this.print(
        `select ${request.select}: keep ${request.pick} of ${request.variants.length} for ${request.groupId} (cost so far ${request.cost} credits)`,
        request.variants.map((v, i) => `${i + 1}) ${describeItem(v)}`).join("\n"),
      );
      for (;;) {
        const answer = await this.ask(`keep which ${request.pick}? (numbers or ids, comma-separated; empty to skip${this.fallbackHint()}): `);
        if (answer === undefined || answer.trim() === "") return undefined;
        if (this.delegate(answer.trim().toLowerCase())) return this.options.fallback!.select(request);
        const chosen = parseChoice(answer, request.variants);
        if (chosen && chosen.length === Math.min(request.pick, request.variants.length)) return chosen;
        this.options.output.write(`please name exactly ${request.pick} of the ${request.variants.length} variants, by number (1-${request.variants.length}) or id, or nothing to leave ${request.groupId} waiting\n`);
      }
    });
  }

  private fallbackHint(): string {
    return this.options.fallback ? ` / [d]ecide the rest at the expected rates` : "";
  }

  private delegate(answer: string): boolean {
    if (!this.options.fallback || (answer !== "d" && answer !== "decide")) return false;
    this.delegated = true;
    return true;
  }

  /** one question at a time, in the order the run meets them, each holding the screen while open */
  private serially<T>(work: () => Promise<T>): Promise<T> {
    const screen = this.options.screen;
    const next = this.turn.then(async () => {
      if (this.delegated || !screen) return work();
      screen.hold();
      try {
        return await work();
      } finally {
        screen.release();
      }
    });
    this.turn = next.catch(() => undefined);
    return next;
  }

  private print(title: string, body: string): void {
    this.options.output.write(`\n${title}\n${body.replace(/^/gm, "  ")}\n`);
  }

  private ask(prompt: string): Promise<string | undefined> {
    this.options.output.write(prompt);
    const line = this.lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiting.push(resolve));
  }
}

function describeItem(item: DecisionItem): string {
  const metrics = Object.entries(item.metrics)
    .map(([name, value]) => `${name} ${value.toFixed(3)}`)
    .join(", ");
  const text = typeof item.value === "string" ? item.value : (JSON.stringify(item.value) ?? "");
  const value = text.length > 120 ? `${text.slice(0, 119)}…` : text;
  return `${item.id}  ${value}${metrics ? `  [${metrics}]` : ""}`;
}

function parseChoice(answer: string, variants: DecisionItem[]): string[] | undefined {
  const chosen = new Set<string>();
  for (const part of answer.split(",").map((p) => p.trim()).filter(Boolean)) {
    const index = /^\d+$/.test(part) ? Number(part) - 1 : variants.findIndex((v) => v.id === part);
    const variant = variants[index];
    if (!variant) return undefined;
    chosen.add(variant.id);
  }
  return variants.filter((v) => chosen.has(v.id)).map((v) => v.id);
}
