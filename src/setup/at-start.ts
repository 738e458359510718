// What the bot checks once at start, so the admin reads the state of the installation in the
// first lines of the log: the operators' chat, its menu, whether anybody can be written to, and
// whether the tools for reply PDFs are installed.
import type { Api } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { setOperatorsChatCommands } from "../telegram/commands.js";
import { createI18n, type Locale } from "../messages/i18n.js";
import { checkPdfTools } from "../media/pdf-scrub.js";
import type { Logger } from "../logger.js";
import { checkOperatorsChat } from "./check-operators-chat.js";
import type { OperatorsChat } from "./operators-chat.js";
import type { PrisonerList } from "./prisoner-list.js";

export interface SetupCheckDeps {
  api: Api;
  botInfo: UserFromGetMe;
  operatorsChat: OperatorsChat;
  prisonerList: PrisonerList;
  logger: Logger;
  /** OPERATORS_LANGUAGE: the operators' menu is in it. */
  operatorsLanguage: Locale;
}

/** Never throws: each check logs what is wrong and what to do, and the start goes on. */
export async function checkSetupAtStart({ api, botInfo, operatorsChat, prisonerList, logger, operatorsLanguage }: SetupCheckDeps): Promise<void> {
  try {
    const problem = await checkOperatorsChat(api, botInfo, operatorsChat, logger);
    const chatId = await operatorsChat.id();
    if (chatId !== undefined && problem !== "not_found" && problem !== "not_member") {
      await setOperatorsChatCommands(api, createI18n(), chatId, operatorsLanguage);
    }
  } catch (err) {
    logger.warn({ err }, "could not check the operators' chat; continuing");
  }
  try {
    await prisonerList.checkAtStart(api);
  } catch (err) {
    logger.warn({ err }, "could not check the prisoner list; continuing");
  }
  // Reply scans sent as PDF are read in the bot process (src/replies/intake.ts).
  const missing = await checkPdfTools();
  if (missing) logger.warn(missing.message);
}
