// Documents for the client (consent, information sheet, revocation, appointment letter, Art. 15
// information): kinds, languages, placeholders and the renderer of a template's text. Pure: the
// templates themselves are versioned rows (db/documents.ts); this module only reads and fills them.
//
// A template's body is plain text written by coordinators: paragraphs separated by a blank line, a line
// starting with "# " is a heading, lines starting with "- " are a list. `{{name}}` is a placeholder from
// PLACEHOLDERS. Nothing in a body is ever markup: the renderer returns text blocks, React escapes them.

export const DOCUMENT_KINDS = ["consent", "information", "revocation", "appointment", "subject_access"] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export const DOCUMENT_KIND_LABELS: Record<DocumentKind, string> = {
  consent: "Einwilligung / Schweigepflichtentbindung",
  information: "Informationsblatt nach Art. 13 DSGVO",
  revocation: "Widerruf einer Einwilligung",
  appointment: "Terminschreiben",
  subject_access: "Auskunft nach Art. 15 DSGVO",
};

/** Kinds in the URL of the print page (German, short). */
export const DOCUMENT_KIND_PARAMS: Record<string, DocumentKind> = {
  einwilligung: "consent",
  information: "information",
  widerruf: "revocation",
  termin: "appointment",
  auskunft: "subject_access",
};
export const DOCUMENT_KIND_PARAM: Record<DocumentKind, string> = {
  consent: "einwilligung",
  information: "information",
  revocation: "widerruf",
  appointment: "termin",
  subject_access: "auskunft",
};

export interface DocumentLanguage {
  code: string;
  /** German name, as recorded in the client file's languages. */
  label: string;
  /** The language's own name. */
  native: string;
  dir: "ltr" | "rtl";
  /** Other German names of client languages that mean this language (Dari for Farsi, …). */
  aliases: readonly string[];
}

/** German is the binding original; every other entry is a translation. Add a language here (see README). */
export const DOCUMENT_LANGUAGES: readonly DocumentLanguage[] = [
  { code: "de", label: "Deutsch", native: "Deutsch", dir: "ltr", aliases: [] },
  { code: "en", label: "Englisch", native: "English", dir: "ltr", aliases: [] },
  { code: "ar", label: "Arabisch", native: "العربية", dir: "rtl", aliases: [] },
  { code: "uk", label: "Ukrainisch", native: "Українська", dir: "ltr", aliases: [] },
  { code: "ru", label: "Russisch", native: "Русский", dir: "ltr", aliases: [] },
  { code: "tr", label: "Türkisch", native: "Türkçe", dir: "ltr", aliases: [] },
  { code: "fa", label: "Farsi/Dari", native: "فارسی / دری", dir: "rtl", aliases: ["Farsi", "Dari", "Persisch"] },
  { code: "fr", label: "Französisch", native: "Français", dir: "ltr", aliases: [] },
];
export const GERMAN = "de";

export function documentLanguage(code: string): DocumentLanguage | undefined {
  return DOCUMENT_LANGUAGES.find((l) => l.code === code);
}

/** The first of the client's recorded languages (German names) that has documents; German when none. */
export function preselectedLanguage(clientLanguages: readonly string[]): string {
  for (const name of clientLanguages) {
    const n = name.trim().toLowerCase();
    const hit = DOCUMENT_LANGUAGES.find(
      (l) => l.code !== GERMAN && (l.label.toLowerCase() === n || l.aliases.some((a) => a.toLowerCase() === n)),
    );
    if (hit) return hit.code;
  }
  return GERMAN;
}

/** Every placeholder a template may use, with what it stands for (shown in the editor). */
export const PLACEHOLDERS = {
  "client.name": "Vor- und Nachname der Klientin / des Klienten",
  "client.file_number": "Aktenzeichen",
  "case_manager.name": "Name der Casemanagerin / des Casemanagers",
  "organisation.name": "Organisation (Träger), verantwortlich für die Daten",
  today: "Datum des Drucks",
  "retention.years": "Speicherdauer nach Abschluss in Jahren (Einstellung der Site)",
  "partner.name": "Partner (Empfänger der Daten) – nur Einwilligung und Widerruf",
  "consent.purpose": "Zweck und Umfang der Weitergabe – nur Einwilligung",
  "appointment.date": "Datum des Termins – nur Terminschreiben",
  "appointment.time": "Uhrzeit des Termins – nur Terminschreiben",
  "appointment.place": "Ort des Termins – nur Terminschreiben",
} as const;
export type Placeholder = keyof typeof PLACEHOLDERS;

