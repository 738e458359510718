// A letter typed in many messages, as people write on a phone: the flow starts afresh every
// RESTART_AFTER_WAITS updates (src/bot/conversations/letter/restart.ts) so its replay and its stored
// state stay short. The writer must notice nothing: every part kept in order, nothing asked or sent
// twice, the buttons of earlier messages still working, the same draft after a bot restart too.
import { RedisAdapter } from "@grammyjs/storage-redis";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { RESTART_AFTER_WAITS } from "../../src/bot/conversations/letter/restart.js";
import type { FakeMessage, FakeUser } from "../../src/fake-telegram/index.js";
import { conversationKey } from "../../src/messages/state-keys.js";
import { readDraftActivity } from "../../src/queues/draft-idle.js";
import { EncryptedStorage } from "../../src/storage/encrypted-adapter.js";
import { startTestAppPerTest, type TestApp } from "../helpers/app.js";
import { chooseTyped, letterCodeIn, openLetter, pressSend, typePart, WAIT, WAIT_EDITS } from "./letter-helpers.js";

const start = startTestAppPerTest({ roles: ["bot"] });

const PARTS = Array.from({ length: 3 * RESTART_AFTER_WAITS + 5 }, (_, i) => `Часть ${i + 1}: у нас сегодня снова шёл снег, и я думала о вас.`);

/** How many updates the chat's stored conversation state holds (each stored update has one update_id). */
async function storedUpdates(t: TestApp, chatId: number): Promise<number> {
  const storage = new EncryptedStorage<unknown>(new RedisAdapter<unknown>({ instance: t.app.redis }), t.config.keyring);
  const state = await storage.read(conversationKey(t.config.redisPrefix, chatId));
  return (JSON.stringify(state ?? {}).match(/"update_id"/g) ?? []).length;
}

const botTexts = (user: FakeUser, pattern: string): FakeMessage[] => user.messages().filter((m) => m.text?.includes(pattern) === true);

describe("a letter typed in many messages", () => {
  it("keeps every part, asks nothing twice, keeps its buttons and its state stays short", async () => {
    const t = await start();
    const user = t.user({ languageCode: "ru" });
    await openLetter(t, user, { language: "ru" });
    await chooseTyped(user, "ru");

    const statuses: FakeMessage[] = [];
    const stored: number[] = [];
    let nonce: string | undefined;
    for (const [i, part] of PARTS.entries()) {
      statuses.push(await typePart(user, "ru", part));
      stored.push(await storedUpdates(t, user.id));
      const activity = await readDraftActivity(t.app.redis, t.config.redisPrefix, user.id);
      // One draft throughout: the idle clock runs for the same nonce after every fresh start.
      nonce ??= activity?.activity.nonce;
      expect(activity?.activity.nonce, `after part ${i + 1}`).toBe(nonce);
    }
    // (Thousands are grouped with a thin space: "2 408".)
    expect(statuses.at(-1)?.text?.replace(/\s/g, "")).toContain(`Сейчасвписьме${PARTS.join("\n\n").length}знак`);
    // Without fresh starts the state would hold every part's update; with them it never holds more than a round's.
    expect(Math.max(...stored)).toBeLessThanOrEqual(RESTART_AFTER_WAITS + 2);
    expect(stored.at(-1)).toBeLessThan(PARTS.length);
    // Nothing asked or said twice: one prompt, one status per part.
    expect(botTexts(user, "Напишите письмо.")).toHaveLength(1);
    expect(botTexts(user, "Сейчас в письме")).toHaveLength(PARTS.length);

    // The Preview button under the third status, from before the first fresh start, still works.
    const previewData = statuses[2]!.inlineKeyboard.flat().find((b) => b.text === "👁 Посмотреть");
    expect(previewData && "callback_data" in previewData).toBe(true);
    const preview = user.waitForMessage("Ваше письмо", WAIT);
    await user.pressButton((previewData as { callback_data: string }).callback_data, WAIT);
    expect((await preview).text).toBe(`Ваше письмо (1/1):\n\n${PARTS.join("\n\n")}`);

    // A bot restart in the middle of a round: the draft replays from its last fresh start.
    await t.restart();
    await typePart(user, "ru", "После перезапуска: последняя часть.");

    const clean = user.waitForMessage("Мы не нашли ничего", WAIT);
    const signatureAsk = user.waitForMessage("Как подписать ваше письмо?", WAIT);
    await user.pressButton("✅ Готово", WAIT);
    await clean;
    await signatureAsk;
    const summary = user.waitForMessage("Проверьте письмо перед отправкой", WAIT);
    await user.sendText("Аня");
    await summary;
    const code = letterCodeIn(await pressSend(user, "ru"));
    const letter = await t.app.prisma.letter.findUniqueOrThrow({ where: { code } });
    expect(letter.text).toBe([...PARTS, "После перезапуска: последняя часть."].join("\n\n"));
    expect(letter.status).toBe("submitted");
    expect(await t.app.prisma.letter.count({ where: { writerId: letter.writerId } })).toBe(1);
  });

  it("photographed pages: every page kept across fresh starts, an early status's Remove last page still works", async () => {
    const t = await start();
    const user = t.user({ languageCode: "en" });
    const f = await openLetter(t, user, { language: "en", signatureName: "Friend from Riga" });
    const prompt = user.waitForMessage("Send photos of your handwritten letter", WAIT);
    await user.pressButton("📷 Photos of a handwritten letter");
    await prompt;

    const page = (n: number): Promise<Buffer> =>
      sharp({ create: { width: 600, height: 800, channels: 3, background: { r: 250 - n * 9, g: 248, b: 240 } } })
        .composite([{ input: Buffer.from(`<svg width="600" height="800" xmlns="http://www.w3.org/2000/svg"><text x="40" y="120" font-size="48">Page ${n}</text></svg>`) }])
        .jpeg()
        .toBuffer();
    const statuses: FakeMessage[] = [];
    const PAGES = 2 * RESTART_AFTER_WAITS + 1;
    for (let n = 1; n <= PAGES; n++) {
      const status = user.waitForMessage(`Pages received: ${n} of at most 10`, WAIT_EDITS);
      await user.sendPhoto(await page(n));
      statuses.push(await status);
    }
    expect(await storedUpdates(t, user.id)).toBeLessThanOrEqual(RESTART_AFTER_WAITS + 2);

    const removeData = statuses[0]!.inlineKeyboard.flat().find((b) => b.text === "↩️ Remove last page");
    const removed = user.waitForMessage(`Pages now: ${PAGES - 1} of at most 10`, WAIT);
    await user.pressButton((removeData as { callback_data: string }).callback_data, WAIT);
    await removed;

    const summary = user.waitForMessage("Please check your letter before it goes", WAIT);
    await user.pressButton("✅ Done", WAIT);
    expect((await summary).text).toContain(`Handwritten letter: ${PAGES - 1} pages`);
    const code = letterCodeIn(await pressSend(user, "en"));
    const letter = await t.app.prisma.letter.findUniqueOrThrow({ where: { code }, include: { pages: { orderBy: { index: "asc" } } } });
    expect(letter.pages.map((p) => p.index)).toEqual(Array.from({ length: PAGES - 1 }, (_, i) => i + 1));
    expect(await t.app.prisma.letter.count({ where: { writerId: f.writerId } })).toBe(1);
  });
});
