import type { Composer } from "grammy";
import type { BotContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { helpFeature } from "./help.js";
import { languageFeature } from "./language.js";
import { membershipFeature } from "./membership.js";
import { settingsFeature } from "./settings.js";
import { startFeature } from "./start.js";

/** A feature: one Composer built from the shared dependencies. */
export type Feature = (deps: FeatureDeps) => Composer<BotContext>;

/**
 * Installed in this order, after conversations and before the fallback. A new feature adds one
 * line here (and its menu entry in keyboards/main-menu.ts, its command in commands.ts).
 */
export const features: Feature[] = [startFeature, helpFeature, settingsFeature, languageFeature, membershipFeature];
