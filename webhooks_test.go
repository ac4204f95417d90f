package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/silkgate/silkgate/adapters/redis/redistest"
)

// verifySignature is the receiver's check exactly as docs/webhooks.md shows it: the timestamp
// within 5 minutes, and one v1 signature the HMAC-SHA256 of "t.body" under the secret.
func verifySignature(header string, body []byte, secret string, now time.Time) error {
	const tolerance = 5 * time.Minute
	var ts int64
	var sigs []string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return errors.New("bad timestamp")
			}
			ts = n
		case "v1":
			sigs = append(sigs, v)
		}
	}
	if ts == 0 || len(sigs) == 0 {
		return errors.New("no timestamp or signature")
	}
	if age := now.Sub(time.Unix(ts, 0)); age > tolerance || age < -tolerance {
		return errors.New("timestamp outside the tolerance")
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(ts, 10) + "."))
	mac.Write(body)
	want := hex.EncodeToString(mac.Sum(nil))
	for _, s := range sigs {
		if hmac.Equal([]byte(s), []byte(want)) {
			return nil
		}
	}
	return errors.New("no signature matches")
}

// received is one request a test receiver saw.
type received struct {
	Payload   map[string]any
	Signature string
	Body      []byte
	Answered  int
	Verified  bool
}

// receiver is a webhook receiver on loopback: it verifies every request against the secrets it
// is given, fails the first failFirst requests with 500, and remembers them all.
type receiver struct {
	t         *testing.T
	mu        sync.Mutex
	secret    string
	failFirst int
	always    int // when set, every answer has this status
	got       []received
	srv       *httptest.Server
}

func newReceiver(t *testing.T, failFirst int) *receiver {
	r := &receiver{t: t, failFirst: failFirst}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		rec := received{Signature: req.Header.Get("Silkgate-Signature"), Body: body}
		_ = json.Unmarshal(body, &rec.Payload)
		rec.Verified = r.secret != "" && verifySignature(rec.Signature, body, r.secret, time.Now()) == nil
		switch {
		case r.always != 0:
			rec.Answered = r.always
		case len(r.got) < r.failFirst:
			rec.Answered = 500
		default:
			rec.Answered = 204
		}
		if req.Header.Get("Silkgate-Event-Id") != rec.Payload["id"] || req.Header.Get("Silkgate-Delivery-Id") != rec.Payload["deliveryId"] {
			rec.Verified = false
		}
		r.got = append(r.got, rec)
		w.WriteHeader(rec.Answered)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) requests() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

func (r *receiver) setSecret(s string) { r.mu.Lock(); r.secret = s; r.mu.Unlock() }

// delivered counts the requests answered 2xx for events of type typ.
func (r *receiver) delivered(typ string) int {
	n := 0
	for _, g := range r.requests() {
		if g.Payload["type"] == typ && g.Answered < 300 {
			n++
		}
	}
	return n
}

// webhookEnv is the configuration of a test service delivering to loopback receivers, with
// retries in milliseconds.
func webhookEnv(extra map[string]string) map[string]string {
	env := map[string]string{
		"SILKGATE_WEBHOOK_ALLOW_PRIVATE": "true",
		"SILKGATE_WEBHOOK_RETRY_BASE":    "20ms",
		"SILKGATE_WEBHOOK_RETRY_CAP":     "100ms",
		"SILKGATE_WEBHOOK_MAX_ATTEMPTS":  "6",
		"SILKGATE_WEBHOOK_TIMEOUT":       "2s",
	}
	for k, v := range extra {
		env[k] = v
	}
	return env
}

func (s *service) subscribe(f firm, url string, types ...string) (id, secret string) {
	s.t.Helper()
	w := s.expect(s.do("POST", "/v1/webhooks", f.key, map[string]any{"url": url, "eventTypes": types}), 201)
	return w["id"].(string), w["secret"].(string)
}

func (s *service) deliveries(key, webhookID string) []any {
	s.t.Helper()
	return arr(s.expect(s.do("GET", "/v1/webhooks/"+webhookID+"/deliveries", key, nil), 200)["items"])
}

