// Where runs live: per run a directory with its configuration (what resume needs), the journal,
// the record and recorded decisions; per flow the unacknowledged alert flags.
//
//   <home>/runs/<runId>/run.json        graph, seed, scenario, cap, inputs, provider
//   <home>/runs/<runId>/journal.jsonl   completed attempts, cache hits, decisions
//   <home>/runs/<runId>/record.json     the run record
//   <home>/runs/<runId>/decisions.json  decisions recorded with `flowc review`
//   <home>/runs/<runId>/lock            held by the process executing the run
//   <home>/runs/<runId>/items/          pictures of the items awaiting a decision
//   <home>/runs/.new-<runId>/           a run being created (renamed into place when complete)
//   <home>/flags/<flow>/<runId>.json    an alert flag, removed by ack
import { randomBytes } from "node:crypto";
import { access, mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Clock } from "./clock";
import { disk, storageError } from "./disk";
import { RunFileError, RunNotFoundError, RuntimeError } from "./errors";
import { isCode, listDir, lockHolder, lockRun, readJsonIfExists, removeIfExists, withFileLock, writeJsonAtomic, type LockOwner } from "./fsutil";
import type { FlowGraph, Scenario } from "./graph";
import { sha256 } from "./hash";
import { FileJournal, type Journal } from "./journal";
import { assertValidRecord, validateRecord, type RunRecord } from "./record";
import { compareCodePoints } from "../syntax/order";

export type ProviderSpec = { kind: "simulated"; latencyMs?: number } | { kind: "http"; configPath: string } | { kind: "custom"; name: string };

export interface RunConfig {
  runId: string;
  flow: string;
  graph: FlowGraph;
  seed: number;
  scenario?: Scenario;
  cap?: string;
  /** NAME → absolute paths, as given to the first start */
  inputs: Record<string, string[]>;
  /** NAME → hash of the items loaded, so a resume notices changed files */
  inputDigests: Record<string, string>;
  provider: ProviderSpec;
  simulateHumans: boolean;
  concurrency?: number;
  createdAt: number;
}

export interface AlertFlag {
  flow: string;
  runId: string;
  spent: string;
  alert: string;
  at: string;
}

export interface DecisionsDoc {
  reviews?: Record<string, Record<string, "approve" | "reject">>;
  selects?: Record<string, Record<string, string[]>>;
}

export interface RunListing {
  records: RunRecord[];
  /** runs whose record cannot be read: the id and why */
  unreadable: { runId: string; problem: string }[];
}

export interface RunStore {
  /**
   * A new run: its configuration and first record appear together or not at all, so a process
   * killed while starting leaves no half-made run behind.
   */
  create(config: Omit<RunConfig, "runId">, clock: Clock, firstRecord: (config: RunConfig) => RunRecord): Promise<RunConfig>;
  /** throws RunNotFoundError, or RunFileError when the stored configuration is damaged */
  config(runId: string): Promise<RunConfig>;
  updateConfig(config: RunConfig): Promise<void>;
  writeRecord(record: RunRecord): Promise<void>;
  /** throws RunNotFoundError, or RunFileError when the stored record is damaged */
  readRecord(runId: string): Promise<RunRecord>;
  list(): Promise<RunListing>;
  journal(runId: string): Journal;
  flags(flow: string): Promise<AlertFlag[]>;
  setFlag(flag: AlertFlag): Promise<void>;
  clearFlag(flow: string, runId: string): Promise<void>;
  decisions(runId: string): Promise<DecisionsDoc>;
  /** merges into the stored decisions (later ones win) and returns the result */
  addDecisions(runId: string, doc: DecisionsDoc): Promise<DecisionsDoc>;
  /** exclusive execution of one run; throws a `run-busy` error when a live process holds it */
  lock(runId: string): Promise<() => Promise<void>>;
  /** the live process holding the run's lock, if any (none: a "running" record was interrupted) */
  holder(runId: string): Promise<LockOwner | undefined>;
  /** keeps a file (an item's picture) in the run's folder, unless there; returns its path relative to the folder */
  saveItemFile?(runId: string, name: string, data: string | Buffer): Promise<string>;
  /** the run's folder, for stores that keep runs on this machine */
  folder?(runId: string): string;
}

export const RUN_ID = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** Longer flow names are shortened (with a hash, so they stay distinct) in run ids and paths. */
const LONGEST_NAME = 64;

export function shortName(flow: string): string {
  return flow.length <= LONGEST_NAME ? flow : `${flow.slice(0, LONGEST_NAME - 9)}-${sha256(flow).slice(0, 8)}`;
}

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
}

