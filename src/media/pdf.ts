// Print-ready A4 letters for the prison post: recipient block, letter text or page images,
// and a footer with the letter code and the organisation's return address. Nothing about the
// writer is printed except the signature they chose.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { create as parseFont, type Font } from "fontkit";
import PDFDocument from "pdfkit";
import sharp from "sharp";
import { fontCoverage } from "./font-coverage.js";
import { letterDay, recipientAddressLines } from "./recipient.js";
import { cleanPrintableLine, cleanPrintableText } from "./text.js";

export interface PrintableRecipient {
  /** Cyrillic, as on the envelope: Фамилия Имя Отчество. */
  fullName: string;
  birthYear: number;
  facility: string;
  postalAddress: string;
}

export type PrintableBody =
  | { kind: "typed"; text: string; translation?: string }
  /** Processed page JPEGs (see processLetterPage), in reading order. */
  | { kind: "handwritten"; pages: Buffer[] };

export interface PrintableLetter {
  code: string;
  recipient: PrintableRecipient;
  /** The organisation's return address (configuration); the footer omits it when absent. */
  returnAddress?: string;
  signature: string;
  body: PrintableBody;
  /** When the letter is printed; the page carries its day (see letterDay). */
  printedOn: Date;
}

/** Every fixed word printed on a page or in the envelope list; fill with pdfLabelsFrom(). */
export interface PdfLabels {
  recipientTo: string;
  recipientWhere: string;
  birthYear: (year: number) => string;
  translationHeading: string;
  originalHeading: string;
  letterCode: (code: string) => string;
  pageOf: (page: number, total: number) => string;
  returnAddress: string;
  /** "5 декабря 2026 г." for the day the letter is printed. */
  letterDate: (printedOn: Date) => string;
  envelope: { sheet: string; code: string; fullName: string; birthYear: string; facility: string; postalAddress: string };
}

/** A locale lookup such as `(key, vars) => i18n.t("ru", key, vars)`. */
export type PdfTranslate = (key: string, vars?: Record<string, string | Date>) => string;

/**
 * Builds PdfLabels from the `pdf-*` locale keys. Numbers are passed to Fluent as strings, so a
 * year prints as "1985", never with a digit-group separator. Prisons read Russian: use "ru".
 */
export function pdfLabelsFrom(t: PdfTranslate): PdfLabels {
  return {
    recipientTo: t("pdf-recipient-to"),
    recipientWhere: t("pdf-recipient-where"),
    birthYear: (year) => t("pdf-birth-year", { year: String(year) }),
    translationHeading: t("pdf-translation-heading"),
    originalHeading: t("pdf-original-heading"),
    letterCode: (code) => t("pdf-letter-code", { code }),
    pageOf: (page, total) => t("pdf-page-of", { page: String(page), total: String(total) }),
    returnAddress: t("pdf-return-address"),
    letterDate: (printedOn) => t("pdf-letter-date", { date: letterDay(printedOn) }),
    envelope: {
      sheet: t("pdf-envelope-sheet"),
      code: t("pdf-envelope-code"),
      fullName: t("pdf-envelope-full-name"),
      birthYear: t("pdf-envelope-birth-year"),
      facility: t("pdf-envelope-facility"),
      postalAddress: t("pdf-envelope-postal-address"),
    },
  };
}

const MM = 72 / 25.4;
const MARGINS = { top: 20 * MM, bottom: 25 * MM, left: 25 * MM, right: 20 * MM };
const BODY_SIZE = 12;
const FOOTER_SIZE = 8;
const LINE_GAP = 3;
const PARAGRAPH_GAP = 3;

/**
 * Parsed once per process and shared by every document: fontkit reads a font's tables (cmap,
 * GSUB, GPOS) on first use and keeps them, and glyph layouts too, which a font parsed again for
 * each document would redo. Each document still embeds its own subset of the glyphs it used.
 */
interface Fonts {
  regular: Font;
  bold: Font;
  /** Code points both faces can draw. */
  drawable: ReadonlySet<number>;
}

/**
 * A font to share between documents. fontkit keeps every glyph object it makes, with the code
 * points it was made for, and pdfkit writes those into the PDF's text layer (ToUnicode). A
 * document's subset can make a glyph without code points: DejaVu draws Cyrillic "М" from the
 * Latin "M" glyph, so embedding "М" makes "M" bare, and a later document typing "M" got a glyph
 * that copies and searches as nothing. Making each drawable character's glyph first, from its
 * code point, keeps every text layer right.
 */
function sharedFont(data: Buffer, drawable: ReadonlySet<number>): Font {
  const font = parseFont(data);
  for (const codePoint of drawable) font.glyphForCodePoint(codePoint);
  return font;
}

let fontsPromise: Promise<Fonts> | undefined;

