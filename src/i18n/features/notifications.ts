// One file because a feature's French and English words sit side by side, so that every key exists in both languages (one feature per file).
/** Who is told what concerns them (issue 10): catalogue proposals and decisions, revocations, expiry reminders. French first; every key must exist in both. */
export const fr = {
  // The outbox pages' kind labels
  'mail.kind.catalogue-proposal': 'Proposition au catalogue',
  'mail.kind.catalogue-decision': 'Réponse à une proposition',
  'mail.kind.revocation': 'Badge révoqué',
  'mail.kind.expiry-reminder': 'Rappel d’expiration',

  // To the Région: a structure proposes a badge
  'notifications.proposal.subject': 'Proposition au catalogue : « {badge} » {structure, elide, de}',
  'notifications.proposal.greeting': 'Bonjour {name},',
  'notifications.proposal.body': '{structure} propose son badge « {badge} » au catalogue commun du programme.',
  'notifications.proposal.summary': 'Ce badge montre que : {summary}',
  'notifications.proposal.by': 'Proposition faite par {name}.',
  'notifications.proposal.action': 'Examiner la proposition',
  'notifications.proposal.next':
    'Acceptez-la pour l’offrir à toutes les structures, ou refusez-la en disant pourquoi : la structure recevra votre réponse par courriel.',
  'notifications.proposal.footer': 'Vous recevez ce courriel parce que vous administrez la plateforme Insigne.',

  // To the structure: the Région's decision
  'notifications.decision.greeting': 'Bonjour,',
  'notifications.decision.accepted.subject': 'Votre badge « {badge} » entre au catalogue commun',
  'notifications.decision.accepted.body':
    'La Région a accepté votre proposition : « {badge} » fait maintenant partie du catalogue commun, et toutes les structures du programme peuvent l’adopter.',
  'notifications.decision.accepted.next':
    'Votre badge porte désormais l’origine « Catalogue » : ceux que vous avez déjà délivrés ne changent pas.',
  'notifications.decision.declined.subject': 'Votre badge « {badge} » n’est pas retenu pour le catalogue',
  'notifications.decision.declined.body':
    'La Région n’a pas retenu votre proposition d’ajouter « {badge} » au catalogue commun. Son motif :',
  'notifications.decision.declined.author': '{name}, pour la Région',
  'notifications.decision.declined.authorRegion': 'La Région',
  'notifications.decision.declined.next':
    'Votre badge reste le vôtre : vous pouvez continuer à le délivrer, le modifier et le proposer de nouveau. Ce motif est aussi écrit sur la page du badge.',
  'notifications.decision.action': 'Voir le badge',
  'notifications.decision.footer':
    'Vous recevez ce courriel parce {structure, elide, que} a proposé un badge au catalogue commun sur Insigne.',

  // To the learner: shared words
  'notifications.learner.greeting': 'Bonjour {name},',
  'notifications.learner.action': 'Ouvrir mon espace',
  'notifications.learner.howTo':
    'Ce lien ouvre votre espace badges sans mot de passe. Il sert une fois, pendant {days, plural, one {# jour} other {# jours}}. Ensuite, allez sur {space} et demandez un nouveau lien : il vous sera envoyé par courriel.',
  'notifications.learner.help': 'Une question ? Adressez-vous à {structure} : {email}',
  'notifications.learner.footer':
    'Vous recevez ce courriel parce {structure, elide, que} vous a remis un badge sur Insigne, la plateforme de « La Normandie badge les compétences ».',
  'notifications.learner.unsubscribe': 'Ne plus recevoir de courriels d’Insigne',

  // To the learner: a badge revoked
  'notifications.revocation.subject': 'Votre badge « {badge} » a été révoqué',
  'notifications.revocation.body': '{structure} a révoqué le badge « {badge} » qu’elle vous avait remis le {date}. Le motif donné :',
  'notifications.revocation.meaning':
    'Ce badge ne peut plus être présenté : sa page de vérification indique maintenant qu’il est révoqué. Vos autres badges ne changent pas.',

  // To the learner: a badge expires soon
  'notifications.expiry.subject': 'Votre badge « {badge} » expire le {date}',
  'notifications.expiry.body':
    'Votre badge « {badge} », remis par {structure}, est valable jusqu’au {date} : encore {days, plural, one {# jour} other {# jours}}.',
  'notifications.expiry.after':
    'Après cette date, il restera dans votre espace, mais sa page de vérification dira qu’il a expiré. Pour le renouveler, adressez-vous à {structure} : {email}',

  // The structure's pages: its proposals and the Région's answers
  'notifications.proposals.title': 'Vos propositions au catalogue',
  'notifications.proposals.intro': 'Les réponses de la Région aux badges que vous avez proposés au catalogue commun.',
  'notifications.proposals.all': 'Toutes vos propositions et le catalogue',
  'notifications.proposals.proposed': 'Proposé le {date} : en attente de la réponse de la Région.',
  'notifications.proposals.published': 'Accepté au catalogue par la Région le {date}.',
  'notifications.proposals.declined': 'Refusé pour le catalogue par la Région le {date}.',
  'notifications.proposals.withdrawn': 'Accepté au catalogue, puis retiré du catalogue par la Région.',
  'notifications.proposals.reason': 'Motif de la Région :',
  'notifications.proposals.badgeTitle': 'Proposition au catalogue',

  // The revocation form says who is told
  'notifications.revoke.told':
    'La personne en est prévenue par courriel, avec ce motif, sauf si elle a choisi de ne plus recevoir de courriels.',
} as const;

