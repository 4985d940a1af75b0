/** Password reset, invitations, structure profile (issue 3): French first; every key must exist in both. */
export const fr = {
  'accounts.role.admin': 'administrateur ou administratrice de la structure',
  'accounts.role.advisor': 'conseiller ou conseillère',
  'accounts.role.admin.hint': 'Gère le profil de la structure, ses membres, ses badges et ses jetons d’API ; délivre aussi des badges.',
  'accounts.role.advisor.hint': 'Délivre les badges, les révoque si besoin, et suit les apprenants.',
  'accounts.backToSignIn': 'Revenir à la connexion',

  // Sign-in page
  'accounts.signIn.forgotten': 'Mot de passe oublié ?',
  'accounts.signIn.forgottenLink': 'Recevoir un lien pour en choisir un nouveau',
  'accounts.signIn.learner': 'Vous avez reçu un badge ?',
  'accounts.signIn.learnerLink': 'Ouvrir mon espace',

  // Forgotten password
  'accounts.forgot.title': 'Mot de passe oublié',
  'accounts.forgot.intro':
    'Saisissez l’adresse e-mail de votre compte : nous vous envoyons un lien pour choisir un nouveau mot de passe. Le lien est valable une heure et ne sert qu’une fois.',
  'accounts.forgot.email': 'Adresse e-mail',
  'accounts.forgot.email.hint': 'Celle avec laquelle vous vous connectez à Insigne.',
  'accounts.forgot.submit': 'Recevoir le lien',
  'accounts.forgot.sent.title': 'Vérifiez votre messagerie',
  'accounts.forgot.sent.text':
    'Si un compte existe avec l’adresse {email}, un e-mail vient de lui être envoyé avec un lien pour choisir un nouveau mot de passe. Le lien est valable une heure et ne sert qu’une fois.',
  'accounts.forgot.sent.nothing':
    'Rien reçu dans quelques minutes ? Regardez dans les courriers indésirables, vérifiez l’adresse, puis redemandez un lien.',
  'accounts.forgot.again': 'Demander un autre lien',

  // Reset
  'accounts.reset.title': 'Choisir un nouveau mot de passe',
  'accounts.reset.intro':
    'Pour le compte {email}. Une fois enregistré, vous êtes connecté, et toute autre session ouverte avec ce compte est fermée.',
  'accounts.reset.password': 'Nouveau mot de passe',
  'accounts.reset.password.hint': 'Au moins 12 caractères. Une phrase de plusieurs mots est facile à retenir et difficile à deviner.',
  'accounts.reset.passwordConfirmation': 'Confirmez le nouveau mot de passe',
  'accounts.reset.passwordConfirmation.hint': 'Saisissez le même mot de passe une seconde fois.',
  'accounts.reset.submit': 'Enregistrer et me connecter',
  'accounts.reset.mismatch': 'Les deux mots de passe ne sont pas identiques. Saisissez-les à nouveau.',
  'accounts.reset.invalid.title': 'Ce lien ne fonctionne plus',
  'accounts.reset.invalid.text':
    'Un lien pour choisir un nouveau mot de passe est valable une heure et ne sert qu’une fois : celui-ci a expiré, a déjà servi, ou a été mal copié.',
  'accounts.reset.invalid.action': 'Recevoir un nouveau lien',

  // Invitation page
  'accounts.invitation.title': 'Rejoindre {structure}',
  'accounts.invitation.byPerson': '{inviter} vous invite à rejoindre l’espace {structure, elide, de} sur Insigne. Votre rôle : {role}.',
  'accounts.invitation.body': 'Vous êtes invité à rejoindre l’espace {structure, elide, de} sur Insigne. Votre rôle : {role}.',
  'accounts.invitation.expires': 'Cette invitation est valable jusqu’au {date}.',
  'accounts.invitation.new.title': 'Créez votre compte',
  'accounts.invitation.new.intro': 'Votre identifiant sera l’adresse {email}. Choisissez votre nom et un mot de passe.',
  'accounts.invitation.name': 'Votre nom',
  'accounts.invitation.name.hint': 'Prénom et nom, tels que vos collègues les connaissent.',
  'accounts.invitation.new.submit': 'Créer mon compte et rejoindre la structure',
  'accounts.invitation.existing.title': 'Connectez-vous pour accepter',
  'accounts.invitation.existing.intro':
    'Vous avez déjà un compte Insigne avec l’adresse {email}. Saisissez son mot de passe : vous rejoindrez la structure en vous connectant.',
  'accounts.invitation.password': 'Mot de passe',
  'accounts.invitation.existing.submit': 'Me connecter et rejoindre la structure',
  'accounts.invitation.signedIn.intro': 'Vous êtes connecté avec le compte {email}, à qui cette invitation est adressée.',
  'accounts.invitation.signedIn.submit': 'Accepter l’invitation',
  'accounts.invitation.otherAccount':
    'Cette invitation est adressée à {email}, mais vous êtes connecté avec un autre compte. Déconnectez-vous, puis rouvrez le lien de l’e-mail.',
  'accounts.invitation.used.title': 'Cette invitation a déjà servi',
  'accounts.invitation.used.text':
    'Vous avez accepté cette invitation : votre compte existe. Connectez-vous avec votre adresse e-mail et votre mot de passe pour retrouver l’espace de la structure.',
  'accounts.invitation.used.action': 'Se connecter',
  'accounts.invitation.invalid.title': 'Cette invitation n’est plus valable',
  'accounts.invitation.invalid.text':
    'Une invitation est valable 7 jours et ne sert qu’une fois : celle-ci a expiré, a déjà servi, a été annulée, ou le lien a été mal copié. Demandez à l’administrateur de la structure de vous en envoyer une nouvelle.',
  'error.invitation.account_exists':
    'Un compte existe déjà avec cette adresse : rouvrez le lien de l’invitation pour vous connecter et l’accepter.',
  'accounts.invitation.joined': 'Bienvenue dans l’espace {structure, elide, de}.',

  // Members page
  'accounts.members.invite.title': 'Inviter une personne',
  'accounts.members.invite.intro':
    'La personne reçoit un e-mail avec un lien valable 7 jours : elle y crée son compte (ou se connecte, si elle en a déjà un) et rejoint votre structure.',
  'accounts.members.invite.email': 'Adresse e-mail de la personne',
  'accounts.members.invite.email.hint': 'Son adresse professionnelle, par exemple prenom.nom@structure.fr.',
  'accounts.members.invite.role': 'Son rôle',
  'accounts.members.invite.submit': 'Envoyer l’invitation',
  'accounts.members.invited': 'Invitation envoyée à {email}.',
  'accounts.members.resent': 'Nouvelle invitation envoyée à {email} ; le lien précédent ne fonctionne plus.',
  // Without SMTP nothing leaves: the invitation is held for the Région, who can pass its link on (mail.heldBanner).
  'accounts.members.invited.held':
    'Invitation enregistrée pour {email}, mais pas envoyée : aucun serveur d’envoi de courriels n’est configuré. Elle est retenue pour l’administration de la plateforme, qui peut transmettre son lien.',
  'accounts.members.resent.held':
    'Nouvelle invitation enregistrée pour {email}, mais pas envoyée : aucun serveur d’envoi de courriels n’est configuré. Elle est retenue pour l’administration de la plateforme ; le lien précédent ne fonctionne plus.',
  'accounts.members.cancelled': 'Invitation {email, elide, de} annulée : son lien ne fonctionne plus.',
  'accounts.members.roleChanged': 'Rôle modifié.',
  'accounts.members.removed': 'La personne a été retirée de la structure. Son compte existe toujours.',
  'accounts.members.alreadyMember': 'Cette personne est déjà membre de la structure.',
  'accounts.members.pending.title': 'Invitations en attente',
  'accounts.members.pending.caption': 'Invitations envoyées, pas encore acceptées',
  'accounts.members.pending.none': 'Aucune invitation en attente.',
  'accounts.members.pending.email': 'Adresse e-mail',
  'accounts.members.pending.role': 'Rôle',
  'accounts.members.pending.sent': 'Envoyée le',
  'accounts.members.pending.status': 'Validité',
  'accounts.members.pending.until': 'jusqu’au {date}',
  'accounts.members.pending.expired': 'expirée',
  'accounts.members.pending.actions': 'Actions',
  'accounts.members.pending.resend': 'Renvoyer',
  'accounts.members.pending.cancel': 'Annuler',
  'accounts.members.list.title': 'Les membres',
  'accounts.members.actions': 'Actions',
  'accounts.members.roleOf': 'Rôle {name, elide, de}',
  'accounts.members.changeRole': 'Changer le rôle',
  'accounts.members.remove': 'Retirer de la structure',
  'accounts.members.forWhom': '({name})',
  'accounts.members.lastAdmin': 'Seul administrateur : nommez-en un autre avant de changer son rôle ou de le retirer.',

  // Structures (the Région)
  'accounts.structures.create.title': 'Ouvrir une structure',
  'accounts.structures.create.intro':
    'La structure reçoit sa clé de signature et les neuf badges du catalogue régional. Son premier administrateur reçoit une invitation par e-mail, valable 7 jours.',
  'accounts.structures.created': 'La structure {structure} est ouverte ; l’invitation de son administrateur est envoyée à {email}.',
  'accounts.structures.created.held':
    'La structure {structure} est ouverte. L’invitation de son administrateur ({email}) n’est pas envoyée, faute de serveur d’envoi de courriels : elle est retenue dans les courriels de la plateforme, d’où vous pouvez transmettre son lien.',
  'accounts.structure.name': 'Nom de la structure',
  'accounts.structure.name.hint': 'Tel qu’il apparaîtra sur les badges, par exemple « Mission Locale de Caen ».',
  'accounts.structure.url': 'Site web',
  'accounts.structure.url.hint': 'Adresse complète, commençant par https://',
  'accounts.structure.email': 'Adresse e-mail de contact',
  'accounts.structure.email.hint': 'Publiée dans les badges : une adresse de contact générale plutôt que personnelle.',
  'accounts.structure.description': 'Présentation (facultatif)',
  'accounts.structure.description.hint': 'Quelques phrases sur la structure et son public. 2 000 caractères au maximum.',
  'accounts.structure.telephone': 'Téléphone (facultatif)',
  'accounts.structure.telephone.hint': 'Par exemple 02 31 00 00 00.',
  'accounts.structure.telephone.invalid': 'Saisissez un numéro de téléphone, par exemple 02 31 00 00 00.',
  'accounts.structure.url.invalid': 'Saisissez une adresse web complète, commençant par https://',
  'accounts.structures.adminEmail': 'Adresse e-mail de son administrateur',
  'accounts.structures.adminEmail.hint': 'La personne qui gérera la structure sur Insigne : elle recevra l’invitation.',
  'accounts.structures.create.submit': 'Ouvrir la structure et inviter son administrateur',

  // Profile
  'accounts.profile.title': 'Le profil public de la structure',
  'accounts.profile.intro':
    'Ces informations accompagnent chaque badge délivré par votre structure : un recruteur les voit en vérifiant un badge, et les plateformes comme Open Badge Passport les affichent.',
  'accounts.profile.publicPage': 'Voir la page publique de la structure',
  'accounts.profile.submit': 'Enregistrer le profil',
  'accounts.profile.saved': 'Profil enregistré : les badges de la structure l’affichent dès maintenant.',
  'accounts.profile.logo.title': 'Logo',
  'accounts.profile.logo.current': 'Le logo publié actuellement :',
  'accounts.profile.logo.none': 'Aucun logo pour l’instant.',
  'accounts.profile.logo.alt': 'Logo {structure, elide, de}',
  'accounts.profile.logo.intro':
    'Le logo accompagne vos badges dans les portfolios comme Open Badge Passport. Envoyez un fichier PNG ou SVG de 512 Ko au plus, à peu près carré ou jusqu’à 4 fois plus large que haut.',
  'accounts.profile.logo.file': 'Fichier du logo (PNG ou SVG)',
  'accounts.profile.logo.file.hint': 'Les fichiers SVG sont nettoyés (ni script, ni lien externe) puis convertis en PNG pour être publiés.',
  'accounts.profile.logo.submit': 'Publier ce logo',
  'accounts.profile.logo.remove': 'Retirer le logo',
  'accounts.profile.logo.saved': 'Logo publié : les badges de la structure l’affichent dès maintenant.',
  'accounts.profile.logo.removed': 'Logo retiré.',
  'accounts.profile.logo.error.noFile': 'Choisissez un fichier PNG ou SVG.',
  'error.image.too_elongated': 'Cette image est trop allongée ({width} × {height}) : au plus {ratio} fois plus large que haute.',

  // Emails
  'accounts.mail.greeting': 'Bonjour {name},',
  'accounts.mail.hello': 'Bonjour,',
  'accounts.mail.reset.subject': 'Choisir un nouveau mot de passe Insigne',
  'accounts.mail.reset.body': 'Vous avez demandé à choisir un nouveau mot de passe pour votre compte Insigne.',
  'accounts.mail.reset.validity': 'Le lien ci-dessous est valable une heure et ne sert qu’une fois.',
  'accounts.mail.reset.action': 'Choisir un nouveau mot de passe',
  'accounts.mail.reset.footer':
    'Vous n’avez rien demandé ? Ignorez ce message : votre mot de passe ne change pas tant que personne n’utilise ce lien.',
  'accounts.mail.invitation.subject': 'Invitation à rejoindre {structure} sur Insigne',
  'accounts.mail.invitation.byPerson':
    '{inviter} vous invite à rejoindre l’espace {structure, elide, de} sur Insigne. Votre rôle : {role}.',
  'accounts.mail.invitation.body': 'Vous êtes invité à rejoindre l’espace {structure, elide, de} sur Insigne. Votre rôle : {role}.',
  'accounts.mail.invitation.what':
    'Insigne est la plateforme des badges numériques de « La Normandie badge les compétences » : les structures y délivrent et suivent les badges de leurs apprenants.',
  'accounts.mail.invitation.validity': 'Le lien ci-dessous est valable 7 jours et ne sert qu’une fois.',
  'accounts.mail.invitation.action': 'Accepter l’invitation',
  'accounts.mail.invitation.footer': 'Vous ne connaissez pas cette structure ? Ignorez ce message : rien ne se passe sans vous.',

  // Errors (DomainError codes)
  'error.link_invalid': 'Ce lien ne fonctionne plus : il a expiré ou a déjà servi.',
  'error.already_member': 'Cette personne est déjà membre de la structure.',
  'error.invitation_not_found': 'Cette invitation est introuvable : elle a peut-être déjà été acceptée ou annulée.',
  'error.member_not_found': 'Cette personne n’est pas membre de votre structure.',
  'error.last_admin': 'La structure doit garder au moins un administrateur : nommez-en un autre d’abord.',
} as const;

