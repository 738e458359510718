// Update handling: how many updates per second the real bot (`src/main.ts bot`, every middleware:
// chat order, flood control, encrypted session, writer, i18n, conversations) answers, against a bare
// grammY bot with the runner making the same Bot API calls. Each bot polls its own fake Bot API over
// HTTP; both fakes live in this process, each bot in its own. Rounds alternate which bot goes first.
//   /help: 200 writers (not in a conversation) send 10 each, all at once (2,000 updates).
//   A button inside a conversation: 200 writers in the letter flow press Preview 3 times each (the
//   conversation replays its history from Redis on every press; the bare bot answers and replies).
// Flood limits are raised for the benchmark's writers (FLOOD_MESSAGES_PER_MINUTE): the counters still
// run on every update, nobody is slowed down by them.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPrisma } from "../src/db/client.js";
import { DEFAULT_DATABASE_URL, applyMigrations, dropDatabase, withDatabase } from "../src/db/migrate.js";
import { startFakeTelegram, type FakeTelegram, type FakeUser } from "../src/fake-telegram/index.js";
import { generateKeyBase64, parseKeyring } from "../src/privacy/cipher.js";
import { createLetterFixture } from "../tests/helpers/letter-fixtures.js";
import { helpBurst, pressBurst, spawnBareBot, spawnLifeline, type BotProcess } from "./_bots.js";
import { deleteRedisKeys } from "./_redis.js";
import { median, report } from "./_report.js";

const USERS = 200;
const HELP_PER_USER = 10;
const PRESSES_PER_USER = 3;
const ROUNDS = 3;
const WAIT = { timeoutMs: 60_000 };
// BENCH_UPDATE_KINDS=help (or press): only that measure, e.g. for a CPU profile (BENCH_CPU_PROF) of one path.
const KINDS = (["help", "press"] as const).filter((kind) => (process.env.BENCH_UPDATE_KINDS ?? "help,press").split(",").includes(kind));

const databaseUrl = withDatabase(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL, `lifeline_bench_${randomBytes(4).toString("hex")}`);
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const redisPrefix = `lifeline-bench-${randomBytes(4).toString("hex")}`;

/** At most `limit` at a time. */
async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

/** Brings a Lifeline writer into the letter flow's typed step with a short text written (as openLetter in the e2e tests). */
async function intoLetterFlow(user: FakeUser, assignmentId: number): Promise<void> {
  const goData = `write:go:${assignmentId}`;
  const card = user.waitForMessage((m) => m.inlineKeyboard.flat().some((b) => "callback_data" in b && b.callback_data === goData), WAIT);
  await user.sendText("/write");
  await card;
  const chooser = user.waitForMessage("Как вы хотите его написать?", WAIT);
  await user.pressButton(goData, WAIT);
  await chooser;
  const prompt = user.waitForMessage("Напишите письмо.", WAIT);
  await user.pressButton("⌨️ Набрать здесь", WAIT);
  await prompt;
  const status = user.waitForMessage("Сейчас в письме", WAIT);
  await user.sendText("Здравствуйте! Пишу вам из Калининграда. У нас выпал первый снег, и я вспомнила о вас. Как вы? Что читаете?");
  await status;
}

