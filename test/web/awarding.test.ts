import { parse } from 'csv-parse/sync';
import { and, count, eq } from 'drizzle-orm';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertions, auditEvents, awardImports } from '../../src/db/schema.ts';
import { StructureLearnerService } from '../../src/services/structure-learners.ts';
import { csrfOf, InjectBrowser, pageText as text } from '../support/inject-browser.ts';
import { latestOutboxMail } from '../support/mail.ts';
import { seedStructure, startTestApp } from '../support/platform.ts';

/**
 * Awarding in the workspace, through fastify's real request path (inject) on
 * a real database: one badge with its confirmation, a CSV file from upload to
 * result, the learner's page and the general badge; CSRF, hostile input in
 * every field, and no page of one structure open to another's members.
 */
let ctx: Awaited<ReturnType<typeof startTestApp>>;
const db = () => ctx.platform.database.db;
const CLI = { kind: 'cli' } as const;
const PASSWORD = 'le mot de passe de l’équipe';

let caen: Awaited<ReturnType<typeof seedStructure>>;
let rouen: Awaited<ReturnType<typeof seedStructure>>;
let advisor: Browser;
let outsider: Browser;

let ipCounter = 0;

/** A person's browser (test/support/inject-browser.ts), signing in with the team's password. */
class Browser extends InjectBrowser {
  constructor() {
    super(() => ctx.app, `198.51.100.${++ipCounter}`);
  }

  override signIn(email: string) {
    return super.signIn(email, PASSWORD);
  }
}

const hidden = (html: string, name: string) => {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!match) throw new Error(`no field ${name}`);
  return match[1]!
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
};

async function assertionCount(structureId: string) {
  const [row] = await db().select({ n: count() }).from(assertions).where(eq(assertions.structureId, structureId));
  return Number(row!.n);
}

const badgeId = (seeded: typeof caen, key: string) => seeded.badgeClasses.find((b) => b.catalogueKey === key)!.id;

beforeAll(async () => {
  ctx = await startTestApp();
  caen = await seedStructure(ctx.services, { name: 'Mission Locale de Caen' });
  rouen = await seedStructure(ctx.services, {
    name: 'AFPA Rouen',
    url: 'https://afpa-rouen.example.org',
    email: 'contact@afpa-rouen.example.org',
  });
  await ctx.services.users.create(
    { email: 'claire@caen.example.org', name: 'Claire Conseil', password: PASSWORD, structureId: caen.structure.id, role: 'advisor' },
    CLI,
  );
  await ctx.services.users.create(
    { email: 'remi@rouen.example.org', name: 'Rémi Rouen', password: PASSWORD, structureId: rouen.structure.id, role: 'advisor' },
    CLI,
  );
  advisor = new Browser();
  await advisor.signIn('claire@caen.example.org');
  outsider = new Browser();
  await outsider.signIn('remi@rouen.example.org');
});

afterAll(async () => {
  await ctx?.close();
});

