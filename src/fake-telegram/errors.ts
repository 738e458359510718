/** An error the fake answers with exactly like the Bot API does: `{ ok: false, error_code, description }`. */
export class TelegramApiError extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly retryAfter?: number,
    /** Set on calls to a group Telegram upgraded to a supergroup. */
    readonly migrateToChatId?: number,
  ) {
    super(description);
    this.name = "TelegramApiError";
  }
}

export const badRequest = (what: string): TelegramApiError => new TelegramApiError(400, `Bad Request: ${what}`);
export const forbidden = (what: string): TelegramApiError => new TelegramApiError(403, `Forbidden: ${what}`);

