// Documents for the client (issue 15): every template in every language renders completely, RTL
// documents say so, templates are versioned and reviewed by coordinators only, a consent recorded after
// printing keeps the signed versions and language, and the readable Art. 15 document shows every
// category of the JSON export.
import { parseWithZod } from "@conform-to/zod";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrintedDocument } from "../../app/components/printed-document";
import { SubjectAccessAnnex } from "../../app/components/subject-access-annex";
import { type PrintPage, loadPrintPage } from "../../app/documents.server";
import { performCaseFileIntent } from "../../app/case-file.server";
import { CASE_FILE_SCHEMAS } from "../../app/schemas/case-file";
import { addConsent } from "../../db/consents";
import { createTemplateVersion, listCurrentTemplates, listTemplateVersions, markTemplateReviewed } from "../../db/documents";
import { collectSubjectData } from "../../db/subject-access";
import {
  DOCUMENT_KINDS,
  DOCUMENT_KIND_PARAM,
  DOCUMENT_LANGUAGES,
  type DocumentKind,
  LANGUAGE_STRINGS,
  PLACEHOLDERS,
  placeholdersIn,
  preselectedLanguage,
  renderDocumentText,
} from "../../workflows/documents";
import { SUBJECT_ACCESS_LABELS } from "../../workflows/subject-access-document";
import { type DemoActors, auditRows, openActiveCase, seedActors } from "./case-file-helpers";
import { type TestDatabase, createTestDatabase } from "./db";

let t: TestDatabase;
let actors: DemoActors;
let caseId: string;
let partner: { id: number; name: string };

beforeAll(async () => {
  t = await createTestDatabase();
  actors = await seedActors(t.db);
  ({ caseId } = await openActiveCase(t.db, actors.cm));
  partner = await t.db.selectFrom("partners").select(["id", "name"]).where("name", "like", "%Ausländerbehörde%").executeTakeFirstOrThrow();
});

afterAll(async () => {
  await t?.close();
});

function query(kind: DocumentKind, language: string): URL {
  const url = new URL(`http://localhost/faelle/${caseId}/dokumente`);
  url.searchParams.set("art", DOCUMENT_KIND_PARAM[kind]);
  url.searchParams.set("sprache", language);
  url.searchParams.set("partner", String(partner.id));
  url.searchParams.set("zweck", "Klärung des Aufenthalts <b>nicht fett</b>");
  url.searchParams.set("termin", "2026-12-14");
  url.searchParams.set("uhrzeit", "09:30");
  url.searchParams.set("ort", "Düsseldorfer Str. 26, Mettmann, Raum 2");
  return url;
}

function html(page: PrintPage): string {
  if (page.status === 404 || !page.document) throw new Error(`no document: ${JSON.stringify(page.status === 404 ? 404 : page.errors)}`);
  const doc = page.document;
  return renderToStaticMarkup(
    createElement(
      PrintedDocument,
      {
        organisationName: page.context.organisationName,
        fileNumber: page.context.fileNumber,
        date: doc.date,
        german: doc.german,
        translation: doc.translation,
        signatures: doc.signatures,
      },
      doc.subjectAccess ? createElement(SubjectAccessAnnex, { annex: doc.subjectAccess, caseId }) : null,
    ),
  );
}