// TestWebhookSignedRetriedLogged: a receiver that fails the first two requests gets the event a
// third time, every request signed as the documented snippet checks; the delivery log shows
// the three attempts and their status codes; another exporter's subscriber hears nothing of it.
func TestWebhookSignedRetriedLogged(t *testing.T) {
	t.Parallel()
	s := startService(t, webhookEnv(nil))
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	other := s.register("exporter", "乙", usccB, "4206360A22")
	broker := s.register("broker", "丙", usccC, "4206980A23")
	rx, rxOther, rxBroker := newReceiver(t, 2), newReceiver(t, 0), newReceiver(t, 0)
	id, secret := s.subscribe(exp, rx.srv.URL+"/hook", "parcel.*")
	rx.setSecret(secret)
	if !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("secret %q", secret)
	}
	_, secretOther := s.subscribe(other, rxOther.srv.URL, "*")
	rxOther.setSecret(secretOther)
	_, secretBroker := s.subscribe(broker, rxBroker.srv.URL, "parcel.*")
	rxBroker.setSecret(secretBroker)
	// The secret is shown once: never again.
	if got := s.expect(s.do("GET", "/v1/webhooks/"+id, exp.key, nil), 200); got["secret"] != nil {
		t.Fatalf("secret shown again: %v", got)
	}
	// Another organisation cannot see the subscription.
	s.expectProblem(s.do("GET", "/v1/webhooks/"+id, other.key, nil), 404, "webhook_not_found", "")

	p := s.expect(s.do("POST", "/v1/parcels", exp.key, parcelBody("WH000001")), 201)
	eventually(t, "the parcel's event is delivered", func() bool { return rx.delivered("parcel.registered") == 1 })
	got := rx.requests()
	if len(got) != 3 {
		t.Fatalf("%d requests, want 3 (two failed, one delivered)", len(got))
	}
	for i, g := range got {
		if !g.Verified {
			t.Errorf("request %d: signature %q does not verify", i, g.Signature)
		}
		if g.Payload["id"] != got[0].Payload["id"] || g.Payload["subjectId"] != p["id"] || g.Payload["aggregate"] != "parcel" {
			t.Errorf("request %d payload %v", i, g.Payload)
		}
		if g.Payload["attempt"] != float64(i+1) {
			t.Errorf("request %d attempt %v", i, g.Payload["attempt"])
		}
		if seq, _ := g.Payload["sequence"].(float64); seq <= 0 {
			t.Errorf("request %d sequence %v", i, g.Payload["sequence"])
		}
	}
	// A signature under another secret, or the body changed, does not verify.
	if verifySignature(got[2].Signature, got[2].Body, secretOther, time.Now()) == nil ||
		verifySignature(got[2].Signature, append([]byte(" "), got[2].Body...), secret, time.Now()) == nil ||
		verifySignature(got[2].Signature, got[2].Body, secret, time.Now().Add(6*time.Minute)) == nil {
		t.Error("a wrong secret, a changed body or an old timestamp verifies")
	}
	var log []any
	eventually(t, "the log shows the delivery", func() bool {
		log = s.deliveries(exp.key, id)
		return len(log) == 1 && log[0].(map[string]any)["status"] == "delivered"
	})
	attempts := arr(log[0].(map[string]any)["attempts"])
	var codes []float64
	for _, a := range attempts {
		codes = append(codes, a.(map[string]any)["statusCode"].(float64))
	}
	if len(codes) != 3 || codes[0] != 500 || codes[1] != 500 || codes[2] != 204 {
		t.Fatalf("attempts' status codes %v, want [500 500 204]", codes)
	}

	metrics := string(s.do("GET", "/metrics", "", nil).Body)
	for _, want := range []string{`silkgate_webhook_deliveries_total{outcome="failed"} 2`,
		`silkgate_webhook_deliveries_total{outcome="delivered"} 1`, `silkgate_webhook_delivery_duration_seconds_count{outcome="delivered"} 1`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}

	// Tenancy: the broker hears of the parcel once the exporter authorises it, never before;
	// the other exporter never.
	s.authorize(exp, exp, broker, "9610")
	// Deliveries follow an agreement once its events are relayed (the broker's visibility is
	// read again then).
	eventually(t, "the agreement's events are relayed", func() bool { return s.published("authorization.activated") == 1 })
	time.Sleep(200 * time.Millisecond)
	p2 := s.expect(s.do("POST", "/v1/parcels", exp.key, parcelBody("WH000002")), 201)
	eventually(t, "the second parcel is delivered", func() bool { return rx.delivered("parcel.registered") == 2 })
	defer func() {
		if t.Failed() {
			for _, g := range rxBroker.requests() {
				t.Logf("broker got %v verified=%v", g.Payload, g.Verified)
			}
			for _, w := range arr(s.expect(s.do("GET", "/v1/webhooks", broker.key, nil), 200)["items"]) {
				t.Logf("broker webhook %v deliveries %v", w, s.deliveries(broker.key, w.(map[string]any)["id"].(string)))
			}
		}
	}()
	eventuallyWithin(t, 10, "the authorised broker hears of the second parcel", func() bool {
		for _, g := range rxBroker.requests() {
			if g.Payload["subjectId"] == p2["id"] && g.Verified {
				return true
			}
		}
		return false
	})
	for _, g := range rxOther.requests() {
		if strings.HasPrefix(g.Payload["type"].(string), "parcel.") {
			t.Fatalf("another exporter received %v", g.Payload)
		}
	}
	for _, g := range rxBroker.requests() {
		if g.Payload["subjectId"] == p["id"] {
			t.Fatalf("a broker not yet authorised received %v", g.Payload)
		}
	}
}

