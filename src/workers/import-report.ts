import { UnrecoverableError } from "bullmq";
import { InputFile } from "grammy";
import { translatorFor, type Translate } from "../messages/i18n.js";
import { splitText } from "../messages/text.js";
import { findLetterCodesAndBatches, loadLetterForPrint } from "../db/repositories/batches.js";
import { heldReasons } from "../db/repositories/letter-holds.js";
import { renderLetterPdf } from "../media/pdf.js";
import { HELD_IMPORT_ACTIONS, LETTER_IMPORT_ACTIONS, type IMPORT_REPORT_QUEUE, type LetterImportAction } from "../queues/index.js";
import { heldCardText, heldKeyboard } from "../messages/views/held-card.js";
import { createFileStorage } from "../storage/index.js";
import { operatorsChatOrThrow, type WorkerDeps } from "./deps.js";
import { letterPdfKey, printableLetter, russianPdfLabels } from "./printable.js";
import { resumableSteps, type QueueHandler } from "./registry.js";

/** Below Telegram's 4096 characters per message. */
const MESSAGE_MAX = 3800;

/**
 * The operators' summary of one prisoner-list import: every letter in flight to the people
 * concerned and what happened to it. Letters of transferred people that were already printed get
 * their PDF rendered again with the new address; those in a closed batch are sent to be reprinted.
 * Progress is kept in the job, so a retry sends nothing twice.
 */
export function importReportHandler({ prisma, api, i18n, config, operatorsChat }: WorkerDeps): QueueHandler<typeof IMPORT_REPORT_QUEUE> {
  const t: Translate = translatorFor(i18n, config.operatorsLanguage);
  const storage = createFileStorage(config.storageDir, config.keyring);
  const labels = russianPdfLabels(i18n);
  return {
    options: { concurrency: 1 },
    async process(data, { log, job }) {
      const chatId = await operatorsChatOrThrow(operatorsChat, log, "the import report", { import_id: data.importId });
      const step = resumableSteps(job);

      const rows = await findLetterCodesAndBatches(prisma, data.letters.map((l) => l.letterId));
      const byId = new Map(rows.map((r) => [r.id, r]));
      // Letters deleted since (their writer's data erased) drop out of the report.
      const letters = data.letters.flatMap((l) => {
        const row = byId.get(l.letterId);
        return row ? [{ ...row, action: l.action }] : [];
      });

      // Re-render first: the message then tells the truth about the PDFs.
      const rerender = letters.filter((l) => l.action === "rerendered" || l.action === "reprint");
      const reprints: { code: string; pdf: Buffer; id: number }[] = [];
      for (const l of rerender) {
        const letter = await loadLetterForPrint(prisma, l.id);
        if (!letter || letter.status !== "printed") continue;
        try {
          const pdf = await renderLetterPdf(await printableLetter(letter, storage, config.orgReturnAddress), labels);
          await storage.put(letterPdfKey(letter.id), pdf);
          if (l.action === "reprint") reprints.push({ code: letter.code, pdf, id: letter.id });
        } catch (err) {
          if (!(err instanceof UnrecoverableError)) throw err;
          log.warn({ letter_id: l.id, err: err.message }, "letter could not be rendered again; left for the operators");
        }
      }

      const lines = [t("import-report-title", { released: data.released, transferred: data.transferred, unreachable: data.unreachable })];
      if (data.reachable > 0) lines.push(t("import-report-reachable", { count: data.reachable }));
      if (letters.length === 0) lines.push(t("import-report-no-letters"));
      for (const action of LETTER_IMPORT_ACTIONS) {
        const group = letters.filter((l) => l.action === action);
        if (group.length === 0) continue;
        lines.push("", t(`import-report-${action}` satisfies `import-report-${LetterImportAction}`, { count: group.length, codes: codesOf(group, action, t) }));
      }
      const parts = splitText(lines.join("\n"), MESSAGE_MAX);
      for (const [index, part] of parts.entries()) await step(`message-${index}`, () => api.sendMessage(chatId, part));
      for (const r of reprints) {
        await step(`reprint-${r.id}`, () => api.sendDocument(chatId, new InputFile(r.pdf, `letter-${r.code}.pdf`), { caption: t("import-report-reprint-caption", { code: r.code }) }));
      }
      // Each letter it held gets its card: operators can send it on later, or cancel it.
      const held = letters.filter((l) => HELD_IMPORT_ACTIONS.includes(l.action));
      const holdReasons = new Map((await heldReasons(prisma, held.map((l) => l.id))).map((r) => [r.id, r.statusReason]));
      for (const l of held) {
        if (!holdReasons.has(l.id)) continue;
        await step(`held-${l.id}`, () => api.sendMessage(chatId, heldCardText(t, { code: l.code, reason: holdReasons.get(l.id) ?? null }), { reply_markup: heldKeyboard(t, l.id) }));
      }
      log.info({ import_id: data.importId, letters: letters.length, reprints: reprints.length }, "import report posted");
    },
  };
}

/** "L-AAAA, L-BBBB"; letters of a closed batch say which one, so the paper can be found. */
function codesOf(group: { code: string; batchId: number | null }[], action: LetterImportAction, t: Translate): string {
  const withBatch = action === "held-printed" || action === "reprint";
  return group.map((l) => (withBatch && l.batchId !== null ? `${l.code} (${t("import-report-batch", { id: l.batchId })})` : l.code)).join(", ");
}
