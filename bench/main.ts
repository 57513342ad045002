// `npm run bench`: every benchmark, measured in one run, printed as Markdown.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { reportParse } from "./parse";
import { reportSimulate } from "./simulate";
import { reportLsp } from "./lsp";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const sections = [reportParse(root), reportSimulate(root), await reportLsp(root)];
process.stdout.write(sections.map((s) => s.join("\n")).join("\n\n") + "\n");
