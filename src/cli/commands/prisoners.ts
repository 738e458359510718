import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { Redis } from "ioredis";
import { createPrisma } from "../../db/client.js";
import { applyPrisonerImport, type ImportNotice, type PrisonerImportOutcome } from "../../db/repositories/prisoner-import.js";
import { parsePrisonerFile } from "../../domain/prisoner-import.js";
import { createQueues, type ImportReportPayload, type LetterImportAction, type NotifyPayload } from "../../queues/index.js";
import { sendReleasedOnTheirWay } from "../../queues/held-letters.js";
import { SEARCH_CB } from "../../messages/keyboards/search-callbacks.js";

const USAGE = "Usage: npm run cli -- prisoners import <file.csv|file.json> [--dry-run]";

/** The localized message (locale key) for a writer affected by an import. */
function noticeKey(notice: ImportNotice): string {
  return `import-notice-${notice.event}-${notice.letterId !== undefined ? "letter" : "assignment"}`;
}

/** The notify job for one affected writer: ids, codes and the reason key only, never names. */
export function importNoticePayload(notice: ImportNotice): NotifyPayload {
  const subject = notice.letterId !== undefined ? `l${notice.letterId}` : `a${notice.assignmentId ?? 0}`;
  const buttons: NonNullable<NotifyPayload["buttons"]> = [
    { key: "search-button-show-card", data: SEARCH_CB.card(notice.prisonerId) },
  ];
  if (notice.event !== "transferred" && notice.assignmentId !== undefined) {
    buttons.push({ key: "search-button-find", data: SEARCH_CB.menu });
  }
  return {
    writerId: notice.writerId,
    key: noticeKey(notice),
    params: {
      ...(notice.letterCode ? { code: notice.letterCode } : {}),
      reason: notice.reason ?? "other",
    },
    buttons,
    dedupeKey: `prisoner-${notice.prisonerId}-${notice.event}-${notice.changedAt.getTime()}-w${notice.writerId}-${subject}`,
  };
}

const LETTER_ACTION_TEXT: Record<LetterImportAction, string> = {
  held: "hold",
  "held-from-open-batch": "take out of the open batch and hold",
  "held-printed": "hold (already printed: pull it from the batch)",
  "new-address": "print with the new address",
  rerendered: "render again with the new address",
  reprint: "reprint with the new address",
  released: "release from hold",
};

/**
 * The operators' summary job of a real import with releases, transfers, people becoming
 * unreachable or reachable again, or held letters put back on their way.
 */
export function importReportPayload(outcome: PrisonerImportOutcome, importId: string): ImportReportPayload | null {
  const count = (event: string) => outcome.changes.filter((c) => c.event === event).length;
  const released = count("released");
  const transferred = count("transferred");
  const unreachable = count("unreachable");
  const reachable = outcome.changes.filter((c) => c.reachableAgain).length;
  if (released + transferred + unreachable + reachable + outcome.released.length === 0) return null;
  const letters = [
    ...outcome.letters.map((l) => ({ letterId: l.letterId, action: l.action })),
    ...outcome.released.map((l) => ({ letterId: l.letterId, action: "released" as const })),
  ];
  return { importId, released, transferred, unreachable, reachable, letters };
}

function describeOutcome(outcome: PrisonerImportOutcome): string[] {
  const lines: string[] = [];
  for (const change of outcome.changes) {
    const what = change.kind === "created" ? "create" : "update";
    const fields = change.changedFields.length > 0 ? ` (${change.changedFields.join(", ")})` : "";
    const event = change.event ? ` — ${change.event}` : change.reachableAgain ? " — can receive letters again" : "";
    lines.push(`  ${outcome.dryRun ? "would " : ""}${what} ${change.externalId}${fields}${event}`);
  }
  for (const letter of outcome.letters) {
    lines.push(`  ${outcome.dryRun ? "would " : ""}${LETTER_ACTION_TEXT[letter.action]}: letter ${letter.code}${letter.batchId !== null ? ` (batch ${letter.batchId})` : ""}`);
  }
  for (const letter of outcome.released) {
    lines.push(`  ${outcome.dryRun ? "would " : ""}${LETTER_ACTION_TEXT.released}: letter ${letter.code} (back to ${letter.status})`);
  }
  const count = (event: string) => outcome.changes.filter((c) => c.event === event).length;
  const reachable = outcome.changes.filter((c) => c.reachableAgain).length;
  // Said only when it happened: most imports bring nobody back.
  const back = reachable + outcome.released.length > 0;
  lines.push(
    `${outcome.dryRun ? "Dry run, nothing written: " : ""}${outcome.created} created, ${outcome.updated} updated, ${outcome.unchanged} unchanged; ` +
      `${count("released")} released, ${count("transferred")} transferred, ${count("unreachable")} can no longer receive letters` +
      `${back ? `, ${reachable} can receive letters again` : ""}; ${outcome.releasedAssignments} assignments ended, ` +
      `${back ? `${outcome.released.length} held letters ${outcome.dryRun ? "would go" : "sent"} on their way, ` : ""}` +
      // A writer whose letters were released is told once about all of them.
      `${outcome.notices.length + new Set(outcome.released.map((l) => l.writerId)).size} notices to writers${outcome.dryRun ? " would be sent" : " queued"}.`,
  );
  return lines;
}

async function connectRedis(url: string): Promise<Redis> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  redis.on("error", () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    throw new Error(`Redis at ${url} is unreachable (needed to notify writers; nothing was imported): ${(err as Error).message}`, {
      cause: err,
    });
  }
  return redis;
}

/** `prisoners import <file> [--dry-run]`: validates the whole file, then applies it in one transaction. */
export async function prisonersCommand(args: string[], databaseUrl: string): Promise<number> {
  const [sub, ...rest] = args;
  const dryRun = rest.includes("--dry-run");
  const files = rest.filter((a) => a !== "--dry-run");
  const unknownFlags = files.filter((a) => a.startsWith("--"));
  if (sub !== "import" || files.length !== 1 || unknownFlags.length > 0) {
    console.error(USAGE);
    return 1;
  }
  const file = files[0]!;
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    console.error(`Error: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    return 1;
  }
  const parsed = parsePrisonerFile(bytes, file);
  if (parsed.errors.length > 0) {
    for (const e of parsed.errors) console.error(`${file}${e.line > 0 ? `:${e.line}` : ""}: ${e.message}`);
    console.error(`Nothing imported: ${parsed.errors.length} problem${parsed.errors.length === 1 ? "" : "s"} in ${file}.`);
    return 1;
  }
  // Redis is checked before the transaction: changes whose writers cannot be told are not applied.
  const redis = dryRun ? undefined : await connectRedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
  const prisma = createPrisma(databaseUrl);
  try {
    const outcome = await applyPrisonerImport(prisma, parsed.rows.map((r) => r.record), { dryRun });
    for (const line of describeOutcome(outcome)) console.log(line);
    const report = importReportPayload(outcome, randomUUID());
    if (redis && (outcome.notices.length > 0 || outcome.released.length > 0 || report)) {
      const queues = createQueues(redis, process.env.REDIS_PREFIX ?? "lifeline");
      try {
        for (const notice of outcome.notices) await queues.notify(importNoticePayload(notice));
        await sendReleasedOnTheirWay(queues, outcome.released);
        if (report) await queues.importReport(report);
      } finally {
        await queues.close();
      }
    }
    return 0;
  } finally {
    await prisma.$disconnect();
    redis?.disconnect();
  }
}
