import type { Database } from '../db/database.ts';
import { ApiTokenService } from './api-tokens.ts';
import { AuthService } from './auth.ts';
import { AwardingService } from './awarding.ts';
import { BadgeClassService } from './badge-classes.ts';
import { LocalChanges } from './changes.ts';
import { DocumentBuilder } from './documents.ts';
import type { MasterKey } from './master-key.ts';
import { PublicationService } from './publication.ts';
import { SigningKeyService } from './signing-keys.ts';
import { AssertionSigner } from './signing/signer.ts';
import { StructureService } from './structures.ts';
import { PublicUrls } from './urls.ts';
import { UserService } from './users.ts';
import { WorkspaceService } from './workspace.ts';

export interface ServiceDependencies {
  db: Database;
  masterKey: MasterKey;
  publicUrl: string;
  now?: () => Date;
}

/** Wires the use cases together; the web layer and the CLI each build one set. */
export function createServices(deps: ServiceDependencies) {
  const urls = new PublicUrls(deps.publicUrl);
  const documents = new DocumentBuilder(urls);
  const changes = new LocalChanges();
  const keys = new SigningKeyService(deps.db, deps.masterKey, changes);
  const structures = new StructureService(deps.db, keys);
  const signer = new AssertionSigner();
  const awarding = new AwardingService(deps.db, keys, documents, signer, changes, deps.now);
  return {
    signer,
    urls,
    documents,
    keys,
    structures,
    users: new UserService(deps.db, structures),
    apiTokens: new ApiTokenService(deps.db, structures),
    badgeClasses: new BadgeClassService(deps.db),
    awarding,
    publication: new PublicationService(deps.db, urls, documents, keys, awarding, changes),
    auth: new AuthService(deps.db, deps.now),
    workspace: new WorkspaceService(deps.db, urls, deps.now),
  };
}

export type Services = ReturnType<typeof createServices>;
