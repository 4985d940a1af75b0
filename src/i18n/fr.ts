import * as mail from './features/mail.ts';
import * as learner from './features/learner.ts';
import * as verifier from './features/verifier.ts';
import * as badge_classes from './features/badge-classes.ts';
import * as awarding from './features/awarding.ts';
import * as following from './features/following.ts';
import * as accounts from './features/accounts.ts';
import * as notifications from './features/notifications.ts';
import * as audit from './features/audit.ts';
import * as structures from './features/structures.ts';
import * as programme_rules from './features/programme-rules.ts';
import * as first_use from './features/first-use.ts';
import * as openbadges3 from './features/openbadges3.ts';

/** The French messages: the reference catalogue. Every key here must exist in en.ts. */
const core = {
  'app.name': 'Insigne',
  'app.tagline': 'Les badges numériques de « La Normandie badge les compétences »',
  'nav.skip': 'Aller au contenu',
  'nav.main': 'Navigation principale',
  'og.issuedBy': 'Badge délivré par {issuer}.',
  'nav.home': 'Accueil',
  'nav.framework': 'Le référentiel',
  'nav.api': 'API',
  'nav.language': 'Langue',
  'footer.about':
    'Insigne délivre des badges numériques conformes à la norme Open Badges 2.0, hébergés et signés, pour les structures du programme régional.',
  'footer.openbadges': 'À propos des Open Badges',

  'home.title': 'Des compétences reconnues, vérifiables par tous',
  'home.intro':
    'Les structures d’accompagnement de Normandie reconnaissent les compétences transversales que les diplômes ne disent pas : s’organiser, communiquer, s’adapter, s’intégrer. Chaque badge est un Open Badge signé, que son titulaire peut montrer à un recruteur ou importer dans Open Badge Passport.',
  'privacy.title': 'Données personnelles',
  'privacy.intro':
    'Insigne délivre les badges numériques du programme « La Normandie badge les compétences ». Voici ce que la plateforme garde sur vous, pourquoi, combien de temps, et comment exercer vos droits.',
  'privacy.who.title': 'Qui est responsable',
  'privacy.who.text':
    'La plateforme est administrée par la Région Normandie. Chaque badge est délivré par une structure (organisme de formation, structure d’insertion, conseil en évolution professionnelle…), responsable des badges qu’elle délivre et des informations qu’elle y met. Leurs coordonnées figurent sur la page de chaque badge.',
  'privacy.what.title': 'Ce que la plateforme garde',
  'privacy.what.learners':
    'Pour une personne qui reçoit un badge : son nom, son adresse e-mail, les badges reçus avec leurs preuves, et les courriels qui lui ont été envoyés. L’adresse e-mail n’apparaît jamais en clair dans un badge : elle y est chiffrée (empreinte salée), pour que le titulaire puisse prouver que le badge est le sien.',
  'privacy.what.staff':
    'Pour les personnes des structures : nom, adresse e-mail, mot de passe (chiffré, jamais lisible), et le journal de ce qu’elles font dans l’espace de la structure.',
  'privacy.what.recruiters':
    'Pour les recruteurs qui vérifient un badge : rien. L’adresse saisie pour vérifier un titulaire n’est ni gardée ni écrite dans les journaux.',
  'privacy.public.title': 'Ce qui est public',
  'privacy.public.text':
    'La page d’un badge, à son adresse, montre le badge, la structure, les dates, les critères, les preuves et le nom du titulaire. Le titulaire peut masquer son nom depuis son espace.',
  'privacy.shared.title': 'Ce que les structures voient les unes des autres',
  'privacy.shared.text':
    'Une structure ne voit que les badges qu’elle a délivrés, sauf pour le badge général, qui revient à qui maîtrise au moins trois des quatre compétences, quelle que soit la structure qui les a reconnues. Pour l’appliquer, une structure qui a déjà délivré un badge à votre adresse voit, pour chaque compétence, si vous détenez un badge « je maîtrise » valide, et si vous détenez déjà le badge général : ni la structure qui l’a délivré, ni sa date, ni ses preuves. Si elle vous délivre le badge général, celui-ci cite en preuve les badges qui y ont mené, comme le demande le référentiel.',
  'privacy.howLong.title': 'Combien de temps',
  'privacy.howLong.text':
    'Un badge est gardé tant qu’il peut être présenté : c’est ce qui permet à un recruteur de le vérifier. Une révocation garde le badge, qui s’affiche alors comme révoqué. Les courriels envoyés et les sessions de connexion sont effacés quand ils ne servent plus.',
  'privacy.rights.title': 'Vos droits',
  'privacy.rights.text':
    'Depuis votre espace badges, sans mot de passe, vous pouvez masquer votre nom, télécharger tout ce que la plateforme garde sur vous, et demander l’effacement de vos données : vos badges sont alors révoqués et vos informations supprimées, et les structures concernées sont prévenues.',
  'privacy.rights.link': 'Ouvrir mon espace badges',
  'privacy.rights.other':
    'Pour toute autre demande (rectification, question), écrivez à la structure qui vous a délivré le badge. Vous pouvez aussi saisir la CNIL (www.cnil.fr).',
  'home.learner.title': 'Vous avez reçu un badge ?',
  'home.learner.text':
    'Retrouvez tous vos badges dans votre espace : pas de mot de passe, un lien vous est envoyé par courriel. Vous pourrez les télécharger, les mettre dans Open Badge Passport et les montrer à un employeur.',
  'home.learner.link': 'Ouvrir mon espace badges',
  'home.recruiter.title': 'Vous êtes recruteur ?',
  'home.recruiter.text':
    'Ouvrez le lien du badge que l’on vous a transmis : la page vous dit s’il est authentique, qui l’a délivré, à qui, sur quels critères, et s’il est toujours valide.',
  'home.framework.title': 'Le référentiel régional',
  'home.framework.text': 'Quatre compétences, deux niveaux, et un badge général : découvrez ce que chaque badge certifie.',
  'home.framework.link': 'Lire le référentiel',
  'home.integrators.title': 'Vous intégrez Insigne à votre plateforme ?',
  'home.integrators.text': 'L’API REST permet de délivrer, lire et révoquer les badges de votre structure.',
  'home.integrators.link': 'Documentation de l’API',

  'framework.catalogue': 'Les neuf badges du catalogue régional',

  'assertion.status.valid': 'Badge authentique et valide',
  'assertion.status.valid.detail': 'Ce badge a bien été délivré par {issuer}. Sa signature électronique est vérifiée.',
  'assertion.status.expired': 'Badge authentique, mais expiré',
  'assertion.status.expired.detail': 'Ce badge a bien été délivré par {issuer}, mais il a expiré le {date}.',
  'assertion.status.revoked': 'Badge révoqué',
  'assertion.status.revoked.detail': '{issuer} a révoqué ce badge le {date}. Il ne certifie plus rien.',
  'assertion.status.revoked.erasedDetail':
    'Ce badge a été révoqué le {date}, quand la personne qui l’avait reçu a fait effacer ses données. Il ne certifie plus rien.',
  'assertion.status.revoked.reason': 'Motif de la révocation :',
  'assertion.status.invalid': 'Badge non vérifiable',
  'assertion.status.invalid.detail':
    'La vérification technique de ce badge a échoué. Ne vous y fiez pas et contactez la structure qui l’a délivré.',
  'assertion.awardedTo': 'Délivré à',
  'assertion.issuedBy': 'Délivré par',
  'assertion.issuedOn': 'Date de délivrance',
  'assertion.expires': 'Date d’expiration',
  'assertion.noExpiry': 'N’expire pas',
  'assertion.criteria': 'Ce que ce badge certifie',
  'assertion.criteria.intro': 'Critères d’obtention définis par la structure :',
  'assertion.evidence': 'Preuves',
  'assertion.evidence.link': 'Voir la preuve',
  'assertion.narrative': 'Commentaire de la structure',
  'assertion.alignment': 'Référentiel',
  'assertion.technical': 'Vérification technique',
  'assertion.technical.intro': 'Insigne a vérifié ce badge comme le ferait n’importe quel vérificateur Open Badges 2.0 :',
  'check.signature': 'Signature électronique (RS256)',
  'check.keyOwnership': 'Clé de signature publiée par l’émetteur',
  'check.revocation': 'Non révoqué',
  'check.expiry': 'Non expiré',
  'check.structure': 'Document conforme à Open Badges 2.0',
  'check.hostedId': 'Hébergé chez l’émetteur',
  'check.issuedOn': 'Date de délivrance cohérente',
  'check.recipient': 'Titulaire',
  'check.ok': 'vérifié',
  'check.failed': 'échec',
  'assertion.recipientCheck.title': 'Ce badge appartient-il à votre candidat ?',
  'assertion.recipientCheck.help':
    'Saisissez l’adresse e-mail de la personne. Insigne la compare à l’empreinte chiffrée du badge ; l’adresse n’est ni affichée ni conservée.',
  'assertion.recipientCheck.label': 'Adresse e-mail',
  'assertion.recipientCheck.submit': 'Vérifier',
  'assertion.recipientCheck.match': 'Oui : ce badge a été délivré à cette adresse e-mail.',
  'assertion.recipientCheck.noMatch': 'Non : ce badge n’a pas été délivré à l’adresse {email}.',
  'assertion.recipientCheck.invalid': 'Saisissez une adresse e-mail complète, par exemple prenom.nom@exemple.fr.',
  'assertion.openBadges': 'Données Open Badges',
  'assertion.openBadges.text': 'Les logiciels de vérification Open Badges lisent ce badge à cette même adresse. Voir aussi :',
  'assertion.openBadges.jws': 'badge signé (JWS)',
  'assertion.openBadges.badgeClass': 'page du badge',
  'assertion.openBadges.issuer': 'page de la structure émettrice',

  'badgeClass.issuer': 'Proposé par',
  'badgeClass.criteria': 'Critères d’obtention',
  'badgeClass.tags': 'Mots-clés',
  'issuer.badges': 'Badges de cette structure',
  'issuer.website': 'Site web',
  'issuer.contact': 'Contact',

  'error.title': 'Erreur {status}',
  'error.back': 'Revenir à l’accueil',
  'error.not_found': 'Cette page n’existe pas. Vérifiez l’adresse, ou repartez de l’accueil.',
  'error.badge_class_not_found': 'Ce badge est introuvable (ou n’appartient pas à votre structure).',
  'error.badge_class_archived': 'Ce badge est archivé : il ne peut plus être délivré.',
  'error.badge_class_invalid': 'Ce badge ne respecte pas les règles d’un badge (champ {field}) : corrigez-le.',
  'error.assertion_not_found': 'Ce badge est introuvable.',
  'error.assertion_revoked': 'Ce badge a été révoqué : ses fichiers ne sont plus disponibles.',
  'error.already_revoked': 'Ce badge est déjà révoqué.',
  'error.structure_not_found': 'Cette structure est introuvable.',
  'error.user_exists': 'Un compte existe déjà avec l’adresse {email}.',
  'error.invalid_token': 'Jeton d’API absent, invalide ou révoqué. Envoyez l’en-tête « Authorization: Bearer <jeton> ».',
  'error.idempotency_key_reused':
    'Cette clé Idempotency-Key a déjà servi pour une autre demande. Utilisez une nouvelle clé pour chaque attribution.',
  'error.expires_before_issue': 'La date d’expiration est déjà passée : choisissez aujourd’hui ou un jour à venir.',
  'error.validation_failed': 'Certaines données sont invalides.',
  'error.bad_request': 'La requête est mal formée.',
  'error.unsupported_media_type': 'Ce type de contenu n’est pas accepté. Envoyez du JSON (Content-Type: application/json).',
  'error.payload_too_large': 'Les données envoyées sont trop volumineuses.',
  'error.rate_limited': 'Trop de requêtes. Réessayez dans quelques instants.',
  'error.unavailable': 'Le service est momentanément indisponible. Réessayez dans quelques secondes.',
  'error.internal': 'Une erreur inattendue s’est produite. L’équipe technique peut la retrouver dans les journaux.',
  'error.not_found.api': 'Ressource introuvable.',

  // Getting in: setup, sign-in, sessions, the workspace (issue 3).
  'nav.signIn': 'Se connecter',
  'nav.workspace': 'Mon espace',
  'nav.learnerSpace': 'Mes badges',
  'account.label': 'Votre compte',
  'account.signedInAs': 'Connecté avec le compte de',
  'account.structure': 'Structure',
  'account.switch.submit': 'Changer',
  'account.signOut': 'Se déconnecter',
  'role.admin': 'administrateur ou administratrice de la structure',
  'role.advisor': 'conseiller ou conseillère',
  'role.admin.short': 'administration',
  'role.advisor.short': 'conseil',
  'role.platformAdmin': 'administration de la plateforme',

  'home.setup.title': 'Première mise en service',
  'home.setup.text':
    'Insigne n’a pas encore d’administrateur. Commencez par créer le compte de l’administration de la plateforme (la Région) : c’est lui qui ouvre ensuite les structures du programme.',
  'home.setup.link': 'Mettre en service la plateforme',

  'form.errorSummary': 'Le formulaire contient une erreur',
  'form.errorPrefix': 'Erreur :',
  'form.errorItem': '{label} : {message}',
  'form.errorTitle': 'Erreur : {title}',
  'form.required': 'Ce champ est obligatoire.',
  'form.tooShort': 'Saisissez au moins {min} caractères.',
  'form.tooLong': 'Ce texte est trop long : {max} caractères au maximum.',
  'form.email': 'Saisissez une adresse e-mail complète, par exemple prenom.nom@exemple.fr.',
  'form.controlCharacters':
    'Ce texte contient des caractères non autorisés (retour à la ligne, caractère de contrôle). Saisissez-le sur une seule ligne.',
  'form.invalid': 'Cette valeur n’est pas valide.',
  'duration.days': '{n, plural, one {# jour} other {# jours}}',
  'duration.months': '{n, plural, one {# mois} other {# mois}}',
  'duration.years': '{n, plural, one {# an} other {# ans}}',
  'form.optional': '(facultatif)',

  'setup.title': 'Mise en service de la plateforme',
  'setup.intro':
    'Cette page ne sert qu’une fois. Elle crée le compte de l’administration de la plateforme, la Région : ce compte ouvre les structures, gère le catalogue régional et suit les chiffres du programme. Une fois le compte créé, la page disparaît.',
  'setup.name': 'Votre nom',
  'setup.name.hint': 'Tel qu’il apparaîtra dans le journal des actions, par exemple « Marie Lefèvre, Région Normandie ».',
  'setup.email': 'Adresse e-mail',
  'setup.email.hint': 'Elle vous servira d’identifiant pour vous connecter.',
  'setup.password': 'Mot de passe',
  'setup.password.hint': 'Au moins 12 caractères. Une phrase de plusieurs mots est facile à retenir et difficile à deviner.',
  'setup.passwordConfirmation': 'Confirmez le mot de passe',
  'setup.passwordConfirmation.hint': 'Saisissez le même mot de passe une seconde fois.',
  'setup.submit': 'Créer le compte administrateur',
  'setup.passwordMismatch': 'Les deux mots de passe ne sont pas identiques. Saisissez-les à nouveau.',
  'setup.emailTaken': 'Un compte existe déjà avec cette adresse e-mail. Choisissez-en une autre.',
  'setup.done': 'Le compte administrateur est créé. Connectez-vous avec l’adresse e-mail et le mot de passe que vous venez de choisir.',

  'signIn.title': 'Connexion',
  'signIn.intro':
    'L’espace des structures du programme : les conseillers et les administrateurs y suivent les badges de leur structure. Connectez-vous avec l’adresse e-mail de votre compte.',
  'signIn.email': 'Adresse e-mail',
  'signIn.password': 'Mot de passe',
  'signIn.submit': 'Se connecter',
  'signIn.signedOut': 'Vous êtes déconnecté de votre espace. À bientôt !',
  'signIn.setupNeeded': 'La plateforme n’est pas encore mise en service.',
  'signIn.session': 'Par sécurité, la session se ferme après 8 heures sans activité, et quand vous fermez le navigateur.',

  'workspace.title': 'Mon espace',
  'workspace.nav': 'Navigation de l’espace',
  'workspace.nav.home': 'Tableau de bord',
  'workspace.nav.members': 'Membres',
  'workspace.nav.structures': 'Structures',
  'workspace.nav.award': 'Délivrer',
  'workspace.nav.awarded': 'Badges délivrés',
  'workspace.nav.learners': 'Apprenants',
  'workspace.nav.badgeClasses': 'Nos badges',
  'workspace.nav.figures': 'Chiffres',
  'workspace.nav.mail': 'Courriels',
  'workspace.nav.profile': 'Profil de la structure',
  'workspace.nav.apiTokens': 'Jetons d’API',
  'workspace.nav.audit': 'Journal',
  'workspace.nav.catalogue': 'Catalogue',
  'workspace.nav.platformFigures': 'Chiffres régionaux',
  'workspace.nav.platformMail': 'Courriels de la plateforme',
  'workspace.greeting': 'Bonjour {name}',
  'workspace.current': 'Vous travaillez pour {structure}.',
  'workspace.role': 'Votre rôle : {role}.',
  'workspace.platformRole':
    'Vous administrez la plateforme pour la Région : toutes les structures, le catalogue régional et les chiffres du programme.',
  'workspace.noStructure':
    'Votre compte n’est rattaché à aucune structure pour l’instant. L’administrateur de votre structure peut vous y ajouter.',
  'workspace.figures': 'Votre structure en chiffres',
  'workspace.figures.badgeClasses': 'Badges proposés',
  'workspace.figures.awarded': 'Badges délivrés',
  'workspace.figures.revoked': 'Badges révoqués',
  'workspace.figures.members': 'Membres de l’équipe',
  'workspace.recent': 'Derniers badges délivrés',
  'workspace.recent.none': 'Aucun badge délivré pour l’instant.',
  'workspace.recent.caption': 'Les cinq derniers badges délivrés par votre structure',
  'workspace.recent.recipient': 'Titulaire',
  'workspace.recent.badge': 'Badge',
  'workspace.recent.date': 'Délivré le',
  'workspace.recent.status': 'État',
  'status.valid': 'valide',
  'status.expired': 'expiré',
  'status.revoked': 'révoqué',
  'workspace.badges': 'Les badges de votre structure',
  'workspace.badges.intro': 'Chaque badge a sa page publique : c’est ce que voient les titulaires et les recruteurs.',
  'workspace.badges.awarded': 'délivrés : {count}',
  'workspace.next': 'Ce que vous pouvez faire',
  'workspace.next.publicPage': 'Voir la page publique de votre structure, telle que la voient les recruteurs',
  'workspace.next.framework': 'Relire le référentiel régional des compétences',
  'workspace.next.members': 'Inviter vos conseillers et voir qui a accès à l’espace de votre structure',
  'workspace.next.award': 'Délivrer un badge à une personne',
  'workspace.next.csv': 'Délivrer des badges à tout un groupe, à partir d’un fichier CSV',
  'workspace.next.profile': 'Compléter le profil public de la structure (ce que voient les recruteurs)',
  'workspace.next.api': 'Délivrer des badges depuis votre logiciel, avec l’API',
  'workspace.next.structures': 'Voir toutes les structures et leurs chiffres',
  'workspace.platform': 'La plateforme en chiffres',
  'workspace.platform.structures': 'Structures',
  'workspace.platform.awarded': 'Badges délivrés',
  'workspace.platform.revoked': 'Badges révoqués',
  'workspace.platform.accounts': 'Comptes',

  'structures.title': 'Les structures du programme',
  'structures.intro': 'Toutes les structures qui délivrent des badges sur Insigne, avec leurs chiffres.',
  'structures.caption': 'Les structures, par ordre alphabétique',
  'structures.name': 'Structure',
  'structures.created': 'Ouverte le',
  'structures.badgeClasses': 'Badges proposés',
  'structures.awarded': 'Délivrés',
  'structures.revoked': 'Révoqués',
  'structures.members': 'Membres',
  'table.scrollHint': 'Faites défiler le tableau vers la droite pour voir toutes ses colonnes.',

  'members.title': 'Les membres {structure, elide, de}',
  'members.intro':
    'Les personnes qui ont accès à l’espace de votre structure. Les administrateurs gèrent la structure ; les conseillers délivrent et suivent les badges.',
  'members.caption': 'Membres de la structure',
  'members.name': 'Nom',
  'members.email': 'Adresse e-mail',
  'members.role': 'Rôle',
  'members.since': 'Membre depuis le',
  'members.you': '(vous)',

  'error.setup_done': 'La plateforme est déjà mise en service : connectez-vous.',
  'error.invalid_credentials': 'Adresse e-mail ou mot de passe incorrect.',
  'error.too_many_attempts':
    'Trop de tentatives de connexion. Pour protéger les comptes, réessayez dans {minutes, plural, one {# minute} other {# minutes}}.',
  'error.csrf_failed':
    'Cette demande a été refusée : la page était trop ancienne, ou le formulaire ne venait pas d’Insigne. Rechargez la page et recommencez ; si cela se reproduit, vérifiez que votre navigateur accepte les cookies d’Insigne.',
  'error.not_a_member': 'Vous n’êtes pas membre de cette structure.',
  'error.admin_only': 'Cette page est réservée aux administrateurs de la structure.',
  'error.member_only': 'Cette page est réservée aux membres d’une structure.',
  'error.platform_admin_only': 'Cette page est réservée à l’administration de la plateforme.',
} as const;

/** Each feature keeps its words in src/i18n/features/<feature>.ts, so features never edit one shared file. */
export const fr = {
  ...core,
  ...mail.fr,
  ...learner.fr,
  ...verifier.fr,
  ...badge_classes.fr,
  ...awarding.fr,
  ...following.fr,
  ...accounts.fr,
  ...notifications.fr,
  ...audit.fr,
  ...structures.fr,
  ...programme_rules.fr,
  ...first_use.fr,
  ...openbadges3.fr,
} as const;

export type Messages = { readonly [K in keyof typeof fr]: string };
export type CoreMessages = { readonly [K in keyof typeof core]: string };
