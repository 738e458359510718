import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import busboy from "busboy";
import { TelegramApiError } from "./errors.js";
import { callMethod, methodName } from "./methods.js";
import { Params, type UploadedFile } from "./params.js";
import type { TelegramWorld } from "./world.js";

// Telegram's upload limit for bots; bigger bodies get 413 like from Telegram.
const UPLOAD_LIMIT = 50 * 1024 * 1024;

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const json = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(json) });
  res.end(json);
}

function sendError(res: ServerResponse, err: TelegramApiError): void {
  send(res, err.errorCode, {
    ok: false,
    error_code: err.errorCode,
    description: err.description,
    ...(err.retryAfter !== undefined ? { parameters: { retry_after: err.retryAfter } } : {}),
    ...(err.migrateToChatId !== undefined ? { parameters: { migrate_to_chat_id: err.migrateToChatId } } : {}),
  });
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > UPLOAD_LIMIT) throw new TelegramApiError(413, "Request Entity Too Large");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * grammY (and some other clients) write `filename=` unquoted, even with spaces or non-ASCII
 * letters; busboy drops such parts. Quoting those names first keeps every upload Telegram accepts.
 */
function quoteBareFileNames(body: Buffer, boundary: string): Buffer {
  const delimiter = Buffer.from(`--${boundary}`);
  const pieces: Buffer[] = [];
  let copied = 0;
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const headerStart = at + delimiter.length + 2;
    const headerEnd = body.indexOf("\r\n\r\n", headerStart);
    if (headerEnd < 0) break;
    const header = body.subarray(headerStart, headerEnd).toString("utf8");
    const fixed = header.replace(
      /^(content-disposition:[^\r\n]*?;\s*filename=)([^"\r\n][^\r\n]*)$/im,
      (_m, head: string, name: string) => `${head}"${name.replace(/["\\]/g, "\\$&")}"`,
    );
    if (fixed !== header) {
      pieces.push(body.subarray(copied, headerStart), Buffer.from(fixed, "utf8"));
      copied = headerEnd;
    }
    at = body.indexOf(delimiter, headerEnd);
  }
  if (copied === 0) return body;
  pieces.push(body.subarray(copied));
  return Buffer.concat(pieces);
}

function parseMultipart(
  req: IncomingMessage,
  body: Buffer,
): Promise<{ values: Record<string, unknown>; files: Map<string, UploadedFile> }> {
  return new Promise((resolve, reject) => {
    const values: Record<string, unknown> = {};
    const files = new Map<string, UploadedFile>();
    const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(req.headers["content-type"] ?? "");
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, defParamCharset: "utf8", limits: { fileSize: UPLOAD_LIMIT, fieldSize: UPLOAD_LIMIT } });
    } catch {
      reject(new TelegramApiError(400, "Bad Request: can't parse multipart/form-data"));
      return;
    }
    parser.on("field", (name, value) => {
      values[name] = value;
    });
    parser.on("file", (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        files.set(name, { fieldName: name, fileName: info.filename || name, bytes: Buffer.concat(chunks) });
      });
    });
    parser.on("error", () => reject(new TelegramApiError(400, "Bad Request: can't parse multipart/form-data")));
    parser.on("close", () => resolve({ values, files }));
    parser.end(quoteBareFileNames(body, boundary?.[1] ?? boundary?.[2] ?? ""));
  });
}

async function readParams(req: IncomingMessage, url: URL): Promise<Params> {
  const values: Record<string, unknown> = Object.fromEntries(url.searchParams);
  const type = (req.headers["content-type"] ?? "").toLowerCase();
  const body = await readBody(req);
  if (type.startsWith("multipart/form-data")) {
    const parsed = await parseMultipart(req, body);
    return new Params({ ...values, ...parsed.values }, parsed.files);
  }
  if (body.length === 0) return new Params(values);
  if (type.startsWith("application/json")) {
    let json: unknown;
    try {
      json = JSON.parse(body.toString("utf8"));
    } catch {
      throw new TelegramApiError(400, "Bad Request: can't parse JSON object");
    }
    if (typeof json !== "object" || json === null || Array.isArray(json)) throw new TelegramApiError(400, "Bad Request: can't parse JSON object");
    return new Params({ ...values, ...(json as Record<string, unknown>) });
  }
  if (type.startsWith("application/x-www-form-urlencoded")) {
    return new Params({ ...values, ...Object.fromEntries(new URLSearchParams(body.toString("utf8"))) });
  }
  return new Params(values);
}

function chatIdOf(params: Params): number | undefined {
  const raw = params.values.chat_id;
  const n = typeof raw === "number" ? raw : typeof raw === "string" ? Number(raw) : Number.NaN;
  return Number.isInteger(n) ? n : undefined;
}

/** Runs a call the way an HTTP request would, logging it and applying injected failures. */
export async function dispatch(
  world: TelegramWorld,
  name: string,
  params: Params,
  onAbort: (cancel: () => void) => void,
): Promise<unknown> {
  const method = methodName(name) ?? name;
  const chatId = chatIdOf(params);
  const call = { method, params: params.toLog(), at: Date.now(), ok: true, ...(chatId !== undefined ? { chatId } : {}) };
  world.callLog.push(call);
  try {
    const injected = world.takeFailure(method, chatId) ?? world.limiter?.take(method, chatId, call.params, call.at);
    if (injected !== undefined) throw injected;
    return await callMethod(world, method, params, { onAbort });
  } catch (err) {
    Object.assign(call, { ok: false, errorCode: err instanceof TelegramApiError ? err.errorCode : 500 });
    throw err;
  }
}

async function handle(world: TelegramWorld, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const fileMatch = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
  if (fileMatch !== null) {
    if (decodeURIComponent(fileMatch[1] ?? "") !== world.token) return sendError(res, new TelegramApiError(401, "Unauthorized"));
    const file = world.files.byPath(decodeURIComponent(fileMatch[2] ?? ""));
    if (file === undefined) return sendError(res, new TelegramApiError(404, "Not Found"));
    res.writeHead(200, { "content-type": file.mimeType, "content-length": file.bytes.length });
    res.end(file.bytes);
    return;
  }
  const methodMatch = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
  if (methodMatch === null) return sendError(res, new TelegramApiError(404, "Not Found"));
  if (decodeURIComponent(methodMatch[1] ?? "") !== world.token) return sendError(res, new TelegramApiError(401, "Unauthorized"));
  const name = methodMatch[2] ?? "";
  try {
    const params = await readParams(req, url);
    const onAbort = (cancel: () => void): void => {
      // A client that gives up (grammY aborts its long poll on stop) must not keep the poll slot.
      res.on("close", () => {
        if (!res.writableFinished) cancel();
      });
    };
    const result = await dispatch(world, name, params, onAbort);
    send(res, 200, { ok: true, result });
  } catch (err) {
    if (err instanceof TelegramApiError) return sendError(res, err);
    sendError(res, new TelegramApiError(500, `Internal Server Error: ${(err as Error).message}`));
  }
}

export async function listen(world: TelegramWorld, port: number): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    void handle(world, req, res);
  });
  // Connections are kept alive between calls as Telegram does (close() ends them all). Node's client
  // agent keeps a socket only when the server's keep-alive hint exceeds 1 s: at 1 s every call of a
  // bot under test opened a new TCP connection, which no real deployment pays.
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}
