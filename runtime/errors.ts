// Typed errors for what a caller can get wrong (a bad run id, an unreadable input, an unacknowledged
// alert). The CLI maps `usage` errors to exit status 2; the rest are refusals with exit 1.

export type RuntimeErrorCode =
  | "unknown-run"
  | "input"
  | "alert-flag"
  | "decisions"
  | "provider-config"
  | "run-busy"
  | "run-state"
  | "graph"
  | "redis";

const USAGE: ReadonlySet<RuntimeErrorCode> = new Set(["unknown-run", "input", "decisions", "provider-config", "graph"]);

export class RuntimeError extends Error {
  readonly code: RuntimeErrorCode;
  constructor(code: RuntimeErrorCode, message: string) {
    super(message);
    this.name = "RuntimeError";
    this.code = code;
  }
  /** bad usage or unreadable input: the CLI exits with status 2 */
  get usage(): boolean {
    return USAGE.has(this.code);
  }
}

export class RunNotFoundError extends RuntimeError {
  readonly runId: string;
  constructor(runId: string) {
    super("unknown-run", `no run with id "${runId}" (see \`flowc runs\`)`);
    this.runId = runId;
  }
}

export class InputError extends RuntimeError {
  readonly input: string;
  constructor(input: string, message: string) {
    super("input", `input ${input}: ${message}`);
    this.input = input;
  }
}

export class AlertFlagError extends RuntimeError {
  readonly flaggedRuns: string[];
  constructor(flow: string, flaggedRuns: string[]) {
    const runs = flaggedRuns.join(", ");
    super(
      "alert-flag",
      `flow ${flow} has an unacknowledged spend alert on run ${runs}: acknowledge it with \`flowc ack ${flaggedRuns[0]}\` or start with --ack`,
    );
    this.flaggedRuns = flaggedRuns;
  }
}

export class DecisionsError extends RuntimeError {
  readonly problems: string[];
  constructor(source: string, problems: string[]) {
    super("decisions", `${source}: ${problems.join("; ")}`);
    this.problems = problems;
  }
}

export class ProviderConfigError extends RuntimeError {
  readonly problems: string[];
  constructor(source: string, problems: string[]) {
    super("provider-config", `${source}: ${problems.join("; ")}`);
    this.problems = problems;
  }
}
