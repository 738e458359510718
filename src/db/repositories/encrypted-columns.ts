// The one place where columns holding what writers and operators typed are encrypted at rest.
// A Prisma query extension encrypts them on every write and decrypts them on every read, nested
// includes too, so repositories and their callers keep plain strings (src/privacy/cipher.ts).
import { Prisma } from "../../generated/prisma/client.js";
import { decryptText, encryptText, type Keyring } from "../../privacy/cipher.js";

/** Encrypted columns by model: a letter's words, the names writers sign with, requests' free text (an operator's decline reason too), replies' translations. */
export const ENCRYPTED_COLUMNS = {
  Letter: ["text", "signatureName", "translationText"],
  Writer: ["signatureName"],
  SpecificRequest: ["fullName", "facility", "declineReason"],
  Reply: ["translationText"],
} as const satisfies Partial<Record<Prisma.ModelName, readonly string[]>>;

/** The same columns as PostgreSQL names them, for `keys rotate` (which works on raw ciphertext). */
export const ENCRYPTED_TABLES = [
  { table: "letters", columns: ["text", "signature_name", "translation_text"] },
  { table: "writers", columns: ["signature_name"] },
  { table: "specific_requests", columns: ["full_name", "facility", "decline_reason"] },
  { table: "replies", columns: ["translation_text"] },
] as const;

type ModelName = Prisma.ModelName;

/**
 * Relation fields that can lead to an encrypted model (kept in step with prisma/schema.prisma;
 * tests/db/encrypted-columns.test.ts checks it against the schema).
 */
export const RELATIONS: Partial<Record<ModelName, Record<string, ModelName>>> = {
  Writer: {
    letters: "Letter",
    specificRequests: "SpecificRequest",
    assignments: "Assignment",
    reminderSettings: "ReminderSettings",
    remindersSent: "ReminderSent",
  },
  Prisoner: { letters: "Letter", specificRequests: "SpecificRequest", assignments: "Assignment" },
  Assignment: { writer: "Writer", prisoner: "Prisoner", letter: "Letter" },
  Letter: { writer: "Writer", prisoner: "Prisoner", specificRequest: "SpecificRequest", batch: "PrintBatch", pages: "LetterPage", statusEvents: "LetterStatusEvent", replies: "Reply", assignment: "Assignment" },
  LetterPage: { letter: "Letter" },
  LetterStatusEvent: { letter: "Letter", operator: "Operator" },
  Reply: { letter: "Letter", operator: "Operator", pages: "ReplyPage" },
  ReplyPage: { reply: "Reply" },
  Operator: { statusEvents: "LetterStatusEvent", replies: "Reply" },
  PrintBatch: { letters: "Letter" },
  SpecificRequest: { writer: "Writer", prisoner: "Prisoner", letter: "Letter" },
  ReminderSettings: { writer: "Writer" },
  ReminderSent: { writer: "Writer" },
};

type Row = Record<string, unknown>;

function columnsOf(model: ModelName): readonly string[] {
  return (ENCRYPTED_COLUMNS as Partial<Record<ModelName, readonly string[]>>)[model] ?? [];
}

function isRow(value: unknown): value is Row {
  return typeof value === "object" && value !== null && !(value instanceof Date) && !Buffer.isBuffer(value);
}

/** Ciphertext this very query wrote, mapped to its plaintext: a written row comes back without decrypting. */
type Written = Map<string, string>;

/** Decrypts, in place, the encrypted columns of `model` found in a result and in its included relations. */
function decryptResult(keyring: Keyring, model: ModelName, value: unknown, written: Written): void {
  if (Array.isArray(value)) {
    for (const item of value) decryptResult(keyring, model, item, written);
    return;
  }
  if (!isRow(value)) return;
  for (const column of columnsOf(model)) {
    const stored = value[column];
    if (typeof stored === "string") value[column] = written.get(stored) ?? decryptText(keyring, stored);
  }
  for (const [field, related] of Object.entries(RELATIONS[model] ?? {})) {
    if (field in value) decryptResult(keyring, related, value[field], written);
  }
}

