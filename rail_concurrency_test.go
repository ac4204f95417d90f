package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// bookingOutcome is one answer to a concurrent booking request.
type bookingOutcome struct {
	status int
	id     string
	state  string
	teu    int
	code   string
}

// postJSON is a goroutine-safe request: it reports failures, answers the OpenAPI document does
// not allow included, instead of failing the test.
func postJSON(url, key string, body any) (int, map[string]any, error) {
	raw, _ := json.Marshal(body)
	req, err := http.NewRequest("POST", url, bytes.NewReader(raw))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, nil, err
	}
	if err := checkAgainstSpec(req, res.StatusCode, res.Header, b); err != nil {
		return res.StatusCode, nil, fmt.Errorf("openapi: %w", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return res.StatusCode, nil, fmt.Errorf("%d %s", res.StatusCode, b)
	}
	return res.StatusCode, m, nil
}

// bookConcurrently sends n booking requests at once against one departure: every third asks for
// two 40 ft boxes (4 TEU), the others for one (2 TEU); every tenth refuses the waiting list.
func bookConcurrently(url, key, departureID string, n int) ([]bookingOutcome, error) {
	out := make([]bookingOutcome, n)
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			count := 1
			if i%3 == 0 {
				count = 2
			}
			<-start
			status, body, err := postJSON(url+"/v1/bookings", key, map[string]any{
				"departureId": departureID, "containers": []any{map[string]any{"type": "40GP", "count": count}},
				"cargoDescription": fmt.Sprintf("request %d", i), "grossKg": 8000 * count, "allowWaitlist": i%10 != 0,
			})
			if err != nil {
				errs[i] = err
				return
			}
			o := bookingOutcome{status: status, teu: 2 * count}
			o.id, _ = body["id"].(string)
			o.state, _ = body["status"].(string)
			o.code, _ = body["code"].(string)
			out[i] = o
		}()
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// allBookings lists every booking of a departure, page by page.
func allBookings(s *service, departureID string) []map[string]any {
	var out []map[string]any
	path := "/v1/bookings?limit=500&departureId=" + departureID
	for {
		page := s.expect(s.do("GET", path, testOperatorKey, nil), 200)
		for _, it := range arr(page["items"]) {
			out = append(out, it.(map[string]any))
		}
		next, _ := page["nextCursor"].(string)
		if next == "" {
			return out
		}
		path = "/v1/bookings?limit=500&departureId=" + departureID + "&cursor=" + next
	}
}

// checkBooks compares the departure's counters with its bookings: confirmed TEU is exactly the
// sum of the confirmed bookings and never above capacity; waitlisted likewise.
func checkBooks(t *testing.T, s *service, departureID string) (confirmed, waiting []map[string]any) {
	t.Helper()
	c := capacityOf(s, departureID)
	sum := map[string]int{}
	for _, b := range allBookings(s, departureID) {
		sum[b["status"].(string)] += num(b["teu"])
		switch b["status"] {
		case "confirmed":
			confirmed = append(confirmed, b)
		case "waitlisted":
			waiting = append(waiting, b)
		case "requested":
			t.Errorf("booking %v left requested", b["id"])
		}
	}
	if num(c["confirmedTEU"]) > num(c["capacityTEU"]) {
		t.Fatalf("oversold: %v", c)
	}
	if sum["confirmed"] != num(c["confirmedTEU"]) || sum["waitlisted"] != num(c["waitlistedTEU"]) {
		t.Fatalf("bookings hold %d TEU confirmed and %d waiting; the departure counts %v", sum["confirmed"], sum["waitlisted"], c)
	}
	return confirmed, waiting
}

