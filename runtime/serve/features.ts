import type { ServeFeatureFactory } from './extension.ts';
import { eventIntake } from './intake/feature.ts';
import { recipientFeature } from '../recipient/feature.ts';
import { webhooksFeature } from '../webhooks/feature.ts';

/**
 * The features `herald serve` mounts, in order (their routes and periodic tasks). Event intake
 * comes first; a feature is added with one line here. Operations endpoints (/healthz, /readyz,
 * /metrics) are the server's own and always mounted.
 */
export const SERVE_FEATURES: ServeFeatureFactory[] = [eventIntake, recipientFeature, webhooksFeature];
