// Talking to the `flowc ui` server: JSON in and out, the CSRF header on every change (the server
// put its value in the page), errors as exceptions with the server's message.
const csrf = document.querySelector<HTMLMetaElement>('meta[name="flowc-csrf"]')?.content ?? "";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function answer<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => ({}))) as { error?: string };
  if (!response.ok) throw new ApiError(response.status, body.error ?? `${response.status} ${response.statusText}`);
  return body as T;
}

export async function getJson<T>(path: string): Promise<T> {
  return answer<T>(await fetch(path, { headers: { accept: "application/json" }, credentials: "same-origin" }));
}

export async function postJson<T>(path: string, body: unknown): Promise<T> {
  return answer<T>(
    await fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", accept: "application/json", "x-flowc-csrf": csrf },
      body: JSON.stringify(body),
    }),
  );
}

export function runPath(runId: string): string {
  return `/api/runs/${encodeURIComponent(runId)}`;
}
