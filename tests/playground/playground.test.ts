// The playground in a real browser: Debian's Chromium driven by playwright-core (no browser
// download). A Russian writer goes from /start to a sent letter in the page; the operator
// approves it, takes the print batch (a downloadable PDF), marks it posted and uploads the reply
// scan; the writer sees the reply. Screenshots of every step go to test-artifacts/playground/.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPlayground, type Playground } from "../../src/playground/playground.js";
import { deleteRedisKeys, uniqueRedisPrefix } from "../helpers/app.js";
import { createIsolatedDatabase, type IsolatedDatabase } from "../helpers/db.js";
import { collapse, readPdf } from "../media/read-pdf.js";

const CHROMIUM = "/usr/bin/chromium";
const HAS_CHROMIUM = existsSync(CHROMIUM);
if (!HAS_CHROMIUM) {
  process.stderr.write(`playground browser test SKIPPED: ${CHROMIUM} is not installed (apt-get install chromium)\n`);
}

const ARTEFACTS = resolve("test-artifacts/playground");
/** The README's screenshot is rewritten only on request, so a test run leaves the tree clean. */
const DOCS_SCREENSHOT = process.env.UPDATE_DOCS_SCREENSHOT === "1" ? resolve("docs/playground.png") : undefined;
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
/** The bot, its queues and the PDF worker share two cores with other test files: wait generously. */
const WAIT = { state: "visible", timeout: 20_000 } as const;
const CODE = /L-[2-9A-HJ-NP-Z]{4}/;

const LETTER =
  "Здравствуйте! Меня зовут Аня, я живу в Тбилиси и работаю в библиотеке. Весной у нас распустились каштаны, " +
  "и я каждый вечер гуляю вдоль реки. Недавно перечитала «Мастера и Маргариту». А что вы любите читать?";

