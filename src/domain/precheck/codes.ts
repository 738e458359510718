/** The codes whose rules are lists of patterns in rules.json (the rest are computed). */
export const PATTERN_CODES = [
  "war",
  "case",
  "lgbt",
  "authorities",
  "swearing",
  "phone",
  "link",
  "email",
  "address",
  "codes",
  "slogans",
] as const;

/**
 * What the pre-check can warn about. The order of severity lives in rules.json, next to the rules.
 */
export const PRECHECK_CODES = ["not-russian", ...PATTERN_CODES] as const;

export type PrecheckCode = (typeof PRECHECK_CODES)[number];

/** One kind of trouble found in a letter, with a few fragments quoted as the writer typed them. */
export interface PrecheckWarning {
  code: PrecheckCode;
  matches: string[];
}

export type PatternCode = (typeof PATTERN_CODES)[number];
