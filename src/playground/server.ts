// The playground's web server (node:http): the page, a small JSON API that acts as the simulated
// people, Server-Sent Events with everything that happens in the chats, and file downloads.
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import busboy from "busboy";
import { transform } from "esbuild";
import type { I18n } from "@grammyjs/i18n";
import { LOCALES, LOCALES_DIR, type LocaleAwareContext } from "../messages/i18n.js";
import type { FakeEvent, FakeGroup, FakeMessage, FakeTelegram, FakeUser } from "../fake-telegram/index.js";
import type { Logger } from "../logger.js";
import type { ChatHistory, ChatView, PlaygroundEvent, PlaygroundState, PressResult, ReplyKeyboardView } from "./protocol.js";
import { messageView } from "./view.js";

/** One chat of the page: who types in it and how. */
export type PlaygroundChat =
  | { view: ChatView; kind: "private"; user: FakeUser }
  | { view: ChatView; kind: "group"; group: FakeGroup; operator: FakeUser };

export interface PlaygroundServerDeps {
  fake: FakeTelegram;
  chats: PlaygroundChat[];
  state: PlaygroundState;
  i18n: I18n<LocaleAwareContext>;
  logger: Logger;
}

const PUBLIC_DIR = fileURLToPath(new URL("./public/", import.meta.url));
const CLIENT_ENTRY = fileURLToPath(new URL("./client/app.ts", import.meta.url));

/** Telegram's limits for what a person can send (text) and what a bot can download (files). */
const MAX_TEXT = 4096;
const MAX_FILE_BYTES = 20 * 1024 * 1024;
const MAX_FILES = 10;
/** A whole upload: every file at its limit, plus room for the form's fields and boundaries. */
const MAX_UPLOAD_BYTES = MAX_FILES * MAX_FILE_BYTES + 1024 * 1024;
/** The bot may take a while under load (PDF rendering, queues): wait long for its answer. */
const PRESS_TIMEOUT_MS = 20_000;
const HEARTBEAT_MS = 15_000;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface StaticAsset {
  body: Buffer;
  type: string;
}

async function loadAssets(): Promise<Map<string, StaticAsset>> {
  const source = await readFile(CLIENT_ENTRY, "utf8");
  // The page's script is TypeScript (type-checked with the project); esbuild strips the types.
  const client = await transform(source, { loader: "ts", format: "esm", target: "es2022", sourcefile: "app.ts" });
  return new Map<string, StaticAsset>([
    ["/", { body: await readFile(`${PUBLIC_DIR}index.html`), type: "text/html; charset=utf-8" }],
    ["/style.css", { body: await readFile(`${PUBLIC_DIR}style.css`), type: "text/css; charset=utf-8" }],
    ["/app.js", { body: Buffer.from(client.code), type: "text/javascript; charset=utf-8" }],
  ]);
}

/** The page's own words (locales/*.ftl, `playground-*` keys), per language. */
async function pageStrings(i18n: I18n<LocaleAwareContext>): Promise<Map<string, Record<string, string>>> {
  const source = await readFile(`${LOCALES_DIR}/en.ftl`, "utf8");
  const keys = [...source.matchAll(/^(playground-[a-z0-9-]+)\s*=/gm)].map((m) => m[1] ?? "");
  return new Map(LOCALES.map((locale) => [locale, Object.fromEntries(keys.map((key) => [key, i18n.t(locale, key)]))]));
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > 64 * 1024) throw new HttpError(413, "request body too large");
    chunks.push(buf);
  }
  try {
    const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through to the 400 below
  }
  throw new HttpError(400, "expected a JSON object");
}

function optionalMessageId(value: unknown): number | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new HttpError(400, "replyTo must be a message id");
  return n;
}

interface UploadedFile {
  name: string;
  mimeType: string;
  bytes: Buffer;
}

interface Upload {
  files: UploadedFile[];
  fields: Record<string, string>;
}

/**
 * Reads a multipart upload. Any refusal (a file over 20 MB, too many files, a broken form) settles
 * the one promise at once and stops parsing; the rest of the body is drained unread, so the page
 * gets its answer and nothing more is kept in memory.
 */
