/**
 * Callback data of the base features, in one place so features and keyboards agree.
 * Later features use their own prefix ("letter:", "op:", ...) and keep data under 64 bytes.
 */
export const CB = {
  menu: "menu:main",
  help: "menu:help",
  settings: "menu:settings",
  languageChoose: "lang:choose",
  /** Followed by a locale: "lang:set:ru". */
  languageSetPrefix: "lang:set:",
  /** A generic "Cancel" button for any flow; handled like /cancel. */
  cancel: "flow:cancel",
  /** Journey: "Write a letter", the guide, Settings → Interests / Signature. */
  write: "write:start",
  guide: "guide:menu",
  /** The guide's contents as a new message (from the rules digest, which must stay). */
  guideNew: "guide:menu:new",
  interests: "int:open",
  signature: "sig:open",
  /** Settings → Privacy (what we keep, delete my data). */
  privacy: "privacy:open",
} as const;
