// The bare baseline for the update-handling benchmark: the least a developer would write with grammY
// and the runner, doing the same Bot API calls as Lifeline does for the same updates. /help: one
// sendMessage with the same text and a one-button keyboard. A button press: answerCallbackQuery,
// then one sendMessage with a keyboard (what Lifeline's Preview does inside the letter flow).
// Run as a child process by bench/update.ts; configured through the environment.
import { run, sequentialize } from "@grammyjs/runner";
import { Bot, InlineKeyboard } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { createI18n } from "../src/messages/i18n.js";

const token = process.env.BOT_TOKEN ?? "";
const apiRoot = process.env.TELEGRAM_API_ROOT ?? "";
const botInfo = JSON.parse(process.env.BOT_INFO ?? "null") as UserFromGetMe;
const i18n = createI18n();
const helpText = i18n.t("ru", "help-text");
const keyboard = new InlineKeyboard().text(i18n.t("ru", "menu-back"), "menu");
const previewKeyboard = new InlineKeyboard().text(i18n.t("ru", "letter-preview"), "bare:prev").row().text(i18n.t("ru", "letter-done"), "bare:done");

const bot = new Bot(token, { botInfo, client: { apiRoot } });
bot.use(sequentialize((ctx) => ctx.chat?.id.toString()));
bot.command("help", (ctx) => ctx.reply(helpText, { reply_markup: keyboard }));
bot.callbackQuery("bare:prev", async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.reply(`Предпросмотр\n\n${"Здравствуйте! ".repeat(20)}`, { reply_markup: previewKeyboard });
});
bot.command("start", (ctx) => ctx.reply(helpText, { reply_markup: previewKeyboard }));

const runner = run(bot);
console.log("bare bot started");
const stop = () => void runner.stop().then(() => process.exit(0));
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
