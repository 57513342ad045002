// `flowc lsp`: the language server (lsp/server.ts) over stdin and stdout, for editors. The server
// and vscode-languageserver are imported here, lazily, so that no other command loads them.
import type { Command } from "commander";
import { type CliCommand, type CommandContext, examples } from "../command";
import { EXIT_OK } from "../exit";
import { FLOWC_VERSION } from "../../compiler/version";

export const lspCommand: CliCommand = {
  register(program: Command, context: CommandContext) {
    program
      .command("lsp")
      .description("Run the language server (Language Server Protocol over stdin and stdout) for editors.")
      .option("--stdio", "talk over stdin and stdout (the default; accepted because editors pass it)")
      .addHelpText("after", "\nThe VS Code extension in editors/vscode starts it; other editors run `flowc lsp` as a stdio server.\n" + examples("flowc lsp"))
      .action(async () => {
        const { startServer } = await import("../../lsp/server");
        // The server runs until the client sends `exit` or closes stdin; it ends the process itself.
        startServer({ version: FLOWC_VERSION });
        context.finish(EXIT_OK);
      });
  },
};
