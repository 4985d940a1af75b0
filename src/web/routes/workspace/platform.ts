import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { MessageKey } from '../../../i18n/index.ts';
import { DomainError } from '../../../services/errors.ts';
import type { Services } from '../../../services/index.ts';
import { email as emailInput } from '../../../services/inputs.ts';
import { LikelyDuplicateRefusal, structureDescription, structureProfileInput } from '../../../services/structures.ts';
import { uuid } from '../../../services/ids.ts';
import { type FieldErrors, formBody, formPage, textValues } from '../../forms.ts';
import { localeOf, translate } from '../../locale.ts';
import { firstSubmission } from '../../once.ts';
import { actorOf, requirePlatformAdmin } from '../../plugins/session.ts';
import { query } from '../../schemas.ts';
import { STRUCTURE_FIELD_LIMITS, structureFieldErrors } from './structure-profile.ts';

const NEW_STRUCTURE_FIELDS: [string, MessageKey][] = [
  ['name', 'accounts.structure.name'],
  ['url', 'accounts.structure.url'],
  ['email', 'accounts.structure.email'],
  ['description', 'accounts.structure.description'],
  ['adminEmail', 'accounts.structures.adminEmail'],
];

const newStructureForm = structureProfileInput.omit({ telephone: true }).extend({
  description: structureDescription.optional(),
  adminEmail: emailInput,
});

/** After opening a structure: which one, and the address its first admin was invited at. */
const structuresQuery = query({ ouverte: uuid.optional().catch(undefined), email: z.string().max(320).optional().catch(undefined) });

/** The Région's view of the programme: every structure and its figures, and opening a new one. */
export async function platformRoutes(fastify: FastifyInstance, { services }: { services: Services }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const structuresPage = { onRequest: requirePlatformAdmin, schema: { querystring: structuresQuery } };

  async function renderStructures(
    request: FastifyRequest,
    reply: FastifyReply,
    form: { values?: Record<string, string>; errors?: FieldErrors; duplicates?: LikelyDuplicateRefusal['duplicates'] } = {},
  ) {
    const t = translate(request);
    const { totals, structures } = await services.workspace.platformOverview();
    const sent = request.query as z.infer<typeof structuresQuery>;
    const created = sent.ouverte && sent.email ? structures.find((s) => s.id === sent.ouverte) : undefined;
    const page = formPage(t, t('structures.title'), form.errors, NEW_STRUCTURE_FIELDS);
    return reply.view('pages/workspace/structures.eta', {
      title: page.title,
      totals,
      structures,
      created: created
        ? {
            id: created.id,
            name: created.name,
            text: t(services.mail.configured ? 'accounts.structures.created' : 'accounts.structures.created.held', {
              structure: created.name,
              email: sent.email ?? '',
            }),
          }
        : null,
      newStructure: { values: form.values ?? {}, errors: page.errors, summary: page.summary, duplicates: form.duplicates ?? [] },
    });
  }

  app.get('/espace/structures', structuresPage, async (request, reply) => renderStructures(request, reply));

  app.post('/espace/structures', structuresPage, async (request, reply) => {
    const body = formBody(request.body);
    const values = textValues(body, { ...STRUCTURE_FIELD_LIMITS, adminEmail: 320 });
    const input = {
      name: body.name,
      url: body.url,
      email: body.email,
      description: typeof body.description === 'string' && body.description.trim() === '' ? undefined : body.description,
      adminEmail: body.adminEmail,
    };
    const parsed = newStructureForm.safeParse(input);
    if (!parsed.success) {
      return renderStructures(request, reply.code(422), { values, errors: structureFieldErrors(parsed.error, request, body) });
    }
    const { adminEmail, ...structure } = parsed.data;
    // A likely duplicate is asked about before the form's one-time key is used: the confirmed form comes back with a fresh one.
    if (body.confirmDuplicate !== 'oui') {
      const duplicates = await services.structures.likelyDuplicates(structure);
      if (duplicates.length) return renderStructures(request, reply.code(409), { values, duplicates });
    }
    // The same form sent twice opens one structure: the repeat goes to the list, where it shows.
    if (!(await firstSubmission(services, request))) return reply.redirect('/espace/structures', 303);
    let created;
    try {
      created = await services.accounts.createStructureWithAdmin(structure, adminEmail, actorOf(request), localeOf(request), {
        confirmDuplicate: body.confirmDuplicate === 'oui',
      });
    } catch (error) {
      // Same name or same site as a structure already there: shown with it, and opened only once confirmed.
      if (error instanceof LikelyDuplicateRefusal) {
        return renderStructures(request, reply.code(409), { values, duplicates: error.duplicates });
      }
      if (error instanceof DomainError && error.code === 'validation_failed') {
        return renderStructures(request, reply.code(422), { values, errors: { adminEmail: translate(request)('form.email') } });
      }
      throw error;
    }
    const email = adminEmail.trim().toLowerCase();
    return reply.redirect(`/espace/structures?ouverte=${created.id}&email=${encodeURIComponent(email)}`, 303);
  });
}
