// Setting up the operators' chat from Telegram alone: no OPERATORS_CHAT_ID, no log reading, no
// restart. Each test has a database of its own: a binding is global to an installation.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getOperatorsChatBinding } from "../../src/db/repositories/settings.js";
import { startFakeTelegram, type FakeTelegram } from "../../src/fake-telegram/index.js";
import { capturedLogger } from "../helpers/logs.js";
import { startTestApp, type TestApp, type TestAppOptions } from "../helpers/app.js";
import { createIsolatedDatabase, uniqueTelegramId, type IsolatedDatabase } from "../helpers/db.js";
import { createLetter, startedWriter, waitForStatus } from "./operators-helpers.js";

let db: IsolatedDatabase;
let fake: FakeTelegram;
const apps: TestApp[] = [];

beforeEach(async () => {
  db = await createIsolatedDatabase();
  fake = await startFakeTelegram();
});
afterEach(async () => {
  for (const app of apps.splice(0)) await app.stop();
  await fake.close();
  await db.drop();
});

async function start(opts: TestAppOptions & { env?: Record<string, string> } = {}): Promise<TestApp> {
  const t = await startTestApp({ ...opts, fake, env: { DATABASE_URL: db.url, ...opts.env } });
  apps.push(t);
  return t;
}

describe("binding the operators' chat from Telegram", () => {
  it("bot added to a group → an ADMIN_IDS user binds it with one press → a letter is moderated there", async () => {
    const admin = fake.user({ id: uniqueTelegramId(), firstName: "Admin", languageCode: "en" });
    const t = await start({ env: { ADMIN_IDS: String(admin.id) } });
    const group = fake.group({ title: "Volunteers", botStatus: "left" });
    const volunteer = t.user({ languageCode: "ru" });

    // The admin learns their own id from the bot itself.
    const whoami = admin.waitForMessage();
    await admin.sendText("/whoami");
    const me = await whoami;
    expect(me.text).toContain(`Your Telegram id: ${admin.id}`);
    expect(me.text).toContain("You are a Lifeline administrator.");
    expect(me.text).toContain("There is no operators' chat yet");

    const intro = group.waitForMessage("This group's id");
    group.setBotStatus(admin, "administrator");
    const offer = await intro;
    expect(offer.text).toContain(`This group's id: ${group.id}`);
    expect(offer.inlineKeyboard.flat().map((b) => b.text)).toEqual(["✅ Make this the operators' chat"]);

    // Someone who is not an administrator: refused, told their id, nothing stored.
    const refused = await group.pressButton(volunteer, "✅ Make this the operators' chat", { messageId: offer.messageId });
    expect(refused.showAlert).toBe(true);
    expect(refused.text).toContain(`Ваш Telegram id: ${volunteer.id}`);
    expect(await getOperatorsChatBinding(t.app.prisma)).toBeNull();

    const edited = group.waitForMessage("Done: this group is now the operators' chat", { includeEdits: true });
    const answered = await group.pressButton(admin, "✅ Make this the operators' chat", { messageId: offer.messageId });
    expect(answered.text).toBeUndefined();
    await edited;
    const bound = group.messages().find((m) => m.messageId === offer.messageId);
    expect(bound?.text).toContain(`Done: this group is now the operators' chat (id ${group.id})`);
    expect(bound?.text).not.toContain("administrator of this group");
    expect(bound?.inlineKeyboard).toEqual([]);
    expect(await getOperatorsChatBinding(t.app.prisma)).toMatchObject({ chatId: group.id, boundBy: admin.id });
    expect(await t.app.operatorsChat.id()).toBe(group.id);

    // The group gets the operators' menu, not the writers'.
    const groupMenu = () => {
      const call = fake.calls("setMyCommands").filter((c) => JSON.stringify(c.params.scope ?? "").includes(String(group.id))).at(-1);
      return (call?.params.commands as { command: string }[] | undefined)?.map((c) => c.command);
    };
    await expect.poll(groupMenu).toEqual(["batch", "requests", "operators", "lang", "setup", "whoami", "help"]);

    // A letter submitted now is moderated in that group, without a restart.
    const { user: writer, writerId } = await startedWriter(t, "ru");
    const letter = await createLetter(t, writerId);
    const card = group.waitForMessage((m) => (m.text ?? "").includes(`Письмо ${letter.code}`), { timeoutMs: 10_000 });
    await t.app.queues.moderation({ letterId: letter.id });
    const posted = await card;
    const approved = writer.waitForMessage(`Письмо ${letter.code} проверено и одобрено`, { timeoutMs: 10_000 });
    await group.pressButton(admin, "✅ Одобрить", { messageId: posted.messageId });
    await approved;
    await waitForStatus(t, letter.id, "printed");

    // /whoami in the group names it as the operators' chat.
    const there = group.waitForMessage("It is the operators' chat");
    await group.sendText(admin, "/whoami");
    expect((await there).text).toContain(`This chat's id: ${group.id}`);
  });

  it("/setup by a non-administrator explains how to become one; /setup by an admin offers the button and warns when it would move the chat", async () => {
    const admin = fake.user({ id: uniqueTelegramId(), languageCode: "ru" });
    const first = fake.group({ title: "Old operators" });
    const t = await start({ env: { ADMIN_IDS: String(admin.id), OPERATORS_CHAT_ID: String(first.id) } });
    const second = fake.group({ title: "New operators", botStatus: "member" });
    const stranger = t.user({ languageCode: "en" });

    const refusal = second.waitForMessage("Only a Lifeline administrator");
    await second.sendText(stranger, "/setup");
    const text = (await refusal).text ?? "";
    expect(text).toContain(`Your Telegram id: ${stranger.id}`);
    expect(text).toContain(`npm run cli -- operators add ${stranger.id} --admin`);

    const offer = second.waitForMessage("Id этой группы");
    await second.sendText(admin, "/setup");
    const offered = await offer;
    expect(offered.text).toContain(`Сейчас чат операторов — другая группа (${first.id})`);

    const movedAway = first.waitForMessage("Эта группа больше не чат операторов");
    const edited = second.waitForMessage("Готово: теперь эта группа — чат операторов", { includeEdits: true });
    await second.pressButton(admin, "✅ Сделать чатом операторов", { messageId: offered.messageId });
    await edited;
    await movedAway;
    const bound = second.messages().find((m) => m.messageId === offered.messageId);
    // A plain member with privacy mode on would not see reply scans: the admin is told what to do.
    expect(bound?.text).toContain("Пожалуйста, сделайте бота администратором этой группы");
    expect(await t.app.operatorsChat.id()).toBe(second.id);

    // The binding outlives OPERATORS_CHAT_ID: after a restart the new group is still the one.
    await t.restart();
    expect(await t.app.operatorsChat.id()).toBe(second.id);
    const already = second.waitForMessage("Эта группа — чат операторов");
    await second.sendText(admin, "/setup");
    await already;
  });

  it.each([
    ["the old chat's service message first", false],
    ["the new chat's service message first", true],
  ])("a group upgraded to a supergroup stays the operators' chat (%s), told once", async (_order, newFirst) => {
    const admin = fake.user({ id: uniqueTelegramId(), languageCode: "ru" });
    const t = await start({ env: { ADMIN_IDS: String(admin.id) } });
    const group = fake.group({ type: "group", botStatus: "left" });
    const offer = group.waitForMessage("Id этой группы");
    group.setBotStatus(admin, "administrator");
    const bound = group.waitForMessage("Готово: теперь эта группа — чат операторов", { includeEdits: true });
    await group.pressButton(admin, "✅ Сделать чатом операторов", { messageId: (await offer).messageId });
    await bound;
    expect(await t.app.operatorsChat.id()).toBe(group.id);

    const supergroup = group.upgradeToSupergroup(admin, { newFirst });
    const notice = await supergroup.waitForMessage("Группа стала супергруппой", { timeoutMs: 10_000 });
    expect(notice.text).toContain(String(supergroup.id));
    expect(await getOperatorsChatBinding(t.app.prisma)).toMatchObject({ chatId: supergroup.id, migratedFrom: group.id });

    const { writerId } = await startedWriter(t, "ru");
    const letter = await createLetter(t, writerId);
    const card = supergroup.waitForMessage((m) => (m.text ?? "").includes(`Письмо ${letter.code}`), { timeoutMs: 10_000 });
    await t.app.queues.moderation({ letterId: letter.id });
    await card;
    // Both service messages were handled by now (the card came after them): one notice in all.
    expect(supergroup.messages().filter((m) => (m.text ?? "").startsWith("Группа стала супергруппой"))).toHaveLength(1);
  });

  it("a worker that missed the upgrade follows Telegram's migrate_to_chat_id and posts to the supergroup", async () => {
    const admin = fake.user({ id: uniqueTelegramId(), languageCode: "ru" });
    const group = fake.group({ type: "group" });
    // Only workers run: nobody reads the service messages of the upgrade.
    const t = await start({ roles: ["worker"], env: { ADMIN_IDS: String(admin.id), OPERATORS_CHAT_ID: String(group.id) } });
    const supergroup = group.upgradeToSupergroup(admin);
    const writer = await t.app.prisma.writer.create({ data: { telegramId: BigInt(uniqueTelegramId()), language: "ru" } });
    const letter = await createLetter(t, writer.id);
    const card = supergroup.waitForMessage((m) => (m.text ?? "").includes(`Письмо ${letter.code}`), { timeoutMs: 10_000 });
    await t.app.queues.moderation({ letterId: letter.id });
    await card;
    expect(await getOperatorsChatBinding(t.app.prisma)).toMatchObject({ chatId: supergroup.id, migratedFrom: group.id });
  });
});

