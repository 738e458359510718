import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type RequestOptions } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { Readable } from "node:stream";
import { urlToHttpOptions } from "node:url";
import type { ApiClientOptions } from "grammy";

/**
 * The `fetch` grammY's API client calls the Bot API with: node:http with keep-alive instead of
 * grammY's default, node-fetch, which wraps every call in a WHATWG Request, Headers, Body and
 * Response and reads the answer through two streams: a tenth of the bot's CPU for a short reply and
 * a tenth of its garbage (bench/update.ts). grammY asks only for `json()` of the answer. A body is
 * JSON text or, for an upload, grammY's multipart stream (sent chunked, as node-fetch does). An
 * answer that is not JSON (a proxy's error page) fails in `json()`, as with node-fetch, and grammY
 * reports an HttpError; so does a connection that breaks, and grammY's timeout (the abort signal).
 */
export interface BotApiAnswer {
  readonly ok: boolean;
  readonly status: number;
  json(): Promise<unknown>;
  text(): Promise<string>;
}

export interface BotApiRequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array | Readable | AsyncIterable<Uint8Array> | null;
  signal?: AbortSignal | null;
  /** grammY passes its keep-alive agent for the API root (grammy/out/platform.node.js). */
  agent?: HttpAgent;
}

type Target = RequestOptions & { secure: boolean };

/** Parsed request targets by URL: one per Bot API method, so a handful. */
const targets = new Map<string, Target>();
const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
const MAX_TARGETS = 1_000;

function targetOf(url: string): Target {
  let target = targets.get(url);
  if (target === undefined) {
    const parsed = new URL(url);
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new TypeError(`Only http(s) URLs can be fetched, not ${parsed.protocol}`);
    target = { ...urlToHttpOptions(parsed), secure: parsed.protocol === "https:" };
    if (targets.size >= MAX_TARGETS) targets.clear();
    targets.set(url, target);
  }
  return target;
}

class Answer implements BotApiAnswer {
  readonly ok: boolean;
  private readonly body: Promise<string>;

  constructor(
    readonly status: number,
    res: IncomingMessage,
  ) {
    this.ok = status >= 200 && status < 300;
    this.body = readText(res);
    // Read or not, a broken answer must not become an unhandled rejection.
    this.body.catch(() => undefined);
  }

  text(): Promise<string> {
    return this.body;
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.body) as unknown;
  }
}

function readText(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on("data", (chunk: Buffer) => chunks.push(chunk));
    res.on("end", () => {
      if (!res.complete) reject(new Error("The Bot API's answer broke off before its end"));
      else resolve(chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8"));
    });
    res.on("error", reject);
  });
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error("The request was aborted");
}

export function botApiFetch(url: string | URL, init: BotApiRequestInit = {}): Promise<BotApiAnswer> {
  const signal = init.signal ?? undefined;
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  let target: Target;
  try {
    target = targetOf(String(url));
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
  const { secure, ...where } = target;
  return new Promise<BotApiAnswer>((resolve, reject) => {
    const options: RequestOptions = { ...where, method: init.method ?? "GET", headers: init.headers, agent: init.agent ?? (secure ? agents.https : agents.http), signal };
    const req = (secure ? httpsRequest : httpRequest)(options, (res) => resolve(new Answer(res.statusCode ?? 0, res)));
    req.on("error", reject);
    const body = init.body;
    if (body === undefined || body === null) req.end();
    else if (typeof body === "string" || body instanceof Uint8Array) req.end(body);
    else {
      const stream = body instanceof Readable ? body : Readable.from(body, { objectMode: false });
      stream.on("error", (err) => req.destroy(err));
      stream.pipe(req);
    }
  });
}

/** grammY's client options for the Bot API at `apiRoot`, calling it with botApiFetch. */
export function botApiClientOptions(apiRoot: string): ApiClientOptions {
  return { apiRoot, fetch: botApiFetch };
}
