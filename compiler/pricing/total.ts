// The worst case straight from each branch's bottom-up functions, without the witness: the tests
// hold it against the witness' total, which is what the report gives.
import { Decimal } from "../../syntax/credits";
import type { FlowModel } from "../model";
import { branchesOf } from "./branches";
import { BranchShape } from "./shape";
import { branchWorst, worstFns } from "./worst";
import { decimalText } from "./units";

export function worstCaseTotal(model: FlowModel, options: { warm: boolean }): Decimal {
  let scale = 0;
  let total = 0n;
  for (const branch of branchesOf(model)) {
    const shape = new BranchShape(branch, options.warm);
    const worst = branchWorst(shape, worstFns(shape));
    const common = Math.max(scale, shape.units.scale);
    total = total * 10n ** BigInt(common - scale) + worst * 10n ** BigInt(common - shape.units.scale);
    scale = common;
  }
  return new Decimal(decimalText(total, scale));
}
