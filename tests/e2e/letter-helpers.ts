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
