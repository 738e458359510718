-- AlterTable
ALTER TABLE "replies" ADD COLUMN     "source_key" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "replies_source_key_key" ON "replies"("source_key");
