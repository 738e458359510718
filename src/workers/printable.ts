import type { I18n } from "@grammyjs/i18n";
import { UnrecoverableError } from "bullmq";
import type { LocaleAwareContext } from "../messages/i18n.js";
import type { LetterForPrint } from "../db/repositories/batches.js";
import { pdfLabelsFrom, type PdfLabels, type PrintableLetter } from "../media/pdf.js";
import type { FileStorage } from "../storage/index.js";

/** Prisons read Russian: every printed word comes from the ru locale. */
export function russianPdfLabels(i18n: I18n<LocaleAwareContext>): PdfLabels {
  return pdfLabelsFrom((key, vars) => i18n.t("ru", key, vars));
}

/** A letter as the PDF renderer wants it: recipient from the prisoner (or the specific request), pages from storage. */
export async function printableLetter(letter: LetterForPrint, storage: FileStorage, returnAddress: string | undefined): Promise<PrintableLetter> {
  let recipient: PrintableLetter["recipient"];
  if (letter.prisoner) {
    const p = letter.prisoner;
    if (!p.postalAddress) throw new UnrecoverableError(`prisoner ${p.id} has no postal address: letter ${letter.id} cannot be printed`);
    recipient = {
      fullName: [p.lastName, p.firstName, p.patronymic].filter(Boolean).join(" "),
      birthYear: p.birthDate.getUTCFullYear(),
      facility: p.facilityName,
      postalAddress: p.postalAddress,
    };
  } else if (letter.specificRequest) {
    const r = letter.specificRequest;
    if (!r.facility) throw new UnrecoverableError(`specific request ${r.id} has no facility: letter ${letter.id} cannot be printed`);
    recipient = { fullName: r.fullName, birthYear: r.birthYear, facility: r.facility, postalAddress: r.facility };
  } else {
    throw new UnrecoverableError(`letter ${letter.id} has no recipient`);
  }
  let body: PrintableLetter["body"];
  if (letter.kind === "typed") {
    body = { kind: "typed", text: letter.text ?? "", ...(letter.translationText ? { translation: letter.translationText } : {}) };
  } else {
    const pages = await Promise.all(
      letter.pages.map(async (page) => {
        const bytes = await storage.get(page.storagePath);
        if (!bytes) throw new UnrecoverableError(`page ${page.index} of letter ${letter.id} is missing from storage`);
        return bytes;
      }),
    );
    body = { kind: "handwritten", pages };
  }
  return {
    code: letter.code,
    recipient,
    ...(returnAddress ? { returnAddress } : {}),
    signature: letter.signatureName ?? "",
    body,
    printedOn: new Date(),
  };
}

export function letterPdfKey(letterId: number): string {
  return `letters/${letterId}/letter.pdf`;
}

export function batchPdfKey(batchId: number): string {
  return `batches/${batchId}/batch.pdf`;
}
