import { Prisma } from "../../generated/prisma/client.js";
import type { Letter, LetterKind, LetterStatus, PrismaClient } from "../../generated/prisma/client.js";
import { generateLetterCode, LETTER_CODE_MAX_ATTEMPTS, letterCodeLength } from "../../domain/letter.js";
import { mayShowFacility } from "../../domain/where-held.js";
import { letterPageKey } from "../../storage/keys.js";
import type { Db } from "../client.js";
import { markAssignmentUsed } from "./assignments.js";
import { incrementCounter } from "./stats.js";

export type { Letter, LetterKind, LetterStatus };

// ===== Letter creation and the writer's view =====

export interface SubmitLetterPage {
  /** Hex SHA-256 of the processed page. */
  sha256: string;
  width: number;
  height: number;
}

export interface SubmitLetterInput {
  writerId: number;
  /** The person written to; null/undefined for a letter on a specific-person request. */
  prisonerId?: number | null;
  specificRequestId?: number | null;
  /** The assignment the letter was written on; else an open assignment with this person is used, if any. */
  assignmentId?: number | null;
  kind: LetterKind;
  /** Typed letters only. */
  text?: string | null;
  /** ISO 639-1 code of the letter's language. */
  language: string;
  signatureName: string | null;
  /** Pre-check warnings the writer saw and sent anyway: [{ code, matches }]. */
  precheckWarnings?: Prisma.InputJsonValue;
  needsTranslation?: boolean;
  /** One per letter draft: a repeated Send (double press, replayed update) finds the same letter. */
  idempotencyKey: string;
  /** Handwritten letters: pages in order; stored at letterPageKey(letterId, index). */
  pages?: readonly SubmitLetterPage[];
  now?: Date;
}

export interface SubmittedLetter {
  letter: Letter;
  /** False when the idempotency key matched an existing letter (nothing was changed). */
  created: boolean;
  /** Where each page must be stored, 1-based index order. */
  pages: { index: number; storagePath: string }[];
}

function isUniqueViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002";
}

async function existingSubmission(db: Db, idempotencyKey: string): Promise<SubmittedLetter | null> {
  const letter = await db.letter.findUnique({ where: { idempotencyKey } });
  if (!letter) return null;
  const pages = await db.letterPage.findMany({
    where: { letterId: letter.id },
    orderBy: { index: "asc" },
    select: { index: true, storagePath: true },
  });
  return { letter, created: false, pages };
}

/** The page rows of a letter: numbered from 1, each stored under the letter's own key. */
function pageRows(letterId: number, pages: readonly SubmitLetterPage[] | undefined) {
  return (pages ?? []).map((page, i) => ({
    letterId,
    index: i + 1,
    storagePath: letterPageKey(letterId, i + 1),
    width: page.width,
    height: page.height,
    sha256: page.sha256,
  }));
}

/**
 * Creates a submitted letter in one transaction: the letter with a fresh code, its pages, the
 * "submitted" status event, the letters_written counter, the person's letter count, and the
 * assignment marked used. Idempotent by `idempotencyKey`. A code collision (unique index) is
 * retried with a new, eventually longer, code.
 */
export async function submitLetter(prisma: PrismaClient, input: SubmitLetterInput): Promise<SubmittedLetter> {
  const already = await existingSubmission(prisma, input.idempotencyKey);
  if (already) return already;
  const now = input.now ?? new Date();

  for (let attempt = 0; attempt < LETTER_CODE_MAX_ATTEMPTS; attempt++) {
    const code = generateLetterCode(letterCodeLength(attempt));
    try {
      return await prisma.$transaction(async (tx) => {
        const letter = await tx.letter.create({
          data: {
            code,
            writerId: input.writerId,
            prisonerId: input.prisonerId ?? null,
            specificRequestId: input.specificRequestId ?? null,
            kind: input.kind,
            text: input.kind === "typed" ? (input.text ?? "") : null,
            language: input.language,
            signatureName: input.signatureName,
            precheckWarnings: input.precheckWarnings ?? [],
            needsTranslation: input.needsTranslation ?? false,
            idempotencyKey: input.idempotencyKey,
            status: "submitted",
            statusChangedAt: now,
            createdAt: now,
          },
        });
        const pages = pageRows(letter.id, input.pages);
        if (pages.length > 0) await tx.letterPage.createMany({ data: pages });
        await tx.letterStatusEvent.create({ data: { letterId: letter.id, status: "submitted", at: now } });
        await incrementCounter(tx, "letters_written");

        if (input.prisonerId != null) {
          await tx.prisoner.update({
            where: { id: input.prisonerId },
            data: { lettersCount: { increment: 1 }, lastLetterAt: now },
          });
          // Only an assignment of this writer with this person counts; else any open one they share.
          const assignment = await tx.assignment.findFirst({
            where: {
              writerId: input.writerId,
              prisonerId: input.prisonerId,
              status: { in: ["active", "lapsed"] },
              ...(input.assignmentId != null ? { id: input.assignmentId } : {}),
            },
            orderBy: { createdAt: "desc" },
            select: { id: true },
          });
          if (assignment) await markAssignmentUsed(tx, assignment.id, letter.id, now);
        }
        return { letter, created: true, pages: pages.map(({ index, storagePath }) => ({ index, storagePath })) };
        // Many letters at once queue on the counter row and the pool: Prisma's 2 s default maxWait is too short.
      }, { maxWait: 15_000, timeout: 20_000 });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      // Either a concurrent Send with the same key won, or the code was taken: find out which.
      const winner = await existingSubmission(prisma, input.idempotencyKey);
      if (winner) return winner;
    }
  }
  throw new Error(`no free letter code after ${LETTER_CODE_MAX_ATTEMPTS} attempts`);
}

