// Requests to write to someone specific after the form: the writer's /requests list and the
// confirmation's "My requests" button; the operators' /requests with "found" (answered with an
// external id), "not found" and "decline" (answered with a reason the writer reads), each reaching
// the writer. Through the fake Bot API.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeMessage } from "../../src/fake-telegram/index.js";
import { upsertPrisoners } from "../../src/db/repositories/prisoners.js";
import { NOTIFY_QUEUE } from "../../src/queues/index.js";
import { parsePrisonerRecord } from "../../src/domain/prisoner-record.js";
import { randomCode, startedWriter, startOperatorsWorld, type OperatorsWorld } from "./operators-helpers.js";
import { createIsolatedDatabase, type IsolatedDatabase } from "../helpers/db.js";
import { prisonerRecord } from "../helpers/prisoner-records.js";

const WAIT = { timeoutMs: 10_000 };
let db: IsolatedDatabase;
let w: OperatorsWorld;

beforeAll(async () => {
  // Its own database: the operators' list counts every open request.
  db = await createIsolatedDatabase();
  w = await startOperatorsWorld({ DATABASE_URL: db.url });
});
afterAll(async () => {
  await w.t.stop();
  await db.drop();
});

const buttons = (m: FakeMessage) => m.inlineKeyboard.flat().map((b) => b.text);

async function fillForm(user: Awaited<ReturnType<typeof startedWriter>>["user"], name: string, year: string, facility?: string): Promise<FakeMessage> {
  const askName = user.waitForMessage(/full name|зовут человека/, WAIT);
  await user.pressButton("s:sr");
  await askName;
  const askYear = user.waitForMessage(/year|году/, WAIT);
  await user.sendText(name);
  await askYear;
  const askFacility = user.waitForMessage(/held|находится/, WAIT);
  await user.sendText(year);
  await askFacility;
  const saved = user.waitForMessage(/R-\d+/, WAIT);
  if (facility) await user.sendText(facility);
  else await user.pressButton("s:sr:skip");
  return saved;
}

