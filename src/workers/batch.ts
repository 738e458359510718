import { spawn } from "node:child_process";
import { UnrecoverableError } from "bullmq";
import { InlineKeyboard, InputFile } from "grammy";
import { BATCH_CB, OPERATORS_LOCALE } from "../bot/views/moderation-card.js";
import { loadBatch, setBatchPdf } from "../db/repositories/batches.js";
import { renderBatchPdf, renderEnvelopeCsv } from "../media/pdf.js";
import type { BATCH_QUEUE } from "../queues/index.js";
import { createFileStorage } from "../storage/index.js";
import { operatorsChatOrThrow, type WorkerDeps } from "./deps.js";
import { batchPdfKey, printableLetter, russianPdfLabels } from "./printable.js";
import { resumableSteps, type JobContext, type QueueHandler } from "./registry.js";

/** Runs `lp -d <printer> <file>` (CUPS); rejects with lp's own message when it fails. */
export function sendToPrinter(printer: string, path: string, title: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("lp", ["-d", printer, "-t", title, "--", path], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8").slice(0, 500);
    });
    child.on("error", (err) => reject(new Error(`lp could not start: ${err.message}`)));
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`lp exited with ${code}: ${stderr.trim().slice(0, 300)}`))));
  });
}

/**
 * Renders a closed batch into one merged PDF and the envelope list. With PRINTER_NAME the PDF goes
 * to CUPS and the operators get the envelope list; otherwise they get both as documents. Either
 * way the message carries the "Mark as posted" button.
 */
export function batchHandler({ prisma, api, i18n, config }: WorkerDeps): QueueHandler<typeof BATCH_QUEUE> {
  const storage = createFileStorage(config.storageDir);
  const labels = russianPdfLabels(i18n);
  const t = (key: string, vars?: Record<string, string | number>) => i18n.t(OPERATORS_LOCALE, key, vars);
  return {
    options: { concurrency: 1 },
    async process(data, { log, job }) {
      const chatId = operatorsChatOrThrow(config, log, "the batch", { batch_id: data.batchId });
      try {
        await deliver(data.batchId, chatId, log, job);
      } catch (err) {
        // The operators are waiting for this batch: tell them when it will not come.
        if (err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
          await api.sendMessage(chatId, t("batch-failed", { id: data.batchId })).catch(() => undefined);
        }
        throw err;
      }
    },
  };

  async function deliver(batchId: number, chatId: number, log: JobContext<typeof BATCH_QUEUE>["log"], job: JobContext<typeof BATCH_QUEUE>["job"]): Promise<void> {
    // Steps finished by earlier attempts (kept in the job's progress), so a retry never prints
    // the batch on paper twice nor posts the PDF again.
    const step = resumableSteps(job);
    const batch = await loadBatch(prisma, batchId);
    if (!batch) throw new UnrecoverableError(`batch ${batchId} does not exist`);
    if (batch.letters.length === 0) throw new UnrecoverableError(`batch ${batch.id} has no letters`);
    const printable = await Promise.all(batch.letters.map((letter) => printableLetter(letter, storage, config.orgReturnAddress)));
    const pdf = await renderBatchPdf(printable, labels);
    const csv = renderEnvelopeCsv(printable, labels);
    const key = batchPdfKey(batch.id);
    await storage.put(key, pdf);
    await setBatchPdf(prisma, batch.id, key);
    const keyboard = new InlineKeyboard().text(t("batch-button-posted"), BATCH_CB.posted(batch.id));
    const csvName = `envelopes-batch-${batch.id}.csv`;
    if (config.printerName) {
      const printer = config.printerName;
      await step("printer", () => sendToPrinter(printer, storage.pathOf(key), `lifeline-batch-${batch.id}`));
      await step("csv", () =>
        api.sendDocument(chatId, new InputFile(csv, csvName), {
          caption: t("batch-sent-to-printer", { id: batch.id, count: batch.letters.length, printer }),
          reply_markup: keyboard,
        }),
      );
    } else {
      await step("pdf", () => api.sendDocument(chatId, new InputFile(pdf, `batch-${batch.id}.pdf`), { caption: t("batch-ready", { id: batch.id, count: batch.letters.length }) }));
      await step("csv", () =>
        api.sendDocument(chatId, new InputFile(csv, csvName), {
          caption: t("batch-envelopes", { id: batch.id }),
          reply_markup: keyboard,
        }),
      );
    }
    log.info({ batch_id: batch.id, letters: batch.letters.length, printer: Boolean(config.printerName) }, "batch delivered");
  }
}
