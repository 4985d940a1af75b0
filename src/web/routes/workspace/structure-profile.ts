import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { MessageKey } from '../../../i18n/index.ts';
import type { Services } from '../../../services/index.ts';
import { checkUploadedImage, MAX_IMAGE_BYTES, UploadedImageError } from '../../../services/images/uploads.ts';
import { structureProfileInput } from '../../../services/structures.ts';
import { type FieldErrors, fieldErrors, formBody, formPage, textValues } from '../../forms.ts';
import { translate } from '../../locale.ts';
import { acceptMultipartForms, isChosenFile } from '../../multipart.ts';
import { actorOf, currentStructureId, requireRole } from '../../plugins/session.ts';
import { viewContext } from '../../plugins/views.ts';
import { refusalText } from '../../refusals.ts';
import { query } from '../../schemas.ts';

const PROFILE_FIELDS: [string, MessageKey][] = [
  ['name', 'accounts.structure.name'],
  ['url', 'accounts.structure.url'],
  ['email', 'accounts.structure.email'],
  ['description', 'accounts.structure.description'],
  ['telephone', 'accounts.structure.telephone'],
];

/** How much of a structure's fields a refused form shows again (the structure page and the Région's new structure). */
export const STRUCTURE_FIELD_LIMITS = { name: 200, url: 2000, email: 320, description: 2000 };

/** A structure's fields, with the words a person needs for the two whose rules are not obvious. */
export function structureFieldErrors(error: z.ZodError, request: FastifyRequest, body: Record<string, unknown>): FieldErrors {
  const t = translate(request);
  const errors = fieldErrors(error, t, body);
  const filled = (field: string) => typeof body[field] === 'string' && (body[field] as string).trim() !== '';
  if (errors.url && filled('url') && !(typeof body.url === 'string' && body.url.length > 2000))
    errors.url = t('accounts.structure.url.invalid');
  if (errors.telephone && filled('telephone')) {
    errors.telephone =
      typeof body.telephone === 'string' && body.telephone.trim().length > 30
        ? t('form.tooLong', { max: 30 })
        : t('accounts.structure.telephone.invalid');
  }
  return errors;
}

/** A logo's file, the CSRF field and the multipart framing; past it, 413 before anything is read. */
const LOGO_BODY_LIMIT = MAX_IMAGE_BYTES + 64 * 1024;
const LOGO_OPTIONS = { minPixels: 32, maxAspectRatio: 4 };

/** The structure's public profile: what its issuer Profile publishes, for its administrators. */
export async function structureProfileRoutes(fastify: FastifyInstance, { services }: { services: Services }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const admin = { onRequest: requireRole('admin') };
  // The logo form is multipart; at most a few fields and the file.
  acceptMultipartForms(app, { bodyLimit: LOGO_BODY_LIMIT, maxParts: 10 });

  // A logo past the limit is refused while the body is read: the profile page
  // again with the same words as a checked file too large, never a bare 413 page.
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    if (
      error.statusCode === 413 &&
      request.method === 'POST' &&
      request.url.split('?')[0] === '/espace/structure/logo' &&
      request.auth?.current?.role === 'admin'
    ) {
      // Refused while reading the body: the preHandler that sets up the views has not run.
      if (typeof reply.locals?.t !== 'function') reply.locals = { ...reply.locals, ...viewContext(request) };
      const tooLarge = new UploadedImageError('too_large', { kilobytes: Math.round(MAX_IMAGE_BYTES / 1024) });
      return renderProfile(request, reply.code(413), { logoError: refusalText(translate(request), tooLarge) });
    }
    throw error;
  });

  async function renderProfile(
    request: FastifyRequest,
    reply: FastifyReply,
    form: { values?: Record<string, string>; errors?: FieldErrors; logoError?: string } = {},
  ) {
    const t = translate(request);
    const structureId = currentStructureId(request);
    const structure = await services.structures.get(structureId);
    const page = formPage(t, t('accounts.profile.title'), form.errors, PROFILE_FIELDS);
    const query = request.query as z.infer<typeof profileQuery>;
    return reply.view('pages/workspace/profile.eta', {
      ...page,
      structure,
      issuerUrl: services.urls.issuer(structureId),
      logoUrl: structure.logoMime ? services.urls.issuerImage(structureId) : null,
      values: form.values ?? {
        name: structure.name,
        url: structure.url,
        email: structure.email,
        description: structure.description ?? '',
        telephone: structure.telephone ?? '',
      },
      saved: query.enregistre === '1' && !page.summary.length && !form.logoError,
      logoNotice: form.logoError
        ? null
        : query.logo === 'publie'
          ? t('accounts.profile.logo.saved')
          : query.logo === 'retire'
            ? t('accounts.profile.logo.removed')
            : null,
      logoError: form.logoError ?? null,
      logoSummary: form.logoError ? [{ field: 'logo', label: t('accounts.profile.logo.file'), message: form.logoError }] : [],
    });
  }

  // What the redirect after a save says was done.
  const profileQuery = query({ enregistre: z.string().optional().catch(undefined), logo: z.string().optional().catch(undefined) });
  const profilePage = { ...admin, schema: { querystring: profileQuery } };

  app.get('/espace/structure', profilePage, async (request, reply) => renderProfile(request, reply));

  app.post('/espace/structure', profilePage, async (request, reply) => {
    const body = formBody(request.body);
    const values = textValues(body, { ...STRUCTURE_FIELD_LIMITS, telephone: 30 });
    const input = {
      name: body.name,
      url: body.url,
      email: body.email,
      description: body.description ?? '',
      telephone: body.telephone ?? '',
    };
    const parsed = structureProfileInput.safeParse(input);
    if (!parsed.success) {
      return renderProfile(request, reply.code(422), { values, errors: structureFieldErrors(parsed.error, request, body) });
    }
    await services.structures.updateProfile(currentStructureId(request), parsed.data, actorOf(request));
    return reply.redirect('/espace/structure?enregistre=1', 303);
  });

  app.post('/espace/structure/logo', profilePage, async (request, reply) => {
    const t = translate(request);
    const upload = formBody(request.body).logo;
    if (!isChosenFile(upload)) return renderProfile(request, reply.code(422), { logoError: t('accounts.profile.logo.error.noFile') });
    let checked;
    try {
      checked = checkUploadedImage(upload.bytes, upload.fileName, LOGO_OPTIONS);
    } catch (error) {
      if (!(error instanceof UploadedImageError)) throw error;
      return renderProfile(request, reply.code(422), { logoError: refusalText(t, error) });
    }
    // Published as PNG (an SVG is sanitised, then rendered): what every badge backpack shows.
    await services.structures.updateLogo(currentStructureId(request), { mime: 'image/png', bytes: checked.png }, actorOf(request));
    return reply.redirect('/espace/structure?logo=publie#logo-title', 303);
  });

  app.post('/espace/structure/logo/retirer', admin, async (request, reply) => {
    await services.structures.updateLogo(currentStructureId(request), null, actorOf(request));
    return reply.redirect('/espace/structure?logo=retire#logo-title', 303);
  });
}
