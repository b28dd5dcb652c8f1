/**
 * The runtime's Prometheus metrics, all in one prom-client registry the service can expose
 * (`await metrics.registry.metrics()` on its /metrics endpoint). Label names follow
 * kafka_exporter's (`group`, `topic`, `partition`) so dashboards built for it carry over.
 */
import { Counter, Gauge, Histogram, Registry, type Metric } from 'prom-client';

const HANDLER_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** One labelled series of a FastHistogram. */
export interface HistogramSeries {
  observe(seconds: number): void;
}

/**
 * A histogram for per-event observations on the consumer's hot path. prom-client's Histogram
 * validates and hashes the label set on every `observe`, even on a labelled child (about a
 * microsecond, as much as decoding a small event); this one resolves the series once and then
 * only counts. It renders exactly like a prom-client histogram (`_bucket{le=…}`, `_sum`,
 * `_count`) through the same registry.
 */
export class FastHistogram<L extends string> {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, { labels: Record<L, string>; counts: Float64Array; sum: number; count: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly L[],
    readonly buckets: readonly number[],
  ) {}

  labels(labels: Record<L, string>): HistogramSeries {
    const id = this.labelNames.map((n) => labels[n]).join('\u0000');
    let entry = this.series.get(id);
    if (!entry) this.series.set(id, (entry = { labels: { ...labels }, counts: new Float64Array(this.buckets.length + 1), sum: 0, count: 0 }));
    const found = entry;
    const bounds = this.buckets;
    return {
      observe(seconds: number): void {
        let i = 0;
        while (i < bounds.length && seconds > bounds[i]!) i++;
        found.counts[i]!++;
        found.sum += seconds;
        found.count++;
      },
    };
  }

  async get(): Promise<{ name: string; help: string; type: 'histogram'; aggregator: 'sum'; values: Array<{ labels: Record<string, string | number>; value: number; metricName: string }> }> {
    const values: Array<{ labels: Record<string, string | number>; value: number; metricName: string }> = [];
    for (const { labels, counts, sum, count } of this.series.values()) {
      let cumulative = 0;
      this.buckets.forEach((bound, i) => {
        cumulative += counts[i]!;
        values.push({ labels: { ...labels, le: bound }, value: cumulative, metricName: `${this.name}_bucket` });
      });
      values.push({ labels: { ...labels, le: '+Inf' }, value: count, metricName: `${this.name}_bucket` });
      values.push({ labels, value: sum, metricName: `${this.name}_sum` });
      values.push({ labels, value: count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: 'histogram', aggregator: 'sum', values };
  }

  reset(): void {
    this.series.clear();
  }
}

export class HeraldMetrics {
  readonly registry: Registry;
  /** High watermark minus committed offset, per group and partition, updated after every commit. */
  readonly consumerLag: Gauge<'group' | 'topic' | 'partition'>;
  readonly handled: Counter<'group' | 'topic' | 'type'>;
  readonly duplicates: Counter<'group' | 'topic' | 'type'>;
  readonly retries: Counter<'group' | 'topic' | 'type'>;
  readonly deadLettered: Counter<'group' | 'topic' | 'reason'>;
  /** Records of event types the subscription has no handler for: committed without effect. */
  readonly ignored: Counter<'group' | 'topic' | 'type'>;
  readonly handlerDuration: FastHistogram<'group' | 'topic' | 'type'>;
  readonly outboxBacklog: Gauge<'table'>;
  readonly outboxOldestAge: Gauge<'table'>;
  readonly outboxRelayed: Counter<'table'>;
  readonly outboxRelayFailures: Counter<'table'>;
  readonly published: Counter<'topic'>;
  readonly publishFailures: Counter<'topic'>;
  readonly publishDuration: Histogram<'topic'>;

  constructor(registry: Registry = new Registry()) {
    this.registry = registry;
    this.consumerLag = this.metric(
      'herald_consumer_lag',
      () => new Gauge({ name: 'herald_consumer_lag', help: 'Records not yet committed by the group: high watermark minus committed offset', labelNames: ['group', 'topic', 'partition'], registers: [] }),
    );
    this.handled = this.counter('herald_events_handled_total', 'Events whose handler committed', ['group', 'topic', 'type']);
    this.duplicates = this.counter('herald_events_duplicate_total', 'Redelivered events skipped because the group had already handled them', ['group', 'topic', 'type']);
    this.retries = this.counter('herald_events_retried_total', 'Handler attempts after a failed one', ['group', 'topic', 'type']);
    this.deadLettered = this.counter('herald_events_dead_lettered_total', 'Records written to <topic>.dlq', ['group', 'topic', 'reason']);
    this.ignored = this.counter('herald_events_ignored_total', 'Events of types the subscription does not handle', ['group', 'topic', 'type']);
    this.handlerDuration = this.metric(
      'herald_handler_duration_seconds',
      () => new FastHistogram('herald_handler_duration_seconds', 'Time in the handler, per attempt', ['group', 'topic', 'type'], HANDLER_BUCKETS),
    );
    this.outboxBacklog = this.metric(
      'herald_outbox_backlog',
      () => new Gauge({ name: 'herald_outbox_backlog', help: 'Outbox rows not yet published', labelNames: ['table'], registers: [] }),
    );
    this.outboxOldestAge = this.metric(
      'herald_outbox_oldest_age_seconds',
      () => new Gauge({ name: 'herald_outbox_oldest_age_seconds', help: 'Age of the oldest unpublished outbox row (0 when empty)', labelNames: ['table'], registers: [] }),
    );
    this.outboxRelayed = this.counter('herald_outbox_relayed_total', 'Outbox rows published and removed or marked', ['table']);
    this.outboxRelayFailures = this.counter('herald_outbox_relay_failures_total', 'Relay passes that failed (Kafka or database unavailable)', ['table']);
    this.published = this.counter('herald_events_published_total', 'Events acknowledged by Kafka', ['topic']);
    this.publishFailures = this.counter('herald_publish_failures_total', 'Events Kafka did not acknowledge', ['topic']);
    this.publishDuration = this.metric(
      'herald_publish_duration_seconds',
      () =>
        new Histogram({
          name: 'herald_publish_duration_seconds',
          help: 'From handing a batch to the Kafka client to its acknowledgement',
          labelNames: ['topic'],
          buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
          registers: [],
        }),
    );
  }

  private counter<L extends string>(name: string, help: string, labelNames: L[]): Counter<L> {
    return this.metric(name, () => new Counter({ name, help, labelNames, registers: [] }));
  }

  /** Reuses a metric already in the registry (two runtimes sharing one registry), else registers it. */
  private metric<M extends Metric | FastHistogram<string>>(name: string, create: () => M): M {
    const existing = this.registry.getSingleMetric(name);
    if (existing) return existing as unknown as M;
    const metric = create();
    // A FastHistogram has the shape the registry reads (name, help, type, get, reset), not prom-client's class.
    this.registry.registerMetric(metric as unknown as Metric);
    return metric;
  }
}
