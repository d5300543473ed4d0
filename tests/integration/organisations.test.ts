// Organisations (Träger) as a data-protection boundary, tried through the routes as each role would:
// who reads and writes which case, the one check for every user id a form names (deputy, assignee,
// transfer target), the Teamleitung, the coordination's per-organisation agreement (what the loaders
// return), and the transfer to another organisation. Real database, demo organisations and accounts.
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { CASE_MANAGER_REFUSALS, type Actor } from "../../db/access";
import { CROSS_ORGANISATION_MESSAGES, applyCaseEvent, openCase } from "../../db/case-service";
import type { Database } from "../../db/schema";
import { action as agreementAction } from "../../app/routes/admin.organisationen";
import type { CaseCandidates } from "../../db/case-file";
import { loader as candidatesLoader } from "../../app/routes/faelle.$caseId.kandidaten";
import { loader as listLoader } from "../../app/routes/faelle._index";
import { loader as teamLoader } from "../../app/routes/team";
import { action as queueAction, loader as queueLoader } from "../../app/routes/warteschlange";
import { auditRows, firstMunicipality, openTestCase } from "./case-file-helpers";
import { CLIENT_B, type Who, organisationWorld } from "./organisation-world";

const world = organisationWorld();
const { users, cases, actor, contextFor, call, openFile, postCase, caseRow } = world;
let db: Kysely<Database>;

/** The deputy and transfer choices as the browser fetches them when the form is opened (/faelle/:caseId/kandidaten). */
async function candidatesFor(who: Who, caseId: string): Promise<{ status: number; candidates: CaseCandidates | null }> {
  const got = await call(who, () =>
    candidatesLoader({ request: new Request(`http://localhost/faelle/${caseId}/kandidaten`), context: contextFor(who), params: { caseId } }),
  );
  return { status: got.status, candidates: got.status === 200 ? (JSON.parse(String(got.body)) as CaseCandidates) : null };
}

async function organisationId(name: string): Promise<number> {
  return (await db.selectFrom("organisations").select("id").where("name", "like", `${name}%`).executeTakeFirstOrThrow()).id;
}

beforeAll(async () => {
  await world.setUp();
  db = world.db;
});
afterAll(async () => {
  await world.close();
});

describe("the demo organisations", () => {
  test("a case belongs to its case manager's organisation; agreements as documented", async () => {
    expect((await caseRow(cases.A)).organisation_id).toBe(users.cmA.organisationId);
    expect((await caseRow(cases.B)).organisation_id).toBe(users.cmB.organisationId);
    expect(users.cmA.organisationId).not.toBe(users.cmB.organisationId);
    const agreements = await db.selectFrom("organisations").select(["name", "coordination_access"]).orderBy("id").execute();
    expect(agreements.map((o) => o.coordination_access)).toEqual(["voll", "pseudonymisiert", "voll", "aggregiert"]);
    expect(users.leadA.role).toBe("team_lead");
  });
});

