package app

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/silkgate/silkgate/domain/customs"
)

// TestCopNosUniqueInOneSecond: a bulk submit of 1,000 lists within one second, from several
// requests at once, gives 1,000 distinct copNos (with the former "random below 10⁶" about
// 40 % of such batches had a collision), each within the schema's 30 characters.
func TestCopNosUniqueInOneSecond(t *testing.T) {
	issuer := newCopNoIssuer(customs.CopNoNode(7))
	now := time.Date(2026, 11, 25, 4, 0, 0, 0, time.UTC)
	const workers, each = 8, 125
	var mu sync.Mutex
	seen := map[string]bool{}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				at := now.Add(time.Duration(w*each+i) * 900 * time.Microsecond) // all within the same second
				c, err := issuer.next("SILKGATE01", at)
				if err != nil {
					t.Error(err)
					return
				}
				if err := customs.CheckCopNo(c); err != nil || !strings.HasPrefix(c, "SILKGATE012026112512000007") {
					t.Errorf("copNo %q: %v", c, err)
				}
				mu.Lock()
				if seen[c] {
					t.Errorf("copNo %q issued twice", c)
				}
				seen[c] = true
				mu.Unlock()
			}
		}(w)
	}
	wg.Wait()
	if len(seen) != workers*each {
		t.Fatalf("%d distinct copNos of %d", len(seen), workers*each)
	}
}

// TestCopNosWhenTheClockGoesBack: a clock set back does not repeat a copNo: the issuer keeps
// counting in the last second it used. Two processes (two nodes) never share one.
func TestCopNosWhenTheClockGoesBack(t *testing.T) {
	issuer := newCopNoIssuer(customs.CopNoNode(1))
	t0 := time.Date(2026, 11, 25, 4, 0, 5, 0, time.UTC)
	seen := map[string]bool{}
	for _, at := range []time.Time{t0, t0.Add(time.Second), t0, t0.Add(-time.Minute), t0.Add(time.Second), t0.Add(2 * time.Second)} {
		c, err := issuer.next("SG", at)
		if err != nil || seen[c] {
			t.Fatalf("copNo %q at %v: %v (seen before: %v)", c, at, err, seen[c])
		}
		seen[c] = true
	}
	other := newCopNoIssuer(customs.CopNoNode(2))
	c, _ := other.next("SG", t0)
	if seen[c] {
		t.Errorf("another process's copNo %q repeats one of the first", c)
	}
	if a, b := newCopNoIssuer(""), newCopNoIssuer(""); len(a.node) != customs.CopNoNodeLength || len(b.node) != customs.CopNoNodeLength {
		t.Errorf("random nodes %q %q", a.node, b.node)
	}
}
