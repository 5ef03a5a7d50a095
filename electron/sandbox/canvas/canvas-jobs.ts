/**
 * Canvas's asynchronous jobs in the sandbox: SIS imports and the Progress objects of bulk enrollments. Canvas runs
 * them in a background worker, whether or not anyone asks how they are doing. The sandbox moves them on two ways:
 *
 * - per poll: each GET of the job's status URL advances it one step, finishing on the `ticks`-th poll, so a test
 *   sees every intermediate state at a pace it controls;
 * - with time: a job is due `ticks` × `tickMs` after it was made (by the sandbox's injected clock), and every API
 *   request first finishes the jobs that are due (`finishDue`, called by the router). So an import whose client was
 *   killed right after the POST still lands, as on real Canvas, and a test decides when by moving its clock.
 *
 * Either way jobs of one kind finish in the order they were made: Canvas processes an account's SIS batches one after
 * another (canvas-lms SisBatch.process_all_for_account), so a later import never lands before an earlier one, and
 * an import sent again after a lost reply can never be overtaken by the first copy.
 *
 * No timers and no sleeps: with a clock that stands still (as most tests inject) only polls move a job.
 */

/** A job the poller advances: `step(poll)` is called with 1, 2, … up to `ticks`; the last call finishes it. */
export interface SteppedJob {
  id: number;
  polls: number;
  readonly done: boolean;
  step(poll: number, ticks: number): void;
}

/** How long one step of a job stands for on the clock: a small import takes Canvas's worker about a second a step. */
export const JOB_TICK_MS = 1000;

export class CanvasJobs<SisJob extends SteppedJob = SteppedJob, ProgressJob extends SteppedJob = SteppedJob> {
  private readonly sisImports = new Map<number, SisJob>();
  private readonly progresses = new Map<number, ProgressJob>();
  /** Unfinished jobs, in the order they were made: when each finishes on its own (clock ms), and its queue. */
  private readonly pending = new Map<SteppedJob, { dueAt: number; queue: Map<number, SteppedJob> }>();
  /** Canvas ids are global per table; these start where a young Canvas's would. */
  private nextSisImportId = 101;
  private nextProgressId = 1;

  constructor(
    readonly ticks: number,
    readonly tickMs: number = JOB_TICK_MS,
  ) {}

  /** A new import, made at clock time `madeAt` (ms). */
  addSisImport(make: (id: number) => SisJob, madeAt: number): SisJob {
    const job = make(this.nextSisImportId++);
    this.sisImports.set(job.id, job);
    this.schedule(job, madeAt, this.sisImports);
    return job;
  }

  addProgress(make: (id: number) => ProgressJob, madeAt: number): ProgressJob {
    const job = make(this.nextProgressId++);
    this.progresses.set(job.id, job);
    this.schedule(job, madeAt, this.progresses);
    return job;
  }

  /** The import, advanced one step (a finished one stays as it is). */
  pollSisImport(id: number): SisJob | undefined {
    return this.poll(this.sisImports.get(id));
  }

  pollProgress(id: number): ProgressJob | undefined {
    return this.poll(this.progresses.get(id));
  }

  /** Finishes, oldest first, every job whose time has come by `now` (ms), as Canvas's worker would have. */
  finishDue(now: number): void {
    for (const [job, { dueAt }] of this.pending) if (dueAt <= now) this.finish(job);
  }

  private schedule(job: SteppedJob, madeAt: number, queue: Map<number, SteppedJob>): void {
    if (!job.done) this.pending.set(job, { dueAt: madeAt + this.ticks * this.tickMs, queue });
  }

  /** Finishes the job, after every older unfinished job of its queue. */
  private finish(job: SteppedJob): void {
    const queue = this.pending.get(job)?.queue;
    if (queue) {
      for (const [other, entry] of this.pending) {
        if (other.id >= job.id || entry.queue !== queue) continue;
        this.pending.delete(other);
        this.complete(other);
      }
    }
    this.pending.delete(job);
    this.complete(job);
  }

  private complete(job: SteppedJob): void {
    if (job.done) return;
    job.polls = this.ticks;
    job.step(this.ticks, this.ticks);
  }

  private poll<T extends SteppedJob>(job: T | undefined): T | undefined {
    if (!job || job.done) return job;
    if (job.polls + 1 >= this.ticks) this.finish(job);
    else {
      job.polls += 1;
      job.step(job.polls, this.ticks);
    }
    return job;
  }
}
