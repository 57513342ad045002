// Executes a generated flow module in memory, so that `flowc run` runs exactly what `flowc compile`
// prints: the TypeScript is transpiled with `transpileModule`, its `flowc/runtime` import is pointed
// at the bundled runtime's absolute file URL, and the result is imported from a `data:` URL. A
// data: module may import absolute file: URLs (not relative or bare specifiers), which is why the
// runtime import is rewritten rather than resolved. The compiler is the TypeScript that ts-morph
// bundles, loaded lazily: codegen has loaded it already, and loading the `typescript` package as
// well would add half a second to every `flowc run`.
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import type { FlowGraph, Scenario } from "../runtime/graph";
import type { RunOptions, RunResult } from "../runtime/index";
import { DEFAULT_RUNTIME_IMPORT } from "../compiler/codegen";

/** What a generated module exports (see compiler/codegen.ts). */
export interface FlowModule {
  FLOW: string;
  WORST_CASE: string;
  EXPECTED: string;
  graph: FlowGraph;
  WORST_SCENARIO: Scenario;
  run(inputs?: Record<string, string | string[]>, options?: RunOptions): Promise<RunResult>;
}

export class RuntimeMissingError extends Error {}

/** The file URL of the runtime a generated module imports: this package's `flowc/runtime` export. */
export function bundledRuntimeUrl(): string {
  try {
    return pathToFileURL(createRequire(import.meta.url).resolve(DEFAULT_RUNTIME_IMPORT)).href;
  } catch {
    throw new RuntimeMissingError("the bundled runtime (dist/runtime.js) is missing: run `npm run build`");
  }
}

export async function loadFlowModule(code: string, runtimeUrl: string = bundledRuntimeUrl()): Promise<FlowModule> {
  const javascript = await transpile(code, runtimeUrl);
  const url = `data:text/javascript;base64,${Buffer.from(javascript, "utf8").toString("base64")}`;
  return (await import(url)) as FlowModule;
}

/** TypeScript to an ES module, with the runtime import rewritten to `runtimeUrl`. */
export async function transpile(code: string, runtimeUrl: string): Promise<string> {
  const { ts } = await import("ts-morph");
  const rewrite: import("ts-morph").ts.TransformerFactory<import("ts-morph").ts.SourceFile> = (context) => (file) => {
    const { factory } = context;
    const statements = file.statements.map((statement) => {
      if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) return statement;
      if (statement.moduleSpecifier.text !== DEFAULT_RUNTIME_IMPORT) return statement;
      return factory.updateImportDeclaration(statement, statement.modifiers, statement.importClause, factory.createStringLiteral(runtimeUrl), statement.attributes);
    });
    return factory.updateSourceFile(file, statements);
  };
  const output = ts.transpileModule(code, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, sourceMap: false },
    transformers: { before: [rewrite] },
    reportDiagnostics: false,
  });
  return output.outputText;
}
