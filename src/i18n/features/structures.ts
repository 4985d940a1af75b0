/** The Région's structures (issue 10): a page per structure, closing and reopening, likely duplicates. French first; every key in both. */
export const fr = {
  // The list of structures
  'structures.status.open': 'Ouverte',
  'structures.status.closed': 'Fermée',
  'structures.status.closedOn': 'Fermée le {date}',
  'structures.list.seePage': 'Voir la page {structure, elide, de}',
  'structures.list.admins': 'Administrateurs',
  'structures.list.noAdmin': 'aucun',

  // Opening a structure that looks like one already there
  'structures.duplicates.title': '{count, plural, one {Une structure ressemble à celle-ci} other {# structures ressemblent à celle-ci}}',
  'structures.duplicates.reason.name': 'même nom',
  'structures.duplicates.reason.site': 'même site',
  'structures.duplicates.reason.name-site': 'même nom et même site',
  'structures.duplicates.intro':
    'Vérifiez qu’il ne s’agit pas de la même structure : ouvrez sa page pour voir ses membres et ses invitations. Si c’est bien une autre structure (une autre antenne, une autre ville), cochez la case et envoyez de nouveau le formulaire.',
  'structures.duplicates.confirm': 'C’est une autre structure : l’ouvrir quand même',

  // The page of one structure
  'structures.page.back': '← Toutes les structures',
  'structures.page.closedSince':
    'Cette structure est fermée depuis le {date} : elle ne délivre plus de badges et ses membres n’ont plus accès à son espace. Ses badges restent vérifiables.',
  'structures.page.noAdmin': 'Cette structure n’a aucun administrateur ni aucune invitation d’administrateur : invitez-en un ci-dessous.',
  'structures.page.noAdminYet':
    'Cette structure n’a pas encore d’administrateur : l’invitation attend d’être acceptée. Si l’adresse est fausse, annulez-la et invitez la bonne.',
  'structures.page.profile': 'Profil',
  'structures.page.site': 'Site web',
  'structures.page.contactEmail': 'Adresse e-mail de contact',
  'structures.page.telephone': 'Téléphone',
  'structures.page.description': 'Présentation',
  'structures.page.status': 'État',
  'structures.page.publicPage': 'Voir sa page publique d’émetteur',
  'structures.page.figures': 'Chiffres',
  'structures.page.figures.awarded': 'Badges délivrés',
  'structures.page.figures.revoked': 'Révoqués',
  'structures.page.figures.learners': 'Personnes ayant reçu un badge',
  'structures.page.figures.badgeClasses': 'Badges proposés',
  'structures.page.figures.none': 'Aucun badge délivré pour l’instant.',
  'structures.page.members': 'Membres et rôles',
  'structures.page.members.caption': 'Membres {structure, elide, de}',
  'structures.page.members.none': 'Personne n’a encore accepté d’invitation.',
  'structures.page.pending.caption': 'Invitations {structure, elide, de} pas encore acceptées',
  'structures.page.pending.by': 'par {name}',
  'structures.page.pending.closed':
    'La structure étant fermée, ces invitations ne fonctionnent pas ; elles fonctionneront de nouveau si vous la rouvrez.',
  'structures.page.invite.title': 'Inviter un autre administrateur',
  'structures.page.invite.intro':
    'La personne reçoit un lien par courriel, valable 7 jours, pour rejoindre la structure comme administrateur. Elle invitera ensuite ses conseillers.',
  'structures.page.invite.email': 'Adresse e-mail de l’administrateur',
  'structures.page.invite.email.hint': 'Vérifiez-la bien : c’est à cette adresse que part l’invitation.',
  'structures.page.invite.submit': 'Envoyer l’invitation',
  'structures.page.invited': 'L’invitation est envoyée à {email}.',
  'structures.page.invited.held':
    'L’invitation {email, elide, de} est prête, mais aucun serveur d’envoi n’est configuré : elle est retenue dans les courriels de la plateforme.',
  'structures.page.resent': 'Un nouveau lien est envoyé à {email} ; l’ancien ne fonctionne plus.',
  'structures.page.resent.held':
    'Un nouveau lien est prêt pour {email} (l’ancien ne fonctionne plus), mais aucun serveur d’envoi n’est configuré : il est retenu dans les courriels de la plateforme.',
  'structures.page.cancelled': 'L’invitation {email, elide, de} est annulée : son lien ne fonctionne plus.',
  'structures.page.closedNotice': 'La structure {structure} est fermée.',
  'structures.page.reopenedNotice': 'La structure {structure} est rouverte : ses membres retrouvent son espace.',
  'structures.page.close.title': 'Fermer la structure',
  'structures.page.close.intro': 'Une structure n’est jamais supprimée. Fermée :',
  'structures.page.close.awards':
    'elle ne délivre plus aucun badge (un par un, par fichier CSV ou par l’API, dont les jetons sont refusés) ;',
  'structures.page.close.people': 'ses membres n’ont plus accès à son espace, et ses invitations ne fonctionnent plus ;',
  'structures.page.close.public':
    'les badges qu’elle a délivrés restent valides et vérifiables, et sa page publique d’émetteur reste en ligne ;',
  'structures.page.close.reopen': 'vous pouvez la rouvrir à tout moment : tout revient comme avant.',
  'structures.page.close.confirm': 'Je confirme la fermeture {structure, elide, de}',
  'structures.page.close.confirmLabel': 'Confirmation de la fermeture',
  'structures.page.close.confirmMissing': 'Cochez la case pour confirmer la fermeture.',
  'structures.page.close.submit': 'Fermer la structure',
  'structures.page.reopen.title': 'Rouvrir la structure',
  'structures.page.reopen.intro':
    'Ses membres retrouvent son espace, ses jetons d’API fonctionnent de nouveau et elle peut délivrer des badges.',
  'structures.page.reopen.submit': 'Rouvrir la structure',

  // What the people of a closed structure see
  'structures.closedPage.title': 'Structure fermée',
  'structures.csv.result.closed': 'Non délivré : la structure a été fermée pendant l’envoi.',
  'structures.closedPage.body': 'La structure {structure} est fermée : son espace n’est plus accessible.',
  'structures.closedPage.badges': 'Les badges qu’elle a délivrés restent valides et vérifiables.',
  'structures.closedPage.contact': 'Pour toute question, adressez-vous à l’administration de la plateforme (la Région).',

  // Refusals (StructureRefusal, src/services/rules/structure-open.ts)
  'error.structure.structure_closed':
    'La structure {structure} est fermée : elle ne délivre plus de badges et son espace n’est plus accessible.',
  'error.structure.likely_duplicate':
    'Une structure semblable existe déjà ({names}) : vérifiez qu’il ne s’agit pas de la même, puis confirmez.',
  'error.structure.already_closed': 'La structure {structure} est déjà fermée.',
  'error.structure.not_closed': 'La structure {structure} est déjà ouverte.',
} as const;

