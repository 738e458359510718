import { autoRetry } from "@grammyjs/auto-retry";

/** Waits out 429s and retries 5xx/network errors of Bot API calls (bot and workers alike). */
export function retryTransformer() {
  return autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 60 });
}
