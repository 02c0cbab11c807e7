import type { FastifyBaseLogger } from 'fastify';
import type { JobRecord, JobType, Storage } from '../../storage/types.js';

export type JobHandler = (job: JobRecord) => Promise<void>;

/**
 * Runs queued jobs one at a time in this process. Jobs are claimed atomically from the database,
 * so the queue survives restarts: on start, jobs a crash left `started` are queued again
 * (handlers are written to be safe to run twice). A handler that throws fails its job with the
 * error's message.
 */
export class JobRunner {
  private running = false;
  private stopped = true;
  private timer: NodeJS.Timeout | undefined;
  private idle: Promise<void> = Promise.resolve();

  constructor(
    private readonly storage: Storage,
    private readonly handlers: Partial<Record<JobType, JobHandler>>,
    private readonly log: FastifyBaseLogger,
    private readonly pollMs = 1000,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    const requeued = await this.storage.jobs.requeueStarted();
    if (requeued > 0) this.log.info({ requeued }, 'queued again the jobs an earlier run left unfinished');
    this.wake();
  }

  /** Looks for work now (called when a job is queued) instead of at the next poll. */
  wake = (): void => {
    if (this.stopped || this.running) return;
    clearTimeout(this.timer);
    this.running = true;
    this.idle = this.drain().finally(() => {
      this.running = false;
      if (!this.stopped) this.timer = setTimeout(this.wake, this.pollMs).unref();
    });
  };

  private async drain(): Promise<void> {
    for (let job = await this.storage.jobs.claimNext(); job && !this.stopped; job = await this.storage.jobs.claimNext()) {
      const handler = this.handlers[job.type];
      try {
        if (!handler) throw new Error(`no handler for jobs of type ${job.type}`);
        await handler(job);
        await this.storage.jobs.finish(job.id, 'completed');
      } catch (err) {
        this.log.warn({ err, job: job.id }, 'job failed');
        await this.storage.jobs.finish(job.id, 'failed', (err as Error).message);
      }
    }
  }

  /** Stops taking jobs and waits for the one in hand. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.idle;
  }
}