export const en: { readonly [K in keyof typeof fr]: string } = {
  'accounts.role.admin': 'structure administrator',
  'accounts.role.advisor': 'advisor',
  'accounts.role.admin.hint': 'Manages the structure’s profile, members, badges and API tokens; also awards badges.',
  'accounts.role.advisor.hint': 'Awards badges, revokes them if needed, and follows learners.',
  'accounts.backToSignIn': 'Back to sign-in',

  'accounts.signIn.forgotten': 'Forgotten your password?',
  'accounts.signIn.forgottenLink': 'Get a link to choose a new one',
  'accounts.signIn.learner': 'Did you receive a badge?',
  'accounts.signIn.learnerLink': 'Open my space',

  'accounts.forgot.title': 'Forgotten password',
  'accounts.forgot.intro':
    'Type the email address of your account: we send you a link to choose a new password. The link works for one hour, and only once.',
  'accounts.forgot.email': 'Email address',
  'accounts.forgot.email.hint': 'The one you sign in to Insigne with.',
  'accounts.forgot.submit': 'Send me the link',
  'accounts.forgot.sent.title': 'Check your inbox',
  'accounts.forgot.sent.text':
    'If an account exists with the address {email}, an email has just been sent to it with a link to choose a new password. The link works for one hour, and only once.',
  'accounts.forgot.sent.nothing': 'Nothing after a few minutes? Look in your spam folder, check the address, then ask for a link again.',
  'accounts.forgot.again': 'Ask for another link',

  'accounts.reset.title': 'Choose a new password',
  'accounts.reset.intro': 'For the account {email}. Once saved, you are signed in, and any other session of this account is closed.',
  'accounts.reset.password': 'New password',
  'accounts.reset.password.hint': 'At least 12 characters. A sentence of several words is easy to remember and hard to guess.',
  'accounts.reset.passwordConfirmation': 'Confirm the new password',
  'accounts.reset.passwordConfirmation.hint': 'Type the same password a second time.',
  'accounts.reset.submit': 'Save and sign me in',
  'accounts.reset.mismatch': 'The two passwords are not the same. Type them again.',
  'accounts.reset.invalid.title': 'This link no longer works',
  'accounts.reset.invalid.text':
    'A link to choose a new password works for one hour, and only once: this one has expired, has been used already, or was not copied whole.',
  'accounts.reset.invalid.action': 'Get a new link',

  'accounts.invitation.title': 'Join {structure}',
  'accounts.invitation.byPerson': '{inviter} invites you to join the workspace of {structure} on Insigne. Your role: {role}.',
  'accounts.invitation.body': 'You are invited to join the workspace of {structure} on Insigne. Your role: {role}.',
  'accounts.invitation.expires': 'This invitation is valid until {date}.',
  'accounts.invitation.new.title': 'Create your account',
  'accounts.invitation.new.intro': 'You will sign in with the address {email}. Choose your name and a password.',
  'accounts.invitation.name': 'Your name',
  'accounts.invitation.name.hint': 'First name and last name, as your colleagues know them.',
  'accounts.invitation.new.submit': 'Create my account and join the structure',
  'accounts.invitation.existing.title': 'Sign in to accept',
  'accounts.invitation.existing.intro':
    'You already have an Insigne account with the address {email}. Type its password: signing in makes you join the structure.',
  'accounts.invitation.password': 'Password',
  'accounts.invitation.existing.submit': 'Sign in and join the structure',
  'accounts.invitation.signedIn.intro': 'You are signed in with the account {email}, to which this invitation is addressed.',
  'accounts.invitation.signedIn.submit': 'Accept the invitation',
  'accounts.invitation.otherAccount':
    'This invitation is addressed to {email}, but you are signed in with another account. Sign out, then open the link in the email again.',
  'accounts.invitation.used.title': 'This invitation has already been used',
  'accounts.invitation.used.text':
    'You accepted this invitation: your account exists. Sign in with your email address and password to reach the structure’s workspace.',
  'accounts.invitation.used.action': 'Sign in',
  'accounts.invitation.invalid.title': 'This invitation is no longer valid',
  'accounts.invitation.invalid.text':
    'An invitation is valid for 7 days, and works only once: this one has expired, has been used or cancelled, or the link was not copied whole. Ask the structure’s administrator to send you a new one.',
  'error.invitation.account_exists':
    'An account already exists with this address: open the invitation link again to sign in and accept it.',
  'accounts.invitation.joined': 'Welcome to the workspace of {structure}.',

  'accounts.members.invite.title': 'Invite someone',
  'accounts.members.invite.intro':
    'The person receives an email with a link valid for 7 days: they create their account there (or sign in, if they already have one) and join your structure.',
  'accounts.members.invite.email': 'The person’s email address',
  'accounts.members.invite.email.hint': 'Their work address, for example firstname.lastname@structure.fr.',
  'accounts.members.invite.role': 'Their role',
  'accounts.members.invite.submit': 'Send the invitation',
  'accounts.members.invited': 'Invitation sent to {email}.',
  'accounts.members.resent': 'New invitation sent to {email}; the previous link no longer works.',
  'accounts.members.invited.held':
    'Invitation saved for {email}, but not sent: no email server is configured. It is held for the platform administrator, who can pass its link on.',
  'accounts.members.resent.held':
    'New invitation saved for {email}, but not sent: no email server is configured. It is held for the platform administrator; the previous link no longer works.',
  'accounts.members.cancelled': 'Invitation of {email} cancelled: its link no longer works.',
  'accounts.members.roleChanged': 'Role changed.',
  'accounts.members.removed': 'The person was removed from the structure. Their account still exists.',
  'accounts.members.alreadyMember': 'This person is already a member of the structure.',
  'accounts.members.pending.title': 'Pending invitations',
  'accounts.members.pending.caption': 'Invitations sent, not accepted yet',
  'accounts.members.pending.none': 'No pending invitation.',
  'accounts.members.pending.email': 'Email address',
  'accounts.members.pending.role': 'Role',
  'accounts.members.pending.sent': 'Sent on',
  'accounts.members.pending.status': 'Valid',
  'accounts.members.pending.until': 'until {date}',
  'accounts.members.pending.expired': 'expired',
  'accounts.members.pending.actions': 'Actions',
  'accounts.members.pending.resend': 'Send again',
  'accounts.members.pending.cancel': 'Cancel',
  'accounts.members.list.title': 'The members',
  'accounts.members.actions': 'Actions',
  'accounts.members.roleOf': 'Role of {name}',
  'accounts.members.changeRole': 'Change the role',
  'accounts.members.remove': 'Remove from the structure',
  'accounts.members.forWhom': '({name})',
  'accounts.members.lastAdmin': 'Only administrator: appoint another one before changing their role or removing them.',

  'accounts.structures.create.title': 'Open a structure',
  'accounts.structures.create.intro':
    'The structure gets its signing key and the nine badges of the regional catalogue. Its first administrator receives an invitation by email, valid for 7 days.',
  'accounts.structures.created': 'The structure {structure} is open; the invitation of its administrator was sent to {email}.',
  'accounts.structures.created.held':
    'The structure {structure} is open. The invitation of its administrator ({email}) was not sent, as no email server is configured: it is held in the platform’s emails, where you can pass its link on.',
  'accounts.structure.name': 'Name of the structure',
  'accounts.structure.name.hint': 'As it will appear on the badges, for example “Mission Locale de Caen”.',
  'accounts.structure.url': 'Website',
  'accounts.structure.url.hint': 'Full address, starting with https://',
  'accounts.structure.email': 'Contact email address',
  'accounts.structure.email.hint': 'Published in the badges: a general contact address rather than a personal one.',
  'accounts.structure.description': 'Presentation (optional)',
  'accounts.structure.description.hint': 'A few sentences about the structure and who it serves. 2,000 characters at most.',
  'accounts.structure.telephone': 'Telephone (optional)',
  'accounts.structure.telephone.hint': 'For example +33 2 31 00 00 00.',
  'accounts.structure.telephone.invalid': 'Type a telephone number, for example +33 2 31 00 00 00.',
  'accounts.structure.url.invalid': 'Type a full web address, starting with https://',
  'accounts.structures.adminEmail': 'Email address of its administrator',
  'accounts.structures.adminEmail.hint': 'The person who will run the structure on Insigne: they receive the invitation.',
  'accounts.structures.create.submit': 'Open the structure and invite its administrator',

  'accounts.profile.title': 'The structure’s public profile',
  'accounts.profile.intro':
    'This information comes with every badge your structure awards: a recruiter sees it when checking a badge, and platforms such as Open Badge Passport show it.',
  'accounts.profile.publicPage': 'See the structure’s public page',
  'accounts.profile.submit': 'Save the profile',
  'accounts.profile.saved': 'Profile saved: the structure’s badges show it from now on.',
  'accounts.profile.logo.title': 'Logo',
  'accounts.profile.logo.current': 'The logo published now:',
  'accounts.profile.logo.none': 'No logo yet.',
  'accounts.profile.logo.alt': 'Logo of {structure}',
  'accounts.profile.logo.intro':
    'The logo comes with your badges in portfolios such as Open Badge Passport. Send a PNG or SVG file of 512 KB at most, roughly square or up to 4 times wider than high.',
  'accounts.profile.logo.file': 'Logo file (PNG or SVG)',
  'accounts.profile.logo.file.hint': 'SVG files are cleaned (no script, no external link), then converted to PNG to be published.',
  'accounts.profile.logo.submit': 'Publish this logo',
  'accounts.profile.logo.remove': 'Remove the logo',
  'accounts.profile.logo.saved': 'Logo published: the structure’s badges show it from now on.',
  'accounts.profile.logo.removed': 'Logo removed.',
  'accounts.profile.logo.error.noFile': 'Choose a PNG or SVG file.',
  'error.image.too_elongated': 'This image is too elongated ({width} × {height}): at most {ratio} times wider than high.',

  'accounts.mail.greeting': 'Hello {name},',
  'accounts.mail.hello': 'Hello,',
  'accounts.mail.reset.subject': 'Choose a new Insigne password',
  'accounts.mail.reset.body': 'You asked to choose a new password for your Insigne account.',
  'accounts.mail.reset.validity': 'The link below works for one hour, and only once.',
  'accounts.mail.reset.action': 'Choose a new password',
  'accounts.mail.reset.footer':
    'You did not ask for anything? Ignore this message: your password does not change unless someone uses this link.',
  'accounts.mail.invitation.subject': 'Invitation to join {structure} on Insigne',
  'accounts.mail.invitation.byPerson': '{inviter} invites you to join the workspace of {structure} on Insigne. Your role: {role}.',
  'accounts.mail.invitation.body': 'You are invited to join the workspace of {structure} on Insigne. Your role: {role}.',
  'accounts.mail.invitation.what':
    'Insigne is the digital badge platform of “La Normandie badge les compétences”: structures award and follow their learners’ badges there.',
  'accounts.mail.invitation.validity': 'The link below is valid for 7 days, and works only once.',
  'accounts.mail.invitation.action': 'Accept the invitation',
  'accounts.mail.invitation.footer': 'You do not know this structure? Ignore this message: nothing happens without you.',

  'error.link_invalid': 'This link no longer works: it has expired or has been used already.',
  'error.already_member': 'This person is already a member of the structure.',
  'error.invitation_not_found': 'This invitation cannot be found: it may have been accepted or cancelled already.',
  'error.member_not_found': 'This person is not a member of your structure.',
  'error.last_admin': 'The structure must keep at least one administrator: appoint another one first.',
};
