import { pino, type Logger, type DestinationStream } from "pino";
import type { LogLevel } from "./config.js";

export type { Logger } from "pino";

/**
 * Paths that could carry personal data or secrets if someone logs a whole object by mistake.
 * The rule is still: log ids only.
 */
const REDACT_PATHS = [
  "botToken",
  "config.botToken",
  "*.botToken",
  "token",
  "*.token",
  "secretToken",
  "*.webhookSecret",
  "*.text",
  "*.caption",
  "*.first_name",
  "*.last_name",
  "*.username",
  "*.phone_number",
  "*.payload",
  "update",
  "message",
  "from",
  "req.headers",
];

/** A bot token as Telegram issues it ("123456789:AA..."), e.g. inside a failed request's URL. */
const BOT_TOKEN_PATTERN = /\d{5,}:[A-Za-z0-9_-]{30,}/g;

/** Network errors quote the request URL, and the Bot API's URL holds the token. */
function withoutToken(text: string | undefined): string | undefined {
  return text?.replace(BOT_TOKEN_PATTERN, "[token]");
}

/** Errors reduced to what helps debugging; grammY errors carry the request payload (letter text). */
function serializeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: withoutToken(String(err)) };
  const out: Record<string, unknown> = { type: err.name, message: withoutToken(err.message), stack: withoutToken(err.stack) };
  const e = err as Error & { error_code?: unknown; method?: unknown; code?: unknown; error?: unknown };
  if (e.error_code !== undefined) out.error_code = e.error_code;
  if (typeof e.method === "string") out.method = e.method;
  if (typeof e.code === "string" || typeof e.code === "number") out.code = e.code;
  // BotError and HttpError wrap the real cause in `error`.
  if (e.error instanceof Error) out.cause = serializeError(e.error);
  else if (err.cause instanceof Error) out.cause = serializeError(err.cause);
  return out;
}

export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "lifeline" },
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      serializers: { err: serializeError, error: serializeError },
    },
    destination,
  );
}

/** The ids that identify an update in logs; never names or text. */
export function updateLogBindings(update: {
  update_id: number;
  chatId?: number | undefined;
}): { update_id: number; chat_id?: number } {
  return update.chatId === undefined
    ? { update_id: update.update_id }
    : { update_id: update.update_id, chat_id: update.chatId };
}
