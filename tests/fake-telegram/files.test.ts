import { InputFile } from "grammy";
import type { Message, PhotoSize } from "grammy/types";
import sharp from "sharp";
import { afterEach, describe, expect, test } from "vitest";
import { createHarness, png, type Harness } from "./helpers.js";

let h: Harness;

afterEach(async () => {
  await h.stop();
});

async function download(harness: Harness, fileId: string): Promise<{ bytes: Buffer; path: string }> {
  const file = await harness.bot.api.getFile(fileId);
  const path = file.file_path ?? "";
  const res = await fetch(`${harness.fake.apiRoot}/file/bot${harness.fake.token}/${path}`);
  expect(res.status).toBe(200);
  return { bytes: Buffer.from(await res.arrayBuffer()), path };
}

describe("photos and documents from users", () => {
  test("a user's photo arrives as PhotoSize[] smallest first, and getFile downloads the original", async () => {
    h = await createHarness();
    const original = await png(1200, 900);
    let received: PhotoSize[] | undefined;
    h.bot.on("message:photo", async (ctx) => {
      received = ctx.message.photo;
      await ctx.reply(`got ${ctx.message.caption}`);
    });
    await h.start();
    const ann = h.fake.user();
    await ann.sendPhoto(original, { caption: "page 1" });
    await ann.waitForMessage("got page 1");

    expect(received?.map((p) => [p.width, p.height])).toEqual([
      [90, 68],
      [320, 240],
      [800, 600],
      [1200, 900],
    ]);
    const largest = received?.at(-1);
    expect(largest?.file_size).toBe(original.length);
    const { bytes, path } = await download(h, largest?.file_id ?? "");
    expect(path).toMatch(/^photos\/file_\d+\.png$/);
    expect(bytes.equals(original)).toBe(true);
    const thumb = await download(h, received?.[0]?.file_id ?? "");
    expect(await sharp(thumb.bytes).metadata()).toMatchObject({ format: "jpeg", width: 90, height: 68 });
  });

  test("album photos arrive as separate updates with one media_group_id", async () => {
    h = await createHarness();
    const groups: (string | undefined)[] = [];
    h.bot.on("message:photo", (ctx) => {
      groups.push(ctx.message.media_group_id);
    });
    await h.start();
    const ann = h.fake.user();
    await ann.sendPhoto(await png(100, 200), { mediaGroupId: "album-1" });
    await ann.sendPhoto(await png(200, 100), { mediaGroupId: "album-1" });
    await expect.poll(() => groups).toEqual(["album-1", "album-1"]);
  });

  test("a user's document keeps its name and type; getFile refuses files over 20 MB", async () => {
    h = await createHarness();
    const ann = h.fake.user();
    const pdf = Buffer.from("%PDF-1.4\n% a small letter\n");
    const sent = await ann.sendDocument(pdf, { fileName: "letter.pdf", caption: "my letter" });
    expect(sent.document).toMatchObject({ file_name: "letter.pdf", mime_type: "application/pdf", file_size: pdf.length });
    expect(sent.caption).toBe("my letter");
    expect((await download(h, sent.document?.file_id ?? "")).bytes.equals(pdf)).toBe(true);

    const big = await ann.sendDocument(Buffer.alloc(20 * 1024 * 1024 + 1), { fileName: "scan.tiff" });
    expect(big.document?.mime_type).toBe("image/tiff");
    await expect(h.bot.api.getFile(big.document?.file_id ?? "")).rejects.toMatchObject({
      error_code: 400,
      description: "Bad Request: file is too big",
    });
    await expect(h.bot.api.getFile("nonsense")).rejects.toMatchObject({ error_code: 400 });
    const missing = await fetch(`${h.fake.apiRoot}/file/bot${h.fake.token}/documents/nope.pdf`);
    expect(missing.status).toBe(404);
  });

  test("stickers, voice and video arrive with their objects", async () => {
    h = await createHarness();
    const kinds: string[] = [];
    h.bot.on(["message:sticker", "message:voice", "message:video"], (ctx) => {
      kinds.push(ctx.message.sticker?.emoji ?? (ctx.message.voice ? "voice" : "video"));
    });
    await h.start();
    const ann = h.fake.user();
    await ann.sendSticker({ emoji: "🌷" });
    await ann.sendVoice();
    await ann.sendVideo();
    await expect.poll(() => kinds).toEqual(["🌷", "voice", "video"]);
  });
});

