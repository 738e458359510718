-- Each person's open assignments kept on their row (prisoners.open_assignments), so the draw reads a
-- candidate's load (letters_count + open assignments) from the row it already reads instead of
-- counting that person's open assignments in the assignments table for every candidate, twice per
-- draw. With ten draws at once on two cores those counts were most of the draw's work.
--
-- The count is of assignments whose status is 'active', expired or not: expiry is a matter of time,
-- not of a write, so no counter can follow it by itself. The draw lapses expired assignments before
-- it reads the counts (as it did already, in passing); if any active expired ones are left (locked by
-- another transaction, or more than a batch of them), it subtracts each candidate's expired ones
-- (counted through the index, as before) and the load is exact again.
--
-- Kept by triggers on assignments, in the same transaction as every insert, status change and
-- delete (draws, letters, declines, lapses, releases, a writer's erasure cascading): no code path
-- can forget it, and every snapshot sees the count and the rows it counts together.
-- open_assignments has no index, so its updates can stay heap-only (no new entries in the name
-- search's trigram index and the other indexes of prisoners).

-- Nothing changes assignments until this migration commits: no change slips between the count
-- below and the triggers.
LOCK TABLE "assignments" IN SHARE ROW EXCLUSIVE MODE;

ALTER TABLE "prisoners" ADD COLUMN "open_assignments" INTEGER NOT NULL DEFAULT 0;

-- An insert adds to the person's count row by row: the app inserts assignments one at a time (one
-- draw, one row; the draw holds that person's row already).
CREATE FUNCTION lifeline_count_new_assignment() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE prisoners SET open_assignments = open_assignments + 1 WHERE id = NEW.prisoner_id;
    RETURN NULL;
END;
$$;

-- Changes and deletes, per statement with transition tables: a sweep lapsing a thousand assignments
-- updates each person once, and locks their rows in id order, so two sweeps (or a sweep and a
-- draw's lapse, or a writer's erasure) touching the same people cannot deadlock.
CREATE FUNCTION lifeline_count_ended_assignments() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
DECLARE
    v_ids INTEGER[];
    v_deltas INTEGER[];
BEGIN
    IF TG_OP = 'DELETE' THEN
        SELECT array_agg(d.prisoner_id ORDER BY d.prisoner_id), array_agg(-d.n ORDER BY d.prisoner_id)
        INTO v_ids, v_deltas
        FROM (SELECT prisoner_id, count(*)::INTEGER AS n FROM old_rows WHERE status = 'active' GROUP BY prisoner_id) d;
    ELSE
        -- What the rows count now minus what they counted before, per person (a row may also have
        -- moved from one person to another).
        SELECT array_agg(d.prisoner_id ORDER BY d.prisoner_id), array_agg(d.n ORDER BY d.prisoner_id)
        INTO v_ids, v_deltas
        FROM (
            SELECT x.prisoner_id, sum(x.n)::INTEGER AS n
            FROM (
                SELECT prisoner_id, 1 AS n FROM new_rows WHERE status = 'active'
                UNION ALL
                SELECT prisoner_id, -1 AS n FROM old_rows WHERE status = 'active'
            ) x
            GROUP BY x.prisoner_id
            HAVING sum(x.n) <> 0
        ) d;
    END IF;
    IF v_ids IS NULL THEN
        RETURN NULL;
    END IF;
    IF cardinality(v_ids) > 1 THEN
        PERFORM 1 FROM prisoners p WHERE p.id = ANY(v_ids) ORDER BY p.id FOR NO KEY UPDATE;
    END IF;
    UPDATE prisoners p SET open_assignments = p.open_assignments + d.n
    FROM unnest(v_ids, v_deltas) AS d(id, n)
    WHERE p.id = d.id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER "assignments_open_count_insert" AFTER INSERT ON "assignments"
    FOR EACH ROW WHEN (NEW.status = 'active')
    EXECUTE FUNCTION lifeline_count_new_assignment();
CREATE TRIGGER "assignments_open_count_update" AFTER UPDATE ON "assignments"
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION lifeline_count_ended_assignments();
CREATE TRIGGER "assignments_open_count_delete" AFTER DELETE ON "assignments"
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION lifeline_count_ended_assignments();

-- The count of what is there now.
UPDATE prisoners p SET open_assignments = c.n
FROM (SELECT prisoner_id, count(*)::INTEGER AS n FROM assignments WHERE status = 'active' GROUP BY prisoner_id) c
WHERE p.id = c.prisoner_id;

-- The draw of "assignment_draw_lowest_tier" with each candidate's load read from their row; same
-- arguments, same policy, same result. Also cheaper per candidate: the writer's interests are made
-- distinct once, so a candidate's shared interests are counted without sorting them; the people
-- the writer may not be offered are gathered into one array once (no hash join); the lowest tier
-- is found in one statement instead of two, and so are the writer's open assignment, whether any
-- assignment needs lapsing, and the commit mode.
CREATE OR REPLACE FUNCTION lifeline_assign_prisoner(
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
    p_max_attempts INTEGER,
    -- True when the draw is a transaction of its own (see below); false inside a caller's transaction.
    p_async_commit BOOLEAN
) RETURNS TABLE (out_assignment_id INTEGER, out_prisoner_id INTEGER, out_expires_at TIMESTAMP(3), out_reused BOOLEAN)
LANGUAGE plpgsql VOLATILE
-- Each statement is planned once per connection: re-planning them for every draw (PostgreSQL's
-- default keeps custom plans when generic ones look costlier) took longer than running them.
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
DECLARE
    -- The writer's interests, each once.
    v_interests TEXT[];
    v_existing RECORD;
    v_pick RECORD;
    v_new_id INTEGER;
    -- The draw looks at people whose letters alone put them in this tier or a lower one ...
    v_tier INTEGER;
    -- ... that is, whose letters_count is at most this; or at everyone.
    v_max_letters INTEGER;
    v_everyone BOOLEAN := FALSE;
    -- True when some active assignments are past their time but not lapsed yet: open_assignments
    -- counts them, so each candidate's expired ones are counted and subtracted.
    v_stale BOOLEAN := FALSE;
    v_attempt INTEGER := 0;
BEGIN
    -- One request per writer at a time: a double tap cannot create two assignments. NO KEY UPDATE
    -- locks (here and on prisoners) do not block inserts elsewhere that merely reference the row.
    SELECT ARRAY(SELECT DISTINCT i FROM unnest(w.interests) AS i) INTO v_interests
    FROM writers w WHERE w.id = p_writer_id FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'writer % does not exist', p_writer_id USING ERRCODE = 'foreign_key_violation';
    END IF;

    -- A fresh snapshot after the lock sees what this writer's previous request committed. The same
    -- statement asks whether any assignment is past its time, and (for a draw that is a transaction
    -- of its own, the bot's case) turns off waiting for the disk at commit: a crash of the database
    -- in the next fraction of a second can only lose this assignment, and the writer is then simply
    -- drawn again. A caller's transaction keeps its durability.
    SELECT a.id, a.prisoner_id, a.expires_at,
           EXISTS (SELECT 1 FROM assignments x WHERE x.status = 'active' AND x.expires_at <= p_now) AS expired,
           CASE WHEN p_async_commit THEN set_config('synchronous_commit', 'off', true) END AS async_commit
    INTO v_existing
    FROM (SELECT 1) AS one
    LEFT JOIN LATERAL (
        SELECT a.id, a.prisoner_id, a.expires_at FROM assignments a
        WHERE a.writer_id = p_writer_id AND a.status = 'active' AND a.expires_at > p_now
        ORDER BY a.created_at DESC
        LIMIT 1
    ) AS a ON TRUE;
    IF v_existing.id IS NOT NULL THEN
        out_assignment_id := v_existing.id;
        out_prisoner_id := v_existing.prisoner_id;
        out_expires_at := v_existing.expires_at;
        out_reused := TRUE;
        RETURN NEXT;
        RETURN;
    END IF;

    -- Lapse some expired assignments in passing; SKIP LOCKED so concurrent draws never wait on
    -- each other's sweeps. Only when there are any: an update runs the counting trigger even when
    -- it changes nothing.
    IF v_existing.expired THEN
        UPDATE assignments SET status = 'lapsed', ended_at = expires_at, updated_at = p_now
        WHERE id IN (
            SELECT x.id FROM assignments x
            WHERE x.status = 'active' AND x.expires_at <= p_now
            ORDER BY x.expires_at
            LIMIT p_lapse_batch
            FOR UPDATE SKIP LOCKED
        );
        -- Left over: locked by another transaction (lapsing or using them right now), or more
        -- than a batch. Assignments are made unexpired, so once none is left, none comes back.
        v_stale := EXISTS (SELECT 1 FROM assignments x WHERE x.status = 'active' AND x.expires_at <= p_now);
    END IF;

    -- Load = letters_count + open_assignments (- the person's expired ones, when v_stale). Only the
    -- lowest tier of loads can win, and a person's tier is at least that of their letters alone:
    -- the draw looks only at people whose letters allow the lowest tier, and widens the look when
    -- open assignments lifted all of them higher.
    -- Where to start: the lowest tier of the loads of the people with the fewest letters (those in
    -- the lowest tier of letters; exclusions and locks left out, so the loop below checks).
    -- "BETWEEN 0 AND" rather than "<": for a parameter the planner then expects a narrow range and
    -- reads the index, not the whole table.
    WITH fewest AS (
        SELECT width_bucket(f.letters_count, p_tier_bounds) AS tier
        FROM prisoners f
        WHERE f.can_receive_letters AND f.released_at IS NULL
        ORDER BY f.letters_count
        LIMIT 1
    )
    SELECT greatest(fewest.tier, (
             SELECT min(width_bucket(c.letters_count + c.open_assignments
                      - CASE WHEN v_stale
                             THEN (SELECT count(*)::INTEGER FROM assignments o
                                   WHERE o.prisoner_id = c.id AND o.status = 'active' AND o.expires_at <= p_now)
                             ELSE 0 END, p_tier_bounds))
             FROM prisoners c
             WHERE c.can_receive_letters AND c.released_at IS NULL
               AND c.letters_count BETWEEN 0 AND p_tier_bounds[fewest.tier + 1] - 1))
    INTO v_tier
    FROM fewest;
    IF v_tier IS NULL THEN
        -- Nobody can be written to.
        RETURN;
    END IF;

    LOOP
        -- width_bucket(x, bounds) = t means bounds[t] <= x < bounds[t + 1] (tier 0: x < bounds[1]).
        IF v_tier >= cardinality(p_tier_bounds) THEN
            v_everyone := TRUE;
        END IF;
        v_max_letters := CASE WHEN v_everyone THEN 2147483647 ELSE p_tier_bounds[v_tier + 1] - 1 END;
        -- Candidates by load tier, then by the Efraimidis-Spirakis key -ln(u) / weight (ascending
        -- order = weighted sampling). The first one not being assigned by another transaction is locked.
        SELECT c.id AS prisoner_id, width_bucket(ld.load, p_tier_bounds) AS tier INTO v_pick
        FROM prisoners c
        CROSS JOIN LATERAL (
            SELECT c.letters_count + c.open_assignments
                   - CASE WHEN v_stale
                          THEN (SELECT count(*)::INTEGER FROM assignments o
                                WHERE o.prisoner_id = c.id AND o.status = 'active' AND o.expires_at <= p_now)
                          ELSE 0 END AS load
        ) ld
        WHERE c.can_receive_letters AND c.released_at IS NULL
          AND c.letters_count BETWEEN 0 AND v_max_letters
          -- Not offered to this writer: open assignments, recent declines, recent letters, and the
          -- caller's list (one array, computed once per statement).
          AND c.id <> ALL (ARRAY(
                SELECT e.prisoner_id FROM assignments e
                WHERE e.writer_id = p_writer_id AND e.status IN ('active', 'declined')
                  AND (e.status = 'active' OR e.ended_at > p_declined_since)
                UNION ALL
                SELECT l.prisoner_id FROM letters l
                WHERE l.writer_id = p_writer_id AND l.created_at > p_recent_letter_since AND l.prisoner_id IS NOT NULL
                UNION ALL
                SELECT x FROM unnest(p_exclude) AS x WHERE x IS NOT NULL))
        ORDER BY 2,
                 -ln(1.0 - random()) * power(1 + ld.load, p_load_exponent)
                   / (1 + p_interest_bonus * least(
                        CASE WHEN c.interests && v_interests
                             THEN (SELECT count(*)::INTEGER FROM unnest(v_interests) AS i WHERE i = ANY(c.interests))
                             ELSE 0 END,
                        p_max_shared))
        LIMIT 1
        FOR NO KEY UPDATE OF c SKIP LOCKED;
        IF NOT FOUND THEN
            IF v_everyone THEN
                RETURN;
            END IF;
            -- Nobody free below the bound (excluded or being assigned): look at everyone.
            v_everyone := TRUE;
            CONTINUE;
        END IF;
        IF NOT v_everyone AND v_pick.tier > v_tier THEN
            -- Open assignments lifted everyone below the bound into tier v_pick.tier or higher; people
            -- above the bound may be in that tier too: look at everybody whose letters allow it.
            v_tier := v_pick.tier;
            CONTINUE;
        END IF;

        -- Another transaction may have committed an assignment of this person between the draw's
        -- snapshot and our lock: this statement's fresh snapshot sees it (we hold the person's row,
        -- so nobody changes their count until we commit). Only if the person is still in the tier
        -- we drew from (or this is the last attempt) is the assignment made; its insert adds one to
        -- their open_assignments (trigger above).
        v_attempt := v_attempt + 1;
        INSERT INTO assignments (writer_id, prisoner_id, status, expires_at, created_at, updated_at)
        SELECT p_writer_id, v_pick.prisoner_id, 'active', p_expires_at, p_now, p_now
        WHERE v_attempt >= p_max_attempts OR width_bucket(
            (SELECT pr.letters_count + pr.open_assignments
                    - CASE WHEN v_stale
                           THEN (SELECT count(*)::INTEGER FROM assignments a2
                                 WHERE a2.prisoner_id = pr.id AND a2.status = 'active' AND a2.expires_at <= p_now)
                           ELSE 0 END
             FROM prisoners pr WHERE pr.id = v_pick.prisoner_id),
            p_tier_bounds) <= v_pick.tier
        RETURNING id INTO v_new_id;
        IF v_new_id IS NOT NULL THEN
            out_assignment_id := v_new_id;
            out_prisoner_id := v_pick.prisoner_id;
            out_expires_at := p_expires_at;
            out_reused := FALSE;
            RETURN NEXT;
            RETURN;
        END IF;
    END LOOP;
END;
$$;
