package redis

import (
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
	goredis "github.com/redis/go-redis/v9"
)

// queueInfoTimeout bounds how long a scrape waits for the queue's figures.
const queueInfoTimeout = 2 * time.Second

// QueueInfo exports the state of the configured queue, read from asynq's Inspector at each
// scrape (a handful of Redis commands and one Lua script): tasks by state, size, latency of the
// oldest pending task, processed and failed totals, approximate memory. Only this deployment's
// queue is read — not every queue in the Redis, as asynq's own exporter (asynq/x/metrics, a
// 2021 snapshot on go-redis v8) would. A scrape that gets no answer within 2 s, or an error,
// reports silkgate_queue_up 0 and nothing else of the queue.
type QueueInfo struct {
	inspector *asynq.Inspector
	queue     string

	mu       sync.Mutex
	inflight chan struct{} // closed when the read in flight (if any) ends
	last     *asynq.QueueInfo
	lastErr  error

	up, size, latency, memory, paused, processed, failed, tasks *prometheus.Desc
}

// NewQueueInfo returns the collector of queue's figures on the shared Redis client.
func NewQueueInfo(rdb *goredis.Client, queue string) *QueueInfo {
	l := []string{"queue"}
	d := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc(name, help, append(l, labels...), nil)
	}
	return &QueueInfo{inspector: asynq.NewInspectorFromRedisClient(rdb), queue: queue,
		up:        d("silkgate_queue_up", "1 when the queue's figures could be read at this scrape."),
		size:      d("silkgate_queue_size", "Tasks in the queue (every state but completed)."),
		tasks:     d("silkgate_queue_task_count", "Tasks in the queue by state: pending, active, scheduled, retry (waiting to be retried), archived (retries exhausted), completed, aggregating.", "state"),
		latency:   d("silkgate_queue_latency_seconds", "How long the oldest pending task has waited."),
		memory:    d("silkgate_queue_memory_bytes", "Redis memory the queue uses (asynq's sampled approximation)."),
		paused:    d("silkgate_queue_paused", "1 when the queue is paused."),
		processed: d("silkgate_queue_processed_total", "Tasks processed, succeeded or failed (asynq's count, kept in Redis: every worker process)."),
		failed:    d("silkgate_queue_failed_total", "Task runs that failed (asynq's count, kept in Redis: every worker process)."),
	}
}

// Describe implements prometheus.Collector.
func (q *QueueInfo) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{q.up, q.size, q.tasks, q.latency, q.memory, q.paused, q.processed, q.failed} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (q *QueueInfo) Collect(ch chan<- prometheus.Metric) {
	info, err := q.read()
	if err != nil {
		ch <- prometheus.MustNewConstMetric(q.up, prometheus.GaugeValue, 0, q.queue)
		return
	}
	g := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, append([]string{q.queue}, labels...)...)
	}
	g(q.up, 1)
	g(q.size, float64(info.Size))
	for state, n := range map[string]int{"pending": info.Pending, "active": info.Active, "scheduled": info.Scheduled,
		"retry": info.Retry, "archived": info.Archived, "completed": info.Completed, "aggregating": info.Aggregating} {
		g(q.tasks, float64(n), state)
	}
	g(q.latency, info.Latency.Seconds())
	g(q.memory, float64(info.MemoryUsage))
	paused := 0.0
	if info.Paused {
		paused = 1
	}
	g(q.paused, paused)
	ch <- prometheus.MustNewConstMetric(q.processed, prometheus.CounterValue, float64(info.ProcessedTotal), q.queue)
	ch <- prometheus.MustNewConstMetric(q.failed, prometheus.CounterValue, float64(info.FailedTotal), q.queue)
}

// read asks the inspector, waiting at most queueInfoTimeout (the inspector takes no context).
// Scrapes that come while a read is still running wait for that one rather than start another,
// so a slow Redis cannot pile reads up.
func (q *QueueInfo) read() (*asynq.QueueInfo, error) {
	q.mu.Lock()
	done := q.inflight
	if done == nil {
		done = make(chan struct{})
		q.inflight = done
		go func() {
			info, err := q.inspector.GetQueueInfo(q.queue)
			if err != nil {
				// A queue nothing was ever enqueued on does not exist for asynq: an empty queue.
				if names, qerr := q.inspector.Queues(); qerr == nil && !slices.Contains(names, q.queue) {
					info, err = &asynq.QueueInfo{Queue: q.queue}, nil
				}
			}
			q.mu.Lock()
			q.last, q.lastErr, q.inflight = info, err, nil
			q.mu.Unlock()
			close(done)
		}()
	}
	q.mu.Unlock()
	select {
	case <-done:
	case <-time.After(queueInfoTimeout):
		return nil, errors.New("queue figures: no answer within 2 s")
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.last, q.lastErr
}
