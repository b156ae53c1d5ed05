import type { Logger } from 'pino';
import type { EventsService } from './events-service.js';

/** How often each replica checks the daily partitions (creating ahead, dropping past retention). */
export const PARTITION_MAINTENANCE_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Runs partition upkeep now and then every interval; failures are logged and retried next time
 * (the DEFAULT partitions catch any rows meanwhile). Returns a stop function.
 */
export function startPartitionMaintenance(
  events: EventsService,
  logger: Logger,
  intervalMs = PARTITION_MAINTENANCE_INTERVAL_MS,
): () => void {
  let isStopped = false;
  const run = async (): Promise<void> => {
    if (isStopped) return;
    try {
      const { created, dropped } = await events.maintainPartitions();
      if (created.length > 0 || dropped.length > 0) logger.info({ created, dropped }, 'event partitions maintained');
    } catch (error) {
      if (!isStopped) logger.warn({ err: error }, 'event partition maintenance failed; will retry');
    }
  };
  void run();
  const timer = setInterval(() => void run(), intervalMs);
  timer.unref();
  return () => {
    isStopped = true;
    clearInterval(timer);
  };
}