describe("start-up check of the operators' chat", () => {
  it.each([
    ["no chat at all", undefined, "No operators' chat yet"],
    ["a chat the bot is not in", "left", "The bot is not a member of OPERATORS_CHAT_ID"],
    ["a chat where the bot is a plain member", "member", "The bot is not an administrator of OPERATORS_CHAT_ID"],
  ] as const)("%s: one warning line that says what to do, and the bot still starts", async (_name, botStatus, expected) => {
    const env: Record<string, string> = {};
    if (botStatus !== undefined) env.OPERATORS_CHAT_ID = String(fake.group({ botStatus }).id);
    const { logger, lines } = capturedLogger();
    const t = await start({ roles: ["bot"], env, logger });
    const warnings = lines.filter((l) => l.level === 40 && String(l.msg).includes(expected));
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]?.msg)).toMatch(/\/setup|administrator/);
    // Started anyway: it answers.
    const user = t.user({ languageCode: "en" });
    const reply = user.waitForMessage();
    await user.sendText("/whoami");
    expect((await reply).text).toContain(`Your Telegram id: ${user.id}`);
  });

  it("without poppler-utils: one warning line naming the package, and the bot still starts", async () => {
    const noTools = mkdtempSync(join(tmpdir(), "lifeline-no-poppler-"));
    const path = process.env.PATH;
    const { logger, lines } = capturedLogger();
    process.env.PATH = noTools;
    try {
      await start({ roles: ["bot"], env: { OPERATORS_CHAT_ID: String(fake.group().id) }, logger });
    } finally {
      process.env.PATH = path;
      rmSync(noTools, { recursive: true, force: true });
    }
    expect(lines.filter((l) => l.level === 40 && String(l.msg).includes("poppler")).map((l) => l.msg)).toEqual([
      "pdfinfo (poppler-utils) is not installed: reply scans sent as PDF cannot be read; install it with sudo apt install poppler-utils",
    ]);
  });

  it("an administrator bot in OPERATORS_CHAT_ID: no warning, and the group gets the operators' menu", async () => {
    const group = fake.group();
    const { logger, lines } = capturedLogger();
    await start({ roles: ["bot"], env: { OPERATORS_CHAT_ID: String(group.id) }, logger });
    expect(lines.filter((l) => l.level === 40 && /operators' chat|poppler/.test(String(l.msg)))).toEqual([]);
    const menu = fake.calls("setMyCommands").find((c) => JSON.stringify(c.params.scope ?? "").includes(String(group.id)));
    expect(JSON.stringify(menu?.params.commands)).toContain("Закрыть партию");
  });
});