function readUpload(req: IncomingMessage): Promise<Upload> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { fileSize: MAX_FILE_BYTES, files: MAX_FILES, fields: 10 } });
    } catch {
      reject(new HttpError(400, "expected multipart/form-data"));
      return;
    }
    let failed = false;
    const fail = (err: HttpError): void => {
      if (failed) return;
      failed = true;
      req.unpipe(parser);
      req.resume();
      reject(err);
    };
    const files: UploadedFile[] = [];
    let reading = 0;
    let closed = false;
    const finish = (): void => {
      if (!failed && closed && reading === 0) resolve({ files: files.filter((f) => f.bytes.length > 0), fields });
    };
    const fields: Record<string, string> = {};
    parser.on("field", (name, value) => {
      fields[name] = value;
    });
    parser.on("file", (_field, stream, info) => {
      reading++;
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => {
        if (!failed) chunks.push(chunk);
      });
      stream.on("limit", () => {
        chunks.length = 0;
        fail(new HttpError(413, `${info.filename} is larger than 20 MB, Telegram's limit for bots`));
      });
      stream.on("error", (err: Error) => fail(new HttpError(400, err.message)));
      stream.on("end", () => {
        reading--;
        if (!failed) files.push({ name: info.filename || "file", mimeType: info.mimeType, bytes: Buffer.concat(chunks) });
        finish();
      });
    });
    parser.on("filesLimit", () => fail(new HttpError(413, `at most ${MAX_FILES} files at once`)));
    parser.on("error", (err: Error) => fail(new HttpError(400, err.message)));
    parser.on("close", () => {
      closed = true;
      finish();
    });
    req.pipe(parser);
  });
}

const PHOTO_TYPES = new Set(["image/jpeg", "image/png", "image/webp"]);

/** The names the page may be reached by: a loopback address, never a name someone else's DNS controls. */
function loopbackHosts(port: number): Set<string> {
  return new Set(["127.0.0.1", "localhost", "[::1]"].map((name) => `${name}:${port}`));
}

/**
 * The playground types into the operators' chat and shows everyone's letters: only this page may
 * use it. A foreign Host is DNS rebinding (another site's name pointed at 127.0.0.1); a foreign
 * Origin, or a browser saying the request is cross-site, is another page posting here. POSTs that
 * carry JSON must say so, which a cross-site page cannot do without a preflight we never allow.
 */
