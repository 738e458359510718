import type { Update } from "grammy/types";

/** What one POST of an update to a webhook came back with. */
export interface PostResult {
  error?: string;
  /** A method call in the response body (a "webhook reply"). */
  reply?: { method: string; params: Record<string, unknown> };
}

export interface BalancerOptions {
  /**
   * Post every update to two different targets at once, as when Telegram retries a webhook whose
   * answer was lost and the load balancer picks another process. Default false.
   */
  duplicate?: boolean;
}

/** The parts of the update queue the balancer works on. */
export interface BalancerHost {
  /** Updates waiting for delivery, oldest first (already filtered by allowed_updates). */
  pending(): Update[];
  /** The update was delivered: drop it from the queue. */
  delivered(update: Update): void;
  maxConnections(): number;
  post(url: string, update: Update, signal: AbortSignal): Promise<PostResult>;
  runReply(reply: NonNullable<PostResult["reply"]>): Promise<void>;
  recordError(message: string): void;
}

/**
 * A load balancer in front of several webhook processes (tests only): up to max_connections
 * updates in flight at once, each posted to the next target round-robin, an update whose POST
 * failed retried with backoff (on the next target). Unlike the one-at-a-time webhook delivery,
 * one chat's updates can arrive at different processes at the same time, as behind a real
 * load balancer with Telegram's max_connections > 1.
 */
export class WebhookBalancer {
  private readonly inFlight = new Set<number>();
  private readonly waiting = new Map<number, NodeJS.Timeout>();
  private readonly failures = new Map<number, number>();
  private next = 0;
  private abort = new AbortController();

  constructor(
    private readonly host: BalancerHost,
    private readonly targets: string[],
    private readonly options: BalancerOptions,
  ) {}

  /** Starts as many deliveries as max_connections allows. */
  pump(): void {
    for (const update of this.host.pending()) {
      if (this.inFlight.size >= this.host.maxConnections()) return;
      if (this.inFlight.has(update.update_id) || this.waiting.has(update.update_id)) continue;
      this.inFlight.add(update.update_id);
      void this.deliver(update);
    }
  }

  /** Ends every delivery in flight; they stay pending, and the next pump() posts them again. */
  stop(): void {
    this.abort.abort();
    this.abort = new AbortController();
    for (const timer of this.waiting.values()) clearTimeout(timer);
    this.waiting.clear();
    this.inFlight.clear();
  }

  private pick(): string {
    const url = this.targets[this.next % this.targets.length] ?? "";
    this.next++;
    return url;
  }

  private async deliver(update: Update): Promise<void> {
    const signal = this.abort.signal;
    const urls = this.options.duplicate && this.targets.length > 1 ? [this.pick(), this.pick()] : [this.pick()];
    const results = await Promise.all(urls.map((url) => this.host.post(url, update, signal)));
    if (signal.aborted) return;
    this.inFlight.delete(update.update_id);
    const failed = results.find((r) => r.error !== undefined);
    if (failed?.error === undefined) {
      this.failures.delete(update.update_id);
      this.host.delivered(update);
      for (const r of results) if (r.reply) await this.host.runReply(r.reply).catch(() => undefined);
    } else {
      this.host.recordError(failed.error);
      const failures = (this.failures.get(update.update_id) ?? 0) + 1;
      this.failures.set(update.update_id, failures);
      const timer = setTimeout(() => {
        this.waiting.delete(update.update_id);
        this.pump();
      }, Math.min(5_000, 100 * 2 ** (failures - 1)));
      this.waiting.set(update.update_id, timer);
    }
    this.pump();
  }
}

/** One POST of an update to a webhook, read like Telegram does (2xx or an error; a webhook reply). */
export async function postUpdate(url: string, secretToken: string | undefined, update: Update, signal: AbortSignal): Promise<PostResult> {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), 60_000);
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(secretToken !== undefined ? { "x-telegram-bot-api-secret-token": secretToken } : {}),
      },
      body: JSON.stringify(update),
      signal: AbortSignal.any([signal, timeout.signal]),
    });
    const body = await res.text();
    if (res.status < 200 || res.status > 299) return { error: `Wrong response from the webhook: ${res.status} ${res.statusText}` };
    if (!(res.headers.get("content-type") ?? "").includes("application/json") || body === "") return {};
    return readReply(body);
  } catch (err) {
    return { error: timeout.signal.aborted ? "Read timeout expired" : `Connection refused (${(err as Error).message})` };
  } finally {
    clearTimeout(timer);
  }
}

function readReply(body: string): PostResult {
  let reply: unknown;
  try {
    reply = JSON.parse(body) as unknown;
  } catch {
    return {};
  }
  if (typeof reply !== "object" || reply === null || typeof (reply as { method?: unknown }).method !== "string") return {};
  const { method, ...params } = reply as { method: string } & Record<string, unknown>;
  return { reply: { method, params } };
}
