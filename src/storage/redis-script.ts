import { createHash } from "node:crypto";
import type { Redis } from "ioredis";

/** A Lua script run by its SHA (EVALSHA): its text crosses the wire once per Redis server, not on every call. */
export type RedisScript = (redis: Redis, keys: readonly string[], args: readonly (string | number)[]) => Promise<unknown>;

/**
 * Wraps a Lua script for EVALSHA. A Redis that does not know the script yet (first call, or a
 * restarted or flushed server) answers NOSCRIPT: the script is then sent once with EVAL, which also
 * caches it there for the calls that follow.
 */
export function redisScript(lua: string): RedisScript {
  const sha = createHash("sha1").update(lua).digest("hex");
  return async (redis, keys, args) => {
    try {
      return await redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith("NOSCRIPT")) throw err;
      return redis.eval(lua, keys.length, ...keys, ...args);
    }
  };
}
