import type { Prisma } from "../../generated/prisma/client.js";
import type { Db } from "../client.js";

const historyInclude = {
  prisoner: { select: { firstName: true, lastName: true, firstNameLatin: true, lastNameLatin: true } },
  specificRequest: { select: { fullName: true } },
  statusEvents: { orderBy: [{ at: "asc" }, { id: "asc" }] },
  replies: { orderBy: { receivedAt: "asc" }, include: { pages: { orderBy: { index: "asc" } } } },
} as const satisfies Prisma.LetterInclude;

export type LetterWithHistory = Prisma.LetterGetPayload<{ include: typeof historyInclude }>;

/** One of the writer's own letters with its status history and replies; null if it is not theirs. */
export function loadWriterLetter(db: Db, writerId: number, letterId: number): Promise<LetterWithHistory | null> {
  return db.letter.findFirst({ where: { id: letterId, writerId }, include: historyInclude });
}

/** A reply to one of the writer's letters, with its pages; null if it is not theirs. */
export function loadWriterReply(db: Db, writerId: number, replyId: number) {
  return db.reply.findFirst({
    where: { id: replyId, letter: { writerId } },
    include: { pages: { orderBy: { index: "asc" } }, letter: { select: { code: true, prisoner: historyInclude.prisoner, specificRequest: historyInclude.specificRequest } } },
  });
}
