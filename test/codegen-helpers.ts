// Shared by the codegen and run tests: every sample analysed from disk, its generated module, and a
// strict type-check of generated modules against the runtime's sources.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { analyzeFile, type FileAnalysis } from "../compiler/index";
import { generateModule } from "../compiler/codegen";
import { ROOT } from "./cli-spawn";

export const SAMPLES = readdirSync(path.join(ROOT, "samples"))
  .filter((f) => f.endsWith(".flow"))
  .sort()
  .map((f) => `samples/${f}`);

export function analyzeSample(file: string): FileAnalysis {
  const host = {
    readFile: (f: string) => {
      try {
        return readFileSync(path.resolve(ROOT, f), "utf8");
      } catch {
        return undefined;
      }
    },
  };
  return analyzeFile(path.join(ROOT, file), readFileSync(path.join(ROOT, file), "utf8"), host);
}

export async function sampleModule(file: string): Promise<string> {
  const analysis = analyzeSample(file);
  if (!analysis.model || !analysis.cost) throw new Error(`${file} does not analyse: ${analysis.diagnostics.map((d) => d.message).join("; ")}`);
  return generateModule(analysis.model, analysis.cost, { sourceFile: file });
}

/** Type-checks TypeScript files with `--strict`, `flowc/runtime` mapped to the runtime's sources. */
export async function typeCheck(files: Record<string, string>): Promise<string[]> {
  const { default: ts } = await import("typescript");
  const dir = mkdtempSync(path.join(tmpdir(), "flowc-codegen-tsc-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  const tsconfig = {
    compilerOptions: {
      strict: true,
      noEmit: true,
      target: "ES2022",
      module: "ESNext",
      moduleResolution: "Bundler",
      lib: ["ES2022"],
      types: ["node"],
      typeRoots: [path.join(ROOT, "node_modules/@types")],
      esModuleInterop: true,
      resolveJsonModule: true,
      skipLibCheck: true,
      paths: { "flowc/runtime": [path.join(ROOT, "runtime/index.ts")] },
    },
    include: ["*.ts"],
  };
  writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(dir, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  if (!parsed) throw new Error("cannot read the temporary tsconfig.json");
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${path.basename(d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ` : "";
    return where + ts.flattenDiagnosticMessageText(d.messageText, "\n");
  });
}
