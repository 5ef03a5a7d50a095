/**
 * The state[] filter values of the enrollment lists (lms-api-notes §2.1): the workflow states, and the synthetic ones
 * a user's list also takes, each as the workflow states it shows. The sandbox has no future-dated enrollments, so
 * "future" adds nothing beyond invited.
 */
import type { CanvasState } from '../../../shared/domain/roles';

const SYNTHETIC: Record<string, readonly CanvasState[]> = {
  current_and_invited: ['active', 'invited'],
  current_and_future: ['active', 'invited', 'creation_pending'],
  current_future_and_restricted: ['active', 'invited', 'creation_pending', 'inactive'],
  current_and_concluded: ['active', 'completed'],
};

const WORKFLOW: readonly CanvasState[] = ['active', 'invited', 'creation_pending', 'deleted', 'rejected', 'completed', 'inactive'];

export const ENROLLMENT_STATES_OF: Readonly<Record<string, readonly CanvasState[]>> = {
  ...Object.fromEntries(WORKFLOW.map((state) => [state, [state]])),
  ...SYNTHETIC,
};

export function isSyntheticState(state: string): boolean {
  return Object.hasOwn(SYNTHETIC, state);
}