const COMMON: readonly Placeholder[] = ["client.name", "client.file_number", "case_manager.name", "organisation.name", "today", "retention.years"];

/** Which placeholders each kind may use: the common ones and what the print page asks for. */
export const KIND_PLACEHOLDERS: Record<DocumentKind, readonly Placeholder[]> = {
  consent: [...COMMON, "partner.name", "consent.purpose"],
  information: COMMON,
  revocation: [...COMMON, "partner.name"],
  appointment: [...COMMON, "appointment.date", "appointment.time", "appointment.place"],
  subject_access: COMMON,
};

/** Signature lines printed under each kind (none for letters). */
export const KIND_SIGNATURES: Record<DocumentKind, readonly ("client" | "staff")[]> = {
  consent: ["client", "staff"],
  information: ["client"],
  revocation: ["client"],
  appointment: [],
  subject_access: [],
};

/** Fixed wording of the print layout in every language (the template texts come from the database). */
export interface LanguageStrings {
  unreviewed: string;
  binding: string;
  fileNumber: string;
  date: string;
  placeDate: string;
  signatureClient: string;
  signatureStaff: string;
  receipt: string;
}

export const LANGUAGE_STRINGS: Record<string, LanguageStrings> = {
  de: {
    unreviewed: "Übersetzung nicht geprüft",
    binding: "Maßgeblich ist die deutsche Fassung. Die Übersetzung soll beim Verstehen helfen.",
    fileNumber: "Aktenzeichen",
    date: "Datum",
    placeDate: "Ort, Datum",
    signatureClient: "Unterschrift der Klientin / des Klienten (oder der gesetzlichen Vertretung)",
    signatureStaff: "Unterschrift Casemanagement",
    receipt: "Erhalten und verstanden",
  },
  en: {
    unreviewed: "Translation not reviewed",
    binding: "The German version is legally binding. The translation is to help you understand it.",
    fileNumber: "File number",
    date: "Date",
    placeDate: "Place, date",
    signatureClient: "Signature of the client (or legal guardian)",
    signatureStaff: "Signature of the case manager",
    receipt: "Received and understood",
  },
  ar: {
    unreviewed: "الترجمة لم تتم مراجعتها",
    binding: "النسخة الألمانية هي النسخة الملزمة قانونياً. الترجمة تساعدك على الفهم.",
    fileNumber: "رقم الملف",
    date: "التاريخ",
    placeDate: "المكان، التاريخ",
    signatureClient: "توقيع العميل / العميلة (أو الممثل القانوني)",
    signatureStaff: "توقيع مدير / مديرة الحالة",
    receipt: "استلمت وفهمت",
  },
  uk: {
    unreviewed: "Переклад не перевірено",
    binding: "Юридично чинною є німецька версія. Переклад має допомогти вам її зрозуміти.",
    fileNumber: "Номер справи",
    date: "Дата",
    placeDate: "Місце, дата",
    signatureClient: "Підпис клієнтки / клієнта (або законного представника)",
    signatureStaff: "Підпис кейс-менеджера",
    receipt: "Отримано і зрозуміло",
  },
  ru: {
    unreviewed: "Перевод не проверен",
    binding: "Юридически действительна немецкая версия. Перевод должен помочь вам её понять.",
    fileNumber: "Номер дела",
    date: "Дата",
    placeDate: "Место, дата",
    signatureClient: "Подпись клиентки / клиента (или законного представителя)",
    signatureStaff: "Подпись кейс-менеджера",
    receipt: "Получено и понятно",
  },
  tr: {
    unreviewed: "Çeviri kontrol edilmedi",
    binding: "Hukuken geçerli olan Almanca metindir. Çeviri, metni anlamanıza yardımcı olmak içindir.",
    fileNumber: "Dosya numarası",
    date: "Tarih",
    placeDate: "Yer, tarih",
    signatureClient: "Danışanın (veya yasal temsilcinin) imzası",
    signatureStaff: "Vaka yöneticisinin imzası",
    receipt: "Aldım ve anladım",
  },
  fa: {
    unreviewed: "ترجمه بررسی نشده است",
    binding: "متن آلمانی از نظر حقوقی معتبر است. ترجمه برای کمک به فهم شماست.",
    fileNumber: "شماره پرونده",
    date: "تاریخ",
    placeDate: "محل، تاریخ",
    signatureClient: "امضای مراجع (یا نماینده قانونی)",
    signatureStaff: "امضای مدیر پرونده",
    receipt: "دریافت کردم و متوجه شدم",
  },
  fr: {
    unreviewed: "Traduction non vérifiée",
    binding: "Seule la version allemande fait foi. La traduction doit vous aider à la comprendre.",
    fileNumber: "Numéro de dossier",
    date: "Date",
    placeDate: "Lieu, date",
    signatureClient: "Signature de la personne accompagnée (ou de son représentant légal)",
    signatureStaff: "Signature du / de la case manager",
    receipt: "Reçu et compris",
  },
};

