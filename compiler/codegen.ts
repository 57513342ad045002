// `flowc compile`: a flow as a readable TypeScript module — typed inputs and outputs, the node
// graph (each stream under a comment with its source line), the static figures, the worst-case
// scenario, and a typed `run()` and `resume()` that hand the graph to the runtime. ts-morph builds
// the module, prettier lays it out; both are loaded here, lazily, so that `flowc check` and
// `flowc cost` never pay for them. `emitJavaScript` turns the module into ESM JavaScript and its
// declaration file, with the same TypeScript (ts-morph's).
import type { CostReport } from "./cost-report";
import { formatExact } from "../syntax/credits";
import type { FlowModel, InputStream, Stream } from "./model";
import type { Ref, StreamDecl } from "../syntax/ast";
import { streamLine, streamMedia, toGraph, witnessToScenario } from "./to-graph";
import type { FlowGraph, GraphStream } from "../runtime/graph";
import { FLOWC_VERSION } from "./version";
import type { VariableStatementStructure } from "ts-morph";

export interface CodegenOptions {
  /** the module specifier the generated code imports the runtime from */
  runtimeImport?: string;
  /** the flow file as it should appear in comments (relative, forward slashes) */
  sourceFile: string;
}

export const DEFAULT_RUNTIME_IMPORT = "flowc/runtime";

const PRINT_WIDTH = 110;

/** The runtime's exports the generated module uses. */
const RUNTIME_VALUES = ["resumeRun", "startRun"];
const RUNTIME_TYPES = ["FlowGraph", "FlowItem", "ResumeOptions", "RunOptions", "RunResult", "Scenario"];

export async function generateModule(model: FlowModel, cost: CostReport, options: CodegenOptions): Promise<string> {
  const { Project, StructureKind, VariableDeclarationKind } = await import("ts-morph");
  const source = options.sourceFile.split("\\").join("/");
  const graph = toGraph(model, cost);
  const constant = (name: string, type: string | undefined, docs: string, initializer: string): VariableStatementStructure => ({
    kind: StructureKind.VariableStatement,
    leadingTrivia: "\n",
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: [docs],
    declarations: [{ name, type, initializer }],
  });
  const project = new Project({ useInMemoryFileSystem: true });
  const file = project.createSourceFile("flow.ts", {
    statements: [
      {
        kind: StructureKind.ImportDeclaration,
        leadingTrivia: header(source, model.name),
        moduleSpecifier: options.runtimeImport ?? DEFAULT_RUNTIME_IMPORT,
        namedImports: [...RUNTIME_VALUES.map((name) => ({ name })), ...RUNTIME_TYPES.map((name) => ({ name, isTypeOnly: true }))],
      },
      {
        kind: StructureKind.Interface,
        name: "Inputs",
        isExported: true,
        docs: [INPUTS_DOC],
        properties: inputStreams(model).map((s) => ({
          name: s.name,
          hasQuestionToken: true,
          type: s.single ? "string" : "string[]",
          docs: [commentText(`${declarationHeader(s.decl)} (${source}:${streamLine(s)})`)],
        })),
      },
      {
        kind: StructureKind.Interface,
        name: "Outputs",
        isExported: true,
        docs: [OUTPUTS_DOC],
        properties: outputProperties(model, source),
      },
      constant("FLOW", undefined, "The flow's name.", stringLiteral(model.name)),
      constant("WORST_CASE", undefined, "Worst-case credits of one run: exact, reached by WORST_SCENARIO.", stringLiteral(formatExact(cost.worstCase))),
      constant("EXPECTED", undefined, "Expected credits of a typical run (an estimate, not a bound).", stringLiteral(formatExact(cost.expected))),
      constant("graph", "FlowGraph", "The flow as the runtime executes it: every stream after the streams it reads.", graphLiteral(graph, model, source)),
      constant(
        "WORST_SCENARIO",
        "Scenario",
        "The cost analysis' witness: with `scenario: WORST_SCENARIO` the simulated provider spends exactly WORST_CASE.",
        literal(witnessToScenario(cost.witness)),
      ),
      {
        kind: StructureKind.Function,
        name: "run",
        isExported: true,
        isAsync: true,
        docs: [RUN_DOC],
        parameters: [
          { name: "inputs", type: "Inputs", initializer: "{}" },
          { name: "options", type: "RunOptions", initializer: "{}" },
        ],
        returnType: "Promise<RunResult<Outputs>>",
        statements: ["return startRun<Outputs>(graph, { ...options, inputs: { ...options.inputs, ...inputs } });"],
      },
      {
        kind: StructureKind.Function,
        name: "resume",
        isExported: true,
        isAsync: true,
        docs: [RESUME_DOC],
        parameters: [
          { name: "runId", type: "string" },
          { name: "options", type: "ResumeOptions", initializer: "{}" },
        ],
        returnType: "Promise<RunResult<Outputs>>",
        statements: ["return resumeRun<Outputs>(runId, options);"],
      },
    ],
  });
  const prettier = await import("prettier");
  return prettier.format(file.getFullText(), { parser: "typescript", printWidth: PRINT_WIDTH });
}

