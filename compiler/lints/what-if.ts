// "What would the flow spend after this fix?": the pricing core prices the branch a fix changes,
// before and after, so every lint figure is the fixed flow minus the flow now
// (compiler/pricing/index.ts `savingOf`).
export { savingOf, expectedNodeCost, outputPrice, type Spend } from "../pricing/index";
