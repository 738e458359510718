import { randomBytes } from "node:crypto";
import type { Context, MiddlewareFn } from "grammy";
import type { Redis } from "ioredis";
import type { RedisPrefetch } from "../storage/redis-prefetch.js";
import { redisScript } from "../storage/redis-script.js";

/**
 * Per-chat order that holds across bot processes (several webhook processes behind one address).
 *
 * Keys (ids only, never text), under `${prefix}:order:`:
 * - `chat:<chatId>:pending` sorted set of the chat's update ids on their way (score = update_id);
 * - `chat:<chatId>:alive`   hash update id -> last heartbeat (Redis clock, ms) of the process holding it;
 * - `chat:<chatId>:since`   hash update id -> when it was first noted (for the settle window);
 * - `chat:<chatId>:lock`    the chat's lock: a random token, SET NX PX lease, renewed while a handler runs;
 * - `done:<updateId>`       set when an update's handling finished (TTL 24 h): a redelivery is skipped.
 *
 * An update registers the moment it arrives (before flood control), and runs when it is the lowest
 * pending id of its chat, has been known for `settleMs`, and holds the lock. An earlier id whose
 * process died (no heartbeat for `staleMs`) is given up, so a chat waits at most `staleMs` (plus one
 * poll) for a dead process, at most `leaseMs` if it died holding the lock (the lease expires).
 * Bound: with the defaults a dead process holds up its chats for at most 30 s. A redelivery of an
 * update whose handler died mid-way is not done, so it is handled again.
 */
export interface ChatOrderOptions {
  redis: Redis;
  redisPrefix: string;
  /** The lock's lease; renewed every third of it while the handler runs. Default 30 s. */
  leaseMs?: number;
  /** How long an earlier update may show no sign of life before it is given up. Default 10 s. */
  staleMs?: number;
  /**
   * How long an update that is the lowest pending one still waits after it arrived, so an earlier
   * update of the chat posted at the same moment to another process can register first. Default 30 ms.
   */
  settleMs?: number;
  /** How often a waiting update looks again. Default 10 ms. */
  pollMs?: number;
  /** How long the "done" marker of an update lives. Default 24 h. */
  doneTtlSeconds?: number;
  /**
   * Keys the update will read once it has its turn (its chat's session, ...): read by the same
   * script that gives the turn, so they cost no round trip of their own, and handed to `into`,
   * whose readers take them instead of asking Redis. Forgotten when the update is over.
   */
  readOnTurn?: { keys: (ctx: Context) => string[]; into: RedisPrefetch };
}

// KEYS: pending, alive, lock, done, since. ARGV: update id, token, lease ms, stale ms, keys' ttl ms,
// settle ms, "register" (only note the update) or "turn" (also try to take the lock). KEYS after
// the fifth: read when the lock is taken.
// Returns "done" (already handled), "go" (lock taken, lowest pending; with reads: {"go", values...})
// or "wait".
const TRY_ACQUIRE = redisScript(`
if redis.call('EXISTS', KEYS[4]) == 1 then return 'done' end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], now)
redis.call('HSETNX', KEYS[5], ARGV[1], now)
for i = 1, 2 do redis.call('PEXPIRE', KEYS[i], ARGV[5]) end
redis.call('PEXPIRE', KEYS[5], ARGV[5])
if ARGV[7] == 'register' then return 'wait' end
local lowest = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
if lowest ~= ARGV[1] then
  local seen = tonumber(redis.call('HGET', KEYS[2], lowest) or '0')
  if now - seen > tonumber(ARGV[4]) then
    redis.call('ZREM', KEYS[1], lowest)
    redis.call('HDEL', KEYS[2], lowest)
  end
  return 'wait'
end
if now - tonumber(redis.call('HGET', KEYS[5], ARGV[1])) < tonumber(ARGV[6]) then return 'wait' end
if not redis.call('SET', KEYS[3], ARGV[2], 'NX', 'PX', ARGV[3]) then return 'wait' end
if #KEYS == 5 then return 'go' end
local taken = {'go'}
for i = 6, #KEYS do taken[i - 4] = redis.call('GET', KEYS[i]) end
return taken
`);

// KEYS: alive, lock. ARGV: update id, token, lease ms.
const RENEW = redisScript(`
if redis.call('GET', KEYS[2]) ~= ARGV[2] then return 0 end
local t = redis.call('TIME')
redis.call('HSET', KEYS[1], ARGV[1], tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
return redis.call('PEXPIRE', KEYS[2], ARGV[3])
`);