/** Who a letter goes to, as the letter flow shows it (no postal address: that is for printing only). */
export interface LetterTarget {
  /** False when the person can no longer receive letters, or the request already has its letter. */
  available: boolean;
  reason?: "unavailable" | "used";
  prisonerId: number | null;
  specificRequestId: number | null;
  /** "Имя Фамилия" for Russian readers, the Latin spelling for English readers. */
  nameRu: string;
  nameEn: string;
  facility: string;
}

/** The recipient of a letter about to be written, or null when it does not exist (or is not this writer's request). */
export async function loadLetterTarget(
  db: Db,
  writerId: number,
  args: { prisonerId: number } | { specificRequestId: number },
): Promise<LetterTarget | null> {
  if ("specificRequestId" in args) {
    const request = await db.specificRequest.findFirst({
      where: { id: args.specificRequestId, writerId },
      include: { letter: { select: { id: true } } },
    });
    if (!request) return null;
    const used = request.letter !== null;
    const closed = request.status === "not_found" || request.status === "declined";
    return {
      available: !used && !closed,
      ...(used ? { reason: "used" as const } : closed ? { reason: "unavailable" as const } : {}),
      prisonerId: request.prisonerId,
      specificRequestId: request.id,
      nameRu: request.fullName,
      nameEn: request.fullName,
      facility: request.facility ?? "",
    };
  }
  const prisoner = await db.prisoner.findUnique({ where: { id: args.prisonerId } });
  if (!prisoner) return null;
  return {
    available: prisoner.canReceiveLetters,
    ...(prisoner.canReceiveLetters ? {} : { reason: "unavailable" as const }),
    prisonerId: prisoner.id,
    specificRequestId: null,
    nameRu: `${prisoner.firstName} ${prisoner.lastName}`,
    nameEn: `${prisoner.firstNameLatin} ${prisoner.lastNameLatin}`,
    // The letter flow shows it: a secret place stays secret even on a letter started before it became so.
    facility: mayShowFacility(prisoner) ? prisoner.facilityName : "",
  };
}

export function getLetterByCode(db: Db, code: string): Promise<Letter | null> {
  return db.letter.findUnique({ where: { code: code.trim().toUpperCase() } });
}

export function getLetterById(db: Db, letterId: number): Promise<Letter | null> {
  return db.letter.findUnique({ where: { id: letterId } });
}

/**
 * The code of the letter a writer's flow sent, found by the flow's scope (the start of the draft's
 * nonce, which a first submission's idempotency key ends with) or by the letter's id when the
 * flow's record in Redis names it (resubmissions keep their first key).
 */
export async function findSentLetterCode(
  db: Db,
  writerId: number,
  where: { scope: string } | { letterId: number },
): Promise<string | null> {
  const letter = await db.letter.findFirst({
    where:
      "letterId" in where
        ? { writerId, id: where.letterId }
        : { writerId, idempotencyKey: { startsWith: `letter-${writerId}-${where.scope}` } },
    select: { code: true },
  });
  return letter?.code ?? null;
}

const writerListSelect = {
  id: true,
  code: true,
  kind: true,
  status: true,
  statusReason: true,
  createdAt: true,
  statusChangedAt: true,
  prisoner: { select: { id: true, firstName: true, lastName: true, firstNameLatin: true, lastNameLatin: true } },
  specificRequest: { select: { id: true, fullName: true } },
} as const satisfies Prisma.LetterSelect;

export type WriterLetterListItem = Prisma.LetterGetPayload<{ select: typeof writerListSelect }>;

