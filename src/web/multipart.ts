import type { FastifyInstance, FastifyRequest } from 'fastify';

/** An uploaded file as routes receive it. */
export interface UploadedFile {
  fileName: string;
  bytes: Uint8Array;
}

/** The code of the 413 a form with more than `maxParts` parts gets (a body past `bodyLimit` is fastify's FST_ERR_CTP_BODY_TOO_LARGE). */
export const TOO_MANY_PARTS = 'INSIGNE_TOO_MANY_PARTS';

export const isUploadedFile = (value: unknown): value is UploadedFile =>
  typeof value === 'object' && value !== null && 'bytes' in value && (value as UploadedFile).bytes instanceof Uint8Array;

/**
 * A file the person chose. A browser sends a form whose file input was left
 * empty with a part that has no name and no bytes: that is « no file
 * chosen », not an empty file.
 */
export const isChosenFile = (value: unknown): value is UploadedFile =>
  isUploadedFile(value) && (value.fileName !== '' || value.bytes.length > 0);

/**
 * The one multipart parser of the site's upload forms (the workspace's badge
 * images, CSV imports and logos, « Vérifier un badge »'s file, the one-click
 * unsubscribe). Lets the calling plugin (only it) accept multipart forms, parsed into the
 * same plain object a urlencoded form gives (files as { fileName, bytes }).
 * The workspace's CSRF check is a preValidation hook of the parent plugin,
 * which runs before any hook of the route's plugin — so before
 * @fastify/multipart's attachFieldsToBody could fill the body: the body must
 * be complete when the parser returns. fastify bounds the bytes (bodyLimit,
 * 413) before we see them; the parsing itself is undici's (Response.formData).
 */
export function acceptMultipartForms(app: FastifyInstance, limits: { bodyLimit: number; maxParts: number }): void {
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: limits.bodyLimit }, (request, body, done) => {
    parseMultipartForm(request, body as Buffer, limits.maxParts).then(
      (parsed) => done(null, parsed),
      (error: Error) => done(error, undefined),
    );
  });
}

async function parseMultipartForm(request: FastifyRequest, body: Buffer, maxParts: number): Promise<Record<string, unknown>> {
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(body.buffer, body.byteOffset, body.byteLength) as Uint8Array<ArrayBuffer>, {
      headers: { 'content-type': String(request.headers['content-type']) },
    }).formData();
  } catch {
    throw Object.assign(new Error('malformed multipart body'), { statusCode: 400 });
  }
  const out: Record<string, unknown> = Object.create(null);
  let parts = 0;
  for (const [name, value] of form) {
    if (++parts > maxParts) throw Object.assign(new Error('too many parts'), { statusCode: 413, code: TOO_MANY_PARTS });
    const item: unknown =
      typeof value === 'string'
        ? value
        : ({ fileName: value.name, bytes: new Uint8Array(await value.arrayBuffer()) } satisfies UploadedFile);
    // Repeated fields stay repeated (an array): the CSRF check refuses them.
    const previous = out[name];
    out[name] = previous === undefined ? item : Array.isArray(previous) ? [...previous, item] : [previous, item];
  }
  return out;
}
