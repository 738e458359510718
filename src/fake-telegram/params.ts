import { badRequest } from "./errors.js";

/** A file part of a multipart request. */
export interface UploadedFile {
  fieldName: string;
  fileName: string;
  bytes: Buffer;
}

/**
 * The parameters of one Bot API call. Telegram accepts every parameter either as a JSON value or as
 * a string (form and multipart bodies carry objects as JSON strings), so accessors coerce both.
 */
export class Params {
  constructor(
    readonly values: Record<string, unknown>,
    readonly files: ReadonlyMap<string, UploadedFile> = new Map(),
  ) {}

  has(name: string): boolean {
    const v = this.values[name];
    return v !== undefined && v !== null && v !== "";
  }

  optionalString(name: string): string | undefined {
    const v = this.values[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v === "string") return v;
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    throw badRequest(`field "${name}" must be of type String`);
  }

  string(name: string, missing = `${name} is empty`): string {
    const v = this.optionalString(name);
    if (v === undefined || v === "") throw badRequest(missing);
    return v;
  }

  optionalInt(name: string): number | undefined {
    const v = this.values[name];
    if (v === undefined || v === null || v === "") return undefined;
    const n = typeof v === "number" ? v : typeof v === "string" ? Number(v) : Number.NaN;
    if (!Number.isInteger(n)) throw badRequest(`field "${name}" must be of type Integer`);
    return n;
  }

  int(name: string, missing = `${name} is empty`): number {
    const n = this.optionalInt(name);
    if (n === undefined) throw badRequest(missing);
    return n;
  }

  bool(name: string): boolean {
    const v = this.values[name];
    return v === true || v === "true" || v === "True" || v === 1 || v === "1";
  }

  /** An object or array parameter; strings are parsed as JSON like Telegram does. */
  json(name: string): unknown {
    const v = this.values[name];
    if (v === undefined || v === null || v === "") return undefined;
    if (typeof v !== "string") return v;
    try {
      return JSON.parse(v) as unknown;
    } catch {
      throw badRequest(`can't parse ${name} JSON object`);
    }
  }

  /** `chat_id` as a number: Telegram ids, or "@username" which this fake resolves through `resolveUsername`. */
  chatId(resolveUsername: (username: string) => number | undefined, name = "chat_id"): number {
    const raw = this.values[name];
    if (raw === undefined || raw === null || raw === "") throw badRequest(`${name} is empty`);
    if (typeof raw === "string" && raw.startsWith("@")) {
      const id = resolveUsername(raw.slice(1));
      if (id === undefined) throw badRequest("chat not found");
      return id;
    }
    const n = typeof raw === "number" ? raw : Number(raw);
    if (!Number.isInteger(n)) throw badRequest("chat not found");
    return n;
  }

  /** A summary fit for the call log: file parts are replaced by their name and size. */
  toLog(): Record<string, unknown> {
    const out: Record<string, unknown> = { ...this.values };
    for (const [name, file] of this.files) out[name] = { fileName: file.fileName, size: file.bytes.length };
    return out;
  }
}
