import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../../services/index.ts';
import { paths, SECRET_LINKS } from '../../../services/urls.ts';
import { formBody } from '../../forms.ts';
import { acceptMultipartForms } from '../../multipart.ts';
import { translate } from '../../locale.ts';
import { FORM_LIMIT, PAGE_LIMIT } from '../../plugins/rate-limits.ts';

type State = 'confirm' | 'stopped' | 'resumed';

/**
 * The link at the bottom of every email: stop receiving the platform's
 * emails. The token in the link (an HMAC of the address) is the only
 * authority needed, so the page works without an account. GET only shows
 * the choice (mail scanners open links); POST acts, and also answers the
 * one-click unsubscribe of RFC 8058 that mail clients send themselves.
 */
export async function unsubscribeRoutes(app: FastifyInstance, { services }: { services: Services }) {
  // RFC 8058 allows the one-click POST as multipart/form-data; its only field
  // (List-Unsubscribe=One-Click) means "stop", like any POST without action=resume.
  acceptMultipartForms(app, { bodyLimit: 4096, maxParts: 4 });

  const tokenOf = (request: FastifyRequest): unknown =>
    (request.params as { token?: string }).token ?? (request.query as Record<string, unknown>)[SECRET_LINKS.unsubscribe.param];

  async function render(request: FastifyRequest, reply: FastifyReply, state: State | 'invalid') {
    const t = translate(request);
    // The address is in the link: keep it out of caches, referrers and search engines.
    reply.header('cache-control', 'private, no-store').header('referrer-policy', 'no-referrer').header('x-robots-tag', 'noindex');
    if (state === 'invalid') {
      return reply.code(404).view('pages/unsubscribe.eta', { title: t('mail.unsubscribe.invalid.title'), state });
    }
    const email = services.unsubscribe.emailOf(tokenOf(request))!;
    const stoppedAt = await services.mail.stoppedAt(email);
    return reply.view('pages/unsubscribe.eta', {
      title: t('mail.unsubscribe.title'),
      state,
      email,
      stoppedAt,
      action: paths.unsubscribe(services.unsubscribe.tokenFor(email)),
    });
  }

  const show = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!services.unsubscribe.emailOf(tokenOf(request))) return render(request, reply, 'invalid');
    return render(request, reply, 'confirm');
  };

  const act = async (request: FastifyRequest, reply: FastifyReply) => {
    const email = services.unsubscribe.emailOf(tokenOf(request));
    if (!email) return render(request, reply, 'invalid');
    // Anything but an explicit "resume" stops: that is what the one-click POST means.
    if (formBody(request.body).action === 'resume') {
      await services.mail.resumeEmails(email);
      return render(request, reply, 'resumed');
    }
    await services.mail.stopEmails(email);
    return render(request, reply, 'stopped');
  };

  // Limited like every page and form of ours: the tokens cannot be guessed, but nothing needs many tries.
  const page = { config: { rateLimit: PAGE_LIMIT } };
  const form = { config: { rateLimit: FORM_LIMIT } };
  app.get('/courriels/arret/:token', page, show);
  app.get('/courriels/arret', page, show);
  app.post('/courriels/arret/:token', form, act);
  app.post('/courriels/arret', form, act);
}
