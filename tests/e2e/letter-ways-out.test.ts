// Every screen of the letter flow has a way out: the rules digest, the choice of kind, the empty
// prompts, the "letter so far" status, the pre-check, the signature question, the summary, the
// pages status and the resubmission draft. Each walk presses Cancel (or Back) and must end at the
// main menu with no conversation left waiting and nothing sent.
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import type { FakeMessage, FakeUser } from "../../src/fake-telegram/index.js";
import { conversationKey } from "../../src/messages/state-keys.js";
import { startTestAppPerTest, type TestApp } from "../helpers/app.js";
import { buttonTexts, chooseTyped, openLetter, typePart, WAIT, WAIT_EDITS } from "./letter-helpers.js";
import { createLetter, letterStatus, startedWriter } from "./operators-helpers.js";

const start = startTestAppPerTest({ roles: ["bot"] });

const MENU = ["✉️ Write a letter", "🔎 Find a person", "📬 My letters", "📖 How to write", "⚙️ Settings", "ℹ️ Help"];
const CLEAN_LETTER = "Dear Pyotr, my name is Anna. I live by the sea and work in a library. What do you like to read?";

async function pending(t: TestApp, user: FakeUser): Promise<number> {
  return t.app.redis.exists(conversationKey(t.config.redisPrefix, user.id));
}

/** This user's letters only: the database is shared by every test file of the run. */
async function letterCount(t: TestApp, user: FakeUser): Promise<number> {
  return t.app.prisma.letter.count({ where: { writer: { telegramId: BigInt(user.id) } } });
}

/** "Done" on a typed draft; an English letter gets the pre-check's note first, passed with "Send as it is". */
async function pressDone(user: FakeUser, screen: FakeMessage, next: string): Promise<FakeMessage> {
  const precheck = user.waitForMessage("We checked your letter", { ...WAIT, afterMessageId: screen.messageId });
  await user.pressButton("✅ Done", { messageId: screen.messageId });
  const check = await precheck;
  const following = user.waitForMessage(next, { ...WAIT, afterMessageId: check.messageId });
  await user.pressButton("Send as it is", { messageId: check.messageId });
  return following;
}

/** Presses a button on `screen` and expects the flow to end at the main menu, nothing pending. */
async function pressOut(t: TestApp, user: FakeUser, screen: FakeMessage, label: string): Promise<void> {
  const done = user.waitForMessage("All right, stopped.", { ...WAIT, afterMessageId: screen.messageId });
  await user.pressButton(label, { messageId: screen.messageId });
  expect(buttonTexts(await done)).toEqual(MENU);
  // The conversation's state is written when the update's handling ends, just after the reply.
  await expect.poll(() => pending(t, user), { timeout: 10_000 }).toBe(0);
}

/** "Cancel" beside a draft: first a question; "Continue" keeps the draft, "Discard" ends at the menu. */
async function cancelDraft(t: TestApp, user: FakeUser, screen: FakeMessage): Promise<void> {
  expect(buttonTexts(screen)).toContain("✖️ Cancel");
  let confirm = user.waitForMessage("Discard the draft?", { ...WAIT, afterMessageId: screen.messageId });
  await user.pressButton("✖️ Cancel", { messageId: screen.messageId });
  let question = await confirm;
  expect(buttonTexts(question)).toEqual(["✍️ Continue the letter", "🗑 Discard the letter"]);
  // Changing one's mind keeps everything.
  expect((await user.pressButton("✍️ Continue the letter", { messageId: question.messageId })).text).toBe("Let's go on: your draft is kept.");
  expect(await pending(t, user)).toBe(1);
  confirm = user.waitForMessage("Discard the draft?", { ...WAIT, afterMessageId: question.messageId });
  await user.pressButton("✖️ Cancel", { messageId: screen.messageId });
  question = await confirm;
  await pressOut(t, user, question, "🗑 Discard the letter");
}

