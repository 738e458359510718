// One codec for callback data: a button is a prefix plus typed, bounded fields. Keyboards encode
// with it and handlers decode with it, so a forged or outdated payload (a huge id, junk after a
// known prefix) is refused here and never reaches the database. Pure: no grammY, no Prisma; the
// bot and the workers (which build keyboards too) both use it.

/** PostgreSQL's `integer`: the largest id a row can have. */
export const MAX_ID = 2_147_483_647;

/** Telegram's limit for callback data. */
export const MAX_CALLBACK_BYTES = 64;

export interface Field<T> {
  /** What the raw text must look like (no capture groups, no anchors). */
  readonly pattern: string;
  parse(raw: string): T | undefined;
  format(value: T): string;
}

function integer(min: number, max: number): Field<number> {
  const digits = String(max).length;
  return {
    pattern: `\\d{1,${digits}}`,
    parse: (raw) => {
      // No leading zeros, so every number has exactly one spelling.
      if (raw.length > digits || (raw.length > 1 && raw.startsWith("0"))) return undefined;
      const n = Number(raw);
      return Number.isInteger(n) && n >= min && n <= max ? n : undefined;
    },
    format: (value) => {
      if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${value} is outside ${min}..${max}`);
      return String(value);
    },
  };
}

/** A database row id, 1..2147483647. */
export const id: Field<number> = integer(1, MAX_ID);

/** A page number or list offset. */
export const page: Field<number> = integer(0, 99_999);

/** One of a fixed set of short words. */
export function oneOf<const T extends string>(values: readonly T[]): Field<T> {
  const escaped = values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return {
    pattern: `(?:${escaped.join("|")})`,
    parse: (raw) => (values as readonly string[]).includes(raw) ? (raw as T) : undefined,
    format: (value) => value,
  };
}

/** A short token of letters, digits, "_" and "-" (a stored query id, a facet key, a locale). */
export function token(maxLength: number): Field<string> {
  const re = new RegExp(`^[A-Za-z0-9_-]{1,${maxLength}}$`);
  return {
    pattern: `[A-Za-z0-9_-]{1,${maxLength}}`,
    parse: (raw) => (re.test(raw) ? raw : undefined),
    format: (value) => {
      if (!re.test(value)) throw new RangeError(`"${value}" is not a token of at most ${maxLength} characters`);
      return value;
    },
  };
}

type Values<F extends readonly Field<unknown>[]> = { [K in keyof F]: F[K] extends Field<infer T> ? T : never };

export interface Callback<F extends readonly Field<unknown>[]> {
  readonly prefix: string;
  /** Every payload that claims this button: the prefix alone or followed by ":". Valid or not. */
  readonly claims: RegExp;
  encode(...values: Values<F>): string;
  /** The typed fields, or undefined for anything malformed or out of range. */
  decode(data: string | undefined): Values<F> | undefined;
}

/** A button: "prefix:field1:field2". Prefixes must not be a prefix-plus-":" of one another. */
export function callback<const F extends readonly Field<unknown>[]>(prefix: string, ...fields: F): Callback<F> {
  const escapedPrefix = prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const shape = new RegExp(`^${escapedPrefix}${fields.map((f) => `:(${f.pattern})`).join("")}$`);
  return {
    prefix,
    claims: new RegExp(`^${escapedPrefix}(?::|$)`),
    encode(...values) {
      const data = [prefix, ...fields.map((f, i) => f.format(values[i]))].join(":");
      if (Buffer.byteLength(data) > MAX_CALLBACK_BYTES) throw new RangeError(`callback data over ${MAX_CALLBACK_BYTES} bytes: ${prefix}`);
      return data;
    },
    decode(data) {
      if (data === undefined || Buffer.byteLength(data) > MAX_CALLBACK_BYTES) return undefined;
      const match = shape.exec(data);
      if (!match) return undefined;
      const values: unknown[] = [];
      for (const [i, field] of fields.entries()) {
        const value = field.parse(match[i + 1] ?? "");
        if (value === undefined) return undefined;
        values.push(value);
      }
      return values as Values<F>;
    },
  };
}
