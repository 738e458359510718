import { spawn } from "node:child_process";
import { UnrecoverableError } from "bullmq";
import { InlineKeyboard, InputFile } from "grammy";
import { BATCH_CB } from "../messages/views/moderation-card.js";
import { translatorFor } from "../messages/i18n.js";
import { loadBatch, setBatchPdf } from "../db/repositories/batches.js";
import { renderEnvelopeList } from "../media/envelope-list.js";
import { renderBatchPdf } from "../media/pdf.js";
import type { BATCH_QUEUE } from "../queues/index.js";
import { createFileStorage } from "../storage/index.js";
import { operatorsChatOrThrow, type WorkerDeps } from "./deps.js";
import { batchPdfKey, printableLetter, russianPdfLabels } from "./printable.js";
import { JobLockLostError, keepJobLock, SHORT_LOCK } from "./job-lock.js";
import { resumableSteps, type JobContext, type QueueHandler } from "./registry.js";

/**
 * Runs `lp -d <printer>` (CUPS) with the PDF on its standard input: the stored file is ciphertext,
 * and a plain copy on disk would outlive the print. Rejects with lp's own message when it fails.
 */
export function sendToPrinter(printer: string, pdf: Uint8Array, title: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("lp", ["-d", printer, "-t", title], { stdio: ["pipe", "ignore", "pipe"] });
    // lp may exit (unknown printer) before reading everything: that error is lp's to report.
    child.stdin.on("error", () => undefined);
    child.stdin.end(pdf);
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
export function batchHandler({ prisma, api, i18n, config, operatorsChat }: WorkerDeps): QueueHandler<typeof BATCH_QUEUE> {
  const storage = createFileStorage(config.storageDir, config.keyring);
  const labels = russianPdfLabels(i18n);
  const t = translatorFor(i18n, config.operatorsLanguage);
  return {
    // A short lock: after a crash another worker renders the batch within seconds, and a batch whose
    // worker died twice is still taken over, not failed (see job-lock.ts).
    options: { concurrency: 1, ...SHORT_LOCK },
    async process(data, { log, job, token }) {
      const chatId = await operatorsChatOrThrow(operatorsChat, log, "the batch", { batch_id: data.batchId });
      try {
        await deliver(data.batchId, chatId, log, job, token);
      } catch (err) {
        // The operators are waiting for this batch: tell them when it will not come.
        // (Not when another run took the job over: that run carries on with it.)
        if (!(err instanceof JobLockLostError) && (err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1))) {
          await api.sendMessage(chatId, t("batch-failed", { id: data.batchId })).catch(() => undefined);
        }
        throw err;
      }
    },
  };

  async function deliver(
    batchId: number,
    chatId: number,
    log: JobContext<typeof BATCH_QUEUE>["log"],
    job: JobContext<typeof BATCH_QUEUE>["job"],
    token: string | undefined,
  ): Promise<void> {
    // Steps finished by earlier attempts (kept in the job's progress), so a retry never prints
    // the batch on paper twice nor posts the PDF again; and only while this run still owns the job
    // (a long render may outlast the lock, and the job then belongs to another run).
    const resumable = resumableSteps(job);
    const step = async (name: string, work: () => Promise<unknown>): Promise<void> => {
      await keepJobLock(job, token);
      await resumable(name, work);
    };
    const batch = await loadBatch(prisma, batchId);
    if (!batch) throw new UnrecoverableError(`batch ${batchId} does not exist`);
    if (batch.letters.length === 0) throw new UnrecoverableError(`batch ${batch.id} has no letters`);
    const printable = await Promise.all(batch.letters.map((letter) => printableLetter(letter, storage, config.orgReturnAddress)));
    const pdf = await renderBatchPdf(printable, labels);
    const envelopes = await renderEnvelopeList(printable, labels);
    const key = batchPdfKey(batch.id);
    await storage.put(key, pdf);
    await setBatchPdf(prisma, batch.id, key);
    const keyboard = new InlineKeyboard().text(t("batch-button-posted"), BATCH_CB.posted(batch.id));
    const envelopesName = t("batch-envelopes-file", { id: String(batch.id) });
    if (config.printerName) {
      const printer = config.printerName;
      await step("printer", () => sendToPrinter(printer, pdf, `lifeline-batch-${batch.id}`));
      await step("envelopes", () =>
        api.sendDocument(chatId, new InputFile(envelopes, envelopesName), {
          caption: t("batch-sent-to-printer", { id: batch.id, count: batch.letters.length, printer }),
          reply_markup: keyboard,
        }),
      );
    } else {
      await step("pdf", () => api.sendDocument(chatId, new InputFile(pdf, t("batch-pdf-file", { id: String(batch.id) })), { caption: t("batch-ready", { id: batch.id, count: batch.letters.length }) }));
      await step("envelopes", () =>
        api.sendDocument(chatId, new InputFile(envelopes, envelopesName), {
          caption: t("batch-envelopes", { id: batch.id }),
          reply_markup: keyboard,
        }),
      );
    }
    log.info({ batch_id: batch.id, letters: batch.letters.length, printer: Boolean(config.printerName) }, "batch delivered");
  }
}
