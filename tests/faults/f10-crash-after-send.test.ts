// F10: the one window no retry logic can close. Telegram has accepted a page (the fake stored the
// photo and is answering 200) and the worker dies (kill -9) before it records the page's deliveredAt.
// Telegram has no idempotency key, so the next worker cannot know the page arrived and sends it
// again. The bound: at most one duplicate page per crash (per reply being delivered at that moment),
// never a lost page. The worker is the real `src/main.ts worker`; the bot runs in the test.
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeTelegram, type FakeGroup, type FakeTelegram, type FakeUser } from "../../src/fake-telegram/index.js";
import { startTestApp, type TestApp } from "../helpers/app.js";
import { uniqueTelegramId } from "../helpers/db.js";
import { createLetter, startedWriter } from "../e2e/operators-helpers.js";
import { counted, deployment, spawnLifeline, stopAll, tally, waitUntil, type Deployment, type LifelineProcess } from "./harness.js";
import { recordFault } from "./report.js";

let fake: FakeTelegram;
let group: FakeGroup;
let admin: FakeUser;
let t: TestApp;
let d: Deployment;

beforeAll(async () => {
  fake = await startFakeTelegram();
  group = fake.group({ title: "Operators" });
  admin = fake.user({ id: uniqueTelegramId(), firstName: "Admin", languageCode: "ru" });
  t = await startTestApp({ fake, roles: ["bot"], env: { OPERATORS_CHAT_ID: String(group.id), ADMIN_IDS: String(admin.id) } });
  d = deployment({
    fake,
    databaseUrl: t.config.databaseUrl,
    redisUrl: t.config.redisUrl,
    redisPrefix: t.config.redisPrefix,
    storageDir: t.config.storageDir,
    operatorsChatId: group.id,
    adminIds: [admin.id],
  });
}, 60_000);

afterAll(async () => {
  await stopAll();
  await t.stop();
  await fake.close();
});

function scan(width: number): Promise<Buffer> {
  return sharp({ create: { width, height: 700, channels: 3, background: { r: 235, g: 235, b: 225 } } }).jpeg().toBuffer();
}

describe("F10: a crash between Telegram accepting a page and the page being recorded", () => {
  it("sends that page again, once per crash, and loses none", async () => {
    const { user: writer, writerId } = await startedWriter(t, "en");
    const letter = await createLetter(t, writerId, { status: "posted" });
    const total = 4;
    const captions = Array.from({ length: total }, (_, i) => `Page ${i + 1} of ${total}`);
    // The worker dies the moment Telegram has stored page 2, and its successor the moment page 4 is stored.
    const killAtPhoto = [2, 4];
    const pageOf = (caption: string | undefined) => /Page \d of \d/.exec(caption ?? "")?.[0] ?? "?";

    let worker: LifelineProcess = spawnLifeline("worker", d);
    await worker.ready;
    const kills: Array<{ at: number; page: string; recordedThen: number }> = [];
    let photos = 0;
    const unsubscribe = fake.subscribe((event) => {
      if (event.type !== "message" || event.chatId !== writer.id || event.message.kind !== "photo") return;
      photos++;
      if (kills.length < killAtPhoto.length && photos === killAtPhoto[kills.length]) {
        // Synchronously, inside the fake's handling of sendPhoto: the photo is in the chat, the 200 is
        // on its way, and the worker cannot have recorded anything yet.
        worker.child.kill("SIGKILL");
        kills.push({ at: Date.now(), page: pageOf(event.message.caption), recordedThen: -1 });
      }
    });
    try {
      for (let i = 0; i < total; i++) {
        await group.sendPhoto(admin, await scan(400 + 20 * i), { mediaGroupId: `f10-${letter.id}`, ...(i === 0 ? { caption: letter.code } : {}) });
      }
      for (let crash = 0; crash < killAtPhoto.length; crash++) {
        await waitUntil(() => kills.length > crash, 60_000, `crash ${crash + 1}`).catch((err: unknown) => {
          throw new Error(`${String(err)}\nworker output:\n${worker.stdout().slice(-3000)}`);
        });
        await worker.exit;
        const kill = kills[crash]!;
        // The page Telegram accepted is not recorded as delivered: the next worker cannot tell it arrived.
        const recorded = await t.app.prisma.replyPage.findMany({ where: { reply: { letterId: letter.id }, deliveredAt: { not: null } }, select: { index: true } });
        kill.recordedThen = recorded.length;
        expect(recorded.map((p) => `Page ${p.index + 1} of ${total}`)).not.toContain(kill.page);
        worker = spawnLifeline("worker", d);
        await worker.ready;
      }
      await waitUntil(async () => (await t.app.prisma.reply.findFirst({ where: { letterId: letter.id } }))?.deliveryState === "delivered", 60_000, "the reply delivered").catch(
        (err: unknown) => {
          throw new Error(`${String(err)}\nworker output:\n${worker.stdout().slice(-3000)}`);
        },
      );
    } finally {
      unsubscribe();
    }
    const recoveryMs = Date.now() - (kills.at(-1)?.at ?? Date.now());

    const received = writer.messages().filter((m) => m.kind === "photo").map((m) => pageOf(m.caption));
    const pages = tally(captions, received);
    // The bound: nothing lost, at most one surplus copy per crash, and only of the page in flight.
    expect(pages.lost).toBe(0);
    expect(pages.unexpected).toEqual([]);
    expect(pages.extra).toBeLessThanOrEqual(kills.length);
    const doubled = captions.filter((c) => received.filter((r) => r === c).length > 1);
    expect(doubled.every((c) => kills.some((k) => k.page === c))).toBe(true);
    expect(received.filter((r) => r === captions.at(-1)).length).toBeLessThanOrEqual(2);
    // Every page recorded once, in order; the operators' confirmation was not repeated by the restarts.
    expect(await t.app.prisma.replyPage.count({ where: { reply: { letterId: letter.id }, deliveredAt: { not: null } } })).toBe(total);
    expect(group.messages().filter((m) => (m.text ?? "").includes(`Ответ на письмо ${letter.code} принят`))).toHaveLength(1);

    recordFault({
      id: "F10",
      title: "Crash right after Telegram accepted a page, before it was recorded (replies counted in pages)",
      happened:
        `A ${total}-page reply was being delivered. The worker was killed (kill -9) the instant Telegram had stored page ` +
        `${kills[0]?.page.replace(/^Page (\d) .*/, "$1")}, and the next worker the instant it had stored page ${kills[1]?.page.replace(/^Page (\d) .*/, "$1")}. ` +
        "Neither page was recorded as delivered, so each next worker sent it again: the writer received " +
        `${received.length} photos for ${total} pages (${pages.extra} surplus copies for ${kills.length} crashes), none missing, ` +
        "and the operators' confirmation once.",
      replies: counted(pages),
      recoveryMs,
      limits: [
        "Telegram's Bot API has no idempotency key: a message it accepted in the instant before the process died is sent again by the job's next run. Each page is recorded right after Telegram accepts it, so the window is one page per reply in flight per crash (a worker delivers up to 5 replies at once).",
        "The same holds for the other single messages workers send (the writer's status notices, the moderation card, the batch's documents): a crash in that instant repeats that one message, never more, and never loses it.",
      ],
    });
  }, 150_000);
});
