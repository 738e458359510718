import { createPrisma } from "../../db/client.js";
import { addOperator, listOperators, removeOperator } from "../../db/repositories/operators.js";

const USAGE = "Usage: npm run cli -- operators add <telegramId> [--admin] | remove <telegramId> | list";

function parseTelegramId(value: string | undefined): bigint | undefined {
  return value && /^[1-9]\d{0,15}$/.test(value) ? BigInt(value) : undefined;
}

/** `operators add|remove|list`: manages who may moderate, print, post and forward replies. */
export async function operatorsCommand(args: string[], databaseUrl: string): Promise<number> {
  const [action, rawId, ...rest] = args;
  const flags = new Set(rest);
  if (action === "list") {
    const prisma = createPrisma(databaseUrl);
    try {
      const operators = await listOperators(prisma);
      if (operators.length === 0) console.log("No operators yet (ADMIN_IDS become administrators when the bot first sees them).");
      for (const op of operators) console.log(`#${op.id}\t${op.telegramId}\t${op.role}`);
      return 0;
    } finally {
      await prisma.$disconnect();
    }
  }
  const telegramId = parseTelegramId(rawId);
  if ((action !== "add" && action !== "remove") || telegramId === undefined || [...flags].some((f) => f !== "--admin")) {
    console.error(USAGE);
    return 1;
  }
  const prisma = createPrisma(databaseUrl);
  try {
    if (action === "add") {
      const op = await addOperator(prisma, { telegramId, role: flags.has("--admin") ? "admin" : "operator" });
      console.log(`Operator #${op.id} (${op.telegramId}) is now ${op.role === "admin" ? "an administrator" : "an operator"}.`);
      return 0;
    }
    if (await removeOperator(prisma, telegramId)) {
      console.log(`${telegramId} is no longer an operator; their next press is refused.`);
      return 0;
    }
    console.error(`${telegramId} is not an active operator.`);
    return 1;
  } finally {
    await prisma.$disconnect();
  }
}
