/**
 * Loads and compiles the pre-check rules from rules.json (the one place where they are written).
 *
 * Pattern syntax, for whoever edits rules.json:
 * - A pattern is a JavaScript regular expression (always run with the `u` flag) over normalised
 *   text: "ё" is written "е", every run of spaces and line breaks is one space, dashes are "-",
 *   apostrophes are "'". Folded patterns (the default) see lower-case text and must be written in
 *   lower case.
 * - `~` stands for "any word ending" (`\p{L}*`), so "воен~" covers военный, военные, военкомат.
 * - A plain string is a whole-word pattern: it only matches where a word starts and ends, so
 *   "суд(а|у|ом)?" never fires inside "судьба" or "посуда". Phrases are plain strings with spaces.
 * - An object `{ "re", "match": "raw" }` is matched anywhere (phones, links); `"match": "part"`
 *   matches inside words and quotes the whole word ("пизд" in any word); `"case": "keep"` runs
 *   on the text with its capital letters; `"digits": { "min", "max" }` keeps only matches with that
 *   many digits; `"requires": [...]` skips the pattern unless the lower-case text contains one of
 *   those strings (for expensive patterns such as e-mail addresses, which need an "@").
 * - `exceptions` of a category cancel its matches that lie inside them ("Война и мир").
 * No backreferences or named groups: patterns of a category are joined into one expression.
 */
import { z } from "zod";
import { PATTERN_CODES, PRECHECK_CODES, type PatternCode, type PrecheckCode } from "./codes.js";
import rawRules from "./rules.json" with { type: "json" };

// Whole-word patterns end with this lookahead. They are tried only where a word starts (sticky
// expressions run from each word start in code): a leading lookbehind instead would make the engine
// try every alternative at every character, about ten times slower.
const WORD_AFTER = "(?![\\p{L}\\p{N}*])";

interface PatternSpec {
  re: string;
  match: "word" | "part" | "raw";
  case: "fold" | "keep";
  digits?: { min: number; max: number } | undefined;
  requires?: string[] | undefined;
}

function checkPattern(spec: PatternSpec, ctx: z.RefinementCtx): PatternSpec {
  const source = spec.re.replaceAll("~", "\\p{L}*");
  const fail = (message: string): PatternSpec => {
    ctx.addIssue({ code: "custom", message: `${message}: ${spec.re}` });
    return spec;
  };
  let regex: RegExp;
  try {
    regex = new RegExp(`^(?:${source})$`, "u");
  } catch (error) {
    return fail(`not a valid regular expression (${(error as Error).message})`);
  }
  if (regex.test("")) return fail("matches the empty string");
  if (/\\[1-9]|\\k<|\(\?<(?![=!])/.test(source)) return fail("backreferences and named groups are not allowed");
  const literal = source.replace(/\\[pPu]\{[^}]*\}|\\./g, "");
  if (spec.case === "fold" && /[\p{Lu}ё]/u.test(literal)) {
    return fail('folded patterns see lower-case text with "е" for "ё": write them that way');
  }
  return { ...spec, re: source };
}

const patternSchema = z
  .union([
    z.string().min(1),
    z
      .object({
        re: z.string().min(1),
        match: z.enum(["word", "part", "raw"]).default("word"),
        case: z.enum(["fold", "keep"]).default("fold"),
        digits: z.object({ min: z.number().int().min(1), max: z.number().int().min(1) }).strict().optional(),
        requires: z.array(z.string().min(1)).min(1).optional(),
        note: z.string().optional(),
      })
      .strict(),
  ])
  .transform((value, ctx): PatternSpec => {
    const spec: PatternSpec =
      typeof value === "string"
        ? { re: value, match: "word", case: "fold" }
        : { re: value.re, match: value.match, case: value.case, digits: value.digits, requires: value.requires };
    return checkPattern(spec, ctx);
  });

const categorySchema = z
  .object({
    about: z.string().min(1),
    terms: z.array(patternSchema).min(1),
    exceptions: z.array(patternSchema).default([]),
  })
  .strict();

const share = z.number().min(0).max(1);
const count = z.number().int().min(0);