describe("every role × the client file of a case of organisation A and of organisation B", () => {
  // read: "full" | "pseudonymised" | 404; write: the status of a RECORD_CONTACT post
  const MATRIX: { who: Who; caseKey: "A" | "B"; read: "full" | "pseudonymised" | 404; write: 303 | 403 | 404 }[] = [
    { who: "cmA", caseKey: "A", read: "full", write: 303 },
    { who: "cmA", caseKey: "B", read: 404, write: 404 },
    { who: "cmB", caseKey: "A", read: 404, write: 404 },
    { who: "cmB", caseKey: "B", read: "full", write: 303 },
    { who: "leadA", caseKey: "A", read: "full", write: 403 },
    { who: "leadA", caseKey: "B", read: 404, write: 404 },
    { who: "leadB", caseKey: "A", read: 404, write: 404 },
    { who: "leadB", caseKey: "B", read: "full", write: 403 },
    { who: "coordinator", caseKey: "A", read: "full", write: 303 },
    { who: "coordinator", caseKey: "B", read: "pseudonymised", write: 403 },
    { who: "steering", caseKey: "A", read: 404, write: 404 },
    { who: "steering", caseKey: "B", read: 404, write: 404 },
    { who: "admin", caseKey: "A", read: 404, write: 404 },
    { who: "admin", caseKey: "B", read: 404, write: 404 },
  ];

  test.each(MATRIX)("$who on case $caseKey: read $read, contact $write", async ({ who, caseKey, read, write }) => {
    const caseId = cases[caseKey];
    const opened = await openFile(who, caseId);
    if (read === 404) {
      expect(opened.status).toBe(404);
      expect(JSON.stringify(opened.body)).not.toContain("Musterfrau");
    } else {
      expect(opened.status).toBe(200);
      const text = JSON.stringify(opened.body);
      const file = opened.body as { pseudonymised: boolean; client: { lastName: string } };
      expect(file.pseudonymised).toBe(read === "pseudonymised");
      if (caseKey === "B") {
        for (const secret of Object.values(CLIENT_B)) {
          if (read === "pseudonymised") expect(text).not.toContain(secret);
          else expect(text).toContain(secret);
        }
      } else {
        expect(file.client.lastName).toBe("Fallakte");
      }
    }
    const readAudit = await auditRows(db, { action: "case.read", actorId: users[who].id, objectId: caseId });
    expect(readAudit.at(-1)?.outcome).toBe(read === 404 ? "denied" : "allowed");

    const contactsBefore = await db.selectFrom("contacts").select("id").where("case_id", "=", caseId).execute();
    const versionBefore = (await caseRow(caseId)).row_version;
    const posted = await postCase(who, caseId, { intent: "RECORD_CONTACT", contactType: "telefonisch", minutes: "15" });
    // a redirect after success is thrown by the action (302/303 depending on Remix); compare classes
    const status = posted.status >= 300 && posted.status < 400 ? 303 : posted.status;
    expect(status).toBe(write);
    const contactsAfter = await db.selectFrom("contacts").select("id").where("case_id", "=", caseId).execute();
    expect(contactsAfter.length - contactsBefore.length).toBe(write === 303 ? 1 : 0);
    if (write !== 303) {
      expect((await caseRow(caseId)).row_version).toBe(versionBefore);
      const denied = await auditRows(db, { action: "case.event", actorId: users[who].id, objectId: caseId });
      expect(denied.at(-1)?.outcome).toBe("denied");
    }
  });

  test("an organisation with the agreement 'aggregiert': the coordination sees no case of it", async () => {
    expect((await openFile("coordinator", cases.Drk)).status).toBe(404);
  });
});

