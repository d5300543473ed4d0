// Frozen: this migration never changes and never imports application code.
//
// The due date of a case's next open Wiedervorlage, kept on the case. "Meine Fälle" sorts by it by
// default and filters by it, and "Heute" needs the cases that have one due; both looked it up per case
// in follow_ups, each lookup checked by row-level security against cases once more. At NRW scale
// (a case manager with 201 open cases of 454) that lookup was about half of the list's work in
// PostgreSQL (bench:load).
// - cases.next_follow_up_on: min(due_on) of the case's follow-ups with done_at IS NULL; null without one.
//   Only the triggers below write it (and a bulk seed, which writes the same value in its COPY).
//   Writing it does not bump row_version: a Wiedervorlage is no step of the case, and an open client
//   file must not become stale because a reminder was added or done.
// - Statement triggers on follow_ups (insert, update, delete) recompute it for the cases touched. Each
//   case is locked first (in id order, so two statements lock in the same order) and then recomputed in
//   a statement of its own: in READ COMMITTED that statement sees what a transaction that held the lock
//   before has committed. Recomputing in the UPDATE itself would use the statement's older snapshot and
//   could keep a date another transaction has just marked done.
// - SECURITY DEFINER: the function runs as the owner, whose policy sees every row (migration 0014), so
//   it is right whichever actor's request changed the follow-up.
// - Index for "Heute": a case manager's cases with a Wiedervorlage, by its date.
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
ALTER TABLE cases ADD COLUMN next_follow_up_on date;

UPDATE cases c SET next_follow_up_on = f.due_on
FROM (SELECT case_id, min(due_on) AS due_on FROM follow_ups WHERE done_at IS NULL GROUP BY case_id) f
WHERE f.case_id = c.id;

CREATE INDEX cases_case_manager_follow_up_idx ON cases (case_manager_id, next_follow_up_on)
  WHERE next_follow_up_on IS NOT NULL;

CREATE FUNCTION cases_next_follow_up_refresh(touched uuid[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  case_id_ uuid;
  due date;
BEGIN
  FOR case_id_ IN SELECT DISTINCT t.id FROM unnest(touched) AS t (id) WHERE t.id IS NOT NULL ORDER BY t.id LOOP
    PERFORM 1 FROM cases WHERE id = case_id_ FOR NO KEY UPDATE;
    CONTINUE WHEN NOT FOUND;
    SELECT min(f.due_on) INTO due FROM follow_ups f WHERE f.case_id = case_id_ AND f.done_at IS NULL;
    UPDATE cases SET next_follow_up_on = due WHERE id = case_id_ AND next_follow_up_on IS DISTINCT FROM due;
  END LOOP;
END
$$;
REVOKE ALL ON FUNCTION cases_next_follow_up_refresh(uuid[]) FROM PUBLIC;

-- Inserted or deleted rows (both triggers name their transition table changed_rows): only open ones count.
CREATE FUNCTION follow_ups_next_due_added_or_removed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  PERFORM cases_next_follow_up_refresh(ARRAY(SELECT case_id FROM changed_rows WHERE done_at IS NULL));
  RETURN NULL;
END
$$;
CREATE FUNCTION follow_ups_next_due_updated() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  PERFORM cases_next_follow_up_refresh(ARRAY(
    SELECT o.case_id FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE (o.case_id, o.due_on, o.done_at IS NULL) IS DISTINCT FROM (n.case_id, n.due_on, n.done_at IS NULL)
    UNION ALL
    SELECT n.case_id FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE (o.case_id, o.due_on, o.done_at IS NULL) IS DISTINCT FROM (n.case_id, n.due_on, n.done_at IS NULL)));
  RETURN NULL;
END
$$;
CREATE TRIGGER follow_ups_next_due_insert AFTER INSERT ON follow_ups
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION follow_ups_next_due_added_or_removed();
CREATE TRIGGER follow_ups_next_due_delete AFTER DELETE ON follow_ups
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION follow_ups_next_due_added_or_removed();
CREATE TRIGGER follow_ups_next_due_update AFTER UPDATE ON follow_ups
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION follow_ups_next_due_updated();
`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
DROP TRIGGER IF EXISTS follow_ups_next_due_insert ON follow_ups;
DROP TRIGGER IF EXISTS follow_ups_next_due_delete ON follow_ups;
DROP TRIGGER IF EXISTS follow_ups_next_due_update ON follow_ups;
DROP FUNCTION IF EXISTS follow_ups_next_due_added_or_removed();
DROP FUNCTION IF EXISTS follow_ups_next_due_updated();
DROP FUNCTION IF EXISTS cases_next_follow_up_refresh(uuid[]);
DROP INDEX IF EXISTS cases_case_manager_follow_up_idx;
ALTER TABLE cases DROP COLUMN IF EXISTS next_follow_up_on;
`.execute(db);
}
