import { createPrisma } from "../src/db/client.js";
import { assignPrisoner, lapseExpiredAssignments } from "../src/db/repositories/assignments.js";
import { applyMigrations, dropDatabase } from "../src/db/migrate.js";
import { seedDemoPrisoners } from "../src/db/seed.js";
const url = "postgresql://postgres@127.0.0.1:5432/lifeline_dbg_assign4";
await dropDatabase(url).catch(() => undefined);
await applyMigrations(url);
const prisma = createPrisma(url, { max: 8 });
await seedDemoPrisoners(prisma);
const ws = await prisma.writer.createManyAndReturn({ data: Array.from({ length: 3000 }, (_, i) => ({ telegramId: BigInt(i + 1), language: "ru" as const })), select: { id: true } });
let t = performance.now();
for (const w of ws.slice(0, 500)) await prisma.$queryRaw`select 1`;
console.log("select 1 seq ms", (performance.now() - t) / 500);
let clock = Date.UTC(2030, 0, 1);
t = performance.now();
for (const w of ws.slice(0, 500)) { await assignPrisoner(prisma, { writerId: w.id, now: new Date(clock) }); clock += 73 * 3600_000; }
console.log("assign seq ms", (performance.now() - t) / 500);
t = performance.now();
for (let i = 500; i < 3000; i += 8) { await Promise.all(ws.slice(i, i + 8).map((w) => assignPrisoner(prisma, { writerId: w.id, now: new Date(clock) }))); clock += 73 * 3600_000; await lapseExpiredAssignments(prisma, new Date(clock)); }
console.log("assign rounds of 8 ms/draw", (performance.now() - t) / 2500);
await prisma.$disconnect();

