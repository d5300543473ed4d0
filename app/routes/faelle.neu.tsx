import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { CheckboxField, FormErrors, SelectField, TextField, TextareaField, optionsOf } from "~/components/forms";
import { type IntakeInput, loadIntakeOptions, submitIntake } from "~/db.server";
import { INTAKE_CREATED_FLASH, flashRedirect } from "~/flash.server";
import { can, requirePermission } from "~/guards.server";
import { IntakeSchema, type IntakeValues } from "~/schemas/intake";
import { GENDERS, REFERRAL_SOURCES, RESIDENCE_STATUSES } from "../../workflows/vocabulary";

export const meta: MetaFunction = () => [{ title: "Neue Aufnahme – KIM Fallmanagement" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "create:case:own");
  const options = await loadIntakeOptions(context.db, user);
  return { ...options, mayAssign: can(user, "assign:case:any") };
}

function toIntakeInput(v: IntakeValues): IntakeInput {
  return {
    client: {
      firstName: v.firstName,
      lastName: v.lastName,
      birthDate: v.birthDate ?? null,
      birthDateEstimated: v.birthDateEstimated,
      gender: v.gender,
      nationality: v.nationality ?? null,
      languages: v.languages,
      interpreterNeeded: v.interpreterNeeded,
      municipalityId: v.municipalityId,
      residenceStatus: v.residenceStatus,
      arrivalDate: v.arrivalDate ?? null,
      unaccompanied: v.unaccompanied,
      phone: v.phone ?? null,
      email: v.email ?? null,
      address: v.address ?? null,
    },
    referralSource: v.referralSource,
    referralMunicipalityId: v.referralSource === "sozialamt" ? (v.referralMunicipalityId ?? null) : null,
    increasedNeedDocumented: v.increasedNeedDocumented,
    caseManagerId: v.caseManagerId ?? null,
    residenceDocument: { issuedOn: v.residenceIssuedOn ?? null, validUntil: v.residenceValidUntil ?? null },
    confirmedDuplicates: v.confirmDuplicates ?? null,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "create:case:own");
  const submission = parseWithZod(await request.formData(), { schema: IntakeSchema });
  if (submission.status !== "success") {
    return data({ result: submission.reply(), duplicates: null }, { status: 400 });
  }
  const outcome = await submitIntake(context.db, user, toIntakeInput(submission.value));
  switch (outcome.status) {
    case "invalid":
      return data({ result: submission.reply({ fieldErrors: outcome.fieldErrors }), duplicates: null }, { status: 400 });
    case "duplicates":
      return data({ result: submission.reply(), duplicates: outcome.duplicates }, { status: 409 });
    case "created": {
      const flash = flashRedirect(context.config, `/faelle/${outcome.caseId}`, INTAKE_CREATED_FLASH);
      throw redirect(flash.location, { headers: { "Set-Cookie": flash.setCookie } });
    }
  }
}

function germanDate(date: string): string {
  const [y, m, d] = date.split("-");
  return `${d}.${m}.${y}`;
}

