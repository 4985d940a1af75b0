/** The learner space, sharing and privacy (issue 4): French first; every key must exist in both. */
export const fr = {
} as const;

export const en: { readonly [K in keyof typeof fr]: string } = {
};
