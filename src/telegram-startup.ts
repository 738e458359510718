// The Bot API calls made once at start (getMe, deleteWebhook/setWebhook, setMyCommands), bounded.
// The bot's own api retries network errors without limit (auto-retry), which at start-up meant
// `npm start` waited silently forever when Telegram was unreachable. Here every attempt has a
// timeout, every failed attempt is logged as a warning, and after one shared deadline the start
// fails with one line the admin can act on (systemd or Docker then restart the process).
import { Api, GrammyError, HttpError } from "grammy";
import type { Logger } from "./logger.js";
import { botApiClientOptions } from "./telegram/bot-api-fetch.js";

/** Start-up failed for a reason the admin can fix; `message` is one line. */
export class StartupError extends Error {
  override name = "StartupError";
}

/** Telegram could not be reached before the deadline (as opposed to Telegram refusing a call). */
export class TelegramUnreachableError extends StartupError {
  override name = "TelegramUnreachableError";
}

export interface TelegramStartupOptions {
  token: string;
  apiRoot: string;
  /** Total time for all start-up calls together. */
  deadlineMs: number;
  logger: Logger;
  /** One attempt's time limit (default 5 s, less for short deadlines): Telegram normally answers in well under 1 s. */
  attemptTimeoutMs?: number;
  /** Pause between attempts (default 2 s). */
  retryDelayMs?: number;
}

export interface TelegramStartup {
  /**
   * Runs `calls` with an Api whose requests are bounded, retrying network errors, 5xx and 429
   * until the deadline. Throws StartupError for a rejected token, another refusal, or the deadline.
   */
  run<T>(what: string, calls: (api: Api) => Promise<T>): Promise<T>;
}

/** Less time than this left: no further attempt is worth starting. */
const MIN_ATTEMPT_MS = 500;

function oneLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/\s*\n\s*/g, " ").trim();
}

/** The reason behind grammY's "Network request for 'getMe' failed!": refused, timed out, unknown host. */
function networkReason(err: HttpError): string {
  const cause = err.error as { code?: string; cause?: { code?: string }; name?: string; message?: string } | undefined;
  const code = cause?.code ?? cause?.cause?.code;
  if (cause?.name === "AbortError" || cause?.name === "TimeoutError") return "no answer";
  if (code === "ECONNREFUSED") return "connection refused";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "host not found";
  if (code) return code;
  return oneLine(cause ?? err);
}

function isRetryable(err: unknown): boolean {
  if (err instanceof HttpError) return true;
  return err instanceof GrammyError && (err.error_code >= 500 || err.error_code === 429);
}

function refusal(apiRoot: string, err: unknown): string {
  // Telegram answers 401 for a revoked token and 404 for a malformed one.
  if (err instanceof GrammyError && (err.error_code === 401 || err.error_code === 404)) {
    return `Telegram rejected BOT_TOKEN (${err.error_code} ${err.description}): copy the token again from @BotFather`;
  }
  if (err instanceof GrammyError) return `The Bot API at ${apiRoot} refused a start-up call (${oneLine(err)})`;
  return `Bot start-up failed: ${oneLine(err)}`;
}

export function telegramStartup(options: TelegramStartupOptions): TelegramStartup {
  const { apiRoot, deadlineMs, logger } = options;
  // Short deadlines still get a few attempts (and a few visible warnings).
  const attemptTimeoutMs = options.attemptTimeoutMs ?? Math.min(5_000, deadlineMs / 3);
  const retryDelayMs = options.retryDelayMs ?? 2_000;
  let deadline: number | undefined;
  let attemptSignal: AbortSignal | undefined;

  // A separate Api without auto-retry: each request carries the current attempt's signal.
  const api = new Api(options.token, botApiClientOptions(apiRoot));
  api.config.use((prev, method, payload, signal) => {
    // grammY types signals with the abort-controller package's AbortSignal; Node's is the real one.
    type GrammySignal = Parameters<typeof prev>[2];
    const signals = [signal as AbortSignal | undefined, attemptSignal].filter((s): s is AbortSignal => s !== undefined);
    return prev(method, payload, (signals.length > 0 ? AbortSignal.any(signals) : undefined) as GrammySignal);
  });

  return {
    async run<T>(what: string, calls: (api: Api) => Promise<T>): Promise<T> {
      deadline ??= Date.now() + deadlineMs;
      for (let attempt = 1; ; attempt++) {
        attemptSignal = AbortSignal.timeout(Math.max(1, Math.round(Math.min(attemptTimeoutMs, deadline - Date.now()))));
        try {
          return await calls(api);
        } catch (err) {
          if (!isRetryable(err)) throw new StartupError(refusal(apiRoot, err));
          // A fetch error's message may contain the request URL, and with it the token.
          const reason = (err instanceof HttpError ? networkReason(err) : oneLine(err)).replaceAll(options.token, "***");
          const retryAfterMs = err instanceof GrammyError ? (err.parameters.retry_after ?? 0) * 1000 : 0;
          const left = deadline - Date.now();
          if (left < MIN_ATTEMPT_MS || retryAfterMs > left) {
            const seconds = Math.round(deadlineMs / 1000);
            throw new TelegramUnreachableError(
              `Cannot reach the Bot API at ${apiRoot} within ${seconds} s (${what}: ${reason}): ` +
                "check the network, a firewall or proxy, or TELEGRAM_API_ROOT",
            );
          }
          logger.warn(
            { call: what, attempt, reason, seconds_left: Math.round(left / 1000) },
            `Bot API at ${apiRoot} not reachable yet; retrying`,
          );
          // The last attempt still gets MIN_ATTEMPT_MS, so the whole deadline is used.
          const wait = Math.min(Math.max(retryDelayMs, retryAfterMs), left - MIN_ATTEMPT_MS);
          await new Promise((resolve) => setTimeout(resolve, wait));
        } finally {
          attemptSignal = undefined;
        }
      }
    },
  };
}