export default function NewIntake() {
  const { municipalities, caseManagers, mayAssign } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const duplicates = actionData?.duplicates ?? null;
  const warningRef = useRef<HTMLElement>(null);
  const [form, fields] = useForm({
    id: "intake",
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: IntakeSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });

  // The duplicate warning replaces the usual save: move the keyboard focus there so it is read first.
  useEffect(() => {
    if (duplicates?.fingerprint) warningRef.current?.focus();
  }, [duplicates?.fingerprint, actionData]);

  const municipalityOptions = municipalities.map((m) => ({ value: String(m.id), label: m.name }));
  const hidden = duplicates?.hiddenCount ?? 0;

  return (
    <>
      <h1>Neue Aufnahme</h1>
      <p>
        Legt Klient*in und Fall in der Phase „Zugang“ an.{" "}
        {mayAssign
          ? "Sie können den Fall einer Casemanager*in zuweisen oder ihn in die Warteschlange „Nicht zugewiesen“ legen."
          : "Der Fall wird Ihnen zugewiesen."}{" "}
        Pflichtfelder sind mit * markiert.
      </p>
      <Form method="post" className="stack intake-form" {...getFormProps(form)}>
        <FormErrors errors={form.errors} id={form.errorId} />
        <fieldset>
          <legend>Person</legend>
          <div className="stack-inner">
            <TextField field={fields.firstName} label="Vorname" required autoComplete="off" />
            <TextField field={fields.lastName} label="Nachname" required autoComplete="off" />
            <TextField field={fields.birthDate} label="Geburtsdatum" hint="Format TT.MM.JJJJ, z. B. 05.03.2001" autoComplete="off" />
            <CheckboxField
              field={fields.birthDateEstimated}
              label="Geburtsdatum ist geschätzt"
              hint="z. B. wenn keine Dokumente vorliegen oder das Alter strittig ist"
            />
            <SelectField field={fields.gender} label="Geschlecht" options={optionsOf(GENDERS)} required />
            <TextField field={fields.nationality} label="Staatsangehörigkeit" autoComplete="off" />
            <TextField
              field={fields.languages}
              label="Sprachen"
              hint="Mehrere mit Komma trennen, z. B. Arabisch, Französisch"
              autoComplete="off"
            />
            <CheckboxField field={fields.interpreterNeeded} label="Dolmetschung erforderlich" />
          </div>
        </fieldset>
        <fieldset>
          <legend>Wohnort und Aufenthalt</legend>
          <div className="stack-inner">
            <SelectField field={fields.municipalityId} label="Kommune (Wohnort)" options={municipalityOptions} required />
            <SelectField
              field={fields.residenceStatus}
              label="Aufenthaltsstatus"
              options={optionsOf(RESIDENCE_STATUSES)}
              required
            />
            <TextField
              field={fields.residenceIssuedOn}
              label="Dokument ausgestellt am"
              hint="Format TT.MM.JJJJ; leer lassen, wenn unbekannt"
              autoComplete="off"
            />
            <TextField
              field={fields.residenceValidUntil}
              label="Dokument gültig bis"
              hint="Format TT.MM.JJJJ; z. B. Ablauf der Duldung. Fristen erscheinen 8, 4 und 1 Woche vorher unter „Heute“."
              autoComplete="off"
            />
            <TextField field={fields.arrivalDate} label="Einreisedatum" hint="Format TT.MM.JJJJ, z. B. 05.03.2001" autoComplete="off" />
            <CheckboxField
              field={fields.unaccompanied}
              label="Unbegleitet eingereist (ohne Eltern)"
              hint="Nur bei Minderjährigen"
            />
          </div>
        </fieldset>
        <fieldset>
          <legend>Kontakt</legend>
          <div className="stack-inner">
            <TextField field={fields.phone} label="Telefon" type="tel" autoComplete="off" />
            <TextField field={fields.email} label="E-Mail" type="email" autoComplete="off" />
            <TextareaField field={fields.address} label="Anschrift" rows={2} />
          </div>
        </fieldset>
        <fieldset>
          <legend>Zugang</legend>
          <div className="stack-inner">
            <SelectField field={fields.referralSource} label="Zugangsweg" options={optionsOf(REFERRAL_SOURCES)} required />
            {/* Shown only while the Zugangsweg is "Sozialamt": by CSS (:has), so it works without JavaScript too. */}
            <div className="sozialamt-only">
              <SelectField
                field={fields.referralMunicipalityId}
                label="Sozialamt der Kommune"
                hint="Welches Sozialamt hat vermittelt?"
                options={municipalityOptions}
              />
            </div>
            <CheckboxField
              field={fields.increasedNeedDocumented}
              label="Erhöhter Unterstützungsbedarf dokumentiert"
              hint="Die zuweisende Stelle hat einen erhöhten Unterstützungsbedarf schriftlich festgehalten."
            />
          </div>
        </fieldset>
        {mayAssign ? (
          <fieldset>
            <legend>Zuständigkeit</legend>
            <div className="stack-inner">
              <SelectField
                field={fields.caseManagerId}
                label="Casemanager*in"
                options={caseManagers.map((c) => ({ value: c.id, label: c.displayName }))}
                placeholder="Noch nicht zuweisen (Warteschlange)"
              />
            </div>
          </fieldset>
        ) : null}

        {duplicates?.fingerprint ? (
          <section
            ref={warningRef}
            tabIndex={-1}
            className="warning duplicate-warning"
            aria-labelledby="duplicate-title"
          >
            <h2 id="duplicate-title">Mögliche Doppelanlage</h2>
            <p>
              Es gibt bereits Klient*innen mit ähnlichem Namen und gleichem oder ähnlichem Geburtsdatum. Bitte prüfen
              Sie, ob die Person schon bekannt ist.
            </p>
            {duplicates.visible.length ? (
              <table className="data">
                <caption className="visually-hidden">Mögliche Treffer in Ihren Fällen</caption>
                <thead>
                  <tr>
                    <th scope="col">Aktenzeichen</th>
                    <th scope="col">Name</th>
                    <th scope="col">Geburtsdatum</th>
                  </tr>
                </thead>
                <tbody>
                  {duplicates.visible.map((d) => (
                    <tr key={d.caseId}>
                      <td>
                        <Link to={`/faelle/${d.caseId}`} target="_blank" rel="noopener">
                          {d.aktenzeichen}
                          <span className="visually-hidden"> (öffnet in neuem Tab)</span>
                        </Link>
                      </td>
                      <td>
                        {d.lastName}, {d.firstName}
                      </td>
                      <td>
                        {d.birthDate ? germanDate(d.birthDate) : "unbekannt"}
                        {d.birthDate && d.birthDateEstimated ? " (geschätzt)" : ""}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
            {hidden ? (
              <p>
                {hidden === 1
                  ? "Außerdem gibt es einen möglichen Treffer in einem anderen Fall, den Sie nicht einsehen können."
                  : `Außerdem gibt es ${hidden} mögliche Treffer in anderen Fällen, die Sie nicht einsehen können.`}{" "}
                Klären Sie das bei Bedarf mit der Koordination.
              </p>
            ) : null}
            <p>Wenn es sich um eine andere Person handelt, legen Sie die Aufnahme trotzdem an.</p>
            <button type="submit" className="button" name="confirmDuplicates" value={duplicates.fingerprint}>
              Trotzdem anlegen
            </button>
          </section>
        ) : null}

        <div className="button-row">
          <button type="submit" className="button">
            {duplicates?.fingerprint ? "Angaben erneut prüfen" : "Aufnahme anlegen"}
          </button>
          <Link to="/faelle" className="button button--secondary">
            Abbrechen
          </Link>
        </div>
      </Form>
    </>
  );
}
