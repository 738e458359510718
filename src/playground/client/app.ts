// The playground page: chats drawn from /api, kept live over Server-Sent Events. Every piece of
// text from the bot goes into the page as text nodes (never as HTML), formatted from its entities.
import type {
  ButtonView,
  ChatHistory,
  ChatView,
  EntityView,
  MessageView,
  PlaygroundEvent,
  PlaygroundState,
  PressResult,
  ReplyKeyboardView,
} from "../protocol.js";

type Strings = Record<string, string>;
type Lang = "ru" | "en";

interface ChatStore {
  view: ChatView;
  messages: Map<number, MessageView>;
  replyKeyboard: ReplyKeyboardView;
  /** A chat action ("typing", ...) and when it stops showing (Telegram shows one for 5 s). */
  action?: { name: string; until: number };
  unread: number;
}

interface Pane {
  index: number;
  chatId: number;
  root: HTMLElement;
  tabs: HTMLElement;
  title: HTMLElement;
  subtitle: HTMLElement;
  avatar: HTMLElement;
  list: HTMLElement;
  keyboard: HTMLElement;
  textarea: HTMLTextAreaElement;
  fileInput: HTMLInputElement;
  replyBar: HTMLElement;
  attachBar: HTMLElement;
  asFile: HTMLInputElement;
  asFileLabel: HTMLElement;
  commandsButton: HTMLButtonElement;
  commandsMenu: HTMLElement;
  replyTo: number | undefined;
  files: File[];
}

let lang: Lang = "ru";
let strings: Strings = {};
let state: PlaygroundState;
const chats = new Map<number, ChatStore>();
const panes: Pane[] = [];

function t(key: string): string {
  return strings[key] ?? key;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === "class") node.className = value;
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

async function api<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(path, init);
  const body = (await res.json().catch(() => ({}))) as T & { error?: string };
  if (!res.ok) throw new Error(body.error ?? `HTTP ${res.status}`);
  return body;
}

