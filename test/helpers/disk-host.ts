// The source host the tests analyse with: imports read from disk, an unreadable file is missing.
import { readFileSync } from "node:fs";
import type { SourceHost } from "../../compiler/index";

export const diskHost: SourceHost = {
  readFile(file: string): string | undefined {
    try {
      return readFileSync(file, "utf8");
    } catch {
      return undefined;
    }
  },
};
