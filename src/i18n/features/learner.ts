// One file because a feature's French and English words sit side by side, so that every key exists in both languages (one feature per file).
/** The learner space, sharing and privacy (issue 4): French first; every key must exist in both. */
export const fr = {
  'learner.nav': 'Mon espace badges',
  'learner.nav.badges': 'Mes badges',
  'learner.nav.privacy': 'Mes données',
  'learner.nav.label': 'Mon espace',
  'learner.signOut': 'Me déconnecter',
  'learner.signedInAs': 'Connecté avec l’adresse {email}',

  'learner.request.title': 'Mon espace badges',
  'learner.request.intro':
    'Retrouvez tous les badges que vous avez reçus, téléchargez-les, ajoutez-les à Open Badge Passport ou à LinkedIn, et montrez-les à un recruteur.',
  'learner.request.how':
    'Pas de mot de passe : indiquez l’adresse e-mail à laquelle vous avez reçu vos badges, et nous vous envoyons un lien pour ouvrir votre espace.',
  'learner.request.email': 'Votre adresse e-mail',
  'learner.request.emailHint': 'Celle que la structure a utilisée pour vous délivrer vos badges. Par exemple : prenom.nom@exemple.fr',
  'learner.request.submit': 'Recevoir mon lien',
  'learner.request.signedOut': 'Vous êtes déconnecté. À bientôt !',
  'learner.request.expiredSession': 'Votre session a pris fin. Demandez un nouveau lien pour revenir dans votre espace.',

  'learner.sent.title': 'Regardez votre boîte e-mail',
  'learner.sent.text':
    'Si des badges ont été délivrés à l’adresse {email}, un e-mail vient de lui être envoyé avec un lien pour ouvrir votre espace.',
  'learner.sent.validity': 'Le lien fonctionne une seule fois, pendant une heure.',
  'learner.sent.spam':
    'Rien reçu après quelques minutes ? Regardez dans les courriers indésirables (spam), vérifiez l’adresse, ou demandez à la structure qui vous a délivré le badge quelle adresse elle a utilisée.',
  'learner.sent.again': 'Demander un autre lien',

  'learner.link.title': 'Ouvrir mon espace badges',
  'learner.link.intro': 'Ce lien a été envoyé à {email}. Appuyez sur le bouton pour ouvrir votre espace.',
  'learner.link.button': 'Ouvrir mon espace',
  'learner.link.why':
    'Ce bouton protège votre lien : certains logiciels de messagerie ouvrent les liens tout seuls, pour les vérifier. Le lien ne sert qu’une fois.',
  'learner.link.used.title': 'Ce lien a déjà servi',
  'learner.link.used.text':
    'Pour votre sécurité, un lien de connexion ne fonctionne qu’une seule fois. Demandez-en un nouveau : c’est immédiat.',
  'learner.link.expired.title': 'Ce lien a expiré',
  'learner.link.expired.text':
    'Pour votre sécurité, les liens de connexion ont une durée limitée. Demandez-en un nouveau : c’est immédiat.',
  'learner.link.unknown.title': 'Ce lien ne fonctionne pas',
  'learner.link.unknown.text':
    'Il est peut-être incomplet (copiez bien tout le lien de l’e-mail), ou il a été remplacé. Demandez un nouveau lien : c’est immédiat.',
  'learner.link.fresh': 'Recevoir un nouveau lien',

  'learner.mail.subject': 'Votre lien pour ouvrir votre espace badges',
  'learner.mail.greeting': 'Bonjour,',
  'learner.mail.intro':
    'Vous avez demandé à ouvrir votre espace badges sur Insigne, la plateforme de « La Normandie badge les compétences ». Cliquez sur le bouton ci-dessous.',
  'learner.mail.validity': 'Ce lien fonctionne une seule fois, pendant une heure.',
  'learner.mail.action': 'Ouvrir mon espace',
  'learner.mail.footer': 'Vous n’avez rien demandé ? Ignorez ce message : sans clic sur le lien, personne n’ouvre votre espace.',

  'learner.list.title': 'Mes badges',
  'learner.list.intro':
    'Voici tous les badges délivrés à l’adresse {email}, par toutes les structures. Choisissez un badge pour le télécharger, le partager ou l’ajouter à Open Badge Passport.',
  'learner.list.none':
    'Aucun badge n’est associé à cette adresse pour l’instant. Si une structure vous a délivré un badge, elle a peut-être utilisé une autre adresse : demandez-lui laquelle.',
  'learner.list.count': '{count, plural, one {# badge} other {# badges}}',
  'learner.list.by': 'Délivré par {structure}',
  'learner.list.on': 'le {date}',
  'learner.list.open': 'Voir le badge {name}',

  'learner.status.valid': 'Valide',
  'learner.status.expired': 'Expiré',
  'learner.status.revoked': 'Révoqué',
  'learner.status.valid.detail': 'Ce badge est valide : un recruteur qui le vérifie voit qu’il est authentique.',
  'learner.status.expired.detail': 'Ce badge a expiré le {date}. Il reste authentique, mais il ne vaut plus que pour le passé.',
  'learner.status.revoked.detail': 'La structure a révoqué ce badge le {date}. Il ne certifie plus rien.',
  'learner.status.revoked.reason': 'Motif :',

  'learner.badge.back': 'Retour à mes badges',
  'learner.badge.certifies': 'Ce que ce badge certifie',
  'learner.badge.criteria': 'Critères d’obtention',
  'learner.badge.evidence': 'Preuves',
  'learner.badge.evidenceLink': 'Voir la preuve',
  'learner.badge.narrative': 'Commentaire de la structure',
  'learner.badge.awardedTo': 'Délivré à',
  'learner.badge.awardedBy': 'Délivré par',
  'learner.badge.issuedOn': 'Date',
  'learner.badge.expires': 'Expire le',
  'learner.badge.noExpiry': 'N’expire pas',
  'learner.badge.status': 'État',

  'learner.download.title': 'Télécharger mon badge',
  'learner.download.main': 'Télécharger le badge (image PNG signée)',
  'learner.download.mainHint': 'C’est le fichier à importer dans Open Badge Passport.',
  'learner.download.others': 'Autres formats, pour les plateformes qui les demandent',
  'learner.download.signedSvg': 'Image SVG signée',
  'learner.download.hostedPng': 'Image PNG hébergée',
  'learner.download.hostedSvg': 'Image SVG hébergée',
  'learner.download.json': 'Badge au format JSON',
  'learner.download.jws': 'Badge signé (JWS)',
  'learner.download.revoked': 'Ce badge est révoqué : ses fichiers ne sont plus proposés.',

  'learner.passport.cta': 'Ajouter à Open Badge Passport',
  'learner.passport.ctaHint': 'Un guide pas à pas, avec des images.',

  'learner.share.title': 'Montrer mon badge',
  'learner.share.link': 'Lien de vérification',
  'learner.share.linkHint':
    'Donnez ce lien à un recruteur, ou mettez-le dans votre CV : il ouvre une page qui prouve que le badge est authentique.',
  'learner.share.copy': 'Copier le lien',
  'learner.share.copied': 'Lien copié.',
  'learner.share.qr': 'QR code',
  'learner.share.qrHint': 'À montrer sur votre téléphone, ou à imprimer : on le scanne pour ouvrir la page de vérification.',
  'learner.share.qrAlt': 'QR code du lien de vérification du badge {name}',
  'learner.share.qrDownload': 'Télécharger le QR code (SVG)',
  'learner.share.qrDownloadPng': 'Télécharger le QR code (PNG)',
  'learner.share.linkedin': 'Ajouter à mon profil LinkedIn',
  'learner.share.linkedinHint': 'LinkedIn s’ouvre avec le nom du badge, la structure, la date et le lien déjà remplis.',
  'learner.share.pdf': 'Attestation à imprimer (PDF)',
  'learner.share.pdfHint': 'Une page avec le badge, votre nom, la structure, la date, les critères et un QR code de vérification.',
  'learner.share.newWindow': '(s’ouvre dans un nouvel onglet)',

  'learner.guide.title': 'Ajouter mon badge à Open Badge Passport',
  'learner.guide.intro':
    'Open Badge Passport est un site gratuit où vous rangez tous vos badges, et d’où vous pouvez les montrer. Comptez cinq minutes.',
  'learner.guide.warning.title': 'La seule chose à vérifier',
  'learner.guide.warning.text':
    'Votre compte Open Badge Passport doit utiliser la même adresse e-mail que le badge : {email}. Sinon, l’import est refusé.',
  'learner.guide.warning.other':
    'Vous avez déjà un compte avec une autre adresse ? Dans Open Badge Passport, ajoutez {email} dans les paramètres de votre compte (« Adresses e-mail ») et confirmez-la, puis importez le badge.',
  'learner.guide.step1.title': '1. Téléchargez votre badge',
  'learner.guide.step1.text':
    'Appuyez sur le bouton ci-dessous. Le fichier (une image PNG) arrive dans vos téléchargements. Ne le modifiez pas : il contient la preuve signée.',
  'learner.guide.step1.alt':
    'Un téléphone affiche la page du badge ; une flèche part du bouton « Télécharger » vers un dossier de téléchargements.',
  'learner.guide.step2.title': '2. Ouvrez Open Badge Passport et connectez-vous',
  'learner.guide.step2.text':
    'Allez sur openbadgepassport.com. Créez un compte avec l’adresse {email}, ou connectez-vous si vous en avez déjà un.',
  'learner.guide.step2.alt':
    'Un écran de connexion d’Open Badge Passport : le champ de l’adresse e-mail est mis en avant, avec la même adresse que celle du badge.',
  'learner.guide.step3.title': '3. Importez le fichier',
  'learner.guide.step3.text':
    'Dans le menu, choisissez « Badges » puis « Importer » (ou « Téléverser »), et choisissez le fichier téléchargé à l’étape 1.',
  'learner.guide.step3.alt': 'Le menu « Badges » est ouvert sur « Importer » ; le fichier du badge glisse dans la zone d’import.',
  'learner.guide.step4.title': '4. C’est fait',
  'learner.guide.step4.text':
    'Le badge apparaît dans votre passeport. Vous pouvez le rendre public et partager votre page avec un recruteur.',
  'learner.guide.step4.alt': 'Le badge apparaît dans la liste des badges du passeport, avec une coche verte.',
  'learner.guide.download': 'Télécharger mon badge (PNG signé)',
  'learner.guide.open': 'Aller sur Open Badge Passport',
  'learner.guide.problem.title': 'Ça ne marche pas ?',
  'learner.guide.problem.email': 'Le message parle d’adresse e-mail : vérifiez {email, elide, que} est bien confirmée dans votre compte.',
  'learner.guide.problem.file':
    'Le message parle du fichier : téléchargez-le de nouveau depuis cette page (n’envoyez pas une capture d’écran ni une copie modifiée).',
  'learner.guide.problem.help': 'Toujours bloqué ? Votre conseiller ou votre conseillère peut vous aider.',

  'learner.privacy.title': 'Mes données',
  'learner.privacy.intro':
    'Vous décidez de ce que l’on voit de vous. Ces choix valent pour tous vos badges, ceux d’aujourd’hui et ceux que vous recevrez.',
  'learner.privacy.name.title': 'Mon nom sur les pages de vérification',
  'learner.privacy.name.shown': 'Aujourd’hui, votre nom apparaît sur la page publique de vos badges (celle que voit un recruteur).',
  'learner.privacy.name.hidden':
    'Aujourd’hui, votre nom est masqué sur la page publique de vos badges. Un recruteur peut toujours vérifier que le badge est à vous avec votre adresse e-mail.',
  'learner.privacy.name.hide': 'Masquer mon nom',
  'learner.privacy.name.show': 'Afficher mon nom',
  'learner.privacy.name.savedHidden': 'C’est fait : votre nom n’apparaît plus sur les pages de vérification.',
  'learner.privacy.name.savedShown': 'C’est fait : votre nom apparaît sur les pages de vérification.',
  'learner.privacy.export.title': 'Télécharger mes données',
  'learner.privacy.export.text':
    'Un fichier (JSON) avec tout ce que la plateforme sait de vous : vos badges, les structures qui les ont délivrés, vos choix, et les e-mails qui vous ont été envoyés (sujet et date).',
  'learner.privacy.export.button': 'Télécharger mes données (JSON)',
  'learner.privacy.erase.title': 'Effacer mes données',
  'learner.privacy.erase.text':
    'Vous pouvez demander l’effacement de vos données personnelles. Attention : tous vos badges seront alors révoqués et ne pourront plus être vérifiés.',
  'learner.privacy.erase.link': 'Demander l’effacement',

  'learner.erase.title': 'Effacer mes données : confirmation',
  'learner.erase.intro': 'Avant de confirmer, lisez bien ce qui va se passer. On ne peut pas revenir en arrière.',
  'learner.erase.consequences': 'Ce qui va se passer',
  'learner.erase.c1':
    '{count, plural, one {Votre badge sera révoqué : un recruteur verra qu’il ne certifie plus rien.} other {Vos # badges seront révoqués : un recruteur verra qu’ils ne certifient plus rien.}}',
  'learner.erase.c2':
    'Votre nom et votre adresse e-mail seront retirés de ces badges, et les fichiers déjà téléchargés ne pourront plus être vérifiés.',
  'learner.erase.c3': 'Les e-mails qui vous ont été envoyés seront effacés de la plateforme.',
  'learner.erase.c4': 'Chaque structure concernée sera prévenue par e-mail (sans votre nom ni votre adresse).',
  'learner.erase.c5': 'Vous serez déconnecté.',
  'learner.erase.before': 'Conseil : téléchargez d’abord vos données et vos badges si vous voulez en garder une copie.',
  'learner.erase.badges': 'Les badges concernés',
  'learner.erase.confirm': 'Je comprends que mes badges seront révoqués et que c’est définitif',
  'learner.erase.confirmRequired': 'Cochez la case pour confirmer que vous avez compris.',
  'learner.erase.submit': 'Effacer mes données',
  'learner.erase.cancel': 'Annuler et revenir à mes données',

  'learner.erased.title': 'Vos données ont été effacées',
  'learner.erased.text':
    'Vos badges ont été révoqués et votre nom et votre adresse e-mail en ont été retirés. Les structures concernées ont été prévenues. Vous êtes déconnecté.',
  'learner.erased.after': 'Si une structure vous délivre un nouveau badge plus tard, il apparaîtra dans un nouvel espace, à votre adresse.',
  'learner.erased.home': 'Revenir à l’accueil',

  'learner.erasureNotice.subject': 'Effacement de données personnelles : des badges ont été révoqués',
  'learner.erasureNotice.greeting': 'Bonjour {structure},',
  'learner.erasureNotice.intro':
    'Une personne à qui votre structure avait délivré des badges a demandé l’effacement de ses données personnelles depuis son espace. En conséquence, {count, plural, one {# badge a été révoqué et ne porte} other {# badges ont été révoqués et ne portent}} plus ni nom ni adresse e-mail :',
  'learner.erasureNotice.item': '• {badge}, délivré le {date} ({url})',
  'learner.erasureNotice.meaning':
    'Le motif de révocation affiché aux recruteurs est : « {reason} ». Vous n’avez rien à faire ; ce message est envoyé pour votre information et figure dans le journal de votre structure.',
  'learner.erasureNotice.footer': 'Message automatique d’Insigne, la plateforme de « La Normandie badge les compétences ».',

  'learner.pdf.title': 'Attestation de badge',
  'learner.pdf.certifies': 'Nous attestons que',
  'learner.pdf.obtained': 'a obtenu le badge',
  'learner.pdf.awardedBy': 'délivré par {structure} le {date}.',
  'learner.pdf.expires': 'Valable jusqu’au {date}.',
  'learner.pdf.criteria': 'Ce que ce badge certifie',
  'learner.pdf.verify': 'Vérifier ce badge',
  'learner.pdf.page': 'page {page} sur {pages}',
  'learner.pdf.verifyHelp':
    'Scannez le QR code ou tapez l’adresse ci-dessous : la page dit si le badge est authentique et toujours valide.',

  'learner.assertion.nameHidden': 'Nom masqué à la demande de la personne',
} as const;

