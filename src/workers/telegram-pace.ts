import { randomBytes } from "node:crypto";
import type { Transformer } from "grammy";
import type { Redis } from "ioredis";
import { redisScript } from "../storage/redis-script.js";

/**
 * One pace: messages at least `intervalMs` apart on average, up to `burst` at once after a quiet
 * spell. In any window of T ms at most T / intervalMs + burst messages go out.
 */
export interface Pace {
  intervalMs: number;
  burst: number;
}

/**
 * Telegram allows about 30 messages/s per bot, 20/min into one group and about 1/s into one private
 * chat. We stay a little under each, evenly spaced rather than in bursts, so that network delays
 * that bunch messages up on the way still leave every second (minute) within Telegram's count:
 * 27.8/s overall leaves room for ~80 ms of bunching (bench/delivery.ts: at 40 ms a backlog of
 * replies could not go faster than 25/s; at 35 ms tests/e2e/outgoing-pace.test.ts already saw 30
 * in its busiest second, Telegram's very limit);
 * 2 at once then one per 3.4 s keeps a group under 20 in any minute even with a second of bunching.
 * Into one chat, messages go one after another, and the next one's turn is counted from Telegram's
 * answer to the previous one (see settle), so a slow upload cannot bunch two into one second.
 */
export const TELEGRAM_PACES = {
  bot: { intervalMs: 36, burst: 1 },
  group: { intervalMs: 3400, burst: 2 },
  privateChat: { intervalMs: 1000, burst: 1 },
} as const satisfies Record<string, Pace>;

/** The three buckets every send goes through. */
export interface Paces {
  bot: Pace;
  group: Pace;
  privateChat: Pace;
}

/**
 * A generic cell rate algorithm (GCRA) over several buckets at once, atomic in Redis: each bucket
 * keeps its "theoretical arrival time" (TAT). A send of `cost` messages may go when, in every
 * bucket, TAT + (cost - 1) * interval <= now + (burst - 1) * interval; it then moves each TAT to
 * max(TAT, now) + cost * interval. Counting an album's messages both before and after it keeps the
 * per-window bound for albums larger than the burst. Returns 0 when taken, else the ms to wait.
 * With ARGV[2] = "1" the send is recorded without waiting (the bot's own answers: see below).
 * Redis's clock is the one clock every process shares.
 *
 * An absent key counts as a bucket quiet long enough for any send.
 *
 * A claim on the next bot-wide turn: a send that had to wait for its chat's turn (the next page of
 * a reply, a card's second part) and now waits only for the bot-wide bucket claims that bucket's
 * next turn, and other sends wait until it has taken it (at most 20 ms past the turn if it does
 * not come). Without it, tens of senders wake for each turn and the next page of a reply drew lots
 * with all of them: three pages took three seconds instead of two, and a backlog's last replies
 * trailed behind. One claim at a time; recorded sends (force) ignore it.
 *
 * KEYS: buckets, then the claim. ARGV: cost, force, claimant, may claim, then interval and burst per
 * bucket. Returns {wait, the last bucket's own wait}: {0, 0} when taken.
 */
const TAKE_SCRIPT = redisScript(`
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local cost = tonumber(ARGV[1])
local force = ARGV[2] == '1'
local me = ARGV[3]
local may_claim = ARGV[4] == '1'
local n = #KEYS - 1
local claim_key = KEYS[#KEYS]
local wait = 0
local own_wait = 0
local tats = {}
for i = 1, n do
  local interval = tonumber(ARGV[3 + 2 * i])
  local burst = tonumber(ARGV[4 + 2 * i])
  -- No key: the bucket has been idle longer than any album needs (see the expiry below).
  local tat = tonumber(redis.call('GET', KEYS[i])) or (now - cost * interval)
  tats[i] = tat
  local ready = tat + (cost - 1) * interval - (burst - 1) * interval
  if ready - now > wait then wait = ready - now end
  if i == n and n > 1 then own_wait = ready - now end
end
if not force then
  local holder = redis.call('GET', claim_key)
  if holder and holder ~= me then
    local left = redis.call('PTTL', claim_key)
    if left > wait then wait = left end
  elseif not holder and may_claim and wait > 0 and own_wait <= 0 then
    redis.call('SET', claim_key, me, 'PX', math.floor(wait) + 20)
  end
  if wait > 0 then return {math.ceil(wait), math.ceil(own_wait)} end
  if holder == me then redis.call('DEL', claim_key) end
end
for i = 1, n do
  local interval = tonumber(ARGV[3 + 2 * i])
  local tat = math.max(tats[i], now) + cost * interval
  -- Kept long enough after its TAT that an absent key means a quiet spell even for the largest
  -- send (100 messages): with the key gone earlier an album would wait for a key that never comes.
  redis.call('SET', KEYS[i], string.format('%.0f', tat), 'PX', string.format('%.0f', tat - now + 100 * interval + 1000))
end
return {0, 0}
`);

