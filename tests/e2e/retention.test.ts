// After retention, "My letters" tells the writer what was deleted and after how many days, in their
// language; the reply button answers with a note instead of the scans.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "../../src/generated/prisma/client.js";
import { MY_CB } from "../../src/messages/views/my-letters.js";
import { createFileStorage } from "../../src/storage/index.js";
import { letterPageKey } from "../../src/storage/keys.js";
import { applyRetention } from "../../src/workers/retention.js";
import { startTestApp, type TestApp } from "../helpers/app.js";
import { createLetterFixture } from "../helpers/letter-fixtures.js";
import { WAIT } from "./letter-helpers.js";

const DAY = 24 * 3600_000;
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ roles: ["bot"] });
});
afterAll(async () => {
  await t.stop();
});

/** A letter posted `postedDaysAgo` days ago, with one page and one reply delivered as long ago. */
async function postedLetter(prisma: PrismaClient, f: { writerId: number; prisonerId: number }, kind: "typed" | "handwritten", postedDaysAgo: number) {
  const storage = createFileStorage(t.config.storageDir, t.config.keyring);
  const postedAt = new Date(Date.now() - postedDaysAgo * DAY);
  const code = `L-${randomBytes(4).toString("hex").toUpperCase()}`;
  const letter = await prisma.letter.create({
    data: { code, writerId: f.writerId, prisonerId: f.prisonerId, kind, language: "ru", text: kind === "typed" ? "Здравствуйте! Пишу вам из Риги." : null, signatureName: "Аня", idempotencyKey: `retention-e2e-${code}`, status: "replied", createdAt: postedAt, statusChangedAt: postedAt },
  });
  await prisma.letterStatusEvent.createMany({ data: [{ letterId: letter.id, status: "submitted", at: postedAt }, { letterId: letter.id, status: "posted", at: postedAt }, { letterId: letter.id, status: "replied", at: postedAt }] });
  await storage.put(letterPageKey(letter.id, 1), randomBytes(32));
  await prisma.letterPage.create({ data: { letterId: letter.id, index: 1, storagePath: letterPageKey(letter.id, 1), width: 1, height: 1, sha256: "0".repeat(64) } });
  const scan = `replies/${letter.id}/${"a".repeat(64)}.jpg`;
  await storage.put(scan, randomBytes(32));
  const reply = await prisma.reply.create({
    data: { letterId: letter.id, receivedAt: postedAt, closedAt: postedAt, deliveryState: "delivered", deliveredAt: postedAt, pages: { create: [{ index: 0, storagePath: scan, mimeType: "image/jpeg", sha256: "a".repeat(64), deliveredAt: postedAt }] } },
  });
  return { letterId: letter.id, replyId: reply.id, code, scan };
}

describe("My letters after retention", () => {
  it("says the text (or the page photos) and the reply scans were deleted after N days, in the writer's language", async () => {
    const prisma = t.app.prisma;
    const storage = createFileStorage(t.config.storageDir, t.config.keyring);
    const ru = t.user({ languageCode: "ru" });
    const en = t.user({ languageCode: "en" });
    const fRu = await createLetterFixture(prisma, { telegramId: ru.id, language: "ru" });
    const fEn = await createLetterFixture(prisma, { telegramId: en.id, language: "en" });
    const typed = await postedLetter(prisma, fRu, "typed", 91);
    const handwritten = await postedLetter(prisma, fEn, "handwritten", 95);

    await applyRetention(prisma, storage, { days: t.config.retentionDays });
    expect(t.config.retentionDays).toBe(90);
    expect(await storage.exists(typed.scan)).toBe(false);
    expect(await storage.exists(letterPageKey(handwritten.letterId, 1))).toBe(false);

    await ru.sendText("/letters");
    await ru.waitForMessage("Ваши письма", WAIT);
    const detail = ru.waitForMessage(`Письмо ${typed.code}`, { ...WAIT, includeEdits: true });
    // The letter sits in its pen pal's thread.
    await ru.pressButton(MY_CB.thread({ prisonerId: fRu.prisonerId }));
    await ru.pressButton(MY_CB.letter(typed.letterId));
    const ruText = (await detail).text ?? "";
    expect(ruText).toContain("Текст этого письма удалён через 91 день после отправки: так сказано в /privacy.");
    // The history stays.
    expect(ruText).toContain("отправлено по почте");
    expect(ruText).toContain("пришёл ответ");
    const ruNote = ru.waitForMessage(`Сканы этого ответа на письмо ${typed.code} удалены через 91 день`, WAIT);
    await ru.pressButton(MY_CB.openReply(typed.replyId));
    await ruNote;
    const privacy = ru.waitForMessage("Ваши данные в Lifeline", { ...WAIT, includeEdits: true });
    await ru.sendText("/privacy");
    expect((await privacy).text).toContain("текст, подпись и фотографии страниц письма мы удаляем через 90 дней после отправки, а сканы ответа — через 90 дней");

    await en.sendText("/letters");
    await en.waitForMessage("Your letters", WAIT);
    const enDetail = en.waitForMessage(`Letter ${handwritten.code}`, { ...WAIT, includeEdits: true });
    await en.pressButton(MY_CB.thread({ prisonerId: fEn.prisonerId }));
    await en.pressButton(MY_CB.letter(handwritten.letterId));
    expect((await enDetail).text).toContain("The photos of this letter's pages were deleted 95 days after it was posted, as /privacy says.");
    const enNote = en.waitForMessage(`The scans of this reply to letter ${handwritten.code} were deleted 95 days after we sent them to you`, WAIT);
    await en.pressButton(MY_CB.openReply(handwritten.replyId));
    await enNote;
    // No scan was sent instead of the note.
    expect(en.messages().filter((m) => m.photo !== undefined || m.document !== undefined)).toHaveLength(0);
  }, 60_000);
});