// TestWebhookRefusedToLoopback: without SILKGATE_WEBHOOK_ALLOW_PRIVATE, deliveries to
// 127.0.0.1 (and to a name that resolves to it) are refused before any connection and logged
// as refused; the receiver sees nothing.
func TestWebhookRefusedToLoopback(t *testing.T) {
	t.Parallel()
	s := startService(t, nil)
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	rx := newReceiver(t, 0)
	id, _ := s.subscribe(exp, rx.srv.URL, "parcel.*")
	ping := s.expect(s.do("POST", "/v1/webhooks/"+id+"/ping", exp.key, nil), 200)
	if ping["status"] != "refused" {
		t.Fatalf("ping to 127.0.0.1: %v", ping)
	}
	port := rx.srv.URL[strings.LastIndex(rx.srv.URL, ":")+1:]
	byName, _ := s.subscribe(exp, "http://localhost:"+port+"/x", "parcel.registered")
	s.expect(s.do("POST", "/v1/parcels", exp.key, parcelBody("WH000003")), 201)
	for _, wid := range []string{id, byName} {
		eventually(t, "the delivery is refused", func() bool {
			for _, d := range s.deliveries(exp.key, wid) {
				if dm := d.(map[string]any); dm["eventType"] == "parcel.registered" && dm["status"] == "refused" {
					return true
				}
			}
			return false
		})
	}
	if n := len(rx.requests()); n != 0 {
		t.Fatalf("the receiver saw %d requests", n)
	}
	s.expectProblem(s.do("POST", "/v1/webhooks", exp.key, map[string]any{"url": "ftp://example.com/", "eventTypes": []string{"*"}}), 422, "invalid_url", "url")
	s.expectProblem(s.do("POST", "/v1/webhooks", exp.key, map[string]any{"url": "https://u:p@example.com/", "eventTypes": []string{"*"}}), 422, "invalid_url", "url")
	s.expectProblem(s.do("POST", "/v1/webhooks", exp.key, map[string]any{"url": "https://example.com/", "eventTypes": []string{"parcel.nothing"}}), 422, "unknown_event_type", "eventTypes[0]")
	s.expectProblem(s.do("POST", "/v1/webhooks", exp.key, map[string]any{"url": "https://example.com/" + strings.Repeat("a", 2048), "eventTypes": []string{"*"}}), 422, "too_long", "url")
}

// TestWebhookRedirectAndSlowReceiver: a 3xx is a failed delivery, not followed; a receiver
// slower than SILKGATE_WEBHOOK_TIMEOUT is cut off.
func TestWebhookRedirectAndSlowReceiver(t *testing.T) {
	t.Parallel()
	s := startService(t, webhookEnv(map[string]string{"SILKGATE_WEBHOOK_TIMEOUT": "300ms"}))
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	target := newReceiver(t, 0)
	redirect := httptest.NewServer(http.RedirectHandler(target.srv.URL, http.StatusTemporaryRedirect))
	defer redirect.Close()
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-time.After(10 * time.Second):
		}
	}))
	defer slow.Close()
	defer close(release)

	id, _ := s.subscribe(exp, redirect.URL, "parcel.*")
	ping := s.expect(s.do("POST", "/v1/webhooks/"+id+"/ping", exp.key, nil), 200)
	a := arr(ping["attempts"])[0].(map[string]any)
	if ping["status"] != "failed" || a["statusCode"] != float64(307) {
		t.Fatalf("ping through a redirect: %v", ping)
	}
	if n := len(target.requests()); n != 0 {
		t.Fatalf("the redirect was followed: %d requests", n)
	}
	slowID, _ := s.subscribe(exp, slow.URL, "parcel.*")
	start := time.Now()
	ping = s.expect(s.do("POST", "/v1/webhooks/"+slowID+"/ping", exp.key, nil), 200)
	a = arr(ping["attempts"])[0].(map[string]any)
	if ping["status"] != "failed" || a["statusCode"] != nil || !strings.Contains(a["error"].(string), "timeout") {
		t.Fatalf("ping to a slow receiver: %v", ping)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatalf("a slow receiver held the delivery %s", time.Since(start))
	}
}

