// Reading a prisoner list file (CSV or JSON, format: docs/prisoner-import.md) into validated
// records, with every problem reported by line, and telling what an update means for writers
// (a release, a transfer, a person no longer reachable). Pure: no database, no Telegram.
import type { z } from "zod";
import { prisonerRecordSchema, type CannotReceiveReasonKey, type PrisonerInput } from "./prisoner-record.js";

export type ImportFormat = "csv" | "json";

export interface ImportRow {
  /** Line of the file where the record starts (1-based). */
  line: number;
  record: PrisonerInput;
}

export interface ImportError {
  /** 1-based line; 0 when the problem is the whole file. */
  line: number;
  message: string;
}

export interface ImportParseResult {
  format: ImportFormat;
  rows: ImportRow[];
  errors: ImportError[];
}

/** Columns a CSV must have (the others may be left out; an empty cell is "no value"). */
export const REQUIRED_COLUMNS = [
  "externalId",
  "lastName",
  "firstName",
  "birthDate",
  "region",
  "facilityName",
  "canReceiveLetters",
  "caseSummaryRu",
] as const;

export const OPTIONAL_COLUMNS = [
  "patronymic",
  "lastNameLatin",
  "firstNameLatin",
  "patronymicLatin",
  "caseSummaryEn",
  "regionEn",
  "postalAddress",
  "cannotReceiveReason",
  "releasedAt",
  "articles",
  "sentenceRu",
  "sentenceEn",
  "inCustodySince",
  "interests",
  "views",
  "professionRu",
  "professionEn",
  "lettersCount",
] as const;

/**
 * CSV cells holding lists: items separated by ";" (in a ";"-separated file such a cell is quoted,
 * as spreadsheets do by themselves).
 */
const LIST_COLUMNS = new Set(["articles", "interests", "views"]);
const KNOWN_COLUMNS = new Set<string>([...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS]);
const REQUIRED = new Set<string>(REQUIRED_COLUMNS);
/** Files larger than this are refused before parsing (the real list is a few thousand rows). */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;

export class ImportFileError extends Error {}

/**
 * Decodes UTF-8 (a BOM is allowed and dropped); anything else is refused with a message saying
 * what to do, instead of importing mojibake names.
 */
export function decodeUtf8(bytes: Uint8Array): string {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    throw new ImportFileError("the file is UTF-16; save it as UTF-8");
  }
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return text.startsWith("\uFEFF") ? text.slice(1) : text;
  } catch {
    const offset = firstInvalidUtf8Byte(bytes);
    const line = new TextDecoder("utf-8").decode(bytes.subarray(0, offset)).split("\n").length;
    throw new ImportFileError(
      `the file is not valid UTF-8 (first bad byte on line ${line}); save it as UTF-8 (Windows-1251 and other encodings are not accepted)`,
    );
  }
}

/** Index of the first byte that breaks UTF-8 (for the error message). */
function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const size = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (size === 0) return i;
    for (let k = 1; k < size; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    i += size;
  }
  return i;
}