// KEYS: pending, alive, lock, done, since. ARGV: update id, token, done ttl s ('0': not done).
const RELEASE = redisScript(`
if ARGV[3] ~= '0' then redis.call('SET', KEYS[4], '1', 'EX', ARGV[3]) end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[5], ARGV[1])
if redis.call('GET', KEYS[3]) == ARGV[2] then redis.call('DEL', KEYS[3]) end
return 1
`);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function chatOrderKeys(prefix: string, chatId: number, updateId: number): [string, string, string, string, string] {
  const chat = `${prefix}:order:chat:${chatId}`;
  return [`${chat}:pending`, `${chat}:alive`, `${chat}:lock`, `${prefix}:order:done:${updateId}`, `${chat}:since`];
}

interface Held {
  keys: ReturnType<typeof chatOrderKeys>;
  /** What readOnTurn reads when the turn is taken. */
  reads: string[];
  updateId: number;
  token: string;
  renewal?: NodeJS.Timeout;
}

/** Whose lock it is: this process's random mark and a count (random bytes per update cost more than the update's Redis calls). */
const processToken = randomBytes(9).toString("hex");
let heldCount = 0;

export interface ChatOrder<C extends Context> {
  /** First in the bot: notes the update as on its way at once, and releases it when all is over. */
  register: MiddlewareFn<C>;
  /** Waits for the update's turn (lowest pending id of its chat, the chat's lock), then runs the rest. */
  turn: MiddlewareFn<C>;
}

/** Updates without a chat (inline queries) pass straight through, as before. */
export function chatOrder<C extends Context>(options: ChatOrderOptions): ChatOrder<C> {
  const { redis, redisPrefix } = options;
  const leaseMs = options.leaseMs ?? 30_000;
  const staleMs = options.staleMs ?? 10_000;
  const settleMs = options.settleMs ?? 30;
  const pollMs = options.pollMs ?? 10;
  const doneTtl = options.doneTtlSeconds ?? 86_400;
  const keysTtlMs = Math.max(leaseMs, staleMs) * 10;
  const held = new WeakMap<Context, Held>();

  const into = options.readOnTurn?.into;
  /** One try: "done", "go" (the turn's reads handed to readOnTurn) or "wait". */
  const step = async (h: Held, phase: "register" | "turn"): Promise<"done" | "go" | "wait"> => {
    const keys = phase === "turn" && h.reads.length > 0 ? [...h.keys, ...h.reads] : h.keys;
    const answer = await TRY_ACQUIRE(redis, keys, [h.updateId, h.token, leaseMs, staleMs, keysTtlMs, settleMs, phase]);
    if (!Array.isArray(answer)) return answer as "done" | "go" | "wait";
    h.reads.forEach((key, i) => into?.provide(key, (answer[i + 1] as string | null | undefined) ?? null));
    return "go";
  };

  /** The lock is ours: keep it (and the update's heartbeat) alive while the handler runs. */
  const hold = (h: Held): void => {
    h.renewal = setInterval(() => {
      void RENEW(redis, [h.keys[1], h.keys[2]], [h.updateId, h.token, leaseMs]).catch(() => undefined);
    }, Math.max(1, Math.floor(Math.min(leaseMs, staleMs) / 3)));
  };

  const register: MiddlewareFn<C> = async (ctx, next) => {
    const chatId = ctx.chat?.id;
    if (chatId === undefined) return next();
    const updateId = ctx.update.update_id;
    const h: Held = {
      keys: chatOrderKeys(redisPrefix, chatId, updateId),
      reads: options.readOnTurn?.keys(ctx) ?? [],
      updateId,
      token: `${processToken}:${(heldCount += 1)}`,
    };
    // Without a settle window (polling) the first call may as well try for the turn: one round trip
    // less per update. With one, the update only registers now and waits in `turn`.
    const first = await step(h, settleMs === 0 ? "turn" : "register");
    if (first === "done") return;
    if (first === "go") hold(h);
    held.set(ctx, h);
    let finished = false;
    try {
      await next();
      finished = true;
    } finally {
      clearInterval(h.renewal);
      into?.forget(h.reads);
      // A handler that threw is not done: Telegram's redelivery (webhook answered 500) runs it again.
      await RELEASE(redis, h.keys, [updateId, h.token, finished ? doneTtl : 0]);
    }
  };

  const turn: MiddlewareFn<C> = async (ctx, next) => {
    const h = held.get(ctx);
    if (h === undefined) return next();
    while (h.renewal === undefined) {
      const state = await step(h, "turn");
      if (state === "done") return;
      if (state === "go") hold(h);
      else await sleep(pollMs);
    }
    await next();
  };

  return { register, turn };
}
