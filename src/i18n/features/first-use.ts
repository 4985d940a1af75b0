/** Issue 11, the small frictions of a first use: the image choice, the API reference. French first; every key must exist in both. */
export const fr = {
  'firstUse.image.fileWithOtherChoice':
    'Vous avez choisi un fichier alors que « {choice} » était coché. Le fichier est maintenant retenu (aperçu ci-dessous) : enregistrez pour l’utiliser, ou cochez « {choice} » pour le laisser de côté.',

  // The API reference (/api/docs)
  'apiDocs.title': 'Référence de l’API',
  'apiDocs.intro':
    'L’API REST d’Insigne, pour les logiciels des structures : délivrer, lire et révoquer des badges, et vérifier ceux de n’importe quel émetteur. Cette page est lue dans le document OpenAPI, que vos outils peuvent charger tel quel.',
  'apiDocs.englishNote': 'Les descriptions des opérations sont rédigées en anglais, comme le document OpenAPI.',
  'apiDocs.document': 'Le document OpenAPI',
  'apiDocs.version': 'Version',
  'apiDocs.server': 'Adresse de l’API',
  'apiDocs.contents': 'Sommaire',
  'apiDocs.auth.token': 'Jeton d’API requis (en-tête Authorization: Bearer)',
  'apiDocs.auth.none': 'Sans jeton',
  'apiDocs.parameters': 'Paramètres',
  'apiDocs.parameters.caption': 'Paramètres de {operation}',
  'apiDocs.body': 'Corps de la requête ({type})',
  'apiDocs.body.caption': 'Champs du corps de {operation} ({type})',
  'apiDocs.col.name': 'Nom',
  'apiDocs.col.where': 'Où',
  'apiDocs.col.type': 'Type',
  'apiDocs.col.required': 'Obligatoire',
  'apiDocs.col.description': 'Description',
  'apiDocs.yes': 'oui',
  'apiDocs.no': 'non',
  'apiDocs.where.path': 'chemin',
  'apiDocs.where.query': 'chaîne de requête',
  'apiDocs.where.header': 'en-tête',
  'apiDocs.where.cookie': 'cookie',
  'apiDocs.responses': 'Réponses',
  'apiDocs.schema': 'Le schéma JSON',
  'apiDocs.responseSchema': 'Le schéma de la réponse {status}',
} as const;

export const en: { readonly [K in keyof typeof fr]: string } = {
  'firstUse.image.fileWithOtherChoice':
    'You chose a file while “{choice}” was selected. The file is now the one chosen (preview below): save to use it, or select “{choice}” to leave it aside.',

  'apiDocs.title': 'API reference',
  'apiDocs.intro':
    'Insigne’s REST API, for the structures’ software: award, read and revoke badges, and verify anyone’s. This page is read from the OpenAPI document, which your tools can load as it is.',
  'apiDocs.englishNote': 'The operations are described in English, as in the OpenAPI document.',
  'apiDocs.document': 'The OpenAPI document',
  'apiDocs.version': 'Version',
  'apiDocs.server': 'API address',
  'apiDocs.contents': 'Contents',
  'apiDocs.auth.token': 'API token required (Authorization: Bearer header)',
  'apiDocs.auth.none': 'No token',
  'apiDocs.parameters': 'Parameters',
  'apiDocs.parameters.caption': 'Parameters of {operation}',
  'apiDocs.body': 'Request body ({type})',
  'apiDocs.body.caption': 'Body fields of {operation} ({type})',
  'apiDocs.col.name': 'Name',
  'apiDocs.col.where': 'In',
  'apiDocs.col.type': 'Type',
  'apiDocs.col.required': 'Required',
  'apiDocs.col.description': 'Description',
  'apiDocs.yes': 'yes',
  'apiDocs.no': 'no',
  'apiDocs.where.path': 'path',
  'apiDocs.where.query': 'query string',
  'apiDocs.where.header': 'header',
  'apiDocs.where.cookie': 'cookie',
  'apiDocs.responses': 'Responses',
  'apiDocs.schema': 'The JSON schema',
  'apiDocs.responseSchema': 'The schema of the {status} response',
};