describe("photos and documents from the bot", () => {
  test("sendPhoto with an InputFile stores the uploaded bytes and real sizes", async () => {
    h = await createHarness();
    const ann = h.fake.user();
    await ann.sendText("/start");
    const picture = await png(640, 480, "#aa2211");
    const message = await h.bot.api.sendPhoto(ann.id, new InputFile(picture, "scan.png"), {
      caption: "<i>Reply</i> from Anna",
      parse_mode: "HTML",
    });
    expect(message.photo?.map((p) => [p.width, p.height])).toEqual([
      [90, 68],
      [320, 240],
      [640, 480],
    ]);
    expect(message.caption).toBe("Reply from Anna");
    expect(message.caption_entities).toEqual([{ type: "italic", offset: 0, length: 5 }]);

    const seen = ann.lastMessage();
    expect(seen?.kind).toBe("photo");
    expect(seen?.caption).toBe("Reply from Anna");
    expect(seen?.fileBytes()?.equals(picture)).toBe(true);
    expect(h.fake.file(message.photo?.[0]?.file_id ?? "")?.mimeType).toBe("image/jpeg");

    // Re-using a file_id sends the same photo without an upload.
    const again = await h.bot.api.sendPhoto(ann.id, message.photo?.[1]?.file_id ?? "");
    expect(again.photo?.map((p) => p.file_id)).toEqual(message.photo?.map((p) => p.file_id));
    await expect(h.bot.api.sendPhoto(ann.id, new InputFile(Buffer.from("not an image"), "x.jpg"))).rejects.toMatchObject({
      description: "Bad Request: IMAGE_PROCESS_FAILED",
    });
  });

  test("sendDocument keeps a file name with spaces and Cyrillic", async () => {
    h = await createHarness();
    const ann = h.fake.user();
    await ann.sendText("/start");
    const bytes = Buffer.from("%PDF-1.7\nbatch\n");
    const message = await h.bot.api.sendDocument(ann.id, new InputFile(bytes, "партия 12.pdf"), { caption: "Batch 12" });
    expect(message.document).toMatchObject({ file_name: "партия 12.pdf", mime_type: "application/pdf", file_size: bytes.length });
    const seen = ann.lastMessage();
    expect(seen?.document?.file_name).toBe("партия 12.pdf");
    expect(seen?.fileBytes()?.equals(bytes)).toBe(true);
    const call = h.fake.calls("sendDocument")[0];
    expect(call?.params.caption).toBe("Batch 12");
  });

  test("sendMediaGroup uploads every attach:// file into one album", async () => {
    h = await createHarness();
    const ann = h.fake.user();
    await ann.sendText("/start");
    const pages = await Promise.all([png(300, 400, "#111111"), png(400, 300, "#222222"), png(50, 60, "#333333")]);
    const messages = await h.bot.api.sendMediaGroup(
      ann.id,
      pages.map((page, i) => ({ type: "photo" as const, media: new InputFile(page, `page${i + 1}.png`), ...(i === 0 ? { caption: "3 pages" } : {}) })),
    );
    expect(messages).toHaveLength(3);
    const groupIds = messages.map((m) => (m as Message).media_group_id);
    expect(groupIds[0]).toMatch(/^\d+$/);
    expect(new Set(groupIds).size).toBe(1);
    expect(messages.map((m) => m.message_id)).toEqual([2, 3, 4]);
    const seen = ann.messages();
    expect(seen.map((m) => m.caption)).toEqual(["3 pages", undefined, undefined]);
    expect(seen.map((m) => m.fileBytes()?.equals(pages[seen.indexOf(m)] ?? Buffer.alloc(0)))).toEqual([true, true, true]);
    expect(seen[2]?.photo?.map((p) => [p.width, p.height])).toEqual([[50, 60]]);

    await expect(
      h.bot.api.sendMediaGroup(ann.id, [{ type: "photo", media: new InputFile(pages[0] ?? Buffer.alloc(0)) }]),
    ).rejects.toMatchObject({ error_code: 400 });
  });
});
