import type { Kysely, Transaction } from "kysely";
import { requiresSecondFactor } from "../workflows/permissions";
import type { Role } from "../workflows/vocabulary";
import type { Actor } from "./access";
import { writeAudit } from "./audit";
import type { Database } from "./schema";

/** Site settings with their defaults (stored in the settings table; coordinators adjust some of them). */
export const DEFAULT_SETTINGS = {
  /** Standard caseload: open cases per full-time case manager. */
  standard_caseload_per_fte: 35,
  /** A closed case may be reopened within this many days. */
  reopen_period_days: 180,
  /** Closed cases are anonymised this many days after closure (Art. 17 DSGVO). */
  retention_days_after_closure: 3 * 365,
  /** 1: every role signs in with a second factor (not only coordinators and admins); 0: as by role. */
  second_factor_required_for_all: 0,
} as const;

export type SettingKey = keyof typeof DEFAULT_SETTINGS;

/** Whether `role` must sign in with a second factor: by role, or for everyone when the site setting says so. */
export async function secondFactorRequiredFor(db: Kysely<Database> | Transaction<Database>, role: Role): Promise<boolean> {
  return requiresSecondFactor(role) || (await getSetting(db, "second_factor_required_for_all")) === 1;
}

export async function getSetting(db: Kysely<Database> | Transaction<Database>, key: SettingKey): Promise<number> {
  const row = await db.selectFrom("settings").select("value").where("key", "=", key).executeTakeFirst();
  const value = row?.value;
  return typeof value === "number" && Number.isFinite(value) ? value : DEFAULT_SETTINGS[key];
}

export async function setSetting(
  db: Kysely<Database> | Transaction<Database>,
  key: SettingKey,
  value: number,
  userId: string | null,
): Promise<void> {
  await db
    .insertInto("settings")
    .values({ key, value: JSON.stringify(value), updated_by: userId })
    .onConflict((oc) => oc.column("key").doUpdateSet({ value: JSON.stringify(value), updated_by: userId, updated_at: new Date() }))
    .execute();
}

/** Changes a site setting in one transaction with its audit row (`settings.update`, old and new value). */
export async function updateSettingAudited(db: Kysely<Database>, actor: Pick<Actor, "id" | "role">, key: SettingKey, value: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await getSetting(trx, key);
    await setSetting(trx, key, value, actor.id);
    await writeAudit(trx, {
      actorId: actor.id,
      actorRole: actor.role,
      action: "settings.update",
      objectType: "setting",
      objectId: key,
      outcome: "allowed",
      detail: { from: before, to: value },
    });
  });
}
