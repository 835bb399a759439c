/** The plan's knobs, from the command line; the defaults are what a reviewer would want flagged. */
export interface PlanOptions {
  /** A segment whose size changes by more than this fraction is flagged (`--max-audience-change 20` = 20%). */
  maxAudienceChange: number;
  /** A journey or campaign that would send to more than this many customers on its first day is flagged. */
  maxFirstDaySends: number;
  /** Customers rendered per changed template. */
  samplesPerTemplate: number;
  /** Changed templates rendered (a huge change lists the rest without rendering them). */
  maxRenderedTemplates: number;
  /** Days of simulated sends in the forecast (0: no forecast). */
  forecastDays: number;
}

export const DEFAULT_PLAN_OPTIONS: PlanOptions = {
  maxAudienceChange: 0.2,
  maxFirstDaySends: 10_000,
  samplesPerTemplate: 3,
  maxRenderedTemplates: 25,
  forecastDays: 7,
};
