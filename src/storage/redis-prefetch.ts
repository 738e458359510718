import { RedisAdapter } from "@grammyjs/storage-redis";
import type { Redis } from "ioredis";

/**
 * Values an update will read, read ahead. The bot reads three values for nearly every update (the
 * chat's session, its conversations, the writer's cached row), one after another as its middleware
 * gets to them: three round trips. The script that gives the update its chat's turn reads them too
 * (src/bot/chat-order.ts) and provides them here, so they cost no round trip of their own; each
 * reader then takes its value instead of asking Redis. A value is taken once, by the update it was
 * read for, while that update holds its chat's turn; what no reader took is dropped when the update
 * ends, so a later update always reads afresh.
 */
export class RedisPrefetch {
  private readonly values = new Map<string, string | null>();

  constructor(private readonly redis: Redis) {}

  /** The value of `key` read with the update's turn, for its reader. */
  provide(key: string, value: string | null): void {
    this.values.set(key, value);
  }

  /** The provided value of `key`, taken once; otherwise a read now. */
  async get(key: string): Promise<string | null> {
    const value = this.values.get(key);
    if (value === undefined) return this.redis.get(key);
    this.values.delete(key);
    return value;
  }

  /** The update is over: values nobody took are dropped. */
  forget(keys: readonly string[]): void {
    for (const key of keys) this.values.delete(key);
  }
}

/** @grammyjs/storage-redis's adapter, reading through a RedisPrefetch (the same format: the value's JSON). */
export class PrefetchingRedisAdapter<T> extends RedisAdapter<T> {
  constructor(
    redis: Redis,
    private readonly reads: RedisPrefetch,
  ) {
    super({ instance: redis });
  }

  override async read(key: string): Promise<T | undefined> {
    const raw = await this.reads.get(key);
    return raw === null ? undefined : (JSON.parse(raw) as T);
  }
}
