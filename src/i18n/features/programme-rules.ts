// One file because a feature's French and English words sit side by side, so that every key exists in both languages (one feature per file).
/** The programme's rules (issue 10): catalogue badges keep their meaning, the general badge's rule, duplicates. French first. */
export const fr = {
  // Catalogue badges keep their meaning
  'error.badgeClass.catalogue_meaning':
    'Ce badge vient du catalogue régional : son nom, sa description, ses critères, son image et son alignement sont ceux du catalogue, les mêmes pour toutes les structures. Vous pouvez ajouter vos consignes sur les preuves attendues, ou faire votre propre badge à partir de celui-ci.',
  'error.localNote.invalid':
    'Vos consignes sur les preuves tiennent en {max, plural, one {# caractère} other {# caractères}} au plus, sans caractère de contrôle.',
  'programme.copy.lockedTitle': 'Ce que dit le catalogue',
  'programme.copy.lockedIntro':
    'Ce badge vient du catalogue régional. Son nom, sa description, ses critères, son image et son alignement sont ceux du catalogue : ils sont les mêmes pour toutes les structures, et seul le catalogue les change (une nouvelle version, les badges déjà délivrés gardant la leur). Vous pouvez changer ses mots-clés, sa durée de validité et ajouter vos consignes sur les preuves attendues.',
  'programme.copy.makeOwn': 'Faire mon propre badge à partir de celui-ci',
  'programme.copy.makeOwnHint':
    'Vous voulez d’autres critères ou un autre nom ? Faites votre propre badge à partir d’une copie : il sera présenté comme un badge de votre structure, sans l’alignement régional, et ne comptera pas pour le badge général.',
  'programme.copy.ownIntro':
    'Vous faites le badge de votre structure à partir d’une copie de « {name} ». Il sera présenté comme un badge de votre structure, sans l’alignement sur le référentiel régional, et ne comptera pas pour le badge général. Modifiez ce qu’il faut, choisissez son image, puis enregistrez.',
  'programme.copy.ownName': '{name} — {structure}',
  'programme.localNote': 'Consignes de la structure sur les preuves attendues',
  'programme.localNote.hint':
    'Facultatif, 2 000 caractères au plus. Affichées à vos conseillers quand ils délivrent ce badge, et sur la page publique du badge sous le nom de votre structure, à côté des critères du catalogue (qui ne changent pas).',
  'programme.localNote.byStructure': 'Précisions {structure, elide, de} sur les preuves attendues',
  // The general badge
  'error.generalBadge.not_eligible':
    'Le badge général demande « je maîtrise » dans au moins 3 des 4 compétences, valides et non retirés. Cette personne en détient {held} sur 4 : il en manque {needed}, à choisir parmi {missing}.',
  'error.generalBadge.held_elsewhere':
    'Cette personne détient déjà le badge général, délivré par une autre structure et toujours valide : il n’est pas délivré deux fois.',
  'programme.general.noticesTitle': 'Badge général : à vous de décider',
  'programme.general.noticesIntro':
    '{count, plural, one {Une personne peut} other {# personnes peuvent}} recevoir le badge général grâce à un badge « je maîtrise » que votre structure a délivré.',
  'programme.general.notice': '{name} ({email}) détient « je maîtrise » dans au moins 3 des 4 compétences depuis le {date}.',
  'programme.general.award': 'Décerner le badge général',
  'programme.general.awardTo': 'à {name}',
  'programme.general.seeLearner': 'Voir la fiche {name, elide, de}',
  'mail.kind.general-badge-eligible': 'Badge général possible',
  'mail.generalEligible.subject': '{name} peut recevoir le badge général',
  'mail.generalEligible.greeting': 'Bonjour {structure},',
  'mail.generalEligible.eligible':
    '{name} ({email}) détient désormais « je maîtrise » dans au moins trois des quatre compétences transversales, dont « {badge} » que votre structure vient de délivrer.',
  'mail.generalEligible.decide':
    'Votre structure peut lui décerner le badge « Compétences transversales — badge général » en un clic depuis votre tableau de bord. Le badge n’est pas délivré automatiquement : c’est à vous de le reconnaître.',
  'mail.generalEligible.action': 'Ouvrir le tableau de bord',
  'mail.generalEligible.footer':
    'Vous recevez ce courriel parce {structure, elide, que} a délivré le badge qui rend cette personne éligible au badge général de La Normandie badge les compétences.',
  // Duplicates
  'error.duplicate_award':
    'Cette personne détient déjà ce badge, délivré par votre structure le {issuedOn} et toujours valide. Confirmez pour le délivrer une seconde fois (dans l’API : "allowDuplicate": true).',
  'programme.duplicate.warning': 'Cette personne détient déjà ce badge, délivré par votre structure le {date} et toujours valide.',
  'programme.duplicate.confirm': 'Je confirme : délivrer ce badge une seconde fois',
  'programme.duplicate.required': 'Cochez la case pour délivrer ce badge une seconde fois, ou revenez au formulaire.',
  'programme.csv.held': 'Déjà détenu et valide (délivré par votre structure)',
  'programme.csv.heldTitle':
    '{count, plural, one {# ligne donne} other {# lignes donnent}} un badge que la personne détient déjà, délivré par votre structure et toujours valide',
  'programme.csv.heldChoice': 'Que faire de ces lignes ?',
  'programme.csv.heldSkip': 'Ne pas les délivrer',
  'programme.csv.heldAward': 'Les délivrer une seconde fois',
  'programme.csv.heldRequired': 'Choisissez ce que deviennent les lignes d’un badge déjà détenu.',
  'programme.csv.heldSkipped': 'Non délivré : la personne détient déjà ce badge (votre choix)',
  'programme.csv.result.duplicate': 'Non délivré : la personne détient déjà ce badge.',
  'programme.csv.result.general': 'Non délivré : la personne ne remplit pas la règle du badge général.',
} as const;