const INPUTS_DOC = [
  "The flow's inputs: for each, file or folder paths (a counted input) or one path (a single input).",
  "Every input is optional: the simulated provider synthesises the items of a missing one; a real",
  "provider needs them all.",
].join("\n");

const OUTPUTS_DOC = [
  "The flow's outputs: for each output, the items that reached it, typed by what they are (a media",
  "type, or `unknown` for a user-declared op). Credits on items are exact decimal strings.",
].join("\n");

const RESUME_DOC = [
  "Continues a paused, awaiting-review, failed or interrupted run of this flow where it stopped,",
  "without repeating or re-charging a completed call.",
].join("\n");

const RUN_DOC = [
  "Runs the flow on the runtime: budget cap, cache, reviews and a run record. `inputs` win over",
  "`options.inputs`. Resolves when the run completes or pauses (budget, awaiting review).",
].join("\n");

function header(source: string, flow: string): string {
  return [
    `// Generated from ${commentText(source)} by flowc ${FLOWC_VERSION}. Do not edit: change the .flow file and run`,
    `// \`flowc compile\` again. Flow ${commentText(flow)}.`,
    "",
  ].join("\n");
}

/** One property per output ref (`final`, `good.rejected`), its items typed by media type. */
function outputProperties(model: FlowModel, source: string): { name: string; type: string; docs: string[] }[] {
  const media = streamMedia(model);
  return model.outputs.map((ref) => {
    const name = ref.rejected ? `${ref.name}.rejected` : ref.name;
    const stream = model.byName.get(ref.name);
    const line = stream ? ` (${source}:${streamLine(stream)})` : "";
    return { name: propertyName(name), type: `FlowItem<${JSON.stringify(media.get(ref.name) ?? "unknown")}>[]`, docs: [commentText(`output ${name}${line}`)] };
  });
}

/**
 * Text that may go inside a comment, line or block: every line terminator JavaScript knows
 * (\n, \r, U+2028, U+2029) and every other control character is written as an escape, and `*\/`
 * cannot close a block comment. A path such as `a*\/;process.exit();/*` stays text.
 */
export function commentText(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).replace(/\*\//g, "*\\/");
}

