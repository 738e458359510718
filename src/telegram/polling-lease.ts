// One polling bot per token. Telegram answers a second getUpdates caller by ending the first one's
// request with 409 Conflict, so two polling processes knock each other out in turns, forever.
// The polling process holds a lease in Redis and renews it; a second one sees the lease being
// renewed and stops at start with one clear line. A lease left by a killed process is not renewed
// and runs out within LEASE_MS, so a restart after a crash waits for it instead of failing.
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import type { Logger } from "../logger.js";
import { StartupError } from "../telegram-startup.js";

export const LEASE_MS = 15_000;

const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return 2 end
return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export interface PollingLease {
  /** Gives the lease back (on a clean stop), so the next start does not wait for it to run out. */
  release(): Promise<void>;
}

export interface PollingLeaseOptions {
  redis: Redis;
  prefix: string;
  botId: string;
  logger: Logger;
  /** Another process took the lease over while this one was polling. */
  onLost: (holder: string) => void;
  leaseMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function pollingLeaseKey(prefix: string, botId: string): string {
  return `${prefix}:polling:bot${botId}`;
}

/** Takes the lease or throws StartupError when another live process polls as this bot. */
export async function acquirePollingLease(options: PollingLeaseOptions): Promise<PollingLease> {
  const { redis, logger, onLost } = options;
  const leaseMs = options.leaseMs ?? LEASE_MS;
  const key = pollingLeaseKey(options.prefix, options.botId);
  const me = `host ${hostname()} pid ${process.pid} ${randomBytes(4).toString("hex")}`;
  let lastTtl = Number.POSITIVE_INFINITY;
  let announced = false;
  for (;;) {
    if ((await redis.set(key, me, "PX", leaseMs, "NX")) === "OK") break;
    const [holder, ttl] = await Promise.all([redis.get(key), redis.pttl(key)]);
    // The holder renewed its lease while we watched: it is alive and polling.
    if (ttl > lastTtl + 100) {
      throw new StartupError(
        `Another bot process (${holder ?? "unknown"}) is already polling Telegram as this bot: polling allows one. ` +
          "Stop it first, or run several bot processes with BOT_MODE=webhook (see README, Several processes)",
      );
    }
    if (!announced) logger.warn({ holder }, "waiting for the polling lease of a bot process that stopped without giving it back");
    announced = true;
    lastTtl = ttl;
    await sleep(Math.min(1000, leaseMs / 5));
  }

  const renewal = setInterval(() => {
    redis
      .eval(RENEW, 1, key, me, leaseMs)
      .then(async (result) => {
        if (Number(result) !== 0) return;
        clearInterval(renewal);
        onLost((await redis.get(key).catch(() => null)) ?? "unknown");
      })
      // Redis is down for a moment: polling goes on; the lease is re-taken when Redis is back.
      .catch((err: unknown) => logger.warn({ err }, "could not renew the polling lease"));
  }, leaseMs / 3);
  renewal.unref();

  return {
    async release() {
      clearInterval(renewal);
      await redis.eval(RELEASE, 1, key, me).catch((err: unknown) => logger.warn({ err }, "could not give the polling lease back"));
    },
  };
}

/** Telegram's 409 for a second getUpdates caller ("terminated by other getUpdates request"). */
export function isPollingConflict(err: unknown): boolean {
  return typeof err === "object" && err !== null && "error_code" in err && err.error_code === 409;
}
