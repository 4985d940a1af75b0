import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { MessageKey } from '../../../../i18n/index.ts';
import { isPlainLine, withoutForbidden } from '../../../../services/inputs.ts';
import type { Services } from '../../../../services/index.ts';
import { translate } from '../../../locale.ts';
import { actorOf, currentStructureId, requireRole } from '../../../plugins/session.ts';
import { pageNumber, query } from '../../../schemas.ts';

const LEARNERS_PER_PAGE = 50;

/** A learner's key in an address (StructureLearnerService.keyOf): what the service looks up, bounded here. */
const learnerParams = z.object({ learnerKey: z.string().max(200) });

/** The structure's learners, one learner's card, and the general badge awarded from it. */
export async function learnerRoutes(fastify: FastifyInstance, { services }: { services: Services }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const advisor = { onRequest: requireRole('advisor') };

  const searchQuery = query({ q: z.string().optional().catch(undefined), page: pageNumber });

  app.get('/espace/apprenants', { ...advisor, schema: { querystring: searchQuery } }, async (request, reply) => {
    const t = translate(request);
    const typed = (request.query.q ?? '').trim().slice(0, 200);
    // A search holding a refused character (a NUL would not even reach the database) is named on the page.
    if (!isPlainLine(typed)) {
      return reply.code(400).view('pages/workspace/awarding/learners.eta', {
        title: t('form.errorTitle', { title: t('awarding.learners.title') }),
        search: withoutForbidden(typed),
        searchError: t('form.controlCharacters'),
        rows: [],
        total: 0,
        page: 1,
        pages: 1,
      });
    }
    const search = typed;
    const page = request.query.page;
    const { rows, total } = await services.structureLearners.list(currentStructureId(request), {
      search: search || undefined,
      page,
      perPage: LEARNERS_PER_PAGE,
    });
    return reply.view('pages/workspace/awarding/learners.eta', {
      title: t('awarding.learners.title'),
      search,
      searchError: null,
      rows,
      total,
      page,
      pages: Math.max(1, Math.ceil(total / LEARNERS_PER_PAGE)),
    });
  });

  async function renderLearner(request: FastifyRequest, reply: FastifyReply, key: string, notice: MessageKey | null = null) {
    const t = translate(request);
    const structureId = currentStructureId(request);
    const learner = await services.structureLearners.find(structureId, key);
    const [awards, general] = await Promise.all([
      services.structureLearners.awardsOf(structureId, learner.email),
      services.structureLearners.generalBadgeStatus(structureId, learner.email),
    ]);
    return reply.view('pages/workspace/awarding/learner.eta', {
      title: t('awarding.learner.title', { name: learner.name }),
      learner,
      awards: awards.map((a) => ({ ...a, status: services.awarding.status(a) })),
      general,
      notice,
      structureId,
    });
  }

  app.get('/espace/apprenants/:learnerKey', { ...advisor, schema: { params: learnerParams } }, async (request, reply) =>
    renderLearner(request, reply, request.params.learnerKey),
  );

  app.post('/espace/apprenants/:learnerKey/badge-general', { ...advisor, schema: { params: learnerParams } }, async (request, reply) => {
    const key = request.params.learnerKey;
    const outcome = await services.structureLearners.awardGeneralBadge(currentStructureId(request), key, actorOf(request));
    if (outcome.status === 'awarded') return reply.redirect(`/espace/delivrer/delivre/${outcome.assertion.id}`, 303);
    const notices: Record<typeof outcome.status, MessageKey> = {
      not_eligible: 'awarding.general.notEligible',
      already_held: 'awarding.general.alreadyHeld',
      no_badge_class: 'awarding.general.noBadgeClass',
    };
    return renderLearner(request, reply.code(409), key, notices[outcome.status]);
  });
}