/**
 * Telegram refused a send with 429 and retry_after: nothing more goes into that bucket until then.
 * Moves the bucket's TAT to at least now + hold + (burst - 1) * interval, so the next send waits
 * out the rest of retry_after whichever process makes it. KEYS: bucket. ARGV: hold ms, interval, burst.
 */
const HOLD_SCRIPT = redisScript(`
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local interval = tonumber(ARGV[2])
local until_tat = now + tonumber(ARGV[1]) + (tonumber(ARGV[3]) - 1) * interval
local tat = tonumber(redis.call('GET', KEYS[1])) or 0
if until_tat > tat then
  redis.call('SET', KEYS[1], string.format('%.0f', until_tat), 'PX', string.format('%.0f', until_tat - now + 100 * interval + 1000))
end
return 1
`);

/**
 * Telegram answered a send into this chat: the chat's next turn is counted from now, the latest
 * moment the message can have reached Telegram, not from when it set out. Moves the bucket's TAT
 * to at least now + (cost - burst + 1) * interval. KEYS: chat bucket. ARGV: cost, interval, burst.
 */
const SETTLE_SCRIPT = redisScript(`
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local interval = tonumber(ARGV[2])
local until_tat = now + (tonumber(ARGV[1]) - tonumber(ARGV[3]) + 1) * interval
local tat = tonumber(redis.call('GET', KEYS[1])) or 0
if until_tat > tat then
  redis.call('SET', KEYS[1], string.format('%.0f', until_tat), 'PX', string.format('%.0f', until_tat - now + 100 * interval + 1000))
end
return 1
`);

/** Bot API methods that put messages into a chat; edits, answers and reads are not paced. */
const PACED_METHOD = /^(send(?!ChatAction$)[A-Za-z]+|copyMessages?|forwardMessages?)$/;

/** How many messages one call puts into the chat (an album of 10 photos is 10 messages). */
function messageCount(method: string, payload: Record<string, unknown>): number {
  const list = method === "sendMediaGroup" ? payload.media : method === "copyMessages" || method === "forwardMessages" ? payload.message_ids : undefined;
  return Array.isArray(list) && list.length > 0 ? list.length : 1;
}

/** Numeric chat ids only; a "@channel" username is paced by the bot-wide bucket alone. */
function numericChatId(value: unknown): number | undefined {
  const n = typeof value === "number" ? value : typeof value === "string" && /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
  return Number.isSafeInteger(n) ? n : undefined;
}

/** The bot's numeric id, the part of its token before the colon (the token itself never goes into a key). */
export function botIdOf(token: string): string {
  const id = token.split(":")[0] ?? "";
  if (!/^\d+$/.test(id)) throw new Error("BOT_TOKEN does not start with the bot's numeric id");
  return id;
}

const MAX_SLEEP_MS = 1000;

/** grammY hands transformers Node's AbortSignal or the abort-controller package's lookalike. */
interface Signal {
  readonly aborted: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface OutgoingPaceOptions {
  /** REDIS_PREFIX: every process of one deployment shares the pace under it. */
  prefix: string;
  botId: string;
  paces?: Paces;
  /** Told when a recorded (not awaited) send could not be counted, e.g. Redis is down. */
  onRecordError?: (err: unknown) => void;
}

/**
 * One outgoing pace per bot token, shared through Redis by every process that sends as this bot:
 * the bot-wide bucket, one bucket per group and one per private chat.
 */
export class OutgoingPace {
  private readonly paces: Paces;
  private readonly keyPrefix: string;
  private stopped = false;

  constructor(
    private readonly redis: Redis,
    private readonly options: OutgoingPaceOptions,
  ) {
    this.paces = options.paces ?? TELEGRAM_PACES;
    this.keyPrefix = `${options.prefix}:pace:bot${options.botId}`;
  }

  private buckets(chatId: number | undefined): { keys: string[]; args: number[] } {
    const keys = [`${this.keyPrefix}:all`];
    const paces: Pace[] = [this.paces.bot];
    if (chatId !== undefined) {
      keys.push(`${this.keyPrefix}:chat:${chatId}`);
      // Groups and channels have negative ids in the Bot API.
      paces.push(chatId < 0 ? this.paces.group : this.paces.privateChat);
    }
    return { keys, args: paces.flatMap((p) => [p.intervalMs, p.burst]) };
  }

