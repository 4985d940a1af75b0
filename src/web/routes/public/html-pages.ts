import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Translate } from '../../../i18n/index.ts';
import type { Services } from '../../../services/index.ts';
import { isolate, sentenceHtml } from '../../bidi.ts';

export type AssertionStatus = 'valid' | 'expired' | 'revoked' | 'invalid';

/**
 * The recruiter's verification page: the assertion URL opened in a browser.
 * The status comes from checking the signed badge as any verifier would, so
 * the page never claims more than the check proves.
 */
export async function renderAssertionPage(
  _request: FastifyRequest,
  reply: FastifyReply,
  services: Services,
  assertionId: string,
  recipientCheck?: { matches: boolean; invalid?: boolean; email?: string },
) {
  const view = await services.publication.verificationView(assertionId);
  // The Open Badges 3.0 form of the same award, checked as a wallet would.
  const openBadges3 = await services.openBadges3.check(assertionId);
  const { assertion, badgeClass, structure, report } = view;
  const status: AssertionStatus = assertion.revokedAt
    ? 'revoked'
    : report.status === 'expired'
      ? 'expired'
      : report.valid
        ? 'valid'
        : 'invalid';
  const urls = services.urls;
  return reply
    .code(assertion.revokedAt ? 410 : 200)
    .header('vary', 'Accept')
    // The answer to a recipient check shows the address typed: kept by no cache.
    .header('cache-control', recipientCheck ? 'no-store' : 'no-cache')
    .view('pages/assertion.eta', {
      title: `${isolate(badgeClass.name)} — ${isolate(structure.name)}`,
      status,
      isolate,
      sentenceHtml,
      assertion,
      nameHidden: view.nameHidden,
      badgeClass,
      structure,
      report,
      openBadges3,
      recipientCheck,
      assertionUrl: urls.assertion(assertion.id),
      issuerUrl: urls.issuer(structure.id),
      badgeClassUrl: urls.badgeClass(badgeClass.id),
      imageUrl: urls.badgeClassImage(badgeClass.id, 'png'),
      openGraph: {
        // The learner may have hidden their name: the link preview then names the badge only.
        // Every name isolated (FSI…PDI): a U+202E in one must not reorder the preview around it.
        title: view.nameHidden ? isolate(badgeClass.name) : `${isolate(badgeClass.name)} — ${isolate(assertion.recipientName)}`,
        description: reply.locals?.t
          ? `${(reply.locals.t as Translate)('og.issuedBy', { issuer: isolate(structure.name) })} ${isolate(badgeClass.description)}`
          : isolate(badgeClass.description),
        image: urls.badgeClassImage(badgeClass.id, 'png'),
        url: urls.assertion(assertion.id),
      },
    });
}

export async function renderBadgeClassPage(
  _request: FastifyRequest,
  reply: FastifyReply,
  services: Services,
  badgeClassId: string,
) {
  const { badgeClass, structure } = await services.publication.badgeClassView(badgeClassId);
  const urls = services.urls;
  return reply
    .header('vary', 'Accept')
    .view('pages/badge-class.eta', {
      title: isolate(badgeClass.name),
      badgeClass,
      structure,
      issuerUrl: urls.issuer(structure.id),
      imageUrl: urls.badgeClassImage(badgeClass.id, 'png'),
      openGraph: {
        title: isolate(badgeClass.name),
        description: isolate(badgeClass.description),
        image: urls.badgeClassImage(badgeClass.id, 'png'),
        url: urls.badgeClass(badgeClass.id),
      },
    });
}

export async function renderIssuerPage(
  _request: FastifyRequest,
  reply: FastifyReply,
  services: Services,
  structureId: string,
) {
  const { structure, badgeClasses } = await services.publication.issuerView(structureId);
  const urls = services.urls;
  return reply
    .header('vary', 'Accept')
    .view('pages/issuer.eta', {
      title: isolate(structure.name),
      structure,
      badgeClasses: badgeClasses.map((b) => ({ ...b, url: urls.badgeClass(b.id), imageUrl: urls.badgeClassImage(b.id) })),
      logoUrl: structure.logoMime ? urls.issuerImage(structure.id) : null,
    });
}
