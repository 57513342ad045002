// Module hooks registered by test/cli-load-probe.mjs (they run on the loader thread).
import { appendFileSync } from "node:fs";

let log;

export function initialize(data) {
  log = data.log;
}

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(log, `import ${specifier} -> ${result.url}\n`);
  return result;
}
