import { limit } from "@grammyjs/ratelimiter";
import type { Context, MiddlewareFn } from "grammy";
import type { Redis } from "ioredis";
import { redisScript } from "../storage/redis-script.js";
import type { I18n } from "@grammyjs/i18n";
import type { Logger } from "../logger.js";
import type { OperatorsChat } from "../setup/operators-chat.js";
import { localeFromLanguageCode, type Locale, type LocaleAwareContext } from "../messages/i18n.js";

export interface FloodLimits {
  /** Updates (messages, button presses) one person may send in a minute. */
  messagesPerMinute: number;
  /** Photos and files one person may send in an hour. */
  uploadsPerHour: number;
}

export interface FloodDeps {
  redis: Redis;
  redisPrefix: string;
  i18n: I18n<LocaleAwareContext>;
  operatorsChat: OperatorsChat;
  logger: Logger;
  limits: FloodLimits;
  /** The writer's chosen language, for the one notice (the writer is not loaded this early). */
  languageOf: (telegramId: number) => Promise<Locale | undefined>;
}

// INCR and the window's expiry in one script: one round trip, and a crash between the two can never
// leave a counter without an expiry (a person limited for good).
const COUNT = redisScript(`
local count = redis.call('INCR', KEYS[1])
if count == 1 or redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count
`);

/** The counter the plugin keeps, made atomic (COUNT); the plugin's own PEXPIRE after the first hit is then a no-op. */
function atomicCounter(redis: Redis, windowMs: number): { incr(key: string): Promise<number>; pexpire(): Promise<number> } {
  return {
    incr: async (key) => Number(await COUNT(redis, [key], [windowMs])),
    pexpire: () => Promise.resolve(1),
  };
}

function isUpload(ctx: Context): boolean {
  const m = ctx.message ?? ctx.editedMessage;
  return Boolean(m && (m.photo ?? m.document ?? m.video ?? m.audio ?? m.voice ?? m.video_note ?? m.animation ?? m.sticker));
}

/**
 * Per-person flood limits, shared by every bot process through Redis, checked before anything else
 * (session, database, the per-chat queue): a flooder's extra updates are dropped in one Redis call,
 * so they never hold up anyone else. The person gets one polite notice per window in their language.
 * The operators' chat is not limited: volunteers send albums of scans and press through batches.
 */
export function floodControl(deps: FloodDeps): MiddlewareFn<Context>[] {
  const notify = async (ctx: Context, key: string): Promise<void> => {
    const from = ctx.from;
    if (!from) return;
    deps.logger.warn({ user_id: from.id, limit: key }, "a person went over the flood limit");
    if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => undefined);
    if (ctx.chat?.type !== "private") return;
    const locale = (await deps.languageOf(from.id).catch(() => undefined)) ?? localeFromLanguageCode(from.language_code);
    await ctx.api.sendMessage(ctx.chat.id, deps.i18n.t(locale, key)).catch((err: unknown) => {
      deps.logger.warn({ err }, "could not send the flood notice");
    });
  };
  const exempt = async (ctx: Context): Promise<boolean> => {
    if (ctx.chat === undefined || ctx.chat.type === "private") return false;
    return ctx.chat.id === (await deps.operatorsChat.id());
  };
  const keyOf = (ctx: Context): string | undefined => (ctx.from && !ctx.from.is_bot ? String(ctx.from.id) : undefined);

  const messages = limit<Context, ReturnType<typeof atomicCounter>>({
    timeFrame: 60_000,
    limit: deps.limits.messagesPerMinute,
    storageClient: atomicCounter(deps.redis, 60_000),
    keyPrefix: `${deps.redisPrefix}:flood:updates:`,
    keyGenerator: keyOf,
    // Not awaited by the plugin's type; notify() never throws.
    onLimitExceeded: (ctx) => void notify(ctx, "flood-slow-down"),
  });
  const uploads = limit<Context, ReturnType<typeof atomicCounter>>({
    timeFrame: 3_600_000,
    limit: deps.limits.uploadsPerHour,
    storageClient: atomicCounter(deps.redis, 3_600_000),
    keyPrefix: `${deps.redisPrefix}:flood:uploads:`,
    keyGenerator: (ctx) => (isUpload(ctx) ? keyOf(ctx) : undefined),
    onLimitExceeded: (ctx) => void notify(ctx, "flood-uploads"),
  });
  const unlessExempt =
    (mw: MiddlewareFn<Context>): MiddlewareFn<Context> =>
    async (ctx, next) =>
      (await exempt(ctx)) ? next() : mw(ctx, next);
  return [unlessExempt(messages), unlessExempt(uploads)];
}
