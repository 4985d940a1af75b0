import { z } from 'zod';
import type { MessageKey } from '../../../../i18n/index.ts';
import { doneNotice, query } from '../../../schemas.ts';

/** What a redirect after an action says was done (`?fait=…`), on the badge class and catalogue pages. */
const NOTICES: Record<string, MessageKey> = {
  cree: 'badgeClasses.notice.created',
  modifie: 'badgeClasses.notice.updated',
  inchange: 'badgeClasses.notice.unchanged',
  version: 'badgeClasses.notice.versioned',
  archive: 'badgeClasses.notice.archived',
  desarchive: 'badgeClasses.notice.unarchived',
  adopte: 'badgeClasses.notice.adopted',
  propose: 'badgeClasses.notice.proposed',
  supprime: 'badgeClasses.notice.deleted',
  ajoute: 'catalogue.notice.added',
  retire: 'catalogue.notice.withdrawn',
  accepte: 'catalogue.notice.accepted',
  refuse: 'catalogue.notice.declined',
  'catalogue-modifie': 'catalogue.notice.updated',
};

export const noticeQuery = query({ fait: doneNotice });

export function noticeOf(sent: z.infer<typeof noticeQuery>): MessageKey | null {
  return sent.fait ? (NOTICES[sent.fait] ?? null) : null;
}

export const badgeClassImagePath = (id: string) => `/badges/${id}/image.png`;
export const catalogueImagePath = (key: string) => `/espace/catalogue/images/${encodeURIComponent(key)}`;
