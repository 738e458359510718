// The HTTP server Telegram posts updates to in webhook mode, with a bounded request body.
import { Server, type IncomingMessage, type ServerResponse } from "node:http";
import { webhookCallback, type Bot, type Context } from "grammy";
import type { Update } from "grammy/types";
import type { Logger } from "./logger.js";

/**
 * Telegram's updates are a few kilobytes (a 4,096-character text with its entities and a replied-to
 * message stays far below this); anything larger is not from Telegram and is refused unread.
 */
export const MAX_UPDATE_BYTES = 1024 * 1024;
/** A client that has not sent its whole request by then is cut off (Telegram sends at once). */
const REQUEST_TIMEOUT_MS = 30_000;
const SECRET_HEADER = "x-telegram-bot-api-secret-token";

class BodyTooLarge extends Error {
  override name = "BodyTooLarge";
}

/** Reads at most `limit` bytes: fails as soon as the declared or the received size passes it. */
function readBoundedJson(req: IncomingMessage, limit: number): Promise<Update> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Stop holding what came so far; the answer (413) is written by the caller.
        chunks.length = 0;
        req.removeAllListeners("data");
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.once("end", () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")) as Update);
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
    req.once("error", reject);
  });
}

/** Answers 413 and closes the connection, so the rest of an oversized body is never read. */
function refuseTooLarge(req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(413, { "content-type": "text/plain", connection: "close" }).end("request body too large", () => req.destroy());
}

export interface WebhookServerOptions {
  /** The path of WEBHOOK_URL: only POSTs to it are updates. */
  path: string;
  secretToken: string;
  logger: Logger;
  maxBodyBytes?: number;
}

/**
 * Knows when it is being closed. `close()` alone stops new connections only: Telegram (or a load
 * balancer) keeps posting updates over its open keep-alive connections, so a stopping process went
 * on taking new updates for as long as they came (F2 in the fault suite). Once closing, a new update
 * is refused with 503 (Telegram posts it again later, to whichever process then listens), and every
 * answer closes its connection, so the drain ends with the updates already in hand.
 */
class WebhookHttpServer extends Server {
  closing = false;

  override close(callback?: (err?: Error) => void): this {
    this.closing = true;
    return super.close(callback);
  }
}

export function createWebhookServer<C extends Context>(bot: Bot<C>, options: WebhookServerOptions): Server {
  const limit = options.maxBodyBytes ?? MAX_UPDATE_BYTES;
  // grammY's "http" adapter, with the body read under the limit: the secret is checked before
  // the body is touched, then the update is parsed from at most `limit` bytes.
  const handle = webhookCallback(
    bot,
    (req: IncomingMessage, res: ServerResponse) => {
      const header = req.headers[SECRET_HEADER];
      return {
        get update() {
          return readBoundedJson(req, limit);
        },
        header: Array.isArray(header) ? header[0] : header,
        end: () => {
          if (server.closing) res.setHeader("connection", "close");
          res.end();
        },
        respond: (json: string) => res.writeHead(200, { "content-type": "application/json", ...(server.closing ? { connection: "close" } : {}) }).end(json),
        unauthorized: () => res.writeHead(401).end("secret token is wrong"),
      };
    },
    {
      secretToken: options.secretToken,
      // Answer Telegram in time even if a handler is slow; the update keeps running.
      onTimeout: "return",
      timeoutMilliseconds: 25_000,
    },
  );
  const server: WebhookHttpServer = new WebhookHttpServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (req.method === "POST" && url.pathname === options.path) {
      if (server.closing) {
        req.resume();
        res.writeHead(503, { connection: "close", "retry-after": "1" }).end("shutting down");
        return;
      }
      const declared = Number(req.headers["content-length"]);
      if (Number.isFinite(declared) && declared > limit) return refuseTooLarge(req, res);
      // The adapter above returns nothing of its own, so the handler's promise is a plain Promise<void>.
      (handle(req, res) as Promise<void>).catch((err: unknown) => {
        if (err instanceof BodyTooLarge) {
          options.logger.warn({ limit }, "webhook request refused: body too large");
          if (!res.headersSent) refuseTooLarge(req, res);
          return;
        }
        const malformed = err instanceof SyntaxError;
        if (malformed) options.logger.warn("webhook request refused: the body is not JSON");
        else options.logger.error({ err }, "webhook request failed");
        if (!res.headersSent) res.writeHead(malformed ? 400 : 500);
        res.end();
      });
      return;
    }
    if (req.method === "GET" && url.pathname === "/healthz") {
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      return;
    }
    res.writeHead(404).end();
  });
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  return server;
}
