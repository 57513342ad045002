// JSON Schema validation of what the runtime reads and writes (run records, decisions files,
// endpoint configs). Validators are compiled on first use.
import Ajv2020, { type ErrorObject, type ValidateFunction } from "ajv/dist/2020";
import decisionsSchema from "../schemas/decisions.schema.json";
import endpointsSchema from "../schemas/endpoints.schema.json";
import runRecordSchema from "../schemas/run-record.schema.json";

let ajv: Ajv2020 | undefined;
const compiled = new Map<object, ValidateFunction>();

function validator(schema: object): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    ajv ??= new Ajv2020({ allErrors: true, strict: false });
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

function describe(error: ErrorObject): string {
  const where = error.instancePath === "" ? "(root)" : error.instancePath;
  const allowed = error.keyword === "enum" ? ` (${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(", ")})` : "";
  const extra = error.keyword === "additionalProperties" ? ` "${(error.params as { additionalProperty: string }).additionalProperty}"` : "";
  return `${where} ${error.message ?? "is invalid"}${extra}${allowed}`;
}

/** The problems found, empty when the value is valid. */
export function problems(schema: object, value: unknown): string[] {
  const validate = validator(schema);
  return validate(value) ? [] : (validate.errors ?? []).map(describe);
}

export { decisionsSchema, endpointsSchema, runRecordSchema };
