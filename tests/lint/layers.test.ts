// The import rule of eslint.config.js, run through ESLint's Node API on made-up files: a lower
// layer importing an upper one is an error, the allowed way is not. (Type-aware rules are off
// here: the files exist only in this test.)
import { ESLint } from "eslint";
import tseslint from "typescript-eslint";
import { describe, expect, it } from "vitest";

const eslint = new ESLint({ overrideConfig: tseslint.configs.disableTypeChecked });

/** The no-restricted-imports messages ESLint reports for `code` as if it lived at `filePath`. */
async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

describe("the layer rule", () => {
  it("refuses a worker importing the bot, and accepts the message layer", async () => {
    const wrong = await layerErrors("src/workers/x.ts", 'import { createBot } from "../bot/index.js";\nexport const x = createBot;\n');
    expect(wrong).toHaveLength(1);
    expect(wrong[0]).toContain("take views, keyboards and i18n from src/messages");
    expect(await layerErrors("src/workers/x.ts", 'import { createI18n } from "../messages/i18n.js";\nexport const x = createI18n;\n')).toEqual([]);
  });

  it("refuses deep paths into the bot from the reply intake and set-up", async () => {
    expect(await layerErrors("src/replies/x.ts", 'import { showRules } from "../bot/views/rules.js";\nexport const x = showRules;\n')).toHaveLength(1);
    expect(await layerErrors("src/setup/x.ts", 'export { createBot } from "../bot/index.js";\n')).toHaveLength(1);
  });

  it("lets the message layer name database types but not load the database", async () => {
    expect(await layerErrors("src/messages/views/x.ts", 'import type { Prisoner } from "../../db/repositories/prisoners.js";\nexport type X = Prisoner;\n')).toEqual([]);
    const value = await layerErrors("src/messages/views/x.ts", 'import { findPrisoner } from "../../db/repositories/prisoners.js";\nexport const x = findPrisoner;\n');
    expect(value).toHaveLength(1);
    expect(value[0]).toContain("not load the database");
    expect(await layerErrors("src/messages/x.ts", 'import { CB } from "../bot/keyboards/callbacks.js";\nexport const x = CB;\n')).toHaveLength(1);
  });

  it("keeps domain pure and media and storage away from the database", async () => {
    expect(await layerErrors("src/domain/x.ts", 'import { createPrisma } from "../db/client.js";\nexport const x = createPrisma;\n')).toHaveLength(1);
    expect(await layerErrors("src/media/x.ts", 'import { createPrisma } from "../db/client.js";\nexport const x = createPrisma;\n')).toHaveLength(1);
    expect(await layerErrors("src/storage/x.ts", 'import type { Writer } from "../db/repositories/writers.js";\nexport type X = Writer;\n')).toHaveLength(1);
    expect(await layerErrors("src/db/x.ts", 'import { DEFAULT_OPERATORS_LOCALE } from "../messages/i18n.js";\nexport const x = DEFAULT_OPERATORS_LOCALE;\n')).toHaveLength(1);
  });

  it("leaves the bot free to use every layer below it", async () => {
    const code = 'import { createPrisma } from "../db/client.js";\nimport { CB } from "../messages/keyboards/callbacks.js";\nexport const x = [createPrisma, CB];\n';
    expect(await layerErrors("src/bot/x.ts", code)).toEqual([]);
  });
});
