// Typed errors for what a caller can get wrong (a bad run id, an unreadable input, an unacknowledged
// alert). Each has a `code` a program can switch on; messages speak of the runtime's own options,
// never of a command line (the CLI adds its flags, by code). The CLI maps `usage` errors to exit
// status 2; the rest are refusals with exit 1.

export type RuntimeErrorCode =
  | "unknown-run"
  | "input"
  | "alert-flag"
  | "decisions"
  | "provider-config"
  | "run-busy"
  | "run-state"
  | "graph"
  | "redis"
  | "pool-without-redis"
  | "pool-cap-required"
  | "home-required"
  | "missing-package";

const USAGE: ReadonlySet<RuntimeErrorCode> = new Set(["unknown-run", "input", "decisions", "provider-config", "graph", "home-required", "missing-package"]);

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
    super("unknown-run", `no run with id "${runId}"`);
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
  readonly flow: string;
  readonly flaggedRuns: string[];
  constructor(flow: string, flaggedRuns: string[]) {
    const runs = flaggedRuns.join(", ");
    super("alert-flag", `flow ${flow} has an unacknowledged spend alert on run ${runs}`);
    this.flow = flow;
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

/** Runs and the cache need a folder: the `home` option (or `stores`, or `redis`) says which. */
export class HomeRequiredError extends RuntimeError {
  constructor() {
    super("home-required", "no home folder for runs and the cache: give the `home` option (or `redis`)");
  }
}

/** An optional package the asked-for feature needs is not installed (bullmq and ioredis for Redis). */
export class MissingPackageError extends RuntimeError {
  readonly packages: string[];
  readonly feature: string;
  constructor(feature: string, packages: string[]) {
    super("missing-package", `${feature} needs the packages ${packages.join(" and ")}: install them next to flowc (npm i ${packages.join(" ")})`);
    this.feature = feature;
    this.packages = packages;
  }
}
