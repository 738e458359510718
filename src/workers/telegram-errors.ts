import { GrammyError } from "grammy";

/** Seconds Telegram asked us to wait (429), if this error is one. */
export function retryAfterSeconds(err: unknown): number | undefined {
  if (err instanceof GrammyError && err.error_code === 429) {
    const seconds = err.parameters.retry_after;
    return typeof seconds === "number" && seconds > 0 ? seconds : 1;
  }
  return undefined;
}

/** The user blocked the bot, deleted their account, or the chat is gone: retrying cannot help. */
export function isUndeliverable(err: unknown): boolean {
  if (!(err instanceof GrammyError)) return false;
  if (err.error_code === 403) return true;
  return err.error_code === 400 && /chat not found|user not found|PEER_ID_INVALID/i.test(err.description);
}

const BASE_DELAY_MS = 1000;
const MAX_DELAY_MS = 10 * 60 * 1000;

/**
 * BullMQ backoff for jobs that talk to Telegram: exactly retry_after on 429 (plus a little
 * spread so a burst does not return at once), exponential otherwise.
 */
export function telegramBackoff(attemptsMade: number, _type?: string, err?: Error): number {
  const retryAfter = retryAfterSeconds(err);
  if (retryAfter !== undefined) return retryAfter * 1000 + Math.floor(Math.random() * 250);
  return Math.min(BASE_DELAY_MS * 2 ** Math.max(0, attemptsMade - 1), MAX_DELAY_MS);
}
