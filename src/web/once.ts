import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Services } from '../services/index.ts';
import { formBody } from './forms.ts';

/** The hidden field that carries a form's one-time key (views/partials/once.eta). */
export const ONCE_FIELD = 'once';

/** A fresh one-time key for a form about to be shown. */
export const onceKey = (): string => randomUUID();

/**
 * Whether this post of a workspace form is its first: the same form posted
 * again (a double click, a reload) finds its key claimed, and its route
 * answers with the redirect the first post gave, doing nothing.
 */
export async function firstSubmission(services: Services, request: FastifyRequest): Promise<boolean> {
  const user = request.auth?.user;
  if (!user) return true;
  return services.formSubmissions.first(user.id, formBody(request.body)[ONCE_FIELD]);
}