const PLACEHOLDER_PATTERN = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The placeholder names a text uses, in order of first use. */
export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER_PATTERN)].map((m) => m[1] ?? ""))];
}

/** German messages for a template text a coordinator wants to save; empty when it is fine. */
export function checkTemplateText(kind: DocumentKind, text: string): string[] {
  const allowed = new Set<string>(KIND_PLACEHOLDERS[kind]);
  const problems: string[] = [];
  for (const name of placeholdersIn(text)) {
    if (!Object.hasOwn(PLACEHOLDERS, name)) problems.push(`Unbekannter Platzhalter {{${name}}}.`);
    else if (!allowed.has(name)) problems.push(`Der Platzhalter {{${name}}} ist in dieser Vorlage nicht verfügbar.`);
  }
  const stray = text.replace(PLACEHOLDER_PATTERN, "");
  if (stray.includes("{{") || stray.includes("}}")) problems.push("Ein Platzhalter ist nicht geschlossen: bitte {{name}} schreiben.");
  return problems;
}

export type DocumentBlock =
  | { type: "heading"; text: string }
  | { type: "paragraph"; text: string }
  | { type: "list"; items: string[] };

export type PlaceholderValues = Partial<Record<Placeholder, string>>;

export class MissingPlaceholderError extends Error {
  constructor(readonly names: string[]) {
    super(`placeholders without a value: ${names.join(", ")}`);
  }
}

/** Fills every placeholder; throws MissingPlaceholderError when one has no value (never prints `{{…}}`). */
export function fillPlaceholders(text: string, values: PlaceholderValues): string {
  const missing = placeholdersIn(text).filter((name) => {
    const v = (values as Record<string, string | undefined>)[name];
    return v === undefined || v === "";
  });
  if (missing.length) throw new MissingPlaceholderError(missing);
  return text.replace(PLACEHOLDER_PATTERN, (_m, name: string) => (values as Record<string, string>)[name] ?? "");
}

/** Splits a filled text into headings, paragraphs and lists. */
export function renderDocumentText(text: string, values: PlaceholderValues): DocumentBlock[] {
  const filled = fillPlaceholders(text.replace(/\r\n?/g, "\n"), values);
  const blocks: DocumentBlock[] = [];
  for (const chunk of filled.split(/\n\s*\n/)) {
    let paragraph: string[] = [];
    let list: string[] = [];
    const flush = () => {
      if (paragraph.length) blocks.push({ type: "paragraph", text: paragraph.join("\n") });
      if (list.length) blocks.push({ type: "list", items: list });
      paragraph = [];
      list = [];
    };
    for (const raw of chunk.split("\n")) {
      const line = raw.trim();
      if (!line) continue;
      if (line.startsWith("# ")) {
        flush();
        blocks.push({ type: "heading", text: line.slice(2).trim() });
      } else if (line.startsWith("- ")) {
        if (paragraph.length) flush();
        list.push(line.slice(2).trim());
      } else {
        if (list.length) flush();
        paragraph.push(line);
      }
    }
    flush();
  }
  return blocks;
}

/** `YYYY-MM-DD` → `DD.MM.YYYY` (the documents' date format in every language). */
export function documentDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? `${m[3]}.${m[2]}.${m[1]}` : iso;
}
