// One file because a feature's French and English words sit side by side, so that every key exists in both languages (one feature per file).
/** Open Badges 3.0 files beside the 2.0 ones (issue 13): French first; every key must exist in both. */
export const fr = {
  'openbadges3.files.title': 'Open Badges 3.0',
  'openbadges3.files.intro':
    'Le même badge au format Open Badges 3.0 (attestation vérifiable signée), pour les portefeuilles numériques comme Learner Credential Wallet.',
  'openbadges3.files.json': 'Badge 3.0 signé (.json)',
  'openbadges3.files.png': 'Image PNG avec le badge 3.0',
  'openbadges3.files.svg': 'Image SVG avec le badge 3.0',
  'openbadges3.files.hint':
    'Sur iPhone, une image enregistrée dans Photos perd le badge qu’elle contient : gardez plutôt le fichier .json.',
  'openbadges3.recruiter.verified':
    'Open Badges 3.0 : vérifié. La forme 3.0 de ce badge porte la signature de la structure, avec une clé que la structure publie, et n’est pas révoquée :',
  'openbadges3.recruiter.invalid': 'Open Badges 3.0 : la forme 3.0 de ce badge n’a pas pu être vérifiée.',
  'openbadges3.recruiter.revoked': 'Open Badges 3.0 : révoqué.',
  'openbadges3.recruiter.expired':
    'Open Badges 3.0 : authentique, mais expiré. La forme 3.0 de ce badge porte la signature de la structure :',
  'openbadges3.recruiter.link': 'attestation 3.0 (.json)',
} as const;

export const en: { readonly [K in keyof typeof fr]: string } = {
  'openbadges3.files.title': 'Open Badges 3.0',
  'openbadges3.files.intro':
    'The same badge as Open Badges 3.0 (a signed verifiable credential), for digital wallets such as Learner Credential Wallet.',
  'openbadges3.files.json': 'Signed 3.0 badge (.json)',
  'openbadges3.files.png': 'PNG image with the 3.0 badge',
  'openbadges3.files.svg': 'SVG image with the 3.0 badge',
  'openbadges3.files.hint': 'On an iPhone, an image saved to Photos loses the badge inside it: keep the .json file instead.',
  'openbadges3.recruiter.verified':
    'Open Badges 3.0: verified. The 3.0 form of this badge carries the structure’s signature, made with a key the structure publishes, and is not revoked:',
  'openbadges3.recruiter.invalid': 'Open Badges 3.0: the 3.0 form of this badge could not be verified.',
  'openbadges3.recruiter.revoked': 'Open Badges 3.0: revoked.',
  'openbadges3.recruiter.expired': 'Open Badges 3.0: genuine, but expired. The 3.0 form of this badge carries the structure’s signature:',
  'openbadges3.recruiter.link': '3.0 credential (.json)',
};
