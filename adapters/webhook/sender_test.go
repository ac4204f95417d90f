package webhook

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync/atomic"
	"testing"
	"time"

	"github.com/silkgate/silkgate/app"
)

func TestForbidden(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1": true, "127.5.5.5": true, "10.1.2.3": true, "172.16.0.1": true, "172.31.255.255": true,
		"192.168.1.1": true, "169.254.169.254": true, "100.64.0.1": true, "100.127.255.254": true, "0.0.0.0": true,
		"224.0.0.1": true, "255.255.255.255": true, "::1": true, "::": true, "fe80::1": true, "fc00::1": true,
		"fd00:ec2::254": true, "ff02::1": true, "::ffff:127.0.0.1": true, "::ffff:169.254.169.254": true,
		"::ffff:10.0.0.1": true, "64:ff9b::7f00:1": true,
		"8.8.8.8": false, "1.1.1.1": false, "172.32.0.1": false, "100.128.0.1": false, "2606:4700:4700::1111": false,
		"::ffff:8.8.8.8": false,
	} {
		if got := Forbidden(netip.MustParseAddr(addr)); got != want {
			t.Errorf("%s: forbidden %v, want %v", addr, got, want)
		}
	}
}

// The address dialled is checked, whatever the name: localhost and 127.0.0.1 are refused before
// any connection, unless private addresses are allowed.
func TestSenderRefusesLoopback(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	s := NewSender(Options{Timeout: time.Second})
	for _, url := range []string{srv.URL, "http://localhost:" + srv.URL[len("http://127.0.0.1:"):], "http://[::ffff:127.0.0.1]:" + srv.URL[len("http://127.0.0.1:"):]} {
		res := s.Send(context.Background(), app.WebhookRequest{URL: url, Body: []byte("{}")})
		if !res.Refused || !errors.Is(res.Err, ErrAddressRefused) && res.Err == nil {
			t.Errorf("%s: %+v", url, res)
		}
	}
	if hits.Load() != 0 {
		t.Fatalf("%d requests reached the server", hits.Load())
	}
	allowed := NewSender(Options{Timeout: time.Second, AllowPrivate: true})
	if res := allowed.Send(context.Background(), app.WebhookRequest{URL: srv.URL, Body: []byte("{}")}); res.StatusCode != 200 || hits.Load() != 1 {
		t.Fatalf("allowed: %+v", res)
	}
}
