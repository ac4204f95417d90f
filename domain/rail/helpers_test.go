package rail_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/rail"
)

func wantKindCode(t *testing.T, what string, err error, kind domain.Kind, code string) {
	t.Helper()
	var e *domain.Error
	if !errors.As(err, &e) || e.Kind != kind || string(e.Code) != code {
		t.Errorf("%s: error %v, want %s/%s", what, err, kind, code)
	}
}

// fieldCodes lists "field:code" of an Invalid error.
func fieldCodes(err error) []string {
	var e *domain.Error
	if !errors.As(err, &e) {
		return nil
	}
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Field+":"+string(f.Code))
	}
	return out
}

func wantFields(t *testing.T, what string, err error, want ...string) {
	t.Helper()
	got := fieldCodes(err)
	if len(want) == 0 {
		if err != nil {
			t.Errorf("%s: unexpected error %v", what, err)
		}
		return
	}
	if domain.KindOf(err) != domain.KindInvalid || !slices.Equal(got, want) {
		t.Errorf("%s: fields %v (%v), want %v", what, got, err, want)
	}
}

// cst is a wall-clock time in China.
func cst(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, rail.ChinaTime)
}

func seedLine(t *testing.T, code string) rail.Line {
	t.Helper()
	for _, l := range rail.SeedLines() {
		if l.Code == code {
			return l
		}
	}
	t.Fatalf("no seed line %s", code)
	return rail.Line{}
}