export const en: { readonly [K in keyof typeof fr]: string } = {
  'mail.kind.catalogue-proposal': 'Catalogue proposal',
  'mail.kind.catalogue-decision': 'Answer to a proposal',
  'mail.kind.revocation': 'Badge revoked',
  'mail.kind.expiry-reminder': 'Expiry reminder',

  'notifications.proposal.subject': 'Catalogue proposal: “{badge}” from {structure}',
  'notifications.proposal.greeting': 'Hello {name},',
  'notifications.proposal.body': '{structure} proposes its badge “{badge}” for the programme’s shared catalogue.',
  'notifications.proposal.summary': 'This badge shows that: {summary}',
  'notifications.proposal.by': 'Proposed by {name}.',
  'notifications.proposal.action': 'Review the proposal',
  'notifications.proposal.next':
    'Accept it to offer it to every structure, or decline it saying why: the structure will receive your answer by email.',
  'notifications.proposal.footer': 'You receive this email because you administer the Insigne platform.',

  'notifications.decision.greeting': 'Hello,',
  'notifications.decision.accepted.subject': 'Your badge “{badge}” joins the shared catalogue',
  'notifications.decision.accepted.body':
    'The Région accepted your proposal: “{badge}” is now part of the shared catalogue, and every structure of the programme may adopt it.',
  'notifications.decision.accepted.next': 'Your badge now shows the origin “Catalogue”: those you already awarded do not change.',
  'notifications.decision.declined.subject': 'Your badge “{badge}” was not accepted for the catalogue',
  'notifications.decision.declined.body': 'The Région did not accept your proposal to add “{badge}” to the shared catalogue. Its reason:',
  'notifications.decision.declined.author': '{name}, for the Région',
  'notifications.decision.declined.authorRegion': 'The Région',
  'notifications.decision.declined.next':
    'Your badge stays yours: you may go on awarding it, edit it and propose it again. This reason is also written on the badge’s page.',
  'notifications.decision.action': 'See the badge',
  'notifications.decision.footer': 'You receive this email because {structure} proposed a badge for the shared catalogue on Insigne.',

  'notifications.learner.greeting': 'Hello {name},',
  'notifications.learner.action': 'Open my space',
  'notifications.learner.howTo':
    'This link opens your badge space without a password. It works once, for {days, plural, one {# day} other {# days}}. After that, go to {space} and ask for a new link: it will be sent to you by email.',
  'notifications.learner.help': 'A question? Ask {structure}: {email}',
  'notifications.learner.footer':
    'You receive this email because {structure} awarded you a badge on Insigne, the platform of “La Normandie badge les compétences”.',
  'notifications.learner.unsubscribe': 'Stop receiving emails from Insigne',

  'notifications.revocation.subject': 'Your badge “{badge}” was revoked',
  'notifications.revocation.body': '{structure} revoked the badge “{badge}” it awarded you on {date}. The reason given:',
  'notifications.revocation.meaning':
    'This badge can no longer be shown: its verification page now says it is revoked. Your other badges do not change.',

  'notifications.expiry.subject': 'Your badge “{badge}” expires on {date}',
  'notifications.expiry.body':
    'Your badge “{badge}”, awarded by {structure}, is valid until {date}: {days, plural, one {# day} other {# days}} left.',
  'notifications.expiry.after':
    'After that date it stays in your space, but its verification page will say it has expired. To renew it, ask {structure}: {email}',

  'notifications.proposals.title': 'Your catalogue proposals',
  'notifications.proposals.intro': 'The Région’s answers to the badges you proposed for the shared catalogue.',
  'notifications.proposals.all': 'All your proposals and the catalogue',
  'notifications.proposals.proposed': 'Proposed on {date}: waiting for the Région’s answer.',
  'notifications.proposals.published': 'Accepted for the catalogue by the Région on {date}.',
  'notifications.proposals.declined': 'Declined for the catalogue by the Région on {date}.',
  'notifications.proposals.withdrawn': 'Accepted for the catalogue, then withdrawn from it by the Région.',
  'notifications.proposals.reason': 'The Région’s reason:',
  'notifications.proposals.badgeTitle': 'Catalogue proposal',

  'notifications.revoke.told': 'The person is told by email, with this reason, unless they chose to receive no more emails.',
};