describe("templates in every language", () => {
  it("has a template for every kind in every language, and every language has every fixed string", async () => {
    const current = await listCurrentTemplates(t.db);
    expect(current.map((c) => `${c.kind}/${c.language}`).sort()).toEqual(
      DOCUMENT_KINDS.flatMap((k) => DOCUMENT_LANGUAGES.map((l) => `${k}/${l.code}`)).sort(),
    );
    const keys = Object.keys(LANGUAGE_STRINGS.de!).sort();
    for (const l of DOCUMENT_LANGUAGES) {
      const strings = LANGUAGE_STRINGS[l.code];
      expect(strings, l.code).toBeDefined();
      expect(Object.keys(strings!).sort(), l.code).toEqual(keys);
      for (const k of keys) expect((strings as unknown as Record<string, string>)[k]!.trim(), `${l.code}.${k}`).not.toBe("");
    }
    // A translation uses the same placeholders as the German original.
    for (const kind of DOCUMENT_KINDS) {
      const german = current.find((c) => c.kind === kind && c.language === "de")!;
      for (const c of current.filter((x) => x.kind === kind)) {
        expect(placeholdersIn(c.body).sort(), `${kind}/${c.language}`).toEqual(placeholdersIn(german.body).sort());
      }
    }
  });

  it.each(DOCUMENT_KINDS)("%s renders in every language with every placeholder filled", async (kind) => {
    for (const language of DOCUMENT_LANGUAGES) {
      const page = await loadPrintPage(t.db, actors.cm, caseId, query(kind, language.code));
      expect(page.status, `${kind}/${language.code}`).toBe(200);
      const markup = html(page);
      expect(markup, `${kind}/${language.code}`).not.toMatch(/\{\{|\}\}/);
      expect(markup).toContain(page.status !== 404 ? page.context.fileNumber : "?");
      if (kind !== "information") expect(markup).toContain("Testa Fallakte");
      if (page.status !== 404 && page.document) {
        expect(page.document.german.language).toBe("de");
        if (language.code === "de") expect(page.document.translation).toBeNull();
        else expect(page.document.translation?.language).toBe(language.code);
      }
      if (kind === "consent") {
        expect(markup).toContain(partner.name);
        // Free text from the URL is printed as text, never as markup.
        expect(markup).toContain("&lt;b&gt;nicht fett&lt;/b&gt;");
        expect(markup).not.toContain("<b>");
      }
      if (kind === "appointment") expect(markup).toContain("14.12.2026");
      if (language.dir === "rtl") expect(markup).toContain(`lang="${language.code}" dir="rtl"`);
      else expect(markup).not.toContain('dir="rtl"');
      if (language.code !== "de") {
        // Seeded translations are unreviewed: the line in both languages.
        expect(markup).toContain("Übersetzung nicht geprüft");
        expect(markup).toContain(LANGUAGE_STRINGS[language.code]!.unreviewed);
      }
    }
  });

  it("refuses missing inputs with German messages (422) and unknown choices", async () => {
    const url = new URL(`http://localhost/faelle/${caseId}/dokumente?art=einwilligung&sprache=xx`);
    const page = await loadPrintPage(t.db, actors.cm, caseId, url);
    expect(page.status).toBe(422);
    if (page.status !== 404) {
      expect(page.errors.language).toMatch(/Sprache/);
      expect(page.errors.partnerId).toMatch(/Partner/);
      expect(page.errors.purpose).toMatch(/Zweck/);
      expect(page.document).toBeNull();
    }
    expect((await loadPrintPage(t.db, actors.cm2, caseId, query("consent", "ar"))).status).toBe(404);
    expect((await loadPrintPage(t.db, actors.steering, caseId, query("consent", "ar"))).status).toBe(404);
  });

  it("preselects the client's recorded language", () => {
    expect(preselectedLanguage(["Arabisch"])).toBe("ar");
    expect(preselectedLanguage(["Kurdisch (Kurmandschi)", "Dari", "Paschtu"])).toBe("fa");
    expect(preselectedLanguage(["Ukrainisch", "Russisch"])).toBe("uk");
    expect(preselectedLanguage(["Tigrinya"])).toBe("de");
  });

  it("renders headings, paragraphs and lists, and knows every placeholder it is given", () => {
    const values = Object.fromEntries(Object.keys(PLACEHOLDERS).map((k) => [k, `<${k}>`]));
    expect(renderDocumentText("# Titel\nText {{client.name}}\n\n- a\n- b", values)).toEqual([
      { type: "heading", text: "Titel" },
      { type: "paragraph", text: "Text <client.name>" },
      { type: "list", items: ["a", "b"] },
    ]);
    expect(() => renderDocumentText("{{partner.name}}", {})).toThrow(/partner\.name/);
  });
});

