// Reads a PDF the way a test needs it: text per page (with positions) and painted images.
import { getDocument, OPS } from "pdfjs-dist/legacy/build/pdf.mjs";

export interface PdfTextItem {
  str: string;
  x: number;
  y: number;
  width: number;
}

export interface PdfPageContent {
  width: number;
  height: number;
  items: PdfTextItem[];
  /** The page's text, items joined by spaces, whitespace collapsed. */
  text: string;
  images: number;
  /** Where each image was painted, in PDF points (origin bottom left). */
  imageBoxes: Box[];
}

export interface Box {
  left: number;
  bottom: number;
  right: number;
  top: number;
}

type Matrix = [number, number, number, number, number, number];

function multiply(m: Matrix, n: Matrix): Matrix {
  return [
    m[0] * n[0] + m[1] * n[2],
    m[0] * n[1] + m[1] * n[3],
    m[2] * n[0] + m[3] * n[2],
    m[2] * n[1] + m[3] * n[3],
    m[4] * n[0] + m[5] * n[2] + n[4],
    m[4] * n[1] + m[5] * n[3] + n[5],
  ];
}

/** Follows save/restore/transform through an operator list; an image fills the unit square of the CTM. */
function imageBoxes(fnArray: number[], argsArray: unknown[]): Box[] {
  let ctm: Matrix = [1, 0, 0, 1, 0, 0];
  const stack: Matrix[] = [];
  const boxes: Box[] = [];
  fnArray.forEach((fn, i) => {
    if (fn === OPS.save) stack.push(ctm);
    else if (fn === OPS.restore) ctm = stack.pop() ?? [1, 0, 0, 1, 0, 0];
    else if (fn === OPS.transform) ctm = multiply(argsArray[i] as Matrix, ctm);
    else if (fn === OPS.paintImageXObject || fn === OPS.paintInlineImageXObject) {
      const xs = [ctm[4], ctm[4] + ctm[0], ctm[4] + ctm[2], ctm[4] + ctm[0] + ctm[2]];
      const ys = [ctm[5], ctm[5] + ctm[1], ctm[5] + ctm[3], ctm[5] + ctm[1] + ctm[3]];
      boxes.push({ left: Math.min(...xs), right: Math.max(...xs), bottom: Math.min(...ys), top: Math.max(...ys) });
    }
  });
  return boxes;
}

export async function readPdf(pdf: Buffer): Promise<PdfPageContent[]> {
  const document = await getDocument({ data: new Uint8Array(pdf), verbosity: 0 }).promise;
  try {
    const pages: PdfPageContent[] = [];
    for (let n = 1; n <= document.numPages; n++) {
      const page = await document.getPage(n);
      const [, , width, height] = page.view;
      const content = await page.getTextContent();
      const items: PdfTextItem[] = [];
      for (const item of content.items) {
        if (!("str" in item) || item.str === "") continue;
        items.push({ str: item.str, x: item.transform[4] as number, y: item.transform[5] as number, width: item.width });
      }
      const ops = await page.getOperatorList();
      const boxes = imageBoxes(ops.fnArray, ops.argsArray);
      pages.push({
        width: width ?? 0,
        height: height ?? 0,
        items,
        text: collapse(items.map((i) => i.str).join(" ")),
        images: boxes.length,
        imageBoxes: boxes,
      });
    }
    return pages;
  } finally {
    await document.destroy();
  }
}

export function collapse(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}

/** Names of the fonts embedded as TrueType programs (pdfkit writes font dictionaries uncompressed). */
export function embeddedTrueTypeFonts(pdf: Buffer): string[] {
  const raw = pdf.toString("latin1");
  const names = [...raw.matchAll(/\/BaseFont\s*\/([A-Z]{6}\+[\w-]+)/g)].map((m) => m[1] ?? "");
  return raw.includes("/FontFile2") ? [...new Set(names)] : [];
}
