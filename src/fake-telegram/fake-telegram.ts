import { randomInt } from "node:crypto";
import type { Server } from "node:http";
import type { UserFromGetMe } from "grammy/types";
import type { BalancerOptions } from "./balancer.js";
import { FloodLimiter, type RateLimits } from "./limits.js";
import { Params } from "./params.js";
import { dispatch, listen } from "./server.js";
import { FakeGroup, FakeUser, Waits, type FakeUserOptions } from "./simulated.js";
import { snapshot, type FakeMessage, type MemberStatus } from "./state.js";
import { TelegramWorld, type ApiCall, type FailureSpec, type FakeEvent, type StormSpec } from "./world.js";

export interface FakeTelegramOptions {
  /** The bot token the fake accepts; other tokens get 401 Unauthorized. */
  token?: string;
  botUsername?: string;
  botFirstName?: string;
  /** A fixed port (e.g. for the playground); a random free port by default. */
  port?: number;
  /**
   * Enforce Telegram's flood limits from the start (off by default): `true` for Telegram's own
   * (30 messages/s overall, 1/s per chat, 20/min per group), or other figures. See enforceRateLimits.
   */
  rateLimits?: boolean | RateLimits;
}

export interface FakeGroupOptions {
  /** A supergroup id (-100...) by default. */
  id?: number;
  title?: string;
  type?: "group" | "supergroup";
  /** The bot's status in the group; "left" makes a group the bot must be added to (setBotStatus). */
  botStatus?: MemberStatus;
}

/** A file as stored by the fake, for tests and the playground to read. */
export interface FakeFile {
  fileId: string;
  fileUniqueId: string;
  filePath: string;
  mimeType: string;
  fileName?: string;
  bytes: Buffer;
}

/**
 * A local stand-in for the Telegram Bot API over real HTTP. Point grammY's `client.apiRoot` (or
 * TELEGRAM_API_ROOT) at `apiRoot`, then act as users and read what the bot sent.
 */
export class FakeTelegram {
  private readonly waits = new Waits();
  private nextUserId = 700_000_001;
  // Chats are unique across Telegram, and tests keep ids from many fakes in one database: each fake
  // numbers its groups from a random start, as two real operators' groups never share an id.
  private nextGroupId = randomInt(1, 100_000_000);
  private closed = false;

  private constructor(
    private readonly world: TelegramWorld,
    private readonly server: Server,
    /** e.g. http://127.0.0.1:41234 — no trailing slash, like https://api.telegram.org. */
    readonly apiRoot: string,
  ) {}

  static async start(opts: FakeTelegramOptions = {}): Promise<FakeTelegram> {
    const username = opts.botUsername ?? "lifeline_test_bot";
    const botId = 6_000_000_001;
    const token = opts.token ?? `${botId}:AAFakeTelegramTestTokenForLocalUse00`;
    const botInfo: UserFromGetMe = {
      id: botId,
      is_bot: true,
      first_name: opts.botFirstName ?? "Lifeline",
      username,
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
    };
    // A webhook may answer with a method call in its response body; Telegram runs it.
    const world: TelegramWorld = new TelegramWorld(token, botInfo, async (method, params) => {
      await dispatch(world, method, new Params(params), () => undefined);
    });
    const { server, port } = await listen(world, opts.port ?? 0);
    const fake = new FakeTelegram(world, server, `http://127.0.0.1:${port}`);
    if (opts.rateLimits) fake.enforceRateLimits(opts.rateLimits === true ? {} : opts.rateLimits);
    return fake;
  }

  /**
   * From now on, calls that put messages into chats are held to Telegram's flood limits over sliding
   * windows on the fake's clock: at most `perSecond` messages a second overall (30), `perChatPerSecond`
   * calls a second into one chat (1) and `perGroupPerMinute` a minute into one group (20). A call over
   * a limit is refused with 429 "Too Many Requests: retry after X" and parameters.retry_after = X, the
   * whole seconds until it would fit (at least 1); refused calls do not count. `false` switches it off.
   */
  enforceRateLimits(limits: RateLimits | false = {}): void {
    this.world.limiter = limits === false ? undefined : new FloodLimiter(limits);
  }

  /** How many calls the flood limits refused with 429 since they were switched on. */
  get rateLimited(): number {
    return this.world.limiter?.refused ?? 0;
  }

  /** The same 429s by the limit they were for: overall, one chat's second, one group's minute. */
  get rateLimitedBy(): { all: number; chat: number; group: number } {
    return { ...(this.world.limiter?.refusedBy ?? { all: 0, chat: 0, group: 0 }) };
  }

  get token(): string {
    return this.world.token;
  }

  /** Preset this in grammY (`new Bot(token, { botInfo, client: { apiRoot } })`) so getMe is skipped. */
  get botInfo(): UserFromGetMe {
    return this.world.botInfo;
  }

