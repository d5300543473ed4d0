// Document templates (coordination): every kind in every language with its newest version and review
// status; one template's editor (each save a new version, old versions stay readable below) and the
// review of a translation (who, when).
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import {
  DOCUMENT_KINDS,
  DOCUMENT_KIND_LABELS,
  DOCUMENT_KIND_PARAM,
  DOCUMENT_KIND_PARAMS,
  DOCUMENT_LANGUAGES,
  type DocumentKind,
  GERMAN,
  KIND_PLACEHOLDERS,
  PLACEHOLDERS,
  documentLanguage,
} from "../../workflows/documents";
import { createTemplateVersion, listCurrentTemplates, listTemplateVersions, markTemplateReviewed } from "~/db.server";
import { FormErrors } from "~/components/forms";
import { requirePermission } from "~/guards.server";

export const meta: MetaFunction = () => [{ title: "Vorlagen – KIM Fallmanagement" }];

function selection(url: URL): { kind: DocumentKind; language: string } | null {
  const kind = DOCUMENT_KIND_PARAMS[url.searchParams.get("art") ?? ""];
  const language = url.searchParams.get("sprache") ?? "";
  return kind && Object.hasOwn(DOCUMENT_KIND_PARAMS, url.searchParams.get("art") ?? "") && documentLanguage(language)
    ? { kind, language }
    : null;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "manage:templates:any");
  const selected = selection(new URL(request.url));
  const [current, versions] = await Promise.all([
    listCurrentTemplates(context.db),
    selected ? listTemplateVersions(context.db, selected.kind, selected.language) : Promise.resolve([]),
  ]);
  return { current, selected, versions };
}

const MAX_TITLE = 300;
const MAX_BODY = 20000;

interface ActionAnswer {
  intent: string;
  message?: string;
  field?: "title" | "body";
  values?: { title: string; body: string };
  saved?: string;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "manage:templates:any");
  const form = await request.formData();
  const text = (name: string) => {
    const v = form.get(name);
    return typeof v === "string" ? v : "";
  };
  const intent = text("intent");
  if (intent === "mark-reviewed") {
    const id = Number(text("templateId"));
    if (!Number.isInteger(id) || id < 1 || id > 2_147_483_647) {
      return data<ActionAnswer>({ intent, message: "Diese Vorlage gibt es nicht." }, { status: 422 });
    }
    const result = await markTemplateReviewed(context.db, user, id);
    if (!result.ok) return data<ActionAnswer>({ intent, message: result.message }, { status: result.status });
    return data<ActionAnswer>({ intent, saved: `Version ${result.version} als geprüft markiert.` });
  }
  if (intent !== "save-version") {
    return data<ActionAnswer>({ intent, message: "Unbekannter Schritt." }, { status: 400 });
  }
  const values = { title: text("title"), body: text("body") };
  const kind = DOCUMENT_KIND_PARAMS[text("art")];
  const language = text("sprache");
  const basedOn = Number(text("basedOnVersion"));
  if (!kind || !Object.hasOwn(DOCUMENT_KIND_PARAMS, text("art")) || !documentLanguage(language) || !Number.isInteger(basedOn) || basedOn < 0 || basedOn > 1_000_000) {
    return data<ActionAnswer>({ intent, message: "Bitte wählen Sie eine Vorlage aus der Übersicht.", values }, { status: 422 });
  }
  if (!values.title.trim()) return data<ActionAnswer>({ intent, field: "title", message: "Bitte geben Sie einen Titel ein.", values }, { status: 422 });
  if (values.title.length > MAX_TITLE) return data<ActionAnswer>({ intent, field: "title", message: `Bitte höchstens ${MAX_TITLE} Zeichen.`, values }, { status: 422 });
  if (!values.body.trim()) return data<ActionAnswer>({ intent, field: "body", message: "Bitte geben Sie den Text ein.", values }, { status: 422 });
  if (values.body.length > MAX_BODY) return data<ActionAnswer>({ intent, field: "body", message: `Bitte höchstens ${MAX_BODY} Zeichen.`, values }, { status: 422 });
  const result = await createTemplateVersion(context.db, user, { kind, language, title: values.title, body: values.body, basedOnVersion: basedOn });
  if (!result.ok) return data<ActionAnswer>({ intent, field: result.field, message: result.message, values }, { status: result.status });
  return data<ActionAnswer>({ intent, saved: `Version ${result.version} gespeichert.` });
}

