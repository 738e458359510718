// Reply delivery under Telegram's limits: 200 writers get a one-page reply and 40 more a three-page
// one, all queued at once (a backlog after an outage), and the real reply-delivery worker sends them
// through the outgoing pace to a fake Bot API that enforces Telegram's flood limits (30 messages/s
// overall, 1/s per chat: 429 with retry_after beyond them). Measured on the fake's clock: pages
// delivered per second from the first to the last, against Telegram's bulk limit; pages lost and
// pages delivered twice, from the fake's log. A scratch database and Redis prefix, removed at the end.
// No operators' group is set: with one, each delivery first answers there, 20 a minute into a group,
// and a backlog then goes at about one reply in 3.4 s whatever the pace (tried: 14 of 40 in 45 s).
// Writers read Russian, so no "translation follows" note joins the pages. Takes about 30 s
// (migrations and fixture ~10 s, delivery ~14 s, 2 s watching for late copies).
//
//   BENCH_DELIVERY_WORKERS=2   two worker apps (as two worker processes) instead of one
import { median, report } from "./_report.js";
import { createReplies, startDeliveryWorld, tally, type Tally } from "./_delivery.js";

const ONE_PAGE = 200;
const THREE_PAGES = 40;
const TELEGRAM_BULK_LIMIT = 30;
const TIMEOUT_MS = 90_000;
const workers = Math.max(1, Number(process.env.BENCH_DELIVERY_WORKERS ?? 1) || 1);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const world = await startDeliveryWorld(workers);
  try {
    let t0 = performance.now();
    // Interleaved, as a backlog would hold them.
    const pageCounts = Array.from({ length: ONE_PAGE + THREE_PAGES }, (_, i) => (i % 6 === 5 && i / 6 < THREE_PAGES ? 3 : 1));
    const replies = await createReplies(world, pageCounts);
    const pages = replies.reduce((n, r) => n + r.pages, 0);
    console.log(`fixture: ${replies.length} replies, ${pages} pages in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${workers} worker app(s)`);

    const queues = world.apps[0]!.queues;
    const since = Date.now();
    const cpu0 = process.cpuUsage();
    t0 = performance.now();
    await Promise.all(replies.map((r) => queues.replyDelivery({ replyId: r.replyId })));
    let seen: Tally = tally(world.fake.calls(), replies, since);
    while (seen.arrived < pages && performance.now() - t0 < TIMEOUT_MS) {
      await sleep(250);
      seen = tally(world.fake.calls(), replies, since);
    }
    // Anything still trickling in (a retried job sending a page again) shows up here.
    await sleep(2000);
    const final = tally(world.fake.calls(), replies, since);
    const first = final.times[0] ?? since;
    const last = final.times.at(-1) ?? since;
    const rate = final.times.length > 1 ? (final.times.length - 1) / ((last - first) / 1000) : 0;
    const cpu = process.cpuUsage(cpu0);
    // The shape of the run: a start-up ramp, the pace's steady rate, and a tail of the last replies'
    // later pages, which wait a second each for their chat's turn.
    const perSecond: number[] = [];
    for (const t of final.times) {
      const second = Math.floor((t - first) / 1000);
      perSecond[second] = (perSecond[second] ?? 0) + 1;
    }
    const tenth = final.times[Math.floor(final.times.length * 0.1)] ?? first;
    const ninetieth = final.times[Math.floor(final.times.length * 0.9)] ?? last;
    const steady = ninetieth > tenth ? (Math.floor(final.times.length * 0.9) - Math.floor(final.times.length * 0.1)) / ((ninetieth - tenth) / 1000) : 0;
    console.log(`pages per second: ${Array.from(perSecond, (n) => n ?? 0).join(" ")}; CPU of this process ${((cpu.user + cpu.system) / 1000 / pages).toFixed(1)} ms a page`);
    console.log(`three-page replies, first page to last: median ${(median(final.spans) / 1000).toFixed(2)} s, slowest ${(Math.max(0, ...final.spans) / 1000).toFixed(2)} s`);
    const states = await world.apps[0]!.prisma.reply.groupBy({ by: ["deliveryState"], _count: true });
    console.log(
      `delivered ${final.arrived}/${pages} pages in ${((last - first) / 1000).toFixed(1)} s (first after ${((first - since) / 1000).toFixed(2)} s); ` +
        `429s answered by the fake: ${world.fake.rateLimited} (${final.refused} on pages; by limit ${JSON.stringify(world.fake.rateLimitedBy)}); replies: ${states.map((s) => `${s.deliveryState} ${s._count}`).join(", ")}`,
    );

    const benchmark = "reply delivery";
    report({
      id: "delivery.rate",
      benchmark,
      measure: `pages delivered per second, ${ONE_PAGE} one-page and ${THREE_PAGES} three-page replies, Telegram's limits enforced`,
      value: rate,
      unit: "pages/s",
      baseline: TELEGRAM_BULK_LIMIT,
      baselineLabel: "Telegram's bulk limit",
      goal: { on: "ratio", op: ">=", target: 0.9 },
    });
    report({
      id: "delivery.steady",
      benchmark,
      measure: "pages delivered per second, middle 80% of the pages (without start-up and tail)",
      value: steady,
      unit: "pages/s",
      baseline: TELEGRAM_BULK_LIMIT,
      baselineLabel: "Telegram's bulk limit",
    });
    report({ id: "delivery.lost", benchmark, measure: "pages queued but never delivered", value: final.lost, unit: "pages", goal: { on: "value", op: "<=", target: 0 } });
    report({ id: "delivery.doubled", benchmark, measure: "pages delivered twice", value: final.doubled, unit: "pages", goal: { on: "value", op: "<=", target: 0 } });
    report({ id: "delivery.429", benchmark, measure: "429 Too Many Requests answered by Telegram (the fake)", value: world.fake.rateLimited, unit: "answers" });
  } finally {
    await world.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
