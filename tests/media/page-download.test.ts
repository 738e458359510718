import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { GrammyError } from "grammy";
import type { File } from "grammy/types";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downloadLetterPage, type PageSource } from "../../src/media/page-download.js";
import { MAX_IMAGE_BYTES } from "../../src/media/photo.js";
import { pageImage } from "./images.js";

const TOKEN = "123:secret";
let server: Server;
let apiRoot = "";
const files = new Map<string, Buffer>();
const warnings: string[] = [];

beforeAll(async () => {
  files.set("photos/page.jpg", await pageImage(800, 1100).jpeg().toBuffer());
  files.set("documents/notes.txt", Buffer.from("not an image"));
  server = createServer((req, res) => {
    const body = files.get(req.url?.replace(`/file/bot${TOKEN}/`, "") ?? "");
    res.writeHead(body ? 200 : 404).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  apiRoot = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** A source whose getFile answers like Telegram for the file ids below. */
function source(getFile: (fileId: string) => Promise<File>): PageSource {
  return { api: { getFile }, apiRoot, token: TOKEN, logger: { warn: (_fields: object, msg: string) => void warnings.push(msg) } as PageSource["logger"] };
}
const at = (path: string | undefined, size?: number) => (fileId: string): Promise<File> =>
  Promise.resolve({ file_id: fileId, file_unique_id: "u", file_path: path, file_size: size });

describe("downloading a letter page from Telegram", () => {
  it("fetches the file from the Bot API's file URL and returns it processed", async () => {
    const result = await downloadLetterPage(source(at("photos/page.jpg", 1000)), 7, "F1");
    if (!result.ok) throw new Error(result.reason);
    const stored = await sharp(result.page.data).metadata();
    expect([stored.format, stored.channels]).toEqual(["jpeg", 1]);
    expect(result.page.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("refuses a file over 20 MB by what getFile says, without fetching it", async () => {
    expect(await downloadLetterPage(source(at("photos/page.jpg", MAX_IMAGE_BYTES + 1)), 7, "F2")).toEqual({ ok: false, reason: "too-large-file" });
    const tooBig = new GrammyError("getFile failed", { ok: false, error_code: 400, description: "Bad Request: file is too big" }, "getFile", {});
    expect(await downloadLetterPage(source(() => Promise.reject(tooBig)), 7, "F3")).toEqual({ ok: false, reason: "too-large-file" });
  });

  it("reports a failed getFile, a missing path or a missing file as a failed download, and logs it", async () => {
    warnings.length = 0;
    expect(await downloadLetterPage(source(() => Promise.reject(new Error("network down"))), 7, "F4")).toEqual({ ok: false, reason: "download-failed" });
    expect(await downloadLetterPage(source(at(undefined)), 7, "F5")).toEqual({ ok: false, reason: "download-failed" });
    expect(await downloadLetterPage(source(at("photos/gone.jpg")), 7, "F6")).toEqual({ ok: false, reason: "download-failed" });
    expect(warnings).toEqual(["getFile failed for a letter page", "letter page download failed"]);
  });

  it("answers with the image checks' reason for bytes that are no picture", async () => {
    expect(await downloadLetterPage(source(at("documents/notes.txt")), 7, "F7")).toEqual({ ok: false, reason: "unsupported-format" });
  });
});
