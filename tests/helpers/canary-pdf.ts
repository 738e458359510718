// A reply scan as a scanner's software writes it: document info (Author, Creator, Producer...),
// an XMP packet, and an embedded JPEG whose EXIF names the scanner. Every one of them carries the
// canary, so a test can look for it byte by byte in whatever the app stores or forwards.
import PDFDocument from "pdfkit";
import sharp from "sharp";

/** A scanner's page image: grey paper, a dark block of "ink", EXIF Make/Model = the canary. */
async function scannerJpeg(canary: string): Promise<Buffer> {
  return sharp({ create: { width: 600, height: 300, channels: 3, background: { r: 235, g: 235, b: 230 } } })
    .composite([{ input: { create: { width: 400, height: 120, channels: 3, background: { r: 20, g: 20, b: 30 } } }, left: 100, top: 90 }])
    .jpeg({ quality: 90 })
    .withExif({ IFD0: { Make: `Make-${canary}`, Model: `Model-${canary}`, Software: `Software-${canary}` } })
    .toBuffer();
}

/** An uncompressed PDF (so the canary is visible in its bytes) of `pages` A4 pages with text and the image. */
export async function canaryPdf(canary: string, pages = 1, text = "Dear friend, thank you for the letter."): Promise<Buffer> {
  const image = await scannerJpeg(canary);
  const doc = new PDFDocument({
    size: "A4",
    compress: false,
    // PDF/A (with a version above 1.3) makes pdfkit write an XMP packet carrying the document info.
    subset: "PDF/A-1b",
    pdfVersion: "1.7",
    info: { Author: `Author-${canary}`, Creator: `Creator-${canary}`, Producer: `Producer-${canary}`, Title: `Title-${canary}`, Subject: `Subject-${canary}`, Keywords: `Keywords-${canary}` },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve) => doc.on("end", resolve));
  for (let i = 0; i < pages; i++) {
    if (i > 0) doc.addPage();
    doc.fontSize(28).fillColor("black").text(`${text} (${i + 1})`, 72, 72, { width: 450 });
    doc.image(image, 72, 300, { width: 450 });
  }
  doc.end();
  await done;
  return Buffer.concat(chunks);
}
