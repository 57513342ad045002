import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // builds dist/ once for the tests that spawn the CLI
    globalSetup: ["test/global-setup.ts"],
    // compares the AST's ranges as they read (test/setup.ts)
    setupFiles: ["test/setup.ts"],
    // every core (vitest's default leaves one idle: on a 2-core machine that is one worker and
    // twice the time); tests that spawn processes wait on them, so the cores stay busy either way
    maxWorkers: availableParallelism(),
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