async function main(): Promise<void> {
  await applyMigrations(databaseUrl);
  const storageDir = mkdtempSync(join(tmpdir(), "lifeline-bench-storage-"));
  const encryptionKey = generateKeyBase64();
  const prisma = createPrisma(databaseUrl, { max: 10, keyring: parseKeyring(encryptionKey) });
  const fakes: FakeTelegram[] = [];
  const bots: BotProcess[] = [];
  try {
    const bareFake = await startFakeTelegram();
    const lifeFake = await startFakeTelegram();
    fakes.push(bareFake, lifeFake);
    const bare = spawnBareBot(bareFake);
    const life = spawnLifeline(lifeFake, "bot", { databaseUrl, redisUrl, redisPrefix, storageDir, encryptionKey, extra: { FLOOD_MESSAGES_PER_MINUTE: "10000" } });
    bots.push(bare, life);
    await Promise.all([bare.ready, life.ready]);

    const users = (fake: FakeTelegram) => Array.from({ length: USERS }, () => fake.user({ languageCode: "ru" }));
    // Different writers for /help and for the button: a writer in the letter flow has every update
    // (/help too) go through the conversation first, which is the button's measure, not /help's.
    const [bareHelpUsers, bareUsers, lifeHelpUsers, lifeUsers] = [users(bareFake), users(bareFake), users(lifeFake), users(lifeFake)];
    const setupStarted = performance.now();
    if (KINDS.includes("press")) await eachLimited(lifeUsers, 20, async (user) => {
      const { assignmentId } = await createLetterFixture(prisma, { telegramId: user.id, language: "ru", signatureName: "Аня" });
      await intoLetterFlow(user, assignmentId);
    });
    await eachLimited(bareUsers, 20, async (user) => {
      const started = user.waitForMessage(undefined, WAIT);
      await user.sendText("/start");
      await started;
    });
    console.log(`set-up: ${USERS} writers in the letter flow in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s`);

    // Warm-up: JIT, connection pools, every writer known. A whole burst each: with 400 updates the
    // first round still ran half-compiled code (Lifeline has far more of it than the bare bot), and
    // a running bot is measured, not one just started.
    await helpBurst(bareFake, bareHelpUsers, HELP_PER_USER);
    await helpBurst(lifeFake, lifeHelpUsers, HELP_PER_USER);
    if (KINDS.includes("press")) {
      await pressBurst(bareFake, bareUsers, 1, /^bare:prev$/);
      await pressBurst(lifeFake, lifeUsers, 1, /^ltr:[0-9a-f]+:prev$/);
    }

    /** A burst's rate, and the bot process's CPU time per update meanwhile (less sensitive to a busy machine). */
    const timed = async (bot: BotProcess, updates: number, burst: () => Promise<number>): Promise<{ rate: number; cpu: number }> => {
      const cpu = bot.cpuMs();
      const rate = await burst();
      return { rate, cpu: (bot.cpuMs() - cpu) / updates };
    };
    const helpOf = (fake: FakeTelegram, bot: BotProcess, who: FakeUser[]) => () => timed(bot, USERS * HELP_PER_USER, () => helpBurst(fake, who, HELP_PER_USER));
    const pressOf = (fake: FakeTelegram, bot: BotProcess, who: FakeUser[], data: RegExp) => () =>
      timed(bot, USERS * PRESSES_PER_USER, () => pressBurst(fake, who, PRESSES_PER_USER, data));
    const runs = {
      help: { bare: helpOf(bareFake, bare, bareHelpUsers), life: helpOf(lifeFake, life, lifeHelpUsers) },
      press: { bare: pressOf(bareFake, bare, bareUsers, /^bare:prev$/), life: pressOf(lifeFake, life, lifeUsers, /^ltr:[0-9a-f]+:prev$/) },
    };
    type Sample = { rate: number; cpu: number };
    const samples = { help: { bare: [] as Sample[], life: [] as Sample[] }, press: { bare: [] as Sample[], life: [] as Sample[] } };
    for (let round = 0; round < ROUNDS; round++) {
      for (const kind of KINDS) {
        const order = round % 2 === 0 ? (["bare", "life"] as const) : (["life", "bare"] as const);
        for (const who of order) samples[kind][who].push(await runs[kind][who]());
      }
      const line = (kind: "help" | "press") => {
        const [b, l] = [samples[kind].bare.at(-1)!, samples[kind].life.at(-1)!];
        return `${l.rate.toFixed(0)} vs ${b.rate.toFixed(0)}/s (CPU ${l.cpu.toFixed(2)} vs ${b.cpu.toFixed(2)} ms each)`;
      };
      console.log(`round ${round + 1}: ${KINDS.map((kind) => `${kind === "help" ? "/help" : "Preview"} ${line(kind)}`).join("; ")}`);
    }
    const help = { bare: samples.help.bare.map((x) => x.rate), life: samples.help.life.map((x) => x.rate) };
    const press = { bare: samples.press.bare.map((x) => x.rate), life: samples.press.life.map((x) => x.rate) };
    const cpu = (kind: "help" | "press", who: "bare" | "life") => median(samples[kind][who].map((x) => x.cpu));

    const bench = "update handling";
    const baselineLabel = "bare grammY bot with the runner";
    if (KINDS.includes("help")) {
      const helpResult = report({
        id: "update.help",
        benchmark: bench,
        measure: `/help through the whole bot (${USERS} writers × ${HELP_PER_USER})`,
        value: median(help.life),
        unit: "updates/s",
        baseline: median(help.bare),
        baselineLabel,
        goal: { on: "ratio", op: ">=", target: 0.5 },
      });
      report({ id: "update.help.absolute", benchmark: bench, measure: "/help, absolute rate", value: helpResult.value, unit: "updates/s", goal: { on: "value", op: ">=", target: 1000 } });
    }
    if (KINDS.includes("press")) {
      report({
        id: "update.press",
        benchmark: bench,
        measure: `a button inside the letter conversation (${USERS} writers × ${PRESSES_PER_USER})`,
        value: median(press.life),
        unit: "presses/s",
        baseline: median(press.bare),
        baselineLabel,
        goal: { on: "ratio", op: ">=", target: 0.3 },
      });
    }
    for (const kind of KINDS) {
      report({
        id: `update.${kind}.cpu`,
        benchmark: bench,
        measure: `${kind === "help" ? "/help" : "the button"}: the bot's CPU time per update`,
        value: cpu(kind, "life"),
        unit: "ms",
        baseline: cpu(kind, "bare"),
        baselineLabel,
        lowerIsBetter: true,
      });
    }
  } finally {
    await Promise.all(bots.map((b) => b.stop()));
    await Promise.all(fakes.map((f) => f.close()));
    await prisma.$disconnect();
    await deleteRedisKeys(redisUrl, redisPrefix);
    await dropDatabase(databaseUrl);
    rmSync(storageDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
