import type { Context } from "grammy";
import { afterAll, describe, expect, it } from "vitest";
import { writerLending } from "../../src/bot/middlewares.js";
import { getOrCreateWriter, type Writer } from "../../src/db/repositories/writers.js";
import { createTestPrisma, uniqueTelegramId } from "../helpers/db.js";

const prisma = createTestPrisma();
afterAll(async () => {
  await prisma.$disconnect();
});

type Ctx = Context & { writer: Writer | undefined };

/** Just what the middleware reads: the chat and the sender. */
function ctxIn(chat: { id: number; type: "private" | "group" }, fromId: number): Ctx {
  return { chat, from: { id: fromId, is_bot: false, first_name: "A" }, writer: undefined } as unknown as Ctx;
}

async function run(mw: (ctx: Ctx, next: () => Promise<void>) => unknown, ctx: Ctx, inside: () => Promise<void> = async () => {}) {
  await mw(ctx, inside);
}

describe("writer lending to conversation replays", () => {
  it("gives every rebuilt context of the chat the outer writer (as it is at that moment) without loading it again", async () => {
    const telegramId = uniqueTelegramId();
    const stored = await getOrCreateWriter(prisma, { telegramId, language: "ru" });
    const { lend, borrow } = writerLending(prisma);
    const outer = ctxIn({ id: telegramId, type: "private" }, telegramId);
    // A marker the database row does not have: only the lent object carries it.
    outer.writer = { ...stored, signatureName: "lent" };
    const seen: (string | null | undefined)[] = [];
    await run(lend, outer, async () => {
      for (let i = 0; i < 3; i++) {
        const inner = ctxIn({ id: telegramId, type: "private" }, telegramId);
        await run(borrow, inner);
        seen.push(inner.writer?.signatureName);
        if (i === 1) outer.writer = { ...stored, signatureName: "changed by a feature" };
      }
    });
    expect(seen).toEqual(["lent", "lent", "changed by a feature"]);
  });

  it("loads from the database outside an update of that chat, and in other chats", async () => {
    const telegramId = uniqueTelegramId();
    const other = uniqueTelegramId();
    const stored = await getOrCreateWriter(prisma, { telegramId, language: "en" });
    const otherStored = await getOrCreateWriter(prisma, { telegramId: other, language: "ru" });
    const { lend, borrow } = writerLending(prisma);
    const outer = ctxIn({ id: telegramId, type: "private" }, telegramId);
    outer.writer = { ...stored, signatureName: "lent" };

    let otherChat: Writer | undefined;
    await run(lend, outer, async () => {
      const inner = ctxIn({ id: other, type: "private" }, other);
      await run(borrow, inner);
      otherChat = inner.writer;
    });
    expect(otherChat).toEqual(otherStored);

    // The update is over: nothing stays lent.
    const later = ctxIn({ id: telegramId, type: "private" }, telegramId);
    await run(borrow, later);
    expect(later.writer).toEqual(stored);

    // Groups have no writer, lent or not.
    const group = ctxIn({ id: -100123, type: "group" }, telegramId);
    await run(borrow, group);
    expect(group.writer).toBeUndefined();
  });

  it("stops lending when the update fails", async () => {
    const telegramId = uniqueTelegramId();
    const stored = await getOrCreateWriter(prisma, { telegramId, language: "en" });
    const { lend, borrow } = writerLending(prisma);
    const outer = ctxIn({ id: telegramId, type: "private" }, telegramId);
    outer.writer = { ...stored, signatureName: "lent" };
    await expect(run(lend, outer, () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    const later = ctxIn({ id: telegramId, type: "private" }, telegramId);
    await run(borrow, later);
    expect(later.writer?.signatureName).toBe(stored.signatureName);
  });
});
