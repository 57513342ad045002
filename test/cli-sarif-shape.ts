// The part of SARIF 2.1.0 that GitHub code scanning requires of an upload (the full schema is not
// available offline): version, a run with a named tool driver and rules, and results with a rule,
// a level, a message and a physical location with a region.
const positive = { type: "integer", minimum: 1 };

export const SARIF_REQUIRED_SHAPE = {
  type: "object",
  required: ["$schema", "version", "runs"],
  properties: {
    $schema: { type: "string", pattern: "sarif" },
    version: { const: "2.1.0" },
    runs: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        required: ["tool", "results"],
        properties: {
          tool: {
            type: "object",
            required: ["driver"],
            properties: {
              driver: {
                type: "object",
                required: ["name", "rules"],
                properties: {
                  name: { type: "string", minLength: 1 },
                  version: { type: "string" },
                  informationUri: { type: "string", pattern: "^https?://" },
                  rules: {
                    type: "array",
                    items: {
                      type: "object",
                      required: ["id", "shortDescription", "defaultConfiguration"],
                      properties: {
                        id: { type: "string", minLength: 1 },
                        shortDescription: { type: "object", required: ["text"], properties: { text: { type: "string", minLength: 1 } } },
                        defaultConfiguration: { type: "object", required: ["level"], properties: { level: { enum: ["none", "note", "warning", "error"] } } },
                      },
                    },
                  },
                },
              },
            },
          },
          results: {
            type: "array",
            items: {
              type: "object",
              required: ["ruleId", "level", "message", "locations"],
              properties: {
                ruleId: { type: "string", minLength: 1 },
                ruleIndex: { type: "integer", minimum: 0 },
                level: { enum: ["none", "note", "warning", "error"] },
                message: { type: "object", required: ["text"], properties: { text: { type: "string", minLength: 1 } } },
                locations: {
                  type: "array",
                  minItems: 1,
                  items: {
                    type: "object",
                    required: ["physicalLocation"],
                    properties: {
                      physicalLocation: {
                        type: "object",
                        required: ["artifactLocation", "region"],
                        properties: {
                          artifactLocation: {
                            type: "object",
                            required: ["uri"],
                            // relative, forward slashes: no drive letter, no leading slash, no backslash
                            properties: { uri: { type: "string", minLength: 1, pattern: "^(?![A-Za-z]:|/)[^\\\\]+$" } },
                          },
                          region: {
                            type: "object",
                            required: ["startLine", "startColumn", "endLine", "endColumn"],
                            properties: { startLine: positive, startColumn: positive, endLine: positive, endColumn: positive },
                          },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
} as const;
