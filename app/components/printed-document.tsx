// The bilingual A4 print layout of a document for the client: the binding German text, then the
// translation (lang and dir of its language), signature lines with labels in both languages. Every text
// comes from a template or the case and is rendered as text: React escapes it, nothing is markup.
import type { DocumentBlock, LanguageStrings } from "../../workflows/documents";

export interface PrintedPart {
  language: string;
  dir: "ltr" | "rtl";
  languageName: string;
  title: string;
  blocks: DocumentBlock[];
  version: number;
  reviewed: boolean;
  strings: LanguageStrings;
}

export interface PrintedDocumentProps {
  organisationName: string;
  fileNumber: string;
  date: string;
  german: PrintedPart;
  translation: PrintedPart | null;
  signatures: readonly ("client" | "staff")[];
  children?: React.ReactNode;
}

function Blocks({ blocks }: { blocks: DocumentBlock[] }) {
  return (
    <>
      {blocks.map((block, i) =>
        block.type === "heading" ? (
          <h3 key={i}>{block.text}</h3>
        ) : block.type === "list" ? (
          <ul key={i}>
            {block.items.map((item, j) => (
              <li key={j}>{item}</li>
            ))}
          </ul>
        ) : (
          <p key={i} className="pre-line">
            {block.text}
          </p>
        ),
      )}
    </>
  );
}

function PartHeader({ part, props }: { part: PrintedPart; props: PrintedDocumentProps }) {
  return (
    <header className="print-document__header">
      <p className="print-document__organisation" lang="de" dir="ltr">
        {props.organisationName}
      </p>
      <dl className="print-document__meta">
        <div>
          <dt>{part.strings.fileNumber}</dt>
          <dd dir="ltr">{props.fileNumber}</dd>
        </div>
        <div>
          <dt>{part.strings.date}</dt>
          <dd dir="ltr">{props.date}</dd>
        </div>
      </dl>
    </header>
  );
}

/** "Übersetzung nicht geprüft" in German and in the translation's language, as one visible line. */
function UnreviewedNotice({ translation }: { translation: PrintedPart }) {
  return (
    <p className="print-document__unreviewed" role="note">
      <span lang="de" dir="ltr">
        Übersetzung nicht geprüft
      </span>{" "}
      /{" "}
      <span lang={translation.language} dir={translation.dir}>
        {translation.strings.unreviewed}
      </span>
    </p>
  );
}

function Part({ part, props, binding }: { part: PrintedPart; props: PrintedDocumentProps; binding: string | null }) {
  const isTranslation = part.language !== "de";
  return (
    <section
      className={`print-document__part${isTranslation ? " print-document__part--translation" : ""}`}
      lang={part.language}
      dir={part.dir}
      aria-label={`${part.title} (${part.languageName})`}
    >
      <PartHeader part={part} props={props} />
      {isTranslation && !part.reviewed ? <UnreviewedNotice translation={part} /> : null}
      <h2>{part.title}</h2>
      {binding ? <p className="print-document__binding">{binding}</p> : null}
      <Blocks blocks={part.blocks} />
    </section>
  );
}

function SignatureLine({ german, translation }: { german: string; translation: { text: string; part: PrintedPart } | null }) {
  return (
    <div className="signature">
      <div className="signature__line" />
      <p className="signature__label">
        <span lang="de" dir="ltr">
          {german}
        </span>
        {translation ? (
          <>
            <br />
            <span className="signature__translation" lang={translation.part.language} dir={translation.part.dir}>
              {translation.text}
            </span>
          </>
        ) : null}
      </p>
    </div>
  );
}

export function PrintedDocument(props: PrintedDocumentProps) {
  const { german, translation } = props;
  return (
    <article className="print-document" aria-label="Druckansicht">
      <Part part={german} props={props} binding={translation ? german.strings.binding : null} />
      {translation ? <Part part={translation} props={props} binding={translation.strings.binding} /> : null}
      {props.signatures.length ? (
        <section className="print-document__signatures" aria-label="Unterschriften">
          {translation && !translation.reviewed ? <UnreviewedNotice translation={translation} /> : null}
          {props.signatures.map((who) => {
            const key = who === "client" ? "signatureClient" : "signatureStaff";
            return (
              <SignatureLine
                key={who}
                german={`${german.strings.placeDate}, ${german.strings[key]}`}
                translation={translation ? { text: `${translation.strings.placeDate}, ${translation.strings[key]}`, part: translation } : null}
              />
            );
          })}
        </section>
      ) : null}
      {props.children}
    </article>
  );
}