describe("the one check for every user id a form names", () => {
  test("SET_DEPUTY: only an active case manager of the case's organisation (422, audited, nothing written)", async () => {
    const before = await caseRow(cases.A);
    for (const named of [users.cmB.id, users.admin.id, users.leadA.id, users.coordinator.id]) {
      const posted = await postCase("cmA", cases.A, { intent: "SET_DEPUTY", deputyId: named });
      expect(posted.status).toBe(422);
      expect(JSON.stringify(posted.body)).toContain(CASE_MANAGER_REFUSALS.deputy);
      expect(await caseRow(cases.A)).toEqual(before);
    }
    const denied = await auditRows(db, { action: "case.event", actorId: users.cmA.id, objectId: cases.A });
    expect(denied.filter((r) => r.outcome === "denied" && (r.detail as { event?: string }).event === "SET_DEPUTY")).toHaveLength(4);
    // the other organisation's case manager still cannot open the file
    expect((await openFile("cmB", cases.A)).status).toBe(404);

    const ok = await postCase("cmA", cases.A, { intent: "SET_DEPUTY", deputyId: users.cmA2.id });
    expect(ok.status).toBeGreaterThanOrEqual(300);
    expect((await caseRow(cases.A)).deputy_id).toBe(users.cmA2.id);
    await postCase("cmA", cases.A, { intent: "SET_DEPUTY", deputyId: "keine" });
  });

  test("TRANSFER in the client file: coordinator and Teamleitung only within the case's organisation", async () => {
    const { caseId } = await openTestCase(db, actor("cmA"));
    // to another organisation: the Teamleitung never, the coordination not without a basis
    const expected = { coordinator: CROSS_ORGANISATION_MESSAGES.needsBasis, leadA: CASE_MANAGER_REFUSALS.transfer };
    for (const who of ["coordinator", "leadA"] as const) {
      const refused = await postCase(who, caseId, { intent: "TRANSFER", toCaseManagerId: users.cmB.id });
      expect(refused.status).toBe(422);
      expect(JSON.stringify(refused.body)).toContain(expected[who]);
      expect((await caseRow(caseId)).case_manager_id).toBe(users.cmA.id);
    }
    for (const who of ["coordinator", "leadA"] as const) {
      const refused = await postCase(who, caseId, { intent: "TRANSFER", toCaseManagerId: users.admin.id });
      expect(refused.status).toBe(422);
      expect(JSON.stringify(refused.body)).toContain(CASE_MANAGER_REFUSALS.transfer);
    }
    // the Teamleitung of another organisation does not even see the case
    expect((await postCase("leadB", caseId, { intent: "TRANSFER", toCaseManagerId: users.cmB.id })).status).toBe(404);
    // a case manager may not transfer at all
    expect((await postCase("cmA", caseId, { intent: "TRANSFER", toCaseManagerId: users.cmA2.id })).status).toBe(403);

    const moved = await postCase("leadA", caseId, { intent: "TRANSFER", toCaseManagerId: users.cmA2.id });
    expect(moved.status).toBeGreaterThanOrEqual(300);
    expect(await caseRow(caseId)).toMatchObject({ case_manager_id: users.cmA2.id, organisation_id: users.cmA.organisationId });
    expect((await openFile("cmA", caseId)).status).toBe(404);
  });

  test("assignment from the queue: the Teamleitung sees their organisation's intakes; targets of the case's organisation only", async () => {
    const coordinatorIntake = await openCase(db, actor("coordinator"), {
      client: {
        firstName: "Queue",
        lastName: "Zugang",
        birthDate: null,
        birthDateEstimated: false,
        gender: "weiblich",
        nationality: null,
        languages: [],
        interpreterNeeded: false,
        municipalityId: await firstMunicipality(db),
        residenceStatus: "ungeklaert",
        arrivalDate: null,
        unaccompanied: false,
        phone: null,
        email: null,
        address: null,
      },
      referralSource: "selbstmelder",
      referralMunicipalityId: null,
      increasedNeedDocumented: false,
      caseManagerId: null,
    });
    // an intake without a case manager belongs to the organisation that opened it
    expect((await caseRow(coordinatorIntake.caseId)).organisation_id).toBe(users.coordinator.organisationId);

    const queueOf = async (who: Who) => {
      const got = await call(who, () =>
        queueLoader({ request: new Request("http://localhost/warteschlange"), context: contextFor(who), params: {} }),
      );
      return got as { status: number; body: { queue: { rows: { caseId: string }[] }; caseManagers: { id: string }[] } };
    };
    const asLeadA = await queueOf("leadA");
    expect(asLeadA.body.queue.rows.map((r) => r.caseId)).toContain(coordinatorIntake.caseId);
    expect(asLeadA.body.caseManagers.map((c) => c.id)).not.toContain(users.cmB.id);
    const asLeadB = await queueOf("leadB");
    expect(asLeadB.body.queue.rows.map((r) => r.caseId)).not.toContain(coordinatorIntake.caseId);
    expect((await queueOf("cmA")).status).toBe(403);

    const assign = (who: Who, to: string) =>
      call(who, () =>
        queueAction({
          request: new Request("http://localhost/warteschlange", {
            method: "POST",
            body: new URLSearchParams({ intent: "transfer", caseId: coordinatorIntake.caseId, expectedRowVersion: "1", toCaseManagerId: to }),
          }),
          context: contextFor(who),
          params: {},
        }),
      );
    const expected = { coordinator: CROSS_ORGANISATION_MESSAGES.needsBasis, leadA: CASE_MANAGER_REFUSALS.transfer };
    for (const who of ["coordinator", "leadA"] as const) {
      const refused = await assign(who, users.cmB.id);
      expect(refused.status).toBe(422);
      expect(JSON.stringify(refused.body)).toContain(expected[who]);
    }
    expect((await assign("coordinator", users.admin.id)).status).toBe(422);
    expect((await assign("leadB", users.cmB.id)).status).toBe(404);
    expect((await caseRow(coordinatorIntake.caseId)).case_manager_id).toBeNull();
    const denied = await auditRows(db, { action: "case.event", objectId: coordinatorIntake.caseId });
    expect(denied.filter((r) => r.outcome === "denied").length).toBeGreaterThanOrEqual(3);

    expect((await assign("leadA", users.cmA2.id)).status).toBe(200);
    expect((await caseRow(coordinatorIntake.caseId)).case_manager_id).toBe(users.cmA2.id);
  });
});