describe('awarding one badge', () => {
  const form = (page: string, overrides: Record<string, string | string[]> = {}) => ({
    key: hidden(page, 'key'),
    email: 'Lea.Martin@Example.org',
    firstName: 'Léa',
    lastName: 'Martin',
    badgeClassId: badgeId(caen, 'organiser-je-pratique'),
    evidence: 'A organisé le planning\nde l’atelier collectif.',
    evidenceUrl: 'https://exemple.fr/preuve',
    message: 'Bravo Léa, continuez ainsi !',
    expires: '2099-12-31',
    ...overrides,
  });

  it('explains itself, offers the badges as cards with images and suggests known learners', async () => {
    const page = await advisor.get('/espace/delivrer');
    expect(page.statusCode).toBe(200);
    expect(text(page.body)).toContain('Vous pourrez tout relire avant de confirmer');
    expect(page.body).toMatch(/name="key" value="[0-9a-f-]{36}"/);
    for (const b of caen.badgeClasses) {
      expect(page.body).toContain(`value="${b.id}"`);
      expect(page.body).toContain(`src="/badges/${b.id}/image.png"`);
    }
    for (const id of ['email', 'firstName', 'lastName', 'evidence', 'evidenceUrl', 'message', 'expires']) {
      expect(page.body).toContain(`<label for="${id}">`);
    }
  });

  it('shows what the learner and a recruiter will see, awards only on confirmation, once however often it is sent', async () => {
    const before = await assertionCount(caen.structure.id);
    const page = (await advisor.get('/espace/delivrer')).body;
    const confirm = await advisor.post('/espace/delivrer', form(page), csrfOf(page));
    expect(confirm.statusCode).toBe(200);
    const words = text(confirm.body);
    expect(words).toContain('Vérifiez avant de délivrer');
    expect(words).toContain('Léa Martin');
    expect(words).toContain('Organiser — je pratique');
    expect(words).toContain('A organisé le planning');
    expect(words).toContain('31 décembre 2099');
    expect(words).toContain('Bravo Léa, continuez ainsi !');
    expect(words).toContain('Mission Locale de Caen');
    expect(words).toContain('lea.martin@example.org');
    expect(await assertionCount(caen.structure.id)).toBe(before);

    // "Modifier" brings the form back, filled in.
    const values = Object.fromEntries(
      ['key', 'email', 'firstName', 'lastName', 'badgeClassId', 'evidence', 'evidenceUrl', 'message', 'expires'].map((n) => [
        n,
        hidden(confirm.body, n),
      ]),
    );
    expect(values.evidence).toBe('A organisé le planning\nde l’atelier collectif.');
    const edit = await advisor.post('/espace/delivrer/confirmer', { ...values, action: 'edit' }, csrfOf(confirm.body));
    expect(edit.statusCode).toBe(200);
    expect(edit.body).toContain('value="Léa"');
    expect(await assertionCount(caen.structure.id)).toBe(before);

    // Confirmed twice (a double click, a reload): one assertion, the same page.
    const token = csrfOf(confirm.body);
    const [first, second] = await Promise.all([
      advisor.post('/espace/delivrer/confirmer', { ...values, action: 'confirm' }, token),
      advisor.post('/espace/delivrer/confirmer', { ...values, action: 'confirm' }, token),
    ]);
    const third = await advisor.post('/espace/delivrer/confirmer', { ...values, action: 'confirm' }, token);
    for (const r of [first, second, third]) expect(r.statusCode, r.body.slice(0, 300)).toBe(303);
    expect(new Set([first, second, third].map((r) => r.headers.location)).size).toBe(1);
    expect(await assertionCount(caen.structure.id)).toBe(before + 1);

    const done = await advisor.get(first.headers.location as string);
    expect(done.statusCode).toBe(200);
    expect((await outsider.get(first.headers.location as string)).statusCode).toBe(404);
    // The same page in English.
    const english = await advisor.get(`${first.headers.location}?lang=en`);
    expect(text(english.body)).toContain('The badge is awarded');
    await advisor.get('/espace?lang=fr');
    const id = String(first.headers.location).split('/').pop()!;
    expect(done.body).toContain(`${ctx.services.urls.assertion(id)}`);
    expect(text(done.body)).toContain('Le badge est délivré');
    const [stored] = await db().select().from(assertions).where(eq(assertions.id, id));
    expect(stored).toMatchObject({
      recipientEmail: 'lea.martin@example.org',
      recipientName: 'Léa Martin',
      evidence: [{ narrative: 'A organisé le planning\nde l’atelier collectif.', url: 'https://exemple.fr/preuve' }],
    });
    expect(stored!.expires!.toISOString()).toBe('2099-12-31T22:59:59.000Z');
    const mail = await latestOutboxMail(db(), 'lea.martin@example.org');
    expect(mail?.textBody).toContain('Bravo Léa, continuez ainsi !');

    // The same form changed after it awarded: refused, nothing more awarded.
    const changed = await advisor.post('/espace/delivrer/confirmer', { ...values, firstName: 'Léonie', action: 'confirm' }, token);
    expect(changed.statusCode).toBe(409);
    expect(await assertionCount(caen.structure.id)).toBe(before + 1);

    // The learner is now suggested on the form.
    const again = await advisor.get('/espace/delivrer');
    expect(again.body).toContain('<option value="lea.martin@example.org">Léa Martin</option>');
  });

  it('hostile input in every field: refused with a French message next to the field, or shown escaped; nothing awarded', async () => {
    const before = await assertionCount(caen.structure.id);
    const page = (await advisor.get('/espace/delivrer')).body;
    const token = csrfOf(page);
    const long = 'é'.repeat(10_000);
    const cases: [string, Record<string, string | string[]>, string, string][] = [
      ['no email', { email: '' }, 'email', 'Ce champ est obligatoire.'],
      ['markup as email', { email: '"><script>alert(1)</script>' }, 'email', 'Saisissez une adresse e-mail complète'],
      ['a long email', { email: `${long}@example.org` }, 'email', 'Ce texte est trop long : 320 caractères au maximum.'],
      ['a NUL in the first name', { firstName: 'Lé\u0000a' }, 'firstName', 'caractères non autorisés'],
      ['a line break in the last name', { lastName: 'Mar\ntin' }, 'lastName', 'caractères non autorisés'],
      ['a long last name', { lastName: long }, 'lastName', 'Ce texte est trop long : 100 caractères au maximum.'],
      ['a mis-decoded name', { firstName: 'L\ufffda' }, 'firstName', 'caractères non autorisés'],
      ['two first names', { firstName: ['Léa', 'Zoé'] }, 'firstName', 'Cette valeur n’est pas valide.'],
      ['no badge', { badgeClassId: '' }, 'badgeClassId', 'Choisissez l’un des badges de la liste.'],
      [
        'another structure’s badge',
        { badgeClassId: badgeId(rouen, 'organiser-je-pratique') },
        'badgeClassId',
        'Choisissez l’un des badges',
      ],
      ['markup as badge', { badgeClassId: '<b>x</b>' }, 'badgeClassId', 'Choisissez l’un des badges'],
      ['a long evidence', { evidence: long }, 'evidence', 'Ce texte est trop long : 2000 caractères au maximum.'],
      ['a NUL in the evidence', { evidence: 'a\u0000b' }, 'evidence', 'caractères non autorisés'],
      ['a javascript: link', { evidenceUrl: 'javascript:alert(1)' }, 'evidenceUrl', 'Saisissez une adresse web complète'],
      ['a link with markup', { evidenceUrl: 'https://x.example/"><script>' }, 'evidenceUrl', 'Saisissez une adresse web complète'],
      ['a long message', { message: 'm'.repeat(1001) }, 'message', 'Ce texte est trop long : 1000 caractères au maximum.'],
      ['a date that is not one', { expires: '2099-02-30' }, 'expires', 'Saisissez une date valide'],
      ['markup as date', { expires: '<script>' }, 'expires', 'Saisissez une date valide'],
      [
        'a past date',
        { expires: '2001-01-01' },
        'expires',
        'La date d’expiration est déjà passée : choisissez aujourd’hui ou un jour à venir.',
      ],
    ];
    for (const [label, overrides, field, message] of cases) {
      for (const action of ['/espace/delivrer', '/espace/delivrer/confirmer']) {
        const response = await advisor.post(action, { ...form(page, overrides), action: 'confirm' }, token);
        expect(response.statusCode, `${label} → ${action}`).toBe(422);
        expect(response.body, label).toContain(`id="${field}-error"`);
        expect(text(response.body), label).toContain(message);
        expect(response.body, label).not.toContain('<script>');
      }
    }
    // Markup in names is text: shown escaped on the confirmation, stored as typed.
    const markup = await advisor.post(
      '/espace/delivrer',
      form(page, { firstName: '<img src=x onerror=alert(1)>', evidence: '<script>alert(1)</script>', message: '<b>gras</b>' }),
      token,
    );
    expect(markup.statusCode).toBe(200);
    expect(markup.body).not.toMatch(/<img src=x|<script>alert|<b>gras/);
    expect(markup.body).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(await assertionCount(caen.structure.id)).toBe(before);
  });

  it('refuses a post without the session’s CSRF token, and awards nothing', async () => {
    const before = await assertionCount(caen.structure.id);
    const page = (await advisor.get('/espace/delivrer')).body;
    const outsiderToken = await outsider.token();
    for (const token of ['', 'abc.def', outsiderToken]) {
      const response = await advisor.post('/espace/delivrer/confirmer', { ...form(page), action: 'confirm' }, token);
      expect(response.statusCode).toBe(403);
    }
    const crossSite = await advisor.request('POST', '/espace/delivrer/confirmer', {
      form: { _csrf: csrfOf(page), ...form(page), action: 'confirm' },
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    expect(crossSite.statusCode).toBe(403);
    const upload = new FormData();
    upload.append('file', new Blob(['email;prénom;nom;badge\nx@example.org;X;Y;general\n']), 'x.csv');
    expect((await advisor.request('POST', '/espace/delivrer/csv', { multipart: upload })).statusCode).toBe(403);
    expect(await assertionCount(caen.structure.id)).toBe(before);
    const [imports] = await db().select({ n: count() }).from(awardImports).where(eq(awardImports.structureId, caen.structure.id));
    expect(Number(imports!.n)).toBe(0);
  });

  it('sends signed-out visitors to sign in', async () => {
    const response = await new Browser().get('/espace/delivrer');
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/connexion?suivant=%2Fespace%2Fdelivrer');
  });
});

describe('awarding from a CSV file', () => {
  const HEADER = 'Courriel;Prénom;Nom;Badge;Preuve;Lien;Expiration';
  const file = (rows: string[]) => new Uint8Array(iconv.encode([HEADER, ...rows].join('\r\n'), 'win1252'));

  async function uploadFile(browser: Browser, bytes: Uint8Array, extra: Record<string, string> = {}, fileName = 'promo.csv') {
    const page = await browser.get('/espace/delivrer/csv');
    const body = new FormData();
    body.append('_csrf', csrfOf(page.body));
    body.append('file', new Blob([new Uint8Array(bytes)], { type: fileName ? 'text/csv' : 'application/octet-stream' }), fileName);
    for (const [k, v] of Object.entries(extra)) body.append(k, v);
    return browser.request('POST', '/espace/delivrer/csv', { multipart: body });
  }

  it('offers a template that the upload reads back', async () => {
    const template = await advisor.get('/espace/delivrer/csv/modele.csv');
    expect(template.statusCode).toBe(200);
    expect(template.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(template.body.startsWith('\ufeffemail;prénom;nom;badge;preuve;lien;expiration')).toBe(true);
    const response = await uploadFile(advisor, new TextEncoder().encode(template.body));
    expect(response.statusCode, response.body.slice(0, 500)).toBe(303);
  });

  it('from upload to result: errors by line and column, a row corrected, a row dropped, confirm, progress, result, download', async () => {
    const before = await assertionCount(caen.structure.id);
    const rows = Array.from(
      { length: 30 },
      (_, i) => `eleve.${i}@example.org;Élodie;Hébert${i};organiser-je-pratique;Atelier CV;;31/12/2099`,
    );
    rows.splice(4, 0, 'pas-une-adresse;Jean;Bon;organiser-je-pratique;;;');
    rows.splice(9, 0, 'zoe@example.org;Zoé;<script>alert(1)</script>;badge inconnu;;;32/01/2099');
    const uploaded = await uploadFile(advisor, file(rows), { message: 'Félicitations à toutes et à tous !' });
    expect(uploaded.statusCode, uploaded.body.slice(0, 500)).toBe(303);
    const url = uploaded.headers.location as string;
    const importId = url.split('/').pop()!;

    const preview = await advisor.get(url);
    expect(preview.statusCode).toBe(200);
    const words = text(preview.body);
    expect(words).toContain('Fichier lu en Windows (Excel), colonnes séparées par des points-virgules.');
    // Columns named as people read them, not as the file's headers.
    expect(words).toContain('ligne 6, colonne « Adresse e-mail » : ce n’est pas une adresse e-mail complète.');
    expect(words).toContain('ligne 11, colonne « Badge » : aucun badge de votre structure');
    expect(words).toContain('ligne 11, colonne « Date d’expiration » : date illisible');
    expect(preview.body).toContain('<th scope="col">Badge</th>');
    // A key in the file is shown as the badge it names.
    const badgeName = (seeded: typeof caen, key: string) => seeded.badgeClasses.find((b) => b.catalogueKey === key)!.name;
    expect(words).toContain(badgeName(caen, 'organiser-je-pratique'));
    expect(words).toContain('Hébert0');
    expect(preview.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(preview.body).not.toContain('<script>alert(1)');
    // Rows with errors come first.
    expect(preview.body.indexOf('id="ligne-6"')).toBeLessThan(preview.body.indexOf('id="ligne-2"'));
    expect(words).toContain('Délivrer 30 badges');

    // Correct line 6, badly then well.
    const rowPage = await advisor.get(`${url}/lignes/6`);
    expect(rowPage.statusCode).toBe(200);
    expect(rowPage.body).toContain('id="email-error"');
    expect(rowPage.body).toContain('<label for="email">Adresse e-mail</label>');
    expect(rowPage.body).toContain('<label for="firstName">Prénom</label>');
    expect(rowPage.body).toContain('<label for="badge">Badge</label>');
    expect(rowPage.body).not.toMatch(/<label for="\w+">(email|prénom|badge)</);
    const rowForm = {
      email: 'jean.bon@example.org',
      firstName: 'Jean',
      lastName: 'Bon',
      badge: badgeId(caen, 'communiquer-je-pratique'),
      evidence: '',
      link: '',
      expires: '',
    };
    const bad = await advisor.post(`${url}/lignes/6`, { ...rowForm, email: 'toujours pas', link: 'javascript:x' }, csrfOf(rowPage.body));
    expect(bad.statusCode).toBe(422);
    expect(text(bad.body)).toContain('ce n’est pas une adresse web complète');
    const good = await advisor.post(`${url}/lignes/6`, rowForm, csrfOf(rowPage.body));
    expect(good.statusCode).toBe(303);
    // Drop line 11.
    const dropped = await advisor.post(`${url}/lignes/11/retirer`, {}, csrfOf(rowPage.body));
    expect(dropped.statusCode).toBe(303);
    const checkedPage = await advisor.get(url);
    const checked = text(checkedPage.body);
    expect(checked).toContain('Délivrer 31 badges');
    // The corrected row chose its badge by id: the preview names it.
    const corrected = /<tr id="ligne-6"[\s\S]*?<\/tr>/.exec(checkedPage.body)![0];
    expect(corrected).toContain(badgeName(caen, 'communiquer-je-pratique'));
    expect(checkedPage.body).not.toContain(rowForm.badge);
    expect(await assertionCount(caen.structure.id)).toBe(before);

    // Another structure's member sees none of it.
    for (const path of [url, `${url}/lignes/6`, `${url}/resultat.csv`]) expect((await outsider.get(path)).statusCode, path).toBe(404);
    expect((await outsider.post(`${url}/confirmer`, {}, await outsider.token())).statusCode).toBe(404);
    expect((await outsider.post(`${url}/lignes/2/retirer`, {}, await outsider.token())).statusCode).toBe(404);

    // Confirm twice: queued once.
    const token = csrfOf((await advisor.get(url)).body);
    const [c1, c2] = await Promise.all([advisor.post(`${url}/confirmer`, {}, token), advisor.post(`${url}/confirmer`, {}, token)]);
    expect([c1.statusCode, c2.statusCode]).toEqual([303, 303]);
    const progress = await advisor.get(url);
    if (progress.body.includes('<progress')) {
      expect(progress.headers.refresh).toBe('2');
      expect(progress.body).toMatch(/<progress id="import-progress" max="32" value="\d+">/);
    }
    await ctx.platform.awardImportRunner!.drain();
    expect(await assertionCount(caen.structure.id)).toBe(before + 31);
    const [confirmed] = await db()
      .select({ n: count() })
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'award_import.confirmed'), eq(auditEvents.targetId, importId)));
    expect(Number(confirmed!.n)).toBe(1);

    const result = await advisor.get(url);
    const resultWords = text(result.body);
    expect(resultWords).toContain('Résultat de la délivrance');
    expect(resultWords).toContain('Ligne retirée avant la délivrance.');
    expect(resultWords).toContain(badgeName(caen, 'communiquer-je-pratique'));
    expect(result.body).not.toContain(rowForm.badge);
    const download = await advisor.get(`${url}/resultat.csv`);
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-disposition']).toContain('attachment');
    expect(download.body.startsWith('\ufeffLigne;email;prénom;nom;badge;preuve;lien;expiration;Résultat;Motif;Lien de vérification')).toBe(
      true,
    );
    expect(download.body).toContain('jean.bon@example.org');
    expect(download.body).toContain(`jean.bon@example.org;Jean;Bon;${badgeName(caen, 'communiquer-je-pratique')};`);
    expect(download.body).not.toContain(rowForm.badge);
    expect(download.body.trim().split('\r\n')).toHaveLength(33);

    // The same file again: previewed, confirmed, and nothing awarded twice.
    const again = await uploadFile(advisor, file(rows), { message: 'Félicitations à toutes et à tous !' });
    const againUrl = again.headers.location as string;
    expect(text((await advisor.get(againUrl)).body)).toContain('Ce même fichier a déjà été envoyé');
    await advisor.post(`${againUrl}/confirmer`, {}, token);
    await ctx.platform.awardImportRunner!.drain();
    // Line 6 was corrected in the first import only: in this one it is still wrong.
    expect(await assertionCount(caen.structure.id)).toBe(before + 31);
    expect(text((await advisor.get(againUrl)).body)).toContain('Déjà délivrés 30');
  });

  it('reads a badge name typed by hand (dashes, accents, case), suggests the nearest, and says when a badge is archived', async () => {
    const archived = rouen.badgeClasses.find((b) => b.name === 'S’adapter — je pratique')!;
    await ctx.services.badgeClasses.archive(rouen.structure.id, archived.id, CLI);
    const rows = [
      'tiret@example.org;Léo;Tiret;Organiser - je maitrise;;;',
      'casse@example.org;Léa;Casse;ORGANISER – JE MAÎTRISE;;;',
      'faute@example.org;Lou;Faute;Organisr — je pratique;;;',
      'archive@example.org;Luc;Archive;s’adapter - je pratique;;;',
      'rien@example.org;Lia;Rien;Cuisine;;;',
    ];
    const uploaded = await uploadFile(outsider, file(rows));
    expect(uploaded.statusCode, uploaded.body.slice(0, 500)).toBe(303);
    const url = uploaded.headers.location as string;
    const words = text((await outsider.get(url)).body);
    expect(words).not.toMatch(/ligne [23], colonne « Badge »/);
    expect(words).toContain(
      'ligne 4, colonne « Badge » : aucun badge de votre structure ne porte ce nom, cette clé ou cet identifiant. Vouliez-vous dire « Organiser — je pratique » ?',
    );
    expect(words).toContain(
      'ligne 5, colonne « Badge » : le badge « S’adapter — je pratique » est archivé : il ne peut plus être délivré.',
    );
    expect(words).toContain('ligne 6, colonne « Badge » : aucun badge de votre structure ne porte ce nom, cette clé ou cet identifiant.');
    expect(words).not.toMatch(/ligne 6, colonne « Badge » : [^.]*\. Vouliez-vous dire/);
    // The row correction form reads the badge by the same rule.
    const rowPage = await outsider.get(`${url}/lignes/4`);
    const corrected = await outsider.post(
      `${url}/lignes/4`,
      {
        email: 'faute@example.org',
        firstName: 'Lou',
        lastName: 'Faute',
        badge: 'organiser - je pratique',
        evidence: '',
        link: '',
        expires: '',
      },
      csrfOf(rowPage.body),
    );
    expect(corrected.statusCode, corrected.body.slice(0, 300)).toBe(303);
    expect(text((await outsider.get(url)).body)).not.toContain('ligne 4, colonne « Badge »');
  });

  it('writes the result file so that no cell becomes a formula or a new row in a spreadsheet, whatever its line breaks', async () => {
    // A quoted cell of the upload may hold line breaks; each line of it that
    // starts like a formula must come back as text, and the cell quoted.
    const rows = [
      `formule.1@example.org;Inès;Formule;organiser-je-pratique;"a\n=1+1";;`,
      `formule.2@example.org;"=HYPERLINK(""http://x"")";"b\r\n@SUM(A1)";organiser-je-pratique;"-2;+3, fin\r\tTAB";;`,
    ];
    const uploaded = await uploadFile(advisor, file(rows));
    expect(uploaded.statusCode, uploaded.body.slice(0, 500)).toBe(303);
    const url = uploaded.headers.location as string;
    expect((await advisor.post(`${url}/confirmer`, {}, csrfOf((await advisor.get(url)).body))).statusCode).toBe(303);
    await ctx.platform.awardImportRunner!.drain();
    const download = await advisor.get(`${url}/resultat.csv`);
    expect(download.statusCode).toBe(200);
    const body = download.body.replace(/^\ufeff/, '');
    // No physical line of the file starts like a formula.
    for (const line of body.split(/\r\n|\n|\r/)) expect(line, JSON.stringify(line)).not.toMatch(/^[=+\-@\t]/);
    const records = parse(body, { delimiter: ';', relax_column_count: false }) as string[][];
    expect(records).toHaveLength(3);
    // (The upload reads any line break as \n; what matters is what follows it.)
    const [, first, second] = records.map((r) => r.map((cell) => cell.replace(/\r\n?/g, '\n')));
    expect(first![5]).toBe("a\n'=1+1");
    expect(second![2]).toBe(`'=HYPERLINK("http://x")`);
    expect(second![3]).toBe("b\n'@SUM(A1)");
    expect(second![5]).toBe("'-2;+3, fin\n'\tTAB");
    expect(body).toContain('"a\n\'=1+1"');
  });

  it('explains a file it cannot use, on the upload page, with a 4xx; stores nothing', async () => {
    const [before] = await db().select({ n: count() }).from(awardImports);
    const cases: [string, Uint8Array, string][] = [
      ['a missing column', new TextEncoder().encode('email;nom\nx@example.org;X\n'), 'Colonne introuvable : « prénom », « badge »'],
      ['an Excel workbook', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0]), 'Ce fichier est un classeur Excel'],
      ['an empty file', new Uint8Array(), 'Ce fichier est vide.'],
      ['a file over 5 MB', new Uint8Array(5 * 1024 * 1024 + 10).fill(0x41), 'Ce fichier est trop volumineux'],
      [
        'an unclosed quote',
        new TextEncoder().encode('email;prénom;nom;badge\n"x@example.org;X;Y;general\n'),
        'un guillemet y est sans doute ouvert',
      ],
    ];
    for (const [label, bytes, message] of cases) {
      const response = await uploadFile(advisor, bytes);
      expect([413, 422], label).toContain(response.statusCode);
      expect(text(response.body), label).toContain(message);
    }
    // No file chosen (a browser sends a part with no name and no bytes): asked to choose one, not told it is empty.
    const none = await uploadFile(advisor, new Uint8Array(), {}, '');
    expect(none.statusCode).toBe(422);
    expect(text(none.body)).toContain('Choisissez un fichier CSV à envoyer.');
    expect(text(none.body)).not.toContain('Ce fichier est vide.');
    const longMessage = await uploadFile(advisor, new TextEncoder().encode('email;prénom;nom;badge\nx@example.org;X;Y;general\n'), {
      message: 'm'.repeat(1001),
    });
    expect(longMessage.statusCode).toBe(422);
    const [after] = await db().select({ n: count() }).from(awardImports);
    expect(after!.n).toBe(before!.n);
  });

  it('answers 404 for an import id that is not one', async () => {
    for (const path of [
      '/espace/delivrer/csv/pas-un-id',
      '/espace/delivrer/csv/00000000-0000-0000-0000-000000000000',
      '/espace/delivrer/csv/%3Cscript%3E/lignes/2',
    ]) {
      expect((await advisor.get(path)).statusCode, path).toBe(404);
    }
  });
});