/** A string literal; U+2028 and U+2029 escaped too (JSON leaves them raw, and older parsers choke). */
export function stringLiteral(text: string): string {
  return JSON.stringify(text).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

function inputStreams(model: FlowModel): InputStream[] {
  return model.streams.filter((s): s is InputStream => s.kind === "input");
}

/** The graph's object literal, each stream preceded by `// FILE:LINE  its declaration`. */
function graphLiteral(graph: FlowGraph, model: FlowModel, source: string): string {
  const streams = graph.streams.map((s) => `// ${commentText(`${source}:${s.line}  ${streamHeader(model, s)}`)}\n${literal(s, true)},`);
  const rest = Object.entries(graph)
    .filter(([key]) => key !== "flow" && key !== "streams" && key !== "worstCase" && key !== "expected")
    .map(([key, value]) => `${key}: ${literal(value)},`);
  return ["{", "flow: FLOW,", "streams: [", ...streams, "],", ...rest, "worstCase: WORST_CASE,", "expected: EXPECTED,", "}"].join("\n");
}

function streamHeader(model: FlowModel, stream: GraphStream): string {
  const found: Stream | undefined = model.byName.get(stream.name);
  return found ? declarationHeader(found.decl) : stream.name;
}

/**
 * A TypeScript literal for plain data. An object breaks over lines when asked to (`expand`) or when
 * one of its values holds objects in turn — prettier keeps an object expanded when its first key
 * starts a new line; others stay on one line while they fit.
 * Undefined properties are left out.
 */
export function literal(value: unknown, expand = false): string {
  if (value === undefined) return "undefined";
  if (typeof value === "string") return stringLiteral(value);
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => literal(v)).join(", ")}]`;
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  const fields = entries.map(([k, v]) => `${propertyName(k)}: ${literal(v)}`);
  const nested = expand || entries.some(([, v]) => typeof v === "object" && v !== null && !isFlat(v));
  return nested ? `{\n${fields.join(",\n")},\n}` : `{ ${fields.join(", ")} }`;
}

function isFlat(value: object): boolean {
  return Object.values(value).every((v) => v === null || typeof v !== "object" || (Array.isArray(v) && v.length === 0));
}

/**
 * A key of an object literal. `__proto__` is written as a computed key: as `__proto__: x` or
 * `"__proto__": x` it would set the object's prototype instead of defining the property.
 */
function propertyName(key: string): string {
  if (key === "__proto__") return `[${stringLiteral(key)}]`;
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : stringLiteral(key);
}

/** A declaration's first line as it reads in the flow, without its property block. */
export function declarationHeader(decl: StreamDecl): string {
  switch (decl.kind) {
    case "input": {
      const count = decl.count ? (decl.count.min === 0 ? `[${decl.count.max}]` : `[${decl.count.min}..${decl.count.max}]`) : "";
      const stable = decl.stable.length > 0 ? " stable" : "";
      const expect = decl.expect.map((e) => ` expect ${e.value}`).join("");
      return `input ${decl.name.text}: ${decl.type}${count}${stable}${expect}`;
    }
    case "node": {
      const args = decl.args.map((a) => (a.kind === "positional" ? refText(a.ref) : `${a.name.text}: ${refText(a.ref)}`));
      return `node ${decl.name.text} = ${decl.op.text}(${args.join(", ")})`;
    }
    case "gate":
      return `gate ${decl.name.text} = ${decl.conds.map((c) => `${c.source.text}.${c.metric.text} ${c.op} ${c.threshold.value}`).join(" and ")}`;
    case "review":
      return `review ${decl.name.text} = ${refText(decl.source)} by human`;
    case "select": {
      const by = decl.by.kind === "human" ? "human" : `${decl.by.kind} ${decl.by.metric.text}`;
      return `select ${decl.name.text} = ${decl.source.text} by ${by}`;
    }
  }
}

function refText(ref: Ref): string {
  return ref.rejected ? `${ref.name.text}.rejected` : ref.name.text;
}

/** What `flowc compile -o OUT.js` writes: the module as ESM JavaScript, and its declarations. */
export interface JavaScriptModule {
  javascript: string;
  declarations: string;
}

/** The generated module (TypeScript) as ESM JavaScript for Node 20, and its `.d.ts`. */
export async function emitJavaScript(code: string): Promise<JavaScriptModule> {
  const { ts } = await import("ts-morph");
  const compilerOptions = { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, declaration: true };
  const javascript = ts.transpileModule(code, { compilerOptions, reportDiagnostics: false }).outputText;
  const declarations = ts.transpileDeclaration(code, { compilerOptions, reportDiagnostics: false }).outputText;
  const prettier = await import("prettier");
  return {
    javascript: await prettier.format(javascript, { parser: "babel", printWidth: PRINT_WIDTH }),
    declarations: await prettier.format(declarations, { parser: "typescript", printWidth: PRINT_WIDTH }),
  };
}
