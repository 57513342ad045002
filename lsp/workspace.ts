// The workspace's `.flow` files, open or not, for the requests that reach past the open documents:
// find references and rename. A model or op declared in a file that others import is referenced
// from files the editor has never opened; renaming it must change them too, or they break.
// Files are listed as `flowc check` lists a folder (compiler/project-files.ts: .gitignore
// honoured, node_modules skipped) and read afresh for each request, open documents from the editor.
import fs, { existsSync } from "node:fs";
import { IgnoreRules, filesUnder, projectDisk, repositoryRoot } from "../compiler/project-files";

const DISK = projectDisk(fs);

/** Every `.flow` file under the workspace folders, as absolute paths, each once. */
export function workspaceFlowFiles(folders: readonly string[]): string[] {
  const files = new Set<string>();
  for (const folder of folders) {
    const ignoreRules = new IgnoreRules(repositoryRoot(folder, existsSync), DISK);
    for (const file of filesUnder(folder, { ignore: ignoreRules }, DISK)) files.add(file);
  }
  return [...files];
}