export const en: { readonly [K in keyof typeof fr]: string } = {
  'structures.status.open': 'Open',
  'structures.status.closed': 'Closed',
  'structures.status.closedOn': 'Closed on {date}',
  'structures.list.seePage': 'See the page of {structure}',
  'structures.list.admins': 'Administrators',
  'structures.list.noAdmin': 'none',

  'structures.duplicates.title': '{count, plural, one {One structure looks like this one} other {# structures look like this one}}',
  'structures.duplicates.reason.name': 'same name',
  'structures.duplicates.reason.site': 'same website',
  'structures.duplicates.reason.name-site': 'same name and same website',
  'structures.duplicates.intro':
    'Check that it is not the same structure: open its page to see its members and invitations. If it really is another structure (another branch, another town), tick the box and send the form again.',
  'structures.duplicates.confirm': 'It is another structure: open it anyway',

  'structures.page.back': '← All structures',
  'structures.page.closedSince':
    'This structure has been closed since {date}: it awards no more badges and its members no longer have access to its workspace. Its badges stay verifiable.',
  'structures.page.noAdmin': 'This structure has no administrator and no administrator invitation: invite one below.',
  'structures.page.noAdminYet':
    'This structure has no administrator yet: the invitation is waiting to be accepted. If the address is wrong, cancel it and invite the right one.',
  'structures.page.profile': 'Profile',
  'structures.page.site': 'Website',
  'structures.page.contactEmail': 'Contact email address',
  'structures.page.telephone': 'Telephone',
  'structures.page.description': 'About',
  'structures.page.status': 'Status',
  'structures.page.publicPage': 'See its public issuer page',
  'structures.page.figures': 'Figures',
  'structures.page.figures.awarded': 'Badges awarded',
  'structures.page.figures.revoked': 'Revoked',
  'structures.page.figures.learners': 'People who received a badge',
  'structures.page.figures.badgeClasses': 'Badges offered',
  'structures.page.figures.none': 'No badge awarded yet.',
  'structures.page.members': 'Members and roles',
  'structures.page.members.caption': 'Members of {structure}',
  'structures.page.members.none': 'Nobody has accepted an invitation yet.',
  'structures.page.pending.caption': 'Invitations of {structure} not accepted yet',
  'structures.page.pending.by': 'by {name}',
  'structures.page.pending.closed': 'As the structure is closed, these invitations do not work; they will work again if you reopen it.',
  'structures.page.invite.title': 'Invite another administrator',
  'structures.page.invite.intro':
    'The person receives a link by email, valid for 7 days, to join the structure as an administrator. They then invite their advisors.',
  'structures.page.invite.email': 'Email address of the administrator',
  'structures.page.invite.email.hint': 'Check it carefully: the invitation goes to this address.',
  'structures.page.invite.submit': 'Send the invitation',
  'structures.page.invited': 'The invitation was sent to {email}.',
  'structures.page.invited.held':
    'The invitation of {email} is ready, but no mail server is configured: it is held in the platform’s emails.',
  'structures.page.resent': 'A new link was sent to {email}; the old one no longer works.',
  'structures.page.resent.held':
    'A new link is ready for {email} (the old one no longer works), but no mail server is configured: it is held in the platform’s emails.',
  'structures.page.cancelled': 'The invitation of {email} is cancelled: its link no longer works.',
  'structures.page.closedNotice': 'The structure {structure} is closed.',
  'structures.page.reopenedNotice': 'The structure {structure} is open again: its members have their workspace back.',
  'structures.page.close.title': 'Close the structure',
  'structures.page.close.intro': 'A structure is never deleted. Once closed:',
  'structures.page.close.awards': 'it awards no more badges (one by one, by CSV file or through the API, whose tokens are refused);',
  'structures.page.close.people': 'its members no longer have access to its workspace, and its invitations no longer work;',
  'structures.page.close.public': 'the badges it awarded stay valid and verifiable, and its public issuer page stays online;',
  'structures.page.close.reopen': 'you can reopen it at any time: everything comes back as before.',
  'structures.page.close.confirm': 'I confirm closing {structure}',
  'structures.page.close.confirmLabel': 'Confirmation of the closing',
  'structures.page.close.confirmMissing': 'Tick the box to confirm the closing.',
  'structures.page.close.submit': 'Close the structure',
  'structures.page.reopen.title': 'Reopen the structure',
  'structures.page.reopen.intro': 'Its members get its workspace back, its API tokens work again and it can award badges.',
  'structures.page.reopen.submit': 'Reopen the structure',

  'structures.closedPage.title': 'Structure closed',
  'structures.csv.result.closed': 'Not awarded: the structure was closed during the run.',
  'structures.closedPage.body': 'The structure {structure} is closed: its workspace is no longer available.',
  'structures.closedPage.badges': 'The badges it awarded stay valid and verifiable.',
  'structures.closedPage.contact': 'For any question, contact the platform administration (the Région).',

  'error.structure.structure_closed':
    'The structure {structure} is closed: it awards no more badges and its workspace is no longer available.',
  'error.structure.likely_duplicate': 'A similar structure already exists ({names}): check that it is not the same one, then confirm.',
  'error.structure.already_closed': 'The structure {structure} is already closed.',
  'error.structure.not_closed': 'The structure {structure} is already open.',
};
