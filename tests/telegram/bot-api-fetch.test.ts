// The Bot API client's transport (src/telegram/bot-api-fetch.ts) through grammY's Api: what the
// fake Telegram receives and stores, Telegram's refusals, and what a broken network does.
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { Readable } from "node:stream";
import sharp from "sharp";
import { Api, GrammyError, HttpError, InputFile } from "grammy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeTelegram, type FakeTelegram } from "../../src/fake-telegram/index.js";
import { botApiClientOptions, botApiFetch } from "../../src/telegram/bot-api-fetch.js";

let telegram: FakeTelegram;
let api: Api;

beforeAll(async () => {
  telegram = await startFakeTelegram();
  api = new Api(telegram.token, botApiClientOptions(telegram.apiRoot));
});
afterAll(async () => {
  await telegram.close();
});

/** A local server answering every request with `handle`; counts the connections it accepted. */
async function serve(handle: Parameters<typeof createServer>[1]): Promise<{ root: string; connections: () => number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer(handle);
  server.on("connection", (socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    root: `http://127.0.0.1:${port}`,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** What getMe answers (or throws) from a local server answering with `handle`. */
async function getMeFrom(handle: Parameters<typeof createServer>[1], timeoutSeconds?: number): Promise<unknown> {
  const server = await serve(handle);
  try {
    const own = new Api("1:x", { ...botApiClientOptions(server.root), ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}) });
    return await own.getMe().catch((err: unknown) => err);
  } finally {
    await server.close();
  }
}

describe("the Bot API through botApiFetch", () => {
  it("sends a message with Cyrillic text and a keyboard, and reads Telegram's answer", async () => {
    const user = telegram.user({ languageCode: "ru" });
    await user.sendText("/start");
    const text = "Здравствуйте! Пишу вам из Калининграда — у нас выпал первый снег. ".repeat(40).trim();
    const sent = await api.sendMessage(user.id, text, { reply_markup: { inline_keyboard: [[{ text: "Дальше", callback_data: "next" }]] } });
    expect(sent.text).toBe(text);
    const stored = user.messages().at(-1)!;
    expect(stored.text).toBe(text);
    expect(stored.inlineKeyboard.flat().map((b) => b.text)).toEqual(["Дальше"]);
  });

  it("uploads a photo as a multipart stream: Telegram stores the very bytes", async () => {
    const user = telegram.user();
    await user.sendText("/start");
    const jpeg = await sharp({ create: { width: 640, height: 480, channels: 3, background: "#8a6" } }).jpeg().toBuffer();
    const sent = await api.sendDocument(user.id, new InputFile(Readable.from([jpeg.subarray(0, 1000), jpeg.subarray(1000)]), "scan.jpg"), { caption: "Ответ" });
    const stored = telegram.file(sent.document.file_id);
    expect(stored?.fileName).toBe("scan.jpg");
    expect(Buffer.compare(stored!.bytes, jpeg)).toBe(0);
  });

  it("turns Telegram's refusal into grammY's GrammyError with the description", async () => {
    const error = await api.sendMessage(123_456_789, "hi").catch((err: unknown) => err);
    expect(error).toBeInstanceOf(GrammyError);
    expect((error as GrammyError).error_code).toBe(400);
    expect((error as GrammyError).description).toMatch(/chat not found/);
  });

  it("reuses one connection for calls one after another", async () => {
    const server = await serve((req, res) => {
      req.resume();
      req.on("end", () => res.setHeader("content-type", "application/json").end(JSON.stringify({ ok: true, result: true })));
    });
    try {
      const own = new Api("1:x", botApiClientOptions(server.root));
      for (let i = 0; i < 5; i++) await own.sendChatAction(1, "typing");
      expect(server.connections()).toBe(1);
    } finally {
      await server.close();
    }
  });

  it("reports an answer that is not JSON (a proxy's error page) as an HttpError", async () => {
    const error = await getMeFrom((_req, res) => res.writeHead(502, { "content-type": "text/html" }).end("<html>Bad Gateway</html>"));
    expect(error).toBeInstanceOf(HttpError);
  });

  it("reports an answer cut off half-way as an HttpError", async () => {
    const error = await getMeFrom((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
      res.write('{"ok":true,"res');
      setTimeout(() => res.destroy(), 20);
    });
    expect(error).toBeInstanceOf(HttpError);
  });

  it("gives up on a Bot API that never answers when grammY's timeout ends the call", async () => {
    const started = Date.now();
    const error = await getMeFrom(() => undefined, 1);
    expect(error).toBeInstanceOf(HttpError);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("refuses a signal already aborted, and a URL that is not http(s), without a request", async () => {
    const controller = new AbortController();
    controller.abort(new Error("stopped"));
    await expect(botApiFetch(`${telegram.apiRoot}/bot${telegram.token}/getMe`, { signal: controller.signal })).rejects.toThrow("stopped");
    await expect(botApiFetch("file:///etc/passwd")).rejects.toThrow(/http/);
  });
});
