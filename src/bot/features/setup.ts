// Setting up the operators' chat from Telegram, with no log reading and no restart: the bot greets
// a group it is added to with its id and a "Make this the operators' chat" button; an administrator
// (ADMIN_IDS, or an operator with the admin role) presses it, or sends /setup there. /whoami tells
// anyone their own Telegram id (what ADMIN_IDS and /operators add need). A group upgraded to a
// supergroup stays the operators' chat.
import { InlineKeyboard } from "grammy";
import { Composer } from "../composer.js";
import { claimNotice } from "../../db/repositories/settings.js";
import { clearChatCommands, setOperatorsChatCommands } from "../../telegram/commands.js";
import type { BotContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { operatorsChatProblem } from "../../setup/check-operators-chat.js";
import { actingOperator, isOperatorsChat } from "./operators.js";

export const SETUP_CB = { bind: "setup:bind" } as const;

const isPresent = (status: string): boolean => status !== "left" && status !== "kicked";

function bindKeyboard(t: BotContext["t"]): InlineKeyboard {
  return new InlineKeyboard().text(t("setup-button-bind"), SETUP_CB.bind);
}

/** The greeting with the group's id and the button; says so when it would replace another chat. */
async function setupOffer(ctx: BotContext, deps: FeatureDeps, chatId: number): Promise<void> {
  const current = await deps.operatorsChat.id();
  const parts = [ctx.t("setup-group-intro", { chatId: String(chatId) })];
  if (current !== undefined) parts.push(ctx.t("setup-group-replaces", { currentId: String(current) }));
  await ctx.reply(parts.join("\n\n"), { reply_markup: bindKeyboard(ctx.t) });
}

async function isAdmin(ctx: BotContext, deps: FeatureDeps): Promise<boolean> {
  return (await actingOperator(ctx, deps))?.role === "admin";
}

/** The group is the operators' chat: what it is for, plus what to fix when the bot cannot see scans. */
async function boundText(ctx: BotContext, chatId: number, key: "setup-bound" | "setup-group-already"): Promise<string> {
  const problem = await operatorsChatProblem(ctx.api, ctx.me, chatId);
  const text = ctx.t(key, { chatId: String(chatId) });
  return problem === "not_admin" ? `${text}\n\n${ctx.t("setup-bound-not-admin")}` : text;
}

export function setupFeature(deps: FeatureDeps): Composer<BotContext> {
  const { operatorsChat, i18n } = deps;
  const composer = new Composer<BotContext>();
  const groups = composer.chatType(["group", "supergroup"]);

  // Added to a group (or removed from the operators' chat, which only the log can tell).
  groups.on("my_chat_member", async (ctx) => {
    const { old_chat_member: before, new_chat_member: after } = ctx.myChatMember;
    const chatId = ctx.chat.id;
    if (!isPresent(after.status)) {
      if (await isOperatorsChat(ctx, deps)) {
        ctx.logger.warn({ chat_id: chatId }, "the bot was removed from the operators' chat: add it back, or bind another group with /setup");
      }
      return;
    }
    if (isPresent(before.status)) {
      // Demoted to a plain member: it no longer sees the scans volunteers send.
      if (after.status === "member" && !ctx.me.can_read_all_group_messages && (await isOperatorsChat(ctx, deps))) {
        await ctx.reply(ctx.t("setup-bound-not-admin"));
      }
      return;
    }
    ctx.logger.info({ chat_id: chatId, by: ctx.myChatMember.from.id }, "bot added to a group");
    if (await isOperatorsChat(ctx, deps)) {
      await ctx.reply(await boundText(ctx, chatId, "setup-group-already"));
      return;
    }
    await setupOffer(ctx, deps, chatId);
  });

  groups.command("setup", async (ctx) => {
    const chatId = ctx.chat.id;
    if (await isOperatorsChat(ctx, deps)) {
      await ctx.reply(await boundText(ctx, chatId, "setup-group-already"));
      return;
    }
    if (!(await isAdmin(ctx, deps))) {
      ctx.logger.info({ from_id: ctx.from?.id, chat_id: chatId }, "setup refused: not an administrator");
      await ctx.reply(ctx.t("setup-not-admin", { userId: String(ctx.from?.id ?? "") }));
      return;
    }
    await setupOffer(ctx, deps, chatId);
  });

  groups.callbackQuery(SETUP_CB.bind, async (ctx) => {
    const chatId = ctx.chat.id;
    if (!(await isAdmin(ctx, deps))) {
      ctx.logger.info({ from_id: ctx.from.id, chat_id: chatId }, "setup refused: not an administrator");
      await ctx.answerCallbackQuery({ text: ctx.t("setup-not-admin-alert", { userId: String(ctx.from.id) }), show_alert: true });
      return;
    }
    const { previous } = await operatorsChat.bind(chatId, ctx.from.id);
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(await boundText(ctx, chatId, "setup-bound"));
    // The menus follow the binding; a failure here costs only the menu.
    await setOperatorsChatCommands(ctx.api, i18n, chatId, deps.config.operatorsLanguage).catch((err: unknown) => ctx.logger.warn({ err }, "could not set the operators' menu"));
    if (previous !== undefined) {
      await clearChatCommands(ctx.api, previous).catch(() => undefined);
      await ctx.api
        .sendMessage(previous, i18n.t(deps.config.operatorsLanguage, "setup-moved-away"))
        .catch((err: unknown) => ctx.logger.info({ err, chat_id: previous }, "could not tell the former operators' chat"));
    }
    await deps.prisonerList.tellOperatorsIfEmpty(ctx.api);
  });

  // Telegram upgraded the group to a supergroup: the old id stops working, the new one is stored.
  // Telegram tells both chats (the old one: migrate_to, the new one: migrate_from), and the two
  // updates are handled side by side, in either order: whichever comes first moves the binding,
  // and the one notice in the new chat is claimed in the database, so it is posted exactly once.
  const migrated = async (ctx: BotContext, from: number, to: number): Promise<void> => {
    await operatorsChat.migrate(from, to);
    const info = await operatorsChat.info();
    if (info.chatId !== to || info.binding?.migratedFrom !== from) return;
    if (!(await claimNotice(deps.prisma, `operators-chat-migrated:${from}:${to}`))) return;
    await setOperatorsChatCommands(ctx.api, i18n, to, deps.config.operatorsLanguage).catch(() => undefined);
    await ctx.api.sendMessage(to, ctx.t("setup-migrated", { chatId: String(to) }));
  };
  groups.on("message:migrate_to_chat_id", (ctx) => migrated(ctx, ctx.chat.id, ctx.message.migrate_to_chat_id));
  groups.on("message:migrate_from_chat_id", (ctx) => migrated(ctx, ctx.message.migrate_from_chat_id, ctx.chat.id));

  // /whoami anywhere: your own id (ADMIN_IDS and /operators add need it), your role, the chat's id.
  composer.command("whoami", async (ctx) => {
    const userId = ctx.from?.id;
    if (userId === undefined) return;
    const op = await actingOperator(ctx, deps);
    const lines = [ctx.t("whoami-user", { userId: String(userId) })];
    lines.push(ctx.t(op?.role === "admin" ? "whoami-role-admin" : op ? "whoami-role-operator" : "whoami-role-none"));
    if (ctx.chat.type !== "private") {
      lines.push(ctx.t(await isOperatorsChat(ctx, deps) ? "whoami-chat-operators" : "whoami-chat", { chatId: String(ctx.chat.id) }));
    } else if (op?.role === "admin") {
      const info = await operatorsChat.info();
      lines.push(info.chatId === undefined ? ctx.t("setup-state-none") : ctx.t("setup-state-bound", { chatId: String(info.chatId), source: info.source }));
    }
    await ctx.reply(lines.join("\n"));
  });

  // /setup in a private chat: where to send it.
  composer.chatType("private").command("setup", async (ctx) => {
    await ctx.reply(ctx.t("setup-private"));
  });

  return composer;
}
