// The envelope list of a batch, as an .xlsx workbook. A CSV opens in one column in Excel with
// Russian regional settings (it expects ";"), and its cells are re-parsed by whatever separator
// the reader picks, so a value like `x;=1+1` becomes a formula under one of them. An .xlsx has
// typed cells: every value here is a shared-string cell, never a formula, and the columns are
// the columns whatever the locale.
import writeXlsxFile, { type Row } from "write-excel-file/node";
import type { PdfLabels, PrintableLetter } from "./pdf.js";
import { cleanPrintableLine } from "./text.js";

/** One envelope of the batch; a PrintableLetter fits as is. */
export type EnvelopeRow = Pick<PrintableLetter, "code" | "recipient">;

/** Text cells only: a birth year or a letter code is never turned into a number or a date. */
function textRow(values: string[]): Row {
  return values.map((value) => ({ type: String, value: cleanPrintableLine(value) }));
}

export async function renderEnvelopeList(rows: EnvelopeRow[], labels: Pick<PdfLabels, "envelope">): Promise<Buffer> {
  const h = labels.envelope;
  const data = [
    textRow([h.code, h.fullName, h.birthYear, h.facility, h.postalAddress]).map((cell) => ({ ...cell, fontWeight: "bold" as const })),
    ...rows.map((r) => textRow([r.code, r.recipient.fullName, String(r.recipient.birthYear), r.recipient.facility, r.recipient.postalAddress])),
  ];
  return writeXlsxFile(data, {
    sheet: cleanPrintableLine(h.sheet).slice(0, 31), // Excel's limit for a sheet name
    columns: [{ width: 12 }, { width: 36 }, { width: 14 }, { width: 48 }, { width: 80 }],
    stickyRowsCount: 1,
  }).toBuffer();
}
