// The outgoing pace (src/workers/telegram-pace.ts) against the local Redis: what one check costs,
// and the rate 10 senders on two connections (two worker processes) actually get.
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { OutgoingPace } from "../src/workers/telegram-pace.js";
import { report } from "./_report.js";

const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `lifeline-bench-pace-${randomBytes(3).toString("hex")}`;
const connections = [new Redis(url), new Redis(url)];
// The check-cost loop counts 2,000 messages for bot 1; the rate is measured on bot 2's fresh pace.
const first = new OutgoingPace(connections[0]!, { prefix, botId: "1" });
const paces = connections.map((redis) => new OutgoingPace(redis, { prefix, botId: "2" }));

try {
  // Cost of one check: "record" never waits, so this is the Redis round trip and the script.
  const checks = 2000;
  let started = performance.now();
  for (let i = 0; i < checks; i++) await first.record(100_000 + i);
  const perCheckMs = (performance.now() - started) / checks;

  // 10 senders share 250 messages to 250 private chats, as fast as the pace lets them.
  const messages = 250;
  const sentAt: number[] = [];
  let next = 0;
  started = performance.now();
  await Promise.all(
    Array.from({ length: 10 }, async (_, sender) => {
      for (let i = next++; i < messages; i = next++) {
        await paces[sender % 2]!.acquire(200_000 + i);
        sentAt.push(performance.now());
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  sentAt.sort((a, b) => a - b);
  let busiest = 0;
  for (let i = 0, j = 0; i < sentAt.length; i++) {
    while (sentAt[j]! <= sentAt[i]! - 1000) j++;
    busiest = Math.max(busiest, i - j + 1);
  }
  const bench = "outgoing pace";
  report({ id: "pace.check", benchmark: bench, measure: "one check (Redis round trip + script)", value: perCheckMs * 1000, unit: "µs" });
  report({ id: "pace.rate", benchmark: bench, measure: `${messages} messages, 10 senders on 2 connections`, value: messages / seconds, unit: "msg/s" });
  // Telegram's limit is about 30 messages a second per bot: no second may see more.
  report({ id: "pace.busiest", benchmark: bench, measure: "busiest second", value: busiest, unit: "msgs", goal: { on: "value", op: "<=", target: 30 } });
  console.table([
    { measure: "one check (Redis round trip + script)", value: `${(perCheckMs * 1000).toFixed(0)} µs` },
    { measure: `${messages} messages, 10 senders on 2 connections`, value: `${seconds.toFixed(1)} s (${(messages / seconds).toFixed(1)}/s)` },
    { measure: "busiest second", value: busiest },
  ]);
} finally {
  const keys = await connections[0]!.keys(`${prefix}:*`);
  if (keys.length > 0) await connections[0]!.del(...keys);
  await Promise.all(connections.map((c) => c.quit()));
}