describe('learners and the general badge', () => {
  const award = (structure: typeof caen, key: string, email: string) =>
    ctx.services.awarding.award(
      { structureId: structure.structure.id, badgeClassId: badgeId(structure, key), recipient: { email, name: 'Nadia Benali' } },
      CLI,
    );

  it('lists and finds this structure’s learners; another structure’s member gets 404', async () => {
    await award(caen, 'organiser-je-pratique', 'nadia@example.org');
    const list = await advisor.get('/espace/apprenants?q=NADIA');
    expect(list.statusCode).toBe(200);
    const key = StructureLearnerService.keyOf(caen.structure.id, 'nadia@example.org');
    expect(list.body).toContain(`href="/espace/apprenants/${key}"`);
    expect(list.body).not.toContain('nadia%40');
    const none = await advisor.get('/espace/apprenants?q=%25');
    expect(text(none.body)).toContain('Aucune personne ne correspond');
    const hostile = await advisor.get(`/espace/apprenants?q=${encodeURIComponent('<script>alert(1)</script>')}`);
    expect(hostile.statusCode).toBe(200);
    expect(hostile.body).not.toContain('<script>alert(1)');

    expect((await advisor.get(`/espace/apprenants/${key}`)).statusCode).toBe(200);
    expect((await outsider.get(`/espace/apprenants/${key}`)).statusCode).toBe(404);
    expect(
      (await outsider.get(`/espace/apprenants/${StructureLearnerService.keyOf(rouen.structure.id, 'nadia@example.org')}`)).statusCode,
    ).toBe(404);
    expect((await advisor.get('/espace/apprenants/nadia@example.org')).statusCode).toBe(404);
    // Prefills the award form from the learner, without the address in the URL.
    const prefilled = await advisor.get(`/espace/delivrer?apprenant=${key}`);
    expect(prefilled.body).toContain('value="nadia@example.org"');
  });

  it('two structures award « je maîtrise » in three competences: proposed, then awarded in one step with the qualifying assertions as evidence', async () => {
    const email = 'sami@example.org';
    const a1 = await award(rouen, 'organiser-je-maitrise', email);
    const a2 = await award(rouen, 'communiquer-je-maitrise', email);
    const a3 = await award(caen, 's-adapter-je-maitrise', email);
    const key = StructureLearnerService.keyOf(caen.structure.id, email);
    const page = await advisor.get(`/espace/apprenants/${key}`);
    const words = text(page.body);
    expect(words).toContain('Cette personne maîtrise 3 compétences sur 4');
    // Another structure's awards count for the rule, without saying whose they are.
    expect(words).not.toContain('AFPA Rouen');
    expect(words).toContain('badge d’une autre structure');
    expect(page.body).toContain(`action="/espace/apprenants/${key}/badge-general"`);

    const before = await assertionCount(caen.structure.id);
    const token = csrfOf(page.body);
    // Two clicks at once: whichever the database serves first awards it; the other is sent to it, or refused (409).
    const both = await Promise.all([
      advisor.post(`/espace/apprenants/${key}/badge-general`, {}, token),
      advisor.post(`/espace/apprenants/${key}/badge-general`, {}, token),
    ]);
    const first = both.find((r) => r.statusCode === 303)!;
    const second = both.find((r) => r !== first)!;
    expect(first, 'one of the two clicks awards it').toBeDefined();
    expect([303, 409]).toContain(second.statusCode);
    expect(await assertionCount(caen.structure.id)).toBe(before + 1);
    const id = String(first.headers.location).split('/').pop()!;
    if (second.statusCode === 303) expect(second.headers.location).toBe(first.headers.location);
    const [general] = await db().select().from(assertions).where(eq(assertions.id, id));
    expect(general!.badgeClassId).toBe(badgeId(caen, 'general'));
    expect(general!.evidence.map((e) => e.url).sort()).toEqual([a1, a2, a3].map((a) => ctx.services.urls.assertion(a.assertion.id)).sort());
    const after = text((await advisor.get(`/espace/apprenants/${key}`)).body);
    expect(after).toContain('Cette personne détient déjà le badge général');
    const third = await advisor.post(`/espace/apprenants/${key}/badge-general`, {}, token);
    expect([303, 409]).toContain(third.statusCode);
    expect(await assertionCount(caen.structure.id)).toBe(before + 1);
  });

  it('with two competences at « je maîtrise » (or a revoked third), nothing is proposed and nothing can be awarded', async () => {
    const email = 'ines@example.org';
    await award(caen, 'organiser-je-maitrise', email);
    await award(rouen, 'communiquer-je-maitrise', email);
    const revoked = await award(rouen, 's-integrer-je-maitrise', email);
    await ctx.services.awarding.revoke(rouen.structure.id, revoked.assertion.id, 'Erreur de saisie', CLI);
    await award(caen, 's-adapter-je-pratique', email);
    const key = StructureLearnerService.keyOf(caen.structure.id, email);
    const page = await advisor.get(`/espace/apprenants/${key}`);
    expect(text(page.body)).toContain('Il lui manque encore 1 compétence');
    expect(page.body).not.toContain('/badge-general"');
    const before = await assertionCount(caen.structure.id);
    const refused = await advisor.post(`/espace/apprenants/${key}/badge-general`, {}, csrfOf(page.body));
    expect(refused.statusCode).toBe(409);
    expect(text(refused.body)).toContain('ne remplit pas (ou plus) les conditions');
    expect(await assertionCount(caen.structure.id)).toBe(before);
  });
});
