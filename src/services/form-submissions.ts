import type { Clock } from '../clock.ts';
import type { Database } from '../db/database.ts';
import { claimFormSubmission, deleteFormSubmissionsBefore } from '../db/repositories/form-submissions.ts';
import { isUuid } from './ids.ts';
import { SESSION_ABSOLUTE_MS } from './staff-sign-in.ts';

/**
 * A form's one-time key (a random UUID in a hidden field): the first post
 * that carries it does what the form asks; the same form posted again (a
 * double click, a reload, the back button) finds it claimed and does nothing.
 */
export class FormSubmissions {
  constructor(
    private readonly db: Database,
    private readonly now: Clock,
  ) {}

  /**
   * Whether this post is the first with its key. A post without a key (a
   * script, a page shown before keys existed) is not a repeat of anything;
   * a key that is not a UUID cannot have been given by us and counts as none.
   */
  async first(userId: string, key: unknown): Promise<boolean> {
    if (!isUuid(key)) return true;
    const now = this.now();
    // A form's CSRF token dies with its session: keys older than any session can never come back.
    await deleteFormSubmissionsBefore(this.db, userId, new Date(now.getTime() - SESSION_ABSOLUTE_MS));
    return claimFormSubmission(this.db, { userId, key: key.toLowerCase(), createdAt: now });
  }
}
