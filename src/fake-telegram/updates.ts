import type { Update, WebhookInfo } from "grammy/types";
import { badRequest, TelegramApiError } from "./errors.js";
import type { Params } from "./params.js";
import { postUpdate, WebhookBalancer, type BalancerHost, type BalancerOptions } from "./balancer.js";

export type UpdateType = Exclude<keyof Update, "update_id">;
export type UpdatePayload = Omit<Update, "update_id">;

// Telegram leaves these out unless a bot asks for them in allowed_updates.
const OPT_IN_UPDATES = new Set<string>(["chat_member", "message_reaction", "message_reaction_count"]);
const MAX_LONG_POLL_SECONDS = 50;

interface Waiter {
  resolve: (updates: Update[]) => void;
  reject: (err: TelegramApiError) => void;
  timer: NodeJS.Timeout;
  limit: number;
}

interface Webhook {
  url: string;
  secretToken?: string;
  maxConnections: number;
  allowedUpdates?: UpdateType[];
  lastErrorDate?: number;
  lastErrorMessage?: string;
}

/** Runs a method the webhook answered with in its response body (a "webhook reply"). */
export type WebhookReplyHandler = (method: string, params: Record<string, unknown>) => Promise<void>;

/** Pending updates, delivered by long polling (getUpdates) or pushed to a webhook, never both. */
export class UpdateQueue {
  private pending: Update[] = [];
  // Telegram starts update ids at an arbitrary positive number.
  private nextUpdateId = 100_000_001;
  private allowedUpdates: UpdateType[] = [];
  private waiter: Waiter | undefined;
  private webhook: Webhook | undefined;
  private delivering = false;
  private webhookAbort: AbortController | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private balancer: WebhookBalancer | undefined;
  /** Tests only: every update is delivered twice (see deliverTwice). */
  private twice = false;
  /** Updates delivered once by getUpdates, to be delivered again in the next answer. */
  private replays: Update[] = [];
  /** How many times an update reached the bot (each getUpdates result, each accepted POST). */
  deliveries = 0;
  /** Webhook: updates posted once already while delivering twice. */
  private readonly postedOnce = new Set<Update>();

  constructor(private readonly onWebhookReply: WebhookReplyHandler) {}

