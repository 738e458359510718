import { conversations, createConversation, type ConversationData, type VersionedState } from "@grammyjs/conversations";
import { sequentialize } from "@grammyjs/runner";
import { Bot, session, type BotError, type Composer as GrammyComposer, type Context } from "grammy";
import { Composer } from "./composer.js";
import type { BotContext, ConversationContext, SessionData } from "./context.js";
import { conversationModules, CONVERSATIONS_VERSION, type ConversationModule } from "./conversations/index.js";
import type { BotDeps, FeatureDeps } from "./deps.js";
import { cancelFeature } from "./features/cancel.js";
import { fallbackFeature } from "./features/fallback.js";
import { features as defaultFeatures, type Feature } from "./features/index.js";
import { writerComesBack } from "./features/membership.js";
import { operatorLocale } from "./features/operators.js";
import { floodControl } from "./flood.js";
import { chatOrder } from "./chat-order.js";
import { createI18n, isLocale, localeOf } from "../messages/i18n.js";
import { attachLogger, autoRetryPlugin, contextWithLogger, loadWriter, writerLending } from "./middlewares.js";
import { retryTransformer } from "../telegram/retry.js";
import { EncryptedStorage } from "../storage/encrypted-adapter.js";
import { WriteOnChangeStorage } from "./session-storage.js";
import { conversationKey, conversationKeyPrefix } from "../messages/state-keys.js";
import { writerCacheKey } from "../db/repositories/writer-cache.js";
import { PrefetchingRedisAdapter, RedisPrefetch } from "../storage/redis-prefetch.js";
import { findWriterByTelegramId } from "../db/repositories/writers.js";
import { DecryptionError } from "../privacy/cipher.js";
import { followGroupUpgrade } from "../setup/operators-chat.js";
import { botApiClientOptions } from "../telegram/bot-api-fetch.js";

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
    client: botApiClientOptions(config.telegramApiRoot),
    // BotContext's other fields are installed by the middleware below.
    ContextConstructor: contextWithLogger(logger) as unknown as new (...args: ConstructorParameters<typeof Context>) => BotContext,
  });
  bot.api.config.use(retryTransformer());
  // A call to the operators' group after Telegram upgraded it to a supergroup goes to the new id.
  bot.api.config.use(followGroupUpgrade(deps.operatorsChat));

  // Never log the update itself (it holds names and text); ids are enough to find it.
  const onError = async (err: BotError<BotContext>): Promise<void> => {
    const ctx = err.ctx;
    const log = ctx.logger;
    log.error({ err: err.error }, "update handler failed");
    const chat = ctx.chat;
    if (!chat || chat.type === "channel") return;
    try {
      // A corrupted ciphertext (src/privacy/cipher.ts) is no passing hiccup: trying again will not help.
      const text = i18n.t(localeOf(ctx), err.error instanceof DecryptionError ? "error-unreadable" : "error-generic");
      if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => undefined);
      await ctx.api.sendMessage(chat.id, text);
    } catch (notifyErr) {
      log.warn({ err: notifyErr }, "could not tell the user about the error");
    }
  };
  // Errors that escape the boundary (in chat order or flood control) still must not stop the bot.
  bot.catch((err) => onError(err));

  // Every middleware sits in the bot's cheaper Composer (composer.ts): one list, not grammY's nested closures.
  const root = new Composer<BotContext>();
  bot.use(root);
  // One update per chat at a time inside this process (in arrival order), before the cross-process
  // order below: a chat's later updates wait here in memory instead of polling Redis for their turn.
  root.use(sequentialize((ctx) => (ctx.chat ? String(ctx.chat.id) : undefined)));
  // One update at a time per chat, in update_id order, across every bot process (chat-order.ts),
  // so session and conversation state never race; a redelivered update is applied once. An update
  // is noted as on its way first of all, so an earlier one never waits behind flood control. Polling
  // (one process, updates noted in the order fetched) needs no settle window for late arrivals.
  // The chat's session and conversations and the writer's cached row are read with the turn itself.
  const prefetch = deps.prefetch ?? new RedisPrefetch(redis);
  const order = chatOrder<BotContext>({
    redis,
    redisPrefix: config.redisPrefix,
    settleMs: config.bot.mode === "webhook" ? 30 : 0,
    readOnTurn: { keys: (ctx) => turnReads(config.redisPrefix, ctx), into: prefetch },
  });
  root.use(order.register);
  // Before the per-chat queue and any state: a flooder's extra updates cost one Redis call each.
  root.use(
    ...floodControl({
      redis,
      redisPrefix: config.redisPrefix,
      i18n,
      operatorsChat: deps.operatorsChat,
      logger,
      limits: config.flood,
      languageOf: async (telegramId) => {
        const language = (await findWriterByTelegramId(prisma, telegramId))?.language;
        return isLocale(language) ? language : undefined;
      },
    }),
  );
  root.use(order.turn);

  // Everything past chat order and flood control runs inside the error boundary.
  const protectedTree = new Composer<BotContext>();
  root.errorBoundary(onError, protectedTree);
  // Sessions and drafts are ciphertext in Redis; the chat's key names nothing but its id.
  const unreadable = (key: string, err: unknown) => logger.error({ err, redis_key: key }, "stored chat state cannot be decrypted; starting it afresh");
  const encrypted = <T>() => new EncryptedStorage<T>(new PrefetchingRedisAdapter<unknown>(redis, prefetch), config.keyring, { onUnreadable: unreadable });
  const sessions = new WriteOnChangeStorage(encrypted<SessionData>());
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
  // Before i18n: an operator in the operators' chat is answered in their own language.
  protectedTree.use(operatorLocale(featureDeps));
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
        adapter: encrypted<VersionedState<ConversationData>>(),
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
    if (module.middleware) protectedTree.use(module.middleware(featureDeps));
    protectedTree.use(createConversation(module.build(featureDeps), { id: module.id }));
  }
  const installed: GrammyComposer<BotContext>[] = [...(options.features ?? defaultFeatures), ...(options.extraFeatures ?? [])].map(
    (feature) => feature(featureDeps),
  );
  for (const composer of installed) protectedTree.use(composer);
  protectedTree.use(fallbackFeature(featureDeps));

  return bot;
}

/** What nearly every update of a chat reads: its session and conversations, and in a private chat the writer's cached row. */
function turnReads(prefix: string, ctx: Context): string[] {
  const chat = ctx.chat;
  if (!chat) return [];
  const keys = [sessionKey(prefix, chat.id), conversationKey(prefix, chat.id)];
  if (chat.type === "private" && ctx.from && !ctx.from.is_bot) keys.push(writerCacheKey(prefix, ctx.from.id));
  return keys;
}
