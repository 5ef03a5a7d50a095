/**
 * Canvas's asynchronous jobs in the sandbox: SIS imports and the Progress objects of bulk enrollments. Canvas runs
 * them in a background worker; the sandbox advances each one step per poll of its status URL instead, finishing on
 * the `ticks`-th poll, so a test sees every intermediate state at a pace it controls (no timers, no sleeps).
 */

/** A job the poller advances: `step(poll)` is called with 1, 2, … up to `ticks`; the last call finishes it. */
export interface SteppedJob {
  id: number;
  polls: number;
  readonly done: boolean;
  step(poll: number, ticks: number): void;
}

export class CanvasJobs<SisJob extends SteppedJob = SteppedJob, ProgressJob extends SteppedJob = SteppedJob> {
  private readonly sisImports = new Map<number, SisJob>();
  private readonly progresses = new Map<number, ProgressJob>();
  /** Canvas ids are global per table; these start where a young Canvas's would. */
  private nextSisImportId = 101;
  private nextProgressId = 1;

  constructor(readonly ticks: number) {}

  addSisImport(make: (id: number) => SisJob): SisJob {
    const job = make(this.nextSisImportId++);
    this.sisImports.set(job.id, job);
    return job;
  }

  addProgress(make: (id: number) => ProgressJob): ProgressJob {
    const job = make(this.nextProgressId++);
    this.progresses.set(job.id, job);
    return job;
  }

  /** The import, advanced one step (a finished one stays as it is). */
  pollSisImport(id: number): SisJob | undefined {
    return this.poll(this.sisImports.get(id));
  }

  pollProgress(id: number): ProgressJob | undefined {
    return this.poll(this.progresses.get(id));
  }

  private poll<T extends SteppedJob>(job: T | undefined): T | undefined {
    if (job && !job.done) {
      job.polls += 1;
      job.step(job.polls, this.ticks);
    }
    return job;
  }
}
