// Keeping secrets out of what flowc stores and prints: configured header values, URL credentials
// and query strings, and the paths of webhook URLs are replaced by `***` (or left out) wherever a
// message could repeat them (a provider's error body echoing the request, an error of fetch).

/** Secrets shorter than this are not scrubbed on their own (they would blank ordinary words). */
const SHORTEST = 4;

export class Scrubber {
  private readonly secrets: string[];

  constructor(values: string[]) {
    const forms = new Set<string>();
    for (const value of values) {
      for (const part of [value, ...value.split(/[\s,;=&]+/)]) {
        if (part.length < SHORTEST) continue;
        forms.add(part);
        forms.add(encodeURIComponent(part));
        forms.add(JSON.stringify(part).slice(1, -1));
      }
    }
    // the longest first, so a value is replaced whole before its parts
    this.secrets = [...forms].sort((a, b) => b.length - a.length);
  }

  text(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join("***");
    return out;
  }
}

/**
 * A URL as it may be shown: scheme, user (password masked) and host; the path and query — where
 * webhook tokens and API keys live — become `…`: `https://user:***@hooks.example/…`.
 */
export function maskUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "(an invalid URL)";
  }
  const user = url.username ? `${url.username}${url.password ? ":***" : ""}@` : "";
  const rest = url.pathname !== "/" || url.search || url.hash ? "/…" : "";
  return `${url.protocol}//${user}${url.host}${rest}`;
}
