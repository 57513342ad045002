#!/usr/bin/env sh
# Builds the VS Code extension (editors/vscode) into a .vsix: installs its own dependencies (the
# language client, @vscode/vsce, esbuild, the VS Code types — none of them are flowc's), type-checks
# the client, bundles it with esbuild and packages it with vsce. Not part of `npm test`.
#   npm run package:vscode        → editors/vscode/flowc-vscode.vsix
set -eu
cd "$(dirname "$0")/../editors/vscode"
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
npm run package
echo "packaged: $(pwd)/flowc-vscode.vsix"
