import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { MessageKey } from '../../../i18n/index.ts';
import type { Services } from '../../../services/index.ts';
import { checkUploadedImage, MAX_IMAGE_BYTES, UploadedImageError, type UploadedImageErrorCode } from '../../../services/images/uploads.ts';
import { structureProfileInput } from '../../../services/structures.ts';
import { errorSummary, type FieldErrors, fieldErrors, formBody, textValue } from '../../forms.ts';
import { translate } from '../../locale.ts';
import { currentStructureId, requireRole } from '../../plugins/session.ts';
import { acceptMultipartForms } from '../../multipart.ts';

const PROFILE_FIELDS: [string, MessageKey][] = [
  ['name', 'accounts.structure.name'],
  ['url', 'accounts.structure.url'],
  ['email', 'accounts.structure.email'],
  ['description', 'accounts.structure.description'],
  ['telephone', 'accounts.structure.telephone'],
];

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

const LOGO_MESSAGES: Record<UploadedImageErrorCode, MessageKey> = {
  empty: 'accounts.profile.logo.error.empty',
  too_large: 'accounts.profile.logo.error.tooLarge',
  unsupported_type: 'accounts.profile.logo.error.notAnImage',
  type_mismatch: 'accounts.profile.logo.error.typeMismatch',
  not_an_image: 'accounts.profile.logo.error.notAnImage',
  too_small: 'accounts.profile.logo.error.tooSmall',
  too_big_dimensions: 'accounts.profile.logo.error.tooBig',
  not_square: 'accounts.profile.logo.error.shape',
  unsafe_svg: 'accounts.profile.logo.error.unsafe',
};

/** The structure's public profile: what its issuer Profile publishes, for its administrators. */
export async function accountRoutesForAdmins(app: FastifyInstance, { services }: { services: Services }) {
  const admin = { onRequest: requireRole('admin') };
  // The logo form is multipart; at most a few fields and the file.
  acceptMultipartForms(app, { bodyLimit: LOGO_BODY_LIMIT, maxParts: 10 });

  async function renderProfile(
    request: FastifyRequest,
    reply: FastifyReply,
    form: { values?: Record<string, string>; errors?: FieldErrors; logoError?: string } = {},
  ) {
    const t = translate(request);
    const structureId = currentStructureId(request);
    const structure = await services.structures.get(structureId);
    const errors = form.errors ?? {};
    const summary = errorSummary(errors, PROFILE_FIELDS, t);
    const query = (request.query ?? {}) as Record<string, unknown>;
    return reply.view('pages/workspace/profile.eta', {
      title: summary.length ? t('form.errorTitle', { title: t('accounts.profile.title') }) : t('accounts.profile.title'),
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
      errors,
      summary,
      saved: query.enregistre === '1' && !summary.length && !form.logoError,
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

  app.get('/espace/structure', admin, async (request, reply) => renderProfile(request, reply));

  app.post('/espace/structure', admin, async (request, reply) => {
    const body = formBody(request.body);
    const values = {
      name: textValue(body, 'name', 200),
      url: textValue(body, 'url', 2000),
      email: textValue(body, 'email', 320),
      description: textValue(body, 'description', 2000),
      telephone: textValue(body, 'telephone', 30),
    };
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
    await services.structures.updateProfile(currentStructureId(request), parsed.data, { kind: 'user', userId: request.auth!.user.id });
    return reply.redirect('/espace/structure?enregistre=1', 303);
  });

  app.post('/espace/structure/logo', admin, async (request, reply) => {
    const t = translate(request);
    const file = formBody(request.body).logo;
    if (!file || typeof file !== 'object' || Array.isArray(file) || !((file as { bytes?: unknown }).bytes instanceof Uint8Array)) {
      return renderProfile(request, reply.code(422), { logoError: t('accounts.profile.logo.error.noFile') });
    }
    const upload = file as { fileName: string; bytes: Uint8Array };
    let checked;
    try {
      checked = checkUploadedImage(upload.bytes, upload.fileName, LOGO_OPTIONS);
    } catch (error) {
      if (!(error instanceof UploadedImageError)) throw error;
      return renderProfile(request, reply.code(422), { logoError: t(LOGO_MESSAGES[error.code], error.params) });
    }
    // Published as PNG (an SVG is sanitised, then rendered): what every badge backpack shows.
    await services.structures.updateLogo(
      currentStructureId(request),
      { mime: 'image/png', bytes: checked.png },
      { kind: 'user', userId: request.auth!.user.id },
    );
    return reply.redirect('/espace/structure?logo=publie#logo-title', 303);
  });

  app.post('/espace/structure/logo/retirer', admin, async (request, reply) => {
    await services.structures.updateLogo(currentStructureId(request), null, { kind: 'user', userId: request.auth!.user.id });
    return reply.redirect('/espace/structure?logo=retire#logo-title', 303);
  });
}
