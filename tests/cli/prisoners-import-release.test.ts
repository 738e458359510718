// Held letters released: an import that makes a person reachable again puts their held letters
// back on their way (a new card, or printing with the current address), tells each writer once in
// their language, and sends the operators one summary; a held letter's card releases or cancels it
// (operators only; a second press is answered politely). Through the real CLI command, database,
// queues, workers and fake Telegram.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { prisonersCommand } from "../../src/cli/commands/prisoners.js";
import type { FakeMessage } from "../../src/fake-telegram/index.js";
import type { LetterStatus } from "../../src/generated/prisma/client.js";
import type { PrisonerRecord } from "../../src/domain/prisoner-record.js";
import { createFileStorage } from "../../src/storage/index.js";
import { letterPdfKey } from "../../src/workers/printable.js";
import { addOperatorUser, postCard, randomCode, startedWriter, startOperatorsWorld, waitForStatus, type OperatorsWorld } from "../e2e/operators-helpers.js";
import { createIsolatedDatabase, type IsolatedDatabase } from "../helpers/db.js";
import { jsonFile, prisonerRecord } from "../helpers/prisoner-records.js";
import { collapse, readPdf } from "../media/read-pdf.js";

const NEW_ADDRESS = "618540, г. Соликамск, ул. Северная, д. 6";
const NEW_FACILITY = "ФКУ ИК-6 УФСИН России по Пермскому краю";
const WAIT = { timeoutMs: 15_000 };

let db: IsolatedDatabase;
let w: OperatorsWorld;
let dir: string;

