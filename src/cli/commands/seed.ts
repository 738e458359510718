import { createPrisma } from "../../db/client.js";
import { seedDemoPrisoners } from "../../db/seed.js";

/** `seed`: loads the fictional demo prisoners into DATABASE_URL (idempotent). */
export async function seedCommand(_args: string[], databaseUrl: string): Promise<number> {
  const prisma = createPrisma(databaseUrl);
  try {
    const result = await seedDemoPrisoners(prisma);
    console.log(
      `Demo prisoners: ${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged.`,
    );
    return 0;
  } finally {
    await prisma.$disconnect();
  }
}
