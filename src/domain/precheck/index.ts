export { PRECHECK_CODES, type PrecheckCode, type PrecheckWarning } from "./codes.js";
export { precheckLetter, type PrecheckOptions } from "./precheck.js";
export { quoteMatches } from "./quote.js";
export { compilePrecheckRules, getPrecheckRules, type PrecheckRules } from "./rules.js";
