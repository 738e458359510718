import { Context, type MiddlewareFn } from "grammy";
import { retryTransformer } from "../telegram/retry.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { findWriterByTelegramId, getOrCreateWriter } from "../db/repositories/writers.js";
import { updateLogBindings, type Logger } from "../logger.js";
import type { Writer } from "./context.js";
import { localeFromLanguageCode } from "../messages/i18n.js";

/** Installs auto-retry on ctx.api inside conversations (transformers on bot.api do not reach it). */
export function autoRetryPlugin<C extends Context>(): MiddlewareFn<C> {
  return async (ctx, next) => {
    ctx.api.config.use(retryTransformer());
    await next();
  };
}

/** The update's child logger: bound to update_id and chat id only. */
function updateLogger(logger: Logger, ctx: Context): Logger {
  return logger.child(updateLogBindings({ update_id: ctx.update.update_id, chatId: ctx.chat?.id }));
}

/**
 * A child logger per update, bound to update_id and chat id only. Made when first used: most updates
 * log nothing, and a child logger is not free.
 */
export function attachLogger<C extends Context & { logger: Logger }>(logger: Logger): MiddlewareFn<C> {
  return async (ctx, next) => {
    let child: Logger | undefined;
    Object.defineProperty(ctx, "logger", {
      configurable: true,
      enumerable: true,
      get: () => (child ??= updateLogger(logger, ctx)),
      set: (value: Logger) => (child = value),
    });
    await next();
  };
}

/**
 * The bot's context class: `ctx.logger` as attachLogger gives it, a getter of the class instead of
 * a property defined on every update (Bot's ContextConstructor). Contexts a conversation rebuilds
 * get theirs from attachLogger among the conversation plugins.
 */
export function contextWithLogger(logger: Logger): typeof Context {
  return class LoggingContext extends Context {
    private child: Logger | undefined;

    get logger(): Logger {
      return (this.child ??= updateLogger(logger, this));
    }

    set logger(value: Logger) {
      this.child = value;
    }
  };
}

/**
 * In private chats, the writer behind the chat: loaded, or created on first contact with the
 * language Telegram reports. Elsewhere (groups, channels) there is no writer.
 * Status updates such as my_chat_member (blocking the bot) never create one.
 */
export function loadWriter<C extends Context & { writer: Writer | undefined }>(
  prisma: PrismaClient,
  opts: { create: boolean },
): MiddlewareFn<C> {
  return async (ctx, next) => {
    ctx.writer = undefined;
    const from = ctx.from;
    if (ctx.chat?.type === "private" && from && !from.is_bot) {
      const createsWriter = opts.create && (ctx.message !== undefined || ctx.callbackQuery !== undefined);
      ctx.writer = createsWriter
        ? await getOrCreateWriter(prisma, { telegramId: from.id, language: localeFromLanguageCode(from.language_code) })
        : ((await findWriterByTelegramId(prisma, from.id)) ?? undefined);
    }
    await next();
  };
}

type WriterContext = Context & { writer: Writer | undefined };

/**
 * Lends the writer of the update being handled to the contexts a conversation rebuilds while it
 * replays. Every wait() of a conversation rebuilds a context and runs the conversation plugins on
 * it, so a flow with N answers would load the same writer N times per update. Private chats only;
 * sequentialize keeps one update per chat in flight, so the chat id names that update.
 */
export function writerLending(prisma: PrismaClient): { lend: MiddlewareFn<WriterContext>; borrow: MiddlewareFn<WriterContext> } {
  const lent = new Map<number, { writer: Writer | undefined }>();
  const lookUp = loadWriter<WriterContext>(prisma, { create: false });
  return {
    /** In the outer tree, right before conversations(): later changes to ctx.writer are seen too. */
    lend: async (ctx, next) => {
      const chatId = ctx.chat?.type === "private" ? ctx.chat.id : undefined;
      if (chatId === undefined) return next();
      lent.set(chatId, ctx);
      try {
        await next();
      } finally {
        if (lent.get(chatId) === ctx) lent.delete(chatId);
      }
    },
    /** A conversation plugin: the lent writer, or a lookup when no update of this chat is in flight. */
    borrow: async (ctx, next) => {
      const outer = ctx.chat?.type === "private" && ctx.from?.id === ctx.chat.id ? lent.get(ctx.chat.id) : undefined;
      if (!outer) return lookUp(ctx, next);
      ctx.writer = outer.writer;
      await next();
    },
  };
}
