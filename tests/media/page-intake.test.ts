import { describe, expect, it } from "vitest";
import { documentVerdict, offeredFileVerdict, readLimited } from "../../src/media/page-intake.js";
import { MAX_IMAGE_BYTES } from "../../src/media/photo.js";

describe("a letter page offered in the chat", () => {
  it("refuses PDF, HEIC and other document types by mime type or name, before any download", () => {
    expect(documentVerdict("application/pdf", "letter.bin")).toBe("pdf");
    expect(documentVerdict(undefined, "Letter.PDF")).toBe("pdf");
    expect(documentVerdict("image/heif", undefined)).toBe("heic");
    expect(documentVerdict("application/octet-stream", "IMG_1.HEIC")).toBe("heic");
    expect(documentVerdict("application/msword", "letter.doc")).toBe("unsupported-format");
  });

  it("downloads images and unknown types (phones send photos as octet-stream) unless over 20 MB", () => {
    expect(documentVerdict("image/png", "scan.png")).toBe("image");
    expect(documentVerdict(undefined, undefined)).toBe("image");
    expect(offeredFileVerdict({ kind: "document", mimeType: "application/octet-stream", size: 1000 })).toBe("download");
    expect(offeredFileVerdict({ kind: "photo", size: MAX_IMAGE_BYTES })).toBe("download");
    expect(offeredFileVerdict({ kind: "photo", size: MAX_IMAGE_BYTES + 1 })).toBe("too-large-file");
    expect(offeredFileVerdict({ kind: "document", fileName: "a.pdf", size: MAX_IMAGE_BYTES + 1 })).toBe("pdf");
  });
});

describe("reading a download with a limit", () => {
  it("returns the bytes within the limit", async () => {
    expect(await readLimited(new Response(Buffer.from("12345")), 5)).toEqual(Buffer.from("12345"));
  });

  it("refuses a body that declares or turns out to be too large", async () => {
    expect(await readLimited(new Response("1", { headers: { "content-length": "6" } }), 5)).toBeUndefined();
    expect(await readLimited(new Response(Buffer.from("123456")), 5)).toBeUndefined();
  });
});
