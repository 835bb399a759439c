import type { ServeFeature, ServeFeatureFactory } from '../../serve/extension.ts';
import { dashboardRoute } from './dashboard-route.ts';
import { modelRoutes } from './model-routes.ts';
import { retrainTasks } from './retrain.ts';

/**
 * What `herald serve` gets from the insights: the model endpoints (read key), the dashboard
 * (admin key) and the scheduled retraining of models with a `retrain` schedule.
 */
export const modelsAndInsights: ServeFeatureFactory = (ctx): ServeFeature => ({
  name: 'models and insights',
  routes: [...modelRoutes(ctx), dashboardRoute(ctx)],
  tasks: retrainTasks(ctx),
});