  /** A user with a private chat with the bot. The chat id equals the user id, as in Telegram. */
  user(opts: FakeUserOptions = {}): FakeUser {
    const id = opts.id ?? this.nextUserId++;
    if (this.world.users.has(id)) throw new Error(`A user with id ${id} already exists in the fake Telegram`);
    const info = {
      id,
      is_bot: false,
      first_name: opts.firstName ?? `User${id}`,
      ...(opts.lastName !== undefined ? { last_name: opts.lastName } : {}),
      ...(opts.username !== undefined ? { username: opts.username } : {}),
      ...(opts.languageCode !== undefined ? { language_code: opts.languageCode } : {}),
    };
    this.world.users.set(id, info);
    const state = this.world.addChat({
      id,
      type: "private",
      first_name: info.first_name,
      ...(info.last_name !== undefined ? { last_name: info.last_name } : {}),
      ...(info.username !== undefined ? { username: info.username } : {}),
    });
    return new FakeUser(this.world, state, this.waits, info);
  }

  /** A group chat with the bot in it as an administrator (or with `botStatus`). */
  group(opts: FakeGroupOptions = {}): FakeGroup {
    const type = opts.type ?? "supergroup";
    const n = this.nextGroupId++;
    const id = opts.id ?? (type === "supergroup" ? -1_001_000_000_000 - n : -400_000_000 - n);
    const title = opts.title ?? `Group ${n}`;
    const state = this.world.addChat(type === "supergroup" ? { id, type, title } : { id, type, title });
    state.members.set(this.world.botInfo.id, { user: this.world.botUser, status: opts.botStatus ?? "administrator" });
    return new FakeGroup(this.world, state, this.waits);
  }

  /**
   * The next `times` (default 1) calls of `method` (optionally only those aimed at `chatId`) fail
   * with this error; a 429 carries `parameters.retry_after` when `retryAfter` is given.
   */
  failNext(method: string, spec: FailureSpec): void {
    this.world.addFailure(method, spec);
  }

  /**
   * A 429 storm: from now for `durationMs`, every `every`-th call that puts a message into a chat
   * (optionally only into `chatIds`) fails with Too Many Requests and `retry_after`.
   */
  storm(spec: StormSpec): void {
    this.world.addStorm(spec);
  }

  /** Every Bot API call received so far, in order (optionally only one method). */
  calls(method?: string): ApiCall[] {
    const all = this.world.callLog.map((c) => ({ ...c, params: { ...c.params } }));
    return method === undefined ? all : all.filter((c) => c.method.toLowerCase() === method.toLowerCase());
  }

  /** A stored file by file_id (any size of a photo, a document, ...). */
  file(fileId: string): FakeFile | undefined {
    const f = this.world.files.get(fileId);
    if (f === undefined) return undefined;
    return {
      fileId: f.fileId,
      fileUniqueId: f.fileUniqueId,
      filePath: f.filePath,
      mimeType: f.mimeType,
      bytes: f.bytes,
      ...(f.fileName !== undefined ? { fileName: f.fileName } : {}),
    };
  }

  /** What the bot sent to any chat by id, like `user.messages()`, for checks across chats. */
  messagesIn(chatId: number): FakeMessage[] {
    const chat = this.world.chats.get(chatId);
    if (chat === undefined) throw new Error(`No chat ${chatId} in the fake Telegram`);
    return chat
      .list()
      .filter((m) => m.sender === "bot")
      .map((m) => snapshot(m, chat));
  }

  /** Observes every message, edit, deletion, chat action and callback answer; returns an unsubscribe function. */
  subscribe(listener: (event: FakeEvent) => void): () => void {
    return this.world.subscribe(listener);
  }

  /**
   * Tests only: a load balancer in front of several webhook processes. Once a webhook is set (its
   * secret token and max_connections apply), each update goes to one of `urls` round-robin,
   * concurrently, and a failed POST is retried; `duplicate` posts every update to two of them.
   * An empty list goes back to posting to the webhook's own URL.
   */
  setWebhookTargets(urls: string[], options: BalancerOptions = {}): void {
    this.world.updates.setTargets(urls, options);
  }

  /**
   * Tests only: every update reaches the bot twice, as when Telegram does not get (or loses) the
   * bot's confirmation. Polling: the updates of each getUpdates answer come again at the start of
   * the next answer. Webhook: each update is posted twice in a row (behind setWebhookTargets, use
   * its `duplicate` option to post to two processes at once).
   */
  deliverTwice(on = true): void {
    this.world.updates.deliverTwice(on);
  }

  /** How many times an update reached the bot so far: each update in a getUpdates answer, each accepted webhook POST. */
  get updateDeliveries(): number {
    return this.world.updates.deliveries;
  }

  /** Updates the bot has not confirmed yet. */
  get pendingUpdateCount(): number {
    return this.world.updates.pendingCount;
  }

  /** Stops the server, ends long polls and webhook deliveries, and rejects pending waits. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.world.updates.close();
    this.waits.cancelAll(new Error("The fake Telegram was closed"));
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

export function startFakeTelegram(opts?: FakeTelegramOptions): Promise<FakeTelegram> {
  return FakeTelegram.start(opts);
}