/** A writer's letters, newest first. */
export function listLettersByWriter(
  db: Db,
  writerId: number,
  opts: { limit?: number; offset?: number } = {},
): Promise<WriterLetterListItem[]> {
  return db.letter.findMany({
    where: { writerId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: opts.limit ?? 10,
    skip: opts.offset ?? 0,
    select: writerListSelect,
  });
}

export function countLettersByWriter(db: Db, writerId: number): Promise<number> {
  return db.letter.count({ where: { writerId } });
}

// ===== Resubmission after "needs changes" =====

/** A letter sent back for changes, as the letter flow needs it to prefill the draft. */
export interface ResubmissionSource {
  letterId: number;
  code: string;
  kind: LetterKind;
  text: string | null;
  /** The operator's reason key (localised as `letter-reason`). */
  reason: string | null;
  signatureName: string | null;
  pages: { storagePath: string; sha256: string; width: number; height: number }[];
  target: LetterTarget;
}

/**
 * The writer's own letter waiting for changes, with its recipient; null when it is not theirs or
 * no longer waits for changes (already resubmitted, decided, deleted).
 */
export async function loadResubmission(db: Db, writerId: number, letterId: number): Promise<ResubmissionSource | null> {
  const letter = await db.letter.findFirst({
    where: { id: letterId, writerId, status: "needs_changes" },
    include: { pages: { orderBy: { index: "asc" } } },
  });
  if (!letter) return null;
  let target: LetterTarget | null = null;
  if (letter.prisonerId !== null) target = await loadLetterTarget(db, writerId, { prisonerId: letter.prisonerId });
  else if (letter.specificRequestId !== null) {
    const found = await loadLetterTarget(db, writerId, { specificRequestId: letter.specificRequestId });
    // The request is "used" by this very letter: fixing it is still allowed.
    if (found?.reason === "used") {
      const { reason: _used, ...rest } = found;
      target = { ...rest, available: true };
    } else target = found;
  }
  if (!target) return null;
  return {
    letterId: letter.id,
    code: letter.code,
    kind: letter.kind,
    text: letter.text,
    reason: letter.statusReason,
    signatureName: letter.signatureName,
    pages: letter.pages.map(({ storagePath, sha256, width, height }) => ({ storagePath, sha256, width, height })),
    target,
  };
}

export interface ResubmitLetterInput {
  writerId: number;
  letterId: number;
  /** Typed letters only. */
  text?: string | null;
  language: string;
  signatureName: string | null;
  precheckWarnings?: Prisma.InputJsonValue;
  needsTranslation?: boolean;
  /** Handwritten letters: the new pages in order; they replace the old ones (stored at letterPageKey). */
  pages?: readonly SubmitLetterPage[];
  now?: Date;
}

export interface ResubmittedLetter {
  letter: Letter;
  /** False when the letter had already left "needs changes" (a replayed Send): nothing was changed. */
  resubmitted: boolean;
  /** How many times the letter has been submitted, this time included (2 for the first fix). */
  version: number;
  /** Where each page must be stored, 1-based index order. */
  pages: { index: number; storagePath: string }[];
}

/**
 * Puts the corrected letter back to "submitted" under the same code, in one transaction: new text
 * or pages, the pre-check warnings, a "submitted" status event. Counters, the person's letter
 * count and the assignment are left alone: it is the same letter. Only a letter still in
 * "needs changes" is changed, so a double Send changes it once.
 */
export async function resubmitLetter(prisma: PrismaClient, input: ResubmitLetterInput): Promise<ResubmittedLetter> {
  const now = input.now ?? new Date();
  return prisma.$transaction(async (tx) => {
    const updated = await tx.letter.updateMany({
      where: { id: input.letterId, writerId: input.writerId, status: "needs_changes" },
      data: {
        text: input.text ?? null,
        language: input.language,
        signatureName: input.signatureName,
        precheckWarnings: input.precheckWarnings ?? [],
        needsTranslation: input.needsTranslation ?? false,
        // A translation of the old text no longer fits the new one.
        translationText: null,
        status: "submitted",
        statusReason: null,
        statusChangedAt: now,
      },
    });
    const letter = await tx.letter.findFirst({ where: { id: input.letterId, writerId: input.writerId } });
    if (!letter) throw new Error(`letter ${input.letterId} of writer ${input.writerId} not found`);
    if (updated.count > 0) {
      if (letter.kind === "handwritten") {
        await tx.letterPage.deleteMany({ where: { letterId: letter.id } });
        const rows = pageRows(letter.id, input.pages);
        if (rows.length > 0) await tx.letterPage.createMany({ data: rows });
      }
      await tx.letterStatusEvent.create({ data: { letterId: letter.id, status: "submitted", at: now } });
    }
    const version = await tx.letterStatusEvent.count({ where: { letterId: letter.id, status: "submitted" } });
    const pages = await tx.letterPage.findMany({
      where: { letterId: letter.id },
      orderBy: { index: "asc" },
      select: { index: true, storagePath: true },
    });
    return { letter, resubmitted: updated.count > 0, version, pages };
  }, { maxWait: 15_000, timeout: 20_000 });
}

// ===== end of the letter helper's part =====
