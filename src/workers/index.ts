import type { HandlerFactories } from "./registry.js";
import { notifyHandler } from "./notify.js";

export { startWorkers, checkRegistry, type HandlerFactories, type QueueHandler, type JobContext, type RunningWorkers } from "./registry.js";
export type { WorkerDeps } from "./deps.js";

/** One handler per queue in src/queues; startWorkers refuses to start if one is missing. */
export const handlers: HandlerFactories = {
  notify: notifyHandler,
};
