import { Composer as GrammyComposer, type Context, type Filter, type FilterQuery, type Middleware, type MiddlewareFn, type NextFunction } from "grammy";

/** The kinds of update a step can act on ("message", "callback_query", ...); none: every kind. */
type Gate = ReadonlySet<string> | undefined;

interface Step<C extends Context> {
  run: MiddlewareFn<C>;
  gate: Gate;
  /** A filter's predicate: when it answers false at once, the step is passed without a call. */
  predicate?: (ctx: C) => boolean | Promise<boolean>;
  /** The composer `use` returned for what is chained onto it: passed without a call while empty. */
  chain?: Composer<C>;
}

const MESSAGES: Gate = new Set(["message", "channel_post"]);
const CALLBACKS: Gate = new Set(["callback_query"]);

/** grammY's first-level shortcuts in filter queries (grammy/out/filter.js). */
const L1_SHORTCUTS: Record<string, readonly string[]> = { "": ["message", "channel_post"], msg: ["message", "channel_post"], edit: ["edited_message", "edited_channel_post"] };

/** The update kinds a filter query can match; undefined if the query is not a plain one. */
function gateOfQuery(query: FilterQuery | FilterQuery[]): Gate {
  const kinds = new Set<string>();
  for (const q of Array.isArray(query) ? query : [query]) {
    const first = q.split(":")[0] ?? "";
    for (const kind of L1_SHORTCUTS[first] ?? [first]) kinds.add(kind);
  }
  return kinds;
}

/** The kind of an update: its one field besides update_id. */
function kindOf(update: object): string | undefined {
  for (const key in update) if (key !== "update_id") return key;
  return undefined;
}

/**
 * grammY's Composer, cheaper per update: the features' ~150 handlers sit in front of a /help.
 * grammY chains them as nested async closures and, for each filtered handler (`on`, `command`,
 * `callbackQuery`, `chatType`, `hears`), builds a factory, a Composer and two closures for every
 * update, matching or not: together a fifth of the bot's CPU per update and most of its garbage
 * (bench/update.ts). Here the handlers are a list run in order; a handler that can act only on some
 * kinds of update (a button press, a message) is skipped without a call for the others, and a
 * synchronous filter costs one call. The outcome is grammY's: the same handlers, in the same order,
 * with the same `next`.
 */
export class Composer<C extends Context> extends GrammyComposer<C> {
  private readonly steps: Step<C>[] = [];
  /** The gate for the step that the running registration is about to add. */
  private pendingGate: Gate = undefined;
  private readonly runner: MiddlewareFn<C> = (ctx, next) => this.runFrom(0, kindOf(ctx.update), ctx, next);

  constructor(...middleware: Array<Middleware<C>>) {
    super();
    for (const mw of middleware) this.steps.push({ run: toFn(mw), gate: undefined });
  }

  override middleware(): MiddlewareFn<C> {
    return this.runner;
  }

  /**
   * The middleware become steps of this composer, followed by the composer returned for chaining
   * (`use(a).use(b)` runs a, then b): one level less per feature than grammY's wrapping composer.
   * Unlike grammY's, the returned composer holds only what is chained onto it.
   */
  override use(...middleware: Array<Middleware<C>>): Composer<C> {
    const gate = this.pendingGate;
    this.pendingGate = undefined;
    for (const mw of middleware) this.steps.push({ run: toFn(mw), gate });
    const chain = new Composer<C>();
    this.steps.push({ run: chain.runner, gate, chain });
    return chain;
  }

  override filter<D extends C>(predicate: (ctx: C) => ctx is D, ...middleware: Array<Middleware<D>>): Composer<D>;
  override filter(predicate: (ctx: C) => boolean | Promise<boolean>, ...middleware: Array<Middleware<C>>): Composer<C>;
  override filter(predicate: (ctx: C) => boolean | Promise<boolean>, ...middleware: Array<Middleware<C>>): Composer<C> {
    const composer = new Composer<C>(...middleware);
    const matched = composer.runner;
    this.steps.push({
      // Run once the predicate held (runFrom asks it first); an asynchronous one is awaited here.
      run: (ctx, next) => matched(ctx, next),
      gate: this.pendingGate,
      predicate,
    });
    this.pendingGate = undefined;
    return composer;
  }

  override drop(predicate: (ctx: C) => boolean | Promise<boolean>, ...middleware: Array<Middleware<C>>): Composer<C> {
    return this.filter((ctx) => {
      const verdict = predicate(ctx);
      return verdict instanceof Promise ? verdict.then((ok) => !ok) : !verdict;
    }, ...middleware);
  }

  override on<Q extends FilterQuery>(filter: Q | Q[], ...middleware: Array<Middleware<Filter<C, Q>>>): GrammyComposer<Filter<C, Q>> {
    return this.gated(gateOfQuery(filter), () => super.on(filter, ...middleware));
  }

  override command(...args: Parameters<GrammyComposer<C>["command"]>): ReturnType<GrammyComposer<C>["command"]> {
    return this.gated(MESSAGES, () => super.command(...args));
  }

  override hears(...args: Parameters<GrammyComposer<C>["hears"]>): ReturnType<GrammyComposer<C>["hears"]> {
    return this.gated(MESSAGES, () => super.hears(...args));
  }

  override callbackQuery(...args: Parameters<GrammyComposer<C>["callbackQuery"]>): ReturnType<GrammyComposer<C>["callbackQuery"]> {
    return this.gated(CALLBACKS, () => super.callbackQuery(...args));
  }

  private gated<T>(gate: Gate, register: () => T): T {
    this.pendingGate = gate;
    try {
      return register();
    } finally {
      this.pendingGate = undefined;
    }
  }

  private runFrom(from: number, kind: string | undefined, ctx: C, next: NextFunction): unknown {
    const steps = this.steps;
    for (let i = from; i < steps.length; i++) {
      const step = steps[i]!;
      if (step.gate !== undefined && (kind === undefined || !step.gate.has(kind))) continue;
      if (step.chain?.steps.length === 0) continue;
      // A filter that does not hold is passed right here: no call, nothing allocated.
      const verdict = step.predicate?.(ctx);
      if (verdict === false) continue;
      const rest = this.restFrom(i + 1, kind, ctx, next);
      if (verdict instanceof Promise) return verdict.then((ok) => (ok ? step.run(ctx, rest) : rest()));
      return step.run(ctx, rest);
    }
    return next();
  }

  /**
   * `next` for the step before `from`: the steps after it. Not an async function: the next step's
   * own promise is handed on (an async wrapper per step was a promise and a frame more for each of
   * the ~50 steps an update passes); what is not a promise, or throws, is made one, as grammY's
   * `next` always answers with a promise. (Returned unnamed: tsx names named closures at a cost.)
   */
  private restFrom(from: number, kind: string | undefined, ctx: C, next: NextFunction): NextFunction {
    let called = false;
    return () => {
      if (called) return Promise.reject(new Error("`next` already called before!"));
      called = true;
      try {
        const result = this.runFrom(from, kind, ctx, next);
        return (result instanceof Promise ? result : Promise.resolve()) as Promise<void>;
      } catch (err) {
        // Handed on as thrown, as an async `next` would.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        return Promise.reject(err);
      }
    };
  }
}

/** A middleware as a function; a grammY composer is asked for its handler at call time, as grammY does. */
function toFn<C extends Context>(mw: Middleware<C>): MiddlewareFn<C> {
  if (typeof mw === "function") return mw;
  if (mw instanceof Composer) return mw.middleware();
  return (ctx, next) => mw.middleware()(ctx, next);
}
