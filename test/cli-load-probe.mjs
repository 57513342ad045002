// Preloaded with `node --import` by test/cli-startup.test.ts: logs every module the process
// resolves — ESM imports through a resolve hook, CommonJS requires through Module._load — to the
// file named by FLOWC_LOAD_LOG.
import Module, { register } from "node:module";
import { appendFileSync } from "node:fs";

const log = process.env.FLOWC_LOAD_LOG;
const load = Module._load;
Module._load = function (request, ...rest) {
  appendFileSync(log, `require ${request}\n`);
  return load.call(this, request, ...rest);
};
register("./cli-load-hooks.mjs", import.meta.url, { data: { log } });
