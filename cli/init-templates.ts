// What `flowc init` writes: flowc.json, a starter flow that checks clean (no diagnostic at all: its
// cap sits above the worst case and at 124% of the expected spend), and with `--ci github` a
// workflow. Kept as text here so that the bundle carries them; test/cli-init.test.ts checks the
// flow, and validates the workflow with actionlint.

export const STARTER_FLOW_PATH = "flows/starter.flow";

export const STARTER_FLOW = [
  "// A starter flow: cheap drafts of each prompt, a person approves the good ones, and only those",
  "// are rendered at full quality. `flowc cost flows/starter.flow` prices it node by node.",
  "flow starter {",
  "  input prompts: text[10]                   // up to 10 prompts per run",
  "",
  "  budget {",
  "    cap 45 credits                          // the run pauses here: above the worst case, 124% of expected",
  "    alert 90%                               // crossing 40.5 credits flags the run: a run above expected",
  "  }",
  "",
  "  model flux_schnell { rate 1 credit per megapixel }",
  "  model flux_pro     { rate 4 credits per megapixel }",
  "",
  "  // Cheap drafts first: one 512x512 image per prompt, 0.262144 credits each.",
  "  node drafts = generate(prompts) {",
  "    model flux_schnell",
  "    resolution 512x512",
  "  }",
  "",
  "  // A person approves the drafts worth finishing; about 80% usually are.",
  "  review approved = drafts by human { expect approve 80% }",
  "",
  "  // Full quality only for what was approved: 4.194304 credits each.",
  "  node final = generate(approved) {",
  "    model flux_pro",
  "    resolution 1024x1024",
  "  }",
  "",
  "  output final",
  "}",
].join("\n") + "\n";

export const CONFIG_TEXT =
  JSON.stringify(
    {
      $schema: "./node_modules/flowc/schemas/flowc-config.schema.json",
      include: ["flows/**/*.flow"],
      rules: {},
    },
    null,
    2,
  ) + "\n";

export const GITHUB_WORKFLOW_PATH = ".github/workflows/flowc.yml";

export const GITHUB_WORKFLOW = [
  "# flowc: every pull request that touches a flow is checked (annotations on the diff) and says what",
  "# it does to credit spend, in the job summary. Written by `flowc init --ci github`.",
  "name: flowc",
  "on:",
  "  pull_request:",
  "    paths: [\"**/*.flow\", \"flowc.json\"]",
  "",
  "permissions:",
  "  contents: read",
  "",
  "jobs:",
  "  spend:",
  "    runs-on: ubuntu-latest",
  "    steps:",
  "      - uses: actions/checkout@v4",
  "        with:",
  "          fetch-depth: 0 # the base commit, for flowc diff",
  "      - uses: actions/setup-node@v4",
  "        with:",
  "          node-version: 20",
  "          cache: npm",
  "      - run: npm ci",
  "      - name: flowc check",
  "        run: npx flowc check --format github --deny-warnings",
  "      - name: flowc diff",
  "        env:",
  "          BASE: ${{ github.event.pull_request.base.sha }}",
  "        run: npx flowc diff --base \"$BASE\" --format markdown >> \"$GITHUB_STEP_SUMMARY\"",
].join("\n") + "\n";