describe("every screen of the letter flow has a way out", () => {
  it("the rules digest: one screen, More shows the rest, Cancel goes to the menu without accepting", async () => {
    const t = await start();
    const user = t.user({ languageCode: "en" });
    // A writer who has not accepted the rules yet meets the digest on the way to a letter.
    const f = await openLetter(t, user, { language: "en" });
    await pressOut(t, user, f.chooser, "✖️ Cancel");
    await t.app.prisma.writer.update({ where: { id: f.writerId }, data: { rulesAcceptedVersion: null } });
    const digest = user.waitForMessage("Before you write", WAIT_EDITS);
    await user.sendText("/write");
    const short = await digest;
    expect([...(short.text ?? "")].length).toBeLessThanOrEqual(600);
    expect(buttonTexts(short)).toEqual(["✅ Got it", "More ›", "📖 The full guide", "✖️ Cancel"]);

    const more = user.waitForMessage("What works well", WAIT_EDITS);
    await user.pressButton("More ›", { messageId: short.messageId });
    const full = await more;
    expect(full.messageId).toBe(short.messageId);
    expect(full.text).toContain("Before you write");
    expect(buttonTexts(full)).toEqual(["✅ Got it", "📖 The full guide", "✖️ Cancel"]);

    const menu = user.waitForMessage("Main menu", WAIT_EDITS);
    await user.pressButton("✖️ Cancel", { messageId: full.messageId });
    expect(buttonTexts(await menu)).toEqual(MENU);
    await expect.poll(() => pending(t, user), { timeout: 10_000 }).toBe(0);
    expect((await t.app.prisma.writer.findUniqueOrThrow({ where: { id: f.writerId } })).rulesAcceptedVersion).toBeNull();
  });

  it("typed: the empty prompt, the letter so far, the pre-check, the signature (Back and Cancel) and the summary", async () => {
    const t = await start();
    const user = t.user({ languageCode: "en" });

    // The empty prompt: nothing to lose, Cancel leaves at once.
    await openLetter(t, user, { language: "en" });
    const prompt = await chooseTyped(user, "en");
    expect(buttonTexts(prompt)).toEqual(["✖️ Cancel"]);
    await pressOut(t, user, prompt, "✖️ Cancel");

    // "Your letter so far": Cancel asks first.
    await openLetter(t, user, { language: "en" });
    await chooseTyped(user, "en");
    const soFar = await typePart(user, "en", CLEAN_LETTER);
    expect(buttonTexts(soFar)).toEqual(["👁 Preview", "🔄 Start over", "✅ Done", "✖️ Cancel"]);
    await cancelDraft(t, user, soFar);

    // The pre-check with warnings.
    await openLetter(t, user, { language: "en", signatureName: "Anna" });
    await chooseTyped(user, "en");
    const warned = await typePart(user, "en", `${CLEAN_LETTER} It is sad that the war goes on.`);
    const precheck = user.waitForMessage("We checked your letter", WAIT);
    await user.pressButton("✅ Done", { messageId: warned.messageId });
    const check = await precheck;
    expect(buttonTexts(check)).toEqual(["✏️ Edit the letter", "Send as it is", "✖️ Cancel"]);
    await cancelDraft(t, user, check);

    // The signature question: Back returns to the letter, Cancel leaves.
    await openLetter(t, user, { language: "en", signatureName: null });
    await chooseTyped(user, "en");
    const written = await typePart(user, "en", CLEAN_LETTER);
    let signature = await pressDone(user, written, "How should we sign your letter?");
    expect(buttonTexts(signature)).toEqual(["‹ Back", "✖️ Cancel"]);
    const back = user.waitForMessage("Your text is kept.", { ...WAIT, afterMessageId: signature.messageId });
    await user.pressButton("‹ Back", { messageId: signature.messageId });
    const edit = await back;
    expect(buttonTexts(edit)).toEqual(["👁 Preview", "🔄 Start over", "✅ Done", "✖️ Cancel"]);
    signature = await pressDone(user, edit, "How should we sign your letter?");
    await cancelDraft(t, user, signature);

    // The summary.
    await openLetter(t, user, { language: "en", signatureName: "Anna" });
    await chooseTyped(user, "en");
    const ready = await typePart(user, "en", CLEAN_LETTER);
    const shown = await pressDone(user, ready, "Please check your letter");
    expect(buttonTexts(shown)).toEqual(["📨 Send", "✏️ Edit", "✖️ Cancel"]);
    await cancelDraft(t, user, shown);

    expect(await letterCount(t, user)).toBe(0);
  });

  it("handwritten: the choice of kind, the empty prompt and the pages status", async () => {
    const t = await start();
    const user = t.user({ languageCode: "en" });
    const f = await openLetter(t, user, { language: "en" });
    expect(buttonTexts(f.chooser)).toContain("✖️ Cancel");
    await pressOut(t, user, f.chooser, "✖️ Cancel");

    await openLetter(t, user, { language: "en" });
    let prompt = user.waitForMessage("Send photos of your handwritten letter", WAIT);
    await user.pressButton("📷 Photos of a handwritten letter");
    await pressOut(t, user, await prompt, "✖️ Cancel");

    await openLetter(t, user, { language: "en" });
    prompt = user.waitForMessage("Send photos of your handwritten letter", WAIT);
    await user.pressButton("📷 Photos of a handwritten letter");
    await prompt;
    const status = user.waitForMessage("Pages received: 1", WAIT);
    await user.sendPhoto(await sharp({ create: { width: 700, height: 990, channels: 3, background: { r: 90, g: 90, b: 90 } } }).jpeg().toBuffer());
    await cancelDraft(t, user, await status);
    expect(await letterCount(t, user)).toBe(0);
  });

  it("the resubmission draft: Cancel leaves the letter waiting for changes, as it was", async () => {
    const t = await start();
    const { user, writerId } = await startedWriter(t, "en");
    const letter = await createLetter(t, writerId, { text: CLEAN_LETTER, language: "en", status: "needs_changes" });
    const list = user.waitForMessage("Your letters (1)", WAIT);
    await user.sendText("/letters");
    await list;
    const detail = user.waitForMessage(`Letter ${letter.code}`, WAIT_EDITS);
    await user.pressButton(`my:tp:${letter.prisonerId}:0`);
    await user.pressButton(`my:l:${letter.id}`);
    await detail;
    const prompt = user.waitForMessage("it is your draft now", WAIT);
    await user.pressButton("✏️ Fix and send again");
    const shown = await prompt;
    expect(buttonTexts(shown)).toEqual(["👁 Preview", "🔄 Start over", "✅ Done", "✖️ Cancel"]);
    await cancelDraft(t, user, shown);
    expect(await letterStatus(t, letter.id)).toBe("needs_changes");
  });
});
