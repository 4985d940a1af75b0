import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { DomainError } from '../../services/errors.ts';
import { type Locale, type MessageKey, translator } from '../../i18n/index.ts';
import { describeIssue } from '../../i18n/validation-messages.ts';
import { localeOf } from '../locale.ts';
import { viewContext } from './views.ts';
import { errorForLog } from '../../logging.ts';

interface Problem {
  status: number;
  code: string;
  messageKey: MessageKey;
  params?: Record<string, string | number>;
  details?: { field: string; message: string }[];
  headers?: Record<string, string>;
}

// The database went away (a restart, a failover): the request can be retried.
const CONNECTION_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up)
  '08000',
  '08001',
  '08003',
  '08006',
]);
const CONNECTION_MESSAGES = /Connection terminated|connection error|not queryable|timeout exceeded when trying to connect/i;

function isConnectionError(error: unknown): boolean {
  for (let e = error as (Error & { code?: string; cause?: unknown }) | undefined, depth = 0; e && depth < 5; depth++) {
    if ((e.code && CONNECTION_ERRORS.has(e.code)) || CONNECTION_MESSAGES.test(e.message ?? '')) return true;
    e = e.cause as typeof e;
  }
  return false;
}

function problemOf(error: FastifyError | Error, locale: Locale, api: boolean): Problem {
  if (error instanceof DomainError) {
    return { status: error.status, code: error.code, messageKey: error.messageKey as MessageKey, params: error.params };
  }
  // A page's path parameter that cannot name anything (src/web/schemas.ts): the address does not exist.
  // The API says which parameter is wrong instead (400 with details), as integrators expect.
  if (hasZodFastifySchemaValidationErrors(error) && error.validationContext === 'params' && !api) {
    return { status: 404, code: 'not_found', messageKey: 'error.not_found' };
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    return {
      status: 400,
      code: 'validation_failed',
      messageKey: 'error.validation_failed',
      details: error.validation.map((issue) => ({
        field: [error.validationContext, ...issue.instancePath.split('/').filter(Boolean)].join('.'),
        message: describeIssue(issue, locale),
      })),
    };
  }
  if (isConnectionError(error)) {
    return { status: 503, code: 'unavailable', messageKey: 'error.unavailable', headers: { 'retry-after': '5' } };
  }
  const status = (error as FastifyError).statusCode;
  if (status && status >= 400 && status < 500) {
    const known: Record<number, string> = {
      404: 'not_found',
      413: 'payload_too_large',
      415: 'unsupported_media_type',
      429: 'rate_limited',
    };
    const problemCode = known[status] ?? 'bad_request';
    return { status, code: problemCode, messageKey: `error.${problemCode}` as MessageKey };
  }
  return { status: 500, code: 'internal', messageKey: 'error.internal' };
}

export function wantsHtml(request: FastifyRequest): boolean {
  return !request.url.startsWith('/api/') && request.accepts().type(['application/json', 'text/html']) === 'text/html';
}

async function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: Problem) {
  const locale = localeOf(request);
  const t = translator(locale);
  const message = t(problem.messageKey, problem.params);
  if (problem.headers) reply.headers(problem.headers);
  reply.code(problem.status);
  if (wantsHtml(request)) {
    // A request refused before its preHandler (a guard, a CSRF check, a body
    // that could not be parsed) has no view context yet.
    if (typeof reply.locals?.t !== 'function') reply.locals = { ...reply.locals, ...viewContext(request) };
    return reply.view('pages/error.eta', {
      title: message,
      status: problem.status,
      message,
      details: problem.details ?? [],
    });
  }
  return reply.send({ error: { code: problem.code, message, ...(problem.details ? { details: problem.details } : {}) } });
}

/** Every failure gets a status, a stable code and a message in the reader's language; never a stack trace. */
export const errorHandling = fp(async (app: FastifyInstance) => {
  app.setErrorHandler(async (error, request, reply) => {
    const problem = problemOf(error as FastifyError, localeOf(request), request.url.startsWith('/api/'));
    if (problem.status >= 500) request.log.error({ err: errorForLog(error) }, 'request failed');
    return sendProblem(request, reply, problem);
  });
  app.setNotFoundHandler(async (request, reply) =>
    sendProblem(request, reply, {
      status: 404,
      code: 'not_found',
      messageKey: request.url.startsWith('/api/') ? 'error.not_found.api' : 'error.not_found',
    }),
  );
});
