// Letters, replies and assignments as they stand after weeks of correspondence, for reminder tests.
import { randomBytes } from "node:crypto";
import type { PrismaClient } from "../../src/generated/prisma/client.js";
import type { LetterStatus } from "../../src/generated/prisma/enums.js";

/** A letter from the writer to the person, in the given status, written at `createdAt`. */
export async function letterTo(
  prisma: PrismaClient,
  writerId: number,
  prisonerId: number,
  opts: { status?: LetterStatus; createdAt?: Date } = {},
): Promise<number> {
  const code = `L-${randomBytes(4).toString("hex").toUpperCase()}`;
  const letter = await prisma.letter.create({
    data: {
      code,
      writerId,
      prisonerId,
      kind: "typed",
      text: "…",
      language: "ru",
      idempotencyKey: `reminder-${code}`,
      status: opts.status ?? "posted",
      ...(opts.createdAt ? { createdAt: opts.createdAt, statusChangedAt: opts.createdAt } : {}),
    },
  });
  return letter.id;
}

/** A reply to the letter, delivered to the writer at `deliveredAt`. */
export async function replyDelivered(prisma: PrismaClient, letterId: number, deliveredAt: Date): Promise<number> {
  const reply = await prisma.reply.create({
    data: { letterId, receivedAt: deliveredAt, deliveredAt, deliveryState: "delivered", closedAt: deliveredAt },
  });
  await prisma.letter.update({ where: { id: letterId }, data: { status: "replied" } });
  return reply.id;
}

/** An assignment taken at `createdAt` and left to lapse (never declined, never used). */
export async function assignmentTaken(prisma: PrismaClient, writerId: number, prisonerId: number, createdAt: Date): Promise<number> {
  const expiresAt = new Date(createdAt.getTime() + 72 * 3600_000);
  const row = await prisma.assignment.create({ data: { writerId, prisonerId, status: "lapsed", createdAt, expiresAt, endedAt: expiresAt } });
  return row.id;
}