describe("requests to write to someone specific", () => {
  it("the writer follows their requests, and operators answer them", async () => {
    const { t, group, admin } = w;
    const prisma = t.app.prisma;
    const { user, writerId } = await startedWriter(t, "en");

    const none = user.waitForMessage("You have not asked to write to someone specific yet", WAIT);
    await user.sendText("/requests");
    expect(buttons(await none)).toEqual(["🔎 Find someone else"]);

    // Two requests through the form; the search screen offers the form.
    const search = user.waitForMessage(/./, WAIT);
    await user.sendText("/search");
    await search;
    const first = await fillForm(user, "Shishkina Maria Ivanovna", "1985");
    expect(buttons(first)).toEqual(["✍️ Write the letter", "📋 My requests"]);
    await fillForm(user, "Petrov Oleg", "1970", "IK-2, Pokrov");
    const [r1, r2] = await prisma.specificRequest.findMany({ where: { writerId }, orderBy: { id: "asc" } });
    if (!r1 || !r2) throw new Error("requests were not saved");
    // The first one already has its letter.
    const code = randomCode();
    await prisma.letter.create({
      data: { code, writerId, specificRequestId: r1.id, kind: "typed", text: "Hello!", language: "en", idempotencyKey: `test-${code}`, statusEvents: { create: [{ status: "submitted" }] } },
    });

    const list = user.waitForMessage("Your requests to write to someone specific (2):", WAIT);
    await user.pressButton("📋 My requests", { messageId: first.messageId });
    const shown = await list;
    expect(shown.text).toBe(
      [
        "Your requests to write to someone specific (2):",
        "",
        `R-${r2.id} · Petrov Oleg, born 1970`,
        "🔎 we are looking for the person · no letter yet",
        "",
        `R-${r1.id} · Shishkina Maria Ivanovna, born 1985`,
        `🔎 we are looking for the person · your letter ${code}`,
      ].join("\n"),
    );
    expect(buttons(shown)).toEqual([`✍️ Letter for request R-${r2.id}`]);

    // Operators only: a writer's /requests in the operators' chat is refused.
    const stranger = t.user();
    const refusal = group.waitForMessage(/./, WAIT);
    await group.sendText(stranger, "/requests");
    expect((await refusal).text).not.toContain("R-");

    const open = group.waitForMessage("Открытые запросы", WAIT);
    await group.sendText(admin, "/requests");
    const opList = await open;
    expect(opList.text).toBe(
      [
        "📋 Открытые запросы «написать конкретному человеку»: 2",
        `R-${r1.id}: Shishkina Maria Ivanovna, 1985 г. р., где находится — неизвестно · письмо ${code}`,
        `R-${r2.id}: Petrov Oleg, 1970 г. р., IK-2, Pokrov · письма пока нет`,
      ].join("\n"),
    );
    expect(buttons(opList)).toEqual([
      `✅ R-${r1.id}: найден`,
      `❌ R-${r1.id}: не найден`,
      `✋ R-${r1.id}: отклонить`,
      `✅ R-${r2.id}: найден`,
      `❌ R-${r2.id}: не найден`,
      `✋ R-${r2.id}: отклонить`,
    ]);

    // "Found": the operator replies with the person's external id; a wrong id is explained first.
    await upsertPrisoners(prisma, [parsePrisonerRecord(prisonerRecord("req-shishkina", { lastName: "Шишкина", firstName: "Мария", patronymic: "Ивановна", lastNameLatin: "Shishkina", firstNameLatin: "Maria", patronymicLatin: "Ivanovna" }))]);
    const person = await prisma.prisoner.findUniqueOrThrow({ where: { externalId: "req-shishkina" } });
    const ask = group.waitForMessage(`🔎 R-${r1.id}:`, WAIT);
    await group.pressButton(admin, `✅ R-${r1.id}: найден`, { messageId: opList.messageId });
    const prompt = await ask;
    const unknown = group.waitForMessage("Человека с внешним id nobody-1 в списке нет", WAIT);
    await group.sendText(admin, "nobody-1", { replyToMessageId: prompt.messageId });
    await unknown;
    const matched = group.waitForMessage(`R-${r1.id} связан с человеком`, WAIT);
    const found = user.waitForMessage(`request R-${r1.id}`, WAIT);
    await group.sendText(admin, "req-shishkina", { replyToMessageId: prompt.messageId });
    expect((await matched).text).toBe(`R-${r1.id} связан с человеком: Шишкина Мария Ивановна (req-shishkina). Автору сообщили.`);
    const foundNotice = await found;
    expect(foundNotice.text).toContain("we found the person in our list");
    expect(buttons(foundNotice)).toEqual(["👤 Show the card", "📋 My requests"]);
    // The request's letter now goes to the person's address and counts for them.
    expect(await prisma.specificRequest.findUniqueOrThrow({ where: { id: r1.id } })).toMatchObject({ status: "matched", prisonerId: person.id });
    expect(await prisma.letter.findUniqueOrThrow({ where: { code } })).toMatchObject({ prisonerId: person.id });
    expect((await prisma.prisoner.findUniqueOrThrow({ where: { id: person.id } })).lettersCount).toBe(1);

    // "Not found", and a second press finds it already answered.
    const marked = group.waitForMessage(`R-${r2.id} отмечен как «не найден»`, WAIT);
    const notFound = user.waitForMessage(`About your request R-${r2.id}`, WAIT);
    await group.pressButton(admin, `❌ R-${r2.id}: не найден`, { messageId: opList.messageId });
    await marked;
    expect((await notFound).text).toContain("we could not find this person");
    const again = await group.pressButton(admin, `❌ R-${r2.id}: не найден`, { messageId: opList.messageId });
    expect(again).toMatchObject({ text: "Этот запрос уже разобран (не найден).", showAlert: true });
    const stale = await group.pressButton(admin, `✅ R-${r1.id}: найден`, { messageId: opList.messageId });
    expect(stale.text).toBe("Этот запрос уже разобран (найден).");

    // The writer's list shows both answers; the operators' list is empty.
    const updated = user.waitForMessage("Your requests to write to someone specific (2):", { ...WAIT, afterMessageId: shown.messageId });
    await user.sendText("/requests");
    const after = (await updated).text ?? "";
    expect(after).toContain(`R-${r1.id} · Shishkina Maria Ivanovna, born 1985\n✅ found in our list: Maria Ivanovna Shishkina · your letter ${code}`);
    expect(after).toContain(`R-${r2.id} · Petrov Oleg, born 1970\n❌ we could not find the person · no letter yet`);
    const empty = group.waitForMessage("Открытых запросов нет.", WAIT);
    await group.sendText(admin, "/requests");
    await empty;
  });

  it("an operator declines a request with a reason; the writer reads it quoted, in their language", async () => {
    const { t, group, admin } = w;
    const prisma = t.app.prisma;
    const { user, writerId } = await startedWriter(t, "en");
    const search = user.waitForMessage(/./, WAIT);
    await user.sendText("/search");
    await search;
    await fillForm(user, "Orlova Vera", "1962", "SIZO-1, Moscow");
    const request = await prisma.specificRequest.findFirstOrThrow({ where: { writerId }, orderBy: { id: "desc" } });
    const label = `✋ R-${request.id}: отклонить`;

    const open = group.waitForMessage("Открытые запросы", WAIT);
    await group.sendText(admin, "/requests");
    const opList = await open;
    expect(buttons(opList)).toContain(label);

    // The role is checked at the press: someone who is not an operator is refused, nothing changes.
    const stranger = t.user();
    expect((await group.pressButton(stranger, label, { messageId: opList.messageId })).showAlert).toBe(true);

    // The operator is asked for the reason, and told the writer's language.
    const ask = group.waitForMessage(`✋ R-${request.id}:`, WAIT);
    await group.pressButton(admin, label, { messageId: opList.messageId });
    const prompt = await ask;
    expect(prompt.text).toContain("по-английски");
    const tooLong = group.waitForMessage("Причина слишком длинная", WAIT);
    await group.sendText(admin, "x".repeat(1001), { replyToMessageId: prompt.messageId });
    await tooLong;
    expect((await prisma.specificRequest.findUniqueOrThrow({ where: { id: request.id } })).status).toBe("open");

    // The reason is free text: markup in it reaches the writer as it was typed.
    const reason = `Her family asked us <b>not</b> to pass letters on for now & we respect that. "Sorry."`;
    const done = group.waitForMessage(`R-${request.id} отклонён`, WAIT);
    const told = user.waitForMessage(`About your request R-${request.id}`, WAIT);
    await group.sendText(admin, reason, { replyToMessageId: prompt.messageId });
    expect((await done).text).toBe(`R-${request.id} отклонён. Автору отправлена ваша причина.`);
    const notice = await told;
    const intro = `About your request R-${request.id}: unfortunately we cannot pass a letter on to this person. The volunteers explain why:`;
    expect(notice.text).toBe(`${intro}\n\n${reason}`);
    expect(notice.entities.filter((e) => e.type === "blockquote")).toEqual([{ type: "blockquote", offset: intro.length + 2, length: reason.length }]);
    expect(notice.entities.some((e) => e.type === "bold")).toBe(false);
    expect(buttons(notice)).toEqual(["📋 My requests"]);

    // Stored declined, the reason encrypted at rest; the job in Redis carries ids only.
    const row = await prisma.specificRequest.findUniqueOrThrow({ where: { id: request.id } });
    expect(row).toMatchObject({ status: "declined", declineReason: reason });
    const [raw] = await prisma.$queryRaw<{ decline_reason: string }[]>`SELECT decline_reason FROM specific_requests WHERE id = ${request.id}`;
    expect(raw?.decline_reason).toMatch(/^enc1:/);
    expect(raw?.decline_reason).not.toContain("family");
    const jobs = await t.app.queues.byName[NOTIFY_QUEUE].getJobs(["completed", "active", "waiting", "delayed"]);
    const job = jobs.find((j) => j.data.dedupeKey === `specific-${request.id}-declined`);
    expect(job?.data.quote).toEqual({ source: "request-decline", id: request.id });
    expect(JSON.stringify(job?.data)).not.toContain("family");

    // The writer's list shows the reason; a second answer finds the request already handled.
    const list = user.waitForMessage("Your requests to write to someone specific", { ...WAIT, afterMessageId: notice.messageId });
    await user.sendText("/requests");
    expect((await list).text).toContain(`R-${request.id} · Orlova Vera, born 1962\n⛔ declined: “${reason}” · no letter yet`);
    const again = await group.pressButton(admin, label, { messageId: opList.messageId });
    expect(again).toMatchObject({ text: "Этот запрос уже разобран (отклонён).", showAlert: true });
    const late = group.waitForMessage("Этот запрос уже разобран", { ...WAIT, afterMessageId: prompt.messageId });
    await group.sendText(admin, "Another reason", { replyToMessageId: prompt.messageId });
    await late;
    expect((await prisma.specificRequest.findUniqueOrThrow({ where: { id: request.id } })).declineReason).toBe(reason);
  });
});
