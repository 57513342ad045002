// Content hashes (cache keys, item identity) and the seeded draws of the simulated provider.
import { createHash } from "node:crypto";

/** JSON with object keys sorted, so equal values hash equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    const obj = v as Record<string, unknown>;
    return Object.fromEntries(Object.keys(obj).sort().map((k) => [k, obj[k]]));
  });
}

export function sha256(text: string | Buffer): string {
  return createHash("sha256").update(text).digest("hex");
}

export function hashValue(value: unknown): string {
  return sha256(typeof value === "string" ? `s:${value}` : `j:${canonicalJson(value)}`);
}

/** cyrb53: a fast 53-bit string hash; good enough to drive simulated outcomes. */
function cyrb53(text: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/**
 * A uniform draw in [0, 1) that depends only on the seed and the key, never on the order of calls:
 * a resumed run draws exactly what the interrupted one would have.
 */
export function uniform(seed: number, key: string): number {
  return cyrb53(key, seed | 0) / 9007199254740992;
}
