// Telegram's flood limits, enforced by the fake when asked: a bot that sends faster than Telegram
// allows gets the same 429 "Too Many Requests: retry after X" answer, with parameters.retry_after.
import { TelegramApiError } from "./errors.js";

/** Limits on calls that put messages into a chat, over sliding windows on the fake's clock. */
export interface RateLimits {
  /** Messages per second over all chats (an album counts each of its messages). Default 30. */
  perSecond?: number;
  /** Sending calls per second into one chat (an album is one call). Default 1. */
  perChatPerSecond?: number;
  /** Sending calls per minute into one group or channel (negative chat id). Default 20. */
  perGroupPerMinute?: number;
}

/** Methods Telegram's flood limits count: those that put messages into a chat. */
export const SENDING_METHOD = /^(send(?!ChatAction$)[a-z]+|copymessages?|forwardmessages?)$/i;

/** How many messages one call puts into its chat. */
export function messagesOfCall(method: string, params: Record<string, unknown>): number {
  const m = method.toLowerCase();
  const raw = m === "sendmediagroup" ? params.media : m === "copymessages" || m === "forwardmessages" ? params.message_ids : undefined;
  let list: unknown = raw;
  if (typeof raw === "string") {
    try {
      list = JSON.parse(raw);
    } catch {
      list = undefined;
    }
  }
  return Array.isArray(list) && list.length > 0 ? list.length : 1;
}

/** Arrival times inside a sliding window, each with a weight (messages). */
class Window {
  private readonly times: number[] = [];
  private readonly weights: number[] = [];
  private head = 0;
  private sum = 0;

  constructor(readonly spanMs: number) {}

  private prune(now: number): void {
    while (this.head < this.times.length && this.times[this.head]! <= now - this.spanMs) {
      this.sum -= this.weights[this.head]!;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times.splice(0, this.head);
      this.weights.splice(0, this.head);
      this.head = 0;
    }
  }

  /** Ms until `weight` more fit under `limit` (0: they fit now). */
  waitFor(now: number, weight: number, limit: number): number {
    this.prune(now);
    let excess = this.sum + weight - limit;
    if (excess <= 0) return 0;
    // The oldest entries leave first: wait until enough of them have left the window.
    for (let i = this.head; i < this.times.length; i++) {
      excess -= this.weights[i]!;
      if (excess <= 0) return this.times[i]! + this.spanMs - now;
    }
    // More than the limit at once can never fit; Telegram still answers with a short wait.
    return this.spanMs;
  }

  add(now: number, weight: number): void {
    this.times.push(now);
    this.weights.push(weight);
    this.sum += weight;
  }

  /** Nothing left in the window at `now`. */
  quiet(now: number): boolean {
    this.prune(now);
    return this.head >= this.times.length;
  }
}

/**
 * Telegram's limits on sending, checked per call before it runs: a call over any limit is refused
 * with 429 and retry_after = the whole seconds until it would fit (at least 1); an accepted call
 * counts, a refused one does not.
 */
export class FloodLimiter {
  private readonly perSecond: number;
  private readonly perChatPerSecond: number;
  private readonly perGroupPerMinute: number;
  private readonly all = new Window(1000);
  private readonly chats = new Map<number, Window>();
  private readonly groups = new Map<number, Window>();
  /** 429s answered so far. */
  refused = 0;
  /** Which limit each 429 was for (a call over two limits counts under both). */
  readonly refusedBy = { all: 0, chat: 0, group: 0 };

  constructor(limits: RateLimits = {}) {
    this.perSecond = limits.perSecond ?? 30;
    this.perChatPerSecond = limits.perChatPerSecond ?? 1;
    this.perGroupPerMinute = limits.perGroupPerMinute ?? 20;
  }

  /** The 429 for this call if it is over a limit; otherwise counts it and returns undefined. */
  take(method: string, chatId: number | undefined, params: Record<string, unknown>, now: number): TelegramApiError | undefined {
    if (!SENDING_METHOD.test(method)) return undefined;
    const messages = messagesOfCall(method, params);
    const chat = chatId !== undefined ? windowOf(this.chats, chatId, 1000) : undefined;
    const group = chatId !== undefined && chatId < 0 ? windowOf(this.groups, chatId, 60_000) : undefined;
    const waits = {
      all: this.all.waitFor(now, messages, this.perSecond),
      chat: chat?.waitFor(now, 1, this.perChatPerSecond) ?? 0,
      group: group?.waitFor(now, 1, this.perGroupPerMinute) ?? 0,
    };
    const wait = Math.max(waits.all, waits.chat, waits.group);
    if (wait > 0) {
      this.refused++;
      for (const limit of ["all", "chat", "group"] as const) if (waits[limit] > 0) this.refusedBy[limit]++;
      const retryAfter = Math.max(1, Math.ceil(wait / 1000));
      return new TelegramApiError(429, `Too Many Requests: retry after ${retryAfter}`, retryAfter);
    }
    this.all.add(now, messages);
    chat?.add(now, 1);
    group?.add(now, 1);
    // Chats quiet for a while are forgotten, so a long run keeps no window per chat ever seen.
    if (this.chats.size > 10_000) for (const [id, w] of this.chats) if (w.quiet(now)) this.chats.delete(id);
    if (this.groups.size > 1_000) for (const [id, w] of this.groups) if (w.quiet(now)) this.groups.delete(id);
    return undefined;
  }
}

function windowOf(map: Map<number, Window>, id: number, spanMs: number): Window {
  let w = map.get(id);
  if (w === undefined) {
    w = new Window(spanMs);
    map.set(id, w);
  }
  return w;
}