function postJson<T>(path: string, body: unknown): Promise<T> {
  return api<T>(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

// ---- toasts and alerts (what answerCallbackQuery shows in Telegram) ----

function toast(text: string, kind: "info" | "error" = "info"): void {
  const node = el("div", { class: `toast ${kind}`, role: kind === "error" ? "alert" : "status" }, text);
  document.getElementById("toasts")?.append(node);
  setTimeout(() => node.remove(), kind === "error" ? 6000 : 4000);
}

function showAlert(text: string): void {
  const backdrop = document.getElementById("alert");
  const body = document.getElementById("alert-text");
  if (!backdrop || !body) return;
  body.textContent = text;
  backdrop.hidden = false;
  document.getElementById("alert-ok")?.focus();
}

function failed(err: unknown): void {
  toast(`${t("playground-error")} ${err instanceof Error ? err.message : String(err)}`, "error");
}

// ---- formatted text from entities ----

const SAFE_PROTOCOLS = new Set(["http:", "https:", "mailto:", "tel:", "tg:"]);

function safeHref(value: string): string | undefined {
  try {
    const url = new URL(value);
    return SAFE_PROTOCOLS.has(url.protocol) ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function link(href: string | undefined): HTMLElement {
  if (href === undefined) return el("span");
  return el("a", { href, target: "_blank", rel: "noopener noreferrer" });
}

function entityElement(entity: EntityView, content: string, chatId: number): { outer: HTMLElement; inner: HTMLElement } {
  const plain = (node: HTMLElement) => ({ outer: node, inner: node });
  switch (entity.type) {
    case "bold":
      return plain(el("strong"));
    case "italic":
      return plain(el("em"));
    case "underline":
      return plain(el("u"));
    case "strikethrough":
      return plain(el("s"));
    case "code":
      return plain(el("code"));
    case "pre": {
      const code = el("code", entity.language ? { "data-language": entity.language } : {});
      return { outer: el("pre", {}, code), inner: code };
    }
    case "blockquote":
    case "expandable_blockquote":
      return plain(el("blockquote"));
    case "spoiler": {
      const node = el("span", { class: "spoiler" });
      node.addEventListener("click", () => node.classList.add("revealed"));
      return plain(node);
    }
    case "text_link":
      return plain(link(safeHref(entity.url ?? "")));
    case "url":
      return plain(link(safeHref(/^[a-z][a-z0-9+.-]*:/i.test(content) ? content : `https://${content}`)));
    case "email":
      return plain(link(safeHref(`mailto:${content}`)));
    case "phone_number":
      return plain(link(safeHref(`tel:${content.replace(/[^\d+]/g, "")}`)));
    case "bot_command": {
      // Like Telegram: tapping a command sends it.
      const node = el("span", { class: "command", role: "button", tabindex: "0" });
      node.addEventListener("click", () => void sendText(chatId, content.replace(/@\w+$/, "")).catch(failed));
      return plain(node);
    }
    case "mention":
    case "text_mention":
      return plain(el("span", { class: "mention" }));
    case "hashtag":
    case "cashtag":
      return plain(el("span", { class: "hashtag" }));
    default:
      return plain(el("span"));
  }
}

/** Appends text[start, end) to parent with the entities (sorted, nested as Telegram nests them). */
function appendFormatted(parent: HTMLElement, text: string, start: number, end: number, entities: EntityView[], chatId: number): void {
  let pos = start;
  let i = 0;
  while (i < entities.length) {
    const entity = entities[i];
    if (entity === undefined) break;
    const from = Math.max(entity.offset, pos);
    const to = Math.min(entity.offset + entity.length, end);
    const inside: EntityView[] = [];
    let j = i + 1;
    for (; j < entities.length; j++) {
      const next = entities[j];
      if (next === undefined || next.offset >= to) break;
      const nextEnd = Math.min(next.offset + next.length, to);
      if (nextEnd > next.offset) inside.push({ ...next, length: nextEnd - next.offset });
    }
    if (from > pos) parent.append(text.slice(pos, from));
    if (to > from) {
      const { outer, inner } = entityElement(entity, text.slice(from, to), chatId);
      appendFormatted(inner, text, from, to, inside, chatId);
      parent.append(outer);
      pos = to;
    }
    i = j;
  }
  if (pos < end) parent.append(text.slice(pos, end));
}

function formatted(text: string, entities: EntityView[], chatId: number): HTMLElement {
  const node = el("div", { class: "text" });
  const sorted = [...entities].sort((a, b) => a.offset - b.offset || b.length - a.length);
  appendFormatted(node, text, 0, text.length, sorted, chatId);
  return node;
}

// ---- messages ----

function fileUrl(fileId: string, download = false): string {
  return `/api/files/${encodeURIComponent(fileId)}${download ? "?download=1" : ""}`;
}

function sizeLabel(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function timeLabel(seconds: number): string {
  const date = new Date(seconds * 1000);
  return `${String(date.getHours()).padStart(2, "0")}:${String(date.getMinutes()).padStart(2, "0")}`;
}

function mediaElement(m: MessageView): HTMLElement | undefined {
  const file = m.file;
  if (file === undefined) return undefined;
  if (m.kind === "photo" || m.kind === "sticker") {
    const img = el("img", { class: "photo", src: fileUrl(file.fileId), alt: m.kind === "photo" ? "🖼" : "🙂", loading: "lazy" });
    if (file.width && file.height) {
      img.width = Math.min(file.width, 360);
      img.height = Math.round((img.width / file.width) * file.height);
    }
    return el("a", { href: fileUrl(file.fileId), target: "_blank", rel: "noopener" }, img);
  }
  if (m.kind === "voice") return el("audio", { controls: "", src: fileUrl(file.fileId) });
  if (m.kind === "video") return el("video", { controls: "", src: fileUrl(file.fileId), class: "photo" });
  const name = file.fileName ?? "file";
  const ext = (/\.([A-Za-z0-9]{1,4})$/.exec(name)?.[1] ?? "FILE").toUpperCase();
  const download = { href: fileUrl(file.fileId, true), download: name };
  return el(
    "div",
    { class: "doc" },
    el("a", { class: "doc-icon", ...download, "aria-label": t("playground-download") }, ext),
    el(
      "div",
      { class: "doc-body" },
      el("a", { class: "doc-name", ...download }, name),
      el("span", { class: "doc-size" }, sizeLabel(file.size)),
      el(
        "span",
        { class: "doc-links" },
        el("a", { class: "doc-download", ...download }, t("playground-download")),
        el("a", { class: "doc-open", href: fileUrl(file.fileId), target: "_blank", rel: "noopener" }, t("playground-open")),
      ),
    ),
  );
}

function buttonElement(chatId: number, m: MessageView, button: ButtonView): HTMLElement {
  if (button.kind === "url") {
    const href = safeHref(button.url);
    return el("a", { class: "inline-btn url", role: "button", ...(href ? { href, target: "_blank", rel: "noopener noreferrer" } : {}) }, button.text);
  }
  if (button.kind === "other") {
    const node = el("button", { class: "inline-btn other", type: "button", title: t("playground-unsupported-button") }, button.text);
    node.addEventListener("click", () => toast(t("playground-unsupported-button")));
    return node;
  }
  const node = el("button", { class: "inline-btn", type: "button", "data-data": button.data }, button.text);
  node.addEventListener("click", () => {
    node.disabled = true;
    postJson<PressResult>(`/api/chats/${chatId}/press`, { messageId: m.id, data: button.data })
      .then((answer) => {
        if (answer.text && answer.showAlert) showAlert(answer.text);
        else if (answer.text) toast(answer.text);
        if (answer.url) window.open(answer.url, "_blank", "noopener");
      })
      .catch(failed)
      .finally(() => {
        node.disabled = false;
      });
  });
  return node;
}

function messageElement(chat: ChatStore, m: MessageView): HTMLElement {
  const chatId = chat.view.id;
  const own = m.sender === "user" && (chat.view.kind === "private" || m.fromName === chat.view.persona.name);
  const bubble = el("div", { class: "bubble" });
  if (chat.view.kind === "group" && !own) bubble.append(el("div", { class: "sender" }, m.fromName));
  if (m.replyTo) {
    const target = m.replyTo.id;
    const quote = el("div", { class: "reply-quote" }, el("b", {}, m.replyTo.fromName), el("span", {}, m.replyTo.snippet));
    quote.addEventListener("click", () => highlight(chatId, target));
    bubble.append(quote);
  }
  const media = mediaElement(m);
  if (media) bubble.append(media);
  const meta = el("span", { class: "meta" }, `${m.edited ? `${t("playground-edited")} ` : ""}${timeLabel(m.date)}`);
  if (m.text !== "") {
    const text = formatted(m.text, m.entities, chatId);
    text.append(meta);
    bubble.append(text);
  } else bubble.append(meta);
  const reply = el("button", { class: "reply-action", type: "button", title: t("playground-reply-action"), "aria-label": t("playground-reply-action") }, "↩");
  reply.addEventListener("click", () => {
    for (const pane of panes) if (pane.chatId === chatId) setReplyTo(pane, m.id);
  });
  bubble.append(reply);

  const node = el("div", { class: `msg ${own ? "out" : "in"}`, "data-message-id": String(m.id), "data-sender": m.sender }, bubble);
  if (m.buttons.length > 0) {
    const keyboard = el("div", { class: "inline-keyboard" });
    for (const row of m.buttons) keyboard.append(el("div", { class: "inline-row" }, ...row.map((b) => buttonElement(chatId, m, b))));
    node.append(keyboard);
  }
  return node;
}

function highlight(chatId: number, messageId: number): void {
  for (const pane of panes) {
    if (pane.chatId !== chatId) continue;
    const node = pane.list.querySelector<HTMLElement>(`[data-message-id="${messageId}"]`);
    if (!node) continue;
    node.scrollIntoView({ block: "center", behavior: "smooth" });
    node.classList.add("highlight");
    setTimeout(() => node.classList.remove("highlight"), 1500);
  }
}

// ---- panes ----

function tabLabel(view: ChatView): string {
  return view.kind === "group" ? t("playground-operators-tab") : `${view.persona.name} (${view.persona.languageCode})`;
}

function actionLabel(action: string): string {
  if (action === "upload_photo") return t("playground-uploading-photo");
  if (action === "upload_document") return t("playground-uploading-document");
  return t("playground-typing");
}

function renderHeader(pane: Pane): void {
  const chat = chats.get(pane.chatId);
  if (!chat) return;
  pane.title.textContent = chat.view.title;
  pane.avatar.textContent = chat.view.title.slice(0, 1);
  pane.avatar.classList.toggle("group", chat.view.kind === "group");
  const action = chat.action && chat.action.until > Date.now() ? chat.action.name : undefined;
  pane.subtitle.classList.toggle("active", action !== undefined);
  pane.subtitle.textContent =
    action !== undefined
      ? actionLabel(action)
      : `${chat.view.kind === "group" ? t("playground-group-subtitle") : `@${state.bot.username}`} · ${t("playground-you-are")} ${chat.view.persona.name}`;
}

function renderTabs(pane: Pane): void {
  pane.tabs.replaceChildren(
    ...state.chats.map((view) => {
      const chat = chats.get(view.id);
      const tab = el("button", { class: "tab", type: "button", role: "tab", "data-chat-id": String(view.id), "aria-selected": String(view.id === pane.chatId) }, tabLabel(view));
      if (chat && chat.unread > 0 && view.id !== pane.chatId) tab.append(el("span", { class: "unread" }, String(chat.unread)));
      tab.addEventListener("click", () => openChat(pane, view.id));
      return tab;
    }),
  );
}

function renderKeyboard(pane: Pane): void {
  const rows = chats.get(pane.chatId)?.replyKeyboard ?? null;
  pane.keyboard.hidden = rows === null || rows.length === 0;
  pane.keyboard.replaceChildren(
    ...(rows ?? []).map((row) =>
      el(
        "div",
        { class: "row" },
        ...row.map((text) => {
          const button = el("button", { type: "button" }, text);
          button.addEventListener("click", () => void sendText(pane.chatId, text).catch(failed));
          return button;
        }),
      ),
    ),
  );
}

function renderMessages(pane: Pane): void {
  const chat = chats.get(pane.chatId);
  if (!chat) return;
  const nodes = [...chat.messages.values()].sort((a, b) => a.id - b.id).map((m) => messageElement(chat, m));
  if (nodes.length === 0) {
    pane.list.replaceChildren(el("div", { class: "empty" }, t(chat.view.kind === "group" ? "playground-empty-group" : "playground-empty-private")));
  } else pane.list.replaceChildren(...nodes);
  pane.list.scrollTop = pane.list.scrollHeight;
}

function renderComposer(pane: Pane): void {
  const chat = chats.get(pane.chatId);
  pane.textarea.placeholder = t(pane.files.length > 0 ? "playground-caption-placeholder" : "playground-input-placeholder");
  pane.commandsButton.hidden = chat?.view.kind !== "private";
  const replied = pane.replyTo !== undefined ? chat?.messages.get(pane.replyTo) : undefined;
  if (pane.replyTo !== undefined && replied === undefined) pane.replyTo = undefined;
  pane.replyBar.hidden = replied === undefined;
  const replyLabel = pane.replyBar.querySelector(".label");
  if (replyLabel) replyLabel.textContent = replied ? `${t("playground-reply-to")}: ${replied.fromName} — ${replied.text.split("\n")[0] ?? ""}` : "";
  pane.attachBar.hidden = pane.files.length === 0;
  const attachLabel = pane.attachBar.querySelector(".label");
  if (attachLabel) attachLabel.textContent = `📎 ${pane.files.map((f) => f.name).join(", ")}`;
  pane.asFileLabel.hidden = !pane.files.some((f) => f.type.startsWith("image/"));
}

function renderPane(pane: Pane): void {
  pane.root.dataset.chatId = String(pane.chatId);
  renderTabs(pane);
  renderHeader(pane);
  renderMessages(pane);
  renderKeyboard(pane);
  renderComposer(pane);
}

function openChat(pane: Pane, chatId: number): void {
  pane.chatId = chatId;
  pane.replyTo = undefined;
  const chat = chats.get(chatId);
  if (chat) chat.unread = 0;
  pane.commandsMenu.hidden = true;
  renderPane(pane);
  for (const other of panes) if (other !== pane) renderTabs(other);
  pane.textarea.focus();
}

function setReplyTo(pane: Pane, messageId: number | undefined): void {
  pane.replyTo = messageId;
  renderComposer(pane);
  pane.textarea.focus();
}

function setFiles(pane: Pane, files: File[]): void {
  pane.files = files;
  pane.asFile.checked = false;
  renderComposer(pane);
  pane.textarea.focus();
}

async function sendText(chatId: number, text: string, replyTo?: number): Promise<void> {
  await postJson(`/api/chats/${chatId}/text`, { text, ...(replyTo !== undefined ? { replyTo } : {}) });
}

async function submit(pane: Pane): Promise<void> {
  const text = pane.textarea.value.trim();
  const chatId = pane.chatId;
  const replyTo = pane.replyTo;
  if (pane.files.length > 0) {
    const form = new FormData();
    form.append("caption", text);
    if (replyTo !== undefined) form.append("replyTo", String(replyTo));
    form.append("asDocument", String(pane.asFile.checked));
    for (const file of pane.files) form.append("file", file, file.name);
    await api(`/api/chats/${chatId}/upload`, { method: "POST", body: form });
    pane.fileInput.value = "";
    setFiles(pane, []);
  } else {
    if (text === "") return;
    await sendText(chatId, text, replyTo);
  }
  pane.textarea.value = "";
  setReplyTo(pane, undefined);
}

function buildPane(index: number, chatId: number): Pane {
  const tabs = el("nav", { class: "tabs", role: "tablist" });
  const avatar = el("div", { class: "avatar" });
  const title = el("div", { class: "chat-title" });
  const subtitle = el("div", { class: "chat-subtitle" });
  const list = el("div", { class: "messages", role: "log" });
  const keyboard = el("div", { class: "reply-keyboard", hidden: "" });
  const replyBar = el("div", { class: "composer-bar reply-bar", hidden: "" }, el("span", { class: "label" }), el("button", { type: "button", class: "cancel-reply", "aria-label": "×" }, "×"));
  const asFile = el("input", { type: "checkbox", class: "as-file-input" });
  const asFileLabel = el("label", { class: "as-file" }, asFile, " ", el("span", { "data-i18n": "playground-as-file" }, t("playground-as-file")));
  const attachBar = el("div", { class: "composer-bar attach-bar", hidden: "" }, el("span", { class: "label" }), asFileLabel, el("button", { type: "button", class: "remove-files", "aria-label": "×" }, "×"));
  const fileInput = el("input", { type: "file", multiple: "", class: "file-input" });
  const attach = el("label", { class: "icon-btn attach", title: t("playground-attach") }, "📎", fileInput);
  const commandsButton = el("button", { type: "button", class: "icon-btn commands-btn", title: t("playground-commands") }, "/");
  const textarea = el("textarea", { rows: "1", name: "text" });
  const send = el("button", { type: "submit", class: "icon-btn send-btn", title: t("playground-send"), "aria-label": t("playground-send") }, "➤");
  const form = el("form", { class: "composer" }, replyBar, attachBar, el("div", { class: "composer-row" }, attach, commandsButton, textarea, send));
  const commandsMenu = el("div", { class: "commands-menu", hidden: "" });
  const root = el(
    "section",
    { class: "pane", "data-pane": String(index) },
    tabs,
    el("header", { class: "chat-header" }, avatar, el("div", {}, title, subtitle)),
    list,
    commandsMenu,
    keyboard,
    form,
  );
  const pane: Pane = { index, chatId, root, tabs, title, subtitle, avatar, list, keyboard, textarea, fileInput, replyBar, attachBar, asFile, asFileLabel, commandsButton, commandsMenu, replyTo: undefined, files: [] };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    send.disabled = true;
    submit(pane)
      .catch(failed)
      .finally(() => {
        send.disabled = false;
      });
  });
  textarea.addEventListener("keydown", (event) => {
    // Enter sends, Shift+Enter starts a new line: like Telegram.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  fileInput.addEventListener("change", () => setFiles(pane, [...(fileInput.files ?? [])]));
  replyBar.querySelector(".cancel-reply")?.addEventListener("click", () => setReplyTo(pane, undefined));
  attachBar.querySelector(".remove-files")?.addEventListener("click", () => {
    fileInput.value = "";
    setFiles(pane, []);
  });
  commandsButton.addEventListener("click", () => {
    const chat = chats.get(pane.chatId);
    const commands = state.commands[chat?.view.persona.languageCode === "ru" ? "ru" : "en"] ?? [];
    commandsMenu.replaceChildren(
      ...commands.map((c) => {
        const item = el("button", { type: "button" }, el("b", {}, `/${c.command}`), el("span", {}, c.description));
        item.addEventListener("click", () => {
          commandsMenu.hidden = true;
          sendText(pane.chatId, `/${c.command}`).catch(failed);
        });
        return item;
      }),
    );
    commandsMenu.hidden = !commandsMenu.hidden;
  });
  root.addEventListener("dragover", (event) => {
    event.preventDefault();
    root.classList.add("drop-target");
  });
  root.addEventListener("dragleave", () => root.classList.remove("drop-target"));
  root.addEventListener("drop", (event) => {
    event.preventDefault();
    root.classList.remove("drop-target");
    const files = [...(event.dataTransfer?.files ?? [])];
    if (files.length > 0) setFiles(pane, files);
  });
  return pane;
}

function layoutPanes(): void {
  const split = (document.getElementById("split") as HTMLInputElement | null)?.checked ?? true;
  const container = document.getElementById("panes");
  if (!container) return;
  const wanted = split ? 2 : 1;
  container.replaceChildren(...panes.slice(0, wanted).map((p) => p.root));
}

// ---- data ----

function upsert(chatId: number, message: MessageView): void {
  const chat = chats.get(chatId);
  if (!chat) return;
  const isNew = !chat.messages.has(message.id);
  chat.messages.set(message.id, message);
  // A message ends the bot's "typing…".
  if (message.sender === "bot") chat.action = undefined;
  let shown = false;
  for (const pane of panes) {
    if (pane.chatId !== chatId || !pane.root.isConnected) continue;
    shown = true;
    const fresh = messageElement(chat, message);
    const existing = pane.list.querySelector(`[data-message-id="${message.id}"]`);
    const nearBottom = pane.list.scrollHeight - pane.list.scrollTop - pane.list.clientHeight < 120;
    if (existing) existing.replaceWith(fresh);
    else {
      pane.list.querySelector(".empty")?.remove();
      const later = [...pane.list.querySelectorAll<HTMLElement>("[data-message-id]")].find((n) => Number(n.dataset.messageId) > message.id);
      if (later) later.before(fresh);
      else pane.list.append(fresh);
    }
    if (isNew && (nearBottom || message.sender === "user")) pane.list.scrollTop = pane.list.scrollHeight;
    renderHeader(pane);
  }
  if (isNew && !shown) {
    chat.unread++;
    for (const pane of panes) renderTabs(pane);
  }
}

function remove(chatId: number, messageId: number): void {
  chats.get(chatId)?.messages.delete(messageId);
  for (const pane of panes) {
    if (pane.chatId === chatId) pane.list.querySelector(`[data-message-id="${messageId}"]`)?.remove();
  }
}

function handleEvent(event: PlaygroundEvent): void {
  const chat = chats.get(event.chatId);
  if (!chat) return;
  if (event.type === "message" || event.type === "edit") {
    upsert(event.chatId, event.message);
    if (chat.view.kind === "private") {
      chat.replyKeyboard = event.replyKeyboard;
      for (const pane of panes) if (pane.chatId === event.chatId) renderKeyboard(pane);
    }
  } else if (event.type === "delete") remove(event.chatId, event.messageId);
  else if (event.type === "chat_action") {
    chat.action = { name: event.action, until: Date.now() + 5000 };
    for (const pane of panes) if (pane.chatId === event.chatId) renderHeader(pane);
    setTimeout(() => {
      for (const pane of panes) if (pane.chatId === event.chatId) renderHeader(pane);
    }, 5100);
  }
}

async function loadHistories(): Promise<void> {
  const histories = await Promise.all(state.chats.map((c) => api<ChatHistory>(`/api/chats/${c.id}/messages`)));
  for (const history of histories) {
    const chat = chats.get(history.chat.id);
    if (!chat) continue;
    chat.messages = new Map(history.messages.map((m) => [m.id, m]));
    chat.replyKeyboard = history.replyKeyboard;
  }
  for (const pane of panes) renderPane(pane);
}

function connectEvents(): void {
  const banner = document.getElementById("connection");
  const source = new EventSource("/api/events");
  let dropped = false;
  source.addEventListener("open", () => {
    if (banner) banner.hidden = true;
    // Whatever happened while the connection was down arrives with the full histories.
    if (dropped) loadHistories().catch(failed);
  });
  source.addEventListener("error", () => {
    dropped = true;
    if (banner) banner.hidden = false;
  });
  source.addEventListener("message", (event: MessageEvent<string>) => {
    handleEvent(JSON.parse(event.data) as PlaygroundEvent);
  });
}

async function setLanguage(next: Lang): Promise<void> {
  lang = next;
  strings = await api<Strings>(`/api/strings?lang=${lang}`);
  document.documentElement.lang = lang;
  document.title = t("playground-title");
  try {
    localStorage.setItem("playground-lang", lang);
  } catch {
    // Storage can be off (private mode); the choice then lasts for this visit.
  }
  for (const node of document.querySelectorAll<HTMLElement>("[data-i18n]")) node.textContent = t(node.dataset.i18n ?? "");
  for (const node of document.querySelectorAll<HTMLElement>("[data-i18n-label]")) node.setAttribute("aria-label", t(node.dataset.i18nLabel ?? ""));
  for (const button of document.querySelectorAll<HTMLElement>("[data-lang]")) button.setAttribute("aria-pressed", String(button.dataset.lang === lang));
  for (const pane of panes) {
    pane.root.querySelector(".attach")?.setAttribute("title", t("playground-attach"));
    pane.commandsButton.title = t("playground-commands");
    pane.root.querySelector(".send-btn")?.setAttribute("title", t("playground-send"));
    renderPane(pane);
  }
}

function initialLanguage(): Lang {
  const fromUrl = new URLSearchParams(location.search).get("lang");
  if (fromUrl === "ru" || fromUrl === "en") return fromUrl;
  let stored: string | null;
  try {
    stored = localStorage.getItem("playground-lang");
  } catch {
    stored = null;
  }
  if (stored === "ru" || stored === "en") return stored;
  return navigator.language.toLowerCase().startsWith("ru") ? "ru" : "en";
}

async function main(): Promise<void> {
  state = await api<PlaygroundState>("/api/state");
  for (const view of state.chats) chats.set(view.id, { view, messages: new Map(), replyKeyboard: null, unread: 0 });
  const firstWriter = state.chats.find((c) => c.kind === "private");
  const group = state.chats.find((c) => c.kind === "group");
  panes.push(buildPane(0, firstWriter?.id ?? state.chats[0]?.id ?? 0), buildPane(1, group?.id ?? state.chats[0]?.id ?? 0));
  const split = document.getElementById("split") as HTMLInputElement | null;
  split?.addEventListener("change", layoutPanes);
  for (const button of document.querySelectorAll<HTMLElement>("[data-lang]")) {
    button.addEventListener("click", () => void setLanguage(button.dataset.lang === "en" ? "en" : "ru").catch(failed));
  }
  document.getElementById("alert-ok")?.addEventListener("click", () => {
    const backdrop = document.getElementById("alert");
    if (backdrop) backdrop.hidden = true;
  });
  layoutPanes();
  await setLanguage(initialLanguage());
  connectEvents();
  await loadHistories();
  document.body.dataset.ready = "true";
}

main().catch(failed);
