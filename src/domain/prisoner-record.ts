// The documented prisoner record (docs/prisoner-import.md): what the demo seed and the importer read.
// A Russian-only list is enough: Latin names come from our transliteration when the list has none,
// and the English case summary may be left out.
import { z } from "zod";
import { latinName } from "./names.js";

export const CANNOT_RECEIVE_REASONS = [
  "no_address",
  "identity_protected",
  "asked_privacy",
  "released",
  "other",
] as const;
export type CannotReceiveReasonKey = (typeof CANNOT_RECEIVE_REASONS)[number];

/** A prisoner as written into the database by `upsertPrisoners`. */
export interface PrisonerInput {
  externalId: string;
  lastName: string;
  firstName: string;
  patronymic: string | null;
  lastNameLatin: string;
  firstNameLatin: string;
  patronymicLatin: string | null;
  birthDate: Date;
  region: string;
  regionEn: string | null;
  facilityName: string;
  postalAddress: string | null;
  canReceiveLetters: boolean;
  cannotReceiveReason: CannotReceiveReasonKey | null;
  releasedAt: Date | null;
  caseSummaryRu: string;
  /** Null when the list has none: English readers see the Russian text, marked as such. */
  caseSummaryEn: string | null;
  articles: string[];
  sentenceRu: string | null;
  sentenceEn: string | null;
  inCustodySince: Date | null;
  interests: string[];
  views: string[];
  professionRu: string | null;
  professionEn: string | null;
  /** Letters already received before Lifeline knew the person; applied only when the row is created. */
  lettersCount?: number;
}

const text = (max: number) => z.string().trim().min(1, "is empty").max(max, `is longer than ${max} characters`);
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `is longer than ${max} characters`)
    .nullish()
    .transform((v) => (v ? v : null));

// "YYYY-MM-DD", or "DD.MM.YYYY" as a spreadsheet in Russian saves it, that is a real calendar day
// (2023-02-30 is refused), stored as UTC midnight.
const isoDate = z
  .string()
  .trim()
  .transform((value) => value.replace(/^(\d{2})\.(\d{2})\.(\d{4})$/, "$3-$2-$1"))
  .pipe(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "is not a date like 1990-04-23 or 23.04.1990"))
  .transform((value, ctx) => {
    const date = new Date(`${value}T00:00:00Z`);
    if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
      ctx.addIssue({ code: "custom", message: "is not a real calendar date" });
      return z.NEVER;
    }
    if (date.getUTCFullYear() < 1900 || date.getTime() > Date.now()) {
      ctx.addIssue({ code: "custom", message: "is before 1900 or in the future" });
      return z.NEVER;
    }
    return date;
  });

const tagList = z
  .array(z.string().trim().toLowerCase().regex(/^[a-z][a-z0-9-]{0,39}$/, "must be a lower-case key like anti-war"))
  .default([])
  .transform((tags) => [...new Set(tags)]);

export const prisonerRecordSchema = z
  .object({
    externalId: text(64),
    lastName: text(100),
    firstName: text(100),
    patronymic: optionalText(100),
    lastNameLatin: optionalText(100),
    firstNameLatin: optionalText(100),
    patronymicLatin: optionalText(100),
    birthDate: isoDate,
    region: text(200),
    regionEn: optionalText(200),
    facilityName: text(300),
    postalAddress: optionalText(500),
    canReceiveLetters: z.boolean(),
    cannotReceiveReason: z.enum(CANNOT_RECEIVE_REASONS).nullish().transform((v) => v ?? null),
    releasedAt: isoDate.nullish().transform((v) => v ?? null),
    caseSummaryRu: text(4000),
    caseSummaryEn: optionalText(4000),
    articles: z.array(text(60)).default([]),
    sentenceRu: optionalText(500),
    sentenceEn: optionalText(500),
    inCustodySince: isoDate.nullish().transform((v) => v ?? null),
    interests: tagList,
    views: tagList,
    professionRu: optionalText(200),
    professionEn: optionalText(200),
    lettersCount: z.number().int().min(0).optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.canReceiveLetters && r.cannotReceiveReason) {
      ctx.addIssue({ code: "custom", path: ["cannotReceiveReason"], message: "must be empty when canReceiveLetters is true" });
    }
    if (r.canReceiveLetters && !r.postalAddress) {
      ctx.addIssue({ code: "custom", path: ["postalAddress"], message: "is required when canReceiveLetters is true" });
    }
    if (!r.canReceiveLetters && !r.cannotReceiveReason) {
      ctx.addIssue({ code: "custom", path: ["cannotReceiveReason"], message: "is required when canReceiveLetters is false" });
    }
    if (r.cannotReceiveReason === "released" && !r.releasedAt) {
      ctx.addIssue({ code: "custom", path: ["releasedAt"], message: "is required when the reason is released" });
    }
  })
  .transform(
    (r): PrisonerInput => ({
      ...r,
      lastNameLatin: r.lastNameLatin ?? latinName(r.lastName),
      firstNameLatin: r.firstNameLatin ?? latinName(r.firstName),
      patronymicLatin: r.patronymicLatin ?? (r.patronymic ? latinName(r.patronymic) : null),
    }),
  );

export type PrisonerRecord = z.input<typeof prisonerRecordSchema>;

/** Validates one record; the result is what `upsertPrisoners` takes. */
export function parsePrisonerRecord(record: unknown): PrisonerInput {
  return prisonerRecordSchema.parse(record);
}