  push(payload: UpdatePayload): Update {
    const update = { update_id: this.nextUpdateId++, ...payload };
    this.pending.push(update);
    this.wakeWaiter();
    this.deliverToWebhook();
    return update;
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  private isAllowed(update: Update, allowed: UpdateType[] | undefined): boolean {
    const type = Object.keys(update).find((k) => k !== "update_id");
    if (type === undefined) return false;
    if (allowed === undefined || allowed.length === 0) return !OPT_IN_UPDATES.has(type);
    return (allowed as string[]).includes(type);
  }

  private takeAllowed(limit: number): Update[] {
    this.pending = this.pending.filter((u) => this.isAllowed(u, this.allowedUpdates));
    return this.pending.slice(0, limit);
  }

  private wakeWaiter(): void {
    const waiter = this.waiter;
    if (waiter === undefined) return;
    const updates = this.takeAllowed(waiter.limit);
    if (updates.length === 0) return;
    this.waiter = undefined;
    clearTimeout(waiter.timer);
    waiter.resolve(updates);
  }

  /** getUpdates: confirms updates below `offset`, answers at once when any are pending, else long-polls. */
  getUpdates(params: Params, onAbort: (cancel: () => void) => void): Promise<Update[]> {
    if (this.webhook !== undefined) {
      throw new TelegramApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    }
    // Like Telegram, a newer getUpdates ends the one still waiting.
    if (this.waiter !== undefined) {
      const old = this.waiter;
      this.waiter = undefined;
      clearTimeout(old.timer);
      old.reject(new TelegramApiError(409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"));
    }
    const offset = params.optionalInt("offset");
    if (offset !== undefined && offset < 0) this.pending = this.pending.slice(offset);
    else if (offset !== undefined && offset > 0) this.pending = this.pending.filter((u) => u.update_id >= offset);
    const allowed = params.json("allowed_updates");
    if (Array.isArray(allowed)) this.allowedUpdates = allowed.filter((t): t is UpdateType => typeof t === "string");
    const limit = Math.min(100, Math.max(1, params.optionalInt("limit") ?? 100));
    const timeout = Math.min(MAX_LONG_POLL_SECONDS, Math.max(0, params.optionalInt("timeout") ?? 0));
    const ready = this.takeAllowed(limit);
    if (ready.length > 0 || this.replays.length > 0 || timeout === 0 || this.closed) return Promise.resolve(this.withReplays(ready));
    return new Promise<Update[]>((resolve, reject) => {
      const waiter: Waiter = {
        resolve: (updates) => resolve(this.withReplays(updates)),
        reject,
        limit,
        timer: setTimeout(() => {
          if (this.waiter === waiter) this.waiter = undefined;
          resolve([]);
        }, timeout * 1000),
      };
      this.waiter = waiter;
      onAbort(() => {
        if (this.waiter !== waiter) return;
        this.waiter = undefined;
        clearTimeout(waiter.timer);
        resolve([]);
      });
    });
  }

  /**
   * Tests only: deliver every update twice, as Telegram does when a bot's confirmation is lost
   * (polling: an answer's updates come again in the next getUpdates, whatever its offset; webhook:
   * each update is posted twice in a row, or to two targets behind the balancer's `duplicate`).
   */
  deliverTwice(on: boolean): void {
    this.twice = on;
    if (!on) this.replays = [];
  }

  /** The answer to getUpdates: the earlier answer's updates again first (when delivering twice), then these. */
  private withReplays(fresh: Update[]): Update[] {
    if (!this.twice) {
      this.deliveries += fresh.length;
      return fresh;
    }
    const again = this.replays;
    this.replays = fresh.filter((u) => !again.includes(u));
    const answer = [...again, ...this.replays];
    this.deliveries += answer.length;
    return answer;
  }

  setWebhook(params: Params): void {
    const url = params.optionalString("url") ?? "";
    if (url === "") {
      this.deleteWebhook(params.bool("drop_pending_updates"));
      return;
    }
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw badRequest("bad webhook: Failed to resolve host: Name or service not known");
    }
    // Telegram requires HTTPS; the fake also takes plain HTTP so a local bot can receive updates.
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw badRequest("bad webhook: An HTTPS URL must be provided for webhook");
    const secretToken = params.optionalString("secret_token");
    if (secretToken !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secretToken)) {
      throw badRequest("secret token contains unallowed characters");
    }
    const allowed = params.json("allowed_updates");
    const maxConnections = params.optionalInt("max_connections") ?? 40;
    if (maxConnections < 1 || maxConnections > 100) throw badRequest("bad webhook: max_connections must be between 1 and 100");
    if (params.bool("drop_pending_updates")) this.pending = [];
    this.abortDelivery();
    if (this.waiter !== undefined) {
      const old = this.waiter;
      this.waiter = undefined;
      clearTimeout(old.timer);
      old.reject(new TelegramApiError(409, "Conflict: terminated by setWebhook request"));
    }
    this.webhook = {
      url,
      maxConnections,
      ...(secretToken !== undefined ? { secretToken } : {}),
      ...(Array.isArray(allowed) ? { allowedUpdates: allowed.filter((t): t is UpdateType => typeof t === "string") } : {}),
    };
    if (this.webhook.allowedUpdates !== undefined) this.allowedUpdates = this.webhook.allowedUpdates;
    this.deliverToWebhook();
  }

  deleteWebhook(dropPending: boolean): void {
    this.webhook = undefined;
    this.abortDelivery();
    if (dropPending) this.pending = [];
  }

  webhookInfo(): WebhookInfo {
    const w = this.webhook;
    if (w === undefined) return { url: "", has_custom_certificate: false, pending_update_count: this.pending.length };
    return {
      url: w.url,
      has_custom_certificate: false,
      pending_update_count: this.pending.length,
      max_connections: w.maxConnections,
      ip_address: "127.0.0.1",
      ...(w.allowedUpdates !== undefined ? { allowed_updates: w.allowedUpdates } : {}),
      ...(w.lastErrorDate !== undefined ? { last_error_date: w.lastErrorDate } : {}),
      ...(w.lastErrorMessage !== undefined ? { last_error_message: w.lastErrorMessage } : {}),
    };
  }

  private abortDelivery(): void {
    this.balancer?.stop();
    this.webhookAbort?.abort();
    this.webhookAbort = undefined;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  /** Posts pending updates one at a time, in order; a failed delivery is retried with backoff, like Telegram. */
  private deliverToWebhook(): void {
    if (this.webhook === undefined || this.closed) return;
    if (this.balancer) {
      this.balancer.pump();
      return;
    }
    if (this.delivering || this.retryTimer !== undefined) return;
    this.delivering = true;
    void this.deliveryLoop().finally(() => {
      this.delivering = false;
      // An update pushed while the loop was finishing would otherwise wait for the next push.
      if (this.pending.length > 0 && this.retryTimer === undefined) this.deliverToWebhook();
    });
  }

  private async deliveryLoop(): Promise<void> {
    let failures = 0;
    for (;;) {
      const webhook = this.webhook;
      if (webhook === undefined || this.closed) return;
      this.pending = this.pending.filter((u) => this.isAllowed(u, this.allowedUpdates));
      const update = this.pending[0];
      if (update === undefined) return;
      const abort = new AbortController();
      this.webhookAbort = abort;
      const { error, reply } = await postUpdate(webhook.url, webhook.secretToken, update, abort.signal);
      if (this.webhookAbort === abort) this.webhookAbort = undefined;
      if (this.webhook !== webhook || this.closed) return;
      if (error === undefined) this.deliveries++;
      if (error === undefined && this.twice && !this.postedOnce.has(update)) {
        // Delivered twice: the same update goes out once more before the next one.
        this.postedOnce.add(update);
        if (reply) await this.onWebhookReply(reply.method, reply.params).catch(() => undefined);
        continue;
      }
      if (error === undefined) {
        failures = 0;
        this.postedOnce.delete(update);
        this.pending = this.pending.filter((u) => u !== update);
        // Telegram never reports a failed webhook reply back to the bot; neither does the fake.
        if (reply) await this.onWebhookReply(reply.method, reply.params).catch(() => undefined);
        continue;
      }
      this.recordError(webhook, error);
      failures++;
      const delay = Math.min(5_000, 100 * 2 ** (failures - 1));
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        this.deliverToWebhook();
      }, delay);
      return;
    }
  }

