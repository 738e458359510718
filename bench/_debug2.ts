import { createPrisma } from "../src/db/client.js";
const prisma = createPrisma("postgresql://postgres@127.0.0.1:5432/test", { max: 4 });
const r = await prisma.$queryRaw<{ x: unknown; y: unknown }[]>`select ${new Date(Date.UTC(2030,0,1,5,6,7,891))}::timestamp(3) as x, ${new Date(Date.UTC(2030,0,1,5,6,7,891))}::timestamp(3)::text as y`;
console.log(r, r[0]!.x instanceof Date);
await prisma.$disconnect();