function formatDateTime(iso: string) {
  return new Date(iso).toLocaleString("de-DE", { timeZone: "Europe/Berlin", dateStyle: "medium", timeStyle: "short" });
}

type Loaded = ReturnType<typeof useLoaderData<typeof loader>>;
type Version = Loaded["versions"][number];

function ReviewStatus({ v }: { v: { language: string; reviewedAt: string | null; reviewedByName: string | null } }) {
  if (v.language === GERMAN) return <span className="badge badge--green">Original</span>;
  if (v.reviewedAt) {
    return (
      <span className="badge badge--green">
        geprüft{v.reviewedByName ? ` von ${v.reviewedByName}` : ""} am {formatDateTime(v.reviewedAt)}
      </span>
    );
  }
  return <span className="badge badge--amber">nicht geprüft</span>;
}

function Overview({ current }: { current: Loaded["current"] }) {
  const byKey = new Map(current.map((t) => [`${t.kind}/${t.language}`, t]));
  return (
    <div className="table-wrap">
      <table className="data">
        <caption>Neueste Version jeder Vorlage und Stand der Prüfung</caption>
        <thead>
          <tr>
            <th scope="col">Sprache</th>
            {DOCUMENT_KINDS.map((k) => (
              <th key={k} scope="col">
                {DOCUMENT_KIND_LABELS[k]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {DOCUMENT_LANGUAGES.map((l) => (
            <tr key={l.code}>
              <th scope="row">
                {l.label} <span lang={l.code} dir={l.dir}>({l.native})</span>
              </th>
              {DOCUMENT_KINDS.map((k) => {
                const t = byKey.get(`${k}/${l.code}`);
                const href = `/vorlagen?art=${DOCUMENT_KIND_PARAM[k]}&sprache=${l.code}#editor`;
                return (
                  <td key={k}>
                    <Link to={href} aria-label={`${DOCUMENT_KIND_LABELS[k]}, ${l.label} bearbeiten`}>
                      {t ? `v${t.version}` : "anlegen"}
                    </Link>{" "}
                    {t ? <ReviewStatus v={t} /> : <span className="badge badge--red">fehlt</span>}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Editor({ kind, language, versions }: { kind: DocumentKind; language: string; versions: Version[] }) {
  const answer = useActionData<typeof action>();
  const navigation = useNavigation();
  const latest = versions[0];
  const lang = documentLanguage(language)!;
  const failed = answer && !answer.saved && answer.intent === "save-version" ? answer : null;
  const title = failed?.values?.title ?? latest?.title ?? "";
  const body = failed?.values?.body ?? latest?.body ?? "";
  const formKey = `${kind}-${language}-${latest?.version ?? 0}-${answer?.saved ?? ""}`;
  return (
    <section id="editor" className="card" aria-labelledby="editor-title">
      <h2 id="editor-title">
        {DOCUMENT_KIND_LABELS[kind]} – {lang.label}
      </h2>
      {answer?.saved ? (
        <p className="notice" role="status">
          {answer.saved}
        </p>
      ) : null}
      {latest ? (
        <p>
          Aktuell: Version {latest.version} vom {formatDateTime(latest.createdAt)} ({latest.createdByName ?? "Ersteinrichtung"}){" "}
          <ReviewStatus v={latest} />
        </p>
      ) : (
        <p>Für diese Sprache gibt es noch keine Fassung. Die erste Version wird hier angelegt.</p>
      )}
      {latest && language !== GERMAN && !latest.reviewedAt ? (
        <Form method="post" className="inline-form" aria-label="Übersetzung als geprüft markieren">
          <input type="hidden" name="intent" value="mark-reviewed" />
          <input type="hidden" name="templateId" value={String(latest.id)} />
          {answer?.intent === "mark-reviewed" && answer.message ? <FormErrors errors={[answer.message]} /> : null}
          <button type="submit" className="button button--secondary">
            Version {latest.version} als geprüft markieren
          </button>{" "}
          <span className="muted">Erst markieren, wenn eine sprachkundige Person die Übersetzung mit der deutschen Fassung verglichen hat.</span>
        </Form>
      ) : null}
      <Form key={formKey} method="post" className="stack" aria-label="Neue Version speichern">
        <input type="hidden" name="intent" value="save-version" />
        <input type="hidden" name="art" value={DOCUMENT_KIND_PARAM[kind]} />
        <input type="hidden" name="sprache" value={language} />
        <input type="hidden" name="basedOnVersion" value={String(latest?.version ?? 0)} />
        {failed && !failed.field && failed.message ? <FormErrors errors={[failed.message]} /> : null}
        <div className="field">
          <label htmlFor="tpl-title">Titel</label>
          <input id="tpl-title" name="title" defaultValue={title} maxLength={MAX_TITLE} required lang={language} dir={lang.dir}
            aria-invalid={failed?.field === "title" || undefined} aria-describedby={failed?.field === "title" ? "tpl-title-error" : undefined} />
          {failed?.field === "title" ? <p id="tpl-title-error" className="field-error">{failed.message}</p> : null}
        </div>
        <div className="field">
          <label htmlFor="tpl-body">Text</label>
          <textarea id="tpl-body" name="body" defaultValue={body} rows={18} required lang={language} dir={lang.dir}
            aria-invalid={failed?.field === "body" || undefined}
            aria-describedby={["tpl-body-hint", failed?.field === "body" ? "tpl-body-error" : ""].filter(Boolean).join(" ")} />
          <p id="tpl-body-hint" className="hint">
            Absätze durch eine Leerzeile trennen; „# “ am Zeilenanfang für eine Überschrift, „- “ für eine Aufzählung. Platzhalter in
            doppelten geschweiften Klammern, z. B. {"{{client.name}}"}. Der Text wird nie als HTML gedruckt.
          </p>
          {failed?.field === "body" ? <p id="tpl-body-error" className="field-error">{failed.message}</p> : null}
        </div>
        <details>
          <summary>Platzhalter dieser Vorlage</summary>
          <dl className="placeholder-list">
            {KIND_PLACEHOLDERS[kind].map((p) => (
              <div key={p}>
                <dt>
                  <code>{`{{${p}}}`}</code>
                </dt>
                <dd>{PLACEHOLDERS[p]}</dd>
              </div>
            ))}
          </dl>
        </details>
        <div>
          <button type="submit" className="button" disabled={navigation.state === "submitting"}>
            Als Version {(latest?.version ?? 0) + 1} speichern
          </button>
        </div>
        {language !== GERMAN ? <p className="muted">Eine neue Version einer Übersetzung gilt als nicht geprüft, bis sie geprüft wird.</p> : null}
      </Form>
      {versions.length ? (
        <>
          <h3>Alle Versionen</h3>
          {versions.map((v) => (
            <details key={v.id} className="template-version">
              <summary>
                Version {v.version} vom {formatDateTime(v.createdAt)} ({v.createdByName ?? "Ersteinrichtung"}) – <ReviewStatus v={v} />
              </summary>
              <div lang={v.language} dir={lang.dir}>
                <p>
                  <strong>{v.title}</strong>
                </p>
                <p className="pre-line">{v.body}</p>
              </div>
            </details>
          ))}
        </>
      ) : null}
    </section>
  );
}

export default function Templates() {
  const { current, selected, versions } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Vorlagen für Dokumente</h1>
      <p>
        Einwilligung, Informationsblatt, Widerruf, Terminschreiben und Auskunft werden aus diesen Vorlagen gedruckt: immer die deutsche
        Fassung (verbindlich) und die Übersetzung in der Sprache der Klientin / des Klienten. Jede Änderung wird als neue Version
        gespeichert; frühere Versionen bleiben lesbar, und eine erfasste Einwilligung verweist auf die unterschriebene Version.
        Ungeprüfte Übersetzungen tragen beim Druck den Hinweis „Übersetzung nicht geprüft“.
      </p>
      <Overview current={current} />
      {selected ? <Editor kind={selected.kind} language={selected.language} versions={versions} /> : null}
    </>
  );
}
