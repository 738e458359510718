// Administrator commands: `npm run cli -- <command> [args]`. Each command lives in ./commands/ and
// returns an exit code; failures print one line.
import { DEFAULT_DATABASE_URL } from "../db/migrate.js";
import { loadDotEnv } from "../config.js";
import { keysCommand } from "./commands/keys.js";
import { operatorsCommand } from "./commands/operators.js";
import { prisonersCommand } from "./commands/prisoners.js";
import { seedCommand } from "./commands/seed.js";

interface Command {
  usage: string;
  run: (args: string[], databaseUrl: string) => Promise<number>;
}

const commands: Record<string, Command> = {
  seed: { usage: "seed                      load the fictional demo prisoners", run: seedCommand },
  prisoners: { usage: "prisoners import <file.csv|file.json> [--dry-run]   update the prisoner list (docs/prisoner-import.md)", run: prisonersCommand },
  operators: { usage: "operators add <telegramId> [--admin] | remove <telegramId> | list", run: operatorsCommand },
  keys: { usage: "keys rotate [--batch 500]  re-encrypt everything under ENCRYPTION_KEY (README, Encryption keys)", run: (args, url) => keysCommand(args, url) },
};

function usage(): string {
  return ["Usage: npm run cli -- <command>", ...Object.values(commands).map((c) => `  ${c.usage}`)].join("\n");
}

function oneLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split("\n").map((l) => l.trim()).filter(Boolean).join(" ").slice(0, 500);
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    console.error(usage());
    return 1;
  }
  return command.run(args, process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
}

// The admin's settings live in .env, like the bot's.
loadDotEnv();
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`Error: ${oneLine(err)}`);
    process.exit(1);
  },
);