function checkCaller(req: IncomingMessage, hosts: Set<string>, jsonBody: boolean): void {
  const host = (req.headers.host ?? "").toLowerCase();
  if (!hosts.has(host)) throw new HttpError(421, "the playground answers only at 127.0.0.1 or localhost");
  if (req.method === "GET" || req.method === "HEAD") return;
  const origin = req.headers.origin;
  if (origin !== undefined && !hosts.has(origin.toLowerCase().replace(/^http:\/\//, ""))) throw new HttpError(403, "requests from other sites are refused");
  const site = req.headers["sec-fetch-site"];
  if (site !== undefined && site !== "same-origin" && site !== "none") throw new HttpError(403, "requests from other sites are refused");
  const type = (req.headers["content-type"] ?? "").toLowerCase();
  if (jsonBody && !type.startsWith("application/json")) throw new HttpError(415, "send JSON (Content-Type: application/json)");
  if (!jsonBody && !type.startsWith("multipart/form-data")) throw new HttpError(415, "send multipart/form-data");
}

export interface PlaygroundServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function startPlaygroundServer(deps: PlaygroundServerDeps, host: string, port: number): Promise<PlaygroundServer> {
  const { fake, chats, logger } = deps;
  const assets = await loadAssets();
  const strings = await pageStrings(deps.i18n);
  const byId = new Map(chats.map((c) => [c.view.id, c]));
  const clients = new Set<ServerResponse>();
  let albumCounter = 0;

  const historyOf = (chat: PlaygroundChat): FakeMessage[] => (chat.kind === "private" ? chat.user.history() : chat.group.history());
  const replyKeyboardOf = (chatId: number): ReplyKeyboardView => {
    const chat = byId.get(chatId);
    if (chat?.kind !== "private") return null;
    return chat.user.replyKeyboard()?.map((row) => row.map((b) => b.text)) ?? null;
  };

  const broadcast = (event: PlaygroundEvent): void => {
    const frame = `data: ${JSON.stringify(event)}\n\n`;
    for (const res of clients) res.write(frame);
  };
  const unsubscribe = fake.subscribe((event: FakeEvent) => {
    if (!byId.has(event.chatId)) return;
    switch (event.type) {
      case "message":
      case "edit":
        broadcast({ type: event.type, chatId: event.chatId, message: messageView(event.message), replyKeyboard: replyKeyboardOf(event.chatId) });
        return;
      case "delete":
        broadcast({ type: "delete", chatId: event.chatId, messageId: event.messageId });
        return;
      case "chat_action":
        broadcast({ type: "chat_action", chatId: event.chatId, action: event.action });
        return;
      case "callback_answer":
        // The pressing request gets the answer in its response.
        return;
    }
  });
  const heartbeat = setInterval(() => {
    for (const res of clients) res.write(": ping\n\n");
  }, HEARTBEAT_MS);

  const chatFrom = (idText: string | undefined): PlaygroundChat => {
    const chat = byId.get(Number(idText));
    if (chat === undefined) throw new HttpError(404, "no such chat");
    return chat;
  };

  const sendText = async (chat: PlaygroundChat, body: Record<string, unknown>): Promise<void> => {
    const text = typeof body.text === "string" ? body.text : "";
    if (text.trim() === "") throw new HttpError(400, "the message is empty");
    if (text.length > MAX_TEXT) throw new HttpError(400, `a message can have at most ${MAX_TEXT} characters`);
    const replyToMessageId = optionalMessageId(body.replyTo);
    const opts = replyToMessageId !== undefined ? { replyToMessageId } : {};
    if (chat.kind === "private") await chat.user.sendText(text, opts);
    else await chat.group.sendText(chat.operator, text, opts);
  };

  const press = async (chat: PlaygroundChat, body: Record<string, unknown>): Promise<PressResult> => {
    const messageId = optionalMessageId(body.messageId);
    const data = typeof body.data === "string" ? body.data : "";
    if (messageId === undefined || data === "") throw new HttpError(400, "messageId and data are required");
    const opts = { messageId, timeoutMs: PRESS_TIMEOUT_MS };
    const answer = chat.kind === "private" ? await chat.user.pressButton(data, opts) : await chat.group.pressButton(chat.operator, data, opts);
    return { showAlert: answer.showAlert, ...(answer.text !== undefined ? { text: answer.text } : {}), ...(answer.url !== undefined ? { url: answer.url } : {}) };
  };

  const upload = async (chat: PlaygroundChat, req: IncomingMessage): Promise<void> => {
    const { files, fields } = await readUpload(req);
    if (files.length === 0) throw new HttpError(400, "no file was attached");
    const caption = (fields.caption ?? "").trim();
    if (caption.length > 1024) throw new HttpError(400, "a caption can have at most 1024 characters");
    const replyToMessageId = optionalMessageId(fields.replyTo);
    const asPhotos = fields.asDocument !== "true" && files.every((f) => PHOTO_TYPES.has(f.mimeType));
    // Several photos go as one album, like Telegram sends them; the caption rides on the first.
    const mediaGroupId = files.length > 1 ? `playground-${Date.now()}-${++albumCounter}` : undefined;
    for (const [index, file] of files.entries()) {
      const common = {
        ...(index === 0 && caption !== "" ? { caption } : {}),
        ...(index === 0 && replyToMessageId !== undefined ? { replyToMessageId } : {}),
      };
      try {
        if (asPhotos) {
          const opts = { ...common, ...(mediaGroupId !== undefined ? { mediaGroupId } : {}) };
          if (chat.kind === "private") await chat.user.sendPhoto(file.bytes, opts);
          else await chat.group.sendPhoto(chat.operator, file.bytes, opts);
        } else {
          const opts = { ...common, fileName: file.name, ...(file.mimeType !== "application/octet-stream" ? { mimeType: file.mimeType } : {}) };
          if (chat.kind === "private") await chat.user.sendDocument(file.bytes, opts);
          else await chat.group.sendDocument(chat.operator, file.bytes, opts);
        }
      } catch (err) {
        throw new HttpError(400, err instanceof Error ? err.message : String(err));
      }
    }
  };

  const serveFile = (res: ServerResponse, fileId: string, download: boolean): void => {
    const file = fake.file(fileId);
    if (file === undefined) throw new HttpError(404, "no such file");
    const name = file.fileName ?? file.filePath.split("/").pop() ?? "file";
    res.writeHead(200, {
      "content-type": file.mimeType,
      "content-length": file.bytes.length,
      // Served bytes are never run as a page of this origin, whatever their type says.
      "x-content-type-options": "nosniff",
      "content-security-policy": "sandbox",
      "content-disposition": `${download ? "attachment" : "inline"}; filename*=UTF-8''${encodeURIComponent(name)}`,
    });
    res.end(file.bytes);
  };

  const openEvents = (req: IncomingMessage, res: ServerResponse): void => {
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", connection: "keep-alive" });
    res.write("retry: 1000\n\n");
    clients.add(res);
    req.on("close", () => clients.delete(res));
  };

  // Filled in once the port is known.
  let hosts = new Set<string>();

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://playground.local");
    const path = url.pathname;
    const method = req.method ?? "GET";
    checkCaller(req, hosts, !path.endsWith("/upload"));
    const asset = method === "GET" ? assets.get(path === "/index.html" ? "/" : path) : undefined;
    if (asset) {
      res.writeHead(200, {
        "content-type": asset.type,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
        "content-security-policy": "default-src 'self'; img-src 'self' blob: data:; media-src 'self'; style-src 'self'; script-src 'self'; connect-src 'self'",
      });
      res.end(asset.body);
      return;
    }
    if (method === "GET" && path === "/api/state") return sendJson(res, 200, deps.state);
    if (method === "GET" && path === "/api/strings") {
      return sendJson(res, 200, strings.get(url.searchParams.get("lang") === "en" ? "en" : "ru"));
    }
    if (method === "GET" && path === "/api/events") return openEvents(req, res);
    const file = /^\/api\/files\/([A-Za-z0-9_-]{1,200})$/.exec(path);
    if (method === "GET" && file) return serveFile(res, file[1] ?? "", url.searchParams.has("download"));

    const chatRoute = /^\/api\/chats\/(-?\d{1,20})\/(messages|text|press|upload)$/.exec(path);
    if (chatRoute) {
      const chat = chatFrom(chatRoute[1]);
      const action = chatRoute[2];
      if (method === "GET" && action === "messages") {
        const history: ChatHistory = { chat: chat.view, messages: historyOf(chat).map(messageView), replyKeyboard: replyKeyboardOf(chat.view.id) };
        return sendJson(res, 200, history);
      }
      if (method === "POST" && action === "text") {
        await sendText(chat, await readJson(req));
        return sendJson(res, 200, { ok: true });
      }
      if (method === "POST" && action === "press") return sendJson(res, 200, await press(chat, await readJson(req)));
      if (method === "POST" && action === "upload") {
        if (Number(req.headers["content-length"]) > MAX_UPLOAD_BYTES) throw new HttpError(413, "the upload is larger than 10 files of 20 MB");
        await upload(chat, req);
        return sendJson(res, 200, { ok: true });
      }
    }
    throw new HttpError(404, "not found");
  };

  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      // The simulated person did something Telegram would refuse (or the bot did not answer): tell the page.
      const message = err instanceof Error ? err.message : String(err);
      if (status === 500) logger.warn({ err }, "playground request failed");
      if (res.headersSent) {
        res.end();
        return;
      }
      // A refused body is not read: the rest of it is drained (or, when too large to drain, the connection closed).
      if (!req.readableEnded) {
        if (Number(req.headers["content-length"]) > MAX_UPLOAD_BYTES) {
          res.setHeader("connection", "close");
          res.on("finish", () => req.destroy());
        } else {
          req.resume();
        }
      }
      sendJson(res, status, { error: message });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const actualPort = typeof address === "object" && address !== null ? address.port : port;
  hosts = loopbackHosts(actualPort);

  let closing: Promise<void> | undefined;
  return {
    server,
    url: `http://${host}:${actualPort}/`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        unsubscribe();
        clearInterval(heartbeat);
        for (const res of clients) res.end();
        clients.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
