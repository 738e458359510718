-- The fair draw (lifeline_assign_prisoner, from "assignment_fair_draw") made cheap on a large list:
-- the same policy and the same result, but it no longer computes a random key for every reachable
-- person on every draw.
--
-- Only the lowest load tier can win (candidates are ordered by tier first), and a person's tier is
-- at least the tier of their letters alone (load = letters_count + open assignments). So the draw
-- first looks only at people whose letters_count is below the upper bound of the lowest tier found
-- by the index prisoners(can_receive_letters, letters_count): if the best of them is in that tier,
-- nobody outside can beat them and the pick is exactly the one the full draw makes. If open
-- assignments lifted all of them into a higher tier t, it draws again among everybody below the
-- upper bound of tier t (which holds every candidate of tier <= t): exact again. Only if nobody is
-- free below a bound does it look at everyone. On a list where a few people wait (new people, the
-- ones the draw favours) the draw reads tens of rows instead of thousands. Where to start is found
-- from the loads of the people with the fewest letters (a cheap look at them through the indexes).
--
-- Also: an asynchronous commit for a draw that is its own transaction (waiting for the disk was
-- half of a draw's time); generic plans (see below); each candidate's open assignments counted from the index
-- assignments(prisoner_id, status, expires_at) (next migration, "assignments_open_by_prisoner");
-- the locked row is the candidate row itself (no second scan of prisoners joined back). A pick in a
-- narrowed look that gets widened stays locked until the draw commits (a few milliseconds;
-- concurrent draws skip that one person meanwhile).

-- One more argument (p_async_commit): the old signature goes.
DROP FUNCTION lifeline_assign_prisoner(INTEGER, INTEGER[], TIMESTAMP(3), TIMESTAMP(3), TIMESTAMP(3), TIMESTAMP(3),
    INTEGER[], DOUBLE PRECISION, DOUBLE PRECISION, INTEGER, INTEGER, INTEGER);

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
    v_interests TEXT[];
    v_existing RECORD;
    v_pick RECORD;
    v_new_id INTEGER;
    -- The draw looks at people whose letters alone put them in this tier or a lower one (NULL: everyone).
    v_tier INTEGER;
    v_cap INTEGER;
    v_attempt INTEGER := 0;
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

    -- A draw that is a transaction of its own (the bot's case) does not wait for the disk at commit:
    -- a crash of the database in the next fraction of a second can only lose this assignment, and
    -- the writer is then simply drawn again. A caller's transaction keeps its durability.
    IF p_async_commit THEN
        PERFORM set_config('synchronous_commit', 'off', true);
    END IF;

    -- The lowest tier anybody reachable can be in: that of the fewest letters.
    SELECT width_bucket(c.letters_count, p_tier_bounds) INTO v_tier
    FROM prisoners c
    WHERE c.can_receive_letters AND c.released_at IS NULL
    ORDER BY c.letters_count
    LIMIT 1;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    -- Open assignments may lift all of them into a higher tier: start at the lowest tier of their
    -- loads (exclusions and locks left out, so this is only where to start: the loop below checks).
    -- Saves a draw among them that would only be widened. "BETWEEN 0 AND" rather than "<": for a
    -- parameter the planner then expects a narrow range and reads the index, not the whole table.
    SELECT greatest(v_tier, min(width_bucket(c.letters_count
             + (SELECT count(*)::INTEGER FROM assignments o
                WHERE o.prisoner_id = c.id AND o.status = 'active' AND o.expires_at > p_now), p_tier_bounds)))
    INTO v_tier
    FROM prisoners c
    WHERE c.can_receive_letters AND c.released_at IS NULL
      AND c.letters_count BETWEEN 0 AND p_tier_bounds[v_tier + 1] - 1;

    LOOP
        -- width_bucket(x, bounds) = t means bounds[t] <= x < bounds[t + 1] (tier 0: x < bounds[1]).
        v_cap := CASE WHEN v_tier IS NULL OR v_tier >= cardinality(p_tier_bounds) THEN NULL
                      ELSE p_tier_bounds[v_tier + 1] END;
        -- Candidates by load tier, then by the Efraimidis-Spirakis key -ln(u) / weight (ascending
        -- order = weighted sampling). The first one not being assigned by another transaction is locked.
        -- A narrowed look counts each candidate's open assignments by index; a look at everyone
        -- counts all open assignments at once.
        IF v_cap IS NOT NULL THEN
            WITH excluded AS (
                SELECT e.prisoner_id FROM assignments e
                WHERE e.writer_id = p_writer_id
                  AND (e.status = 'active' OR (e.status = 'declined' AND e.ended_at > p_declined_since))
                UNION
                SELECT l.prisoner_id FROM letters l
                WHERE l.writer_id = p_writer_id AND l.created_at > p_recent_letter_since AND l.prisoner_id IS NOT NULL
                UNION
                SELECT unnest(p_exclude)
            )
            SELECT c.id AS prisoner_id, width_bucket(c.letters_count + COALESCE(ol.n, 0), p_tier_bounds) AS tier INTO v_pick
            FROM prisoners c
            CROSS JOIN LATERAL (
                SELECT count(*)::INTEGER AS n FROM assignments o
                WHERE o.prisoner_id = c.id AND o.status = 'active' AND o.expires_at > p_now
            ) ol
            WHERE c.can_receive_letters AND c.released_at IS NULL
              AND c.letters_count BETWEEN 0 AND v_cap - 1
              AND NOT EXISTS (SELECT 1 FROM excluded ex WHERE ex.prisoner_id = c.id)
            ORDER BY 2,
                     -ln(1.0 - random()) * power(1 + c.letters_count + COALESCE(ol.n, 0), p_load_exponent)
                       / (1 + p_interest_bonus * least(
                            CASE WHEN c.interests && v_interests
                                 THEN (SELECT count(DISTINCT i)::INTEGER FROM unnest(c.interests) AS i WHERE i = ANY(v_interests))
                                 ELSE 0 END,
                            p_max_shared))
            LIMIT 1
            FOR NO KEY UPDATE OF c SKIP LOCKED;
        ELSE
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
            )
            SELECT c.id AS prisoner_id, width_bucket(c.letters_count + COALESCE(ol.n, 0), p_tier_bounds) AS tier INTO v_pick
            FROM prisoners c
            LEFT JOIN open_load ol ON ol.prisoner_id = c.id
            WHERE c.can_receive_letters AND c.released_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM excluded ex WHERE ex.prisoner_id = c.id)
            ORDER BY 2,
                     -ln(1.0 - random()) * power(1 + c.letters_count + COALESCE(ol.n, 0), p_load_exponent)
                       / (1 + p_interest_bonus * least(
                            CASE WHEN c.interests && v_interests
                                 THEN (SELECT count(DISTINCT i)::INTEGER FROM unnest(c.interests) AS i WHERE i = ANY(v_interests))
                                 ELSE 0 END,
                            p_max_shared))
            LIMIT 1
            FOR NO KEY UPDATE OF c SKIP LOCKED;
        END IF;
        IF NOT FOUND THEN
            IF v_cap IS NULL THEN
                RETURN;
            END IF;
            -- Nobody free below the bound (excluded or being assigned): look at everyone.
            v_tier := NULL;
            CONTINUE;
        END IF;
        IF v_cap IS NOT NULL AND v_pick.tier > v_tier THEN
            -- Open assignments lifted everyone below the bound into tier v_pick.tier or higher; people
            -- above the bound may be in that tier too: look at everybody whose letters allow it.
            v_tier := v_pick.tier;
            CONTINUE;
        END IF;

        -- Another transaction may have committed an assignment of this person between the draw's
        -- snapshot and our lock: this statement's fresh snapshot sees it. Only if the person is still
        -- in the tier we drew from (or this is the last attempt) is the assignment made.
        v_attempt := v_attempt + 1;
        INSERT INTO assignments (writer_id, prisoner_id, status, expires_at, created_at, updated_at)
        SELECT p_writer_id, v_pick.prisoner_id, 'active', p_expires_at, p_now, p_now
        WHERE v_attempt >= p_max_attempts OR width_bucket(
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
