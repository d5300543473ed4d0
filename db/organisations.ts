// Organisations (Träger) and their agreement with the site on what the KIM coordination may see of
// their cases (coordination_access, migration 0007). Only the admin changes it; every change audited.
import type { Kysely } from "kysely";
import { hasPermission } from "../workflows/permissions";
import { COORDINATION_ACCESS, type CoordinationAccess } from "../workflows/vocabulary";
import type { Actor } from "./access";
import { writeAudit } from "./audit";
import type { Database } from "./schema";

export interface OrganisationAgreement {
  id: number;
  name: string;
  kind: Database["organisations"]["kind"];
  coordinationAccess: CoordinationAccess;
  activeCaseManagers: number;
}

export async function listOrganisationAgreements(db: Kysely<Database>): Promise<OrganisationAgreement[]> {
  const rows = await db
    .selectFrom("organisations")
    .leftJoin("users", (j) =>
      j.onRef("users.organisation_id", "=", "organisations.id").on("users.role", "=", "case_manager").on("users.active", "=", true),
    )
    .select((eb) => [
      "organisations.id",
      "organisations.name",
      "organisations.kind",
      "organisations.coordination_access",
      eb.fn.count<number>("users.id").as("case_managers"),
    ])
    .groupBy("organisations.id")
    .orderBy("organisations.name")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    kind: r.kind,
    coordinationAccess: r.coordination_access,
    activeCaseManagers: Number(r.case_managers),
  }));
}

export type SetAgreementResult = { ok: true } | { ok: false; status: 403 | 404 | 422; message: string };

/** Sets what the coordination may see of one organisation's cases; effective on the next request. */
export async function setCoordinationAccess(
  db: Kysely<Database>,
  actor: Actor,
  input: { organisationId: number; access: CoordinationAccess },
): Promise<SetAgreementResult> {
  if (!hasPermission(actor.role, "manage:organisations:any")) {
    return { ok: false, status: 403, message: "Für diese Einstellung fehlt Ihnen die Berechtigung." };
  }
  if (!COORDINATION_ACCESS.values.includes(input.access)) {
    return { ok: false, status: 422, message: "Bitte wählen Sie eine der Vereinbarungen aus." };
  }
  return db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom("organisations")
      .select("coordination_access")
      .where("id", "=", input.organisationId)
      .forUpdate()
      .executeTakeFirst();
    if (!before) return { ok: false as const, status: 404 as const, message: "Die Organisation wurde nicht gefunden." };
    await trx.updateTable("organisations").set({ coordination_access: input.access }).where("id", "=", input.organisationId).execute();
    await writeAudit(trx, {
      actorId: actor.id,
      actorRole: actor.role,
      action: "organisation.coordination_access",
      objectType: "organisation",
      objectId: String(input.organisationId),
      outcome: "allowed",
      detail: { from: before.coordination_access, to: input.access },
    });
    return { ok: true as const };
  });
}
