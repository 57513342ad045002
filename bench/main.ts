// `npm run bench`: every benchmark, measured in one run, printed as Markdown.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { reportParse } from "./parse";
import { reportSimulate } from "./simulate";
import { reportRuntime } from "./runtime";
import { reportLsp } from "./lsp";
import { reportRedis } from "./redis";
import { reportScale } from "./scale";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const sections = [reportParse(root), await reportScale(root), await reportRuntime(), reportSimulate(root), await reportLsp(root), await reportRedis(root)];
process.stdout.write(sections.map((s) => s.join("\n")).join("\n\n") + "\n");
