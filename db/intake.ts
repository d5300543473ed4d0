// "Neue Aufnahme": the choices the intake form offers, and saving an intake: references checked,
// possible duplicates shown first (a confirmation is valid for exactly the matches shown), then
// client and case created by openCase (db/case-service.ts) in one transaction.
import type { Kysely } from "kysely";
import { hasPermission } from "../workflows/permissions";
import { type Actor, checkCaseManagerFor } from "./access";
import { writeAudit } from "./audit";
import { type OpenCaseInput, berlinDate, openCase } from "./case-service";
import { type DuplicateCheck, findPossibleDuplicates } from "./duplicates";
import { createDeadlineFollowUps } from "./residence";
import type { Database } from "./schema";

export interface IntakeOptions {
  municipalities: { id: number; name: string }[];
  /** Active case managers to assign the case to; empty unless the actor may assign (coordinators). */
  caseManagers: { id: string; displayName: string }[];
}

export async function loadIntakeOptions(db: Kysely<Database>, actor: Actor): Promise<IntakeOptions> {
  const mayAssign = hasPermission(actor.role, "assign:case:any");
  const [municipalities, caseManagers] = await Promise.all([
    db.selectFrom("municipalities").select(["id", "name"]).orderBy("name").execute(),
    mayAssign
      ? db
          .selectFrom("users")
          .select(["id", "display_name as displayName"])
          .where("role", "=", "case_manager")
          .where("active", "=", true)
          .orderBy("display_name")
          .execute()
      : Promise.resolve([]),
  ]);
  return { municipalities, caseManagers };
}

export type IntakeInput = Omit<OpenCaseInput, "caseManagerId"> & {
  /** Wanted case manager (coordinators only; null = the queue). Case managers always get the case themselves. */
  caseManagerId: string | null;
  /** The fingerprint of the duplicate warning the user confirmed with "Trotzdem anlegen", if any. */
  confirmedDuplicates: string | null;
};

export type IntakeResult =
  | { status: "created"; caseId: string; aktenzeichen: string }
  | { status: "invalid"; fieldErrors: Record<string, string[]> }
  | { status: "duplicates"; duplicates: DuplicateCheck };

/**
 * Saves an intake for the actor. Case managers open the case for themselves; coordinators choose a case
 * manager or leave the case unassigned. Nothing is written unless the references exist and any possible
 * duplicates were confirmed.
 */
export async function submitIntake(
  db: Kysely<Database>,
  actor: Actor,
  input: IntakeInput,
  at: string = new Date().toISOString(),
): Promise<IntakeResult> {
  if (!hasPermission(actor.role, "create:case:own")) throw new Error("actor may not open cases");
  const mayAssign = hasPermission(actor.role, "assign:case:any");
  const caseManagerId = mayAssign ? input.caseManagerId : actor.id;

  const municipalityIds = [input.client.municipalityId, input.referralMunicipalityId].filter(
    (id): id is number => id !== null,
  );
  const [municipalities, caseManager] = await Promise.all([
    db.selectFrom("municipalities").select("id").where("id", "in", municipalityIds).execute(),
    // a coordinator's intake may go to a case manager of any organisation: the case starts there
    mayAssign && caseManagerId
      ? checkCaseManagerFor(db, { userId: caseManagerId, organisationId: null, purpose: "assignee" })
      : Promise.resolve({ ok: true as const }),
  ]);
  const known = new Set(municipalities.map((m) => m.id));
  const fieldErrors: Record<string, string[]> = {};
  if (!known.has(input.client.municipalityId)) fieldErrors.municipalityId = ["Bitte wählen Sie eine Kommune aus der Liste."];
  if (input.referralMunicipalityId !== null && !known.has(input.referralMunicipalityId)) {
    fieldErrors.referralMunicipalityId = ["Bitte wählen Sie eine Kommune aus der Liste."];
  }
  if (!caseManager.ok) fieldErrors.caseManagerId = ["Bitte wählen Sie eine aktive Casemanager*in oder „Noch nicht zuweisen“."];
  if (Object.keys(fieldErrors).length) return { status: "invalid", fieldErrors };

  const duplicates = await findPossibleDuplicates(db, actor, {
    firstName: input.client.firstName,
    lastName: input.client.lastName,
    birthDate: input.client.birthDate,
    birthDateEstimated: input.client.birthDateEstimated,
  });
  if (duplicates.fingerprint && duplicates.fingerprint !== input.confirmedDuplicates) {
    return { status: "duplicates", duplicates };
  }

  const { confirmedDuplicates: _confirmed, ...openInput } = input;
  const created = await openCase(db, actor, { ...openInput, caseManagerId }, at);
  // A document that runs out within 8 weeks is on "Heute" at once, not only after the next daily job.
  await createDeadlineFollowUps(db, { today: berlinDate(at), caseId: created.caseId });
  if (duplicates.fingerprint) {
    await writeAudit(db, {
      actorId: actor.id,
      actorRole: actor.role,
      action: "case.duplicate_confirmed",
      objectType: "case",
      objectId: created.caseId,
      outcome: "allowed",
      detail: { matches: duplicates.visible.length + duplicates.hiddenCount },
    });
  }
  return { status: "created", caseId: created.caseId, aktenzeichen: created.aktenzeichen };
}