// TestWebhookDisabledAfterRetries: when the retry budget is spent the subscription is
// disabled (with its reason), the organisation's other subscription is told, and enabling it
// again starts deliveries.
func TestWebhookDisabledAfterRetries(t *testing.T) {
	t.Parallel()
	s := startService(t, webhookEnv(map[string]string{"SILKGATE_WEBHOOK_MAX_ATTEMPTS": "3"}))
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	failing, watcher := newReceiver(t, 0), newReceiver(t, 0)
	failing.always = 503
	id, _ := s.subscribe(exp, failing.srv.URL, "parcel.*")
	_, secret := s.subscribe(exp, watcher.srv.URL, "webhook.*")
	watcher.setSecret(secret)
	s.expect(s.do("POST", "/v1/parcels", exp.key, parcelBody("WH000004")), 201)
	var w map[string]any
	eventually(t, "the subscription is disabled", func() bool {
		w = s.expect(s.do("GET", "/v1/webhooks/"+id, exp.key, nil), 200)
		return w["enabled"] == false
	})
	if w["disabledReason"] != "delivery_failed" || w["disabledAt"] == nil {
		t.Fatalf("disabled subscription %v", w)
	}
	if n := len(failing.requests()); n != 3 {
		t.Fatalf("%d attempts, want 3", n)
	}
	eventually(t, "the organisation is told", func() bool { return watcher.delivered("webhook.disabled") == 1 })
	notice := watcher.requests()[0]
	if !notice.Verified || notice.Payload["data"].(map[string]any)["webhookId"] != id {
		t.Fatalf("notice %v", notice.Payload)
	}
	log := s.deliveries(exp.key, id)
	if len(log) != 1 || log[0].(map[string]any)["status"] != "failed" {
		t.Fatalf("log %v", log)
	}
	// Enabled again, with a receiver that answers: the failed delivery is redelivered.
	failing.mu.Lock()
	failing.always = 0
	failing.failFirst = 0
	failing.mu.Unlock()
	s.expect(s.do("PATCH", "/v1/webhooks/"+id, exp.key, map[string]any{"enabled": true}), 200)
	s.expect(s.do("POST", "/v1/webhooks/"+id+"/deliveries/"+log[0].(map[string]any)["id"].(string)+"/redeliver", exp.key, nil), 202)
	eventually(t, "the redelivery arrives", func() bool { return failing.delivered("parcel.registered") == 1 })
}

// TestWebhookRetriesSurviveRestart: a delivery failing while the service restarts is retried
// by the new worker and arrives; nothing is lost, and it arrives once.
func TestWebhookRetriesSurviveRestart(t *testing.T) {
	t.Parallel()
	s := startService(t, webhookEnv(map[string]string{"SILKGATE_WEBHOOK_RETRY_BASE": "1s", "SILKGATE_WEBHOOK_RETRY_CAP": "1s"}))
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	rx := newReceiver(t, 2)
	id, secret := s.subscribe(exp, rx.srv.URL, "parcel.registered")
	rx.setSecret(secret)
	const parcels = 20
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range parcels / 4 {
				s.expect(s.do("POST", "/v1/parcels", exp.key, parcelBody(fmt.Sprintf("WHR%d%04d", g, i))), 201)
			}
		}()
	}
	wg.Wait()
	eventually(t, "the first attempts fail", func() bool { return len(rx.requests()) >= 2 })
	s.restart()
	eventually(t, "every parcel's event arrives", func() bool { return rx.delivered("parcel.registered") >= parcels })
	seen := map[any]int{}
	for _, g := range rx.requests() {
		if !g.Verified {
			t.Errorf("unsigned request %v", g.Payload)
		}
		if g.Answered < 300 {
			seen[g.Payload["id"]]++
		}
	}
	if len(seen) != parcels {
		t.Fatalf("%d distinct events delivered, want %d: %v", len(seen), parcels, seen)
	}
	eventually(t, "the log shows every delivery delivered", func() bool {
		log := s.deliveries(exp.key, id)
		n := 0
		for _, d := range log {
			if d.(map[string]any)["status"] == "delivered" {
				n++
			}
		}
		return n == parcels
	})
}