function encrypt(keyring: Keyring, plain: string, written: Written): string {
  const stored = encryptText(keyring, plain);
  written.set(stored, plain);
  return stored;
}

/** A copy of write data with the model's encrypted columns encrypted, nested relation writes too. */
function encryptData(keyring: Keyring, model: ModelName, data: unknown, written: Written): unknown {
  if (Array.isArray(data)) return data.map((item) => encryptData(keyring, model, item, written));
  if (!isRow(data)) return data;
  const out: Row = { ...data };
  for (const column of columnsOf(model)) {
    const plain = out[column];
    if (typeof plain === "string") out[column] = encrypt(keyring, plain, written);
    else if (isRow(plain) && typeof plain.set === "string") out[column] = { set: encrypt(keyring, plain.set, written) };
  }
  for (const [field, related] of Object.entries(RELATIONS[model] ?? {})) {
    if (isRow(out[field])) out[field] = encryptNestedWrite(keyring, related, out[field], written);
  }
  return out;
}

/** `{ create, createMany, update, upsert, connectOrCreate, ... }` of a relation field. */
function encryptNestedWrite(keyring: Keyring, model: ModelName, write: Row, written: Written): Row {
  const out: Row = { ...write };
  if ("create" in out) out.create = encryptData(keyring, model, out.create, written);
  if (isRow(out.createMany)) out.createMany = { ...out.createMany, data: encryptData(keyring, model, out.createMany.data, written) };
  for (const key of ["update", "updateMany"] as const) {
    const value = out[key];
    if (value === undefined) continue;
    const items = Array.isArray(value) ? value : [value];
    const encrypted = items.map((item: unknown) =>
      isRow(item) && "data" in item ? { ...item, data: encryptData(keyring, model, item.data, written) } : encryptData(keyring, model, item, written),
    );
    out[key] = Array.isArray(value) ? encrypted : encrypted[0];
  }
  for (const key of ["upsert", "connectOrCreate"] as const) {
    const value = out[key];
    if (value === undefined) continue;
    const items = (Array.isArray(value) ? value : [value]) as Row[];
    const encrypted = items.map((item) => ({
      ...item,
      ...("create" in item ? { create: encryptData(keyring, model, item.create, written) } : {}),
      ...("update" in item ? { update: encryptData(keyring, model, item.update, written) } : {}),
    }));
    out[key] = Array.isArray(value) ? encrypted : encrypted[0];
  }
  return out;
}

/** Filtering on ciphertext can never match: a query that tries is a bug, so it fails loudly. */
function refuseEncryptedFilter(model: ModelName, where: unknown): void {
  if (!isRow(where)) return;
  for (const column of columnsOf(model)) {
    const condition = where[column];
    if (condition !== undefined && condition !== null && !(isRow(condition) && Object.values(condition).every((v) => v === null))) {
      throw new Error(`${model}.${column} is encrypted and cannot be searched or compared`);
    }
  }
}

function encryptArgs(keyring: Keyring, model: ModelName, args: Row, written: Written): Row {
  const out: Row = { ...args };
  if ("data" in out) out.data = encryptData(keyring, model, out.data, written);
  if ("create" in out) out.create = encryptData(keyring, model, out.create, written);
  if ("update" in out) out.update = encryptData(keyring, model, out.update, written);
  return out;
}

/**
 * A Prisma extension encrypting ENCRYPTED_COLUMNS under the keyring's current key on write and
 * decrypting them on read. Plaintext rows from before encryption read as they are (decryptText);
 * a corrupted value makes the query throw a DecryptionError.
 */
export function encryptedColumns(keyring: Keyring) {
  return Prisma.defineExtension({
    name: "encrypted-columns",
    query: {
      $allModels: {
        async $allOperations({ model, args, query }) {
          const name = model;
          const input: Row = isRow(args) ? { ...(args as Row) } : {};
          refuseEncryptedFilter(name, input.where);
          const written: Written = new Map();
          const result: unknown = await query(encryptArgs(keyring, name, input, written));
          decryptResult(keyring, name, result, written);
          return result;
        },
      },
    },
  });
}