describe("transfer to another organisation (Fallübergabe an einen anderen Träger)", () => {
  test("needs the client's consent or a legal basis, only by the coordination; one audited step; the old organisation loses access", async () => {
    const { caseId } = await openTestCase(db, actor("cmA"));
    const transfer = (who: Actor, basis?: Parameters<typeof applyCaseEvent>[2]["organisationTransfer"]) =>
      applyCaseEvent(db, who, {
        caseId,
        expectedRowVersion: 1,
        command: { type: "TRANSFER", toCaseManagerId: users.cmB.id },
        ...(basis ? { organisationTransfer: basis } : {}),
      });
    const noBasis = await transfer(actor("coordinator"));
    expect(noBasis).toMatchObject({ ok: false, status: 422, message: CROSS_ORGANISATION_MESSAGES.needsBasis });
    const byLead = await transfer(actor("leadA"), { consentGivenOn: "2026-11-30", consentGivenBy: "klient" });
    expect(byLead).toMatchObject({ ok: false, status: 422, message: CASE_MANAGER_REFUSALS.transfer });
    expect(await db.selectFrom("organisation_transfers").selectAll().where("case_id", "=", caseId).execute()).toEqual([]);

    const done = await transfer(actor("coordinator"), { consentGivenOn: "2026-11-30", consentGivenBy: "klient" });
    expect(done.ok).toBe(true);
    expect(await caseRow(caseId)).toMatchObject({ case_manager_id: users.cmB.id, organisation_id: users.cmB.organisationId });
    const recorded = await db.selectFrom("organisation_transfers").selectAll().where("case_id", "=", caseId).execute();
    expect(recorded).toEqual([
      expect.objectContaining({
        from_organisation_id: users.cmA.organisationId,
        to_organisation_id: users.cmB.organisationId,
        consent_given_by: "klient",
        legal_basis: null,
        recorded_by: users.coordinator.id,
      }),
    ]);
    expect(await auditRows(db, { action: "case.transfer_organisation", objectId: caseId })).toEqual([
      expect.objectContaining({ outcome: "allowed", actor_id: users.coordinator.id }),
    ]);
    expect((await openFile("cmA", caseId)).status).toBe(404);
    expect((await openFile("leadA", caseId)).status).toBe(404);
    expect((await openFile("leadB", caseId)).status).toBe(200);
    expect((await openFile("cmB", caseId)).status).toBe(200);
    // now in a "pseudonymisiert" organisation: the coordination sees it without the name
    expect((await openFile("coordinator", caseId)).body).toMatchObject({ pseudonymised: true, client: { lastName: "" } });
  });
});

describe("transfer to another organisation through the client file", () => {
  test("the coordination is offered other organisations' case managers and must give a complete basis; a Teamleitung is not", async () => {
    const { caseId } = await openTestCase(db, actor("cmA"));
    const asLead = await candidatesFor("leadA", caseId);
    expect(asLead.status).toBe(200);
    expect(asLead.candidates?.otherOrganisationTargets).toEqual([]);
    expect(asLead.candidates?.transferTargets.map((u) => u.id)).toContain(users.cmA2.id);
    expect(asLead.candidates?.transferTargets.map((u) => u.id)).not.toContain(users.cmB.id);
    expect(asLead.candidates?.deputyCandidates.map((u) => u.id)).not.toContain(users.cmB.id);
    const asCoordinator = await candidatesFor("coordinator", caseId);
    expect(asCoordinator.candidates?.otherOrganisationTargets.map((u) => u.id)).toContain(users.cmB.id);
    // the client file itself carries none of these lists (they load when the form opens)
    expect(JSON.stringify((await openFile("coordinator", caseId)).body)).not.toContain(users.cmB.id);
    // another organisation's Teamleitung and case manager: 404, as for a case that does not exist
    expect((await candidatesFor("leadB", caseId)).status).toBe(404);
    expect((await candidatesFor("cmB", caseId)).status).toBe(404);

    const base = { intent: "TRANSFER", toCaseManagerId: users.cmB.id };
    const none = await postCase("coordinator", caseId, base);
    expect(none.status).toBe(422);
    expect(JSON.stringify(none.body)).toContain(CROSS_ORGANISATION_MESSAGES.needsBasis);
    const incomplete = await postCase("coordinator", caseId, { ...base, basis: "einwilligung", consentGivenBy: "klient" });
    expect(incomplete.status).toBe(422);
    expect(JSON.stringify(incomplete.body)).toContain("Bitte Datum der Einwilligung");
    expect((await caseRow(caseId)).case_manager_id).toBe(users.cmA.id);

    const done = await postCase("coordinator", caseId, { ...base, basis: "rechtsgrundlage", legalBasis: "§ 69 Abs. 1 Nr. 1 SGB X" });
    expect(done.status).toBeGreaterThanOrEqual(300);
    expect(await caseRow(caseId)).toMatchObject({ case_manager_id: users.cmB.id, organisation_id: users.cmB.organisationId });
    expect(
      await db.selectFrom("organisation_transfers").select(["legal_basis", "consent_given_on"]).where("case_id", "=", caseId).execute(),
    ).toEqual([{ legal_basis: "§ 69 Abs. 1 Nr. 1 SGB X", consent_given_on: null }]);
  });
});