export const en: { readonly [K in keyof typeof fr]: string } = {
  'error.badgeClass.catalogue_meaning':
    'This badge comes from the regional catalogue: its name, description, criteria, image and alignment are the catalogue’s, the same for every structure. You can add your own guidance on the evidence expected, or make your own badge from this one.',
  'error.localNote.invalid':
    'Your guidance on evidence is at most {max, plural, one {# character} other {# characters}}, with no control characters.',
  'programme.copy.lockedTitle': 'What the catalogue says',
  'programme.copy.lockedIntro':
    'This badge comes from the regional catalogue. Its name, description, criteria, image and alignment are the catalogue’s: they are the same for every structure, and only the catalogue changes them (as a new version, badges already awarded keeping theirs). You can change its tags and validity, and add your guidance on the evidence expected.',
  'programme.copy.makeOwn': 'Make my own badge from this one',
  'programme.copy.makeOwnHint':
    'Want other criteria or another name? Make your own badge from a copy: it will be shown as your structure’s badge, without the regional alignment, and will not count for the general badge.',
  'programme.copy.ownIntro':
    'You are making your structure’s own badge from a copy of “{name}”. It will be shown as your structure’s badge, without the alignment to the regional framework, and will not count for the general badge. Change what you need, choose its image, then save.',
  'programme.copy.ownName': '{name} — {structure}',
  'programme.localNote': 'Your structure’s guidance on the evidence expected',
  'programme.localNote.hint':
    'Optional, at most 2,000 characters. Shown to your advisors when they award this badge, and on the badge’s public page under your structure’s name, beside the catalogue’s criteria (which do not change).',
  'programme.localNote.byStructure': 'What {structure} adds about the evidence expected',
  'error.generalBadge.not_eligible':
    'The general badge needs “je maîtrise” in at least 3 of the 4 competences, valid and not revoked. This person holds {held} of 4: {needed} more needed, from {missing}.',
  'error.generalBadge.held_elsewhere':
    'This person already holds the general badge, awarded by another structure and still valid: it is not awarded twice.',
  'programme.general.noticesTitle': 'General badge: your decision',
  'programme.general.noticesIntro':
    '{count, plural, one {One person can} other {# people can}} receive the general badge thanks to a “je maîtrise” badge your structure awarded.',
  'programme.general.notice': '{name} ({email}) has held “je maîtrise” in at least 3 of the 4 competences since {date}.',
  'programme.general.award': 'Award the general badge',
  'programme.general.awardTo': 'to {name}',
  'programme.general.seeLearner': 'See {name}’s card',
  'mail.kind.general-badge-eligible': 'General badge possible',
  'mail.generalEligible.subject': '{name} can receive the general badge',
  'mail.generalEligible.greeting': 'Hello {structure},',
  'mail.generalEligible.eligible':
    '{name} ({email}) now holds “je maîtrise” in at least three of the four transversal competences, including “{badge}”, which your structure has just awarded.',
  'mail.generalEligible.decide':
    'Your structure can award them the “Compétences transversales — badge général” badge in one click from your dashboard. It is not awarded automatically: recognising it is yours to do.',
  'mail.generalEligible.action': 'Open the dashboard',
  'mail.generalEligible.footer':
    'You receive this email because {structure} awarded the badge that makes this person eligible for the general badge of La Normandie badge les compétences.',
  'error.duplicate_award':
    'This person already holds this badge, awarded by your structure on {issuedOn} and still valid. Confirm to award it a second time (in the API: "allowDuplicate": true).',
  'programme.duplicate.warning': 'This person already holds this badge, awarded by your structure on {date} and still valid.',
  'programme.duplicate.confirm': 'I confirm: award this badge a second time',
  'programme.duplicate.required': 'Tick the box to award this badge a second time, or go back to the form.',
  'programme.csv.held': 'Already held and valid (awarded by your structure)',
  'programme.csv.heldTitle':
    '{count, plural, one {# line gives} other {# lines give}} a badge the person already holds, awarded by your structure and still valid',
  'programme.csv.heldChoice': 'What should happen to these lines?',
  'programme.csv.heldSkip': 'Do not award them',
  'programme.csv.heldAward': 'Award them a second time',
  'programme.csv.heldRequired': 'Choose what happens to the lines of a badge already held.',
  'programme.csv.heldSkipped': 'Not awarded: the person already holds this badge (your choice)',
  'programme.csv.result.duplicate': 'Not awarded: the person already holds this badge.',
  'programme.csv.result.general': 'Not awarded: the person does not meet the general badge’s rule.',
};
