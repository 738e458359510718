import js from "@eslint/js";
import tseslint from "typescript-eslint";

/**
 * The layers (docs/architecture.md): a folder may not import the folders above it. One block per
 * folder; `allowTypeImports` lets the message layer name database row types without loading db.
 */
function below(folders, message, allowTypeImports = false) {
  return { group: folders.flatMap((f) => [`**/${f}`, `**/${f}/**`]), message, allowTypeImports };
}
const layers = [
  [["src/domain/**"], [below(["db", "bot", "workers", "messages", "queues", "storage", "media"], "domain/ is pure: it imports no other layer.")]],
  [["src/db/**"], [below(["bot", "workers", "messages"], "db/ is below the message layer, the bot and the workers.")]],
  [["src/media/**", "src/storage/**"], [below(["db", "bot", "workers"], "media/ and storage/ know nothing of the database, the bot or the workers.")]],
  [
    ["src/messages/**"],
    [
      below(["bot", "workers", "queues"], "messages/ is below the bot and the workers."),
      below(["db", "generated"], "messages/ may name database types (import type), not load the database.", true),
    ],
  ],
  [
    ["src/workers/**", "src/replies/**", "src/queues/**", "src/setup/**", "src/cli/**", "src/privacy/**", "src/telegram/**"],
    [below(["bot"], "Only the bot (and app.ts, lazily) may load src/bot: take views, keyboards and i18n from src/messages.")],
  ],
].map(([files, patterns]) => ({ files, rules: { "no-restricted-imports": ["error", { patterns }] } }));

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "src/generated/", "data/", "coverage/", "test-artifacts/", "scripts/"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": "error",
    },
  },
  {
    // The playground's page script has its own tsconfig (DOM types stay out of the server code).
    files: ["src/playground/client/**/*.ts"],
    languageOptions: {
      parserOptions: { projectService: false, project: "./src/playground/client/tsconfig.json" },
    },
  },
  {
    files: ["eslint.config.js"],
    extends: [tseslint.configs.disableTypeChecked],
  },
  ...layers,
  {
    files: ["src/cli/**", "bench/**", "src/db/migrate-cli.ts"],
    rules: { "no-console": "off" },
  },
  {
    // Conversations replay from the top: small steps in small files are what keeps them readable.
    files: ["src/bot/conversations/**/*.ts"],
    rules: {
      "max-lines": ["error", { max: 250 }],
      "max-lines-per-function": ["error", { max: 80 }],
    },
  },
);
