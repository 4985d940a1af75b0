import { EventEmitter } from 'node:events';

/**
 * Tells this process's caches that something they hold changed, so that a
 * change made here shows here at once. Other instances see it when their
 * cache entries expire (FRESHNESS_MS).
 */
export class LocalChanges {
  private readonly emitter = new EventEmitter();

  structureChanged(structureId: string): void {
    this.emitter.emit('structure', structureId);
  }

  onStructureChanged(listener: (structureId: string) => void): void {
    this.emitter.on('structure', listener);
  }

  badgeClassChanged(badgeClassId: string): void {
    this.emitter.emit('badge-class', badgeClassId);
  }

  onBadgeClassChanged(listener: (badgeClassId: string) => void): void {
    this.emitter.on('badge-class', listener);
  }
}