describe("editing templates", () => {
  it("saves a change as a new version, keeps the old one, marks translations unreviewed until a coordinator reviews them", async () => {
    const before = await listTemplateVersions(t.db, "revocation", "ar");
    const saved = await createTemplateVersion(t.db, actors.coordinator, {
      kind: "revocation",
      language: "ar",
      title: before[0]!.title,
      body: `${before[0]!.body}\n\n<script>alert(1)</script>`,
      basedOnVersion: before[0]!.version,
    });
    expect(saved).toMatchObject({ ok: true, version: before[0]!.version + 1 });
    const after = await listTemplateVersions(t.db, "revocation", "ar");
    expect(after.map((v) => v.version)).toEqual([before[0]!.version + 1, before[0]!.version]);
    expect(after[1]!.body).toBe(before[0]!.body);
    expect(after[0]!.reviewedAt).toBeNull();
    // The stored text prints as text.
    const markup = html(await loadPrintPage(t.db, actors.cm, caseId, query("revocation", "ar")));
    expect(markup).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(markup).not.toContain("<script>");

    // Someone saved in between: nothing written.
    const stale = await createTemplateVersion(t.db, actors.coordinator, {
      kind: "revocation",
      language: "ar",
      title: "x",
      body: "y",
      basedOnVersion: before[0]!.version,
    });
    expect(stale).toMatchObject({ ok: false, status: 409 });

    const unknown = await createTemplateVersion(t.db, actors.coordinator, {
      kind: "information",
      language: "de",
      title: "Info",
      body: "Für {{partner.name}} und {{klient.name}}",
      basedOnVersion: (await listTemplateVersions(t.db, "information", "de"))[0]!.version,
    });
    expect(unknown).toMatchObject({ ok: false, status: 422, field: "body" });
    if (!unknown.ok) expect(unknown.message).toMatch(/klient\.name/);

    expect(await createTemplateVersion(t.db, actors.cm, { kind: "revocation", language: "ar", title: "x", body: "y", basedOnVersion: after[0]!.version })).toMatchObject({
      ok: false,
      status: 403,
    });
    expect(await markTemplateReviewed(t.db, actors.cm, after[0]!.id)).toMatchObject({ ok: false, status: 403 });

    const reviewed = await markTemplateReviewed(t.db, actors.coordinator, after[0]!.id);
    expect(reviewed.ok).toBe(true);
    const now = (await listTemplateVersions(t.db, "revocation", "ar"))[0]!;
    expect(now.reviewedAt).not.toBeNull();
    expect(now.reviewedByName).toBeTruthy();
    expect(await markTemplateReviewed(t.db, actors.coordinator, after[0]!.id)).toMatchObject({ ok: false, status: 409 });
    const german = (await listTemplateVersions(t.db, "revocation", "de"))[0]!;
    expect(await markTemplateReviewed(t.db, actors.coordinator, german.id)).toMatchObject({ ok: false, status: 422 });

    const reviewedMarkup = html(await loadPrintPage(t.db, actors.cm, caseId, query("revocation", "ar")));
    expect(reviewedMarkup).not.toContain("Übersetzung nicht geprüft");
    expect((await auditRows(t.db, { action: "document_template.create" })).length).toBe(1);
    expect((await auditRows(t.db, { action: "document_template.review" })).length).toBe(1);
  });
});