function formatOf(fileName: string, text: string): ImportFormat {
  if (/\.json$/i.test(fileName)) return "json";
  if (/\.csv$/i.test(fileName)) return "csv";
  return /^\s*[[{]/.test(text) ? "json" : "csv";
}

/** Parses a prisoner list; never throws for bad content, every problem lands in `errors`. */
export function parsePrisonerFile(bytes: Uint8Array, fileName = "", format?: ImportFormat): ImportParseResult {
  if (bytes.length > MAX_IMPORT_BYTES) {
    return { format: format ?? "csv", rows: [], errors: [{ line: 0, message: `the file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB` }] };
  }
  let text: string;
  try {
    text = decodeUtf8(bytes);
  } catch (err) {
    return { format: format ?? "csv", rows: [], errors: [{ line: 0, message: (err as Error).message }] };
  }
  const fmt = format ?? formatOf(fileName, text);
  const parsed = fmt === "json" ? readJson(text) : readCsv(text);
  const result: ImportParseResult = { format: fmt, rows: [], errors: [...parsed.errors] };
  if (parsed.errors.some((e) => e.line === 0)) return result;
  const firstLineOf = new Map<string, number>();
  for (const { line, value } of parsed.records) {
    const check = prisonerRecordSchema.safeParse(value);
    if (!check.success) {
      for (const message of issueMessages(check.error)) result.errors.push({ line, message });
      continue;
    }
    const first = firstLineOf.get(check.data.externalId);
    if (first !== undefined) {
      result.errors.push({ line, message: `externalId ${check.data.externalId} is already on line ${first}` });
      continue;
    }
    firstLineOf.set(check.data.externalId, line);
    result.rows.push({ line, record: check.data });
  }
  if (result.errors.length === 0 && result.rows.length === 0) result.errors.push({ line: 0, message: "the file has no prisoners" });
  result.errors.sort((a, b) => a.line - b.line);
  return result;
}

function issueMessages(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    if (issue.code === "unrecognized_keys") return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.join(", ")}`;
    const field = issue.path.map(String).join(".");
    if (issue.code === "invalid_value" && "values" in issue) {
      return `${field} must be one of ${issue.values.map(String).join(", ")}`;
    }
    if (issue.code === "invalid_type") return `${field} ${issue.input === undefined ? "is missing" : `has the wrong type (expected ${issue.expected})`}`;
    return `${field} ${issue.message}`.trim();
  });
}

interface RawRecords {
  records: { line: number; value: unknown }[];
  errors: ImportError[];
}

// --- CSV (RFC 4180: quoted fields may hold the separator, quotes doubled, and line breaks) ---

interface CsvRecord {
  line: number;
  fields: string[];
}

/** Field separators a spreadsheet may save with: "," (RFC 4180), ";" (Excel in Russian and other locales), tab. */
export type CsvDelimiter = "," | ";" | "\t";
const DELIMITERS: readonly CsvDelimiter[] = [",", ";", "\t"];

/**
 * The separator of a file, read from its header line: the candidate that occurs most often outside
 * quotes (field names contain none of them). "," when the line has none (a one-column file).
 */
export function detectDelimiter(text: string): CsvDelimiter {
  const counts = new Map<CsvDelimiter, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === "\n" || ch === "\r")) break;
    else if (!quoted && counts.has(ch as CsvDelimiter)) counts.set(ch as CsvDelimiter, counts.get(ch as CsvDelimiter)! + 1);
  }
  let best: CsvDelimiter = ",";
  for (const d of DELIMITERS) if (counts.get(d)! > counts.get(best)!) best = d;
  return best;
}

export function splitCsv(text: string, delimiter: CsvDelimiter = ","): { records: CsvRecord[]; errors: ImportError[] } {
  const records: CsvRecord[] = [];
  const errors: ImportError[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    let field = "";
    let broken: string | undefined;
    for (;;) {
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= n) {
            broken = "a quoted field is not closed";
            break;
          }
          const ch = text[i]!;
          if (ch === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (ch === "\n") line++;
          field += ch;
          i++;
        }
        if (!broken && i < n && text[i] !== delimiter && text[i] !== "\n" && text[i] !== "\r") {
          broken = "text after a closing quote (a quote inside a field must be doubled)";
        }
      } else {
        while (i < n && text[i] !== delimiter && text[i] !== "\n" && text[i] !== "\r") {
          if (text[i] === '"' && !broken) broken = "a quote inside an unquoted field (quote the whole field)";
          field += text[i];
          i++;
        }
      }
      if (broken) {
        // Skip to the end of the physical line and go on with the next record.
        while (i < n && text[i] !== "\n") i++;
        break;
      }
      fields.push(field);
      field = "";
      if (text[i] === delimiter) {
        i++;
        continue;
      }
      break;
    }
    if (text[i] === "\r") i++;
    if (text[i] === "\n") {
      i++;
      line++;
    }
    if (broken) {
      errors.push({ line: startLine, message: broken });
      continue;
    }
    // Blank lines (a trailing newline, spacing) are not records.
    if (fields.length === 1 && fields[0]!.trim() === "") continue;
    records.push({ line: startLine, fields });
  }
  return { records, errors };
}

function csvValue(column: string, raw: string, line: number, errors: ImportError[]): unknown {
  const value = raw.trim();
  if (LIST_COLUMNS.has(column)) return value === "" ? [] : value.split(";").map((s) => s.trim()).filter(Boolean);
  if (column === "canReceiveLetters") {
    // Spreadsheets in Russian write booleans as ИСТИНА / ЛОЖЬ.
    if (/^(true|yes|1|да|истина)$/i.test(value)) return true;
    if (/^(false|no|0|нет|ложь)$/i.test(value)) return false;
    errors.push({ line, message: `canReceiveLetters must be true or false, not "${value.slice(0, 40)}"` });
    return undefined;
  }
  if (column === "lettersCount") {
    if (value === "") return undefined;
    if (/^\d{1,9}$/.test(value)) return Number(value);
    errors.push({ line, message: `lettersCount must be a whole number ≥ 0, not "${value.slice(0, 40)}"` });
    return undefined;
  }
  if (value === "") return REQUIRED.has(column) ? "" : null;
  return value;
}

function readCsv(text: string): RawRecords {
  const { records, errors } = splitCsv(text, detectDelimiter(text));
  const header = records.shift();
  if (!header) return { records: [], errors: [{ line: 0, message: "the file is empty" }] };
  const columns = header.fields.map((c) => c.trim());
  const headerErrors: ImportError[] = [];
  const unknown = columns.filter((c) => !KNOWN_COLUMNS.has(c));
  if (unknown.length > 0) headerErrors.push({ line: header.line, message: `unknown column${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}` });
  const missing = REQUIRED_COLUMNS.filter((c) => !columns.includes(c));
  if (missing.length > 0) headerErrors.push({ line: header.line, message: `missing column${missing.length > 1 ? "s" : ""}: ${missing.join(", ")}` });
  const repeated = columns.filter((c, i) => columns.indexOf(c) !== i);
  if (repeated.length > 0) headerErrors.push({ line: header.line, message: `repeated column: ${[...new Set(repeated)].join(", ")}` });
  if (headerErrors.length > 0) {
    // Without a sound header no row can be read: one file-level error per problem.
    return { records: [], errors: headerErrors.map((e) => ({ ...e, line: 0, message: `line ${e.line}: ${e.message}` })) };
  }
  const out: RawRecords = { records: [], errors };
  for (const record of records) {
    if (record.fields.length !== columns.length) {
      errors.push({ line: record.line, message: `has ${record.fields.length} fields, the header has ${columns.length}` });
      continue;
    }
    const before = errors.length;
    const value: Record<string, unknown> = {};
    columns.forEach((column, index) => {
      const v = csvValue(column, record.fields[index]!, record.line, errors);
      if (v !== undefined) value[column] = v;
    });
    if (errors.length === before) out.records.push({ line: record.line, value });
  }
  return out;
}

// --- JSON: an array of records, or { "prisoners": [...] } (the demo file's shape) ---

/**
 * Lines where the records start: JSON.parse gives no positions, so a small scanner finds every
 * object that opens directly inside the records array.
 */
function recordStartLines(text: string, wrapped: boolean): number[] {
  const lines: number[] = [];
  const stack: ("{" | "[")[] = [];
  let line = 1;
  let inString = false;
  let lastString = "";
  let current = "";
  let recordsArrayDepth = wrapped ? -1 : 1;
  let rootKey = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "\n") line++;
    if (inString) {
      if (ch === "\\") {
        current += text[i + 1] ?? "";
        i++;
      } else if (ch === '"') {
        inString = false;
        lastString = current;
      } else current += ch;
      continue;
    }
    if (ch === '"') {
      inString = true;
      current = "";
    } else if (ch === ":" && stack.length === 1 && stack[0] === "{") {
      rootKey = lastString;
    } else if (ch === "{" || ch === "[") {
      if (ch === "[" && wrapped && stack.length === 1 && rootKey === "prisoners") recordsArrayDepth = 2;
      if (ch === "{" && stack.length === recordsArrayDepth && stack.at(-1) === "[") lines.push(line);
      stack.push(ch);
    } else if (ch === "}" || ch === "]") {
      stack.pop();
    }
  }
  return lines;
}

function readJson(text: string): RawRecords {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const position = /position (\d+)/.exec(message)?.[1];
    const line = position === undefined ? 0 : text.slice(0, Number(position)).split("\n").length;
    return { records: [], errors: [{ line: 0, message: `not valid JSON${line ? ` (line ${line})` : ""}: ${message}` }] };
  }
  const wrapped = !Array.isArray(doc);
  const records = Array.isArray(doc) ? doc : (doc as { prisoners?: unknown } | null)?.prisoners;
  if (!Array.isArray(records)) {
    return { records: [], errors: [{ line: 0, message: 'expected an array of prisoners or { "prisoners": [...] }' }] };
  }
  const starts = recordStartLines(text, wrapped);
  const out: RawRecords = { records: [], errors: [] };
  let objectIndex = 0;
  records.forEach((value: unknown, index) => {
    const isObject = typeof value === "object" && value !== null && !Array.isArray(value);
    const line = isObject ? (starts[objectIndex++] ?? 0) : 0;
    if (!isObject) out.errors.push({ line, message: `record #${index + 1} is not an object` });
    else out.records.push({ line, value });
  });
  return out;
}

// --- What an update means for writers ---

export type PrisonerEvent = "released" | "unreachable" | "transferred";

export interface PrisonerState {
  canReceiveLetters: boolean;
  cannotReceiveReason: CannotReceiveReasonKey | null;
  facilityName: string;
  postalAddress: string | null;
}

/**
 * The event an update is, if any: released (the reason became "released"), unreachable (could
 * receive letters and now cannot, for another reason), or transferred (still reachable, and the
 * facility or a known address changed). A person who just became reachable is none of these.
 */
export function prisonerEventOf(previous: PrisonerState, next: PrisonerState): PrisonerEvent | null {
  if (next.cannotReceiveReason === "released" && previous.cannotReceiveReason !== "released") return "released";
  if (previous.canReceiveLetters && !next.canReceiveLetters) return "unreachable";
  if (!next.canReceiveLetters || !previous.canReceiveLetters) return null;
  const moved =
    previous.facilityName !== next.facilityName ||
    (previous.postalAddress !== null && previous.postalAddress !== next.postalAddress);
  return moved ? "transferred" : null;
}

/** Whether writers must stop being assigned to the person after this event. */
export function endsAssignments(event: PrisonerEvent): boolean {
  return event !== "transferred";
}
