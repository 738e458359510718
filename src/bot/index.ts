import { conversations, createConversation, type ConversationData, type VersionedState } from "@grammyjs/conversations";
import { sequentialize } from "@grammyjs/runner";
import { RedisAdapter } from "@grammyjs/storage-redis";
import { Bot, session, type BotError, type Composer } from "grammy";
import type { BotContext, ConversationContext, SessionData } from "./context.js";
import { conversationModules, CONVERSATIONS_VERSION, type ConversationModule } from "./conversations/index.js";
import type { BotDeps, FeatureDeps } from "./deps.js";
import { cancelFeature } from "./features/cancel.js";
import { fallbackFeature } from "./features/fallback.js";
import { features as defaultFeatures, type Feature } from "./features/index.js";
import { writerComesBack } from "./features/membership.js";
import { createI18n, localeOf } from "./i18n.js";
import { attachLogger, autoRetryPlugin, loadWriter, retryTransformer, writerLending } from "./middlewares.js";
import { WriteOnChangeStorage } from "./session-storage.js";
import { conversationKeyPrefix } from "./state-keys.js";

export type { BotDeps, FeatureDeps } from "./deps.js";
export type { BotContext, ConversationContext, BotConversation, SessionData } from "./context.js";

export interface CreateBotOptions {
  /** Replaces the default feature list (features/index.ts). */
  features?: Feature[];
  /** Appended after the features, before the fallback (e.g. a deployment-specific feature). */
  extraFeatures?: Feature[];
  /** Replaces the default conversation list (conversations/index.ts). */
  conversations?: ConversationModule[];
}

export type LifelineBot = Bot<BotContext>;

/** Redis keys of this service's bot state; the queue keys live under `${prefix}:bull`. */
export function sessionKey(prefix: string, chatId: number): string {
  return `${prefix}:session:${chatId}`;
}

/**
 * Builds the bot with every middleware and feature installed. Never starts it: app.ts decides
 * between long polling and a webhook.
 */
export function createBot(deps: BotDeps, options: CreateBotOptions = {}): LifelineBot {
  const { config, prisma, redis, logger } = deps;
  const i18n = createI18n();
  const featureDeps: FeatureDeps = { ...deps, i18n };

  const bot = new Bot<BotContext>(config.botToken, {
    ...(deps.botInfo ? { botInfo: deps.botInfo } : {}),
    client: { apiRoot: config.telegramApiRoot },
  });
  bot.api.config.use(retryTransformer());

  // Never log the update itself (it holds names and text); ids are enough to find it.
  const onError = async (err: BotError<BotContext>): Promise<void> => {
    const ctx = err.ctx;
    const log = (ctx.logger as BotContext["logger"] | undefined) ?? logger.child({ update_id: ctx.update.update_id });
    log.error({ err: err.error }, "update handler failed");
    const chat = ctx.chat;
    if (!chat || chat.type === "channel") return;
    try {
      const text = i18n.t(localeOf(ctx), "error-generic");
      if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => undefined);
      await ctx.api.sendMessage(chat.id, text);
    } catch (notifyErr) {
      log.warn({ err: notifyErr }, "could not tell the user about the error");
    }
  };
  // Errors that escape the boundary (e.g. in the logger middleware) still must not stop the bot.
  bot.catch((err) => onError(err));

  bot.use(attachLogger(logger));
  // One update at a time per chat, so session and conversation state never race.
  bot.use(sequentialize((ctx) => ctx.chat?.id.toString()));

  const protectedTree = bot.errorBoundary(onError);
  const sessions = new WriteOnChangeStorage(new RedisAdapter<SessionData>({ instance: redis }));
  protectedTree.use(
    session<SessionData, BotContext>({
      initial: () => ({}),
      getSessionKey: (ctx) => (ctx.chat ? sessionKey(config.redisPrefix, ctx.chat.id) : undefined),
      storage: sessions,
    }),
  );
  protectedTree.use(loadWriter(prisma, { create: true }));
  // Before conversations: any update from a writer who had blocked the bot releases their kept replies.
  protectedTree.use(writerComesBack(featureDeps));
  protectedTree.use(i18n.middleware());
  const modules = options.conversations ?? conversationModules;
  const writers = writerLending(prisma);
  protectedTree.use(writers.lend);
  protectedTree.use(
    conversations<BotContext, ConversationContext>({
      // /cancel and halts: let the left flow clean up (draft files and the like).
      onExit: async (id, ctx) => {
        await modules.find((module) => module.id === id)?.onExit?.(ctx, featureDeps);
      },
      storage: {
        type: "key",
        version: CONVERSATIONS_VERSION,
        prefix: conversationKeyPrefix(config.redisPrefix),
        adapter: new RedisAdapter<VersionedState<ConversationData>>({ instance: redis }),
      },
      // Inside a conversation only these plugins exist: retries, logger, writer, i18n.
      plugins: [
        autoRetryPlugin(),
        attachLogger(logger),
        writers.borrow,
        i18n.middleware(),
      ],
    }),
  );
  protectedTree.use(cancelFeature());
  for (const module of modules) {
    protectedTree.use(createConversation(module.build(featureDeps), { id: module.id }));
  }
  const installed: Composer<BotContext>[] = [...(options.features ?? defaultFeatures), ...(options.extraFeatures ?? [])].map(
    (feature) => feature(featureDeps),
  );
  for (const composer of installed) protectedTree.use(composer);
  protectedTree.use(fallbackFeature());

  return bot;
}
