import { existsSync } from "node:fs";
import { join } from "node:path";
import { crc32, deflateSync } from "node:zlib";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { createFileStorage } from "../../src/storage/index.js";
import { startTestAppPerTest } from "../helpers/app.js";
import { buttonTexts, LETTER_CODE, letterCodeIn, openLetter, WAIT, WAIT_EDITS } from "./letter-helpers.js";

const start = startTestAppPerTest({ roles: ["bot"] });

/** A page photographed sideways: stored 800x600 with a dark bar top-left, EXIF orientation 6 and GPS. */
async function sidewaysPageWithGps(): Promise<Buffer> {
  const svg = `<svg width="800" height="600" xmlns="http://www.w3.org/2000/svg">
    <rect x="40" y="40" width="300" height="80" fill="#111"/>
    <text x="60" y="320" font-size="56" fill="#333">Dear Pyotr, hello from Riga</text></svg>`;
  return sharp({ create: { width: 800, height: 600, channels: 3, background: "#efe9dc" } })
    .composite([{ input: Buffer.from(svg) }])
    .jpeg({ quality: 90 })
    .withExif({
      IFD0: { Make: "PhoneCam", Model: "X100" },
      IFD3: { GPSLatitudeRef: "N", GPSLatitude: "56/1 56/1 4200/100", GPSLongitudeRef: "E", GPSLongitude: "24/1 6/1 0/1", GPSMapDatum: "WGS-84" },
    })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

async function plainPage(label: string, background = "#ffffff"): Promise<Buffer> {
  const svg = `<svg width="600" height="800" xmlns="http://www.w3.org/2000/svg"><text x="40" y="120" font-size="48" fill="#222">${label}</text></svg>`;
  return sharp({ create: { width: 600, height: 800, channels: 3, background } })
    .composite([{ input: Buffer.from(svg) }])
    .jpeg({ quality: 90 })
    .toBuffer();
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A few hundred bytes claiming 30000 x 30000 pixels: a decompression bomb's header. */
function pngBomb(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(30_000, 0);
  ihdr.writeUInt32BE(30_000, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(0, 9); // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", ihdr),
    pngChunk("IDAT", deflateSync(Buffer.alloc(30_001 * 4))),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

/** An iPhone HEIC file's leading bytes (ftyp box with the heic brand). */
function heicBytes(): Buffer {
  const size = Buffer.alloc(4);
  size.writeUInt32BE(24);
  return Buffer.concat([size, Buffer.from("ftypheic", "latin1"), Buffer.alloc(4), Buffer.from("mif1heic", "latin1"), Buffer.alloc(400, 7)]);
}

describe("a handwritten letter", () => {
  it("English writer: an album of 2 photos, a restart, a double Send; pages stored upright, grey, without metadata", async () => {
    const t = await start();
    const user = t.user({ languageCode: "en" });
    const f = await openLetter(t, user, { language: "en", signatureName: "Friend from Riga" });

    const sideways = await sidewaysPageWithGps();
    const input = await sharp(sideways).metadata();
    expect(input.orientation).toBe(6);
    expect([input.width, input.height]).toEqual([800, 600]);
    expect(input.exif?.includes(Buffer.from("WGS-84"))).toBe(true);
    expect(input.exif?.includes(Buffer.from("PhoneCam"))).toBe(true);
    const second = await plainPage("Page two: books I love");

    const prompt = user.waitForMessage("Send photos of your handwritten letter", WAIT);
    await user.pressButton("📷 Photos of a handwritten letter");
    await prompt;

    // An album arrives as two updates; one status message follows it.
    const two = user.waitForMessage("Pages received: 2 of at most 10", WAIT_EDITS);
    await user.sendPhoto(sideways, { mediaGroupId: "album-1" });
    await user.sendPhoto(second, { mediaGroupId: "album-1" });
    const status = await two;
    expect(buttonTexts(status)).toEqual(["✅ Done", "↩️ Remove last page", "🔄 Start over", "✖️ Cancel"]);
    expect(user.messages().filter((m) => (m.text ?? "").startsWith("📄 Pages received"))).toHaveLength(1);
    const drafts = join(t.config.storageDir, "drafts", String(f.writerId));
    expect(existsSync(drafts)).toBe(true);

    await t.restart();

    const summary = user.waitForMessage("Please check your letter before it goes", WAIT);
    await user.pressButton("✅ Done");
    const shown = await summary;
    expect(shown.text).toContain("To: Pyotr Primerov, ФКУ ИК-28");
    expect(shown.text).toContain("Handwritten letter: 2 pages");
    expect(shown.text).toContain("Signed: Friend from Riga");

    const sent = user.waitForMessage(LETTER_CODE, WAIT);
    const [first, again] = await Promise.all([user.pressButton("📨 Send"), user.pressButton("📨 Send")]);
    const done = await sent;
    const code = letterCodeIn(done);
    // The second press is told the letter is already with us, by its code.
    expect([first.text, again.text]).toContain(
      `We already have your letter ${code}: no need to press again. You can follow it in “My letters”.`,
    );
    expect(done.text).toContain(`Its code is ${code}, and its status is now “being checked”`);
    expect(done.text).toContain("When Pyotr Primerov replies, the reply comes to this chat.");

    const prisma = t.app.prisma;
    expect(await prisma.letter.count({ where: { writerId: f.writerId } })).toBe(1);
    const letter = await prisma.letter.findUniqueOrThrow({ where: { code }, include: { pages: { orderBy: { index: "asc" } } } });
    expect(letter).toMatchObject({ kind: "handwritten", text: null, status: "submitted", language: "en", needsTranslation: true });
    expect(letter.pages.map((p) => p.storagePath)).toEqual([`letters/${letter.id}/page-1.jpg`, `letters/${letter.id}/page-2.jpg`]);
    expect(user.messages().filter((m) => LETTER_CODE.test(m.text ?? ""))).toHaveLength(1);

    const storage = createFileStorage(t.config.storageDir, t.config.keyring);
    const page1 = await storage.get(letter.pages[0]?.storagePath ?? "");
    const page2 = await storage.get(letter.pages[1]?.storagePath ?? "");
    expect(page1 && page2).toBeTruthy();
    for (const bytes of [page1, page2]) {
      const meta = await sharp(bytes).metadata();
      expect(meta.format).toBe("jpeg");
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      expect(meta.icc).toBeUndefined();
      expect(meta.orientation).toBeUndefined();
      expect(meta.channels).toBe(1);
      expect(bytes?.includes(Buffer.from("WGS-84"))).toBe(false);
      expect(bytes?.includes(Buffer.from("PhoneCam"))).toBe(false);
    }
    // Upright: the sideways 800x600 page now stands 600x800, its dark bar turned to the top right.
    const upright = await sharp(page1).raw().toBuffer({ resolveWithObject: true });
    expect([upright.info.width, upright.info.height]).toEqual([600, 800]);
    expect([letter.pages[0]?.width, letter.pages[0]?.height]).toEqual([600, 800]);
    const pixel = (x: number, y: number) => upright.data[(y * upright.info.width + x) * upright.info.channels] ?? -1;
    expect(pixel(520, 190)).toBeLessThan(80);
    expect(pixel(60, 190)).toBeGreaterThan(170);
    // The drafts are gone; the moderation job carries the id only.
    expect(existsSync(drafts)).toBe(false);
    expect((await t.app.queues.byName.moderation.getJob(`moderation-${letter.id}`))?.data).toEqual({ letterId: letter.id });
  }, 60_000);
});

describe("handwritten letter: bad input gets an answer and the flow goes on", () => {
  it("text, stickers, voice, video, PDF, HEIC, over 20 MB, a bomb, a truncated JPEG, a Word file, no pages, duplicates, /cancel", async () => {
    const t = await start();
    const user = t.user({ languageCode: "en" });
    const f = await openLetter(t, user, { language: "en", signatureName: "Friend" });
    const prompt = user.waitForMessage("Send photos of your handwritten letter", WAIT);
    await user.pressButton("📷 Photos of a handwritten letter");
    await prompt;

    const expectAnswer = async (action: () => Promise<unknown>, text: string | RegExp) => {
      const reply = user.waitForMessage(text, WAIT);
      await action();
      return reply;
    };

    await expectAnswer(() => user.sendText("Here is my letter"), "We are waiting for photos of the pages");
    await expectAnswer(() => user.sendSticker(), "Stickers cannot go into a letter.\nWe are waiting for photos of the pages");
    await expectAnswer(() => user.sendVoice(), "Voice and audio messages cannot go into a letter.");
    await expectAnswer(() => user.sendVideo(), "Videos and GIFs cannot go into a letter.");
    await expectAnswer(() => user.sendDocument(Buffer.from("%PDF-1.4\n%%EOF\n"), { fileName: "letter.pdf" }), "PDF files are not accepted.");
    await expectAnswer(() => user.sendDocument(heicBytes(), { fileName: "IMG_0001.HEIC" }), "This is a HEIC picture");
    // Named .jpg, but the bytes say HEIC: downloaded, sniffed, refused for what it is.
    await expectAnswer(() => user.sendDocument(heicBytes(), { fileName: "page.jpg" }), "This is a HEIC picture");

    const getFilesBefore = t.fake.calls("getFile").length;
    await expectAnswer(
      () => user.sendDocument(Buffer.alloc(21 * 1024 * 1024, 1), { fileName: "scan.png" }),
      "This file is larger than 20 MB",
    );
    // Refused from file_size alone, before any download.
    expect(t.fake.calls("getFile").length).toBe(getFilesBefore);

    await expectAnswer(() => user.sendDocument(pngBomb(), { fileName: "page.png" }), "far too large in pixels");
    const whole = await plainPage("Page one");
    await expectAnswer(
      () => user.sendDocument(whole.subarray(0, Math.floor(whole.length * 0.6)), { fileName: "page-1.jpg" }),
      "This picture seems damaged or incomplete",
    );
    await expectAnswer(() => user.sendDocument(Buffer.from("PK\u0003\u0004 word"), { fileName: "letter.docx" }), "We cannot use this file");

    // /start in the middle offers to continue; the draft stays.
    const startAsk = await expectAnswer(() => user.sendText("/start"), "You are in the middle of a letter to Pyotr Primerov");
    await user.pressButton("✍️ Continue the letter", { messageId: startAsk.messageId });

    // A good page; the same page again; remove it; Done with nothing; then a page as an image file.
    const one = await expectAnswer(() => user.sendPhoto(whole), "Pages received: 1 of at most 10");
    await expectAnswer(() => user.sendPhoto(whole), "You have already sent this page");
    await expectAnswer(() => user.pressButton("↩️ Remove last page", { messageId: one.messageId }), "The last page is removed. Pages now: 0");
    await expectAnswer(() => user.pressButton("✅ Done", { messageId: one.messageId }), "There are no pages yet.");
    const png = await sharp(await plainPage("Page as a file")).png().toBuffer();
    await expectAnswer(() => user.sendDocument(png, { fileName: "page.png" }), "Pages received: 1 of at most 10");

    const drafts = join(t.config.storageDir, "drafts", String(f.writerId));
    expect(existsSync(drafts)).toBe(true);
    await expectAnswer(() => user.sendText("/cancel"), "All right, stopped.");
    // /cancel removed the draft's files too.
    expect(existsSync(drafts)).toBe(false);
    expect(await t.app.prisma.letter.count({ where: { writerId: f.writerId } })).toBe(0);
  }, 90_000);
});
