import type { CheckId } from '../catalog.js';
import type { Evidence, EvidenceKey } from './evidence.js';
import type { Finding } from './finding.js';

/**
 * One catalog row as code. `needs` lists the evidence without which the check cannot say
 * anything (the playbook reports it inconclusive then); `run` must be pure and total.
 */
export interface Check {
  id: CheckId;
  needs: readonly EvidenceKey[];
  run(evidence: Evidence): Finding[];
}
