/** Words and CSS hooks for sweep and trial states. */
import type { SweepStatus, TrialState } from '../../src/core/trial';

const labels: Record<SweepStatus | TrialState, string> = {
  running: 'Running', pending: 'Pending', completed: 'Completed', cancelled: 'Cancelled', failed: 'Failed', interrupted: 'Interrupted',
};

export function stateLabel(state: SweepStatus | TrialState): string {
  return labels[state] ?? String(state);
}
