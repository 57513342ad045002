import { generateFlow } from "./parse-timing";
const text = generateFlow(3400);
function a(text: string) { const starts = [0]; for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) starts.push(at + 1); return starts; }
function b(text: string) { const starts = [0]; for (let i = 0; i < text.length; i++) { if (text.charCodeAt(i) === 10) starts.push(i + 1); } return starts; }
function c(text: string) { return text.indexOf("\r"); }
function best(n: number, f: () => void) { let m = Infinity; for (let i = 0; i < n; i++) { const s = performance.now(); f(); m = Math.min(m, performance.now() - s); } return m; }
console.log("indexOf", best(20, () => a(text)).toFixed(2), "charCode", best(20, () => b(text)).toFixed(2), "cr", best(20, () => c(text)).toFixed(2));
