import type { CounterKey } from "../../generated/prisma/client.js";
import type { Db } from "../client.js";

export type { CounterKey };

export interface Stats {
  lettersWritten: number;
  lettersPosted: number;
  repliesReceived: number;
  /** People who can receive letters and have none yet. */
  waitingForFirstLetter: number;
}

/**
 * Adds `by` to a counter. Call it inside the transaction that records the event, so the counter
 * and the event commit or roll back together; the single-statement upsert is safe under concurrency.
 */
export async function incrementCounter(db: Db, key: CounterKey, by = 1): Promise<void> {
  await db.$executeRaw`
    INSERT INTO counters (key, value) VALUES (${key}::"CounterKey", ${by})
    ON CONFLICT (key) DO UPDATE SET value = counters.value + EXCLUDED.value`;
}

/** Counters are read from the counters table; "waiting" is an index-only count over prisoners. */
export async function getStats(db: Db): Promise<Stats> {
  const [counters, waitingForFirstLetter] = await Promise.all([
    db.counter.findMany(),
    db.prisoner.count({ where: { canReceiveLetters: true, lettersCount: 0 } }),
  ]);
  const value = (key: CounterKey) => counters.find((c) => c.key === key)?.value ?? 0;
  return {
    lettersWritten: value("letters_written"),
    lettersPosted: value("letters_posted"),
    repliesReceived: value("replies_received"),
    waitingForFirstLetter,
  };
}
