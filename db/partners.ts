// Partners (Jugendamt, Ausländerbehörde, MBE, …) that cases are referred to. Coordinators keep the list;
// a partner is deactivated, never deleted, because referrals and consents name it.
import type { Kysely, Transaction } from "kysely";
import { hasPermission } from "../workflows/permissions";
import type { PartnerKind } from "../workflows/vocabulary";
import type { Actor } from "./access";
import { writeAudit } from "./audit";
import { keepPlan } from "./query-cost";
import type { Database } from "./schema";

export interface PartnerInput {
  name: string;
  kind: PartnerKind;
  municipalityId: number | null;
  contactPerson: string | null;
  phone: string | null;
  email: string | null;
  address: string | null;
}

export const PARTNER_NAME_TAKEN = "Ein Partner mit diesem Namen ist bereits erfasst.";

export type PartnerWriteResult =
  | { ok: true; id: number }
  | { ok: false; status: 400 | 403 | 404; field?: "name" | "municipalityId"; message: string };

export function listPartners(db: Kysely<Database>) {
  return db
    .selectFrom("partners")
    .leftJoin("municipalities", "municipalities.id", "partners.municipality_id")
    .select([
      "partners.id",
      "partners.name",
      "partners.kind",
      "partners.municipality_id",
      "municipalities.name as municipality",
      "partners.contact_person",
      "partners.phone",
      "partners.email",
      "partners.address",
      "partners.active",
    ])
    .orderBy("partners.active", "desc")
    .orderBy("partners.name")
    .execute();
}

export function findPartner(db: Kysely<Database>, id: number) {
  return db
    .selectFrom("partners")
    .select(["id", "name", "kind", "municipality_id", "contact_person", "phone", "email", "address", "active"])
    .where("id", "=", id)
    .executeTakeFirst();
}

export function listMunicipalityOptions(db: Kysely<Database>) {
  return municipalityOptionsQuery(db).modifyEnd(keepPlan).execute();
}

/** The active partners a form offers to choose from (referral, consent), by name. */
export function activePartnerOptionsQuery(db: Kysely<Database>) {
  return db.selectFrom("partners").select(["id", "name"]).where("active", "=", true).orderBy("name");
}

/** The query of listMunicipalityOptions, for a page that reads it inside a larger statement (jsonArrayFrom). */
export function municipalityOptionsQuery(db: Kysely<Database>) {
  return db.selectFrom("municipalities").select(["id", "name"]).orderBy("name");
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "23505";
}

function forbidden(): PartnerWriteResult {
  return { ok: false, status: 403, message: "Für Partner fehlt Ihnen die Berechtigung." };
}

/** Names are unique regardless of case and surrounding blanks ("VHS Haan" = "vhs haan "). */
async function nameTaken(db: Kysely<Database> | Transaction<Database>, name: string, exceptId?: number) {
  const row = await db
    .selectFrom("partners")
    .select("id")
    .where((eb) => eb(eb.fn("lower", ["name"]), "=", name.trim().toLowerCase()))
    .$if(exceptId !== undefined, (qb) => qb.where("id", "<>", exceptId as number))
    .executeTakeFirst();
  return row !== undefined;
}

async function municipalityExists(db: Kysely<Database> | Transaction<Database>, id: number | null) {
  if (id === null) return true;
  return (await db.selectFrom("municipalities").select("id").where("id", "=", id).executeTakeFirst()) !== undefined;
}

function columns(input: PartnerInput) {
  const blankToNull = (v: string | null) => (v && v.trim() ? v.trim() : null);
  return {
    name: input.name.trim(),
    kind: input.kind,
    municipality_id: input.municipalityId,
    contact_person: blankToNull(input.contactPerson),
    phone: blankToNull(input.phone),
    email: blankToNull(input.email),
    address: blankToNull(input.address),
  };
}

async function write(
  db: Kysely<Database>,
  actor: Actor,
  run: (trx: Transaction<Database>) => Promise<PartnerWriteResult>,
): Promise<PartnerWriteResult> {
  if (!hasPermission(actor.role, "manage:partners:any")) return forbidden();
  try {
    return await db.transaction().execute(run);
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, status: 400, field: "name", message: PARTNER_NAME_TAKEN };
    throw error;
  }
}

export function createPartner(db: Kysely<Database>, actor: Actor, input: PartnerInput): Promise<PartnerWriteResult> {
  return write(db, actor, async (trx) => {
    if (await nameTaken(trx, input.name)) return { ok: false, status: 400, field: "name", message: PARTNER_NAME_TAKEN };
    if (!(await municipalityExists(trx, input.municipalityId))) {
      return { ok: false, status: 400, field: "municipalityId", message: "Bitte wählen Sie eine Kommune aus der Liste." };
    }
    const row = await trx.insertInto("partners").values(columns(input)).returning("id").executeTakeFirstOrThrow();
    await writeAudit(trx, {
      actorId: actor.id,
      actorRole: actor.role,
      action: "partner.create",
      objectType: "partner",
      objectId: String(row.id),
      outcome: "allowed",
      detail: { kind: input.kind },
    });
    return { ok: true, id: row.id };
  });
}

export function updatePartner(
  db: Kysely<Database>,
  actor: Actor,
  id: number,
  input: PartnerInput,
): Promise<PartnerWriteResult> {
  return write(db, actor, async (trx) => {
    if (await nameTaken(trx, input.name, id)) return { ok: false, status: 400, field: "name", message: PARTNER_NAME_TAKEN };
    if (!(await municipalityExists(trx, input.municipalityId))) {
      return { ok: false, status: 400, field: "municipalityId", message: "Bitte wählen Sie eine Kommune aus der Liste." };
    }
    const result = await trx.updateTable("partners").set(columns(input)).where("id", "=", id).executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return { ok: false, status: 404, message: "Der Partner wurde nicht gefunden." };
    await writeAudit(trx, {
      actorId: actor.id,
      actorRole: actor.role,
      action: "partner.update",
      objectType: "partner",
      objectId: String(id),
      outcome: "allowed",
      detail: { kind: input.kind },
    });
    return { ok: true, id };
  });
}

/** Deactivated partners stay in existing referrals and consents but are no longer offered. */
export function setPartnerActive(
  db: Kysely<Database>,
  actor: Actor,
  id: number,
  active: boolean,
): Promise<PartnerWriteResult> {
  return write(db, actor, async (trx) => {
    const result = await trx.updateTable("partners").set({ active }).where("id", "=", id).executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return { ok: false, status: 404, message: "Der Partner wurde nicht gefunden." };
    await writeAudit(trx, {
      actorId: actor.id,
      actorRole: actor.role,
      action: active ? "partner.activate" : "partner.deactivate",
      objectType: "partner",
      objectId: String(id),
      outcome: "allowed",
    });
    return { ok: true, id };
  });
}