// TestWebhookSecretRotation: after a rotation deliveries carry both signatures, and receivers
// holding either secret verify them.
func TestWebhookSecretRotation(t *testing.T) {
	t.Parallel()
	s := startService(t, webhookEnv(nil))
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	rx := newReceiver(t, 0)
	id, old := s.subscribe(exp, rx.srv.URL, "parcel.*")
	rotated := s.expect(s.do("POST", "/v1/webhooks/"+id+"/rotate-secret", exp.key, nil), 200)
	fresh, _ := rotated["secret"].(string)
	if fresh == "" || fresh == old || rotated["previousSecretValidUntil"] == nil {
		t.Fatalf("rotation %v", rotated)
	}
	if ping := s.expect(s.do("POST", "/v1/webhooks/"+id+"/ping", exp.key, nil), 200); ping["status"] != "delivered" {
		t.Fatalf("ping %v", ping)
	}
	g := rx.requests()[0]
	if n := strings.Count(g.Signature, "v1="); n != 2 {
		t.Fatalf("signature %q carries %d signatures, want 2", g.Signature, n)
	}
	for _, secret := range []string{fresh, old} {
		if err := verifySignature(g.Signature, g.Body, secret, time.Now()); err != nil {
			t.Errorf("secret %s…: %v", secret[:10], err)
		}
	}
	if g.Payload["type"] != "webhook.ping" {
		t.Errorf("ping payload %v", g.Payload)
	}
}

// webhookCommands counts the store commands sent to the webhook collections since before.
func webhookCommands(s *service, before storeCounts) (subs, deliveries uint64) {
	for k, n := range s.counts().commands {
		switch k.Collection {
		case "webhooks":
			subs += n - before.commands[k]
		case "webhook_deliveries":
			deliveries += n - before.commands[k]
		}
	}
	return subs, deliveries
}

