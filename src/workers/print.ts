import { translatorFor } from "../messages/i18n.js";
import { heldKeyboard } from "../messages/views/held-card.js";
import { loadLetterForPrint, markLetterPrinted } from "../db/repositories/batches.js";
import { holdLetter, holdReasonFor } from "../db/repositories/letter-holds.js";
import { renderLetterPdf } from "../media/pdf.js";
import type { PRINT_QUEUE } from "../queues/index.js";
import { createFileStorage } from "../storage/index.js";
import type { WorkerDeps } from "./deps.js";
import { SHORT_LOCK } from "./job-lock.js";
import { letterPdfKey, printableLetter, russianPdfLabels } from "./printable.js";
import type { QueueHandler } from "./registry.js";

/**
 * Renders an approved letter to its A4 PDF, stores it, marks the letter printed and puts it in the
 * open batch, then tells the writer. Safe to repeat: the PDF is written atomically under a fixed
 * key and only an approved letter moves on.
 */
export function printHandler({ prisma, api, i18n, config, queues, operatorsChat }: WorkerDeps): QueueHandler<typeof PRINT_QUEUE> {
  const storage = createFileStorage(config.storageDir, config.keyring);
  const labels = russianPdfLabels(i18n);
  return {
    // A short lock: a letter stranded by a crashed worker is printed by another within seconds, and
    // after any number of crashes (up to 20), not failed on the second. Printing again is harmless.
    options: { concurrency: 1, ...SHORT_LOCK },
    async process(data, { log }) {
      const letter = await loadLetterForPrint(prisma, data.letterId);
      if (!letter) {
        // Deleted with its writer's data: nothing to print, nothing to retry.
        log.info({ letter_id: data.letterId }, "letter no longer exists; nothing to print");
        return;
      }
      if (letter.status === "held") {
        log.warn({ letter_id: letter.id, reason: letter.statusReason }, "letter is on hold (its recipient cannot receive letters); not printed");
        return;
      }
      if (letter.status !== "approved") {
        log.info({ letter_id: letter.id, status: letter.status }, "letter not waiting for print; nothing to do");
        return;
      }
      if (letter.prisoner && !letter.prisoner.canReceiveLetters) {
        // Approved before (or despite) the person becoming unreachable: printing it would post it to the wrong place.
        const reason = holdReasonFor(letter.prisoner.cannotReceiveReason);
        if (await holdLetter(prisma, letter.id, reason)) {
          log.warn({ letter_id: letter.id, prisoner_id: letter.prisoner.id, reason }, "recipient cannot receive letters: letter held, not printed");
          const operatorsChatId = await operatorsChat.id();
          if (operatorsChatId !== undefined) {
            const t = translatorFor(i18n, config.operatorsLanguage);
            const reasonText = t("letter-reason", { reason });
            await api.sendMessage(operatorsChatId, t("print-held", { code: letter.code, reasonText }), {
              reply_markup: heldKeyboard(t, letter.id),
            });
          }
          await queues.notify({ writerId: letter.writerId, key: "letters-status-held", params: { code: letter.code, reason }, dedupeKey: `letter-${letter.id}-held` });
        }
        return;
      }
      if (letter.needsTranslation && !letter.translationText) {
        // Printed once an operator attaches the translation (which enqueues this job again).
        log.info({ letter_id: letter.id }, "letter waits for its translation before printing");
        return;
      }
      const pdf = await renderLetterPdf(await printableLetter(letter, storage, config.orgReturnAddress), labels);
      const key = letterPdfKey(letter.id);
      await storage.put(key, pdf);
      const result = await markLetterPrinted(prisma, { letterId: letter.id, pdfPath: key });
      if (!result.ok) {
        log.info({ letter_id: letter.id }, "letter changed while printing; left as it is");
        return;
      }
      await queues.notify({ writerId: result.writerId, key: "letters-status-printed", params: { code: result.code }, dedupeKey: `letter-${letter.id}-printed` });
      log.info({ letter_id: letter.id, batch_id: result.batchId, bytes: pdf.length }, "letter printed to PDF");
    },
  };
}