/** `<flow>-<yyyymmdd-hhmmss>-<4 hex>`: a candidate id, drawn again by the store when taken. */
export function candidateRunId(flow: string, ms: number): string {
  return `${shortName(flow)}-${stamp(ms)}-${randomBytes(2).toString("hex")}`;
}

/** Draws of a run id before giving up (each clash is a 1 in 65,536 chance within one second). */
export const MAX_ID_DRAWS = 1000;

/** Why a stored configuration is not one flowc wrote; undefined when it is. */
export function runConfigProblem(value: unknown): string | undefined {
  const c = value as Partial<RunConfig> | null;
  if (typeof c !== "object" || c === null) return "not an object";
  if (typeof c.runId !== "string" || typeof c.flow !== "string") return "runId and flow must be strings";
  if (typeof c.graph !== "object" || c.graph === null || !Array.isArray(c.graph.streams)) return "graph must be a flow graph";
  if (!Number.isSafeInteger(c.seed)) return "seed must be a whole number";
  if (typeof c.inputs !== "object" || c.inputs === null || typeof c.inputDigests !== "object" || c.inputDigests === null) return "inputs must be objects";
  if (typeof c.provider !== "object" || c.provider === null || typeof c.provider.kind !== "string") return "provider must name its kind";
  if (c.cap !== undefined && !/^[0-9]+(\.[0-9]+)?$/.test(String(c.cap))) return "cap must be a non-negative decimal";
  return undefined;
}

/** A stored record, checked against the schema (a damaged one is named, not half-read). */
export function checkedRecord(value: unknown, source: string): RunRecord {
  const found = validateRecord(value);
  if (found.length > 0) throw new RunFileError(source, `not a run record flowc wrote: ${found.slice(0, 3).join("; ")}`);
  return value as RunRecord;
}

export function checkedConfig(value: unknown, source: string): RunConfig {
  const problem = runConfigProblem(value);
  if (problem) throw new RunFileError(source, `not a run configuration flowc wrote: ${problem}`);
  return value as RunConfig;
}

/** Temporary directories of runs being created, older than this, were left by a killed process. */
const STALE_NEW_RUN_MS = 3_600_000;

export class FileRunStore implements RunStore {
  constructor(readonly home: string) {}

  async create(config: Omit<RunConfig, "runId">, clock: Clock, firstRecord: (config: RunConfig) => RunRecord): Promise<RunConfig> {
    const runs = this.runsDir();
    try {
      await disk.mkdirs(runs);
    } catch (error) {
      throw storageError(runs, error, "creating");
    }
    await this.sweepUnfinished();
    for (let draw = 0; draw < MAX_ID_DRAWS; draw++) {
      const full = { runId: candidateRunId(config.flow, clock.now()), ...config };
      if (await this.place(full, firstRecord(full))) return full;
    }
    throw new RuntimeError("run-state", `could not find a free run id under ${runs} after ${MAX_ID_DRAWS} tries`);
  }

  /** Writes the run into a temporary directory, then renames it into place; false: the id is taken. */
  private async place(config: RunConfig, record: RunRecord): Promise<boolean> {
    const temp = path.join(this.runsDir(), `.new-${config.runId}`);
    try {
      await disk.mkdirOnce(temp);
    } catch (error) {
      if (isCode(error, "EEXIST")) return false;
      throw storageError(temp, error, "creating");
    }
    try {
      assertValidRecord(record);
      await writeJsonAtomic(path.join(temp, "run.json"), config);
      await writeJsonAtomic(path.join(temp, "record.json"), record);
      await disk.rename(temp, this.dir(config.runId));
      return true;
    } catch (error) {
      await disk.removeTree(temp).catch(() => undefined);
      if (isCode(error, "EEXIST") || isCode(error, "ENOTEMPTY")) return false;
      throw storageError(this.dir(config.runId), error, "creating");
    }
  }

  private async sweepUnfinished(): Promise<void> {
    for (const name of await listDir(this.runsDir())) {
      if (!name.startsWith(".new-")) continue;
      const dir = path.join(this.runsDir(), name);
      const stats = await disk.stat(dir).catch(() => undefined);
      if (stats && Date.now() - stats.mtimeMs > STALE_NEW_RUN_MS) await disk.removeTree(dir).catch(() => undefined);
    }
  }

  async config(runId: string): Promise<RunConfig> {
    const file = this.file(runId, "run.json");
    const config = RUN_ID.test(runId) ? await readJsonIfExists<unknown>(file) : undefined;
    if (config === undefined) throw new RunNotFoundError(runId);
    return checkedConfig(config, file);
  }

  async updateConfig(config: RunConfig): Promise<void> {
    await writeJsonAtomic(this.file(config.runId, "run.json"), config);
  }

  async writeRecord(record: RunRecord): Promise<void> {
    assertValidRecord(record);
    await writeJsonAtomic(this.file(record.runId, "record.json"), record);
  }

