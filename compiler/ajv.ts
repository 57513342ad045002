// ajv, loaded on first use. A check validates params against ajv's compiled schemas only for ops
// a flow declares itself (the built-in ops' validators are precompiled, checks/params.ts) and
// reads flowc.json only in projects that have one: loading ajv at start-up cost every `flowc check`
// a tenth of its time. An ES module cannot be imported synchronously, so ajv (CommonJS) is
// required, from node_modules, where the bundles leave it.
// (named apart from `createRequire`, which the banners of bundles declare: scripts/build.mjs)
import { createRequire as createModuleRequire } from "node:module";
import type AjvDraft7 from "ajv";
import type Ajv2020 from "ajv/dist/2020";

const requireModule = createModuleRequire(import.meta.url);

/** The Ajv class (JSON Schema draft-07, what ops' `schema` strings are written in). */
export function ajvDraft7(): typeof AjvDraft7 {
  return (requireModule("ajv") as { default: typeof AjvDraft7 }).default;
}

/** The Ajv class of JSON Schema 2020-12 (flowc.json's schema). */
export function ajv2020(): typeof Ajv2020 {
  return (requireModule("ajv/dist/2020") as { default: typeof Ajv2020 }).default;
}
