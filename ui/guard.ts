// Who may talk to `flowc ui`, as Jupyter decides it: whoever holds the session token (printed in
// the address, then kept in a cookie), asking this server by a name it answers to (so a page on
// another site cannot reach it by re-pointing its own host name here), and — for anything that
// changes state — from this server's own page (Origin, Sec-Fetch-Site and a CSRF header).
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

export const CSRF_HEADER = "x-flowc-csrf";

export interface Session {
  token: string;
  csrf: string;
  cookie: string;
  /** host:port values the server answers to */
  hosts: ReadonlySet<string>;
  /** the page's origins (http://host:port) */
  origins: ReadonlySet<string>;
}

export type Refusal = { status: 401 | 403 | 421; message: string };

export function newSession(host: string, port: number): Session {
  const names = new Set([host, "127.0.0.1", "localhost", "[::1]"].map((h) => (h.includes(":") && !h.startsWith("[") ? `[${h}]` : h)));
  const hosts = new Set([...names].map((h) => `${h}:${port}`));
  return {
    token: randomBytes(24).toString("base64url"),
    csrf: randomBytes(24).toString("base64url"),
    // cookies do not tell ports apart: one name per server
    cookie: `flowc_ui_${port}`,
    hosts,
    origins: new Set([...hosts].map((h) => `http://${h}`)),
  };
}

export function same(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token a request carries: `?token=`, `Authorization: Bearer`, or the session cookie. */
export function tokenOf(request: IncomingMessage, url: URL, session: Session): string | undefined {
  const query = url.searchParams.get("token");
  if (query !== null) return query;
  const auth = request.headers.authorization;
  if (auth?.startsWith("Bearer ")) return auth.slice("Bearer ".length);
  for (const part of (request.headers.cookie ?? "").split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === session.cookie) return value.join("=");
  }
  return undefined;
}

/** Undefined when the request may go on. */
export function refusal(request: IncomingMessage, url: URL, session: Session): Refusal | undefined {
  if (!session.hosts.has((request.headers.host ?? "").toLowerCase())) return { status: 421, message: `this server answers to ${[...session.hosts].join(", ")}` };
  if (!same(tokenOf(request, url, session), session.token)) return { status: 401, message: "open the address `flowc ui` printed, with its token" };
  if (request.method === "GET" || request.method === "HEAD") return undefined;
  return crossSite(request, session);
}

function crossSite(request: IncomingMessage, session: Session): Refusal | undefined {
  const origin = request.headers.origin;
  if (origin !== undefined && !session.origins.has(origin)) return { status: 403, message: `requests from ${origin} may not change anything here` };
  const site = request.headers["sec-fetch-site"];
  if (site !== undefined && site !== "same-origin" && site !== "none") return { status: 403, message: `a ${site} request may not change anything here` };
  const csrf = request.headers[CSRF_HEADER];
  if (!same(typeof csrf === "string" ? csrf : undefined, session.csrf)) return { status: 403, message: `missing or wrong ${CSRF_HEADER} header: changes come from the page itself` };
  if (!(request.headers["content-type"] ?? "").startsWith("application/json")) return { status: 403, message: "changes are sent as application/json" };
  return undefined;
}
