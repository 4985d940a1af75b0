/** Single award, CSV award and the general badge (issue 3): French first; every key must exist in both. */
export const fr = {
} as const;

export const en: { readonly [K in keyof typeof fr]: string } = {
};
