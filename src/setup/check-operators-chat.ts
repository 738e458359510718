// At start: is the bot in the operators' chat, and can it see what volunteers send there? Every
// problem becomes one warning line that says what to do; the start itself never fails on it.
import { GrammyError, type Api } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import type { Logger } from "../logger.js";
import type { OperatorsChat, OperatorsChatInfo } from "./operators-chat.js";

export type OperatorsChatProblem =
  | "none"
  | "not_found"
  | "not_member"
  | "not_admin"
  | "unreachable";

const HOW_TO_BIND =
  "add the bot to your volunteers' group and press \"Make this the operators' chat\" in the message it posts there (or send /setup in the group)";

function where(info: OperatorsChatInfo): string {
  return info.source === "env" ? `OPERATORS_CHAT_ID ${info.chatId}` : `the operators' chat ${info.chatId} (bound in Telegram)`;
}

/** The problem with the operators' chat, or null when the bot is there as an administrator. */
export async function operatorsChatProblem(api: Api, botInfo: UserFromGetMe, chatId: number): Promise<OperatorsChatProblem | null> {
  try {
    const member = await api.getChatMember(chatId, botInfo.id);
    if (member.status === "left" || member.status === "kicked") return "not_member";
    if (member.status === "administrator" || member.status === "creator") return null;
    // A plain member sees commands and replies to itself only, unless privacy mode is off.
    return botInfo.can_read_all_group_messages ? null : "not_admin";
  } catch (err) {
    if (err instanceof GrammyError && err.error_code === 400) return "not_found";
    if (err instanceof GrammyError && err.error_code === 403) return "not_member";
    return "unreachable";
  }
}

/** Logs one line per problem with the operators' chat; returns the problem (null when all is well). */
export async function checkOperatorsChat(
  api: Api,
  botInfo: UserFromGetMe,
  operatorsChat: OperatorsChat,
  logger: Logger,
): Promise<OperatorsChatProblem | null> {
  const info = await operatorsChat.info();
  if (info.source === "telegram" && info.envChatId !== undefined && info.envChatId !== info.chatId) {
    logger.warn(
      { chat_id: info.chatId, env_chat_id: info.envChatId },
      `OPERATORS_CHAT_ID ${info.envChatId} is not used: the operators' chat ${info.chatId} was ${info.binding?.migratedFrom !== undefined ? "upgraded to a supergroup" : "bound in Telegram"}. Set OPERATORS_CHAT_ID=${info.chatId} or remove it`,
    );
  }
  if (info.chatId === undefined) {
    logger.warn(`No operators' chat yet, so letters cannot be moderated: ${HOW_TO_BIND}`);
    return "none";
  }
  const problem = await operatorsChatProblem(api, botInfo, info.chatId);
  const fixes: Record<OperatorsChatProblem, string> = {
    none: "",
    not_found: `${where(info)} was not found by Telegram: ${HOW_TO_BIND}`,
    not_member: `The bot is not a member of ${where(info)}: add the bot to that group again and make it an administrator, or bind another group (${HOW_TO_BIND})`,
    not_admin: `The bot is not an administrator of ${where(info)}, so it does not see reply scans sent there: make it an administrator in the group's settings`,
    unreachable: `Could not check ${where(info)} with Telegram; the bot carries on`,
  };
  if (problem === null) logger.info({ chat_id: info.chatId, source: info.source }, "operators' chat checked");
  else logger.warn({ chat_id: info.chatId }, fixes[problem]);
  return problem;
}
