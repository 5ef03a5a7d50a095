/**
 * What the provider knows about the user's courses and sections between calls: which course a section belongs to,
 * their SIS ids (a SIS import names them by those), and the root account (the enrollment-by-id endpoint and SIS
 * imports hang off it, lms-api-notes §2.1/§2.6). Filled by listing the courses and their sections — the same calls
 * as realm discovery, which fills it as a side effect — and read again only when a realm it does not know is asked.
 */
import { LmsError } from '../lms-error';
import type { CanvasClient } from './canvas-client';
import type { CanvasCourse, CanvasSection } from './canvas-wire-extra';

export interface CourseWithSections {
  course: CanvasCourse;
  sections: CanvasSection[];
}

/** `courses/12` → { kind: 'course', id: '12' }; throws for anything else. */
export function canvasRealmParts(key: string): { kind: 'course' | 'section'; id: string } {
  const match = /^(course|section)s\/(\d+)$/.exec(key);
  if (!match) throw new Error(`"${key}" is not a Canvas realm key (expected courses/{id} or sections/{id})`);
  return { kind: match[1] as 'course' | 'section', id: match[2] as string };
}

export class CanvasDirectory {
  private courses: CourseWithSections[] | null = null;

  constructor(private readonly client: CanvasClient) {}

  /** Lists the courses and every course's sections anew. */
  async refresh(signal?: AbortSignal): Promise<CourseWithSections[]> {
    const courses = await this.client.listCourses(signal);
    const listed: CourseWithSections[] = [];
    for (const course of courses) listed.push({ course, sections: await this.client.listSections(course.id, signal) });
    this.courses = listed;
    return listed;
  }

  /** The course (and section, for a section realm) a realm key names; null when the user has no such realm. */
  async find(key: string, signal?: AbortSignal): Promise<{ course: CanvasCourse; section: CanvasSection | null } | null> {
    return this.lookup(key) ?? this.lookup(key, await this.refresh(signal));
  }

  /** The root account's id, from the courses Canvas listed (every course names it). */
  async rootAccountId(signal?: AbortSignal): Promise<string> {
    const known = this.courses ?? (await this.refresh(signal));
    const root = known.find(({ course }) => course.root_account_id)?.course.root_account_id;
    if (!root) {
      throw new LmsError('rejected', 'GET courses', 'Canvas named no root account in the course list (the user has no courses), so an enrollment cannot be looked up by id');
    }
    return root;
  }

  private lookup(key: string, courses = this.courses): { course: CanvasCourse; section: CanvasSection | null } | null {
    if (!courses) return null;
    const { kind, id } = canvasRealmParts(key);
    for (const { course, sections } of courses) {
      if (kind === 'course' && course.id === id) return { course, section: null };
      const section = kind === 'section' ? sections.find((s) => s.id === id) : undefined;
      if (section) return { course, section };
    }
    return null;
  }
}
