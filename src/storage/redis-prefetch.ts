import { RedisAdapter } from "@grammyjs/storage-redis";
import type { Redis } from "ioredis";

/**
 * Reads of one update started together. The bot reads three values for nearly every update (the
 * chat's session, its conversations, the writer's cached row), one after another as its middleware
 * gets to them: three round trips. Started together at the top of the update they share one
 * pipelined round trip (the bot's connection pipelines automatically); each reader then takes its
 * value instead of asking Redis. A value is taken once, by the update that started it, while that
 * update holds its chat's turn; what no reader took is dropped when the update ends.
 */
export class RedisPrefetch {
  private readonly pending = new Map<string, Promise<string | null>>();

  constructor(private readonly redis: Redis) {}

  /** Starts GETs of these keys (a failed one is asked again by its reader). */
  start(keys: readonly string[]): void {
    for (const key of keys) {
      if (this.pending.has(key)) continue;
      const value = this.redis.get(key);
      value.catch(() => undefined);
      this.pending.set(key, value);
    }
  }

  /** The started read of `key`, taken once; otherwise a read now. */
  async get(key: string): Promise<string | null> {
    const started = this.pending.get(key);
    if (started === undefined) return this.redis.get(key);
    this.pending.delete(key);
    return started.catch(() => this.redis.get(key));
  }

  /** The update is over: reads nobody took are dropped. */
  forget(keys: readonly string[]): void {
    for (const key of keys) this.pending.delete(key);
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
