// Letters in flight when an import releases, transfers or makes someone unreachable: held letters
// are never printed or posted, printed ones leave the open batch or get a new PDF, and the
// operators get one summary. Through the real CLI command, database, queues and fake Telegram.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { prisonersCommand } from "../../src/cli/commands/prisoners.js";
import type { LetterStatus } from "../../src/generated/prisma/client.js";
import type { PrisonerRecord } from "../../src/domain/prisoner-record.js";
import { IMPORT_REPORT_QUEUE } from "../../src/queues/index.js";
import { createFileStorage } from "../../src/storage/index.js";
import { letterPdfKey } from "../../src/workers/printable.js";
import { postCard, randomCode, startedWriter, startOperatorsWorld, type OperatorsWorld } from "../e2e/operators-helpers.js";
import { createIsolatedDatabase, type IsolatedDatabase } from "../helpers/db.js";
import { jsonFile, prisonerRecord } from "../helpers/prisoner-records.js";
import { collapse, readPdf } from "../media/read-pdf.js";
import { sheetTexts } from "../media/read-xlsx.js";

const NEW_ADDRESS = "618540, г. Соликамск, ул. Северная, д. 6";
const NEW_FACILITY = "ФКУ ИК-6 УФСИН России по Пермскому краю";

let db: IsolatedDatabase;
let w: OperatorsWorld;
let dir: string;

