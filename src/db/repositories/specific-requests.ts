// Requests to write to someone who is not in the list or cannot be reached through it.
import type { Prisoner, PrismaClient, SpecificRequest, SpecificRequestStatus } from "../../generated/prisma/client.js";
import type { Db } from "../client.js";

export type { SpecificRequest, SpecificRequestStatus };

export interface NewSpecificRequest {
  writerId: number;
  fullName: string;
  birthYear: number;
  facility: string | null;
}

export function createSpecificRequest(db: Db, input: NewSpecificRequest): Promise<SpecificRequest> {
  return db.specificRequest.create({
    data: {
      writerId: input.writerId,
      fullName: input.fullName,
      birthYear: input.birthYear,
      facility: input.facility,
    },
  });
}

/** The request if it belongs to this writer (callback data can be forged). */
export function findWriterSpecificRequest(db: Db, writerId: number, requestId: number): Promise<SpecificRequest | null> {
  return db.specificRequest.findFirst({ where: { id: requestId, writerId } });
}

/** Whether a letter was already written on this request (one letter per request). */
export async function specificRequestHasLetter(db: Db, requestId: number): Promise<boolean> {
  return (await db.letter.count({ where: { specificRequestId: requestId } })) > 0;
}

const nameSelect = {
  lastName: true,
  firstName: true,
  patronymic: true,
  lastNameLatin: true,
  firstNameLatin: true,
  patronymicLatin: true,
  externalId: true,
} as const;

export type SpecificRequestWithDetails = SpecificRequest & {
  prisoner: Pick<Prisoner, keyof typeof nameSelect> | null;
  letter: { code: string } | null;
};

/** The writer's requests, newest first, with the person they were matched to and their letter's code. */
export function listWriterSpecificRequests(db: Db, writerId: number, take = 10): Promise<SpecificRequestWithDetails[]> {
  return db.specificRequest.findMany({
    where: { writerId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take,
    include: { prisoner: { select: nameSelect }, letter: { select: { code: true } } },
  });
}

/** Open requests for the operators, oldest first (they have waited longest), and how many there are. */
export async function listOpenSpecificRequests(db: Db, take = 10): Promise<{ total: number; requests: SpecificRequestWithDetails[] }> {
  const [total, requests] = await Promise.all([
    db.specificRequest.count({ where: { status: "open" } }),
    db.specificRequest.findMany({
      where: { status: "open" },
      orderBy: { id: "asc" },
      take,
      include: { prisoner: { select: nameSelect }, letter: { select: { code: true } } },
    }),
  ]);
  return { total, requests };
}

/** The operator's reason for declining the request, or null (not declined, or declined without one). */
export async function specificRequestDeclineReason(db: Db, requestId: number): Promise<string | null> {
  const row = await db.specificRequest.findUnique({ where: { id: requestId }, select: { status: true, declineReason: true } });
  return row?.status === "declined" ? row.declineReason : null;
}

export function findSpecificRequest(db: Db, requestId: number): Promise<SpecificRequest | null> {
  return db.specificRequest.findUnique({ where: { id: requestId } });
}

export type ResolveRequestResult =
  | { ok: true; requestId: number; writerId: number; letterId: number | null }
  | { ok: false; reason: "missing" }
  | { ok: false; reason: "already"; status: SpecificRequestStatus };

/**
 * An operator's answer to an open request: "matched" links it to a person in the list (and the
 * request's letter, not yet addressed to anyone, to that person, so it is printed with their
 * address and counts toward their letters); "not_found" closes it. Only an open request changes,
 * so two operators pressing at once cannot both answer. "declined" keeps the operator's reason
 * (free text, encrypted like the request's other free text) for the writer to read.
 */
export function resolveSpecificRequest(
  prisma: PrismaClient,
  input:
    | { requestId: number; outcome: "matched"; prisonerId: number; now?: Date }
    | { requestId: number; outcome: "not_found"; now?: Date }
    | { requestId: number; outcome: "declined"; reason: string; now?: Date },
): Promise<ResolveRequestResult> {
  const now = input.now ?? new Date();
  return prisma.$transaction(async (tx) => {
    const updated = await tx.specificRequest.updateMany({
      where: { id: input.requestId, status: "open" },
      data:
        input.outcome === "matched"
          ? { status: "matched", prisonerId: input.prisonerId }
          : input.outcome === "declined"
            ? { status: "declined", declineReason: input.reason }
            : { status: "not_found" },
    });
    const request = await tx.specificRequest.findUnique({ where: { id: input.requestId }, include: { letter: { select: { id: true, prisonerId: true, status: true } } } });
    if (!request) return { ok: false, reason: "missing" } as const;
    if (updated.count === 0) return { ok: false, reason: "already", status: request.status } as const;
    const letter = request.letter;
    if (input.outcome === "matched" && letter && letter.prisonerId === null) {
      await tx.letter.update({ where: { id: letter.id }, data: { prisonerId: input.prisonerId } });
      if (letter.status !== "rejected") {
        await tx.prisoner.update({ where: { id: input.prisonerId }, data: { lettersCount: { increment: 1 }, lastLetterAt: now } });
      }
    }
    return { ok: true, requestId: request.id, writerId: request.writerId, letterId: letter?.id ?? null } as const;
  });
}
