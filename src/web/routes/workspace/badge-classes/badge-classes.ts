import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Actor } from '../../../../services/audit.ts';
import { BadgeClassRefusal } from '../../../../services/badge-classes.ts';
import { DomainError } from '../../../../services/errors.ts';
import type { Services } from '../../../../services/index.ts';
import { translate } from '../../../locale.ts';
import { firstSubmission } from '../../../once.ts';
import { actorOf, currentStructureId, requireRole } from '../../../plugins/session.ts';
import { refusalText } from '../../../refusals.ts';
import { idParams } from '../../../schemas.ts';
import {
  type EditorTarget,
  handleEditorPost,
  isEditorTooLarge,
  newValues,
  renderEditor,
  renderImageTooLarge,
  valuesFromDefinition,
} from './editor.ts';
import { badgeClassImagePath, noticeOf, noticeQuery } from './notices.ts';
import { isCatalogueCopy } from '../../../../services/rules/catalogue-copy.ts';

/** How many of the structure's latest proposals its badge list shows (all are on the catalogue page). */
const PROPOSALS_SHOWN = 5;

/** A structure's badge classes: the list, the editor (admins), one badge class and its actions (archive, propose to the catalogue). */
export async function badgeClassRoutes(fastify: FastifyInstance, { services }: { services: Services }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const isAdmin = (request: FastifyRequest) => request.auth?.current?.role === 'admin';
  const advisor = { onRequest: requireRole('advisor') };
  const admin = { onRequest: requireRole('admin') };

  // ----- The list

  app.get('/espace/badges', { ...advisor, schema: { querystring: noticeQuery } }, async (request, reply) => {
    const structureId = currentStructureId(request);
    const { live, archived } = await services.badgeClasses.overview(structureId);
    // The Région's answers to the structure's proposals, where it looks at its badges (the latest few).
    const proposals = (await services.catalogue.proposalsOf(structureId)).slice(0, PROPOSALS_SHOWN);
    const decorate = <T extends { id: string }>(row: T) => ({
      ...row,
      imageUrl: badgeClassImagePath(row.id),
      url: `/espace/badges/${row.id}`,
    });
    return reply.view('pages/workspace/badge-classes/list.eta', {
      title: translate(request)('badgeClasses.list.title'),
      structureName: request.auth!.current!.structureName,
      live: live.map(decorate),
      archived: archived.map(decorate),
      isAdmin: isAdmin(request),
      notice: noticeOf(request.query),
      proposals: proposals.map((p) => ({ ...p, url: p.proposedFromBadgeClassId ? `/espace/badges/${p.proposedFromBadgeClassId}` : null })),
    });
  });

  // ----- The editor (structure admins)

  // A file far over the limit stops the post while it is read: the editor again, saying why.
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    if (isEditorTooLarge(error, request, ['/espace/badges/nouveau', '/espace/badges/:id/modifier'])) {
      if (request.routeOptions.url === '/espace/badges/nouveau')
        return renderImageTooLarge(request, reply, { kind: 'create' }, newValues());
      const id = idParams.safeParse(request.params);
      if (id.success) {
        const { details, target } = await editTarget(request, id.data.id);
        return renderImageTooLarge(request, reply, target, valuesFromDefinition(details.row));
      }
    }
    throw error;
  });

  app.get('/espace/badges/nouveau', admin, async (request, reply) => renderEditor(request, reply, { kind: 'create' }, newValues()));

  app.post('/espace/badges/nouveau', admin, async (request, reply) => {
    const structureId = currentStructureId(request);
    return handleEditorPost(request, reply, { kind: 'create' }, async (definition, image) => {
      // The same form saved twice makes one badge: the repeat goes to the list, where it shows.
      if (!(await firstSubmission(services, request))) return reply.redirect('/espace/badges', 303);
      const row = await services.badgeClasses.create(structureId, definition, image!, actorOf(request));
      return reply.redirect(`/espace/badges/${row.id}?fait=cree`, 303);
    });
  });

  async function editTarget(request: FastifyRequest, id: string) {
    const details = await services.badgeClasses.details(currentStructureId(request), id);
    if (details.row.archivedAt) throw new DomainError('badge_class_archived', 409);
    const target: EditorTarget = {
      kind: 'edit',
      id: details.row.id,
      version: details.row.version,
      awarded: details.awarded,
      currentImage: badgeClassImagePath(details.row.id),
      catalogue: isCatalogueCopy(details.row) ? details.row : null,
    };
    return { details, target };
  }

  app.get('/espace/badges/:id/modifier', { ...admin, schema: { params: idParams } }, async (request, reply) => {
    const { details, target } = await editTarget(request, request.params.id);
    return renderEditor(request, reply, target, valuesFromDefinition(details.row));
  });

  app.post('/espace/badges/:id/modifier', { ...admin, schema: { params: idParams } }, async (request, reply) => {
    const { details, target } = await editTarget(request, request.params.id);
    return handleEditorPost(request, reply, target, async (posted, image, local) => {
      const row = details.row;
      // A catalogue copy keeps the catalogue's fields exactly as stored (the service refuses any change of them).
      const definition = isCatalogueCopy(row)
        ? { ...posted, name: row.name, description: row.description, criteriaNarrative: row.criteriaNarrative, alignment: row.alignment }
        : posted;
      const result = await services.badgeClasses.update(
        currentStructureId(request),
        row.id,
        definition,
        isCatalogueCopy(row) ? null : image,
        actorOf(request),
        local,
      );
      const done = result.versioned ? 'version' : result.changed.length ? 'modifie' : 'inchange';
      return reply.redirect(`/espace/badges/${result.row.id}?fait=${done}`, 303);
    });
  });

  /**
   * « Faire mon propre badge à partir de celui-ci »: the editor of a new badge,
   * filled in from a catalogue copy, without the regional alignment and with
   * an image of its own to make. Saved, it is the structure's own badge
   * (no catalogue key): labelled as its own, not counted for the general badge.
   */
  app.get('/espace/badges/:id/copier', { ...admin, schema: { params: idParams } }, async (request, reply) => {
    const t = translate(request);
    const { row } = await services.badgeClasses.details(currentStructureId(request), request.params.id);
    const values = valuesFromDefinition({
      ...row,
      name: t('programme.copy.ownName', { name: row.name, structure: request.auth!.current!.structureName }),
      alignment: [],
      localNote: null,
    });
    return renderEditor(request, reply, { kind: 'create', copyOf: row.name }, { ...values, imageSource: 'generate' });
  });

  // ----- One badge class

  async function renderBadgeClass(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    state: { notice?: ReturnType<typeof noticeOf>; refusal?: DomainError<string> } = {},
  ) {
    const structureId = currentStructureId(request);
    const details = await services.badgeClasses.details(structureId, id);
    const { row } = details;
    const view = await services.catalogue.forStructure(structureId);
    const pendingProposal = view.ownBadgeClasses.find((b) => b.id === row.id)?.proposed ?? false;
    // The latest proposal of this badge and the Région's answer (its reason, when declined), said plainly here.
    const proposal = view.proposals.find((p) => p.proposedFromBadgeClassId === row.id) ?? null;
    return reply.view('pages/workspace/badge-classes/show.eta', {
      title: row.name,
      badgeClass: { ...row, imagePng: undefined, imageSvg: undefined },
      awarded: details.awarded,
      nextVersion: details.nextVersion,
      previousVersion: details.previousVersion,
      imageUrl: badgeClassImagePath(row.id),
      publicUrl: services.urls.badgeClass(row.id),
      isAdmin: isAdmin(request),
      canPropose: !row.archivedAt && !row.catalogueKey && !pendingProposal,
      canDelete: details.awarded === 0 && !details.nextVersion && !pendingProposal,
      isCatalogueCopy: isCatalogueCopy(row),
      structureName: request.auth!.current!.structureName,
      pendingProposal,
      proposal,
      notice: state.notice ?? null,
      refusal: state.refusal ? refusalText(translate(request), state.refusal) : null,
    });
  }

  app.get('/espace/badges/:id', { ...advisor, schema: { params: idParams, querystring: noticeQuery } }, async (request, reply) =>
    renderBadgeClass(request, reply, request.params.id, { notice: noticeOf(request.query) }),
  );

  /** An action of the badge class's page: done, back to the page saying so; refused (409), the page saying why. */
  const badgeClassAction = (path: string, run: (structureId: string, id: string, actor: Actor) => Promise<unknown>, done: string) =>
    app.post(path, { ...admin, schema: { params: idParams } }, async (request, reply) => {
      const id = request.params.id;
      try {
        await run(currentStructureId(request), id, actorOf(request));
      } catch (error) {
        if (error instanceof DomainError && error.status === 409) return renderBadgeClass(request, reply.code(409), id, { refusal: error });
        throw error;
      }
      return reply.redirect(`/espace/badges/${id}?fait=${done}`, 303);
    });

  // ----- Deleting a badge class never awarded: a page that asks, then the post.

  async function renderDelete(request: FastifyRequest, reply: FastifyReply, id: string, refusal?: DomainError<string>) {
    const t = translate(request);
    const details = await services.badgeClasses.details(currentStructureId(request), id);
    const { row } = details;
    // Said at once, before the question: awarded badges must stay verifiable.
    const known =
      refusal ??
      (details.awarded > 0
        ? new BadgeClassRefusal('has_awards', { count: details.awarded })
        : details.nextVersion
          ? new BadgeClassRefusal('has_versions')
          : undefined);
    return reply.view('pages/workspace/badge-classes/delete.eta', {
      title: known ? t('badgeClasses.delete.refusedTitle') : t('badgeClasses.delete.title', { name: row.name }),
      badgeClass: { id: row.id, name: row.name, catalogueKey: row.catalogueKey },
      refusal: known ? refusalText(t, known) : null,
    });
  }

  app.get('/espace/badges/:id/supprimer', { ...admin, schema: { params: idParams } }, async (request, reply) =>
    renderDelete(request, reply, request.params.id),
  );

  app.post('/espace/badges/:id/supprimer', { ...admin, schema: { params: idParams } }, async (request, reply) => {
    const id = request.params.id;
    // Sent twice (a double click): the second finds it gone, and goes where the first went.
    if (!(await firstSubmission(services, request))) return reply.redirect('/espace/badges?fait=supprime', 303);
    try {
      await services.badgeClasses.delete(currentStructureId(request), id, actorOf(request));
    } catch (error) {
      if (error instanceof DomainError && error.status === 409) return renderDelete(request, reply.code(409), id, error);
      throw error;
    }
    return reply.redirect('/espace/badges?fait=supprime', 303);
  });

  badgeClassAction('/espace/badges/:id/archiver', (s, id, a) => services.badgeClasses.archive(s, id, a), 'archive');
  badgeClassAction('/espace/badges/:id/desarchiver', (s, id, a) => services.badgeClasses.unarchive(s, id, a), 'desarchive');
  badgeClassAction('/espace/badges/:id/proposer', (s, id, a) => services.catalogue.propose(s, id, a), 'propose');
}