  /** ms to wait (0: taken), and how much of it is the chat's own turn; see TAKE_SCRIPT for the claim. */
  private async take(chatId: number | undefined, cost: number, force: boolean, claimant = "", mayClaim = false): Promise<{ wait: number; chatWait: number }> {
    const { keys, args } = this.buckets(chatId);
    const answer = (await TAKE_SCRIPT(this.redis, [...keys, `${this.keyPrefix}:claim`], [cost, force ? "1" : "0", claimant, mayClaim ? "1" : "0", ...args])) as unknown[];
    return { wait: Number(answer[0]), chatWait: Number(answer[1]) };
  }

  /** Waits until `cost` messages may go to this chat, then counts them. Never gives up: a wait, not an error. */
  async acquire(chatId: number | undefined, cost = 1, signal?: Signal): Promise<void> {
    const claimant = randomBytes(6).toString("hex");
    // Only a send that waited for its chat's turn claims the bot-wide one (see TAKE_SCRIPT).
    let waitedForChat = false;
    for (;;) {
      const { wait, chatWait } = await this.take(chatId, cost, false, claimant, waitedForChat);
      if (wait <= 0) return;
      if (chatWait > 0) waitedForChat = true;
      // A call given up on (grammY's timeout, shutdown) stops waiting within a second.
      if (signal?.aborted) throw new Error("the call was aborted while waiting for its turn");
      // The app is stopping: the job fails now and is retried later, so shutdown never waits on the pace.
      if (this.stopped) throw new Error("the app is stopping; the send waits for its turn after the restart");
      // Re-check at least every second: another process may have changed the picture.
      await sleep(Math.min(wait, MAX_SLEEP_MS));
    }
  }

  /**
   * Telegram answered 429 with retry_after: the chat's bucket (the bot-wide one for a send without
   * a numeric chat) takes nothing more until then, in every process.
   */
  async holdOff(chatId: number | undefined, retryAfterSeconds: number): Promise<void> {
    const { keys, args } = this.buckets(chatId);
    const index = keys.length - 1;
    await HOLD_SCRIPT(this.redis, [keys[index]!], [Math.ceil(retryAfterSeconds * 1000), args[2 * index]!, args[2 * index + 1]!]);
  }

  /**
   * Telegram accepted `cost` messages into this chat just now: the chat's next message waits its
   * interval from this moment (a message slow on its way must not end up within a second of the
   * next one). Nothing to do for a send without a numeric chat.
   */
  async settle(chatId: number | undefined, cost = 1): Promise<void> {
    if (chatId === undefined) return;
    const { keys, args } = this.buckets(chatId);
    await SETTLE_SCRIPT(this.redis, [keys[1]!], [cost, args[2]!, args[3]!]);
  }

  /** Sends still waiting for their turn give up within a second (called when the app stops). */
  stop(): void {
    this.stopped = true;
  }

  /** Counts messages already on their way, without waiting (they push queued sends back instead). */
  async record(chatId: number | undefined, cost = 1): Promise<void> {
    await this.take(chatId, cost, true);
  }

  /**
   * grammY API transformer. "wait": every message waits for its turn (workers: bulk sends).
   * "record": messages go at once and are only counted (the bot answering a person who just wrote:
   * never held back behind a broadcast, but the workers' bulk sends make room for it).
   */
  transformer(mode: "wait" | "record"): Transformer {
    return async (prev, method, payload, signal) => {
      if (!PACED_METHOD.test(method)) return prev(method, payload, signal);
      const fields = payload as Record<string, unknown>;
      const chatId = numericChatId(fields.chat_id);
      const cost = messageCount(method, fields);
      if (mode === "wait") {
        await this.acquire(chatId, cost, signal);
      } else {
        // Counting must not delay or break an answer: it runs alongside the call.
        this.record(chatId, cost).catch((err: unknown) => this.options.onRecordError?.(err));
      }
      const result = await prev(method, payload, signal);
      if (result.ok && mode === "wait") {
        // Counted from Telegram's answer: the chat's next message cannot arrive within its interval of this one.
        await this.settle(chatId, cost).catch((err: unknown) => this.options.onRecordError?.(err));
      }
      const retryAfter = result.ok ? undefined : result.error_code === 429 ? result.parameters?.retry_after : undefined;
      if (retryAfter !== undefined && retryAfter > 0) {
        // The other sends into this chat (other jobs, other processes) wait it out too, not only this one's retry.
        await this.holdOff(chatId, retryAfter).catch((err: unknown) => this.options.onRecordError?.(err));
      }
      return result;
    };
  }
}