describe.skipIf(!HAS_CHROMIUM)(`the playground in headless Chromium (${CHROMIUM})`, () => {
  let db: IsolatedDatabase;
  let storageDir: string;
  let redisPrefix: string;
  let playground: Playground | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let step = 0;

  beforeAll(async () => {
    rmSync(ARTEFACTS, { recursive: true, force: true });
    mkdirSync(ARTEFACTS, { recursive: true });
    db = await createIsolatedDatabase();
    storageDir = mkdtempSync(join(tmpdir(), "lifeline-playground-test-"));
    redisPrefix = uniqueRedisPrefix();
    playground = await startPlayground({
      databaseUrl: db.url,
      redisUrl: REDIS_URL,
      redisPrefix,
      storageDir,
      port: 0,
      logLevel: process.env.TEST_LOG_LEVEL === "debug" ? "debug" : "silent",
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // Playwright adds --no-sandbox and a fresh temporary profile; these keep Chromium off the (closed) network.
      args: ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: "ru-RU", acceptDownloads: true });
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await playground?.close();
    await deleteRedisKeys(REDIS_URL, redisPrefix).catch(() => undefined);
    rmSync(storageDir, { recursive: true, force: true });
    await db.drop();
  });

  async function snap(name: string): Promise<void> {
    step++;
    await page.screenshot({ path: join(ARTEFACTS, `${String(step).padStart(2, "0")}-${name}.png`) });
  }

  const writerPane = (): Locator => page.locator('[data-pane="0"]');
  const operatorsPane = (): Locator => page.locator('[data-pane="1"]');

  /** A bot message in the pane containing the text (or matching the RegExp), once it is shown. */
  async function botMessage(pane: Locator, text: string | RegExp): Promise<Locator> {
    const message = pane.locator('.msg[data-sender="bot"]', { hasText: text }).last();
    await message.waitFor(WAIT);
    return message;
  }

  async function send(pane: Locator, text: string): Promise<void> {
    const box = pane.locator("textarea");
    await box.fill(text);
    await box.press("Enter");
    await pane.locator('.msg[data-sender="user"]', { hasText: text.slice(0, 40) }).last().waitFor(WAIT);
    await expect.poll(() => box.inputValue()).toBe("");
  }

  /** Presses an inline button under the latest message that has it (or under `message`). */
  async function press(scope: Locator, text: string): Promise<void> {
    const button = scope.getByRole("button", { name: text, exact: true }).last();
    await button.waitFor(WAIT);
    await button.click();
  }

  it("a writer sends a letter; the operator approves, prints, posts it and brings the reply back", async () => {
    const writer = writerPane();
    const operators = operatorsPane();
    await page.goto(`${playground!.url}?lang=ru`);
    await page.locator("body[data-ready=true]").waitFor({ state: "attached", timeout: 20_000 });
    expect(await page.title()).toBe("Lifeline: песочница");
    expect(await writer.locator('.tab[aria-selected="true"]').textContent()).toBe("Аня (ru)");
    expect(await operators.locator('.tab[aria-selected="true"]').textContent()).toBe("Чат операторов");
    await writer.locator(".empty", { hasText: "Отправьте /start" }).waitFor(WAIT);
    await snap("empty");

    // The writer: /start, rules, interests skipped, the person offered, then the letter.
    await send(writer, "/start");
    const welcome = await botMessage(writer, "Здравствуйте! Это Lifeline.");
    await snap("welcome");
    await press(welcome, "✉️ Написать письмо");
    await botMessage(writer, "Прежде чем писать");
    // The short digest first; "Подробнее ›" edits it into the full rules, which end with /guide.
    await press(writer, "Подробнее ›");
    const rules = await botMessage(writer, "Почему так и о чём писать");
    // Commands in the bot's text are tappable, as in Telegram.
    await rules.locator(".command", { hasText: "/guide" }).waitFor(WAIT);
    await snap("rules");
    await press(rules, "✅ Понятно");
    const interests = await botMessage(writer, "что вам интересно?");
    await press(interests, "Пропустить ›");
    const card = await botMessage(writer, "Вот кому мы предлагаем написать");
    // The bot's HTML arrives as elements built from its entities, never as markup text.
    expect(await card.locator(".text strong").count()).toBeGreaterThan(0);
    expect(await card.locator(".text").textContent()).not.toMatch(/<\/?b>/);
    await snap("assignment");
    const writeTo = card.getByRole("button", { name: /^✉️ Написать: / });
    const personName = ((await writeTo.textContent()) ?? "").replace("✉️ Написать: ", "");
    expect(personName.length).toBeGreaterThan(3);
    await writeTo.click();
    const chooser = await botMessage(writer, "Как вы хотите его написать?");
    await press(chooser, "⌨️ Набрать здесь");
    await botMessage(writer, "Напишите письмо.");
    await send(writer, LETTER);
    const progress = await botMessage(writer, "Сейчас в письме");
    await snap("letter-typed");
    await press(progress, "✅ Готово");
    await botMessage(writer, "Как подписать ваше письмо?");
    await send(writer, "Аня");
    const summary = await botMessage(writer, "Проверьте письмо перед отправкой");
    expect(await summary.textContent()).toContain("Подпись: Аня");
    await snap("summary");
    await press(summary, "📨 Отправить");
    const sent = await botMessage(writer, /Его код — L-/);
    const code = CODE.exec((await sent.textContent()) ?? "")?.[0] ?? "";
    expect(code).toMatch(CODE);
    await snap("letter-sent");

    // The operator: the card arrives in the group, Approve, the writer is told it was printed.
    // The card (the letter's text follows it as a reply to it).
    const modCard = (await botMessage(operators, "Кому:")).filter({ hasText: `Письмо ${code}` });
    expect(await modCard.textContent()).toContain(personName.split(" ").reverse()[0] ?? personName);
    await botMessage(operators, "Мастера и Маргариту");
    await snap("moderation-card");
    await press(modCard, "✅ Одобрить");
    await page.locator(".toast", { hasText: "Решение записано." }).waitFor(WAIT);
    await operators.locator(".msg", { hasText: "✅ Одобрено — оператор #" }).waitFor(WAIT);
    // Edited in place: the card lost its buttons and kept its place.
    expect(await operators.locator(".msg", { hasText: `Письмо ${code}` }).first().getByRole("button", { name: "✅ Одобрить" }).count()).toBe(0);
    await botMessage(writer, `Письмо ${code} напечатано`);
    await snap("approved-printed");

    // /batch: the batch PDF appears in the chat and downloads as a real PDF with the letter in it.
    await send(operators, "/batch");
    await botMessage(operators, /Партия №\d+ \(писем: \d+\) закрыта/);
    const pdfDoc = operators.locator(".msg", { has: page.locator(".doc-name", { hasText: /^batch-.*\.pdf$/ }) }).last();
    await pdfDoc.waitFor(WAIT);
    const csvMessage = operators.locator(".msg", { has: page.locator(".doc-name", { hasText: /\.xlsx$/ }) }).last();
    await csvMessage.waitFor(WAIT);
    await snap("batch");
    const [download] = await Promise.all([page.waitForEvent("download"), pdfDoc.locator(".doc-download").click()]);
    expect(download.suggestedFilename()).toMatch(/^batch-.*\.pdf$/);
    const pdf = readFileSync(await download.path());
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    expect(collapse((await readPdf(pdf)).map((p) => p.text).join(" "))).toContain(code);

    // Posted: every letter of the batch, and the writer hears about it.
    await press(csvMessage, "📮 Отметить: отправлено");
    await botMessage(writer, `Письмо ${code} отправлено по почте!`);
    await snap("posted");

    // The reply scan: a photo from disk with the code in the caption, sent from the operators' chat.
    const scanPath = join(storageDir, "reply-scan.jpg");
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="800"><rect width="600" height="800" fill="#f4efe3"/>${[140, 200, 260, 320, 380, 440, 500]
      .map((y) => `<line x1="60" y1="${y}" x2="${540 - (y % 3) * 40}" y2="${y}" stroke="#2b3a67" stroke-width="5"/>`)
      .join("")}</svg>`;
    writeFileSync(scanPath, await sharp(Buffer.from(svg)).jpeg().toBuffer());
    await operators.locator("input[type=file]").setInputFiles(scanPath);
    await operators.locator(".attach-bar", { hasText: "reply-scan.jpg" }).waitFor(WAIT);
    await operators.locator("textarea").fill(`ответ ${code}`);
    await operators.locator("textarea").press("Enter");
    await botMessage(operators, `Ответ на письмо ${code} принят`);
    const reply = await botMessage(writer, `Вам ответ! ${personName}`);
    const photo = reply.locator("img.photo");
    await photo.waitFor(WAIT);
    await expect.poll(() => photo.evaluate((img) => {
      // Runs in the page: the element is an <img>.
      const image = img as unknown as { complete: boolean; naturalWidth: number };
      return image.complete && image.naturalWidth;
    }), { timeout: 10_000 }).toBe(600);
    await botMessage(writer, "Страница 1 из 1");
    await reply.getByRole("button", { name: "✍️ Написать в ответ" }).waitFor(WAIT);
    await snap("reply-delivered");
    if (DOCS_SCREENSHOT) {
      // Without the pointer's hover and the last toast: the picture shows just the two chats.
      await page.mouse.move(720, 20);
      await page.locator(".toast").first().waitFor({ state: "detached", timeout: 10_000 });
      mkdirSync(resolve("docs"), { recursive: true });
      writeFileSync(DOCS_SCREENSHOT, await page.screenshot());
    }
  }, 240_000);
});
