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
  | "home"
  | "storage"
  | "journal-corrupt"
  | "run-corrupt"
  | "cache-entry"
  | "pool-without-redis"
  | "pool-cap-required"
  | "home-required"
  | "missing-package";

const USAGE: ReadonlySet<RuntimeErrorCode> = new Set(["unknown-run", "input", "decisions", "provider-config", "graph", "home", "run-corrupt", "journal-corrupt", "home-required", "missing-package"]);

export class RuntimeError extends Error {
  readonly code: RuntimeErrorCode;
  /** the run this error stopped, which can be resumed once its cause is fixed */
  interruptedRun?: string;
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

/** The home directory (FLOWC_HOME, else .flowc) is not a directory, or cannot hold runs. */
export class HomeError extends RuntimeError {
  readonly home: string;
  constructor(home: string, message: string) {
    super("home", `flowc home ${home}: ${message}`);
    this.home = home;
  }
}

/**
 * A store's file could not be written (a full disk, a read-only or missing directory). What was
 * journaled before stays: the run can be resumed once the cause is fixed.
 */
export class StorageError extends RuntimeError {
  readonly file: string;
  /** the system's error code: ENOSPC, EROFS, EACCES… */
  readonly systemCode: string;
  constructor(file: string, systemCode: string, message: string) {
    super("storage", message);
    this.file = file;
    this.systemCode = systemCode;
  }
}

/** A journal entry that is not what flowc wrote (outside a torn last line): never replayed. */
export class JournalCorruptError extends RuntimeError {
  readonly file: string;
  readonly line: number;
  constructor(file: string, line: number, problem: string) {
    super("journal-corrupt", `${file}:${line}: corrupt journal entry: ${problem}; the run cannot be replayed safely (restore the file, or start the run again)`);
    this.file = file;
    this.line = line;
  }
}

/** A run's configuration or record that cannot be read as what flowc wrote. */
export class RunFileError extends RuntimeError {
  readonly file: string;
  constructor(file: string, problem: string) {
    super("run-corrupt", `${file}: ${problem}`);
    this.file = file;
  }
}

/** A cache entry that cannot be used as it is: the run treats it as a miss and warns. */
export class CacheEntryError extends RuntimeError {
  readonly source: string;
  constructor(source: string, problem: string) {
    super("cache-entry", `cache entry ${source}: ${problem}`);
    this.source = source;
  }
}
