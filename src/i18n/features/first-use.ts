/** Issue 11, the small frictions of a first use: the image choice, the API reference. French first; every key must exist in both. */
export const fr = {
  'firstUse.image.fileWithOtherChoice':
    'Vous avez choisi un fichier alors que « {choice} » était coché. Le fichier est maintenant retenu (aperçu ci-dessous) : enregistrez pour l’utiliser, ou cochez « {choice} » pour le laisser de côté.',
} as const;

export const en: { readonly [K in keyof typeof fr]: string } = {
  'firstUse.image.fileWithOtherChoice':
    'You chose a file while “{choice}” was selected. The file is now the one chosen (preview below): save to use it, or select “{choice}” to leave it aside.',
};
