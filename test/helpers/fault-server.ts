// A misbehaving provider on 127.0.0.1 for the fault-injection tests: each test says how it answers
// (a status, Retry-After, a hang, bad JSON, a huge or cut-short body, a redirect, an echo of the
// request's headers) and reads back what it was sent.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Seen {
  path: string;
  headers: IncomingMessage["headers"];
  body: Record<string, unknown>;
}

export type Behaviour = (seen: Seen, res: ServerResponse) => void;

export interface FaultServer {
  url: string;
  seen: Seen[];
  answer(behaviour: Behaviour): void;
  close(): Promise<void>;
}

export async function startFaultServer(behaviour: Behaviour = ok): Promise<FaultServer> {
  let current = behaviour;
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    let text = "";
    req.on("data", (c: Buffer) => (text += c.toString()));
    req.on("end", () => {
      const entry = { path: req.url ?? "", headers: req.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
      seen.push(entry);
      current(entry, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    answer: (next) => (current = next),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A port nothing listens on (connection refused). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The outputs a call asks for, with these metrics. */
export function outputsFor(seen: Seen, metrics: Record<string, unknown> = { sharpness: 0.9, legibility: 0.8, aesthetic: 0.7 }): string {
  const items = seen.body.items as { id: string; value: unknown }[];
  const variants = (seen.body.variants as number) ?? 1;
  const count = Math.max(1, items.length) * variants;
  return JSON.stringify({ outputs: Array.from({ length: count }, (_, i) => ({ value: `out ${i} of ${String(items[0]?.value ?? "none")}`, metrics })) });
}

export const ok: Behaviour = (seen, res) => {
  res.setHeader("content-type", "application/json");
  res.end(outputsFor(seen));
};