beforeAll(async () => {
  // Its own database: released printed letters go into "the" open print batch.
  db = await createIsolatedDatabase();
  w = await startOperatorsWorld({ DATABASE_URL: db.url });
  dir = mkdtempSync(join(tmpdir(), "lifeline-import-release-"));
  process.env.REDIS_URL = w.t.config.redisUrl;
  process.env.REDIS_PREFIX = w.t.config.redisPrefix;
});
afterAll(async () => {
  await w.t.stop();
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

async function importFile(records: PrisonerRecord[], dryRun = false): Promise<string[]> {
  const path = join(dir, `list-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, jsonFile(records));
  const out: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((line: string) => void out.push(line));
  const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
  try {
    expect(await prisonersCommand(["import", path, ...(dryRun ? ["--dry-run"] : [])], db.url)).toBe(0);
    return out;
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

async function letterTo(writerId: number, prisonerId: number, status: LetterStatus, batchId: number | null = null) {
  const code = randomCode();
  const statuses: LetterStatus[] = ["submitted", ...(status === "submitted" ? [] : (["approved", ...(status === "printed" ? ["printed" as const] : [])] as LetterStatus[]))];
  const letter = await w.t.app.prisma.letter.create({
    data: {
      code,
      writerId,
      prisonerId,
      kind: "typed",
      text: "Здравствуйте! Пишу вам из Казани, у нас уже выпал первый снег.",
      language: "ru",
      signatureName: "Анна",
      status,
      batchId,
      ...(status === "printed" ? { pdfPath: letterPdfKey(0) } : {}),
      idempotencyKey: `test-${code}`,
      statusEvents: { create: statuses.map((s) => ({ status: s })) },
    },
  });
  return { id: letter.id, code, prisonerId };
}

const idOf = async (externalId: string) => (await w.t.app.prisma.prisoner.findUniqueOrThrow({ where: { externalId } })).id;
const startsWith = (prefix: string) => (m: FakeMessage) => (m.text ?? "").startsWith(prefix);
const count = (user: { messages(): FakeMessage[] }, text: string) => user.messages().filter((m) => (m.text ?? "").includes(text)).length;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("held letters released", () => {
  it("an import that makes a person reachable again releases their held letters, tells each writer once and the operators once", async () => {
    const { t, group } = w;
    const prisma = t.app.prisma;
    const person = prisonerRecord("rl-back", { lastName: "Вернувшийся", lastNameLatin: "Vernuvshiysya" });
    await importFile([person]);
    const prisonerId = await idOf("rl-back");
    const en = await startedWriter(t, "en");
    const ru = await startedWriter(t, "ru");
    const openBatch = (await prisma.printBatch.findFirst({ where: { status: "open" } })) ?? (await prisma.printBatch.create({ data: {} }));
    const submitted = await letterTo(en.writerId, prisonerId, "submitted");
    const approved = await letterTo(ru.writerId, prisonerId, "approved");
    const printed = await letterTo(en.writerId, prisonerId, "printed", openBatch.id);
    await postCard(w, submitted);

    // Released: everything in flight is held.
    const firstReport = group.waitForMessage(startsWith("📋 Список заключённых обновлён. Освобождены: 1"), WAIT);
    await importFile([{ ...person, canReceiveLetters: false, cannotReceiveReason: "released", releasedAt: "2026-01-15", postalAddress: null }]);
    await firstReport;
    for (const l of [submitted, approved, printed]) expect((await prisma.letter.findUniqueOrThrow({ where: { id: l.id } })).status).toBe("held");

    // Back in custody, at a new facility: the letters go back on their way.
    const report = group.waitForMessage(startsWith("📋 Список заключённых обновлён. Освобождены: 0"), WAIT);
    const newCard = group.waitForMessage(startsWith(`📨 Письмо ${submitted.code}`), { ...WAIT, afterMessageId: (await firstReport).messageId });
    const enTold = en.user.waitForMessage("Good news: your letters that were on hold", WAIT);
    const ruTold = ru.user.waitForMessage(`Хорошая новость о вашем письме ${approved.code}: оно было задержано`, WAIT);
    // A dry run says what would happen and changes nothing.
    const dry = await importFile([{ ...person, facilityName: NEW_FACILITY, postalAddress: NEW_ADDRESS }], true);
    expect(dry).toContain(`  would release from hold: letter ${approved.code} (back to approved)`);
    expect(dry.at(-1)).toContain("1 can receive letters again; 0 assignments ended, 3 held letters would go on their way, 2 notices to writers would be sent.");
    expect((await prisma.letter.findUniqueOrThrow({ where: { id: approved.id } })).status).toBe("held");
    const out = await importFile([{ ...person, facilityName: NEW_FACILITY, postalAddress: NEW_ADDRESS }]);
    expect(out).toEqual([
      "  update rl-back (facilityName, postalAddress, canReceiveLetters, cannotReceiveReason, releasedAt) — can receive letters again",
      `  release from hold: letter ${submitted.code} (back to submitted)`,
      `  release from hold: letter ${approved.code} (back to approved)`,
      `  release from hold: letter ${printed.code} (back to approved)`,
      "0 created, 1 updated, 0 unchanged; 0 released, 0 transferred, 0 can no longer receive letters, 1 can receive letters again; 0 assignments ended, 3 held letters sent on their way, 2 notices to writers queued.",
    ]);

    // Stored: back to the status before the hold (a printed one is printed again), a system event each.
    const rows = await prisma.letter.findMany({ where: { id: { in: [submitted.id, approved.id, printed.id] } }, include: { statusEvents: { orderBy: { id: "asc" } } } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(submitted.id)).toMatchObject({ status: "submitted", statusReason: null });
    expect(byId.get(submitted.id)?.statusEvents.at(-1)).toMatchObject({ status: "submitted", reason: "hold-released", operatorId: null });
    expect(byId.get(printed.id)?.batchId).toBeNull();

    // The submitted one has a new card with its buttons (not marked as a fixed version).
    const card = await newCard;
    expect(card.text).not.toContain("Исправлено");
    expect(card.inlineKeyboard.flat().map((b) => b.text)).toContain("✅ Одобрить");
    // The others are printed again, with the new address, into the open batch.
    await waitForStatus(t, approved.id, "printed");
    await waitForStatus(t, printed.id, "printed");
    const pdf = await createFileStorage(t.config.storageDir, t.config.keyring).get(letterPdfKey(approved.id));
    const text = collapse((await readPdf(pdf ?? Buffer.alloc(0))).map((p) => p.text).join(" "));
    expect(text).toContain("Соликамск");
    expect((await prisma.letter.findUniqueOrThrow({ where: { id: printed.id } })).batchId).toBe(openBatch.id);

    // Each writer is told once, in their language: about all their letters released, or the one.
    expect((await enTold).text).toBe(
      `▶️ Good news: your letters that were on hold are on their way again — ${submitted.code} and 1 more. We will tell you when they are printed and posted.`,
    );
    expect((await ruTold).text).toBe(
      `▶️ Хорошая новость о вашем письме ${approved.code}: оно было задержано, а теперь снова в пути. Мы сообщим, когда его напечатают и отправят.`,
    );

    // One summary for the operators, with the letters released.
    expect(((await report).text ?? "").split("\n")).toEqual([
      "📋 Список заключённых обновлён. Освобождены: 0; переведены: 0; больше не могут получать письма: 0.",
      "▶️ Снова могут получать письма: 1.",
      "",
      `▶️ Были задержаны, теперь снова в пути (3): ${submitted.code}, ${approved.code}, ${printed.code}`,
    ]);

    // The same list again changes nothing and tells nobody twice.
    const again = await importFile([{ ...person, facilityName: NEW_FACILITY, postalAddress: NEW_ADDRESS }]);
    expect(again.at(-1)).toBe("0 created, 0 updated, 1 unchanged; 0 released, 0 transferred, 0 can no longer receive letters; 0 assignments ended, 0 notices to writers queued.");
    await pause(1500);
    expect(count(en.user, "Good news: your letters that were on hold")).toBe(1);
    expect(count(en.user, "it was on hold")).toBe(0);
    expect(count(ru.user, `Хорошая новость о вашем письме ${approved.code}: оно было задержано`)).toBe(1);
    expect(group.messages().filter(startsWith("📋 Список заключённых обновлён. Освобождены: 0"))).toHaveLength(1);
  });

  it("a held letter's card: operators only, release once the person can receive letters, cancel with a kind word to the writer", async () => {
    const { t, group, admin } = w;
    const prisma = t.app.prisma;
    const second = await addOperatorUser(w);
    const person = prisonerRecord("rl-card", { lastName: "Скрытная", lastNameLatin: "Skrytnaya" });
    await importFile([person]);
    const prisonerId = await idOf("rl-card");
    const { user, writerId } = await startedWriter(t, "en");
    const toRelease = await letterTo(writerId, prisonerId, "approved");
    const toCancel = await letterTo(writerId, prisonerId, "submitted");
    const modCard = await postCard(w, toCancel);

    const releaseCard = group.waitForMessage(startsWith(`⏸ Письмо ${toRelease.code} задержано`), WAIT);
    const cancelCard = group.waitForMessage(startsWith(`⏸ Письмо ${toCancel.code} задержано`), WAIT);
    await importFile([{ ...person, canReceiveLetters: false, cannotReceiveReason: "asked_privacy" }]);
    const held = await releaseCard;
    expect(held.text).toContain("получателю больше нельзя передавать письма");
    expect(held.inlineKeyboard.flat().map((b) => b.text)).toEqual(["▶️ Отправить дальше", "🗑 Отменить письмо"]);

    // Not an operator: refused, nothing changes.
    const stranger = t.user({ languageCode: "ru" });
    expect(await group.pressButton(stranger, "▶️ Отправить дальше", { messageId: held.messageId })).toMatchObject({ text: "Извините, это действие вам недоступно.", showAlert: true });
    // The list still says the person cannot receive letters: it stays held.
    expect(await group.pressButton(admin, "▶️ Отправить дальше", { messageId: held.messageId })).toMatchObject({
      text: `По списку заключённых получатель письма ${toRelease.code} всё ещё не может получать письма, поэтому письмо остаётся задержанным. Сначала обновите список или отмените письмо.`,
      showAlert: true,
    });
    expect((await prisma.letter.findUniqueOrThrow({ where: { id: toRelease.id } })).status).toBe("held");

    // Changed by hand in the database (the list's next import would release it by itself).
    await prisma.prisoner.update({ where: { id: prisonerId }, data: { canReceiveLetters: true, cannotReceiveReason: null } });
    const confirmation = group.waitForMessage(startsWith(`▶️ Письмо ${toRelease.code} снова в пути`), WAIT);
    const told = user.waitForMessage(`Good news about your letter ${toRelease.code}: it was on hold`, WAIT);
    // Two operators press at once: one release, and the other is told what happened.
    const answers = await Promise.all([
      group.pressButton(admin, "▶️ Отправить дальше", { messageId: held.messageId }),
      group.pressButton(second, "▶️ Отправить дальше", { messageId: held.messageId }),
    ]);
    const [first, other] = answers[0]?.text === "Письмо снова в пути." ? answers : [answers[1], answers[0]];
    expect(first?.text).toBe("Письмо снова в пути.");
    // Approved, or already printed by the time the second press is handled.
    expect(other?.showAlert).toBe(true);
    expect(other?.text).toMatch(new RegExp(`^Письмо ${toRelease.code} уже не задержано, его статус: (одобрено|напечатано)\\.$`));
    expect((await confirmation).text).toMatch(new RegExp(`^▶️ Письмо ${toRelease.code} снова в пути \\(оператор #\\d+\\): оно уйдёт в печать с текущим адресом\\.$`));
    await told;
    await waitForStatus(t, toRelease.id, "printed");
    const released = await prisma.letterStatusEvent.findMany({ where: { letterId: toRelease.id, reason: "hold-released" } });
    expect(released).toHaveLength(1);
    expect(released[0]?.operatorId).not.toBeNull();
    expect(group.messages().find((m) => m.messageId === held.messageId)?.inlineKeyboard.flat()).toEqual([]);

    // Its moderation card, pressed while held, is redrawn with the same two buttons.
    expect((await group.pressButton(admin, "✅ Одобрить", { messageId: modCard.messageId })).showAlert).toBe(true);
    const redrawn = () => group.messages().find((m) => m.messageId === modCard.messageId);
    await expect.poll(() => redrawn()?.inlineKeyboard.flat().map((b) => b.text), { timeout: 10_000 }).toEqual(["▶️ Отправить дальше", "🗑 Отменить письмо"]);

    // Cancel: the writer gets a kind word, the letter is rejected with its hold reason by the operator.
    const cancelled = group.waitForMessage(startsWith(`🗑 Письмо ${toCancel.code} отменено`), WAIT);
    const sorry = user.waitForMessage(`About your letter ${toCancel.code}: we are sorry`, WAIT);
    expect((await group.pressButton(admin, "🗑 Отменить письмо", { messageId: (await cancelCard).messageId })).text).toBe("Письмо отменено.");
    expect((await cancelled).text).toMatch(new RegExp(`^🗑 Письмо ${toCancel.code} отменено \\(оператор #\\d+\\)\\. Автору сообщили\\.$`));
    expect((await sorry).text).toBe(
      `About your letter ${toCancel.code}: we are sorry, but we cannot send it, because we can no longer pass letters on to its recipient. Thank you for writing it. You are welcome to write to someone else from the main menu.`,
    );
    const row = await prisma.letter.findUniqueOrThrow({ where: { id: toCancel.id }, include: { statusEvents: { orderBy: { id: "asc" } } } });
    expect(row).toMatchObject({ status: "rejected", statusReason: "recipient-unreachable" });
    expect(row.statusEvents.at(-1)).toMatchObject({ status: "rejected", reason: "recipient-unreachable" });
    expect(row.statusEvents.at(-1)?.operatorId).not.toBeNull();

    // A second press, on the other card, is told politely what already happened, and changes nothing.
    expect(await group.pressButton(second, "🗑 Отменить письмо", { messageId: modCard.messageId })).toMatchObject({
      text: `Письмо ${toCancel.code} уже не задержано, его статус: отклонено.`,
      showAlert: true,
    });
    await pause(1000);
    expect(count(user, `About your letter ${toCancel.code}: we are sorry`)).toBe(1);
    expect(count(user, `Good news about your letter ${toRelease.code}: it was on hold`)).toBe(1);
    expect(await prisma.letterStatusEvent.count({ where: { letterId: toCancel.id, status: "rejected" } })).toBe(1);
  });
});