describe("lists and the team overview", () => {
  test("the case list: a Teamleitung gets their organisation's cases; the coordination no names of a pseudonymised organisation, not even by search", async () => {
    const list = async (who: Who, query = "") => {
      const got = await call(who, () =>
        listLoader({ request: new Request(`http://localhost/faelle${query}`), context: contextFor(who), params: {} }),
      );
      return got.body as { rows: { id: string; lastName: string | null; firstName: string | null; age: number | null }[] };
    };
    const leadA = (await list("leadA")).rows.map((r) => r.id);
    expect(leadA).toContain(cases.A);
    expect(leadA).not.toContain(cases.B);
    const coordinator = await list("coordinator");
    const rowB = coordinator.rows.find((r) => r.id === cases.B);
    expect(rowB).toMatchObject({ lastName: null, firstName: null, age: null });
    expect(JSON.stringify(coordinator)).not.toContain(CLIENT_B.lastName);
    expect(coordinator.rows.map((r) => r.id)).not.toContain(cases.Drk);
    expect((await list("coordinator", `?suche=${CLIENT_B.lastName}`)).rows).toEqual([]);
    expect((await list("leadB", `?suche=${CLIENT_B.lastName}`)).rows.map((r) => r.id)).toEqual([cases.B]);
  });

  test("the team overview: a Teamleitung sees their organisation's case managers; the coordination all or one organisation", async () => {
    const team = async (who: Who, query = "") => {
      const got = await call(who, () => teamLoader({ request: new Request(`http://localhost/team${query}`), context: contextFor(who), params: {} }));
      return got as { status: number; body: { overview: { members: { userId: string; organisationId: number }[] } } };
    };
    const leadA = await team("leadA");
    expect(new Set(leadA.body.overview.members.map((m) => m.organisationId))).toEqual(new Set([users.leadA.organisationId]));
    const all = await team("coordinator");
    expect(new Set(all.body.overview.members.map((m) => m.organisationId)).size).toBe(4);
    const caritas = await organisationId("Caritas");
    const one = await team("coordinator", `?organisation=${caritas}`);
    expect(one.body.overview.members.map((m) => m.userId).sort()).toEqual(
      [users.cmB.id, (await db.selectFrom("users").select("id").where("username", "=", "cm.hoffmann").executeTakeFirstOrThrow()).id].sort(),
    );
    expect((await team("cmA")).status).toBe(403);
    // the Teamleitung may not set the site-wide standard caseload
    expect(
      (
        await call("steering", () =>
          teamLoader({ request: new Request("http://localhost/team"), context: contextFor("steering"), params: {} }),
        )
      ).status,
    ).toBe(403);
  });
});



describe("the agreement, set by the admin per organisation", () => {
  test("only the admin changes it (audited); bad input 400 with a German message; effective on the next request", async () => {
    const diakonie = await organisationId("Diakonie");
    const { caseId } = await openTestCase(db, actor("cmA"));
    await db.updateTable("cases").set({ case_manager_id: null, organisation_id: diakonie }).where("id", "=", caseId).execute();
    const post = (who: Who, fields: Record<string, string>) =>
      call(who, () =>
        agreementAction({
          request: new Request("http://localhost/admin/organisationen", { method: "POST", body: new URLSearchParams(fields) }),
          context: contextFor(who),
          params: {},
        }),
      );
    expect((await post("coordinator", { organisationId: String(diakonie), access: "voll" })).status).toBe(403);
    const bad = await post("admin", { organisationId: String(diakonie), access: "alles" });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain("Bitte wählen Sie eine der Vereinbarungen aus.");
    expect((await post("admin", { organisationId: "999999", access: "voll" })).status).toBe(404);
    expect((await openFile("coordinator", caseId)).body).toMatchObject({ pseudonymised: false });

    expect((await post("admin", { organisationId: String(diakonie), access: "pseudonymisiert" })).status).toBe(200);
    expect((await openFile("coordinator", caseId)).body).toMatchObject({ pseudonymised: true, client: { lastName: "" } });
    expect((await post("admin", { organisationId: String(diakonie), access: "aggregiert" })).status).toBe(200);
    expect((await openFile("coordinator", caseId)).status).toBe(404);
    expect(await auditRows(db, { action: "organisation.coordination_access", objectId: String(diakonie) })).toEqual([
      expect.objectContaining({ outcome: "allowed", detail: { from: "voll", to: "pseudonymisiert" } }),
      expect.objectContaining({ outcome: "allowed", detail: { from: "pseudonymisiert", to: "aggregiert" } }),
    ]);
    await post("admin", { organisationId: String(diakonie), access: "voll" });
  });
});
