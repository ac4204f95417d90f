package web

import (
	"testing"

	"github.com/silkgate/silkgate/domain/customs"
)

// Every declaration status and kind has its label in both languages, as has every outcome a
// results page names.
func TestDeclarationLabels(t *testing.T) {
	var keys []string
	for _, s := range customs.Statuses() {
		keys = append(keys, declStatusKey+string(s))
	}
	for _, k := range customs.Kinds() {
		keys = append(keys, declKindKey+string(k))
	}
	for _, o := range []string{"created", "duplicate", "invalid", "submitted"} {
		keys = append(keys, "decl.outcome."+o)
	}
	for _, k := range keys {
		m, ok := messages[k]
		if !ok || m.zh == "" || m.en == "" {
			t.Errorf("%s: %+v", k, m)
		}
	}
}

// A page polls only while customs may still answer by itself.
func TestWatchedStatuses(t *testing.T) {
	for _, s := range customs.Statuses() {
		want := !s.Final() && s != customs.StatusDraft && s != customs.StatusReleased && !s.Resubmittable()
		if got := watched(s); got != want {
			t.Errorf("%s: watched %v, want %v", s, got, want)
		}
	}
}
