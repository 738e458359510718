// F8: double presses. A writer presses Send twice at once; two operators press Approve on the same
// card at once, or one Approve while the other rejects. One letter, one decision, one card edit,
// one message to the writer; the second press is answered politely, never left spinning.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallbackAnswer, FakeUser } from "../../src/fake-telegram/index.js";
import { MOD_CB } from "../../src/messages/views/moderation-card.js";
import { addOperatorUser, createLetter, postCard, startedWriter, startOperatorsWorld, waitForStatus, type OperatorsWorld } from "../e2e/operators-helpers.js";
import { chooseTyped, letterCodeIn, openLetter, typePart, WAIT } from "../e2e/letter-helpers.js";
import { recordFault } from "./report.js";

const WRITERS = 4;
const APPROVE_RACES = 4;
const MIXED_RACES = 2;

const TEXT = "Здравствуйте! Пишу вам из Казани. Весной у нас распустились каштаны, и я каждый день гуляю у реки.";

let w: OperatorsWorld;
let second: FakeUser;
beforeAll(async () => {
  w = await startOperatorsWorld();
  second = await addOperatorUser(w);
}, 60_000);
afterAll(async () => {
  await w?.t.stop();
});

/** Every answer a press got: a settled press that was never answered would be a rejection here. */
function answered(results: PromiseSettledResult<CallbackAnswer>[]): CallbackAnswer[] {
  const failed = results.filter((r) => r.status === "rejected");
  expect(failed.map((r) => String((r).reason))).toEqual([]);
  return results.map((r) => (r as PromiseFulfilledResult<CallbackAnswer>).value);
}

