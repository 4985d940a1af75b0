import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError, notFound } from '../../../../services/errors.ts';
import type { Services } from '../../../../services/index.ts';
import { formBody, TEXT_FORBIDDEN, textValue } from '../../../forms.ts';
import { translate } from '../../../locale.ts';
import { firstSubmission } from '../../../once.ts';
import { actorOf, currentStructureId, requirePlatformAdmin, requireRole, requireUser } from '../../../plugins/session.ts';
import { refusalText } from '../../../refusals.ts';
import { idParams } from '../../../schemas.ts';
import {
  handleEditorPost,
  isEditorTooLarge,
  newValues,
  renderEditor,
  renderImageTooLarge,
  valuesFromDefinition,
  zodMessage,
} from './editor.ts';
import { badgeClassImagePath, catalogueImagePath, noticeOf, noticeQuery } from './notices.ts';

/** The Région's catalogue page after an edit: how many structures' badges changed with the entry. */
const platformNoticeQuery = noticeQuery.extend({ structures: z.coerce.number().int().min(0).max(1_000_000).optional().catch(undefined) });

/** A catalogue entry's key, as the regional catalogue and the Région's additions name them. */
const catalogueKey = z.string().regex(/^[a-z0-9][a-z0-9-]{0,80}$/);

/** Why the Région declines a proposal: told to the structure that made it. */
const declineNote = z
  .string()
  .transform((v) => v.replace(/\r\n?/g, '\n').trim())
  .pipe(
    z
      .string()
      .min(1)
      .max(1000)
      .refine((v) => !TEXT_FORBIDDEN.test(v), 'control_characters'),
  );

/**
 * The shared catalogue: a structure's page of it (adopting a badge), its
 * images, and the Région's page (adding, withdrawing, accepting or declining
 * a structure's proposal).
 */
