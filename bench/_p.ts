import { parse } from "../grammar/index";
import { generateFlow } from "./parse-timing";
const text = generateFlow(3400);
for (let i = 0; i < 30; i++) parse(text);
