package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/silkgate/silkgate/adapters/mongo/mongotest"
	"github.com/silkgate/silkgate/adapters/redis/redistest"
	"github.com/silkgate/silkgate/config"
)

// testOperatorKey is the operator key every test service is configured with.
const testOperatorKey = "test-operator-key-0123456789"

// TestMain stops the embedded store the tests share once they are done.
func TestMain(m *testing.M) {
	code := m.Run()
	closeBrowser() // the console's browser tests' chromium (browser_test.go)
	mongotest.Close()
	os.Exit(code)
}

// service is the real Silkgate started for one test: HTTP on a free port, a fresh database of
// its own on the test binary's one store (MONGO_URI when set, else the embedded server
// mongotest shares), and queues in a namespace of their own on the real Redis at REDIS_URL.
type service struct {
	t        testing.TB
	main     *Main
	url      string
	environ  map[string]string
	banner   *bytes.Buffer
	carriers map[string]firm // carriers registered for the parcels' logisticsCode (carrier)
}

// testEnviron is the configuration of a test's service; extra adds to it or overrides it
// ("MONGO_URI": "" makes the service start an embedded server of its own in its data folder).
// The database is dropped when the test ends.
func testEnviron(t testing.TB, extra map[string]string) map[string]string {
	uri, embedded, db := mongotest.Database(t)
	env := map[string]string{
		"SILKGATE_HTTP_ADDR":               "127.0.0.1:0",
		"SILKGATE_DATA_DIR":                t.TempDir(),
		"SILKGATE_EMBEDDED_MONGO_ADDR":     "127.0.0.1:0",
		"MONGO_URI":                        uri,
		"MONGO_DB":                         db,
		"SILKGATE_MONGO_SINGLE_CONNECTION": strconv.FormatBool(embedded),
		"REDIS_URL":                        redistest.URL(t),
		"SILKGATE_QUEUE":                   redistest.Namespace(),
		"SILKGATE_OPERATOR_KEY":            testOperatorKey,
		"SILKGATE_DEMO":                    "false",
		"SILKGATE_LOG_LEVEL":               "warn",
		// Tests of the lists alone file no order, payment or waybill; those of the three
		// documents (documents_test.go) switch the authority's matching on.
		"SILKGATE_SIM_MATCH_DOCUMENTS": "false",
		// Many tests send hundreds of requests at once: limits far above them, still counted
		// (ratelimit_test.go sets tight ones).
		"SILKGATE_RATE_LIMIT_KEY": "100000", "SILKGATE_RATE_LIMIT_KEY_BURST": "100000",
		"SILKGATE_RATE_LIMIT_ORG": "100000", "SILKGATE_RATE_LIMIT_ORG_BURST": "100000",
		"SILKGATE_RATE_LIMIT_AUTH_FAILURES": "100000", "SILKGATE_RATE_LIMIT_AUTH_FAILURES_BURST": "100000",
		// bcrypt at its least cost: the rules are the same, and the demo's users, made at every
		// demo start, cost milliseconds instead of seconds under the race detector.
		"SILKGATE_PASSWORD_COST": "4",
	}
	for k, v := range extra {
		env[k] = v
	}
	return env
}

func startService(t testing.TB, extra map[string]string) *service {
	t.Helper()
	return startWith(t, testEnviron(t, extra))
}

func startWith(t testing.TB, environ map[string]string) *service {
	t.Helper()
	cfg, err := config.Load(environ)
	if err != nil {
		t.Fatal(err)
	}
	banner := &bytes.Buffer{}
	m := NewMain(cfg, slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn})), banner)
	if err := m.Run(context.Background()); err != nil {
		m.Close()
		t.Fatal(err)
	}
	s := &service{t: t, main: m, url: m.URL(), environ: environ, banner: banner}
	t.Cleanup(s.stop)
	if environ["MONGO_URI"] != "" && environ["SILKGATE_MONGO_SINGLE_CONNECTION"] == "true" {
		// The shared embedded server: what the service does for a server of its own.
		mongotest.IndexIDs(t, environ["MONGO_DB"])
	}
	return s
}

func (s *service) stop() {
	if s.main != nil {
		s.main.Close()
		s.main = nil
	}
}

// restart stops the service and starts it again on the same data.
func (s *service) restart() {
	s.t.Helper()
	s.stop()
	env := map[string]string{}
	for k, v := range s.environ {
		env[k] = v
	}
	again := startWith(s.t, env)
	s.main, s.url, s.banner = again.main, again.url, again.banner
	again.main = nil // s owns it now: its own cleanup closes it once
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// response is an HTTP answer with its body decoded loosely.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r response) JSON(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v: %s", err, r.Body)
	}
	return m
}

func (r response) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode: %v: %s", err, r.Body)
	}
}

// do sends a request with key as bearer (none when empty); body is marshalled unless it is
// already []byte or a string. The answer is checked against the OpenAPI document (spec_test.go).
func (s *service) do(method, path, key string, body any) response {
	s.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			s.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, s.url+path, rd)
	if err != nil {
		s.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	return s.send(req)
}

// send sends a request made by the test and checks the answer against the OpenAPI document.
func (s *service) send(req *http.Request) response {
	s.t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	// Errorf, not Fatalf: some tests call do from goroutines of their own.
	if err := checkAgainstSpec(req, res.StatusCode, res.Header, raw); err != nil {
		s.t.Errorf("openapi: %v", err)
	}
	return response{Status: res.StatusCode, Header: res.Header, Body: raw}
}

// expect fails the test unless the answer has the given status; for problems it returns the
// decoded problem document.
func (s *service) expect(r response, status int) map[string]any {
	s.t.Helper()
	if r.Status != status {
		s.t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	if status >= 400 {
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
			s.t.Fatalf("error answered as %q, want application/problem+json", ct)
		}
	}
	if len(r.Body) == 0 || r.Body[0] != '{' {
		return nil
	}
	return r.JSON(s.t)
}

// expectProblem checks status, code and (when field is not empty) the first field error.
func (s *service) expectProblem(r response, status int, code, field string) {
	s.t.Helper()
	p := s.expect(r, status)
	if p["code"] != code {
		s.t.Fatalf("problem code %v, want %s: %s", p["code"], code, r.Body)
	}
	if field == "" {
		return
	}
	errs, _ := p["errors"].([]any)
	if len(errs) == 0 {
		s.t.Fatalf("problem names no field, want %s: %s", field, r.Body)
	}
	first := errs[0].(map[string]any)
	if first["field"] != field {
		s.t.Fatalf("problem names field %v, want %s: %s", first["field"], field, r.Body)
	}
}

// eventually polls cond until it holds or the deadline passes; the deadline is generous and only
// bounds a failing test, it asserts nothing about speed.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	eventuallyWithin(t, 60, what, cond)
}

// eventuallyWithin is eventually with a bound of the given seconds; it returns how long it took.
func eventuallyWithin(t testing.TB, seconds int, what string, cond func() bool) time.Duration {
	t.Helper()
	return pollWithin(t, seconds, 50*time.Millisecond, what, cond)
}

// pollWithin is eventuallyWithin asking cond every interval: a cond that costs the service
// real work (listing hundreds of documents) must not crowd out the work it waits for.
func pollWithin(t testing.TB, seconds int, interval time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	deadline := start.Add(time.Duration(seconds) * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(interval)
	}
	return time.Since(start)
}

// arr reads a JSON array that may be left out (omitempty) as an empty one.
func arr(v any) []any {
	a, _ := v.([]any)
	return a
}