function loadFonts(): Promise<Fonts> {
  fontsPromise ??= (async () => {
    const dir = join(dirname(createRequire(import.meta.url).resolve("dejavu-fonts-ttf/package.json")), "ttf");
    const regularPath = join(dir, "DejaVuSans.ttf");
    const [regular, bold] = await Promise.all([readFile(regularPath), readFile(join(dir, "DejaVuSans-Bold.ttf"))]);
    const boldCoverage = fontCoverage(bold);
    const drawable = new Set([...fontCoverage(regular)].filter((cp) => boldCoverage.has(cp)));
    return { regular: sharedFont(regular, drawable), bold: sharedFont(bold, drawable), drawable };
  })();
  fontsPromise.catch(() => {
    fontsPromise = undefined;
  });
  return fontsPromise;
}

const REGULAR = "DejaVuSans";
const BOLD = "DejaVuSans-Bold";

function newDocument(fonts: Fonts, title: string): PDFKit.PDFDocument {
  const doc = new PDFDocument({
    size: "A4",
    margins: MARGINS,
    autoFirstPage: false,
    bufferPages: true, // footers need the final page count
    // pdfkit's default Helvetica is loaded but never used, so never embedded: every text call
    // sets DejaVu first.
    lang: "ru-RU",
    info: { Title: title, Producer: "Lifeline", Creator: "Lifeline" },
  });
  doc.registerFont(REGULAR, fonts.regular);
  doc.registerFont(BOLD, fonts.bold);
  return doc;
}

function finish(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
    doc.end();
  });
}

function contentWidth(doc: PDFKit.PDFDocument): number {
  return doc.page.width - doc.page.margins.left - doc.page.margins.right;
}

/**
 * "Кому / Куда" in the top right corner of the first page, as Russian post addresses it, and
 * below it, right-aligned, the date: where a Russian personal letter carries it.
 */
function drawRecipientBlock(doc: PDFKit.PDFDocument, letter: PrintableLetter, labels: PdfLabels, fonts: Fonts): void {
  const line = (s: string) => cleanPrintableLine(s, fonts.drawable);
  const blockWidth = contentWidth(doc) * 0.55;
  const blockLeft = doc.page.width - doc.page.margins.right - blockWidth;
  const rows: [string, string][] = [
    [
      line(labels.recipientTo),
      `${line(letter.recipient.fullName)}, ${line(labels.birthYear(letter.recipient.birthYear))}`,
    ],
    [
      line(labels.recipientWhere),
      recipientAddressLines(line(letter.recipient.facility), line(letter.recipient.postalAddress)).join("\n"),
    ],
  ];
  doc.font(BOLD).fontSize(BODY_SIZE);
  const labelWidth = Math.max(...rows.map(([label]) => doc.widthOfString(`${label}:`))) + 6;
  let y = doc.page.margins.top;
  for (const [label, value] of rows) {
    doc.font(BOLD).text(`${label}:`, blockLeft, y, { width: labelWidth, lineGap: LINE_GAP });
    doc.font(REGULAR).text(value, blockLeft + labelWidth, y, { width: blockWidth - labelWidth, lineGap: LINE_GAP });
    y = doc.y + 4;
  }
  doc.font(REGULAR).text(line(labels.letterDate(letter.printedOn)), blockLeft, y + BODY_SIZE, { width: blockWidth, align: "right" });
  doc.x = doc.page.margins.left;
  doc.y = doc.y + 2 * BODY_SIZE;
}

function drawParagraphs(doc: PDFKit.PDFDocument, text: string): void {
  doc.font(REGULAR).fontSize(BODY_SIZE);
  // Each "\n" ends a pdfkit paragraph; an empty line between paragraphs stays a visible gap.
  doc.text(text, doc.page.margins.left, doc.y, {
    width: contentWidth(doc),
    lineGap: LINE_GAP,
    paragraphGap: PARAGRAPH_GAP,
    align: "left",
  });
}

function drawHeading(doc: PDFKit.PDFDocument, heading: string, fonts: Fonts): void {
  doc.font(BOLD).fontSize(BODY_SIZE);
  doc.text(cleanPrintableLine(heading, fonts.drawable), doc.page.margins.left, doc.y, { width: contentWidth(doc) });
  doc.moveDown(0.6);
}

function drawSignature(doc: PDFKit.PDFDocument, signature: string, fonts: Fonts): void {
  const name = cleanPrintableLine(signature, fonts.drawable);
  if (!name) return;
  doc.font(REGULAR).fontSize(BODY_SIZE);
  doc.moveDown(1);
  doc.text(name, doc.page.margins.left, doc.y, { width: contentWidth(doc), align: "right" });
}

function drawTyped(doc: PDFKit.PDFDocument, letter: PrintableLetter, body: Extract<PrintableBody, { kind: "typed" }>, labels: PdfLabels, fonts: Fonts): void {
  const original = cleanPrintableText(body.text, fonts.drawable);
  const translation = body.translation === undefined ? "" : cleanPrintableText(body.translation, fonts.drawable);
  if (!translation) {
    drawParagraphs(doc, original);
    drawSignature(doc, letter.signature, fonts);
    return;
  }
  // The prisoner (and the censor) read Russian: the translation comes first.
  drawHeading(doc, labels.translationHeading, fonts);
  drawParagraphs(doc, translation);
  drawSignature(doc, letter.signature, fonts);
  doc.moveDown(2);
  drawHeading(doc, labels.originalHeading, fonts);
  drawParagraphs(doc, original);
  drawSignature(doc, letter.signature, fonts);
}

