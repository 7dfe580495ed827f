/** Everything `diagnose` found, as the text, JSON and HTML renderers receive it. */
import type { RunMetrics } from '../report/compute-metrics.js';
import type { ReplayOutcome } from '../replay/replay-outcome.js';
import type { SweepStats } from '../sweep/summarize-sweep-point.js';
import type { DeployedSettings, SettingChange } from './client-settings.js';
import type { MechanismFit } from './explain-stall.js';
import type { FixSettings } from './fix-candidates.js';
import type { SlotRule } from './search-world.js';
import type { ModelledStall } from './stack-world.js';

/** A fact the log cannot give, and where the value used comes from. */
export interface GivenOrAssumed<T> {
  value: T;
  /** `option` (given on the command line), `scenario` (from --scenario), `log`, `inferred` (from the log's arithmetic, not read) or `assumed`. */
  source: 'option' | 'scenario' | 'log' | 'inferred' | 'assumed';
}

/** The mechanisms weighed against one stall. */
export interface StallExplanation {
  machines: string[];
  /** Whether the machine is uncertain (a concurrent starts-only log): then `machines[0]` is the likeliest. */
  machineUncertain: boolean;
  startMs: number;
  durationMs: number;
  /** The duration is inferred from the starts rather than read from a result line. */
  inferred: boolean;
  censored: boolean;
  workersHeld: number;
  precisionMs: number;
  mechanisms: MechanismFit[];
}

/** A searched policy as the story shows it. */
export interface DiagnosedPolicy {
  name: string;
  settings: FixSettings;
  /** Scenario policy JSON. */
  json: Record<string, unknown>;
  /** Its statistics in the fitted world over the search's seeds. */
  stats: SweepStats;
  meetsBudget: boolean;
  onFrontier: boolean;
}

/** A policy replayed on the logged night (the exact per-item world). */
export interface NightRun {
  policy: string;
  metrics: RunMetrics;
  /** Makespan within budget and at least 98% priced. */
  meetsBudget: boolean;
  /**
   * The night's lower bound on the plan, whatever the policy: the logged work of the machines that
   * did not stall spread over the plan's slots, or the longest of them, ms; and the makespan over it.
   */
  planLowerBoundMs: number;
  planRatio: number;
}

export interface DiagnoseOutcome {
  replay: ReplayOutcome;
  /** The facts the log cannot give. */
  facts: {
    planConcurrency: GivenOrAssumed<number>;
    budgetMs: GivenOrAssumed<number>;
    client: GivenOrAssumed<string | null>;
    slots: SlotRule;
    /** The world the policies were searched in: the stack world (stalls as their mechanism's requests), the fitted world, or the --scenario world. */
    world: 'stack' | 'fitted' | 'scenario';
  };
  deployed: DeployedSettings;
  stalls: StallExplanation[];
  /** How the stack world modelled each stall (empty in the other worlds). */
  modelledStalls: ModelledStall[];
  search: {
    policies: number;
    /** Searched policies whose runs differ from every earlier one's (the others behaved identically in this world). */
    distinct: number;
    seeds: number[];
    runs: number;
    threads: number;
    thresholds: string[];
    meeting: number;
    /** Seeds of the check the recommendation was verified over. */
    verifySeeds: number[];
  };
  /** The recommended policy, or null when none meets the budget. */
  recommended: (DiagnosedPolicy & {
    /** Its statistics over `search.verifySeeds` (what `check` measures on the emitted scenario). */
    verified: SweepStats;
    diff: SettingChange[];
    clientSettings: { language: string; lines: string[] };
  }) | null;
  /** The deployed baseline's statistics in the same world. */
  baseline: SweepStats;
  /** Why that baseline does not look like the night (makespan p50 off by over 25%, priced share by over 2 points), or null. */
  worldCheck: string | null;
  /** Other budget-meeting policies of the frontier, cheapest first. */
  runnerUps: DiagnosedPolicy[];
  /** When nothing is recommended: the frontier's best at pricing (then the faster), at most 3; else empty. */
  closest: DiagnosedPolicy[];
  /** The Pareto frontier of the search (makespan p95 × credits × priced), cheapest first, at most `FRONTIER_SHOWN`. */
  frontier: DiagnosedPolicy[];
  /** The night replayed: the reproduction and the recommended policy. */
  night: { baseline: NightRun; fix: NightRun | null; /** Every policy replayed on the night before one was recommended, in rank order. */ tried: NightRun[] };
  /** Where the regression scenario was written, if it was. */
  emittedScenario: string | null;
  reportDir: string | null;
  /** Assumptions and remarks, for the reader. */
  notes: string[];
}
