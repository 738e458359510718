-- Pre-check warnings keep their codes only: the matched fragments are the letter's own words and
-- must not sit in clear next to the encrypted text (the moderation card finds them again).
UPDATE "letters"
SET "precheck_warnings" = COALESCE(
  (SELECT jsonb_agg(jsonb_build_object('code', w -> 'code')) FROM jsonb_array_elements("precheck_warnings") w),
  '[]'::jsonb
)
WHERE jsonb_typeof("precheck_warnings") = 'array' AND jsonb_array_length("precheck_warnings") > 0;
