// A run's journal in Redis: a list of JSON entries, appended by a script that refuses an entry
// whose id it has seen, so a call retried by BullMQ or replayed by a resumed coordinator is
// journaled — and charged — once. An append resolves when Redis has it (with `appendfsync always`,
// when it is on disk); concurrent appends share round trips through auto-pipelining.
import type { Redis } from "ioredis";
import { JournalCorruptError } from "../errors";
import type { Journal, JournalEntry } from "../journal";
import { entryProblem } from "../journal-entry";
import type { Keys } from "./connection";
import { APPEND_ONCE } from "./scripts";

export class RedisJournal implements Journal {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    readonly runId: string,
  ) {}

  async append(entry: JournalEntry): Promise<void> {
    await APPEND_ONCE.run(this.redis, [this.keys.run(this.runId, "journal"), this.keys.run(this.runId, "journal-ids")], [entryId(entry), JSON.stringify(entry)]);
  }

  async read(): Promise<JournalEntry[]> {
    const key = this.keys.run(this.runId, "journal");
    const lines = await this.redis.lrange(key, 0, -1);
    return lines.map((line, index) => {
      let entry: unknown;
      try {
        entry = JSON.parse(line);
      } catch {
        throw new JournalCorruptError(`Redis list ${key}`, index + 1, "not valid JSON");
      }
      const problem = entryProblem(entry);
      if (problem) throw new JournalCorruptError(`Redis list ${key}`, index + 1, problem);
      return entry as JournalEntry;
    });
  }

  async close(): Promise<void> {
    // the connection belongs to the backend
  }
}

/** What makes an entry the same entry: an attempt's idempotency key, a call's hit, an item's decision. */
export function entryId(entry: JournalEntry): string {
  switch (entry.type) {
    case "attempt":
      return `attempt\u0000${entry.idempotencyKey}`;
    case "cache-hit":
      return `hit\u0000${entry.call}`;
    case "decision":
      return `decision\u0000${entry.stream}\u0000${entry.itemId}`;
  }
}
