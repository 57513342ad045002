// One journal line: an entry as JSON with a checksum of its text appended as a last field, and the
// checks an entry read back must pass before it is replayed (types, ids, non-negative exact
// decimal credits, finite metrics). The Redis journal stores entries without the checksum (Redis
// does not tear a value) and checks them the same way.
//
// The checksum is a CRC-32 of the line's UTF-8 bytes, as write-ahead logs use: it catches torn
// writes and damaged bytes at a fraction of a cryptographic hash's cost per attempt (it is not a
// defence against someone who rewrites the file on purpose; the entry checks still apply then).
import type { JournalEntry, JournalOutput } from "./journal";

const SUM = /,"sum":"([0-9a-f]{8})"\}$/;
const CREDITS = /^(0|[1-9][0-9]*)(\.[0-9]+)?$/;

const CRC_TABLE = Int32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

/** CRC-32 (IEEE) of the text's UTF-8 bytes, as 8 hex digits. */
export function crc32(text: string): string {
  const bytes = Buffer.from(text, "utf8");
  let crc = -1;
  for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return ((crc ^ -1) >>> 0).toString(16).padStart(8, "0");
}


/** The line written for an entry, newline included. */
export function journalLine(entry: JournalEntry): string {
  const body = JSON.stringify(entry);
  return `${body.slice(0, -1)},"sum":"${crc32(body)}"}\n`;
}

/** The entry a line holds, or why it cannot be trusted. */
export function readJournalLine(line: string): { entry: JournalEntry } | { problem: string } {
  const match = SUM.exec(line);
  if (!match) return { problem: "no checksum at the end of the line" };
  const body = `${line.slice(0, match.index)}}`;
  if (crc32(body) !== match[1]) return { problem: "the checksum does not match the entry" };
  let entry: unknown;
  try {
    entry = JSON.parse(body);
  } catch {
    return { problem: "not valid JSON" };
  }
  const problem = entryProblem(entry);
  return problem ? { problem } : { entry: entry as JournalEntry };
}

type Fields = Record<string, unknown>;

const isString = (v: unknown): v is string => typeof v === "string";
const isCount = (v: unknown, min = 0): boolean => Number.isSafeInteger(v) && (v as number) >= min;
const isTime = (v: unknown): boolean => typeof v === "number" && Number.isFinite(v) && v >= 0;

/** Why an entry is not one flowc writes; undefined when it is. */
export function entryProblem(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "not an object";
  const e = value as Fields;
  switch (e.type) {
    case "attempt":
      return callProblem(e) ?? attemptProblem(e);
    case "cache-hit":
      return callProblem(e) ?? (creditsProblem("saved", e.saved) || outputsProblem(e.outputs));
    case "decision":
      return decisionProblem(e);
    default:
      return `unknown entry type ${JSON.stringify(e.type)}`;
  }
}

function callProblem(e: Fields): string | undefined {
  if (![e.call, e.node, e.callId].every(isString)) return "call, node and callId must be strings";
  if (!isCount(e.round)) return "round must be a whole number ≥ 0";
  if (!Array.isArray(e.items) || !e.items.every(isString)) return "items must be a list of item ids";
  if (!isTime(e.at)) return "at must be a time in milliseconds";
  return undefined;
}

function attemptProblem(e: Fields): string | undefined {
  if (!isCount(e.attempt, 1)) return "attempt must be a whole number ≥ 1";
  if (!isString(e.idempotencyKey)) return "idempotencyKey must be a string";
  if (typeof e.ok !== "boolean") return "ok must be true or false";
  const credits = creditsProblem("credits", e.credits);
  if (credits) return credits;
  if (e.ok) return outputsProblem(e.outputs);
  if (!isString(e.error)) return "a failed attempt needs its error";
  if (e.cause !== undefined && !isString(e.cause)) return "cause must be a string";
  return undefined;
}

function creditsProblem(field: string, value: unknown): string | undefined {
  return isString(value) && CREDITS.test(value) ? undefined : `${field} must be a non-negative exact decimal, got ${JSON.stringify(value)}`;
}

/** Outputs as the executor uses them: a hash and finite metrics each. */
export function outputsProblem(value: unknown): string | undefined {
  if (!Array.isArray(value)) return "outputs must be a list";
  for (const [i, output] of value.entries()) {
    const problem = outputProblem(output as JournalOutput);
    if (problem) return `output ${i + 1}: ${problem}`;
  }
  return undefined;
}

function outputProblem(output: JournalOutput): string | undefined {
  if (typeof output !== "object" || output === null) return "not an object";
  if (!isString(output.hash)) return "hash must be a string";
  if (!("value" in output)) return "no value";
  if (typeof output.metrics !== "object" || output.metrics === null || Array.isArray(output.metrics)) return "metrics must be an object";
  for (const [name, metric] of Object.entries(output.metrics)) {
    if (typeof metric !== "number" || !Number.isFinite(metric)) return `metric ${name} must be a finite number`;
  }
  return undefined;
}

function decisionProblem(e: Fields): string | undefined {
  if (![e.stream, e.itemId, e.by].every(isString)) return "stream, itemId and by must be strings";
  if (!isTime(e.at)) return "at must be a time in milliseconds";
  const d = e.decision;
  if (d === "approve" || d === "reject" || (Array.isArray(d) && d.every(isString))) return undefined;
  return "decision must be approve, reject or a list of variant ids";
}
