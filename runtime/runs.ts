// Where runs live: per run a directory with its configuration (what resume needs), the journal,
// the record and recorded decisions; per flow the unacknowledged alert flags.
//
//   <home>/runs/<runId>/run.json        graph, seed, scenario, cap, inputs, provider
//   <home>/runs/<runId>/journal.jsonl   completed attempts, cache hits, decisions
//   <home>/runs/<runId>/record.json     the run record
//   <home>/runs/<runId>/decisions.json  decisions recorded with `flowc review`
//   <home>/runs/<runId>/lock            held by the process executing the run
//   <home>/runs/<runId>/items/          pictures of the items awaiting a decision
//   <home>/flags/<flow>/<runId>.json    an alert flag, removed by ack
import { randomBytes } from "node:crypto";
import { access, mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Clock } from "./clock";
import { RunNotFoundError } from "./errors";
import { listDir, lockRun, readJsonIfExists, removeIfExists, withFileLock, writeJsonAtomic } from "./fsutil";
import type { FlowGraph, Scenario } from "./graph";
import { FileJournal, type Journal } from "./journal";
import { assertValidRecord, type RunRecord } from "./record";

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

export interface RunStore {
  create(config: Omit<RunConfig, "runId">, clock: Clock): Promise<RunConfig>;
  /** throws RunNotFoundError */
  config(runId: string): Promise<RunConfig>;
  updateConfig(config: RunConfig): Promise<void>;
  writeRecord(record: RunRecord): Promise<void>;
  /** throws RunNotFoundError */
  readRecord(runId: string): Promise<RunRecord>;
  list(): Promise<RunRecord[]>;
  journal(runId: string): Journal;
  flags(flow: string): Promise<AlertFlag[]>;
  setFlag(flag: AlertFlag): Promise<void>;
  clearFlag(flow: string, runId: string): Promise<void>;
  decisions(runId: string): Promise<DecisionsDoc>;
  /** merges into the stored decisions (later ones win) and returns the result */
  addDecisions(runId: string, doc: DecisionsDoc): Promise<DecisionsDoc>;
  /** exclusive execution of one run; throws a `run-busy` error when a live process holds it */
  lock(runId: string): Promise<() => Promise<void>>;
  /** keeps a file (an item's picture) in the run's folder, unless there; returns its path relative to the folder */
  saveItemFile?(runId: string, name: string, data: string | Buffer): Promise<string>;
  /** the run's folder, for stores that keep runs on this machine */
  folder?(runId: string): string;
}

export const RUN_ID = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
}

/** `<flow>-<yyyymmdd-hhmmss>-<4 hex>`: a candidate id, drawn again by the store when taken. */
export function candidateRunId(flow: string, ms: number): string {
  return `${flow}-${stamp(ms)}-${randomBytes(2).toString("hex")}`;
}

export class FileRunStore implements RunStore {
  constructor(readonly home: string) {}

  async create(config: Omit<RunConfig, "runId">, clock: Clock): Promise<RunConfig> {
    await mkdir(this.runsDir(), { recursive: true });
    for (;;) {
      const runId = candidateRunId(config.flow, clock.now());
      try {
        await mkdir(this.dir(runId));
      } catch {
        continue; // taken: draw another suffix
      }
      const full = { runId, ...config };
      await writeJsonAtomic(this.file(runId, "run.json"), full);
      return full;
    }
  }

  async config(runId: string): Promise<RunConfig> {
    const config = RUN_ID.test(runId) ? await readJsonIfExists<RunConfig>(this.file(runId, "run.json")) : undefined;
    if (!config) throw new RunNotFoundError(runId);
    return config;
  }

  async updateConfig(config: RunConfig): Promise<void> {
    await writeJsonAtomic(this.file(config.runId, "run.json"), config);
  }

  async writeRecord(record: RunRecord): Promise<void> {
    assertValidRecord(record);
    await writeJsonAtomic(this.file(record.runId, "record.json"), record);
  }

  async readRecord(runId: string): Promise<RunRecord> {
    const record = RUN_ID.test(runId) ? await readJsonIfExists<RunRecord>(this.file(runId, "record.json")) : undefined;
    if (!record) throw new RunNotFoundError(runId);
    return record;
  }

  async list(): Promise<RunRecord[]> {
    const records: RunRecord[] = [];
    for (const runId of await listDir(this.runsDir())) {
      const record = await readJsonIfExists<RunRecord>(this.file(runId, "record.json")).catch(() => undefined);
      if (record) records.push(record);
    }
    return records.sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.runId.localeCompare(b.runId));
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
    return flags.sort((a, b) => a.at.localeCompare(b.at) || a.runId.localeCompare(b.runId));
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
    return path.join(this.home, "flags", flow);
  }
}

export function mergeDecisions(base: DecisionsDoc, more: DecisionsDoc): DecisionsDoc {
  const reviews = { ...base.reviews };
  for (const [stream, items] of Object.entries(more.reviews ?? {})) reviews[stream] = { ...reviews[stream], ...items };
  const selects = { ...base.selects };
  for (const [stream, items] of Object.entries(more.selects ?? {})) selects[stream] = { ...selects[stream], ...items };
  return { reviews, selects };
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
