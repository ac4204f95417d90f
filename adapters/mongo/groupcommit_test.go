package mongo

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// Concurrent callers are written together, every item exactly once, and each caller gets the
// result of the write that held its item.
func TestGroupCommitWritesEveryItemOnce(t *testing.T) {
	var mu sync.Mutex
	written := map[int]int{}
	writes := 0
	g := groupCommit[int, int]{flush: func(_ context.Context, items []int) (int, error) {
		time.Sleep(time.Millisecond) // a write takes a while: callers pile up meanwhile
		mu.Lock()
		defer mu.Unlock()
		writes++
		var err error
		for _, it := range items {
			written[it]++
			if it == 13 {
				err = errors.New("unlucky batch")
			}
		}
		return writes, err
	}}
	const callers = 300
	results := make([]int, callers)
	errs := make([]error, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = g.do(context.Background(), i)
		}()
	}
	wg.Wait()
	for i := range callers {
		if written[i] != 1 {
			t.Fatalf("item %d written %d times", i, written[i])
		}
		if results[i] == 0 {
			t.Fatalf("caller %d returned before its write", i)
		}
	}
	if errs[13] == nil {
		t.Error("the caller of a failed write got no error")
	}
	if writes >= callers/2 {
		t.Errorf("%d writes for %d concurrent callers: not grouped", writes, callers)
	}
}