  private recordError(webhook: Webhook, message: string): void {
    webhook.lastErrorDate = Math.floor(Date.now() / 1000);
    webhook.lastErrorMessage = message;
  }

  /**
   * Tests only: posts updates to these URLs (round-robin, concurrently up to max_connections)
   * instead of the webhook's own URL, like a load balancer in front of several bot processes.
   * The webhook must still be set (its secret token and max_connections apply). [] ends it.
   */
  setTargets(urls: string[], options: BalancerOptions = {}): void {
    this.balancer?.stop();
    this.balancer = urls.length === 0 ? undefined : new WebhookBalancer(this.balancerHost(), [...urls], options);
    this.deliverToWebhook();
  }

  private balancerHost(): BalancerHost {
    return {
      pending: () => {
        this.pending = this.pending.filter((u) => this.isAllowed(u, this.allowedUpdates));
        return [...this.pending];
      },
      delivered: (update) => {
        this.pending = this.pending.filter((u) => u !== update);
      },
      maxConnections: () => this.webhook?.maxConnections ?? 1,
      post: async (url, update, signal) => {
        const result = await postUpdate(url, this.webhook?.secretToken, update, signal);
        if (result.error === undefined) this.deliveries++;
        return result;
      },
      runReply: (reply) => this.onWebhookReply(reply.method, reply.params),
      recordError: (message) => {
        if (this.webhook) this.recordError(this.webhook, message);
      },
    };
  }

  close(): void {
    this.closed = true;
    this.abortDelivery();
    if (this.waiter !== undefined) {
      clearTimeout(this.waiter.timer);
      this.waiter.resolve([]);
      this.waiter = undefined;
    }
  }
}
