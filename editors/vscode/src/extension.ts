// The VS Code side of flowc: a language client that starts `flowc lsp` and hands it every .flow
// document. Every feature (diagnostics, hover, completion, quick fixes, formatting, inlay hints,
// semantic tokens) is the server's; this file only finds `flowc` and keeps the server running.
import { existsSync } from "node:fs";
import path from "node:path";
import { commands, window, workspace, type ExtensionContext, type OutputChannel } from "vscode";
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from "vscode-languageclient/node";

const LANGUAGE_ID = "flowc";

let client: LanguageClient | undefined;

export async function activate(context: ExtensionContext): Promise<void> {
  const output = window.createOutputChannel("flowc");
  context.subscriptions.push(output);
  context.subscriptions.push(
    commands.registerCommand("flowc.restartServer", async () => {
      await stop();
      await start(output);
    }),
    workspace.onDidChangeConfiguration(async (event) => {
      if (!event.affectsConfiguration("flowc.path")) return;
      await stop();
      await start(output);
    }),
  );
  await start(output);
}

export async function deactivate(): Promise<void> {
  await stop();
}

async function start(output: OutputChannel): Promise<void> {
  const command = flowcCommand();
  output.appendLine(`starting ${command} lsp`);
  // `.cmd` shims on Windows run only through a shell.
  const options = { shell: command.toLowerCase().endsWith(".cmd") };
  const server: ServerOptions = { command, args: ["lsp"], transport: TransportKind.stdio, options };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: LANGUAGE_ID },
      { scheme: "untitled", language: LANGUAGE_ID },
    ],
    // imports are read from disk and flowc.json holds the rules: tell the server when they change
    synchronize: { fileEvents: workspace.createFileSystemWatcher("**/{*.flow,flowc.json}") },
    outputChannel: output,
  };
  client = new LanguageClient("flowc", "flowc language server", server, clientOptions);
  try {
    await client.start();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    void window.showErrorMessage(`flowc: could not start \`${command} lsp\` (${reason}). Install flowc in the workspace (npm install flowc) or set "flowc.path".`);
  }
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running?.isRunning()) await running.stop();
}

/** `flowc.path` if set; else the workspace's node_modules/.bin/flowc; else `flowc` on the PATH. */
function flowcCommand(): string {
  const folders = workspace.workspaceFolders ?? [];
  const configured = workspace.getConfiguration("flowc").get<string>("path", "").trim();
  if (configured) {
    if (path.isAbsolute(configured) || folders.length === 0) return configured;
    return path.join(folders[0]!.uri.fsPath, configured);
  }
  const binary = process.platform === "win32" ? "flowc.cmd" : "flowc";
  for (const folder of folders) {
    const local = path.join(folder.uri.fsPath, "node_modules", ".bin", binary);
    if (existsSync(local)) return local;
  }
  return binary;
}
