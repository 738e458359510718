import { existsSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { conversationModules } from "../../src/bot/conversations/index.js";
import { letterConversation } from "../../src/bot/conversations/letter/index.js";
import { conversationKey } from "../../src/messages/state-keys.js";
import { draftActivityKey } from "../../src/queues/index.js";
import { startTestAppPerTest, type TestApp } from "../helpers/app.js";
import { buttonTexts, chooseTyped, openLetter, typePart, WAIT, WAIT_EDITS } from "./letter-helpers.js";

// Bot and workers: the idle-draft worker closes the draft without the writer doing anything.
const start = startTestAppPerTest({ roles: ["bot", "worker"] });

function withIdleTimeout(idleTimeoutMs: number) {
  // Injected through the conversation list, like a deployment would configure it.
  return { bot: { conversations: conversationModules.map((m) => (m.id === "letter" ? letterConversation({ idleTimeoutMs }) : m)) } };
}

const CLOSED_EN = "Your letter draft was closed because it had no activity for a day";

async function redisKeys(t: TestApp, chatId: number): Promise<{ conversation: number; activity: number }> {
  return {
    conversation: await t.app.redis.exists(conversationKey(t.config.redisPrefix, chatId)),
    activity: await t.app.redis.exists(draftActivityKey(t.config.redisPrefix, chatId)),
  };
}

describe("an idle letter draft is closed by the worker", () => {
  it("typed: the friendly message arrives unprompted, the state is gone, old buttons get the stale answer", async () => {
    const t = await start(withIdleTimeout(1500));
    const user = t.user({ languageCode: "en" });
    await openLetter(t, user, { language: "en", signatureName: "Anna" });
    await chooseTyped(user, "en");
    const status = await typePart(user, "en", "Dear Pyotr, this is the first part of my letter.");
    expect(await redisKeys(t, user.id)).toEqual({ conversation: 1, activity: 1 });

    // No writer action: time passing is the only trigger.
    const closed = await user.waitForMessage(CLOSED_EN, WAIT);
    expect(closed.text).toBe(
      "Your letter draft was closed because it had no activity for a day. Nothing was sent. Whenever you're ready, you can start a new letter from the menu.",
    );
    expect(buttonTexts(closed)).toEqual(["🏠 Main menu"]);
    expect(await redisKeys(t, user.id)).toEqual({ conversation: 0, activity: 0 });
    expect(await t.app.prisma.letter.count({ where: { writer: { telegramId: BigInt(user.id) } } })).toBe(0);

    // A button of the closed draft: the polite stale answer, not a letter step.
    const answer = await user.pressButton("✅ Done", { messageId: status.messageId });
    expect(answer.text).toBe("This button no longer works. Send /start to open the menu.");
    // Exactly one notice, even though the job re-armed itself on every step.
    expect(user.messages().filter((m) => m.text?.startsWith(CLOSED_EN))).toHaveLength(1);
    // The menu button opens the menu (in place of the notice).
    const menu = user.waitForMessage("Main menu. What would you like to do?", WAIT_EDITS);
    await user.pressButton("🏠 Main menu", { messageId: closed.messageId });
    await menu;
  });

  it("handwritten in Russian: the draft's photos are deleted with it", async () => {
    const t = await start(withIdleTimeout(1500));
    const user = t.user({ languageCode: "ru" });
    const f = await openLetter(t, user, { language: "ru", signatureName: "Анна" });
    const prompt = user.waitForMessage(/фото/i, WAIT);
    await user.pressButton("📷 Фото письма от руки");
    await prompt;
    const page = await sharp({ create: { width: 600, height: 800, channels: 3, background: "#f4f1e8" } }).jpeg().toBuffer();
    const received = user.waitForMessage("Получено страниц: 1", WAIT);
    await user.sendPhoto(page);
    await received;
    const drafts = join(t.config.storageDir, "drafts", String(f.writerId));
    expect(existsSync(drafts)).toBe(true);

    const closed = await user.waitForMessage("Черновик письма закрыт", WAIT);
    expect(closed.text).toBe(
      "Черновик письма закрыт: к нему не возвращались целые сутки. Ничего не отправлено. Когда захотите, начните новое письмо из меню.",
    );
    expect(buttonTexts(closed)).toEqual(["🏠 Главное меню"]);
    expect(existsSync(drafts)).toBe(false);
    expect(await redisKeys(t, user.id)).toEqual({ conversation: 0, activity: 0 });
  });

  it("a writer who keeps typing is not closed early; /cancel leaves nothing to close", async () => {
    const t = await start(withIdleTimeout(2500));
    const user = t.user({ languageCode: "en" });
    await openLetter(t, user, { language: "en", signatureName: "Anna" });
    await chooseTyped(user, "en");
    // Steps 1 s apart for well over the timeout: each pushes the check back.
    const startedAt = Date.now();
    for (let i = 1; Date.now() - startedAt < 6000; i++) {
      await typePart(user, "en", `Part ${i} of my letter to you, written a little at a time.`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    expect(user.messages().some((m) => m.text?.startsWith(CLOSED_EN))).toBe(false);
    expect(await redisKeys(t, user.id)).toEqual({ conversation: 1, activity: 1 });

    // Leaving clears the activity: the pending check finds nothing to close.
    const left = user.waitForMessage((m) => m.text !== undefined && !m.text.startsWith("Your letter so far"), WAIT);
    await user.sendText("/cancel");
    await left;
    expect((await redisKeys(t, user.id)).activity).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 3500));
    expect(user.messages().some((m) => m.text?.startsWith(CLOSED_EN))).toBe(false);
  });
});
