package redis

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
	goredis "github.com/redis/go-redis/v9"

	"github.com/silkgate/silkgate/adapters/internal/counter"
	"github.com/silkgate/silkgate/app"
)

// Queue enqueues tasks with asynq onto one named queue.
type Queue struct {
	client *asynq.Client
	name   string
	tasks  *counter.Vec
}

var _ app.Queue = (*Queue)(nil)

// NewQueue returns a queue on the shared Redis client. name separates deployments (and tests)
// that share one Redis.
func NewQueue(rdb *goredis.Client, name string) *Queue {
	return &Queue{client: asynq.NewClientFromRedisClient(rdb), name: name,
		tasks: counter.New("silkgate_queue_tasks_total", "Queue tasks enqueued, by type (a duplicate of a unique task still pending is not counted).", "type")}
}

// Tasks returns how many tasks of each type were enqueued so far.
func (q *Queue) Tasks() map[string]uint64 { return q.tasks.Snapshot() }

// Collector exports the task counts to Prometheus.
func (q *Queue) Collector() prometheus.Collector { return q.tasks }

// Enqueue adds a task. A duplicate of a unique task still pending is not an error: the work is
// already owed.
func (q *Queue) Enqueue(ctx context.Context, t app.Task) error {
	opts := []asynq.Option{asynq.Queue(q.name)}
	if t.UniqueFor > 0 {
		opts = append(opts, asynq.Unique(t.UniqueFor))
	}
	if t.Delay > 0 {
		opts = append(opts, asynq.ProcessIn(t.Delay))
	}
	if t.MaxRetry > 0 {
		opts = append(opts, asynq.MaxRetry(t.MaxRetry))
	}
	if t.ID != "" {
		opts = append(opts, asynq.TaskID(t.ID))
	}
	_, err := q.client.EnqueueContext(ctx, asynq.NewTask(t.Type, t.Payload), opts...)
	if errors.Is(err, asynq.ErrDuplicateTask) || errors.Is(err, asynq.ErrTaskIDConflict) {
		return nil
	}
	if err == nil {
		q.tasks.Inc(t.Type)
	}
	return err
}

// Worker runs the application's task handlers, and enqueues the periodic reconciler.
type Worker struct {
	server    *asynq.Server
	scheduler *asynq.Scheduler
	mux       *asynq.ServeMux
}

// WorkerOptions tune a worker.
type WorkerOptions struct {
	Queue             string
	Concurrency       int
	ReconcileInterval time.Duration
	ShutdownTimeout   time.Duration // how long Shutdown waits for running tasks before re-queueing them
	Log               *slog.Logger
	// RetryDelay, by task type, is the wait before retrying a task that failed retried times
	// already; other types wait as asynq's default has them.
	RetryDelay map[string]func(retried int) time.Duration
	// DelayedCheck is how often delayed and retried tasks are looked for (default 5 s).
	DelayedCheck time.Duration
}

// NewWorker prepares a worker for handlers; Start runs it.
func NewWorker(rdb *goredis.Client, handlers map[string]app.TaskHandler, o WorkerOptions) *Worker {
	if o.Log == nil {
		o.Log = slog.Default()
	}
	log := o.Log.With("component", "worker")
	mux := asynq.NewServeMux()
	for typ, h := range handlers {
		mux.HandleFunc(typ, func(ctx context.Context, t *asynq.Task) error { return h(ctx, t.Payload()) })
	}
	server := asynq.NewServerFromRedisClient(rdb, asynq.Config{
		Concurrency:     o.Concurrency,
		Queues:          map[string]int{o.Queue: 1},
		ShutdownTimeout: o.ShutdownTimeout,
		RetryDelayFunc: func(n int, err error, t *asynq.Task) time.Duration {
			if f, ok := o.RetryDelay[t.Type()]; ok {
				return f(n)
			}
			return asynq.DefaultRetryDelayFunc(n, err, t)
		},
		DelayedTaskCheckInterval: o.DelayedCheck,
		Logger:                   asynqLogger{log},
		LogLevel:                 asynq.WarnLevel,
		ErrorHandler: asynq.ErrorHandlerFunc(func(ctx context.Context, t *asynq.Task, err error) {
			retried, _ := asynq.GetRetryCount(ctx)
			log.Warn("task failed", "type", t.Type(), "retried", retried, "err", err)
		}),
	})
	var scheduler *asynq.Scheduler
	if o.ReconcileInterval > 0 {
		scheduler = asynq.NewSchedulerFromRedisClient(rdb, &asynq.SchedulerOpts{Logger: asynqLogger{log}, LogLevel: asynq.WarnLevel})
		spec := fmt.Sprintf("@every %s", o.ReconcileInterval)
		if _, err := scheduler.Register(spec, asynq.NewTask(app.TaskReconcile, nil),
			asynq.Queue(o.Queue), asynq.Unique(o.ReconcileInterval)); err != nil {
			log.Error("reconciler not scheduled", "err", err) // a malformed spec: a programming error
		}
	}
	return &Worker{server: server, scheduler: scheduler, mux: mux}
}

// Start begins processing; it returns once the worker is running.
func (w *Worker) Start() error {
	if err := w.server.Start(w.mux); err != nil {
		return err
	}
	if w.scheduler != nil {
		return w.scheduler.Start()
	}
	return nil
}

// Shutdown stops taking tasks and waits for those in flight to finish.
func (w *Worker) Shutdown() {
	if w.scheduler != nil {
		w.scheduler.Shutdown()
	}
	w.server.Shutdown()
}

// asynqLogger routes asynq's logs into slog.
type asynqLogger struct{ l *slog.Logger }

func (a asynqLogger) Debug(args ...any) { a.l.Debug(fmt.Sprint(args...)) }
func (a asynqLogger) Info(args ...any)  { a.l.Info(fmt.Sprint(args...)) }
func (a asynqLogger) Warn(args ...any)  { a.l.Warn(fmt.Sprint(args...)) }
func (a asynqLogger) Error(args ...any) {
	msg := fmt.Sprint(args...)
	if strings.Contains(msg, "redis connection is shared") {
		return // asynq's note at shutdown that it leaves our shared client to us: expected
	}
	a.l.Error(msg)
}
func (a asynqLogger) Fatal(args ...any) { a.l.Error(fmt.Sprint(args...)) }