export async function catalogueRoutes(fastify: FastifyInstance, { services }: { services: Services }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const admin = { onRequest: requireRole('admin') };
  const platformAdmin = { onRequest: requirePlatformAdmin };

  // ----- A structure's catalogue page

  async function renderStructureCatalogue(
    request: FastifyRequest,
    reply: FastifyReply,
    state: { notice?: ReturnType<typeof noticeOf>; refusal?: DomainError<string> } = {},
  ) {
    const view = await services.catalogue.forStructure(currentStructureId(request));
    return reply.view('pages/workspace/badge-classes/catalogue.eta', {
      title: translate(request)('catalogue.structure.title'),
      items: view.items.map((item) => ({ ...item, imageUrl: catalogueImagePath(item.key) })),
      proposals: view.proposals.map((p) => ({ ...p, imageUrl: catalogueImagePath(p.key) })),
      ownBadgeClasses: view.ownBadgeClasses.map((b) => ({ ...b, imageUrl: badgeClassImagePath(b.id), url: `/espace/badges/${b.id}` })),
      notice: state.notice ?? null,
      refusal: state.refusal ? refusalText(translate(request), state.refusal) : null,
    });
  }

  app.get('/espace/badges/catalogue', { ...admin, schema: { querystring: noticeQuery } }, async (request, reply) =>
    renderStructureCatalogue(request, reply, { notice: noticeOf(request.query) }),
  );

  app.post(
    '/espace/badges/catalogue/adopter',
    // The key is a hidden field: one that cannot name an entry is an unknown entry (404), like a wrong one.
    { ...admin, schema: { body: z.looseObject({ key: z.string().max(100).catch('') }) } },
    async (request, reply) => {
      const key = catalogueKey.safeParse(request.body.key);
      if (!key.success) throw notFound();
      try {
        const row = await services.catalogue.adopt(currentStructureId(request), key.data, actorOf(request));
        return reply.redirect(`/espace/badges/${row.id}?fait=adopte`, 303);
      } catch (error) {
        if (error instanceof DomainError && error.status === 409)
          return renderStructureCatalogue(request, reply.code(409), { refusal: error });
        throw error;
      }
    },
  );

  // ----- Catalogue images (workspace pages only)

  app.get(
    '/espace/catalogue/images/:key',
    { onRequest: requireUser, schema: { params: z.object({ key: catalogueKey }) } },
    async (request, reply) => {
      const png = await services.catalogue.image(request.params.key, {
        isPlatformAdmin: request.auth!.user.isPlatformAdmin,
        structureId: request.auth!.current?.structureId ?? null,
      });
      return reply.type('image/png').header('x-content-type-options', 'nosniff').send(Buffer.from(png));
    },
  );

  // ----- The Région's catalogue

  async function renderPlatformCatalogue(
    request: FastifyRequest,
    reply: FastifyReply,
    form: {
      notice?: ReturnType<typeof noticeOf>;
      noticeParams?: Record<string, number>;
      refusal?: DomainError<string>;
      declineErrors?: Record<string, string>;
      declineNotes?: Record<string, string>;
    } = {},
  ) {
    const view = await services.catalogue.forPlatform();
    return reply.view('pages/workspace/badge-classes/platform-catalogue.eta', {
      title: translate(request)('catalogue.platform.title'),
      items: view.items.map((item) => ({ ...item, imageUrl: catalogueImagePath(item.key) })),
      proposals: view.proposals.map((p) => ({ ...p, imageUrl: catalogueImagePath(p.key) })),
      notice: form.notice ?? null,
      noticeParams: form.noticeParams ?? {},
      refusal: form.refusal ? refusalText(translate(request), form.refusal) : null,
      declineErrors: form.declineErrors ?? {},
      declineNotes: form.declineNotes ?? {},
    });
  }

  app.get('/espace/plateforme/catalogue', { ...platformAdmin, schema: { querystring: platformNoticeQuery } }, async (request, reply) =>
    renderPlatformCatalogue(request, reply, {
      notice: noticeOf(request.query),
      noticeParams: { structures: request.query.structures ?? 0 },
    }),
  );

  app.get('/espace/plateforme/catalogue/nouveau', platformAdmin, async (request, reply) =>
    renderEditor(request, reply, { kind: 'catalogue' }, newValues()),
  );

  // ----- Editing a published shared entry: every structure's copy follows (CatalogueService.editShared)

  const EDIT_PATH = '/espace/plateforme/catalogue/:id/modifier';
  const editTarget = (entry: { id: string; key: string }) =>
    ({ kind: 'catalogue-edit', id: entry.id, currentImage: catalogueImagePath(entry.key) }) as const;

  /** The entry to edit; one no longer published (withdrawn meanwhile), the catalogue saying why (409). */
  async function entryOrRefusal(id: string, request: FastifyRequest, reply: FastifyReply) {
    try {
      return await services.catalogue.sharedEntry(id);
    } catch (error) {
      if (error instanceof DomainError && error.status === 409) {
        await renderPlatformCatalogue(request, reply.code(409), { refusal: error });
        return null;
      }
      throw error;
    }
  }

  app.get(EDIT_PATH, { ...platformAdmin, schema: { params: idParams } }, async (request, reply) => {
    const entry = await entryOrRefusal(request.params.id, request, reply);
    if (!entry) return reply;
    return renderEditor(request, reply, editTarget(entry), valuesFromDefinition(entry));
  });

  app.post(EDIT_PATH, { ...platformAdmin, schema: { params: idParams } }, async (request, reply) => {
    const entry = await entryOrRefusal(request.params.id, request, reply);
    if (!entry) return reply;
    return handleEditorPost(request, reply, editTarget(entry), async (definition, image) => {
      // The same form saved twice changes the entry once: the repeat goes to the catalogue.
      if (!(await firstSubmission(services, request))) return reply.redirect('/espace/plateforme/catalogue', 303);
      try {
        const { structures } = await services.catalogue.editShared(entry.id, definition, image, services.badgeClasses, actorOf(request));
        return reply.redirect(`/espace/plateforme/catalogue?fait=catalogue-modifie&structures=${structures}`, 303);
      } catch (error) {
        if (error instanceof DomainError && error.status === 409)
          return renderPlatformCatalogue(request, reply.code(409), { refusal: error });
        throw error;
      }
    });
  });

  // A file far over the limit stops the post while it is read: the editor again, saying why.
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    if (isEditorTooLarge(error, request, ['/espace/plateforme/catalogue/nouveau']))
      return renderImageTooLarge(request, reply, { kind: 'catalogue' }, newValues());
    if (isEditorTooLarge(error, request, [EDIT_PATH])) {
      const parsed = idParams.safeParse(request.params);
      const entry = parsed.success ? await services.catalogue.sharedEntry(parsed.data.id).catch(() => null) : null;
      if (entry) return renderImageTooLarge(request, reply, editTarget(entry), valuesFromDefinition(entry));
    }
    throw error;
  });

  app.post('/espace/plateforme/catalogue/nouveau', platformAdmin, async (request, reply) =>
    handleEditorPost(request, reply, { kind: 'catalogue' }, async (definition, image) => {
      // The same form saved twice adds one entry: the repeat goes to the catalogue, where it shows.
      if (!(await firstSubmission(services, request))) return reply.redirect('/espace/plateforme/catalogue', 303);
      await services.catalogue.add(definition, image!, actorOf(request));
      return reply.redirect('/espace/plateforme/catalogue?fait=ajoute', 303);
    }),
  );

  /** An action on a catalogue entry: done, back to the catalogue saying so; refused (409), the catalogue saying why. */
  const platformAction = (path: string, run: (id: string, request: FastifyRequest) => Promise<unknown>, done: string) =>
    app.post(path, { ...platformAdmin, schema: { params: idParams } }, async (request, reply) => {
      try {
        await run(request.params.id, request);
      } catch (error) {
        if (error instanceof DomainError && error.status === 409)
          return renderPlatformCatalogue(request, reply.code(409), { refusal: error });
        throw error;
      }
      return reply.redirect(`/espace/plateforme/catalogue?fait=${done}`, 303);
    });

  platformAction('/espace/plateforme/catalogue/:id/retirer', (id, request) => services.catalogue.withdraw(id, actorOf(request)), 'retire');
  platformAction('/espace/plateforme/catalogue/:id/accepter', (id, request) => services.catalogue.accept(id, actorOf(request)), 'accepte');

  app.post('/espace/plateforme/catalogue/:id/refuser', { ...platformAdmin, schema: { params: idParams } }, async (request, reply) => {
    const id = request.params.id;
    const t = translate(request);
    const sent = textValue(formBody(request.body), 'note', 4000);
    const parsed = declineNote.safeParse(sent);
    if (!parsed.success) {
      return renderPlatformCatalogue(request, reply.code(422), {
        declineErrors: { [id]: zodMessage(parsed, t, sent) },
        declineNotes: { [id]: sent },
      });
    }
    try {
      await services.catalogue.decline(id, parsed.data, actorOf(request));
    } catch (error) {
      if (error instanceof DomainError && error.status === 409)
        return renderPlatformCatalogue(request, reply.code(409), { refusal: error });
      throw error;
    }
    return reply.redirect('/espace/plateforme/catalogue?fait=refuse', 303);
  });
}
