import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { uuid } from '../../../services/ids.ts';
import { FRAMEWORK, REGIONAL_CATALOGUE } from '../../../catalogue/regional.ts';
import type { Services } from '../../../services/index.ts';
import { FORM_LIMIT } from '../../plugins/rate-limits.ts';
import { renderAssertionPage } from './html-pages.ts';
import { translate } from '../../locale.ts';

export async function pageRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/', async (_request, reply) =>
    reply.view('pages/home.eta', { title: null, setupNeeded: await services.auth.setupNeeded() }),
  );

  // What the platform keeps about people, and how they exercise their rights (GDPR, articles 13 and 14).
  r.get('/donnees-personnelles', async (request, reply) =>
    reply.view('pages/privacy.eta', { title: translate(request)('privacy.title') }),
  );

  r.get('/referentiel', async (_request, reply) =>
    reply.view('pages/framework.eta', { title: FRAMEWORK.title, framework: FRAMEWORK, catalogue: REGIONAL_CATALOGUE }),
  );

  // The recruiter's email check: a POST so the address never lands in a URL,
  // a history or a log; it changes nothing. A « Non » repeats the address
  // checked (escaped, to the one who typed it, never cached), so a typo shows;
  // a « Oui » does not, so the learner's own address is never written out.
  r.post(
    '/assertions/:assertionId/recipient-check',
    {
      config: { rateLimit: FORM_LIMIT },
      schema: {
        params: z.object({ assertionId: uuid }),
        body: z.object({ email: z.string().trim().max(320) }),
      },
    },
    async (request, reply) => {
      const email = request.body.email;
      if (!/^[^\s@]+@[^\s@]+$/.test(email)) {
        return renderAssertionPage(request, reply, services, request.params.assertionId, { matches: false, invalid: true });
      }
      const matches = await services.publication.recipientMatches(request.params.assertionId, email);
      return renderAssertionPage(request, reply, services, request.params.assertionId, { matches, ...(matches ? {} : { email }) });
    },
  );
}
