import type { HandlerFactories } from "./registry.js";
import { batchHandler } from "./batch.js";
import { maintenanceHandler } from "./maintenance.js";
import { moderationHandler } from "./moderation.js";
import { notifyHandler } from "./notify.js";
import { printHandler } from "./print.js";
import { replyAlbumHandler } from "./reply-album.js";
import { importReportHandler } from "./import-report.js";
import { replyDeliveryHandler } from "./reply-delivery.js";
import { draftIdleHandler } from "./draft-idle.js";

export { startWorkers, checkRegistry, type HandlerFactories, type QueueHandler, type JobContext, type RunningWorkers } from "./registry.js";
export type { WorkerDeps } from "./deps.js";

/** One handler per queue in src/queues; startWorkers refuses to start if one is missing. */
export const handlers: HandlerFactories = {
  notify: notifyHandler,
  moderation: moderationHandler,
  print: printHandler,
  batch: batchHandler,
  "reply-delivery": replyDeliveryHandler,
  maintenance: maintenanceHandler,
  "reply-album": replyAlbumHandler,
  "import-report": importReportHandler,
  "draft-idle": draftIdleHandler,
};
