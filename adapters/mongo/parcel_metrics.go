package mongo

import (
	"context"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"github.com/silkgate/silkgate/domain/parcel"
)

// ParcelStatusGauge exports silkgate_parcels{status}: how many parcels stand in each status
// now, counted by the store — one count per status on the parcels' status index, at most once
// a refresh interval, whatever the scrape rate. Exact and the same from every process.
//
// For MongoDB only: the embedded store has no index to count by and would read and decode the
// whole collection for each count (main.go does not register it there; the transition counters
// of adapters/business are exported on both).
type ParcelStatusGauge struct {
	coll    *mongo.Collection
	every   time.Duration
	desc    *prometheus.Desc
	mu      sync.Mutex
	at      time.Time
	counts  map[parcel.Status]int64
	lastErr error
}

// NewParcelStatusGauge counts at most once every interval (default a minute).
func NewParcelStatusGauge(s *Store, every time.Duration) *ParcelStatusGauge {
	if every <= 0 {
		every = time.Minute
	}
	return &ParcelStatusGauge{coll: s.db.Collection(collParcels), every: every,
		desc: prometheus.NewDesc("silkgate_parcels", "Parcels by current status, counted by the store (refreshed at most once a minute).", []string{"status"}, nil)}
}

// Describe implements prometheus.Collector.
func (g *ParcelStatusGauge) Describe(ch chan<- *prometheus.Desc) { ch <- g.desc }

// Collect implements prometheus.Collector. A failed count exports nothing until the next
// interval's count.
func (g *ParcelStatusGauge) Collect(ch chan<- prometheus.Metric) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if time.Since(g.at) >= g.every {
		g.at = time.Now()
		g.counts, g.lastErr = g.count()
	}
	if g.lastErr != nil {
		return
	}
	for _, s := range parcel.Statuses() {
		ch <- prometheus.MustNewConstMetric(g.desc, prometheus.GaugeValue, float64(g.counts[s]), string(s))
	}
}

func (g *ParcelStatusGauge) count() (map[parcel.Status]int64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out := map[parcel.Status]int64{}
	for _, s := range parcel.Statuses() {
		n, err := g.coll.CountDocuments(ctx, bson.M{"status": string(s)})
		if err != nil {
			return nil, internal(err, "count parcels")
		}
		out[s] = n
	}
	return out, nil
}