describe("F8: double presses of Send, Approve and Reject", () => {
  it("Send pressed twice at once: one letter, one card, one confirmation, the second press answered", { timeout: 120_000 }, async () => {
    const { t, group } = w;
    const writers = await Promise.all(
      Array.from({ length: WRITERS }, async () => {
        const user = t.user({ languageCode: "ru" });
        const f = await openLetter(t, user, { language: "ru", signatureName: "Анна" });
        await chooseTyped(user, "ru");
        await typePart(user, "ru", TEXT);
        const summary = user.waitForMessage("Проверьте письмо перед отправкой", WAIT);
        await user.pressButton("✅ Готово");
        const shown = await summary;
        const send = shown.inlineKeyboard.flat().find((b) => b.text === "📨 Отправить");
        const data = send && "callback_data" in send ? (send.callback_data ?? "") : "";
        const confirmation = user.waitForMessage(/L-[2-9A-HJ-NP-Z]{4}/, WAIT);
        const answers = answered(
          await Promise.allSettled([user.pressButton(data, { messageId: shown.messageId }), user.pressButton(data, { messageId: shown.messageId })]),
        );
        const code = letterCodeIn(await confirmation);
        return { user, f, answers, code, afterId: shown.messageId };
      }),
    );
    // The cards come from the moderation worker; give a doubled one time to show up.
    await expect.poll(() => writers.filter((x) => group.messages().some((m) => (m.text ?? "").includes(`Письмо ${x.code}`))).length, { timeout: 15_000 }).toBe(WRITERS);
    await new Promise((r) => setTimeout(r, 500));

    let lost = 0;
    let duplicated = 0;
    for (const x of writers) {
      const letters = await t.app.prisma.letter.findMany({ where: { writerId: x.f.writerId } });
      const cards = group.messages().filter((m) => (m.text ?? "").startsWith(`📨 Письмо ${x.code}`));
      const confirmations = x.user.messages().filter((m) => m.messageId > x.afterId && (m.text ?? "").includes(x.code));
      lost += letters.length === 0 ? 1 : 0;
      duplicated += Math.max(0, letters.length - 1) + Math.max(0, cards.length - 1) + Math.max(0, confirmations.length - 1);
      expect(letters).toHaveLength(1);
      expect(letters[0]).toMatchObject({ code: x.code, status: "submitted", text: TEXT });
      expect(cards).toHaveLength(1);
      expect(confirmations).toHaveLength(1);
      // Nothing after the confirmation: the second press made no message of its own.
      expect(x.user.messages().filter((m) => m.messageId > x.afterId)).toHaveLength(1);
      expect(await t.app.prisma.assignment.findUniqueOrThrow({ where: { id: x.f.assignmentId } })).toMatchObject({ status: "used", letterId: letters[0]?.id });
      // Both presses answered: one sent the letter, the other was told it is already on its way.
      expect(x.answers.map((a) => a.text ?? "").sort()).toEqual(["", `Письмо ${x.code} уже у нас, второй раз нажимать не нужно. Следить за ним можно в разделе «Мои письма».`]);
    }
    expect(lost).toBe(0);
    expect(duplicated).toBe(0);
    const secondAnswers = writers.map((x) => x.answers.map((a) => a.text ?? "").filter((s) => s !== ""));
    process.stdout.write(`F8 send: answers to the two presses ${JSON.stringify(secondAnswers)}\n`);
    sendRecord = { total: WRITERS, lost, duplicated, secondAnswers: [...new Set(secondAnswers.flat())] };
  });

  it("two operators press Approve at once (and Approve against Reject): one decision, one card edit, one message to the writer", { timeout: 120_000 }, async () => {
    const { t, group, admin } = w;
    const races = await Promise.all(
      Array.from({ length: APPROVE_RACES + MIXED_RACES }, async (_, i) => {
        const { user, writerId } = await startedWriter(t, "en");
        const letter = await createLetter(t, writerId);
        const card = await postCard(w, letter);
        const mixed = i >= APPROVE_RACES;
        const answers = answered(
          await Promise.allSettled([
            group.pressButton(admin, "✅ Одобрить", { messageId: card.messageId, timeoutMs: 20_000 }),
            // The second operator's press: the same Approve, or a reject reason chosen on their screen.
            mixed
              ? group.pressButton(second, "✅ Одобрить", { messageId: card.messageId, timeoutMs: 20_000, forgedData: MOD_CB.rejectReason(letter.id, "spam") })
              : group.pressButton(second, "✅ Одобрить", { messageId: card.messageId, timeoutMs: 20_000 }),
          ]),
        );
        return { user, letter, card, answers, mixed };
      }),
    );
    // Approved letters go to print; wait for their PDFs, and for every writer's notice.
    const decisions = await Promise.all(
      races.map(async (r) => {
        const row = await t.app.prisma.letter.findUniqueOrThrow({ where: { id: r.letter.id } });
        return row.status;
      }),
    );
    for (const [i, r] of races.entries()) {
      if (decisions[i] === "approved") await waitForStatus(t, r.letter.id, "printed");
      await expect.poll(() => r.user.messages().length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    }
    await new Promise((r) => setTimeout(r, 500));

    let duplicated = 0;
    let lost = 0;
    for (const r of races) {
      const events = await t.app.prisma.letterStatusEvent.findMany({ where: { letterId: r.letter.id }, orderBy: { id: "asc" } });
      const decided = events.filter((e) => e.status === "approved" || e.status === "rejected");
      const printed = events.filter((e) => e.status === "printed");
      const edits = t.fake
        .calls("editMessageText")
        .filter((c) => c.ok && c.chatId === group.id && Number(c.params.message_id) === r.card.messageId);
      // The writer's chat: /start's welcome, then one notice of the decision.
      const notices = r.user.messages().filter((m) => (m.text ?? "").includes(r.letter.code));
      lost += decided.length === 0 ? 1 : 0;
      duplicated += Math.max(0, decided.length - 1) + Math.max(0, printed.length - 1) + Math.max(0, edits.length - 1) + (notices.length - new Set(notices.map((m) => m.text)).size);
      expect(decided).toHaveLength(1);
      expect(edits).toHaveLength(1);
      // Each notice once (the decision's, then the print's for an approved letter).
      expect(new Set(notices.map((m) => m.text)).size).toBe(notices.length);
      if (decided[0]?.status === "approved") {
        expect(printed).toHaveLength(1);
        expect(notices.filter((m) => (m.text ?? "").includes("has been checked and approved"))).toHaveLength(1);
      } else {
        expect(r.mixed).toBe(true);
        expect(printed).toHaveLength(0);
      }
      // One press was taken, the other told politely who decided.
      const texts = r.answers.map((a) => a.text ?? "").sort();
      expect(texts.filter((x) => x === "Решение записано.")).toHaveLength(1);
      expect(texts.filter((x) => x.startsWith("Это письмо уже рассмотрено, его статус:") && /оператор #\d+/.test(x))).toHaveLength(1);
    }
    expect(lost).toBe(0);
    expect(duplicated).toBe(0);
    const approved = decisions.filter((d) => d === "approved").length;

    recordFault({
      id: "F8",
      title: "Double presses of Send (writer) and Approve/Reject (two operators at once)",
      happened:
        `${WRITERS} writers pressed Send twice at the same instant: each got one letter in PostgreSQL, one card in the operators' chat and one confirmation with the code; ` +
        `both presses were answered${sendRecord.secondAnswers.length > 0 ? ` (the other press: ${sendRecord.secondAnswers.map((s) => `“${s}”`).join(", ")})` : " and the second made no message of its own"}. ` +
        `On ${APPROVE_RACES} cards two operators pressed Approve at once, on ${MIXED_RACES} more one pressed Approve while the other rejected: every letter got one decision, ` +
        `the card was edited once, the writer got one notice and each approved letter (${approved}) was printed once; the slower operator was told the letter was already decided, by whom and when.`,
      letters: { total: sendRecord.total + races.length, lost: sendRecord.lost + lost, duplicated: sendRecord.duplicated + duplicated },
      updates: { total: 2 * (WRITERS + races.length), lost: 0, duplicated: 0 },
      limits: ["The first press to reach PostgreSQL wins; which of two simultaneous presses that is, is not defined."],
    });
  });
});

let sendRecord: { total: number; lost: number; duplicated: number; secondAnswers: string[] } = { total: 0, lost: 0, duplicated: 0, secondAnswers: [] };
