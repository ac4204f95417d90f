// Package counter counts events by a fixed set of labels, for the adapters' own figures (store
// commands, queue tasks): tests read the counts directly, and /metrics exports them as a
// Prometheus counter.
package counter

import (
	"slices"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// Vec is a set of counters, one per combination of label values.
type Vec struct {
	mu     sync.Mutex
	counts map[string]uint64 // label values joined by \x00
	desc   *prometheus.Desc
}

// New returns an empty Vec exported as the counter name with the given labels.
func New(name, help string, labels ...string) *Vec {
	return &Vec{counts: map[string]uint64{}, desc: prometheus.NewDesc(name, help, labels, nil)}
}

// Inc adds one to the counter of the given label values (as many as the labels).
func (v *Vec) Inc(values ...string) {
	k := strings.Join(values, "\x00")
	v.mu.Lock()
	v.counts[k]++
	v.mu.Unlock()
}

// Snapshot returns every counter so far, keyed by its label values.
func (v *Vec) Snapshot() map[string]uint64 {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := make(map[string]uint64, len(v.counts))
	for k, n := range v.counts {
		out[k] = n
	}
	return out
}

// Labels splits a Snapshot key into its label values.
func Labels(key string) []string { return strings.Split(key, "\x00") }

// Describe implements prometheus.Collector.
func (v *Vec) Describe(ch chan<- *prometheus.Desc) { ch <- v.desc }

// Collect implements prometheus.Collector.
func (v *Vec) Collect(ch chan<- prometheus.Metric) {
	snap := v.Snapshot()
	keys := make([]string, 0, len(snap))
	for k := range snap {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		ch <- prometheus.MustNewConstMetric(v.desc, prometheus.CounterValue, float64(snap[k]), Labels(k)...)
	}
}
