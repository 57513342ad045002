// The flows under the paths `flowc ui` was given, found again on every listing (files come and
// go) and analysed again only when a file changed (by size and modification time).
import { statSync } from "node:fs";
import type { FlowGraph } from "../runtime/index";
import { findFlowFiles, flowRow, flowView, runFlowView } from "./flows";
import type { FlowRow, FlowView } from "./views";

interface Known {
  stamp: string;
  row: FlowRow;
  full: string;
}

export class FlowIndex {
  private readonly known = new Map<string, Known>();

  constructor(
    readonly paths: readonly string[],
    readonly cwd: string,
  ) {}

  rows(): FlowRow[] {
    return this.refresh().map((k) => k.row);
  }

  /** the view of a listed file (by its shown path); undefined for any other path */
  view(shown: string): FlowView | undefined {
    const known = this.refresh().find((k) => k.row.file === shown);
    return known ? flowView(known.full, this.cwd) : undefined;
  }

  /** the shown path of the first listed file declaring `flow` */
  fileOf(flow: string): string | undefined {
    return this.refresh().find((k) => k.row.flow === flow)?.row.file;
  }

  runView(runId: string, graph: FlowGraph): FlowView {
    return runFlowView(runId, graph);
  }

  private refresh(): Known[] {
    const files = findFlowFiles(this.paths);
    const current: Known[] = [];
    for (const full of files) {
      const stamp = stampOf(full);
      let known = this.known.get(full);
      if (!known || known.stamp !== stamp) {
        known = { stamp, row: flowRow(full, this.cwd), full };
        this.known.set(full, known);
      }
      current.push(known);
    }
    return current;
  }
}

function stampOf(file: string): string {
  try {
    const stats = statSync(file);
    return `${stats.size}:${stats.mtimeMs}`;
  } catch {
    return "missing";
  }
}
