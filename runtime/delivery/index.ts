/**
 * Delivery: the outbox, the gates, rendering at send time, transports and engagement. Journeys
 * and campaigns `enqueue` sends (in their own transaction); `deliverDue` sends what is due.
 */
export type {
  DeliveryApi,
  DeliveryRecord,
  OutgoingMessage,
  SendOrigin,
  SendRequest,
  SendStatus,
  SuppressionReason,
  Transport,
} from './types.ts';
export { PermanentDeliveryError } from './types.ts';
export { sendKey, messageIdFor, keyOfMessageId, isSendKey, type SendIdentity } from './keys.ts';
export { enqueue, recordSuppressed, listDeliveries, SendRequestError, OUTBOX, type DeliveryFilter } from './outbox.ts';
export { deliverDue, type DeliverOptions, type DeliverySummary } from './worker.ts';
export { deliverySettingsOf, anchorDelivery, type DeliverySettings, type TransportSettings } from './settings.ts';
export { addSuppression, removeSuppression, suppressionsAt, type Suppression, type SuppressionListReason } from './suppressions.ts';
export { FileTransport, SmtpTransport, createTransport, type SmtpOptions } from './transports/index.ts';
export { DeliveryError, DELIVERY_CODES, type DeliveryProblem } from './problems.ts';
export {
  ingestEngagement,
  ingestEngagementFile,
  parseEngagementLine,
  ENGAGEMENT_KINDS,
  type EngagementKind,
  type EngagementRecord,
  type EngagementResult,
} from './engagement.ts';
export {
  collectReport,
  type DeliveryReport,
  type OriginReport,
  type GroupReport,
  type Comparison,
  type ReportOptions,
} from './report/collect.ts';
export { twoProportionTest, normalCdf, type ProportionOutcome } from './report/stats.ts';
export { writeTransaction } from './write-transaction.ts';
export { localDayBounds, localMinuteOfDay, localDate, nextLocalTime, zoneOr } from './local-time.ts';
export { composeMime } from '../render/mime.ts';
