// A damaged encrypted value (a corrupted disk, a bad restore) is never a crash or a half-written
// change: the writer is told politely, in their language, and the row stays as it was.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MY_CB } from "../../src/messages/views/my-letters.js";
import { startTestApp, type TestApp } from "../helpers/app.js";
import { createLetterFixture } from "../helpers/letter-fixtures.js";
import { WAIT } from "./letter-helpers.js";
import { createLetter, postCard, startedWriter, startIsolatedOperatorsWorld, type OperatorsWorld } from "./operators-helpers.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ roles: ["bot"] });
});
afterAll(async () => {
  await t.stop();
});

describe("a corrupted encrypted letter", () => {
  it.each([
    ["ru", "Ваши письма", "Простите, часть сохранённых данных не удалось прочитать — похоже, они повреждены. Ничего не изменилось."],
    ["en", "Your letters", "Sorry, some of the stored data for this could not be read: it looks damaged. Nothing was changed."],
  ] as const)("answers the writer (%s) with a clear, polite message and changes nothing", async (language, listTitle, expected) => {
    const prisma = t.app.prisma;
    const user = t.user({ languageCode: language });
    const f = await createLetterFixture(prisma, { telegramId: user.id, language });
    const code = `L-${randomBytes(4).toString("hex").toUpperCase()}`;
    const letter = await prisma.letter.create({
      data: { code, writerId: f.writerId, prisonerId: f.prisonerId, kind: "typed", language: "ru", text: "Секретное письмо", signatureName: "Аня", idempotencyKey: `unreadable-${code}` },
    });
    // Flip the last characters of the stored ciphertext: the GCM tag no longer matches.
    const [row] = await prisma.$queryRaw<{ text: string }[]>`SELECT text FROM letters WHERE id = ${letter.id}`;
    const corrupted = `${row!.text.slice(0, -4)}${row!.text.endsWith("AAAA") ? "BBBB" : "AAAA"}`;
    await prisma.$executeRaw`UPDATE letters SET text = ${corrupted} WHERE id = ${letter.id}`;

    await user.sendText("/letters");
    await user.waitForMessage(listTitle, WAIT);
    const answer = user.waitForMessage(expected, WAIT);
    // The list and the pen pal's thread read no letter text; the letter itself cannot be read.
    await user.pressButton(MY_CB.thread({ prisonerId: f.prisonerId }));
    await user.pressButton(MY_CB.letter(letter.id));
    expect((await answer).text).not.toContain("Секретное");

    const [after] = await prisma.$queryRaw<{ text: string; status: string; signature_name: string }[]>`SELECT text, status::text, signature_name FROM letters WHERE id = ${letter.id}`;
    expect(after).toMatchObject({ text: corrupted, status: "submitted" });
    expect(after!.signature_name).toMatch(/^enc1:/);
  });
});

describe("a letter that becomes unreadable after its card was posted", () => {
  let w: OperatorsWorld;
  beforeAll(async () => {
    // A database of its own: the test damages a stored value with SQL.
    w = await startIsolatedOperatorsWorld();
  });
  afterAll(async () => {
    await w.t.stop();
  });

  it("refuses the operator's decision politely and rolls it back: no status change, no event", async () => {
    const { t, group, admin } = w;
    const { writerId } = await startedWriter(t, "ru");
    const letter = await createLetter(t, writerId);
    const card = await postCard(w, letter);
    const prisma = t.app.prisma;
    await prisma.$executeRaw`UPDATE letters SET signature_name = left(signature_name, length(signature_name) - 4) || 'AAAA' WHERE id = ${letter.id}`;

    const told = group.waitForMessage((m) => (m.text ?? "").startsWith("Простите, часть сохранённых данных не удалось прочитать"), { timeoutMs: 10_000, afterMessageId: card.messageId });
    const pressed = await group.pressButton(admin, "✅ Одобрить", { messageId: card.messageId });
    await told.catch((err: unknown) => {
      throw new Error(`${String(err)}\nThe press was answered: ${JSON.stringify(pressed)}`);
    });
    const after = await prisma.$queryRaw<{ status: string; events: bigint }[]>`
      SELECT status::text, (SELECT count(*) FROM letter_status_events e WHERE e.letter_id = l.id AND e.status = 'approved') AS events
      FROM letters l WHERE id = ${letter.id}`;
    expect(after[0]).toEqual({ status: "submitted", events: 0n });
  });
});