export const precheckRulesSchema = z
  .object({
    version: z.number().int().min(1),
    severity: z
      .array(z.enum(PRECHECK_CODES))
      .refine((list) => list.length === PRECHECK_CODES.length && new Set(list).size === list.length, {
        message: "severity must list every pre-check code exactly once",
      }),
    language: z
      .object({
        shortTextLetters: count,
        shortTextMinForeignLetters: count,
        maxForeignShare: share,
        nonRussianCyrillic: z.string().min(1),
        minNonRussianCyrillic: count,
        maxNonRussianCyrillicShare: share,
      })
      .strict(),
    codes: z
      .object({
        abbreviationLength: z.object({ min: z.number().int().min(2), max: z.number().int().min(2) }).strict(),
        allowAbbreviations: z.array(z.string().min(1)),
        maxUppercaseShare: share,
        cipherMinSwitches: z.number().int().min(2),
        minNumberRun: z.number().int().min(3),
        minLatinWords: z.number().int().min(1),
        allowLatinWords: z.array(z.string().min(1)),
      })
      .strict(),
    categories: z.record(z.enum(PATTERN_CODES), categorySchema),
  })
  .strict();

/** One compiled search: a global regular expression and the text it runs on. */
export interface CompiledSearch {
  readonly regex: RegExp;
  readonly onCased: boolean;
  /** "word": a match must start a word; "part": a match stands for the whole word around it. */
  readonly mode: "word" | "part" | "raw";
  readonly digits?: { min: number; max: number } | undefined;
  /** Skip the search unless the folded text contains one of these strings (a cheap pre-filter). */
  readonly requires?: readonly string[] | undefined;
}

export interface CompiledCategory {
  readonly code: PatternCode;
  readonly searches: readonly CompiledSearch[];
  readonly exceptions: readonly CompiledSearch[];
}

export interface PrecheckRules {
  readonly version: number;
  /** Most severe first. */
  readonly severity: readonly PrecheckCode[];
  readonly language: z.infer<typeof precheckRulesSchema>["language"];
  readonly codes: {
    readonly abbreviationLength: { min: number; max: number };
    /** Upper case, "ё" written "Е". */
    readonly allowAbbreviations: ReadonlySet<string>;
    readonly maxUppercaseShare: number;
    readonly cipherMinSwitches: number;
    readonly minNumberRun: number;
    readonly minLatinWords: number;
    /** Lower case. */
    readonly allowLatinWords: ReadonlySet<string>;
  };
  readonly categories: ReadonlyMap<PatternCode, CompiledCategory>;
}

/** Joins the patterns of one category into as few expressions as possible. */
function compileSearches(specs: readonly PatternSpec[]): CompiledSearch[] {
  const searches: CompiledSearch[] = [];
  const alone = (spec: PatternSpec) => spec.digits !== undefined || spec.requires !== undefined;
  const body = (spec: PatternSpec) => (spec.match === "word" ? `(?:${spec.re})${WORD_AFTER}` : `(?:${spec.re})`);
  for (const onCased of [false, true]) {
    for (const mode of ["word", "part", "raw"] as const) {
      const group = specs.filter(
        (spec) => (spec.case === "keep") === onCased && spec.match === mode && !alone(spec),
      );
      if (group.length === 0) continue;
      const source = mode === "word" ? `(?:${group.map((spec) => spec.re).join("|")})${WORD_AFTER}` : group.map(body).join("|");
      searches.push({ regex: new RegExp(source, mode === "word" ? "uy" : "gu"), onCased, mode });
    }
  }
  // Patterns with a digit count or a pre-filter keep their own expression.
  for (const spec of specs.filter(alone)) {
    searches.push({
      regex: new RegExp(body(spec), spec.match === "word" ? "uy" : "gu"),
      onCased: spec.case === "keep",
      mode: spec.match,
      digits: spec.digits,
      requires: spec.requires,
    });
  }
  return searches;
}

/** Validates raw rules (the parsed rules.json) and compiles them; throws a readable error if bad. */
export function compilePrecheckRules(raw: unknown): PrecheckRules {
  const parsed = precheckRulesSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`Invalid pre-check rules: ${z.prettifyError(parsed.error)}`);
  }
  const rules = parsed.data;
  const categories = new Map<PatternCode, CompiledCategory>();
  for (const code of PATTERN_CODES) {
    const category = rules.categories[code];
    categories.set(code, {
      code,
      searches: compileSearches(category.terms),
      exceptions: compileSearches(category.exceptions),
    });
  }
  const fold = (word: string) => word.replaceAll("ё", "е").replaceAll("Ё", "Е");
  return {
    version: rules.version,
    severity: rules.severity,
    language: rules.language,
    codes: {
      ...rules.codes,
      allowAbbreviations: new Set(rules.codes.allowAbbreviations.map((word) => fold(word).toUpperCase())),
      allowLatinWords: new Set(rules.codes.allowLatinWords.map((word) => word.toLowerCase())),
    },
    categories,
  };
}

let cached: PrecheckRules | undefined;

/** The rules shipped in rules.json, validated and compiled once on first use. */
export function getPrecheckRules(): PrecheckRules {
  cached ??= compilePrecheckRules(rawRules);
  return cached;
}
