// A fresh install has no prisoners: writers must hear the truth (not "everyone already has letters"),
// the admin sees it in the log at start, and the operators' chat is told once — across restarts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getOrCreateWriter } from "../../src/db/repositories/writers.js";
import { RULES_VERSION } from "../../src/domain/rules.js";
import { startFakeTelegram, type FakeGroup, type FakeTelegram, type FakeUser } from "../../src/fake-telegram/index.js";
import { capturedLogger } from "../helpers/logs.js";
import { startTestApp, type TestApp } from "../helpers/app.js";
import { createIsolatedDatabase, type IsolatedDatabase } from "../helpers/db.js";
import { createPrisoner } from "../helpers/letter-fixtures.js";

const EMPTY_NOTICE = "Список заключённых пуст";
const UNREACHABLE_NOTICE = "Никому из 1 человека в списке сейчас нельзя написать";
const WRITER_EMPTY_RU = "Простите, сейчас нам некого вам предложить: список людей, которым можно написать, пуст или обновляется.";
const WRITER_EMPTY_EN = "We are sorry: right now there is nobody we can suggest. Our list of people to write to is empty or being updated";

let db: IsolatedDatabase;
let fake: FakeTelegram;
let group: FakeGroup;
let t: TestApp;
let lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  db = await createIsolatedDatabase();
  fake = await startFakeTelegram();
  group = fake.group({ title: "Operators" });
  const { logger, lines: captured } = capturedLogger();
  lines = captured;
  t = await startTestApp({ fake, logger, env: { DATABASE_URL: db.url, OPERATORS_CHAT_ID: String(group.id) } });
});
afterAll(async () => {
  await t.stop();
  await fake.close();
  await db.drop();
});

/** A writer past the rules and interests screens, so /write goes straight to the assignment. */
async function readyWriter(language: "ru" | "en"): Promise<FakeUser> {
  const user = t.user({ languageCode: language });
  const writer = await getOrCreateWriter(t.app.prisma, { telegramId: user.id, language });
  await t.app.prisma.writer.update({ where: { id: writer.id }, data: { rulesAcceptedVersion: RULES_VERSION, interests: ["books"] } });
  return user;
}

const notices = (text: string) => group.messages().filter((m) => (m.text ?? "").includes(text));

describe("an empty prisoner list", () => {
  it("warns at start and tells the operators' chat once, across restarts", async () => {
    expect(lines.some((l) => l.level === 40 && String(l.msg).startsWith("The prisoner list is empty") && String(l.msg).includes("npm run cli -- prisoners import"))).toBe(true);
    await expect.poll(() => notices(EMPTY_NOTICE).length).toBe(1);
    expect(notices(EMPTY_NOTICE)[0]?.text).toContain("npm run cli -- prisoners import");

    await t.restart();
    // Still one: the notice is claimed in the database, not in a process.
    expect(notices(EMPTY_NOTICE)).toHaveLength(1);
  });

  it("a writer is told there is nobody yet (not that everyone has letters), in their language", async () => {
    const anna = await readyWriter("ru");
    const ru = anna.waitForMessage();
    await anna.sendText("/write");
    expect((await ru).text).toBe(`${WRITER_EMPTY_RU} Наши волонтёры уже знают об этом. Загляните, пожалуйста, через несколько дней. Спасибо, что хотите помочь!`);

    const ben = await readyWriter("en");
    const en = ben.waitForMessage();
    await ben.sendText("/write");
    const text = (await en).text ?? "";
    expect(text).toContain(WRITER_EMPTY_EN);
    expect(text).not.toMatch(/already has letters/);
    // The operators were told already: no second notice for each writer.
    expect(notices(EMPTY_NOTICE)).toHaveLength(1);
  });

  it("once people are loaded a writer gets someone; when nobody is reachable any more the operators are told again", async () => {
    const prisonerId = await createPrisoner(t.app.prisma, { lastName: "Списков" });
    // The next start sees people in the list and re-arms the notice.
    await t.restart();
    const vera = await readyWriter("ru");
    const card = vera.waitForMessage("Списков", { timeoutMs: 10_000 });
    await vera.sendText("/write");
    await card;

    await t.app.prisma.prisoner.update({ where: { id: prisonerId }, data: { canReceiveLetters: false, cannotReceiveReason: "no_address" } });
    const told = group.waitForMessage(UNREACHABLE_NOTICE, { timeoutMs: 10_000 });
    const oleg = await readyWriter("ru");
    const answer = oleg.waitForMessage();
    await oleg.sendText("/write");
    expect((await answer).text).toContain(WRITER_EMPTY_RU);
    await told;
    expect(notices(UNREACHABLE_NOTICE)).toHaveLength(1);
  });
});
