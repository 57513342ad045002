// What the server does with an exception: a refusal meant for the user (a ResponseError, such as
// a rename to a keyword) goes back as it is; anything else is a bug in flowc, logged to the
// client's output and answered with an error, and the server goes on.
import { ErrorCodes, ResponseError, type Connection } from "vscode-languageserver/node";
import { DocumentNotOpen } from "./documents";
import { PositionOutsideDocument } from "./positions";

/** An intended refusal goes back as it is; anything else is a bug, logged and answered with an error. */
export function failure(connection: Connection, method: string, error: unknown): ResponseError {
  if (error instanceof ResponseError) return error;
  connection.console.error(`flowc: ${method} failed: ${describe(error)}`);
  const code = error instanceof PositionOutsideDocument || error instanceof DocumentNotOpen ? ErrorCodes.InvalidParams : ErrorCodes.InternalError;
  return new ResponseError(code, `flowc: ${method} failed: ${error instanceof Error ? error.message : String(error)}`);
}

export function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
