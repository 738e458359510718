-- AlterEnum
ALTER TYPE "AssignmentStatus" ADD VALUE 'declined';

-- AlterTable
ALTER TABLE "assignments" ADD COLUMN     "ended_at" TIMESTAMP(3),
ADD COLUMN     "letter_id" INTEGER;

-- CreateIndex
CREATE UNIQUE INDEX "assignments_letter_id_key" ON "assignments"("letter_id");

-- AddForeignKey
ALTER TABLE "assignments" ADD CONSTRAINT "assignments_letter_id_fkey" FOREIGN KEY ("letter_id") REFERENCES "letters"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- DropIndex
DROP INDEX "assignments_status_expires_at_idx";

-- CreateIndex
CREATE INDEX "assignments_status_expires_at_prisoner_id_idx" ON "assignments"("status", "expires_at", "prisoner_id");

-- The fair draw (src/db/repositories/assignments.ts: assignPrisoner), in one round trip. The policy's
-- numbers come from src/domain/assignment.ts as arguments; this function is the mechanism only.
-- Written in PL/pgSQL because each statement inside takes a fresh snapshot (READ COMMITTED), which
-- the lock-then-verify step needs, and because one call per draw keeps it fast under load.
CREATE FUNCTION lifeline_assign_prisoner(
    p_writer_id INTEGER,
    p_exclude INTEGER[],
    p_now TIMESTAMP(3),
    p_expires_at TIMESTAMP(3),
    p_recent_letter_since TIMESTAMP(3),
    p_declined_since TIMESTAMP(3),
    p_tier_bounds INTEGER[],
    p_load_exponent DOUBLE PRECISION,
    p_interest_bonus DOUBLE PRECISION,
    p_max_shared INTEGER,
    p_lapse_batch INTEGER,
    p_max_attempts INTEGER
) RETURNS TABLE (out_assignment_id INTEGER, out_prisoner_id INTEGER, out_expires_at TIMESTAMP(3), out_reused BOOLEAN)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
    v_interests TEXT[];
    v_existing RECORD;
    v_pick RECORD;
    v_new_id INTEGER;
BEGIN
    -- One request per writer at a time: a double tap cannot create two assignments. NO KEY UPDATE
    -- locks (here and on prisoners) do not block inserts elsewhere that merely reference the row.
    SELECT w.interests INTO v_interests FROM writers w WHERE w.id = p_writer_id FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'writer % does not exist', p_writer_id USING ERRCODE = 'foreign_key_violation';
    END IF;

    -- A fresh snapshot after the lock sees what this writer's previous request committed.
    SELECT a.id, a.prisoner_id, a.expires_at INTO v_existing
    FROM assignments a
    WHERE a.writer_id = p_writer_id AND a.status = 'active' AND a.expires_at > p_now
    ORDER BY a.created_at DESC
    LIMIT 1;
    IF FOUND THEN
        RETURN QUERY SELECT v_existing.id, v_existing.prisoner_id, v_existing.expires_at, TRUE;
        RETURN;
    END IF;

    -- Lapse some expired assignments in passing; SKIP LOCKED so concurrent draws never wait on it.
    UPDATE assignments SET status = 'lapsed', ended_at = expires_at, updated_at = p_now
    WHERE id IN (
        SELECT x.id FROM assignments x
        WHERE x.status = 'active' AND x.expires_at <= p_now
        ORDER BY x.expires_at
        LIMIT p_lapse_batch
        FOR UPDATE SKIP LOCKED
    );

    FOR attempt IN 1..p_max_attempts LOOP
        -- Candidates by load tier, then by the Efraimidis-Spirakis key -ln(u) / weight (ascending
        -- order = weighted sampling). The first one not being assigned by another transaction is locked.
        WITH open_load AS (
            SELECT o.prisoner_id, count(*)::INTEGER AS n
            FROM assignments o
            WHERE o.status = 'active' AND o.expires_at > p_now
            GROUP BY o.prisoner_id
        ),
        excluded AS (
            SELECT e.prisoner_id FROM assignments e
            WHERE e.writer_id = p_writer_id
              AND (e.status = 'active' OR (e.status = 'declined' AND e.ended_at > p_declined_since))
            UNION
            SELECT l.prisoner_id FROM letters l
            WHERE l.writer_id = p_writer_id AND l.created_at > p_recent_letter_since AND l.prisoner_id IS NOT NULL
            UNION
            SELECT unnest(p_exclude)
        ),
        candidates AS (
            SELECT c.id,
                   c.letters_count + COALESCE(ol.n, 0) AS load,
                   CASE WHEN c.interests && v_interests
                        THEN (SELECT count(DISTINCT i)::INTEGER FROM unnest(c.interests) AS i WHERE i = ANY(v_interests))
                        ELSE 0 END AS shared
            FROM prisoners c
            LEFT JOIN open_load ol ON ol.prisoner_id = c.id
            WHERE c.can_receive_letters AND c.released_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM excluded ex WHERE ex.prisoner_id = c.id)
        )
        SELECT p.id AS prisoner_id, width_bucket(k.load, p_tier_bounds) AS tier INTO v_pick
        FROM prisoners p
        JOIN candidates k ON k.id = p.id
        ORDER BY width_bucket(k.load, p_tier_bounds),
                 -ln(1.0 - random()) * power(1 + k.load, p_load_exponent)
                   / (1 + p_interest_bonus * least(k.shared, p_max_shared))
        LIMIT 1
        FOR NO KEY UPDATE OF p SKIP LOCKED;
        IF NOT FOUND THEN
            RETURN;
        END IF;

        -- Another transaction may have committed an assignment of this person between the draw's
        -- snapshot and our lock: this statement's fresh snapshot sees it. Only if the person is still
        -- in the tier we drew from (or this is the last attempt) is the assignment made.
        INSERT INTO assignments (writer_id, prisoner_id, status, expires_at, created_at, updated_at)
        SELECT p_writer_id, v_pick.prisoner_id, 'active', p_expires_at, p_now, p_now
        WHERE attempt = p_max_attempts OR width_bucket(
            (SELECT pr.letters_count FROM prisoners pr WHERE pr.id = v_pick.prisoner_id)
              + (SELECT count(*)::INTEGER FROM assignments a2
                 WHERE a2.prisoner_id = v_pick.prisoner_id AND a2.status = 'active' AND a2.expires_at > p_now),
            p_tier_bounds) <= v_pick.tier
        RETURNING id INTO v_new_id;
        IF v_new_id IS NOT NULL THEN
            RETURN QUERY SELECT v_new_id, v_pick.prisoner_id, p_expires_at, FALSE;
            RETURN;
        END IF;
    END LOOP;
END;
$$;
