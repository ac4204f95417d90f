package redis_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/silkgate/silkgate/adapters/redis"
	"github.com/silkgate/silkgate/adapters/redis/redistest"
	"github.com/silkgate/silkgate/app"
)

func scrapeQueue(t *testing.T, c prometheus.Collector) map[string]string {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(c)
	rec := httptest.NewRecorder()
	promhttp.HandlerFor(reg, promhttp.HandlerOpts{}).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	out := map[string]string{}
	for line := range strings.SplitSeq(rec.Body.String(), "\n") {
		if series, v, ok := strings.Cut(line, " "); ok && !strings.HasPrefix(line, "#") {
			out[series] = v
		}
	}
	return out
}

// The queue's figures are read from Redis at each scrape: a queue nothing was enqueued on is an
// empty one; tasks show by state; other queues in the same Redis are not reported.
func TestQueueInfoReportsTheConfiguredQueue(t *testing.T) {
	rdb := redistest.New(t)
	name, other := redistest.Namespace(), redistest.Namespace()
	info := redis.NewQueueInfo(rdb, name)
	m := scrapeQueue(t, info)
	if m[`silkgate_queue_up{queue="`+name+`"}`] != "1" || m[`silkgate_queue_size{queue="`+name+`"}`] != "0" {
		t.Fatalf("an unused queue: %v", m)
	}
	ctx := context.Background()
	q, o := redis.NewQueue(rdb, name), redis.NewQueue(rdb, other)
	for i, task := range []app.Task{{Type: "a", Payload: []byte("1")}, {Type: "a", Payload: []byte("2")},
		{Type: "b", Payload: []byte("3"), Delay: time.Hour}} {
		if err := q.Enqueue(ctx, task); err != nil {
			t.Fatal(i, err)
		}
	}
	if err := o.Enqueue(ctx, app.Task{Type: "a", Payload: []byte("x")}); err != nil {
		t.Fatal(err)
	}
	m = scrapeQueue(t, info)
	for series, want := range map[string]string{
		`silkgate_queue_up{queue="` + name + `"}`:                           "1",
		`silkgate_queue_size{queue="` + name + `"}`:                         "3",
		`silkgate_queue_task_count{queue="` + name + `",state="pending"}`:   "2",
		`silkgate_queue_task_count{queue="` + name + `",state="scheduled"}`: "1",
		`silkgate_queue_task_count{queue="` + name + `",state="retry"}`:     "0",
		`silkgate_queue_task_count{queue="` + name + `",state="archived"}`:  "0",
		`silkgate_queue_processed_total{queue="` + name + `"}`:              "0",
	} {
		if m[series] != want {
			t.Errorf("%s = %q, want %s", series, m[series], want)
		}
	}
	if _, ok := m[`silkgate_queue_latency_seconds{queue="`+name+`"}`]; !ok {
		t.Error("no latency")
	}
	for series := range m {
		if strings.Contains(series, other) {
			t.Errorf("another deployment's queue reported: %s", series)
		}
	}
}

// A Redis that does not answer makes the scrape report the queue down, not fail or hang.
func TestQueueInfoDownWhenRedisIsGone(t *testing.T) {
	rdb := redistest.New(t)
	info := redis.NewQueueInfo(rdb, redistest.Namespace())
	_ = rdb.Close()
	m := scrapeQueue(t, info)
	if len(m) != 1 {
		t.Errorf("series with Redis gone: %v, want silkgate_queue_up 0 only", m)
	}
	for series, v := range m {
		if !strings.HasPrefix(series, "silkgate_queue_up{") || v != "0" {
			t.Errorf("%s = %s", series, v)
		}
	}
}