beforeAll(async () => {
  // Its own database: the test closes "the" open print batch, which other files must not share.
  db = await createIsolatedDatabase();
  w = await startOperatorsWorld({ DATABASE_URL: db.url });
  dir = mkdtempSync(join(tmpdir(), "lifeline-import-letters-"));
  process.env.REDIS_URL = w.t.config.redisUrl;
  process.env.REDIS_PREFIX = w.t.config.redisPrefix;
});
afterAll(async () => {
  await w.t.stop();
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

async function importFile(records: PrisonerRecord[]): Promise<string[]> {
  const path = join(dir, `list-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, jsonFile(records));
  const out: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((line: string) => void out.push(line));
  const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
  try {
    expect(await prisonersCommand(["import", path], db.url)).toBe(0);
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

const pdfText = async (bytes: Buffer | undefined) => collapse((await readPdf(bytes ?? Buffer.alloc(0))).map((p) => p.text).join(" "));

describe("an import and the letters on their way", () => {
  it("holds letters to released and unreachable people, readdresses transferred ones, and tells the operators once", async () => {
    const { t, group, admin } = w;
    const prisma = t.app.prisma;
    const people = {
      rel: prisonerRecord("il-rel", { lastName: "Освобождённая", lastNameLatin: "Osvobozhdennaya" }),
      priv: prisonerRecord("il-priv", { lastName: "Скрытный", lastNameLatin: "Skrytny" }),
      tr: prisonerRecord("il-tr", { lastName: "Переведённый", lastNameLatin: "Perevedenny" }),
      tr2: prisonerRecord("il-tr2", { lastName: "Этапированный", lastNameLatin: "Etapirovanny" }),
    };
    await importFile(Object.values(people));
    const id = Object.fromEntries((await prisma.prisoner.findMany()).map((p) => [p.externalId, p.id])) as Record<string, number>;
    const { user, writerId } = await startedWriter(t, "ru");

    const closedBatch = await prisma.printBatch.create({ data: { status: "printed", printedAt: new Date() } });
    const openBatch = await prisma.printBatch.create({ data: {} });
    const a = await letterTo(writerId, id["il-rel"]!, "submitted");
    const b = await letterTo(writerId, id["il-rel"]!, "approved");
    const c = await letterTo(writerId, id["il-priv"]!, "printed", openBatch.id);
    const d = await letterTo(writerId, id["il-tr"]!, "printed", openBatch.id);
    const e = await letterTo(writerId, id["il-tr2"]!, "printed", closedBatch.id);
    const f = await letterTo(writerId, id["il-tr"]!, "approved");
    const card = await postCard(w, a);

    const report = group.waitForMessage((m) => (m.text ?? "").startsWith("📋 Список заключённых обновлён"), { timeoutMs: 15_000 });
    const reprintDoc = group.waitForMessage((m) => m.document?.file_name === `letter-${e.code}.pdf`, { timeoutMs: 15_000 });
    const writerNotice = user.waitForMessage(`О вашем письме ${c.code}`, { timeoutMs: 15_000 });
    const out = await importFile([
      { ...people.rel, canReceiveLetters: false, cannotReceiveReason: "released", releasedAt: "2026-01-15", postalAddress: null },
      { ...people.priv, canReceiveLetters: false, cannotReceiveReason: "asked_privacy" },
      { ...people.tr, facilityName: NEW_FACILITY, postalAddress: NEW_ADDRESS },
      { ...people.tr2, facilityName: NEW_FACILITY, postalAddress: NEW_ADDRESS },
    ]);
    expect(out).toContain(`  hold: letter ${a.code}`);
    expect(out).toContain(`  take out of the open batch and hold: letter ${c.code} (batch ${openBatch.id})`);
    expect(out).toContain(`  reprint with the new address: letter ${e.code} (batch ${closedBatch.id})`);

    // Stored: held with the reason and a status event; the held printed letter left the open batch.
    const rows = new Map((await prisma.letter.findMany({ where: { writerId }, include: { statusEvents: true } })).map((l) => [l.id, l]));
    for (const held of [a, b]) {
      expect(rows.get(held.id)).toMatchObject({ status: "held", statusReason: "recipient-released" });
      expect(rows.get(held.id)?.statusEvents.at(-1)).toMatchObject({ status: "held", reason: "recipient-released", operatorId: null });
    }
    expect(rows.get(c.id)).toMatchObject({ status: "held", statusReason: "recipient-unreachable", batchId: null });
    expect(rows.get(d.id)).toMatchObject({ status: "printed", batchId: openBatch.id });
    expect(rows.get(e.id)).toMatchObject({ status: "printed", batchId: closedBatch.id });
    expect(rows.get(f.id)).toMatchObject({ status: "approved" });

    // One summary for the operators, every letter under what happened to it.
    const summary = (await report).text ?? "";
    expect(summary.split("\n")).toEqual([
      "📋 Список заключённых обновлён. Освобождены: 1; переведены: 2; больше не могут получать письма: 1.",
      "",
      `⏸ Задержаны, не печатать и не отправлять (2): ${a.code}, ${b.code}`,
      "",
      `✂️ Убраны из открытой партии и задержаны (1): ${c.code}`,
      "",
      `🔁 Получатель переведён, письма напечатаются с новым адресом (1): ${f.code}`,
      "",
      `🔁 В открытой партии, PDF перерисован с новым адресом (1): ${d.code}`,
      "",
      `⚠️ Напечатаны со старым адресом — перепечатайте, новые PDF ниже (1): ${e.code} (партия №${closedBatch.id})`,
    ]);
    expect(group.messages().filter((m) => (m.text ?? "").startsWith("📋 Список заключённых обновлён"))).toHaveLength(1);
    const jobs = await t.app.queues.byName[IMPORT_REPORT_QUEUE].getJobs(["completed", "active", "waiting"]);
    expect(jobs).toHaveLength(1);
    expect(JSON.stringify(jobs[0]?.data)).not.toMatch(/[а-яё]|L-/i);

    // The letter printed with the old address comes back as a new PDF to reprint; the open batch's one is re-rendered.
    const reprinted = await pdfText((await reprintDoc).fileBytes());
    expect(reprinted).toContain("Соликамск");
    expect(reprinted).not.toContain("Примерная");
    const rerendered = await pdfText(await createFileStorage(t.config.storageDir, t.config.keyring).get(letterPdfKey(d.id)));
    expect(rerendered).toContain("Соликамск");

    // The writer is told in their language.
    expect((await writerNotice).text).toContain("попросил не присылать ему писем от незнакомых людей");

    // The card of a held letter cannot be approved, and says why.
    const answer = await group.pressButton(admin, "✅ Одобрить", { messageId: card.messageId });
    expect(answer.text).toContain("статус: задержано");
    expect(answer.showAlert).toBe(true);
    const redrawn = group.messages().find((m) => m.messageId === card.messageId);
    expect(redrawn?.text).toContain("⏸ Задержано, не печатать — система");
    expect(redrawn?.text).toContain("Причина: получатель вышел на свободу");
    expect(redrawn?.inlineKeyboard.flat().map((b) => b.text)).toEqual(["▶️ Отправить дальше", "🗑 Отменить письмо"]);

    // A print job for a held letter prints nothing.
    await t.app.queues.print({ letterId: b.id });
    await expect.poll(async () => (await t.app.queues.byName.print.getJob(`print-${b.id}`))?.isCompleted(), { timeout: 15_000 }).toBe(true);
    expect(await prisma.letter.findUniqueOrThrow({ where: { id: b.id } })).toMatchObject({ status: "held", pdfPath: null, batchId: null });

    // The open batch goes out with the new address and without the held letter.
    const list = group.waitForMessage((m) => m.document?.file_name === `envelopes-batch-${openBatch.id}.xlsx`, { timeoutMs: 20_000 });
    await group.sendText(admin, "/batch");
    const envelopes = sheetTexts((await list).fileBytes()).flat().join("\n");
    expect(envelopes).toContain(d.code);
    expect(envelopes).toContain("Соликамск");
    expect(envelopes).not.toContain(c.code);
    expect(envelopes).not.toContain("Примерная");
  });

  it("the print worker holds an approved letter whose recipient can no longer receive letters, and says why", async () => {
    const { t, group } = w;
    const prisma = t.app.prisma;
    await importFile([prisonerRecord("il-gone", { lastName: "Недоступный", lastNameLatin: "Nedostupny" })]);
    const prisoner = await prisma.prisoner.findUniqueOrThrow({ where: { externalId: "il-gone" } });
    const { user, writerId } = await startedWriter(t, "en");
    const letter = await letterTo(writerId, prisoner.id, "approved");
    // Changed behind the importer's back (by hand in the database): the worker is the last guard.
    await prisma.prisoner.update({ where: { id: prisoner.id }, data: { canReceiveLetters: false, cannotReceiveReason: "no_address", postalAddress: null } });

    const operators = group.waitForMessage(`Письмо ${letter.code} не напечатано`, { timeoutMs: 15_000 });
    const writer = user.waitForMessage(letter.code, { timeoutMs: 15_000 });
    await t.app.queues.print({ letterId: letter.id });
    expect((await operators).text).toBe(`⏸ Письмо ${letter.code} не напечатано и задержано: получателю больше нельзя передавать письма.`);
    expect((await writer).text).toBe(`⏸ Your letter ${letter.code} is on hold: we can no longer pass letters on to its recipient. We will not print or post it.`);
    expect(await prisma.letter.findUniqueOrThrow({ where: { id: letter.id } })).toMatchObject({ status: "held", statusReason: "recipient-unreachable", pdfPath: null });
  });
});