  async readRecord(runId: string): Promise<RunRecord> {
    const file = this.file(runId, "record.json");
    const record = RUN_ID.test(runId) ? await readJsonIfExists<unknown>(file) : undefined;
    if (record === undefined) throw new RunNotFoundError(runId);
    return checkedRecord(record, file);
  }

  async list(): Promise<RunListing> {
    const listing: RunListing = { records: [], unreadable: [] };
    for (const runId of await listDir(this.runsDir())) {
      if (!RUN_ID.test(runId)) continue; // runs being created, and what is not a run
      try {
        listing.records.push(await this.readRecord(runId));
      } catch (error) {
        if (error instanceof RunNotFoundError) continue;
        listing.unreadable.push({ runId, problem: error instanceof Error ? error.message : String(error) });
      }
    }
    listing.records.sort((a, b) => compareCodePoints(a.startedAt, b.startedAt) || compareCodePoints(a.runId, b.runId));
    return listing;
  }

  journal(runId: string): Journal {
    return new FileJournal(this.file(runId, "journal.jsonl"));
  }

  async flags(flow: string): Promise<AlertFlag[]> {
    const flags: AlertFlag[] = [];
    for (const name of await listDir(this.flagDir(flow))) {
      const flag = await readJsonIfExists<AlertFlag>(path.join(this.flagDir(flow), name)).catch(() => undefined);
      if (flag) flags.push(flag);
    }
    return flags.sort((a, b) => compareCodePoints(a.at, b.at) || compareCodePoints(a.runId, b.runId));
  }

  async setFlag(flag: AlertFlag): Promise<void> {
    await writeJsonAtomic(path.join(this.flagDir(flag.flow), `${flag.runId}.json`), flag);
  }

  async clearFlag(flow: string, runId: string): Promise<void> {
    await removeIfExists(path.join(this.flagDir(flow), `${runId}.json`));
  }

  async decisions(runId: string): Promise<DecisionsDoc> {
    await this.config(runId);
    return (await readJsonIfExists<DecisionsDoc>(this.file(runId, "decisions.json"))) ?? {};
  }

  async addDecisions(runId: string, doc: DecisionsDoc): Promise<DecisionsDoc> {
    await this.config(runId);
    const file = this.file(runId, "decisions.json");
    return withFileLock(file, async () => {
      const merged = mergeDecisions((await readJsonIfExists<DecisionsDoc>(file)) ?? {}, doc);
      await writeJsonAtomic(file, merged);
      return merged;
    });
  }

  async lock(runId: string): Promise<() => Promise<void>> {
    await this.config(runId);
    return lockRun(this.dir(runId), runId);
  }

  async holder(runId: string): Promise<LockOwner | undefined> {
    return RUN_ID.test(runId) ? lockHolder(this.dir(runId)) : undefined;
  }

  async saveItemFile(runId: string, name: string, data: string | Buffer): Promise<string> {
    const relative = `items/${name}`;
    const file = path.join(this.dir(runId), relative);
    if (await exists(file)) return relative;
    // a picture is redrawn from the record if lost: no fsync, just never half a file
    const temp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(temp, data);
    await rename(temp, file);
    return relative;
  }

  folder(runId: string): string {
    if (!RUN_ID.test(runId)) throw new RunNotFoundError(runId);
    return this.dir(runId);
  }

  private runsDir(): string {
    return path.join(this.home, "runs");
  }

  private dir(runId: string): string {
    return path.join(this.runsDir(), runId);
  }

  private file(runId: string, name: string): string {
    return path.join(this.dir(runId), name);
  }

  private flagDir(flow: string): string {
    return path.join(this.home, "flags", shortName(flow));
  }
}

export function mergeDecisions(base: DecisionsDoc, more: DecisionsDoc): DecisionsDoc {
  return { reviews: mergeTwoLevels(base.reviews, more.reviews), selects: mergeTwoLevels(base.selects, more.selects) };
}

/** stream → item → decision, later ones winning; built with Maps so any name is an ordinary key */
function mergeTwoLevels<T>(base: Record<string, Record<string, T>> = {}, more: Record<string, Record<string, T>> = {}): Record<string, Record<string, T>> {
  const merged = new Map(Object.entries(base).map(([stream, items]) => [stream, new Map(Object.entries(items))]));
  for (const [stream, items] of Object.entries(more)) {
    const into = merged.get(stream) ?? new Map<string, T>();
    for (const [id, decision] of Object.entries(items)) into.set(id, decision);
    merged.set(stream, into);
  }
  return Object.fromEntries([...merged].map(([stream, items]) => [stream, Object.fromEntries(items)]));
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
