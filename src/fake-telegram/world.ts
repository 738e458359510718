import { randomInt } from "node:crypto";
import type { Chat, InlineQueryResult, InlineQueryResultsButton, User, UserFromGetMe } from "grammy/types";
import { TelegramApiError } from "./errors.js";
import { FileStore } from "./files.js";
import type { FloodLimiter } from "./limits.js";
import { ChatState, snapshot, type FakeMessage, type StoredMessage } from "./state.js";
import { UpdateQueue, type UpdatePayload, type UpdateType, type WebhookReplyHandler } from "./updates.js";

/** What the bot answered to a button press (answerCallbackQuery). */
export interface CallbackAnswer {
  text?: string;
  showAlert: boolean;
  url?: string;
  cacheTime?: number;
}

/** What the bot answered to an inline query (answerInlineQuery). */
export interface InlineQueryAnswer {
  results: InlineQueryResult[];
  cacheTime?: number;
  isPersonal: boolean;
  nextOffset?: string;
  button?: InlineQueryResultsButton;
}

/** Everything that happens in chats, for observers such as a browser playground. */
export type FakeEvent =
  | { type: "message"; chatId: number; message: FakeMessage }
  | { type: "edit"; chatId: number; message: FakeMessage }
  | { type: "delete"; chatId: number; messageId: number }
  | { type: "chat_action"; chatId: number; action: string }
  | { type: "callback_answer"; chatId: number; messageId: number; answer: CallbackAnswer };

/** One Bot API request as the fake received it. */
export interface ApiCall {
  method: string;
  params: Record<string, unknown>;
  /** Milliseconds since the epoch when the request arrived. */
  at: number;
  ok: boolean;
  errorCode?: number;
  /** The chat_id parameter as a number, when there is one. */
  chatId?: number;
}

export interface FailureSpec {
  errorCode: number;
  description?: string;
  retryAfter?: number;
  /** How many calls fail; 1 by default. */
  times?: number;
  /** Only calls aimed at this chat fail. */
  chatId?: number;
}

/** A 429 storm: for a while, every `every`-th message-sending call fails with Too Many Requests. */
export interface StormSpec {
  /** Every how many-th call fails (2: every second call). */
  every: number;
  /** The retry_after the 429s carry, in seconds. */
  retryAfter: number;
  /** How long the storm lasts from now. */
  durationMs: number;
  /** Only calls aimed at these chats count and fail (default: every chat). */
  chatIds?: number[];
}

/** Methods a storm hits: those that put messages into a chat (as Telegram's flood limits do). */
const STORM_METHOD = /^(send(?!ChatAction$)[a-z]+|copymessages?|forwardmessages?)$/i;

interface PendingQuery<T> {
  chatId: number;
  messageId: number;
  answered: boolean;
  resolve: (answer: T) => void;
}

/** The state of the fake Telegram: one bot, its chats, files and pending updates. */
export class TelegramWorld {
  readonly files = new FileStore();
  readonly chats = new Map<number, ChatState>();
  readonly users = new Map<number, User>();
  readonly updates: UpdateQueue;
  readonly callbackQueries = new Map<string, PendingQuery<CallbackAnswer>>();
  readonly inlineQueries = new Map<string, PendingQuery<InlineQueryAnswer>>();
  /** Bot settings set through setMyCommands, setMyDescription, ...: key -> value. */
  readonly settings = new Map<string, unknown>();
  readonly callLog: ApiCall[] = [];
  /** Telegram's flood limits, when switched on (FakeTelegram.enforceRateLimits). */
  limiter: FloodLimiter | undefined;
  private readonly failures: (FailureSpec & { method: string; remaining: number })[] = [];
  private readonly storms: (StormSpec & { until: number; seen: number })[] = [];
  private readonly listeners = new Set<(event: FakeEvent) => void>();
  private queryCounter = 0;
  private mediaGroupCounter = 0;

