import { createHash } from "node:crypto";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import {
  ImageRejectedError,
  MAX_IMAGE_BYTES,
  PAGE_MAX_HEIGHT,
  PAGE_MAX_WIDTH,
  processLetterPage,
  sniffImageFormat,
  type ImageRejectionReason,
} from "../../src/media/photo.js";
import {
  GPS_LATITUDE,
  heicHeader,
  meanGrey,
  pageImage,
  phoneJpeg,
  pngBomb,
  pngWithTransparentBottom,
  readExifGpsLatitude,
} from "./images.js";

async function rejection(input: Buffer, opts?: { maxInputPixels?: number }): Promise<ImageRejectionReason> {
  try {
    await processLetterPage(input, opts);
  } catch (err) {
    if (err instanceof ImageRejectedError) return err.reason;
    throw err;
  }
  throw new Error("expected the image to be rejected");
}

describe("processLetterPage", () => {
  it("strips every piece of metadata, applies the EXIF rotation and writes one grey channel", async () => {
    const input = await phoneJpeg(400, 200);
    const before = await sharp(input).metadata();
    // The input really is what a phone sends: rotation tag, GPS, camera, ICC and XMP.
    expect(before.orientation).toBe(6);
    expect(before.exif).toBeDefined();
    expect(readExifGpsLatitude(before.exif!)).toEqual(GPS_LATITUDE);
    expect(before.exif!.toString("latin1")).toContain("LifelineTestCam");
    expect(before.icc).toBeDefined();
    expect(before.xmp).toBeDefined();
    expect([before.width, before.height]).toEqual([400, 200]);

    const page = await processLetterPage(input);
    const after = await sharp(page.data).metadata();
    expect(after.format).toBe("jpeg");
    expect(after.exif).toBeUndefined();
    expect(after.icc).toBeUndefined();
    expect(after.xmp).toBeUndefined();
    expect(after.iptc).toBeUndefined();
    expect(after.orientation).toBeUndefined();
    expect(page.data.includes("LifelineTestCam")).toBe(false);
    expect(page.data.includes("Exif")).toBe(false);
    expect(after.channels).toBe(1);
    expect(after.space).toBe("b-w");

    // Orientation 6 = turn 90° clockwise: the stored left (dark) half becomes the top half.
    expect([page.width, page.height]).toEqual([200, 400]);
    expect([after.width, after.height]).toEqual([200, 400]);
    const top = await meanGrey(page.data, { left: 0, top: 20, width: 200, height: 160 });
    const bottom = await meanGrey(page.data, { left: 0, top: 220, width: 200, height: 160 });
    expect(top).toBeLessThan(80);
    expect(bottom).toBeGreaterThan(180);

    expect(page.format).toBe("jpeg");
    expect(page.sha256).toBe(createHash("sha256").update(page.data).digest("hex"));
  });

  it("fits large photos inside A4 at 200 dpi, keeping the aspect ratio", async () => {
    const portrait = await processLetterPage(await pageImage(2480, 3508).jpeg().toBuffer());
    expect([portrait.width, portrait.height]).toEqual([PAGE_MAX_WIDTH, PAGE_MAX_HEIGHT]);

    const landscape = await processLetterPage(await pageImage(3000, 1500).jpeg().toBuffer());
    expect(landscape.width).toBe(PAGE_MAX_WIDTH);
    expect(landscape.height).toBe(827);
    const meta = await sharp(landscape.data).metadata();
    expect([meta.width, meta.height, meta.channels]).toEqual([PAGE_MAX_WIDTH, 827, 1]);
  });

  it("accepts PNG (transparency printed as white paper) and WebP", async () => {
    const png = await pngWithTransparentBottom(300, 400);
    expect((await sharp(png).metadata()).hasAlpha).toBe(true);
    const fromPng = await processLetterPage(png);
    expect([fromPng.width, fromPng.height]).toEqual([300, 400]);
    expect((await sharp(fromPng.data).metadata()).channels).toBe(1);
    expect(await meanGrey(fromPng.data, { left: 10, top: 310, width: 130, height: 80 })).toBeGreaterThan(240);

    const webp = await pageImage(320, 240).webp().toBuffer();
    const fromWebp = await processLetterPage(webp);
    expect([fromWebp.width, fromWebp.height]).toEqual([320, 240]);
    expect(sniffImageFormat(fromWebp.data)).toBe("jpeg");
  });

  it("stretches the contrast of a faint page: faint strokes become darker, grey paper white", async () => {
    // Strokes of grey 140 on paper of grey 160: a washed-out photo of a pencil letter.
    const lines = Array.from({ length: 8 }, (_, k) => `<path d="M 40 ${60 + 40 * k} L 360 ${60 + 40 * k}"/>`).join("");
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400"><g stroke="#8c8c8c" stroke-width="8">${lines}</g></svg>`;
    const faint = await sharp({ create: { width: 400, height: 400, channels: 3, background: "#a0a0a0" } })
      .composite([{ input: Buffer.from(svg) }])
      .jpeg()
      .toBuffer();
    const page = await processLetterPage(faint);
    const dark = await meanGrey(page.data, { left: 60, top: 138, width: 280, height: 4 });
    const light = await meanGrey(page.data, { left: 60, top: 156, width: 280, height: 8 });
    expect(light).toBeGreaterThan(240);
    // 20 levels apart before; the gain is capped (paper grain must not turn into grime), so at
    // least five times that after.
    expect(light - dark).toBeGreaterThan(100);
  });

  it("keeps a large dark area dark instead of treating it as a shadow", async () => {
    const page = await processLetterPage(await pageImage(400, 400).jpeg().toBuffer());
    expect(await meanGrey(page.data, { left: 20, top: 20, width: 160, height: 360 })).toBeLessThan(60);
    expect(await meanGrey(page.data, { left: 220, top: 20, width: 160, height: 360 })).toBeGreaterThan(245);
  });

  it("refuses HEIC, GIF, TIFF, PDF and unknown formats with the reason", async () => {
    expect(await rejection(heicHeader())).toBe("heic");
    expect(await rejection(await pageImage(40, 40).gif().toBuffer())).toBe("unsupported-format");
    expect(await rejection(await pageImage(40, 40).tiff().toBuffer())).toBe("unsupported-format");
    expect(await rejection(Buffer.from("%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"))).toBe("unsupported-format");
    expect(await rejection(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'))).toBe("unsupported-format");
    expect(await rejection(Buffer.from("just some text"))).toBe("unsupported-format");
  });

  it("refuses truncated and corrupted images", async () => {
    const jpeg = await pageImage(300, 300).jpeg().toBuffer();
    expect(await rejection(jpeg.subarray(0, Math.floor(jpeg.length * 0.6)))).toBe("corrupted");
    const scrambled = Buffer.from(jpeg);
    const middle = Math.floor(jpeg.length / 2);
    for (let i = middle; i < middle + 200; i++) scrambled[i] = (scrambled[i] ?? 0) ^ 0xff;
    expect(await rejection(scrambled)).toBe("corrupted");

    const png = await pageImage(300, 300).png().toBuffer();
    expect(await rejection(png.subarray(0, Math.floor(png.length / 2)))).toBe("corrupted");
    // PNG magic bytes in front of something else.
    expect(await rejection(Buffer.concat([png.subarray(0, 8), Buffer.alloc(64, 7)]))).toBe("corrupted");
  });

  it("refuses a decompression bomb from its header, before decoding", async () => {
    const bomb = pngBomb();
    expect(bomb.length).toBeLessThan(2000);
    const meta = await sharp(bomb, { limitInputPixels: false }).metadata();
    expect([meta.width, meta.height]).toEqual([30_000, 30_000]);
    const started = Date.now();
    expect(await rejection(bomb)).toBe("too-many-pixels");
    expect(Date.now() - started).toBeLessThan(1000);
    // The limit is configurable.
    expect(await rejection(await pageImage(300, 300).png().toBuffer(), { maxInputPixels: 50_000 })).toBe("too-many-pixels");
  });

  it("refuses empty and oversized files", async () => {
    expect(await rejection(Buffer.alloc(0))).toBe("empty");
    const huge = Buffer.alloc(MAX_IMAGE_BYTES + 1);
    huge.set([0xff, 0xd8, 0xff, 0xe0]);
    expect(await rejection(huge)).toBe("too-large-file");
  });
});

describe("sniffImageFormat", () => {
  it("recognises formats by their magic bytes", async () => {
    const img = pageImage(16, 16);
    expect(sniffImageFormat(await img.clone().jpeg().toBuffer())).toBe("jpeg");
    expect(sniffImageFormat(await img.clone().png().toBuffer())).toBe("png");
    expect(sniffImageFormat(await img.clone().webp().toBuffer())).toBe("webp");
    expect(sniffImageFormat(await img.clone().gif().toBuffer())).toBe("gif");
    expect(sniffImageFormat(await img.clone().tiff().toBuffer())).toBe("tiff");
    expect(sniffImageFormat(Buffer.from("%PDF-1.4"))).toBe("pdf");
    expect(sniffImageFormat(heicHeader())).toBe("heic");
    const avif = heicHeader();
    avif.write("avif", 8, "latin1");
    expect(sniffImageFormat(avif)).toBe("unknown");
    expect(sniffImageFormat(Buffer.alloc(0))).toBe("unknown");
    expect(sniffImageFormat(Buffer.from([0xff, 0xd8]))).toBe("unknown");
  });
});
