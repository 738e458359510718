-- DropIndex
DROP INDEX "assignments_prisoner_id_status_idx";

-- CreateIndex
CREATE INDEX "assignments_prisoner_id_status_expires_at_idx" ON "assignments"("prisoner_id", "status", "expires_at");
