// Frozen with migration 0017: version 1 of every document template as first installed. Later changes
// are made in the app (*Vorlagen*), each a new version; never edit this file. German is the binding
// original; every translation starts as "nicht geprüft" (unreviewed) until a coordinator marks it reviewed.

export interface InitialText {
  title: string;
  body: string;
}

type Kind = "consent" | "information" | "revocation" | "appointment" | "subject_access";

export const INITIAL_TEXTS: Record<string, Record<Kind, InitialText>> = {
  de: {
    consent: {
      title: "Einwilligung in die Weitergabe von Daten (Schweigepflichtentbindung)",
      body: `Ich, {{client.name}} (Aktenzeichen {{client.file_number}}), erlaube {{organisation.name}}, Daten über mich an diese Stelle weiterzugeben:

# Empfänger
{{partner.name}}

# Zweck und Umfang
{{consent.purpose}}

# Was das bedeutet
- Es werden nur die Daten weitergegeben, die für diesen Zweck nötig sind.
- Für diese Weitergabe entbinde ich {{case_manager.name}} von der Schweigepflicht.
- Die Einwilligung ist freiwillig. Wenn ich nicht einwillige, werde ich trotzdem weiter beraten.
- Ich kann die Einwilligung jederzeit ohne Begründung widerrufen, mündlich oder schriftlich. Der Widerruf gilt ab dann. Was vorher weitergegeben wurde, bleibt rechtmäßig.
- Rechtsgrundlage: Art. 6 Abs. 1 Buchstabe a und Art. 9 Abs. 2 Buchstabe a DSGVO.`,
    },
    information: {
      title: "Information zum Datenschutz (Art. 13 DSGVO)",
      body: `Im Kommunalen Integrationsmanagement (KIM) speichern wir Daten über Sie. Hier steht, was mit Ihren Daten geschieht.

# Wer ist verantwortlich?
{{organisation.name}}. Ihre Ansprechperson ist {{case_manager.name}}.

# Datenschutzbeauftragte
Sie erreichen die oder den Datenschutzbeauftragten über die Anschrift von {{organisation.name}}, Stichwort „Datenschutz“.

# Wofür verwenden wir Ihre Daten?
Für Ihre Beratung und Begleitung: Ihren Bedarf klären, mit Ihnen Ziele vereinbaren, Sie an passende Stellen vermitteln und die Beratung dokumentieren. Für Berichte werden nur Zahlen ohne Namen verwendet.

# Rechtsgrundlage
Art. 6 Abs. 1 Buchstabe e DSGVO (Aufgabe im öffentlichen Interesse) mit den Regeln des Landes NRW zum Kommunalen Integrationsmanagement. Für die Weitergabe an andere Stellen brauchen wir Ihre Einwilligung (Art. 6 Abs. 1 Buchstabe a und Art. 9 Abs. 2 Buchstabe a DSGVO), wenn kein Gesetz sie erlaubt.

# Wer bekommt Ihre Daten?
Die Fachkräfte, die Sie beraten. Andere Stellen (zum Beispiel Ausländerbehörde, Jobcenter, Beratungsstellen) bekommen Daten nur mit Ihrer Einwilligung oder wenn ein Gesetz es erlaubt.

# Wie lange speichern wir Ihre Daten?
Solange die Beratung läuft und danach {{retention.years}} Jahre. Dann werden die Daten gelöscht oder anonymisiert.

# Ihre Rechte
- Auskunft über Ihre Daten (Art. 15 DSGVO)
- Berichtigung falscher Daten (Art. 16 DSGVO)
- Löschung (Art. 17 DSGVO) und Einschränkung der Verarbeitung (Art. 18 DSGVO)
- Widerspruch gegen die Verarbeitung (Art. 21 DSGVO)
- Widerruf einer Einwilligung, jederzeit, für die Zukunft

# Beschwerde
Sie können sich bei der Landesbeauftragten für Datenschutz und Informationsfreiheit Nordrhein-Westfalen (LDI NRW) beschweren: Kavalleriestraße 2–4, 40213 Düsseldorf.

# Müssen Sie Daten angeben?
Nein. Ohne Angaben können wir Sie aber nur eingeschränkt beraten. Es gibt keine automatisierten Entscheidungen.`,
    },
    revocation: {
      title: "Widerruf einer Einwilligung",
      body: `Ich, {{client.name}} (Aktenzeichen {{client.file_number}}), widerrufe meine Einwilligung, Daten über mich an {{partner.name}} weiterzugeben.

Der Widerruf gilt ab sofort. {{organisation.name}} gibt ab jetzt keine Daten mehr an diese Stelle weiter. Was vorher mit meiner Einwilligung weitergegeben wurde, bleibt rechtmäßig.`,
    },
    appointment: {
      title: "Einladung zu einem Termin",
      body: `Guten Tag {{client.name}},

wir laden Sie zu einem Termin ein.

# Termin
- Datum: {{appointment.date}}
- Uhrzeit: {{appointment.time}}
- Ort: {{appointment.place}}
- Bei: {{case_manager.name}}, {{organisation.name}}

Bitte bringen Sie dieses Schreiben und Ihre Unterlagen mit (zum Beispiel Ausweis, Aufenthaltspapiere, Briefe von Behörden). Sie können eine Person Ihres Vertrauens mitbringen. Wenn Sie eine Dolmetscherin oder einen Dolmetscher brauchen oder nicht kommen können, sagen Sie uns bitte vorher Bescheid.

Mit freundlichen Grüßen
{{case_manager.name}}`,
    },
    subject_access: {
      title: "Auskunft über Ihre Daten (Art. 15 DSGVO)",
      body: `Guten Tag {{client.name}},

Sie haben gefragt, welche Daten wir über Sie speichern. Hier ist unsere Antwort. Die Daten selbst stehen im Anhang.

# Wofür verwenden wir Ihre Daten?
Für Ihre Beratung und Begleitung im Kommunalen Integrationsmanagement: Bedarf klären, Ziele vereinbaren, an passende Stellen vermitteln und die Beratung dokumentieren.

# Welche Daten?
Angaben zu Ihrer Person, Ihre Fälle und ihr Verlauf, Kontakte, Bedarfe, Ziele, Vermittlungen, Wiedervorlagen, Einwilligungen, Datenweitergaben und wer auf Ihre Daten zugegriffen hat (Rolle und Organisation).

# Wer hat Ihre Daten bekommen?
Die Fachkräfte von {{organisation.name}}, die Sie beraten. Welche anderen Stellen Daten bekommen haben, steht im Anhang unter „Datenweitergaben“.

# Wie lange speichern wir Ihre Daten?
Solange die Beratung läuft und danach {{retention.years}} Jahre. Dann werden die Daten gelöscht oder anonymisiert.

# Woher haben wir die Daten?
Von Ihnen selbst und, wenn eine Stelle Sie an uns vermittelt hat, von dieser Stelle (im Anhang: „Zugangsweg“).

# Ihre Rechte
- Berichtigung falscher Daten (Art. 16 DSGVO)
- Löschung (Art. 17 DSGVO) und Einschränkung der Verarbeitung (Art. 18 DSGVO)
- Widerspruch gegen die Verarbeitung (Art. 21 DSGVO)
- Widerruf einer Einwilligung, jederzeit, für die Zukunft
- Beschwerde bei der Landesbeauftragten für Datenschutz und Informationsfreiheit Nordrhein-Westfalen (LDI NRW), Kavalleriestraße 2–4, 40213 Düsseldorf

# Weiteres
Es gibt keine automatisierten Entscheidungen. Wir geben keine Daten in Länder außerhalb der EU. Eine vollständige Kopie Ihrer Daten in maschinenlesbarer Form (JSON) bekommen Sie zusätzlich.`,
    },
  },
  en: {
    consent: {
      title: "Consent to share data (release from confidentiality)",
      body: `I, {{client.name}} (file number {{client.file_number}}), allow {{organisation.name}} to pass on data about me to this organisation:

# Recipient
{{partner.name}}

# Purpose and scope
{{consent.purpose}}

# What this means
- Only the data needed for this purpose will be passed on.
- For this, I release {{case_manager.name}} from the duty of confidentiality.
- This consent is voluntary. If I do not agree, I will still receive counselling.
- I can withdraw this consent at any time without giving a reason, orally or in writing. The withdrawal applies from then on. Anything passed on before stays lawful.
- Legal basis: Art. 6(1)(a) and Art. 9(2)(a) GDPR.`,
    },
    information: {
      title: "Information on data protection (Art. 13 GDPR)",
      body: `In Municipal Integration Management (KIM) we store data about you. This sheet explains what happens to your data.

# Who is responsible?
{{organisation.name}}. Your contact person is {{case_manager.name}}.

# Data protection officer
You can reach the data protection officer at the address of {{organisation.name}}, marked "Datenschutz".

# What do we use your data for?
For your counselling and support: to understand what you need, agree goals with you, refer you to the right services and keep records of the counselling. Reports only use numbers without names.

# Legal basis
Art. 6(1)(e) GDPR (task in the public interest) together with the rules of the state of North Rhine-Westphalia on Municipal Integration Management. To pass data on to other organisations we need your consent (Art. 6(1)(a) and Art. 9(2)(a) GDPR), unless a law allows it.

# Who receives your data?
The professionals who counsel you. Other organisations (for example the immigration office, the job centre, counselling services) only receive data with your consent or when a law allows it.

# How long do we keep your data?
As long as the counselling continues and then {{retention.years}} more years. After that the data are deleted or anonymised.

# Your rights
- Access to your data (Art. 15 GDPR)
- Correction of wrong data (Art. 16 GDPR)
- Erasure (Art. 17 GDPR) and restriction of processing (Art. 18 GDPR)
- Objection to the processing (Art. 21 GDPR)
- Withdrawal of a consent, at any time, for the future

# Complaint
You can complain to the State Commissioner for Data Protection and Freedom of Information of North Rhine-Westphalia (LDI NRW): Kavalleriestraße 2–4, 40213 Düsseldorf.

# Do you have to give us data?
No. But without information we can only help you in a limited way. There are no automated decisions.`,
    },
    revocation: {
      title: "Withdrawal of consent",
      body: `I, {{client.name}} (file number {{client.file_number}}), withdraw my consent to pass on data about me to {{partner.name}}.

The withdrawal applies immediately. From now on {{organisation.name}} will not pass on any more data to this organisation. Anything passed on before with my consent stays lawful.`,
    },
    appointment: {
      title: "Invitation to an appointment",
      body: `Dear {{client.name}},

we invite you to an appointment.

# Appointment
- Date: {{appointment.date}}
- Time: {{appointment.time}}
- Place: {{appointment.place}}
- With: {{case_manager.name}}, {{organisation.name}}

Please bring this letter and your documents (for example ID, residence papers, letters from authorities). You may bring a person you trust. If you need an interpreter or cannot come, please let us know in advance.

Kind regards
{{case_manager.name}}`,
    },
    subject_access: {
      title: "Information about your data (Art. 15 GDPR)",
      body: `Dear {{client.name}},

you asked which data we store about you. Here is our answer. The data themselves are in the annex.

# What do we use your data for?
For your counselling and support in Municipal Integration Management: understanding your needs, agreeing goals, referring you to the right services and keeping records of the counselling.

# Which data?
Information about you, your cases and their history, contacts, needs, goals, referrals, follow-ups, consents, data passed on, and who accessed your data (role and organisation).

# Who received your data?
The professionals of {{organisation.name}} who counsel you. Which other organisations received data is listed in the annex under "Datenweitergaben" (data passed on).

# How long do we keep your data?
As long as the counselling continues and then {{retention.years}} more years. After that the data are deleted or anonymised.

# Where do the data come from?
From you and, if an organisation referred you to us, from that organisation (in the annex: "Zugangsweg", referral source).

# Your rights
- Correction of wrong data (Art. 16 GDPR)
- Erasure (Art. 17 GDPR) and restriction of processing (Art. 18 GDPR)
- Objection to the processing (Art. 21 GDPR)
- Withdrawal of a consent, at any time, for the future
- Complaint to the State Commissioner for Data Protection and Freedom of Information of North Rhine-Westphalia (LDI NRW), Kavalleriestraße 2–4, 40213 Düsseldorf

# Further information
There are no automated decisions. We do not pass data to countries outside the EU. You also receive a complete copy of your data in machine-readable form (JSON).`,
    },
  },
  ar: {
    consent: {
      title: "موافقة على نقل البيانات (إعفاء من واجب السرية)",
      body: `أنا، {{client.name}} (رقم الملف {{client.file_number}})، أسمح لـ {{organisation.name}} بنقل بيانات عني إلى هذه الجهة:

# الجهة المستلمة
{{partner.name}}

# الغرض والنطاق
{{consent.purpose}}

# ماذا يعني هذا
- يتم نقل البيانات اللازمة لهذا الغرض فقط.
- لهذا النقل أعفي {{case_manager.name}} من واجب السرية.
- هذه الموافقة طوعية. إذا لم أوافق، سأستمر في الحصول على الاستشارة.
- يمكنني سحب هذه الموافقة في أي وقت دون ذكر السبب، شفهياً أو كتابياً. يسري السحب من ذلك الوقت. ما تم نقله قبل ذلك يبقى قانونياً.
- الأساس القانوني: المادة 6 الفقرة 1 البند أ والمادة 9 الفقرة 2 البند أ من اللائحة العامة لحماية البيانات (DSGVO).`,
    },
    information: {
      title: "معلومات حول حماية البيانات (المادة 13 من اللائحة العامة لحماية البيانات)",
      body: `في إدارة الاندماج البلدية (KIM) نحفظ بيانات عنك. هنا نشرح ماذا يحدث لبياناتك.

# من المسؤول؟
{{organisation.name}}. الشخص المسؤول عنك هو {{case_manager.name}}.

# مسؤول حماية البيانات
يمكنك التواصل مع مسؤول حماية البيانات على عنوان {{organisation.name}} مع كلمة «Datenschutz».

# لماذا نستخدم بياناتك؟
من أجل استشارتك ومرافقتك: لفهم ما تحتاجه، والاتفاق معك على أهداف، وتحويلك إلى الجهات المناسبة، وتوثيق الاستشارة. في التقارير نستخدم أرقاماً فقط دون أسماء.

# الأساس القانوني
المادة 6 الفقرة 1 البند هـ من اللائحة العامة لحماية البيانات (مهمة للمصلحة العامة) مع قواعد ولاية شمال الراين وستفاليا الخاصة بإدارة الاندماج البلدية. لنقل البيانات إلى جهات أخرى نحتاج موافقتك (المادة 6 الفقرة 1 البند أ والمادة 9 الفقرة 2 البند أ)، إلا إذا سمح بذلك قانون.

# من يحصل على بياناتك؟
المختصون الذين يقدمون لك الاستشارة. الجهات الأخرى (مثل دائرة الأجانب، مركز العمل Jobcenter، مراكز الاستشارة) تحصل على البيانات فقط بموافقتك أو إذا سمح بذلك قانون.

# كم من الوقت نحفظ بياناتك؟
طوال فترة الاستشارة، وبعدها {{retention.years}} سنوات. ثم تُحذف البيانات أو تصبح مجهولة الهوية.

# حقوقك
- الاطلاع على بياناتك (المادة 15)
- تصحيح البيانات الخاطئة (المادة 16)
- الحذف (المادة 17) وتقييد المعالجة (المادة 18)
- الاعتراض على المعالجة (المادة 21)
- سحب الموافقة في أي وقت، للمستقبل

# الشكوى
يمكنك تقديم شكوى إلى مفوضة حماية البيانات وحرية المعلومات في ولاية شمال الراين وستفاليا (LDI NRW): Kavalleriestraße 2–4, 40213 Düsseldorf.

# هل يجب أن تعطينا بيانات؟
لا. لكن بدون معلومات نستطيع مساعدتك بشكل محدود فقط. لا توجد قرارات آلية.`,
    },
    revocation: {
      title: "سحب الموافقة",
      body: `أنا، {{client.name}} (رقم الملف {{client.file_number}})، أسحب موافقتي على نقل بيانات عني إلى {{partner.name}}.

يسري السحب فوراً. من الآن لن تنقل {{organisation.name}} أي بيانات إلى هذه الجهة. ما تم نقله قبل ذلك بموافقتي يبقى قانونياً.`,
    },
    appointment: {
      title: "دعوة إلى موعد",
      body: `مرحباً {{client.name}}،

ندعوك إلى موعد.

# الموعد
- التاريخ: {{appointment.date}}
- الساعة: {{appointment.time}}
- المكان: {{appointment.place}}
- عند: {{case_manager.name}}، {{organisation.name}}

يرجى إحضار هذه الرسالة وأوراقك (مثل الهوية، أوراق الإقامة، رسائل من الدوائر الرسمية). يمكنك إحضار شخص تثق به. إذا كنت بحاجة إلى مترجم أو لا تستطيع الحضور، يرجى إخبارنا مسبقاً.

مع أطيب التحيات
{{case_manager.name}}`,
    },
    subject_access: {
      title: "معلومات عن بياناتك (المادة 15 من اللائحة العامة لحماية البيانات)",
      body: `مرحباً {{client.name}}،

لقد سألت ما هي البيانات التي نحفظها عنك. هذا هو جوابنا. البيانات نفسها موجودة في الملحق.

# لماذا نستخدم بياناتك؟
من أجل استشارتك ومرافقتك في إدارة الاندماج البلدية: فهم احتياجاتك، والاتفاق على أهداف، والتحويل إلى الجهات المناسبة، وتوثيق الاستشارة.

# ما هي البيانات؟
معلومات عنك، ملفاتك وسيرها، الاتصالات، الاحتياجات، الأهداف، التحويلات، المواعيد المتابعة، الموافقات، البيانات المنقولة، ومن اطلع على بياناتك (الدور والجهة).

# من حصل على بياناتك؟
المختصون في {{organisation.name}} الذين يقدمون لك الاستشارة. الجهات الأخرى التي حصلت على بيانات مذكورة في الملحق تحت «Datenweitergaben» (البيانات المنقولة).

# كم من الوقت نحفظ بياناتك؟
طوال فترة الاستشارة، وبعدها {{retention.years}} سنوات. ثم تُحذف البيانات أو تصبح مجهولة الهوية.

# من أين حصلنا على البيانات؟
منك أنت، وإذا حوّلتك جهة إلينا، من هذه الجهة (في الملحق: «Zugangsweg»، طريق الوصول).

# حقوقك
- تصحيح البيانات الخاطئة (المادة 16)
- الحذف (المادة 17) وتقييد المعالجة (المادة 18)
- الاعتراض على المعالجة (المادة 21)
- سحب الموافقة في أي وقت، للمستقبل
- الشكوى إلى مفوضة حماية البيانات وحرية المعلومات في ولاية شمال الراين وستفاليا (LDI NRW)، Kavalleriestraße 2–4, 40213 Düsseldorf

# معلومات أخرى
لا توجد قرارات آلية. لا ننقل بيانات إلى دول خارج الاتحاد الأوروبي. تحصل أيضاً على نسخة كاملة من بياناتك بصيغة قابلة للقراءة آلياً (JSON).`,
    },
  },
  uk: {
    consent: {
      title: "Згода на передачу даних (звільнення від обов'язку зберігати таємницю)",
      body: `Я, {{client.name}} (номер справи {{client.file_number}}), дозволяю {{organisation.name}} передавати дані про мене цій установі:

# Отримувач
{{partner.name}}

# Мета та обсяг
{{consent.purpose}}

# Що це означає
- Передаються лише ті дані, які потрібні для цієї мети.
- Для цієї передачі я звільняю {{case_manager.name}} від обов'язку зберігати таємницю.
- Ця згода добровільна. Якщо я не погоджуюся, мене все одно консультуватимуть далі.
- Я можу будь-коли відкликати цю згоду без пояснення причин, усно або письмово. Відкликання діє з цього моменту. Те, що було передано раніше, залишається законним.
- Правова підстава: ст. 6 ч. 1 п. a та ст. 9 ч. 2 п. a Загального регламенту про захист даних (DSGVO).`,
    },
    information: {
      title: "Інформація про захист даних (ст. 13 Загального регламенту про захист даних)",
      body: `У Комунальному менеджменті інтеграції (KIM) ми зберігаємо дані про вас. Тут пояснено, що відбувається з вашими даними.

# Хто відповідає?
{{organisation.name}}. Ваша контактна особа — {{case_manager.name}}.

# Уповноважений із захисту даних
З уповноваженим із захисту даних можна зв'язатися за адресою {{organisation.name}} з позначкою «Datenschutz».

# Для чого ми використовуємо ваші дані?
Для консультування та супроводу: з'ясувати, що вам потрібно, домовитися з вами про цілі, направити вас до потрібних установ і документувати консультації. Для звітів використовуються лише цифри без імен.

# Правова підстава
Ст. 6 ч. 1 п. e Загального регламенту про захист даних (завдання в суспільних інтересах) разом із правилами землі Північний Рейн-Вестфалія щодо Комунального менеджменту інтеграції. Для передачі даних іншим установам нам потрібна ваша згода (ст. 6 ч. 1 п. a та ст. 9 ч. 2 п. a), якщо це не дозволяє закон.

# Хто отримує ваші дані?
Фахівці, які вас консультують. Інші установи (наприклад, відомство у справах іноземців, центр зайнятості Jobcenter, консультаційні служби) отримують дані лише за вашою згодою або якщо це дозволяє закон.

# Як довго ми зберігаємо ваші дані?
Поки триває консультування, і після цього ще {{retention.years}} роки. Потім дані видаляються або знеособлюються.

# Ваші права
- Доступ до ваших даних (ст. 15)
- Виправлення неправильних даних (ст. 16)
- Видалення (ст. 17) та обмеження обробки (ст. 18)
- Заперечення проти обробки (ст. 21)
- Відкликання згоди будь-коли, на майбутнє

# Скарга
Ви можете подати скаргу Уповноваженій із захисту даних і свободи інформації землі Північний Рейн-Вестфалія (LDI NRW): Kavalleriestraße 2–4, 40213 Düsseldorf.

# Чи мусите ви надавати дані?
Ні. Але без інформації ми можемо допомогти вам лише обмежено. Автоматизованих рішень немає.`,
    },
    revocation: {
      title: "Відкликання згоди",
      body: `Я, {{client.name}} (номер справи {{client.file_number}}), відкликаю свою згоду на передачу даних про мене до {{partner.name}}.

Відкликання діє негайно. Відтепер {{organisation.name}} більше не передаватиме дані цій установі. Те, що було передано раніше за моєю згодою, залишається законним.`,
    },
    appointment: {
      title: "Запрошення на зустріч",
      body: `Добрий день, {{client.name}}!

Запрошуємо вас на зустріч.

# Зустріч
- Дата: {{appointment.date}}
- Час: {{appointment.time}}
- Місце: {{appointment.place}}
- У кого: {{case_manager.name}}, {{organisation.name}}

Будь ласка, візьміть із собою цей лист і свої документи (наприклад, посвідчення особи, документи про перебування, листи від установ). Ви можете прийти з людиною, якій довіряєте. Якщо вам потрібен перекладач або ви не можете прийти, будь ласка, повідомте нас заздалегідь.

З повагою
{{case_manager.name}}`,
    },
    subject_access: {
      title: "Інформація про ваші дані (ст. 15 Загального регламенту про захист даних)",
      body: `Добрий день, {{client.name}}!

Ви запитали, які дані ми зберігаємо про вас. Ось наша відповідь. Самі дані наведено в додатку.

# Для чого ми використовуємо ваші дані?
Для консультування та супроводу в Комунальному менеджменті інтеграції: з'ясувати потреби, домовитися про цілі, направити до потрібних установ і документувати консультації.

# Які дані?
Відомості про вас, ваші справи та їхній перебіг, контакти, потреби, цілі, направлення, нагадування, згоди, передачі даних і хто мав доступ до ваших даних (роль і організація).

# Хто отримав ваші дані?
Фахівці {{organisation.name}}, які вас консультують. Які інші установи отримали дані, зазначено в додатку в розділі «Datenweitergaben» (передачі даних).

# Як довго ми зберігаємо ваші дані?
Поки триває консультування, і після цього ще {{retention.years}} роки. Потім дані видаляються або знеособлюються.

# Звідки в нас ці дані?
Від вас самих і, якщо вас до нас направила якась установа, від цієї установи (у додатку: «Zugangsweg», шлях звернення).

# Ваші права
- Виправлення неправильних даних (ст. 16)
- Видалення (ст. 17) та обмеження обробки (ст. 18)
- Заперечення проти обробки (ст. 21)
- Відкликання згоди будь-коли, на майбутнє
- Скарга Уповноваженій із захисту даних і свободи інформації землі Північний Рейн-Вестфалія (LDI NRW), Kavalleriestraße 2–4, 40213 Düsseldorf

# Інше
Автоматизованих рішень немає. Ми не передаємо дані в країни за межами ЄС. Додатково ви отримуєте повну копію своїх даних у машиночитному форматі (JSON).`,
    },
  },
  ru: {
    consent: {
      title: "Согласие на передачу данных (освобождение от обязанности хранить тайну)",
      body: `Я, {{client.name}} (номер дела {{client.file_number}}), разрешаю {{organisation.name}} передавать данные обо мне этой организации:

# Получатель
{{partner.name}}

# Цель и объём
{{consent.purpose}}

# Что это значит
- Передаются только те данные, которые нужны для этой цели.
- Для этой передачи я освобождаю {{case_manager.name}} от обязанности хранить тайну.
- Это согласие добровольное. Если я не соглашусь, меня всё равно будут консультировать дальше.
- Я могу в любое время отозвать это согласие без объяснения причин, устно или письменно. Отзыв действует с этого момента. То, что было передано раньше, остаётся законным.
- Правовое основание: ст. 6 п. 1 пп. a и ст. 9 п. 2 пп. a Общего регламента по защите данных (DSGVO).`,
    },
    information: {
      title: "Информация о защите данных (ст. 13 Общего регламента по защите данных)",
      body: `В Коммунальном менеджменте интеграции (KIM) мы храним данные о вас. Здесь объяснено, что происходит с вашими данными.

# Кто несёт ответственность?
{{organisation.name}}. Ваше контактное лицо — {{case_manager.name}}.

# Уполномоченный по защите данных
С уполномоченным по защите данных можно связаться по адресу {{organisation.name}} с пометкой «Datenschutz».

# Для чего мы используем ваши данные?
Для консультирования и сопровождения: выяснить, что вам нужно, договориться с вами о целях, направить вас в подходящие организации и документировать консультации. В отчётах используются только цифры без имён.

# Правовое основание
Ст. 6 п. 1 пп. e Общего регламента по защите данных (задача в общественных интересах) вместе с правилами земли Северный Рейн-Вестфалия о Коммунальном менеджменте интеграции. Для передачи данных другим организациям нам нужно ваше согласие (ст. 6 п. 1 пп. a и ст. 9 п. 2 пп. a), если это не разрешает закон.

# Кто получает ваши данные?
Специалисты, которые вас консультируют. Другие организации (например, ведомство по делам иностранцев, центр занятости Jobcenter, консультационные службы) получают данные только с вашего согласия или если это разрешает закон.

# Как долго мы храним ваши данные?
Пока идёт консультирование, и после этого ещё {{retention.years}} года. Затем данные удаляются или обезличиваются.

# Ваши права
- Доступ к вашим данным (ст. 15)
- Исправление неверных данных (ст. 16)
- Удаление (ст. 17) и ограничение обработки (ст. 18)
- Возражение против обработки (ст. 21)
- Отзыв согласия в любое время, на будущее

# Жалоба
Вы можете подать жалобу Уполномоченной по защите данных и свободе информации земли Северный Рейн-Вестфалия (LDI NRW): Kavalleriestraße 2–4, 40213 Düsseldorf.

# Обязаны ли вы предоставлять данные?
Нет. Но без сведений мы можем помочь вам лишь в ограниченном объёме. Автоматизированных решений нет.`,
    },
    revocation: {
      title: "Отзыв согласия",
      body: `Я, {{client.name}} (номер дела {{client.file_number}}), отзываю своё согласие на передачу данных обо мне в {{partner.name}}.

Отзыв действует немедленно. С этого момента {{organisation.name}} больше не передаёт данные этой организации. То, что было передано раньше с моего согласия, остаётся законным.`,
    },
    appointment: {
      title: "Приглашение на встречу",
      body: `Здравствуйте, {{client.name}}!

Приглашаем вас на встречу.

# Встреча
- Дата: {{appointment.date}}
- Время: {{appointment.time}}
- Место: {{appointment.place}}
- У кого: {{case_manager.name}}, {{organisation.name}}

Пожалуйста, возьмите с собой это письмо и свои документы (например, удостоверение личности, документы о пребывании, письма от ведомств). Вы можете прийти с человеком, которому доверяете. Если вам нужен переводчик или вы не можете прийти, пожалуйста, сообщите нам заранее.

С уважением
{{case_manager.name}}`,
    },
    subject_access: {
      title: "Информация о ваших данных (ст. 15 Общего регламента по защите данных)",
      body: `Здравствуйте, {{client.name}}!

Вы спросили, какие данные мы храним о вас. Вот наш ответ. Сами данные приведены в приложении.

# Для чего мы используем ваши данные?
Для консультирования и сопровождения в Коммунальном менеджменте интеграции: выяснить потребности, договориться о целях, направить в подходящие организации и документировать консультации.

# Какие данные?
Сведения о вас, ваши дела и их ход, контакты, потребности, цели, направления, напоминания, согласия, передачи данных и кто имел доступ к вашим данным (роль и организация).

# Кто получил ваши данные?
Специалисты {{organisation.name}}, которые вас консультируют. Какие другие организации получили данные, указано в приложении в разделе «Datenweitergaben» (передачи данных).

# Как долго мы храним ваши данные?
Пока идёт консультирование, и после этого ещё {{retention.years}} года. Затем данные удаляются или обезличиваются.

# Откуда у нас эти данные?
От вас самих и, если вас к нам направила какая-либо организация, от этой организации (в приложении: «Zugangsweg», путь обращения).

# Ваши права
- Исправление неверных данных (ст. 16)
- Удаление (ст. 17) и ограничение обработки (ст. 18)
- Возражение против обработки (ст. 21)
- Отзыв согласия в любое время, на будущее
- Жалоба Уполномоченной по защите данных и свободе информации земли Северный Рейн-Вестфалия (LDI NRW), Kavalleriestraße 2–4, 40213 Düsseldorf

# Прочее
Автоматизированных решений нет. Мы не передаём данные в страны за пределами ЕС. Дополнительно вы получаете полную копию своих данных в машиночитаемом формате (JSON).`,
    },
  },
  tr: {
    consent: {
      title: "Verilerin paylaşılmasına onay (sır saklama yükümlülüğünden muafiyet)",
      body: `Ben, {{client.name}} (dosya numarası {{client.file_number}}), {{organisation.name}} kurumunun hakkımdaki verileri şu kuruma iletmesine izin veriyorum:

# Alıcı
{{partner.name}}

# Amaç ve kapsam
{{consent.purpose}}

# Bunun anlamı
- Sadece bu amaç için gerekli olan veriler iletilir.
- Bu iletim için {{case_manager.name}} kişisini sır saklama yükümlülüğünden muaf tutuyorum.
- Bu onay gönüllüdür. Onay vermezsem de danışmanlık almaya devam ederim.
- Bu onayı istediğim zaman, gerekçe göstermeden, sözlü veya yazılı olarak geri alabilirim. Geri alma o andan itibaren geçerlidir. Daha önce iletilenler hukuka uygun kalır.
- Hukuki dayanak: Genel Veri Koruma Tüzüğü (DSGVO) madde 6 fıkra 1 bent a ve madde 9 fıkra 2 bent a.`,
    },
    information: {
      title: "Veri koruma hakkında bilgi (Genel Veri Koruma Tüzüğü madde 13)",
      body: `Belediye Uyum Yönetimi'nde (KIM) sizinle ilgili veriler saklıyoruz. Burada verilerinize ne olduğunu açıklıyoruz.

# Kim sorumlu?
{{organisation.name}}. İrtibat kişiniz {{case_manager.name}}.

# Veri koruma görevlisi
Veri koruma görevlisine {{organisation.name}} adresinden, „Datenschutz“ notuyla ulaşabilirsiniz.

# Verilerinizi ne için kullanıyoruz?
Size danışmanlık ve destek vermek için: neye ihtiyacınız olduğunu anlamak, sizinle hedefler belirlemek, sizi uygun kurumlara yönlendirmek ve danışmanlığı belgelemek. Raporlarda sadece isimsiz sayılar kullanılır.

# Hukuki dayanak
Genel Veri Koruma Tüzüğü madde 6 fıkra 1 bent e (kamu yararına görev) ile Kuzey Ren-Vestfalya eyaletinin Belediye Uyum Yönetimi kuralları. Verileri başka kurumlara iletmek için, bir yasa izin vermiyorsa, onayınıza ihtiyacımız var (madde 6 fıkra 1 bent a ve madde 9 fıkra 2 bent a).

# Verilerinizi kim alır?
Size danışmanlık veren uzmanlar. Diğer kurumlar (örneğin Yabancılar Dairesi, Jobcenter, danışma merkezleri) verileri sadece onayınızla veya bir yasa izin verdiğinde alır.

# Verilerinizi ne kadar süre saklıyoruz?
Danışmanlık sürdüğü sürece ve sonrasında {{retention.years}} yıl daha. Sonra veriler silinir veya anonim hale getirilir.

# Haklarınız
- Verileriniz hakkında bilgi alma (madde 15)
- Yanlış verilerin düzeltilmesi (madde 16)
- Silme (madde 17) ve işlemenin kısıtlanması (madde 18)
- İşlemeye itiraz (madde 21)
- Onayı istediğiniz zaman, ileriye dönük olarak geri alma

# Şikâyet
Kuzey Ren-Vestfalya Veri Koruma ve Bilgi Edinme Özgürlüğü Görevlisine (LDI NRW) şikâyette bulunabilirsiniz: Kavalleriestraße 2–4, 40213 Düsseldorf.

# Veri vermek zorunda mısınız?
Hayır. Ancak bilgi olmadan size sadece sınırlı ölçüde yardımcı olabiliriz. Otomatik kararlar yoktur.`,
    },
    revocation: {
      title: "Onayın geri alınması",
      body: `Ben, {{client.name}} (dosya numarası {{client.file_number}}), hakkımdaki verilerin {{partner.name}} kurumuna iletilmesine verdiğim onayı geri alıyorum.

Geri alma hemen geçerlidir. {{organisation.name}} bundan sonra bu kuruma veri iletmeyecektir. Daha önce onayımla iletilenler hukuka uygun kalır.`,
    },
    appointment: {
      title: "Randevu daveti",
      body: `Merhaba {{client.name}},

sizi bir randevuya davet ediyoruz.

# Randevu
- Tarih: {{appointment.date}}
- Saat: {{appointment.time}}
- Yer: {{appointment.place}}
- Görüşeceğiniz kişi: {{case_manager.name}}, {{organisation.name}}

Lütfen bu mektubu ve belgelerinizi (örneğin kimlik, oturum belgeleri, resmi kurumlardan gelen mektuplar) yanınızda getirin. Güvendiğiniz bir kişiyi yanınızda getirebilirsiniz. Tercümana ihtiyacınız varsa veya gelemeyecekseniz lütfen bize önceden haber verin.

Saygılarımızla
{{case_manager.name}}`,
    },
    subject_access: {
      title: "Verileriniz hakkında bilgi (Genel Veri Koruma Tüzüğü madde 15)",
      body: `Merhaba {{client.name}},

hakkınızda hangi verileri sakladığımızı sordunuz. İşte cevabımız. Verilerin kendisi ekte yer almaktadır.

# Verilerinizi ne için kullanıyoruz?
Belediye Uyum Yönetimi'nde size danışmanlık ve destek vermek için: ihtiyaçlarınızı anlamak, hedefler belirlemek, uygun kurumlara yönlendirmek ve danışmanlığı belgelemek.

# Hangi veriler?
Kişisel bilgileriniz, dosyalarınız ve seyirleri, görüşmeler, ihtiyaçlar, hedefler, yönlendirmeler, hatırlatmalar, onaylar, veri iletimleri ve verilerinize kimin eriştiği (rol ve kurum).

# Verilerinizi kim aldı?
{{organisation.name}} kurumunda size danışmanlık veren uzmanlar. Başka hangi kurumların veri aldığı ekte „Datenweitergaben“ (veri iletimleri) başlığı altında yazılıdır.

# Verilerinizi ne kadar süre saklıyoruz?
Danışmanlık sürdüğü sürece ve sonrasında {{retention.years}} yıl daha. Sonra veriler silinir veya anonim hale getirilir.

# Veriler nereden geliyor?
Sizden ve sizi bize bir kurum yönlendirdiyse o kurumdan (ekte: „Zugangsweg“, başvuru yolu).

# Haklarınız
- Yanlış verilerin düzeltilmesi (madde 16)
- Silme (madde 17) ve işlemenin kısıtlanması (madde 18)
- İşlemeye itiraz (madde 21)
- Onayı istediğiniz zaman, ileriye dönük olarak geri alma
- Kuzey Ren-Vestfalya Veri Koruma ve Bilgi Edinme Özgürlüğü Görevlisine (LDI NRW) şikâyet, Kavalleriestraße 2–4, 40213 Düsseldorf

# Diğer bilgiler
Otomatik kararlar yoktur. Verileri AB dışındaki ülkelere iletmiyoruz. Ayrıca verilerinizin makine tarafından okunabilir (JSON) tam bir kopyasını alırsınız.`,
    },
  },
  fa: {
    consent: {
      title: "رضایت‌نامه برای انتقال اطلاعات (معافیت از وظیفه رازداری)",
      body: `من، {{client.name}} (شماره پرونده {{client.file_number}})، به {{organisation.name}} اجازه می‌دهم اطلاعات مرا به این نهاد بدهد:

# گیرنده
{{partner.name}}

# هدف و دامنه
{{consent.purpose}}

# این یعنی چه
- فقط اطلاعاتی داده می‌شود که برای این هدف لازم است.
- برای این انتقال، {{case_manager.name}} را از وظیفه رازداری معاف می‌کنم.
- این رضایت داوطلبانه است. اگر رضایت ندهم، باز هم مشاوره می‌گیرم.
- می‌توانم این رضایت را هر زمان بدون ذکر دلیل، شفاهی یا کتبی، پس بگیرم. پس گرفتن از همان زمان اعتبار دارد. آنچه قبلاً داده شده، قانونی باقی می‌ماند.
- مبنای قانونی: ماده 6 بند 1 جزء الف و ماده 9 بند 2 جزء الف مقررات عمومی حفاظت از داده‌ها (DSGVO).`,
    },
    information: {
      title: "اطلاعات درباره حفاظت از داده‌ها (ماده 13 مقررات عمومی حفاظت از داده‌ها)",
      body: `در مدیریت ادغام شهری (KIM) اطلاعاتی درباره شما نگه می‌داریم. اینجا توضیح می‌دهیم با اطلاعات شما چه می‌شود.

# چه کسی مسئول است؟
{{organisation.name}}. فرد تماس شما {{case_manager.name}} است.

# مسئول حفاظت از داده‌ها
می‌توانید با مسئول حفاظت از داده‌ها از طریق نشانی {{organisation.name}} با عبارت «Datenschutz» تماس بگیرید.

# اطلاعات شما را برای چه استفاده می‌کنیم؟
برای مشاوره و همراهی شما: فهمیدن نیازهای شما، توافق بر سر هدف‌ها، معرفی شما به نهادهای مناسب و ثبت مشاوره. در گزارش‌ها فقط عددها بدون نام استفاده می‌شوند.

# مبنای قانونی
ماده 6 بند 1 جزء هـ مقررات عمومی حفاظت از داده‌ها (وظیفه در جهت منافع عمومی) همراه با مقررات ایالت نوردراین-وستفالن درباره مدیریت ادغام شهری. برای دادن اطلاعات به نهادهای دیگر به رضایت شما نیاز داریم (ماده 6 بند 1 جزء الف و ماده 9 بند 2 جزء الف)، مگر اینکه قانونی آن را اجازه دهد.

# چه کسی اطلاعات شما را می‌گیرد؟
کارشناسانی که به شما مشاوره می‌دهند. نهادهای دیگر (مثلاً اداره اتباع خارجی، Jobcenter، مراکز مشاوره) فقط با رضایت شما یا وقتی قانون اجازه دهد اطلاعات می‌گیرند.

# اطلاعات شما را چه مدت نگه می‌داریم؟
تا زمانی که مشاوره ادامه دارد و بعد از آن {{retention.years}} سال دیگر. سپس اطلاعات پاک یا بی‌نام می‌شوند.

# حقوق شما
- دسترسی به اطلاعات خود (ماده 15)
- اصلاح اطلاعات نادرست (ماده 16)
- پاک کردن (ماده 17) و محدود کردن پردازش (ماده 18)
- اعتراض به پردازش (ماده 21)
- پس گرفتن رضایت، هر زمان، برای آینده

# شکایت
می‌توانید به مسئول حفاظت از داده‌ها و آزادی اطلاعات ایالت نوردراین-وستفالن (LDI NRW) شکایت کنید: Kavalleriestraße 2–4, 40213 Düsseldorf.

# آیا باید اطلاعات بدهید؟
نه. اما بدون اطلاعات فقط به طور محدود می‌توانیم به شما کمک کنیم. هیچ تصمیم خودکاری وجود ندارد.`,
    },
    revocation: {
      title: "پس گرفتن رضایت",
      body: `من، {{client.name}} (شماره پرونده {{client.file_number}})، رضایت خود را برای دادن اطلاعاتم به {{partner.name}} پس می‌گیرم.

پس گرفتن رضایت از همین حالا اعتبار دارد. از این پس {{organisation.name}} هیچ اطلاعاتی به این نهاد نمی‌دهد. آنچه قبلاً با رضایت من داده شده، قانونی باقی می‌ماند.`,
    },
    appointment: {
      title: "دعوت به قرار ملاقات",
      body: `سلام {{client.name}}،

شما را به یک قرار ملاقات دعوت می‌کنیم.

# قرار ملاقات
- تاریخ: {{appointment.date}}
- ساعت: {{appointment.time}}
- محل: {{appointment.place}}
- نزد: {{case_manager.name}}، {{organisation.name}}

لطفاً این نامه و مدارک خود را همراه بیاورید (مثلاً کارت شناسایی، مدارک اقامت، نامه‌های اداری). می‌توانید یک فرد مورد اعتماد را همراه بیاورید. اگر به مترجم نیاز دارید یا نمی‌توانید بیایید، لطفاً از قبل به ما خبر دهید.

با احترام
{{case_manager.name}}`,
    },
    subject_access: {
      title: "اطلاعات درباره داده‌های شما (ماده 15 مقررات عمومی حفاظت از داده‌ها)",
      body: `سلام {{client.name}}،

شما پرسیده‌اید چه اطلاعاتی درباره شما نگه می‌داریم. این پاسخ ماست. خود اطلاعات در پیوست آمده است.

# اطلاعات شما را برای چه استفاده می‌کنیم؟
برای مشاوره و همراهی شما در مدیریت ادغام شهری: فهمیدن نیازها، توافق بر سر هدف‌ها، معرفی به نهادهای مناسب و ثبت مشاوره.

# چه اطلاعاتی؟
اطلاعات شخصی شما، پرونده‌های شما و روند آنها، تماس‌ها، نیازها، هدف‌ها، معرفی‌ها، یادآوری‌ها، رضایت‌ها، انتقال‌های اطلاعات و اینکه چه کسی به اطلاعات شما دسترسی داشته است (نقش و نهاد).

# چه کسی اطلاعات شما را گرفته است؟
کارشناسان {{organisation.name}} که به شما مشاوره می‌دهند. نهادهای دیگری که اطلاعات گرفته‌اند، در پیوست زیر عنوان «Datenweitergaben» (انتقال‌های اطلاعات) آمده‌اند.

# اطلاعات شما را چه مدت نگه می‌داریم؟
تا زمانی که مشاوره ادامه دارد و بعد از آن {{retention.years}} سال دیگر. سپس اطلاعات پاک یا بی‌نام می‌شوند.

# اطلاعات از کجا آمده است؟
از خود شما و اگر نهادی شما را به ما معرفی کرده، از همان نهاد (در پیوست: «Zugangsweg»، راه مراجعه).

# حقوق شما
- اصلاح اطلاعات نادرست (ماده 16)
- پاک کردن (ماده 17) و محدود کردن پردازش (ماده 18)
- اعتراض به پردازش (ماده 21)
- پس گرفتن رضایت، هر زمان، برای آینده
- شکایت به مسئول حفاظت از داده‌ها و آزادی اطلاعات ایالت نوردراین-وستفالن (LDI NRW)، Kavalleriestraße 2–4, 40213 Düsseldorf

# اطلاعات دیگر
هیچ تصمیم خودکاری وجود ندارد. ما اطلاعات را به کشورهای خارج از اتحادیه اروپا نمی‌دهیم. علاوه بر این، یک نسخه کامل از اطلاعات خود را به شکل قابل خواندن با ماشین (JSON) دریافت می‌کنید.`,
    },
  },
  fr: {
    consent: {
      title: "Consentement à la transmission de données (levée du secret professionnel)",
      body: `Je soussigné(e), {{client.name}} (numéro de dossier {{client.file_number}}), autorise {{organisation.name}} à transmettre des données me concernant à l'organisme suivant :

# Destinataire
{{partner.name}}

# Finalité et étendue
{{consent.purpose}}

# Ce que cela signifie
- Seules les données nécessaires à cette finalité sont transmises.
- Pour cette transmission, je libère {{case_manager.name}} du secret professionnel.
- Ce consentement est volontaire. Si je refuse, je continue à être accompagné(e).
- Je peux retirer ce consentement à tout moment, sans donner de raison, oralement ou par écrit. Le retrait vaut à partir de ce moment. Ce qui a été transmis avant reste licite.
- Base juridique : article 6, paragraphe 1, point a, et article 9, paragraphe 2, point a, du RGPD (DSGVO).`,
    },
    information: {
      title: "Information sur la protection des données (article 13 du RGPD)",
      body: `Dans la gestion communale de l'intégration (KIM), nous enregistrons des données vous concernant. Voici ce qu'il advient de vos données.

# Qui est responsable ?
{{organisation.name}}. Votre interlocuteur ou interlocutrice est {{case_manager.name}}.

# Délégué(e) à la protection des données
Vous pouvez joindre le ou la délégué(e) à la protection des données à l'adresse de {{organisation.name}}, avec la mention « Datenschutz ».

# À quoi servent vos données ?
À vous conseiller et vous accompagner : comprendre vos besoins, convenir d'objectifs avec vous, vous orienter vers les bons services et documenter l'accompagnement. Les rapports n'utilisent que des chiffres sans noms.

# Base juridique
Article 6, paragraphe 1, point e, du RGPD (mission d'intérêt public), avec les règles du Land de Rhénanie-du-Nord-Westphalie sur la gestion communale de l'intégration. Pour transmettre des données à d'autres organismes, nous avons besoin de votre consentement (article 6, paragraphe 1, point a, et article 9, paragraphe 2, point a), sauf si une loi le permet.

# Qui reçoit vos données ?
Les professionnels qui vous accompagnent. D'autres organismes (par exemple le service des étrangers, le Jobcenter, des services de conseil) ne reçoivent des données qu'avec votre consentement ou si une loi le permet.

# Combien de temps conservons-nous vos données ?
Pendant toute la durée de l'accompagnement, puis {{retention.years}} ans. Ensuite, les données sont supprimées ou anonymisées.

# Vos droits
- Accès à vos données (article 15)
- Rectification des données inexactes (article 16)
- Effacement (article 17) et limitation du traitement (article 18)
- Opposition au traitement (article 21)
- Retrait d'un consentement, à tout moment, pour l'avenir

# Réclamation
Vous pouvez introduire une réclamation auprès de la Commissaire à la protection des données et à la liberté d'information de Rhénanie-du-Nord-Westphalie (LDI NRW) : Kavalleriestraße 2–4, 40213 Düsseldorf.

# Devez-vous fournir des données ?
Non. Mais sans informations, nous ne pouvons vous aider que de manière limitée. Il n'y a pas de décision automatisée.`,
    },
    revocation: {
      title: "Retrait du consentement",
      body: `Je soussigné(e), {{client.name}} (numéro de dossier {{client.file_number}}), retire mon consentement à la transmission de données me concernant à {{partner.name}}.

Le retrait prend effet immédiatement. À partir de maintenant, {{organisation.name}} ne transmet plus de données à cet organisme. Ce qui a été transmis avant avec mon consentement reste licite.`,
    },
    appointment: {
      title: "Invitation à un rendez-vous",
      body: `Bonjour {{client.name}},

nous vous invitons à un rendez-vous.

# Rendez-vous
- Date : {{appointment.date}}
- Heure : {{appointment.time}}
- Lieu : {{appointment.place}}
- Avec : {{case_manager.name}}, {{organisation.name}}

Merci d'apporter cette lettre et vos documents (par exemple pièce d'identité, titre de séjour, courriers des administrations). Vous pouvez venir avec une personne de confiance. Si vous avez besoin d'un ou d'une interprète ou si vous ne pouvez pas venir, merci de nous prévenir à l'avance.

Cordialement
{{case_manager.name}}`,
    },
    subject_access: {
      title: "Information sur vos données (article 15 du RGPD)",
      body: `Bonjour {{client.name}},

vous avez demandé quelles données nous conservons sur vous. Voici notre réponse. Les données elles-mêmes figurent en annexe.

# À quoi servent vos données ?
À vous conseiller et vous accompagner dans la gestion communale de l'intégration : comprendre vos besoins, convenir d'objectifs, vous orienter vers les bons services et documenter l'accompagnement.

# Quelles données ?
Des informations sur vous, vos dossiers et leur déroulement, les contacts, les besoins, les objectifs, les orientations, les rappels, les consentements, les transmissions de données et qui a consulté vos données (rôle et organisme).

# Qui a reçu vos données ?
Les professionnels de {{organisation.name}} qui vous accompagnent. Les autres organismes qui ont reçu des données sont indiqués en annexe sous « Datenweitergaben » (transmissions de données).

# Combien de temps conservons-nous vos données ?
Pendant toute la durée de l'accompagnement, puis {{retention.years}} ans. Ensuite, les données sont supprimées ou anonymisées.

# D'où viennent les données ?
De vous-même et, si un organisme vous a orienté(e) vers nous, de cet organisme (en annexe : « Zugangsweg », voie d'accès).

# Vos droits
- Rectification des données inexactes (article 16)
- Effacement (article 17) et limitation du traitement (article 18)
- Opposition au traitement (article 21)
- Retrait d'un consentement, à tout moment, pour l'avenir
- Réclamation auprès de la Commissaire à la protection des données et à la liberté d'information de Rhénanie-du-Nord-Westphalie (LDI NRW), Kavalleriestraße 2–4, 40213 Düsseldorf

# Autres informations
Il n'y a pas de décision automatisée. Nous ne transmettons pas de données vers des pays hors de l'UE. Vous recevez en plus une copie complète de vos données dans un format lisible par machine (JSON).`,
    },
  },
};