interface PageImage {
  data: Buffer;
  width: number;
  height: number;
}

/** Reads each page's size up front (and refuses anything that is not a JPEG or PNG pdfkit can embed). */
async function pageImages(letter: PrintableLetter): Promise<PageImage[]> {
  if (letter.body.kind !== "handwritten") return [];
  if (letter.body.pages.length === 0) throw new Error(`letter ${letter.code} has no handwritten pages`);
  return Promise.all(
    letter.body.pages.map(async (data, index) => {
      const { format, width, height } = await sharp(data).metadata();
      if (format !== "jpeg" && format !== "png") throw new Error(`letter ${letter.code} page ${index + 1} is ${format}, not JPEG/PNG`);
      return { data, width, height };
    }),
  );
}

function drawHandwritten(doc: PDFKit.PDFDocument, letter: PrintableLetter, images: PageImage[], fonts: Fonts): void {
  const signature = cleanPrintableLine(letter.signature, fonts.drawable);
  doc.font(REGULAR).fontSize(BODY_SIZE);
  const signatureHeight = signature ? doc.currentLineHeight(true) + BODY_SIZE : 0;
  images.forEach((image, index) => {
    if (index > 0) doc.addPage();
    const last = index === images.length - 1;
    const boxWidth = contentWidth(doc);
    const boxHeight = doc.page.maxY() - doc.y - (last ? signatureHeight : 0);
    const scale = Math.min(boxWidth / image.width, boxHeight / image.height);
    const width = image.width * scale;
    const height = image.height * scale;
    const top = doc.y;
    doc.image(image.data, doc.page.margins.left + (boxWidth - width) / 2, top, { width, height });
    if (last && signature) {
      doc.text(signature, doc.page.margins.left, top + height + BODY_SIZE / 2, { width: boxWidth, align: "right" });
    }
  });
}

function drawFooters(doc: PDFKit.PDFDocument, letter: PrintableLetter, labels: PdfLabels, first: number, count: number, fonts: Fonts): void {
  const left = MARGINS.left;
  const code = cleanPrintableLine(labels.letterCode(letter.code), fonts.drawable);
  const returnAddress = letter.returnAddress ? cleanPrintableLine(letter.returnAddress, fonts.drawable) : "";
  for (let n = 0; n < count; n++) {
    const page = doc.switchToPage(first + n);
    const width = page.width - MARGINS.left - MARGINS.right;
    const top = page.height - MARGINS.bottom + 10;
    // Writing inside the bottom margin would make pdfkit start a new page.
    page.margins.bottom = 0;
    doc.save().moveTo(left, top - 4).lineTo(left + width, top - 4).lineWidth(0.5).strokeColor("#888888").stroke().restore();
    doc.font(REGULAR).fontSize(FOOTER_SIZE).fillColor("black");
    doc.text(code, left, top, { width, align: "left", lineBreak: false });
    doc.text(cleanPrintableLine(labels.pageOf(n + 1, count), fonts.drawable), left, top, { width, align: "right", lineBreak: false });
    if (returnAddress) {
      doc.text(`${cleanPrintableLine(labels.returnAddress, fonts.drawable)}: ${returnAddress}`, left, top + FOOTER_SIZE + 4, {
        width,
        height: 2 * (FOOTER_SIZE + 2),
        ellipsis: true,
      });
    }
    page.margins.bottom = MARGINS.bottom;
  }
}

function drawLetter(doc: PDFKit.PDFDocument, letter: PrintableLetter, images: PageImage[], labels: PdfLabels, fonts: Fonts): { first: number; count: number } {
  const first = doc.bufferedPageRange().count;
  doc.addPage();
  drawRecipientBlock(doc, letter, labels, fonts);
  if (letter.body.kind === "typed") drawTyped(doc, letter, letter.body, labels, fonts);
  else drawHandwritten(doc, letter, images, fonts);
  return { first, count: doc.bufferedPageRange().count - first };
}

/** One letter as an A4 PDF with the DejaVu Sans font embedded (Cyrillic). */
export async function renderLetterPdf(letter: PrintableLetter, labels: PdfLabels): Promise<Buffer> {
  return renderBatchPdf([letter], labels);
}

/** Several letters merged into one PDF; each starts on a new page and is numbered on its own. */
export async function renderBatchPdf(letters: PrintableLetter[], labels: PdfLabels): Promise<Buffer> {
  if (letters.length === 0) throw new RangeError("a batch needs at least one letter");
  const fonts = await loadFonts();
  const images = await Promise.all(letters.map(pageImages));
  const title = letters.length === 1 && letters[0] ? labels.letterCode(letters[0].code) : letters.map((l) => l.code).join(", ");
  const doc = newDocument(fonts, cleanPrintableLine(title));
  const ranges = letters.map((letter, i) => ({ letter, ...drawLetter(doc, letter, images[i] ?? [], labels, fonts) }));
  for (const { letter, first, count } of ranges) drawFooters(doc, letter, labels, first, count, fonts);
  return finish(doc);
}