  constructor(
    readonly token: string,
    readonly botInfo: UserFromGetMe,
    onWebhookReply: WebhookReplyHandler,
  ) {
    this.updates = new UpdateQueue(onWebhookReply);
  }

  /** The bot as the `from` of its messages. */
  get botUser(): User {
    return { id: this.botInfo.id, is_bot: true, first_name: this.botInfo.first_name, username: this.botInfo.username };
  }

  now(): number {
    return Math.floor(Date.now() / 1000);
  }

  addChat(chat: Chat): ChatState {
    if (this.chats.has(chat.id)) throw new Error(`A chat with id ${chat.id} already exists in the fake Telegram`);
    const state = new ChatState(chat);
    this.chats.set(chat.id, state);
    return state;
  }

  chatByUsername(username: string): number | undefined {
    for (const chat of this.chats.values()) if ("username" in chat.chat && chat.chat.username === username) return chat.id;
    return undefined;
  }

  /** Queues an update; payloads are built from Bot API objects, so they are typed loosely here. */
  pushUpdate(payload: Partial<Record<UpdateType, unknown>>): void {
    this.updates.push(payload as UpdatePayload);
  }

  subscribe(listener: (event: FakeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: FakeEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  emitMessage(type: "message" | "edit", chat: ChatState, message: StoredMessage): void {
    if (this.listeners.size > 0) this.emit({ type, chatId: chat.id, message: snapshot(message, chat) });
  }

  newQueryId(): string {
    // Telegram's query ids are long decimal strings.
    this.queryCounter++;
    return `${randomInt(1_000_000, 9_999_999)}${String(this.queryCounter).padStart(8, "0")}`;
  }

  newMediaGroupId(): string {
    this.mediaGroupCounter++;
    return `${13_000_000_000_000_000 + this.mediaGroupCounter * 1_000}`;
  }

  addFailure(method: string, spec: FailureSpec): void {
    this.failures.push({ ...spec, method: method.toLowerCase(), remaining: spec.times ?? 1 });
  }

  addStorm(spec: StormSpec): void {
    if (!Number.isInteger(spec.every) || spec.every < 1) throw new Error("a storm needs every >= 1");
    this.storms.push({ ...spec, until: Date.now() + spec.durationMs, seen: 0 });
  }

  private takeStorm(method: string, chatId: number | undefined): TelegramApiError | undefined {
    const now = Date.now();
    for (const storm of this.storms) {
      if (!stormHits(storm, method, chatId, now)) continue;
      storm.seen++;
      if (storm.seen % storm.every === 0) {
        return new TelegramApiError(429, defaultFailureDescription(429, storm.retryAfter), storm.retryAfter);
      }
    }
    return undefined;
  }

  /** The injected failure this call should get, if any (and counts it down). */
  takeFailure(method: string, chatId: number | undefined): TelegramApiError | undefined {
    const index = this.failures.findIndex(
      (f) => f.method === method.toLowerCase() && (f.chatId === undefined || f.chatId === chatId),
    );
    const failure = this.failures[index];
    if (failure === undefined) return this.takeStorm(method, chatId);
    failure.remaining--;
    if (failure.remaining <= 0) this.failures.splice(index, 1);
    return new TelegramApiError(
      failure.errorCode,
      failure.description ?? defaultFailureDescription(failure.errorCode, failure.retryAfter),
      failure.retryAfter,
    );
  }
}

function stormHits(storm: StormSpec & { until: number }, method: string, chatId: number | undefined, now: number): boolean {
  if (now >= storm.until || !STORM_METHOD.test(method)) return false;
  return storm.chatIds === undefined || (chatId !== undefined && storm.chatIds.includes(chatId));
}

function defaultFailureDescription(errorCode: number, retryAfter: number | undefined): string {
  switch (errorCode) {
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden: bot was blocked by the user";
    case 429:
      return `Too Many Requests: retry after ${retryAfter ?? 1}`;
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    default:
      return `Error ${errorCode}`;
  }
}