func TestConcurrentBookingsNeverOversell(t *testing.T) {
	t.Parallel()
	// 300 requests at once queue on one departure of the embedded store, whose single
	// connection serves them one by one; under the race detector the last may wait longer than
	// the default 30 s request timeout. This test is about what is stored, not how fast.
	s := startService(t, map[string]string{"SILKGATE_REQUEST_TIMEOUT": "10m"})
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	dep := s.planDeparture(10, 110)

	started := time.Now()
	outcomes, err := bookConcurrently(s.url, exp.key, dep, 300)
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(started)
	t.Logf("300 concurrent booking requests on one 110 TEU train answered in %v (%.0f requests/s)", elapsed, 300/elapsed.Seconds())

	byState := map[string]int{}
	for i, o := range outcomes {
		switch {
		case o.status == 201 && (o.state == "confirmed" || o.state == "waitlisted"):
			byState[o.state]++
		case o.status == 409 && o.code == "departure_full" && i%10 == 0:
			byState["refused"]++
		case o.status == 409 && o.code == "waitlist_full" && i%10 != 0:
			byState["refused"]++ // the waiting list holds one train's worth
		default:
			t.Fatalf("request %d answered %+v", i, o)
		}
	}
	confirmed, waiting := checkBooks(t, s, dep)
	if c := capacityOf(s, dep); num(c["confirmedTEU"]) != 110 || num(c["availableTEU"]) != 0 || num(c["waitlistedTEU"]) > 110 {
		t.Fatalf("the train is not exactly full: %v (%v)", c, byState)
	}
	if len(confirmed)+len(waiting)+byState["refused"] != 300 || byState["refused"] == 0 || len(waiting) == 0 {
		t.Fatalf("%d confirmed, %d waiting, %d refused of 300", len(confirmed), len(waiting), byState["refused"])
	}

	// Random cancellations, concurrently, while a watcher checks the counters all along.
	stop := make(chan struct{})
	var over, watchErr atomic.Value
	var samples atomic.Int64
	var watched sync.WaitGroup
	watched.Add(1)
	go func() {
		defer watched.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			req, _ := http.NewRequest("GET", s.url+"/v1/departures/"+dep, nil)
			req.Header.Set("Authorization", "Bearer "+testOperatorKey)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				watchErr.Store(err.Error())
				return
			}
			var d struct {
				Capacity struct{ CapacityTEU, ConfirmedTEU int } `json:"capacity"`
			}
			err = json.NewDecoder(res.Body).Decode(&d)
			res.Body.Close()
			if err != nil || d.Capacity.CapacityTEU != 110 {
				watchErr.Store(fmt.Sprintf("%d %v %+v", res.StatusCode, err, d))
				return
			}
			samples.Add(1)
			if d.Capacity.ConfirmedTEU > d.Capacity.CapacityTEU {
				over.Store(fmt.Sprintf("%+v", d.Capacity))
			}
		}
	}()
	rng := rand.New(rand.NewPCG(5, 7))
	rng.Shuffle(len(confirmed), func(i, j int) { confirmed[i], confirmed[j] = confirmed[j], confirmed[i] })
	var wg sync.WaitGroup
	cancelErrs := make(chan error, 20)
	for _, b := range confirmed[:20] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status, body, err := postJSON(s.url+"/v1/bookings/"+b["id"].(string)+"/cancel", exp.key, map[string]any{"reason": "test"})
			if err == nil && status != 200 {
				err = fmt.Errorf("cancel %s: %d %v", b["id"], status, body)
			}
			if err != nil {
				cancelErrs <- err
			}
		}()
	}
	wg.Wait()
	close(stop)
	watched.Wait()
	close(cancelErrs)
	for err := range cancelErrs {
		t.Fatal(err)
	}
	if v := watchErr.Load(); v != nil {
		t.Fatalf("watching the departure: %v", v)
	}
	if v := over.Load(); v != nil {
		t.Fatalf("oversold while cancelling: %v", v)
	}
	if samples.Load() == 0 {
		t.Fatal("the capacity was never read while cancelling: nothing was watched")
	}
	t.Logf("the capacity was read %d times while cancelling", samples.Load())

	confirmed, waiting = checkBooks(t, s, dep)
	c := capacityOf(s, dep)
	// The waiting list moved up first come, first fit: nothing still waiting would fit, and no
	// booking still waiting came before a promoted one of its size or larger.
	for _, w := range waiting {
		if num(w["teu"]) <= num(c["availableTEU"]) {
			t.Errorf("%v (%v TEU) still waits with %v TEU free", w["id"], w["teu"], c["availableTEU"])
		}
	}
	var promoted []map[string]any
	for _, b := range confirmed {
		if b["waitlistedAt"] != nil {
			promoted = append(promoted, b)
		}
	}
	if len(promoted) == 0 {
		t.Fatal("no waiting booking was promoted")
	}
	for _, p := range promoted {
		for _, w := range waiting {
			if waitedSince(w).Before(waitedSince(p)) && num(w["teu"]) <= num(p["teu"]) {
				t.Errorf("%v (waiting since %v, %v TEU) was passed over by %v (since %v, %v TEU)",
					w["id"], w["waitlistedAt"], w["teu"], p["id"], p["waitlistedAt"], p["teu"])
			}
		}
	}
	t.Logf("after 20 cancellations: %d promoted, %d still waiting, %v", len(promoted), len(waiting), c)
}

func waitedSince(b map[string]any) time.Time {
	at, _ := time.Parse(time.RFC3339Nano, b["waitlistedAt"].(string))
	return at
}