// TestWebhookMatchingCostsNoStoreRead: events no subscription wants cost no store command
// (subscriptions are matched in memory), whether there are none or only others'; an event one
// wants costs one bulk write of its deliveries. The API's rules: 20 subscriptions per
// organisation, the operator lists everyone's, metrics are exported.
func TestWebhookMatchingCostsNoStoreRead(t *testing.T) {
	t.Parallel()
	s := startService(t, webhookEnv(nil))
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	other := s.register("exporter", "乙", usccB, "4206360A22")
	allScans := s.main.store.Commands().Scans()
	defer func() {
		for shape := range s.scansSince(allScans) {
			if _, ok := listAndStatisticsQueries[shape]; !ok && strings.Contains(shape, "webhook") {
				t.Errorf("not an allowed list query: %q", shape)
			}
		}
	}()
	before := s.counts()
	s.expect(s.do("POST", "/v1/parcels", exp.key, parcelBody("WHC00001")), 201)
	if subs, dels := webhookCommands(s, before); subs+dels != 0 {
		t.Fatalf("without subscriptions a parcel cost %d + %d webhook store commands", subs, dels)
	}
	rx := newReceiver(t, 0)
	otherID, _ := s.subscribe(other, rx.srv.URL, "parcel.*")
	_, _ = s.subscribe(exp, rx.srv.URL, "booking.*")
	before = s.counts()
	for i := range 3 {
		s.expect(s.do("POST", "/v1/parcels", exp.key, parcelBody("WHC0001"+strconv.Itoa(i))), 201)
	}
	if subs, dels := webhookCommands(s, before); subs+dels != 0 {
		t.Fatalf("with subscriptions that want none of them, 3 parcels cost %d + %d webhook store commands", subs, dels)
	}
	if n := len(rx.requests()); n != 0 {
		t.Fatalf("%d deliveries of events nobody may have", n)
	}
	// A subscription that wants them: per event, one bulk write of its deliveries, then per
	// attempt the delivery and the subscription read by _id and the attempt written by _id.
	rxExp := newReceiver(t, 0)
	_, _ = s.subscribe(exp, rxExp.srv.URL, "parcel.registered")
	before, scans := s.counts(), s.main.store.Commands().Scans()
	for i := range 4 {
		s.expect(s.do("POST", "/v1/parcels", exp.key, parcelBody("WHC0002"+strconv.Itoa(i))), 201)
	}
	eventually(t, "the parcels' events are delivered", func() bool { return rxExp.delivered("parcel.registered") == 4 })
	eventually(t, "their attempts are logged", func() bool {
		_, dels := webhookCommands(s, before)
		return dels >= 4*3
	})
	if got := s.scansSince(scans); len(got) != 0 {
		t.Errorf("delivering sent scans: %v", got)
	}
	subs, dels := webhookCommands(s, before)
	t.Logf("webhook store commands per delivered event: %.1f on webhooks, %.1f on webhook_deliveries", float64(subs)/4, float64(dels)/4)
	if subs != 4 || dels != 4*3 {
		t.Fatalf("4 delivered events cost %d + %d webhook store commands, want 4 + 12", subs, dels)
	}
	// The operator's list holds every organisation's subscriptions, or one's.
	all := arr(s.expect(s.do("GET", "/v1/webhooks", testOperatorKey, nil), 200)["items"])
	mine := arr(s.expect(s.do("GET", "/v1/webhooks?orgId="+other.id, testOperatorKey, nil), 200)["items"])
	own := arr(s.expect(s.do("GET", "/v1/webhooks", other.key, nil), 200)["items"])
	if len(all) != 3 || len(mine) != 1 || len(own) != 1 || own[0].(map[string]any)["id"] != otherID {
		t.Fatalf("lists: all %d, by org %d, own %d", len(all), len(mine), len(own))
	}
	for range 19 {
		s.subscribe(other, "https://example.com/hook", "parcel.released")
	}
	s.expectProblem(s.do("POST", "/v1/webhooks", other.key, map[string]any{"url": "https://example.com/hook", "eventTypes": []string{"*"}}), 409, "too_many_webhooks", "")
	s.expect(s.do("DELETE", "/v1/webhooks/"+otherID, other.key, nil), 204)
	s.subscribe(other, "https://example.com/hook", "parcel.released")
	page1 := s.expect(s.do("GET", "/v1/webhooks?limit=15", other.key, nil), 200)
	page2 := s.expect(s.do("GET", "/v1/webhooks?limit=15&cursor="+page1["nextCursor"].(string), other.key, nil), 200)
	if len(arr(page1["items"])) != 15 || len(arr(page2["items"])) != 5 || page2["nextCursor"] != nil {
		t.Fatalf("pages of 15: %d then %d", len(arr(page1["items"])), len(arr(page2["items"])))
	}
	types := s.expect(s.do("GET", "/v1/webhooks/event-types", other.key, nil), 200)
	if len(arr(types["groups"])) < 7 {
		t.Fatalf("catalogue %v", types)
	}
	r := s.do("GET", "/metrics", "", nil)
	if !strings.Contains(string(r.Body), `silkgate_webhook_deliveries_total{outcome="refused"} 0`) {
		t.Fatal("webhook metrics not exported")
	}
}

// TestWebhookDeliveriesResumedFromTheStore: deliveries still owed when the queue lost its
// tasks (an in-memory Redis restarted — here, a queue namespace of its own) are queued again
// from the delivery log at start-up and arrive.
func TestWebhookDeliveriesResumedFromTheStore(t *testing.T) {
	t.Parallel()
	s := startService(t, webhookEnv(map[string]string{"SILKGATE_WEBHOOK_RETRY_BASE": "1h", "SILKGATE_WEBHOOK_RETRY_CAP": "1h"}))
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	rx := newReceiver(t, 1)
	id, secret := s.subscribe(exp, rx.srv.URL, "parcel.registered")
	rx.setSecret(secret)
	s.expect(s.do("POST", "/v1/parcels", exp.key, parcelBody("WHQ00001")), 201)
	eventually(t, "the first attempt fails", func() bool { return len(rx.requests()) == 1 })
	// The retry waits an hour in a queue that is then lost.
	s.environ["SILKGATE_QUEUE"] = redistest.Namespace()
	s.restart()
	eventually(t, "the delivery is resumed and arrives", func() bool { return rx.delivered("parcel.registered") == 1 })
	if got := rx.requests(); len(got) != 2 || !got[1].Verified || got[1].Payload["attempt"] != float64(2) {
		t.Fatalf("requests %v", got)
	}
	log := s.deliveries(exp.key, id)
	if len(log) != 1 || log[0].(map[string]any)["status"] != "delivered" {
		t.Fatalf("log %v", log)
	}
}
