// Reply delivery under Telegram's limits: 200 writers get a one-page reply, 40 more a three-page one
// and 4 a ten-page one, all queued at once (a backlog after an outage, each job with its reply's page
// count, as the intake queues it), and the real reply-delivery worker sends them
// through the outgoing pace to a fake Bot API that enforces Telegram's flood limits (30 messages/s
// overall, 1/s per chat: 429 with retry_after beyond them). Measured on the fake's clock: pages
// delivered per second from the first to the last, against Telegram's bulk limit; pages lost and
// pages delivered twice, from the fake's log. A scratch database and Redis prefix, removed at the end.
// No operators' group is set: with one, each delivery first answers there, 20 a minute into a group,
// and a backlog then goes at about one reply in 3.4 s whatever the pace (tried: 14 of 40 in 45 s).
// Writers read Russian, so no "translation follows" note joins the pages. Takes about 30 s
// (migrations and fixture ~10 s, delivery ~13 s, 2 s watching for late copies).
// A long reply's pages go a second apart, so the run's end depends on when the longest replies
// start: queued in arrival order, the last ten-page replies trickled on a page a second for 7 s
// after the rest, the bot's budget idle (17.1-17.6 pages/s over the run); now the longest start
// first (replyDeliveryPriority) and the run keeps the pace's rate to its end.
//
//   BENCH_DELIVERY_WORKERS=2   two worker apps (as two worker processes) instead of one
import { median, report } from "./_report.js";
import { createReplies, startDeliveryWorld, tally, type Tally } from "./_delivery.js";

const ONE_PAGE = 200;
const THREE_PAGES = 40;
const TEN_PAGES = 4;
const TELEGRAM_BULK_LIMIT = 30;
const TIMEOUT_MS = 90_000;
const workers = Math.max(1, Number(process.env.BENCH_DELIVERY_WORKERS ?? 1) || 1);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const world = await startDeliveryWorld(workers);
  try {
    let t0 = performance.now();
    // Interleaved, as a backlog would hold them: every sixth reply has three pages, and a ten-page one
    // comes every 61 replies, the last of them among the last few.
    const pageCounts = Array.from({ length: ONE_PAGE + THREE_PAGES + TEN_PAGES }, (_, i) => (i % 61 === 60 ? 10 : i % 6 === 5 ? 3 : 1));
    const replies = await createReplies(world, pageCounts);
    const pages = replies.reduce((n, r) => n + r.pages, 0);
    console.log(`fixture: ${replies.length} replies, ${pages} pages in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${workers} worker app(s)`);

    const queues = world.apps[0]!.queues;
    const since = Date.now();
    const cpu0 = process.cpuUsage();
    t0 = performance.now();
    // With its page count, as the intake queues it.
    await Promise.all(replies.map((r) => queues.replyDelivery({ replyId: r.replyId }, { pages: r.pages })));
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
    // The shape of the run: a start-up ramp, the pace's steady rate, and a tail if the last replies
    // to start had later pages, which wait a second each for their chat's turn.
    const perSecond: number[] = [];
    for (const t of final.times) {
      const second = Math.floor((t - first) / 1000);
      perSecond[second] = (perSecond[second] ?? 0) + 1;
    }
    const tenth = final.times[Math.floor(final.times.length * 0.1)] ?? first;
    const ninetieth = final.times[Math.floor(final.times.length * 0.9)] ?? last;
    const steady = ninetieth > tenth ? (Math.floor(final.times.length * 0.9) - Math.floor(final.times.length * 0.1)) / ((ninetieth - tenth) / 1000) : 0;
    console.log(`pages per second: ${Array.from(perSecond, (n) => n ?? 0).join(" ")}; CPU of this process ${((cpu.user + cpu.system) / 1000 / pages).toFixed(1)} ms a page`);
    for (const n of [3, 10]) {
      const spans = final.spans.filter((s) => s.pages === n).map((s) => s.ms);
      console.log(`${n}-page replies, first page to last: median ${(median(spans) / 1000).toFixed(2)} s, slowest ${(Math.max(0, ...spans) / 1000).toFixed(2)} s`);
    }
    const states = await world.apps[0]!.prisma.reply.groupBy({ by: ["deliveryState"], _count: true });
    console.log(
      `delivered ${final.arrived}/${pages} pages in ${((last - first) / 1000).toFixed(1)} s (first after ${((first - since) / 1000).toFixed(2)} s); ` +
        `429s answered by the fake: ${world.fake.rateLimited} (${final.refused} on pages; by limit ${JSON.stringify(world.fake.rateLimitedBy)}); replies: ${states.map((s) => `${s.deliveryState} ${s._count}`).join(", ")}`,
    );

    const benchmark = "reply delivery";
    report({
      id: "delivery.rate",
      benchmark,
      measure: `pages delivered per second, ${ONE_PAGE} one-page, ${THREE_PAGES} three-page and ${TEN_PAGES} ten-page replies, Telegram's limits enforced`,
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
