// Getting a writer into the letter flow the way a person does: /write, the card, "Write to".
import type { FakeMessage, FakeUser } from "../../src/fake-telegram/index.js";
import type { TestApp } from "../helpers/app.js";
import { createLetterFixture, type LetterFixture } from "../helpers/letter-fixtures.js";

/** Generous: four engineers' tests share two cores. */
export const WAIT = { timeoutMs: 10_000 } as const;
export const WAIT_EDITS = { timeoutMs: 10_000, includeEdits: true } as const;

export function buttonTexts(message: FakeMessage): string[] {
  return message.inlineKeyboard.flat().map((b) => b.text);
}

/** Sets up the writer (rules accepted), a person and an assignment, then opens the letter flow. */
export async function openLetter(
  t: TestApp,
  user: FakeUser,
  opts: { language: "ru" | "en"; signatureName?: string | null },
): Promise<LetterFixture & { chooser: FakeMessage }> {
  const fixture = await createLetterFixture(t.app.prisma, { telegramId: user.id, language: opts.language, signatureName: opts.signatureName ?? null });
  const goData = `write:go:${fixture.assignmentId}`;
  const card = user.waitForMessage((m) => m.inlineKeyboard.flat().some((b) => "callback_data" in b && b.callback_data === goData), WAIT);
  await user.sendText("/write");
  await card;
  const chooser = user.waitForMessage(opts.language === "ru" ? "Как вы хотите его написать?" : "How would you like to write it?", WAIT);
  await user.pressButton(goData);
  return { ...fixture, chooser: await chooser };
}

/** A letter code as the bot shows it (no 0/1/I/O). */
export const LETTER_CODE = /L-[2-9A-HJ-NP-Z]{4}/;

export function letterCodeIn(message: FakeMessage): string {
  return LETTER_CODE.exec(message.text ?? "")?.[0] ?? "";
}

const TYPED_WORDS = {
  ru: { type: "⌨️ Набрать здесь", prompt: "Напишите письмо.", status: "Сейчас в письме", send: "📨 Отправить" },
  en: { type: "⌨️ Type it here", prompt: "Write your letter.", status: "Your letter so far", send: "📨 Send" },
} as const;

/** On the chooser: "Type it here"; returns the prompt that follows. */
export async function chooseTyped(user: FakeUser, language: "ru" | "en"): Promise<FakeMessage> {
  const prompt = user.waitForMessage(TYPED_WORDS[language].prompt, WAIT);
  await user.pressButton(TYPED_WORDS[language].type);
  return prompt;
}

/** Sends one part of a typed letter; returns the "so far" status that follows. */
export async function typePart(user: FakeUser, language: "ru" | "en", text: string): Promise<FakeMessage> {
  const status = user.waitForMessage(TYPED_WORDS[language].status, WAIT);
  await user.sendText(text);
  return status;
}

/** On the summary: "Send"; returns the confirmation with the letter code. */
export async function pressSend(user: FakeUser, language: "ru" | "en"): Promise<FakeMessage> {
  const sent = user.waitForMessage(LETTER_CODE, WAIT);
  await user.pressButton(TYPED_WORDS[language].send);
  return sent;
}