export const en: { readonly [K in keyof typeof fr]: string } = {
  'learner.nav': 'My badges space',
  'learner.nav.badges': 'My badges',
  'learner.nav.privacy': 'My data',
  'learner.nav.label': 'My space',
  'learner.signOut': 'Sign out',
  'learner.signedInAs': 'Signed in with {email}',

  'learner.request.title': 'My badges space',
  'learner.request.intro':
    'Find every badge you received, download them, add them to Open Badge Passport or LinkedIn, and show them to a recruiter.',
  'learner.request.how':
    'No password: enter the email address your badges were sent to, and we will email you a link that opens your space.',
  'learner.request.email': 'Your email address',
  'learner.request.emailHint': 'The one the organisation used to award your badges. For example: firstname.lastname@example.org',
  'learner.request.submit': 'Send me my link',
  'learner.request.signedOut': 'You are signed out. See you soon!',
  'learner.request.expiredSession': 'Your session has ended. Ask for a new link to come back to your space.',

  'learner.sent.title': 'Check your mailbox',
  'learner.sent.text': 'If badges were awarded to {email}, an email has just been sent to it with a link that opens your space.',
  'learner.sent.validity': 'The link works once, for one hour.',
  'learner.sent.spam':
    'Nothing after a few minutes? Look in your spam folder, check the address, or ask the organisation that awarded your badge which address it used.',
  'learner.sent.again': 'Ask for another link',

  'learner.link.title': 'Open my badges space',
  'learner.link.intro': 'This link was sent to {email}. Press the button to open your space.',
  'learner.link.button': 'Open my space',
  'learner.link.why': 'This button protects your link: some email software opens links by itself to check them. The link works only once.',
  'learner.link.used.title': 'This link has already been used',
  'learner.link.used.text': 'For your safety, a sign-in link works only once. Ask for a new one: it is immediate.',
  'learner.link.expired.title': 'This link has expired',
  'learner.link.expired.text': 'For your safety, sign-in links only last a while. Ask for a new one: it is immediate.',
  'learner.link.unknown.title': 'This link does not work',
  'learner.link.unknown.text':
    'It may be incomplete (copy the whole link from the email), or it was replaced. Ask for a new link: it is immediate.',
  'learner.link.fresh': 'Send me a new link',

  'learner.mail.subject': 'Your link to open your badges space',
  'learner.mail.greeting': 'Hello,',
  'learner.mail.intro':
    'You asked to open your badges space on Insigne, the platform of « La Normandie badge les compétences ». Click the button below.',
  'learner.mail.validity': 'This link works once, for one hour.',
  'learner.mail.action': 'Open my space',
  'learner.mail.footer': 'You did not ask for this? Ignore this message: without a click on the link, nobody opens your space.',

  'learner.list.title': 'My badges',
  'learner.list.intro':
    'Here are all the badges awarded to {email}, by every organisation. Choose a badge to download it, share it or add it to Open Badge Passport.',
  'learner.list.none':
    'No badge is linked to this address yet. If an organisation awarded you a badge, it may have used another address: ask them which one.',
  'learner.list.count': '{count, plural, one {# badge} other {# badges}}',
  'learner.list.by': 'Awarded by {structure}',
  'learner.list.on': 'on {date}',
  'learner.list.open': 'See the badge {name}',

  'learner.status.valid': 'Valid',
  'learner.status.expired': 'Expired',
  'learner.status.revoked': 'Revoked',
  'learner.status.valid.detail': 'This badge is valid: a recruiter who checks it sees that it is genuine.',
  'learner.status.expired.detail': 'This badge expired on {date}. It is still genuine, but only for the past.',
  'learner.status.revoked.detail': 'The organisation revoked this badge on {date}. It no longer certifies anything.',
  'learner.status.revoked.reason': 'Reason:',

  'learner.badge.back': 'Back to my badges',
  'learner.badge.certifies': 'What this badge certifies',
  'learner.badge.criteria': 'Criteria',
  'learner.badge.evidence': 'Evidence',
  'learner.badge.evidenceLink': 'See the evidence',
  'learner.badge.narrative': 'Comment from the organisation',
  'learner.badge.awardedTo': 'Awarded to',
  'learner.badge.awardedBy': 'Awarded by',
  'learner.badge.issuedOn': 'Date',
  'learner.badge.expires': 'Expires on',
  'learner.badge.noExpiry': 'Does not expire',
  'learner.badge.status': 'Status',

  'learner.download.title': 'Download my badge',
  'learner.download.main': 'Download the badge (signed PNG image)',
  'learner.download.mainHint': 'This is the file to import into Open Badge Passport.',
  'learner.download.others': 'Other formats, for platforms that ask for them',
  'learner.download.signedSvg': 'Signed SVG image',
  'learner.download.hostedPng': 'Hosted PNG image',
  'learner.download.hostedSvg': 'Hosted SVG image',
  'learner.download.json': 'Badge as JSON',
  'learner.download.jws': 'Signed badge (JWS)',
  'learner.download.revoked': 'This badge is revoked: its files are no longer offered.',

  'learner.passport.cta': 'Add to Open Badge Passport',
  'learner.passport.ctaHint': 'A step-by-step guide, with pictures.',

  'learner.share.title': 'Show my badge',
  'learner.share.link': 'Verification link',
  'learner.share.linkHint': 'Give this link to a recruiter, or put it in your CV: it opens a page that proves the badge is genuine.',
  'learner.share.copy': 'Copy the link',
  'learner.share.copied': 'Link copied.',
  'learner.share.qr': 'QR code',
  'learner.share.qrHint': 'Show it on your phone, or print it: scanning it opens the verification page.',
  'learner.share.qrAlt': 'QR code of the verification link of the badge {name}',
  'learner.share.qrDownload': 'Download the QR code (SVG)',
  'learner.share.qrDownloadPng': 'Download the QR code (PNG)',
  'learner.share.linkedin': 'Add to my LinkedIn profile',
  'learner.share.linkedinHint': 'LinkedIn opens with the badge name, organisation, date and link already filled in.',
  'learner.share.pdf': 'Printable certificate (PDF)',
  'learner.share.pdfHint': 'One page with the badge, your name, the organisation, the date, the criteria and a verification QR code.',
  'learner.share.newWindow': '(opens in a new tab)',

  'learner.guide.title': 'Add my badge to Open Badge Passport',
  'learner.guide.intro':
    'Open Badge Passport is a free website where you keep all your badges and can show them. It takes about five minutes.',
  'learner.guide.warning.title': 'The one thing to check',
  'learner.guide.warning.text':
    'Your Open Badge Passport account must use the same email address as the badge: {email}. Otherwise the import is refused.',
  'learner.guide.warning.other':
    'Already have an account with another address? In Open Badge Passport, add {email} in your account settings (“Email addresses”) and confirm it, then import the badge.',
  'learner.guide.step1.title': '1. Download your badge',
  'learner.guide.step1.text':
    'Press the button below. The file (a PNG image) goes to your downloads. Do not change it: it holds the signed proof.',
  'learner.guide.step1.alt': 'A phone shows the badge page; an arrow goes from the “Download” button to a downloads folder.',
  'learner.guide.step2.title': '2. Open Open Badge Passport and sign in',
  'learner.guide.step2.text': 'Go to openbadgepassport.com. Create an account with {email}, or sign in if you already have one.',
  'learner.guide.step2.alt': 'An Open Badge Passport sign-in screen: the email field is highlighted, with the same address as the badge.',
  'learner.guide.step3.title': '3. Import the file',
  'learner.guide.step3.text': 'In the menu, choose “Badges” then “Import” (or “Upload”), and pick the file downloaded in step 1.',
  'learner.guide.step3.alt': 'The “Badges” menu is open on “Import”; the badge file slides into the import area.',
  'learner.guide.step4.title': '4. Done',
  'learner.guide.step4.text': 'The badge appears in your passport. You can make it public and share your page with a recruiter.',
  'learner.guide.step4.alt': 'The badge appears in the passport’s list of badges, with a green tick.',
  'learner.guide.download': 'Download my badge (signed PNG)',
  'learner.guide.open': 'Go to Open Badge Passport',
  'learner.guide.problem.title': 'It does not work?',
  'learner.guide.problem.email': 'The message mentions the email address: check that {email} is confirmed in your account.',
  'learner.guide.problem.file':
    'The message mentions the file: download it again from this page (do not send a screenshot or a changed copy).',
  'learner.guide.problem.help': 'Still stuck? Your advisor can help you.',

  'learner.privacy.title': 'My data',
  'learner.privacy.intro': 'You decide what others see of you. These choices apply to all your badges, today’s and future ones.',
  'learner.privacy.name.title': 'My name on verification pages',
  'learner.privacy.name.shown': 'Right now, your name appears on the public page of your badges (the one a recruiter sees).',
  'learner.privacy.name.hidden':
    'Right now, your name is hidden on the public page of your badges. A recruiter can still check the badge is yours with your email address.',
  'learner.privacy.name.hide': 'Hide my name',
  'learner.privacy.name.show': 'Show my name',
  'learner.privacy.name.savedHidden': 'Done: your name no longer appears on verification pages.',
  'learner.privacy.name.savedShown': 'Done: your name appears on verification pages.',
  'learner.privacy.export.title': 'Download my data',
  'learner.privacy.export.text':
    'A file (JSON) with everything the platform knows about you: your badges, the organisations that awarded them, your choices, and the emails sent to you (subject and date).',
  'learner.privacy.export.button': 'Download my data (JSON)',
  'learner.privacy.erase.title': 'Erase my data',
  'learner.privacy.erase.text':
    'You can ask for your personal data to be erased. Beware: all your badges will then be revoked and can no longer be verified.',
  'learner.privacy.erase.link': 'Ask for erasure',

  'learner.erase.title': 'Erase my data: confirmation',
  'learner.erase.intro': 'Before you confirm, read carefully what will happen. It cannot be undone.',
  'learner.erase.consequences': 'What will happen',
  'learner.erase.c1':
    '{count, plural, one {Your badge will be revoked: a recruiter will see that it no longer certifies anything.} other {Your # badges will be revoked: a recruiter will see that they no longer certify anything.}}',
  'learner.erase.c2': 'Your name and email address will be removed from these badges, and files already downloaded will no longer verify.',
  'learner.erase.c3': 'The emails sent to you will be erased from the platform.',
  'learner.erase.c4': 'Each organisation concerned will be told by email (without your name or address).',
  'learner.erase.c5': 'You will be signed out.',
  'learner.erase.before': 'Tip: download your data and your badges first if you want to keep a copy.',
  'learner.erase.badges': 'The badges concerned',
  'learner.erase.confirm': 'I understand that my badges will be revoked and that this is final',
  'learner.erase.confirmRequired': 'Tick the box to confirm that you understand.',
  'learner.erase.submit': 'Erase my data',
  'learner.erase.cancel': 'Cancel and go back to my data',

  'learner.erased.title': 'Your data has been erased',
  'learner.erased.text':
    'Your badges were revoked and your name and email address removed from them. The organisations concerned were told. You are signed out.',
  'learner.erased.after': 'If an organisation awards you a new badge later, it will appear in a new space, at your address.',
  'learner.erased.home': 'Back to the home page',

  'learner.erasureNotice.subject': 'Erasure of personal data: badges were revoked',
  'learner.erasureNotice.greeting': 'Hello {structure},',
  'learner.erasureNotice.intro':
    'A person your organisation had awarded badges to asked, from their space, for their personal data to be erased. As a result, {count, plural, one {# badge was revoked and no longer carries} other {# badges were revoked and no longer carry}} a name or an email address:',
  'learner.erasureNotice.item': '• {badge}, awarded on {date} ({url})',
  'learner.erasureNotice.meaning':
    'The revocation reason shown to recruiters is: “{reason}”. You have nothing to do; this message is for your information and is in your organisation’s log.',
  'learner.erasureNotice.footer': 'Automatic message from Insigne, the platform of « La Normandie badge les compétences ».',

  'learner.pdf.title': 'Badge certificate',
  'learner.pdf.certifies': 'We certify that',
  'learner.pdf.obtained': 'has earned the badge',
  'learner.pdf.awardedBy': 'awarded by {structure} on {date}.',
  'learner.pdf.expires': 'Valid until {date}.',
  'learner.pdf.criteria': 'What this badge certifies',
  'learner.pdf.verify': 'Verify this badge',
  'learner.pdf.page': 'page {page} of {pages}',
  'learner.pdf.verifyHelp': 'Scan the QR code or type the address below: the page says whether the badge is genuine and still valid.',

  'learner.assertion.nameHidden': 'Name hidden at the person’s request',
};
