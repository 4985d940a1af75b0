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
  // « Vérifier un badge » reading 3.0 credentials (src/openbadges/v3/read.ts): the lines of the same report as 2.0.
  'verifier.check.schema': 'Conformité à la norme Open Badges 3.0',
  'verifier.check.schema.ok': 'L’attestation respecte le schéma Open Badges 3.0 publié par 1EdTech.',
  'verifier.check.keyDiscovery': 'Clé publiée par l’émetteur',
  'verifier.check.keyDiscovery.ok':
    'La clé qui a signé l’attestation est publiée par l’émetteur, qui la déclare comme sienne dans son profil (champ « assertionMethod »).',
  'verifier.check.proof': 'Preuve cryptographique (signature)',
  'verifier.check.proof.ok': 'La signature correspond au contenu : l’attestation n’a pas été modifiée depuis sa délivrance.',
  'verifier.check.validFrom': 'Début de validité',
  'verifier.check.validFrom.ok': 'L’attestation est déjà valable.',
  'verifier.reason.schema_invalid':
    'L’attestation ne respecte pas le schéma Open Badges 3.0 (au champ « {field} » : {message}) : ce n’est pas un badge 3.0 valide.',
  'verifier.reason.vc_jwt_unsupported':
    'Ce badge Open Badges 3.0 est un jeton JWT (VC-JWT) sous une forme que cette page ne lit pas : seuls les jetons signés en EdDSA ou ES256, avec une clé publiée par l’émetteur, sont lus. Demandez au titulaire le fichier .json, ou vérifiez-le dans son portefeuille.',
  'verifier.reason.not_baked_v3': 'Cette image ne contient pas de badge Open Badges 3.0 lisible.',
  'verifier.reason.credential_not_json': 'Le badge 3.0 contenu dans cette image n’est pas un document JSON lisible.',
  'verifier.reason.proof_missing': 'L’attestation n’est pas signée : elle ne porte aucune preuve cryptographique.',
  'verifier.reason.unsupported_cryptosuite':
    'L’attestation est signée avec la méthode {alg} ; cette page ne lit que les preuves eddsa-rdfc-2022 (Data Integrity).',
  'verifier.reason.proof_invalid':
    'La signature ne correspond pas au contenu : l’attestation a été modifiée après sa délivrance, ou elle n’a pas été signée par cet émetteur.',
  'verifier.reason.key_not_http':
    'La clé de signature n’est pas publiée à une adresse web (https) de l’émetteur : rien ne prouve qu’elle est la sienne.',
  'verifier.reason.key_controller_mismatch':
    'La clé de signature (champ « controller ») ne désigne pas l’émetteur de l’attestation comme son propriétaire : rien ne prouve que l’émetteur l’a signée.',
  'verifier.reason.key_not_assertion_method':
    'Le profil de l’émetteur (champ « assertionMethod ») ne cite pas la clé qui a signé cette attestation : rien ne prouve que l’émetteur l’a signée.',
  'verifier.reason.no_status': 'L’attestation ne renvoie à aucune liste de révocation : la révocation n’a pas pu être contrôlée.',
  'verifier.reason.status_unsupported':
    'L’attestation annonce son statut sous une forme que cette page ne lit pas (seule la liste « BitstringStatusList » est lue) : la révocation n’a pas pu être contrôlée.',
  'verifier.reason.status_list_invalid':
    'La liste de révocation de l’émetteur n’est pas valable (signature, émetteur ou contenu) : impossible de savoir si ce badge a été révoqué.',
  'verifier.reason.not_yet_valid': 'L’attestation n’est pas encore valable : elle ne le sera qu’à partir du {validFrom}.',
  'verifier.reason.no_expiry': 'L’attestation n’a pas de date de fin de validité.',
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
  // « Vérifier un badge » reading 3.0 credentials (src/openbadges/v3/read.ts): the lines of the same report as 2.0.
  'verifier.check.schema': 'Conformity to the Open Badges 3.0 standard',
  'verifier.check.schema.ok': 'The credential follows the Open Badges 3.0 schema published by 1EdTech.',
  'verifier.check.keyDiscovery': 'Key published by the issuer',
  'verifier.check.keyDiscovery.ok':
    'The key that signed the credential is published by the issuer, who declares it as its own in its profile (the “assertionMethod” field).',
  'verifier.check.proof': 'Cryptographic proof (signature)',
  'verifier.check.proof.ok': 'The signature matches the content: the credential has not been changed since it was awarded.',
  'verifier.check.validFrom': 'Start of validity',
  'verifier.check.validFrom.ok': 'The credential is already valid.',
  'verifier.reason.schema_invalid':
    'The credential does not follow the Open Badges 3.0 schema (at the field “{field}”: {message}): it is not a valid 3.0 badge.',
  'verifier.reason.vc_jwt_unsupported':
    'This Open Badges 3.0 badge is a JWT token (VC-JWT) in a form this page does not read: only tokens signed with EdDSA or ES256, with a key the issuer publishes, are read. Ask the holder for the .json file, or check it in their wallet.',
  'verifier.reason.not_baked_v3': 'This image holds no readable Open Badges 3.0 badge.',
  'verifier.reason.credential_not_json': 'The 3.0 badge inside this image is not a readable JSON document.',
  'verifier.reason.proof_missing': 'The credential is not signed: it carries no cryptographic proof.',
  'verifier.reason.unsupported_cryptosuite':
    'The credential is signed with the method {alg}; this page only reads eddsa-rdfc-2022 (Data Integrity) proofs.',
  'verifier.reason.proof_invalid':
    'The signature does not match the content: the credential was changed after it was awarded, or it was not signed by this issuer.',
  'verifier.reason.key_not_http': 'The signing key is not published at a web (https) address of the issuer: nothing proves it is theirs.',
  'verifier.reason.key_controller_mismatch':
    'The signing key (the “controller” field) does not name the credential’s issuer as its owner: nothing proves the issuer signed it.',
  'verifier.reason.key_not_assertion_method':
    'The issuer’s profile (the “assertionMethod” field) does not list the key that signed this credential: nothing proves the issuer signed it.',
  'verifier.reason.no_status': 'The credential points to no revocation list: revocation could not be checked.',
  'verifier.reason.status_unsupported':
    'The credential gives its status in a form this page does not read (only a “BitstringStatusList” is read): revocation could not be checked.',
  'verifier.reason.status_list_invalid':
    'The issuer’s revocation list is not valid (signature, issuer or content): there is no knowing whether this badge was revoked.',
  'verifier.reason.not_yet_valid': 'The credential is not valid yet: it will only be from {validFrom}.',
  'verifier.reason.no_expiry': 'The credential has no end of validity.',
};
