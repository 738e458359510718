import type { Composer } from "grammy";
import type { BotContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { helpFeature } from "./help.js";
import { languageFeature } from "./language.js";
import { membershipFeature } from "./membership.js";
import { settingsFeature } from "./settings.js";
import { setupFeature } from "./setup.js";
import { startFeature } from "./start.js";
import { guideFeature } from "./guide.js";
import { interestsFeature } from "./interests.js";
import { rulesFeature } from "./rules.js";
import { signatureFeature } from "./signature.js";
import { writeEntryFeature } from "./write-entry.js";
import { inlineFeature } from "./inline.js";
import { searchFeature, searchModeFeature } from "./search.js";
import { specificRequestFeature } from "./specific-request.js";
import { statsFeature } from "./stats.js";
import { batchesFeature } from "./batches.js";
import { moderationFeature } from "./moderation.js";
import { heldLettersFeature } from "./held-letters.js";
import { myLettersFeature } from "./my-letters.js";
import { operatorsFeature } from "./operators.js";
import { operatorLanguageFeature } from "./operator-language.js";
import { repliesFeature } from "./replies.js";
import { replyTranslationsFeature } from "./reply-translations.js";
import { privacyFeature } from "./privacy.js";
import { requestsFeature } from "./requests.js";
import { sentLetterFeature } from "./sent-letter.js";
import { remindersFeature } from "./reminders.js";

/** A feature: one Composer built from the shared dependencies. */
export type Feature = (deps: FeatureDeps) => Composer<BotContext>;

/**
 * Installed in this order, after conversations and before the fallback. A new feature adds one
 * line here (and its menu entry in keyboards/main-menu.ts, its command in commands.ts).
 */
export const features: Feature[] = [
  // Binding the operators' chat (group greetings, /setup, /whoami, supergroup upgrades).
  setupFeature,
  // Operators' chat first: these pass everything that is not theirs on.
  operatorsFeature,
  // /lang (an operator's own language) and the operators' /help in their chat.
  operatorLanguageFeature,
  // Before moderation: a reply to a "reply accepted" message names a letter code, but is a reply's translation.
  replyTranslationsFeature,
  moderationFeature,
  // "Send it on" / "Cancel the letter" on a held letter's card.
  heldLettersFeature,
  batchesFeature,
  repliesFeature,
  // /requests in both kinds of chat, and operators' replies with an external id.
  requestsFeature,
  // Ends "the next message is a name to search for" when the writer leaves the search screen.
  searchModeFeature,
  // Before start: it takes /start p_<id> (a shared card) and passes any other /start on.
  inlineFeature,
  startFeature,
  helpFeature,
  settingsFeature,
  languageFeature,
  membershipFeature,
  writeEntryFeature,
  rulesFeature,
  interestsFeature,
  signatureFeature,
  guideFeature,
  searchFeature,
  specificRequestFeature,
  statsFeature,
  myLettersFeature,
  // A second press of a sent letter's Send button (the flow has ended, so the fallback would get it).
  sentLetterFeature,
  privacyFeature,
  // Settings → Reminders, and the buttons under a reminder.
  remindersFeature,
];
