package business

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
	"github.com/silkgate/silkgate/domain"
)

func TestEventsAreCountedOnceWhenPublished(t *testing.T) {
	rdb := redistest.New(t)
	p := Wrap(redis.NewEvents(rdb, redistest.Namespace()+":events"))
	at := time.Now()
	list := func(status string, seq int, extra map[string]any) domain.Event {
		data := map[string]any{"kind": "inventory", "tradeMode": "9610"}
		for k, v := range extra {
			data[k] = v
		}
		return domain.NewEvent("declaration", "inv_1", int64(seq), 0, "declaration."+status, at, data)
	}
	events := []domain.Event{
		domain.NewEvent("parcel", "pcl_1", 1, 0, "parcel.registered", at, nil),
		domain.NewEvent("parcel", "pcl_1", 2, 0, "parcel.edited", at, nil), // not a status
		list("submitted", 1, nil),
		list("numbered", 2, nil), // not a status
		list("released", 3, map[string]any{"clearanceMs": int32(90_000)}),
		domain.NewEvent("declaration", "cancel_1", 1, 0, "declaration.submitted", at, map[string]any{"kind": "cancel"}),
		domain.NewEvent("booking", "bkg_1", 1, 0, "booking.confirmed", at, nil),
		domain.NewEvent("booking", "bkg_1", 2, 0, "booking.something_new", at, nil), // not a known event
	}
	ctx := context.Background()
	if err := p.Publish(ctx, events); err != nil {
		t.Fatal(err)
	}
	// Published again (a relay retried): counted once.
	if err := p.Publish(ctx, events[2:5]); err != nil {
		t.Fatal(err)
	}
	m := scrape(t, p)
	for series, want := range map[string]string{
		`silkgate_parcel_transitions_total{status="registered"}`:                "1",
		`silkgate_customs_lists_total{outcome="submitted"}`:                     "1",
		`silkgate_customs_lists_total{outcome="released"}`:                      "1",
		`silkgate_declarations_total{kind="cancel",status="submitted"}`:         "1",
		`silkgate_booking_events_total{event="confirmed"}`:                      "1",
		`silkgate_customs_clearance_seconds_count{trade_mode="9610"}`:           "1",
		`silkgate_customs_clearance_seconds_sum{trade_mode="9610"}`:             "90",
		`silkgate_customs_clearance_seconds_bucket{trade_mode="9610",le="60"}`:  "0",
		`silkgate_customs_clearance_seconds_bucket{trade_mode="9610",le="120"}`: "1",
	} {
		if got, ok := m[series]; !ok || got != want {
			t.Errorf("%s = %q, want %s", series, got, want)
		}
	}
	// Edits, numbers and unknown types make no series.
	for series := range m {
		if strings.Contains(series, "edited") || strings.Contains(series, "numbered") || strings.Contains(series, "something_new") {
			t.Errorf("unexpected series %s", series)
		}
	}
}

// scrape reads the publisher's figures as /metrics shows them, by series.
func scrape(t *testing.T, p *Publisher) map[string]string {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(p.Collectors()...)
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

// What the publisher refuses is not counted: it was not published.
func TestEventsNotPublishedAreNotCounted(t *testing.T) {
	rdb := redistest.New(t)
	p := Wrap(redis.NewEvents(rdb, redistest.Namespace()+":events"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e := domain.NewEvent("parcel", "pcl_1", 1, 0, "parcel.registered", time.Now(), nil)
	if err := p.Publish(ctx, []domain.Event{e}); err == nil {
		t.Fatal("published on a cancelled context")
	}
	if m := scrape(t, p); len(m) != 0 {
		t.Fatalf("series after a failed publish: %v", m)
	}
	if err := p.Publish(context.Background(), []domain.Event{e}); err != nil {
		t.Fatal(err)
	}
	if got := scrape(t, p)[`silkgate_parcel_transitions_total{status="registered"}`]; got != "1" {
		t.Errorf("registered %q after the retry, want 1", got)
	}
}