describe("consent recorded after printing", () => {
  it("stores the German template version, the translation version and the language signed", async () => {
    const page = await loadPrintPage(t.db, actors.cm, caseId, query("consent", "ar"));
    if (page.status === 404 || !page.document?.consent) throw new Error("consent document expected");
    const consent = page.document.consent;
    // The same fields the print page's form posts to the client file.
    const form = new FormData();
    for (const [k, v] of Object.entries({
      intent: "ADD_CONSENT",
      partnerId: String(consent.partnerId),
      scope: consent.purpose,
      documentTemplateId: String(consent.templateId),
      documentTranslationId: String(consent.translationId),
      documentLanguage: "ar",
      givenAt: page.context.today,
      givenBy: "klient",
    })) {
      form.set(k, v);
    }
    // Parsed as the client file's action parses it.
    const parsed = parseWithZod(form, { schema: CASE_FILE_SCHEMAS.ADD_CONSENT });
    expect(parsed.status).toBe("success");
    if (parsed.status !== "success") return;
    const outcome = await performCaseFileIntent(t.db, actors.cm, caseId, parsed.value);
    expect(outcome.ok).toBe(true);
    const row = await t.db
      .selectFrom("consents")
      .innerJoin("document_templates as d", "d.id", "consents.document_template_id")
      .innerJoin("document_templates as tr", "tr.id", "consents.document_translation_id")
      .select(["consents.document_language", "d.version as de_version", "d.language as de_language", "tr.version as tr_version", "tr.language as tr_language", "d.kind"])
      .where("consents.scope", "=", consent.purpose)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ document_language: "ar", de_version: page.document.german.version, de_language: "de", tr_version: page.document.translation!.version, tr_language: "ar", kind: "consent" });

    // A consent naming the wrong template (an information sheet, or another language) is refused.
    const info = (await listTemplateVersions(t.db, "information", "de"))[0]!;
    const wrong = await addConsent(t.db, actors.cm, {
      caseId,
      partnerId: partner.id,
      scope: "x",
      givenAt: page.context.today,
      givenBy: "klient",
      document: { templateId: info.id, translationId: null, language: "de" },
    });
    expect(wrong).toMatchObject({ ok: false, status: 422 });
    const mismatch = await addConsent(t.db, actors.cm, {
      caseId,
      partnerId: partner.id,
      scope: "x",
      givenAt: page.context.today,
      givenBy: "klient",
      document: { templateId: consent.templateId, translationId: consent.translationId, language: "uk" },
    });
    expect(mismatch).toMatchObject({ ok: false, status: 422 });
  });
});

describe("readable Art. 15 document", () => {
  it("contains every category and field of the JSON export with a German label, and is audited", async () => {
    const data = await collectSubjectData(t.db, actors.cm, caseId);
    if (!data) throw new Error("export expected");
    const exported = JSON.parse(JSON.stringify(data.export)) as Record<string, unknown>;
    const keys = new Set<string>();
    const walk = (value: unknown, parent: string | null) => {
      if (Array.isArray(value)) value.forEach((v) => walk(v, parent));
      else if (value && typeof value === "object" && parent !== "angaben") {
        for (const [k, v] of Object.entries(value)) {
          keys.add(k);
          walk(v, k);
        }
      }
    };
    walk(exported, null);
    expect(keys.size).toBeGreaterThan(60);
    const before = (await auditRows(t.db, { action: "client.export", objectId: caseId })).length;
    const page = await loadPrintPage(t.db, actors.cm, caseId, query("subject_access", "uk"));
    const markup = html(page);
    for (const key of keys) {
      // case_id is the case a row belongs to: the row stands in that case's section.
      if (key === "case_id") continue;
      const label = SUBJECT_ACCESS_LABELS[key];
      expect(label, `label for ${key}`).toBeDefined();
      expect(markup, `${key} (${label})`).toContain(label!.replace("&", "&amp;"));
    }
    expect(markup).toContain('lang="uk"');
    expect(markup).toContain("Інформація про ваші дані");
    expect(markup).toContain("Kavalleriestraße");
    expect(markup).toContain(`/faelle/${caseId}/auskunft`);
    // Internal codes appear as German words.
    expect(markup).toContain("Vermittlung &amp; Monitoring");
    expect(markup).not.toMatch(/>active</);
    const audits = await auditRows(t.db, { action: "client.export", objectId: caseId });
    expect(audits.length).toBe(before + 1);
    expect(audits.at(-1)).toMatchObject({ outcome: "allowed", detail: { format: "document", language: "uk" } });
    expect((await loadPrintPage(t.db, actors.cm2, caseId, query("subject_access", "uk"))).status).toBe(404);
    expect((await auditRows(t.db, { action: "client.export", objectId: caseId })).at(-1)?.outcome).toBe("denied");
  });
});
